// +groupName=operator.scc-digitalhub.github.io
// +versionName=v1

package gateway

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/hubkit-dev/hubkit/hub"
)

// GroupVersion is the API group and version of the apigw-operator, which
// Hubkit's types match field for field.
var GroupVersion = schema.GroupVersion{Group: "operator.scc-digitalhub.github.io", Version: "v1"}

// AddToScheme adds ApiGw to a scheme, and the Gateway API's v1 types a
// Provisioner may render (HTTPRoute); pass it to hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &ApiGw{}, &ApiGwList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	if err := gatewayv1.Install(s); err != nil {
		return fmt.Errorf("gateway: adding the Gateway API types: %w", err)
	}
	return nil
}

// Kind is the operator's kind.
const Kind = "ApiGw"

// The states the operator reports in status.state.
const (
	StateInitializing = "Initializing"
	StateReady        = "Ready"
	StateUpdating     = "Updating"
	StateError        = "Error"
)

// The authentication types of spec.auth.type.
const (
	AuthNone  = "none"
	AuthBasic = "basic"
)

// +kubebuilder:object:generate=true

// BasicAuth is the one user basic authentication lets in.
type BasicAuth struct {
	// +optional

	// User is the user's name.
	User string `json:"user,omitempty"`
	// +optional

	// Password is the user's password, in plain text as upstream has it.
	Password string `json:"password,omitempty"`
}

// +kubebuilder:object:generate=true

// Auth is how a gateway authenticates requests.
type Auth struct {
	// +optional

	// Type is none or basic; empty is none.
	Type string `json:"type,omitempty"`
	// +optional

	// Basic is the user of basic authentication.
	Basic BasicAuth `json:"basic,omitempty"`
}

// +kubebuilder:object:generate=true

// ApiGwSpec exposes a Service's port on a host and path.
type ApiGwSpec struct {
	// +optional

	// Host is the DNS name the service is reached at.
	Host string `json:"host,omitempty"`
	// +optional

	// Path is the path prefix the service is reached at.
	Path string `json:"path,omitempty"`
	// +optional

	// Service names the Service of the namespace to expose.
	Service string `json:"service,omitempty"`
	// +optional

	// Port is the Service's port to expose.
	Port int32 `json:"port,omitempty"`
	// +optional

	// Auth is how requests are authenticated.
	Auth Auth `json:"auth,omitempty"`
}

// +kubebuilder:object:generate=true

// ApiGwStatus is what the operator reports.
type ApiGwStatus struct {
	// +optional

	// State is Initializing, Ready, Updating or Error.
	State string `json:"state,omitempty"`
	// +optional

	// Hash is the hex SHA-256 of "user:password" of the basic
	// authentication last applied, by which a changed password is told
	// without hashing it again.
	Hash string `json:"hash,omitempty"`
	// +optional

	// Message says why the state is Error. It is Hubkit's: the operator
	// reports no reason, and its CRD prunes the field.
	Message string `json:"message,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=apigws,singular=apigw,scope=Namespaced

// ApiGw exposes a Service outside the cluster, through an Ingress, as the
// apigw-operator does.
type ApiGw struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ApiGwSpec   `json:"spec,omitempty"`
	Status ApiGwStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// ApiGwList is a list of ApiGws.
type ApiGwList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []ApiGw `json:"items"`
}

// Readiness reports the gateway ready when the operator says Ready.
func (g *ApiGw) Readiness() hub.Readiness {
	if g.Status.State == "" {
		return hub.Readiness{State: "Pending", Message: "waiting for the operator"}
	}
	return hub.Readiness{Ready: g.Status.State == StateReady, State: g.Status.State, Message: g.Status.Message}
}
