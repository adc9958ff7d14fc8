package dremiov1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hubkit-dev/hubkit/hub"
)

// GroupVersion is the API group and version of the Dremio REST server
// operator.
var GroupVersion = schema.GroupVersion{Group: "operator.dremiorestserver.com", Version: "v1"}

// AddToScheme adds DremioRestServer to a scheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &DremioRestServer{}, &DremioRestServerList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// The states the operator reports in status.state.
const (
	StateDeploying = "Deploying"
	StateRunning   = "Running"
	StateUpdating  = "Updating"
	StateError     = "Error"
)

// +kubebuilder:object:generate=true

// ConnectionProperties say how the server connects to Dremio: with a user
// and password, or a Secret holding them.
type ConnectionProperties struct {
	// +optional

	// Host is Dremio's host.
	Host string `json:"host,omitempty"`
	// +optional

	// Port is Dremio's Arrow Flight port; 0 leaves it out of the URL.
	Port int `json:"port,omitempty"`
	// +optional

	// User is the Dremio user; not with SecretName.
	User string `json:"user,omitempty"`
	// +optional

	// Password is User's password; not with SecretName.
	Password string `json:"password,omitempty"`
	// +optional

	// JDBCProperties are options of the Arrow Flight SQL JDBC driver, as a
	// query string (e.g. useEncryption=false&disableCertificateVerification=true).
	JDBCProperties string `json:"jdbcProperties,omitempty"`
	// +optional

	// SecretName names a Secret holding USER and PASSWORD; an alternative
	// to User and Password.
	SecretName string `json:"secretName,omitempty"`
}

// +kubebuilder:object:generate=true

// DremioRestServerSpec is a REST server over Dremio virtual datasets.
type DremioRestServerSpec struct {
	// +optional

	// Tables are the tables to expose, comma separated.
	Tables string `json:"tables,omitempty"`
	// +optional

	// Connection says how to connect to Dremio.
	Connection ConnectionProperties `json:"connection,omitempty"`
}

// +kubebuilder:object:generate=true

// DremioRestServerStatus is what the operator reports.
type DremioRestServerStatus struct {
	// +optional

	// State is Deploying, Running, Updating or Error.
	State string `json:"state,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=dremiorestservers,singular=dremiorestserver,scope=Namespaced

// DremioRestServer is a Dremio REST server of the Dremio REST server
// operator.
type DremioRestServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   DremioRestServerSpec   `json:"spec,omitempty"`
	Status DremioRestServerStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// DremioRestServerList is a list of DremioRestServers.
type DremioRestServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []DremioRestServer `json:"items"`
}

// Readiness reports the server ready when the operator says Running.
func (d *DremioRestServer) Readiness() hub.Readiness {
	if d.Status.State == "" {
		return hub.Readiness{State: "Pending", Message: "waiting for the operator"}
	}
	return hub.Readiness{Ready: d.Status.State == StateRunning, State: d.Status.State}
}
