package postgrestv1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hubkit-dev/hubkit/hub"
)

// GroupVersion is the API group and version of the PostgREST operator.
var GroupVersion = schema.GroupVersion{Group: "operator.postgrest.org", Version: "v1"}

// AddToScheme adds Postgrest to a scheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &Postgrest{}, &PostgrestList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// The states the operator reports in status.state.
const (
	StateInitializing = "Initializing"
	StateDeploying    = "Deploying"
	StateRunning      = "Running"
	StateUpdating     = "Updating"
	StateError        = "Error"
	StateDegraded     = "Degraded"
)

// +kubebuilder:object:generate=true

// ConnectionProperties say how PostgREST connects to PostgreSQL: by host,
// database, user and password, or by a Secret.
type ConnectionProperties struct {
	// +optional

	// Host is PostgreSQL's host.
	Host string `json:"host,omitempty"`
	// +optional

	// Port is PostgreSQL's port; 0 leaves it out of the connection URI.
	Port int `json:"port,omitempty"`
	// +optional

	// Database is the database to connect to.
	Database string `json:"database,omitempty"`
	// +optional

	// User is the role to connect as; not with SecretName.
	User string `json:"user,omitempty"`
	// +optional

	// Password is User's password; not with SecretName.
	Password string `json:"password,omitempty"`
	// +optional

	// ExtraParams are more connection properties, as a query string (e.g.
	// sslmode=disable).
	ExtraParams string `json:"extraParams,omitempty"`
	// +optional

	// SecretName names a Secret holding POSTGRES_URL, or USER and PASSWORD
	// (then Host and Database are required); an alternative to User and
	// Password.
	SecretName string `json:"secretName,omitempty"`
}

// +kubebuilder:object:generate=true

// PostgrestSpec is a PostgREST service over a PostgreSQL schema.
type PostgrestSpec struct {
	// +optional

	// Schema is the schema PostgREST exposes; empty is public.
	Schema string `json:"schema,omitempty"`
	// +optional

	// Tables are the tables to expose through a role the operator
	// generates ("<name>_postgrest_role"); not with AnonRole.
	Tables []string `json:"tables,omitempty"`
	// +optional

	// Grants are the privileges the generated role gets on Tables, comma
	// separated; empty is SELECT.
	Grants string `json:"grants,omitempty"`
	// +optional

	// AnonRole is an existing role PostgREST serves anonymous requests as;
	// not with Tables.
	AnonRole string `json:"anonRole,omitempty"`
	// +optional

	// Connection says how to connect to PostgreSQL.
	Connection ConnectionProperties `json:"connection,omitempty"`
}

// +kubebuilder:object:generate=true

// PostgrestStatus is what the operator reports.
type PostgrestStatus struct {
	// +optional

	// State is Initializing, Deploying, Running, Updating, Error or
	// Degraded.
	State string `json:"state,omitempty"`
	// +optional

	// Message explains an Error.
	Message string `json:"message,omitempty"`
	// +optional

	// GeneratedAnonRole names the role generated for Tables.
	GeneratedAnonRole string `json:"generatedAnonRole,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=postgrests,singular=postgrest,scope=Namespaced

// Postgrest is a PostgREST service of the PostgREST operator.
type Postgrest struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PostgrestSpec   `json:"spec,omitempty"`
	Status PostgrestStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// PostgrestList is a list of Postgrests.
type PostgrestList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Postgrest `json:"items"`
}

// Readiness reports the service ready when the operator says Running.
func (p *Postgrest) Readiness() hub.Readiness {
	if p.Status.State == "" {
		return hub.Readiness{State: "Pending", Message: "waiting for the operator"}
	}
	return hub.Readiness{Ready: p.Status.State == StateRunning, State: p.Status.State, Message: p.Status.Message}
}
