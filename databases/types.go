// +groupName=db.movetokube.com
// +versionName=v1alpha1

package databases

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the API group and version of the movetokube
// postgres-operator, which Hubkit's types match field for field.
var GroupVersion = schema.GroupVersion{Group: "db.movetokube.com", Version: "v1alpha1"}

// AddToScheme adds Postgres and PostgresUser to a scheme; pass it to
// hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &Postgres{}, &PostgresList{}, &PostgresUser{}, &PostgresUserList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// PostgresSpec is a PostgreSQL database, its group roles, schemas and
// extensions.
// +kubebuilder:object:generate=true
type PostgresSpec struct {
	// Database is the name of the database created in PostgreSQL.
	Database string `json:"database"`
	// MasterRole is the database's owner role; it defaults to
	// "<database>-group".
	// +optional
	MasterRole string `json:"masterRole,omitempty"`
	// DropOnDelete drops the database and its roles when the resource is
	// deleted. It defaults to false: deleting the resource keeps the data.
	// +optional
	DropOnDelete bool `json:"dropOnDelete,omitempty"`
	// Schemas lists the schemas to create, with grants for the group roles.
	// +optional
	// +listType=set
	Schemas []string `json:"schemas,omitempty"`
	// Extensions lists the extensions to create in the database.
	// +optional
	// +listType=set
	Extensions []string `json:"extensions,omitempty"`
}

// PostgresRoles names the group roles of a database.
// +kubebuilder:object:generate=true
type PostgresRoles struct {
	Owner  string `json:"owner"`
	Reader string `json:"reader"`
	Writer string `json:"writer"`
}

// PostgresStatus is what the operator has made of a Postgres.
// +kubebuilder:object:generate=true
type PostgresStatus struct {
	Succeeded bool          `json:"succeeded"`
	Roles     PostgresRoles `json:"roles"`
	// +optional
	// +listType=set
	Schemas []string `json:"schemas,omitempty"`
	// +optional
	// +listType=set
	Extensions []string `json:"extensions,omitempty"`
}

// Postgres is a database of the movetokube postgres-operator.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=postgres,singular=postgres,scope=Namespaced
type Postgres struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PostgresSpec   `json:"spec,omitempty"`
	Status PostgresStatus `json:"status,omitempty"`
}

// PostgresList is a list of Postgres.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
type PostgresList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Postgres `json:"items"`
}

// PostgresUserAWSSpec holds the AWS RDS options of a user.
// +kubebuilder:object:generate=true
type PostgresUserAWSSpec struct {
	// EnableIamAuth grants the rds_iam role (AWS RDS only).
	// +optional
	// +kubebuilder:default=false
	EnableIamAuth bool `json:"enableIamAuth,omitempty"`
}

// PostgresUserSpec is a login role in a Postgres database, and the Secret
// that tells applications how to connect.
// +kubebuilder:object:generate=true
type PostgresUserSpec struct {
	// Role is the base name of the login role; the operator adds a suffix
	// of 6 random characters.
	Role string `json:"role"`
	// Database is the name of the Postgres resource (in the same
	// namespace), not the name of the database.
	Database string `json:"database"`
	// SecretName names the Secret the operator writes:
	// "<secretName>-<resource name>", or "<secretName>" when the operator
	// keeps secret names.
	SecretName string `json:"secretName"`
	// SecretTemplate adds or overrides keys of the Secret, as Go templates.
	// +optional
	SecretTemplate map[string]string `json:"secretTemplate,omitempty"`
	// Privileges is OWNER, READ or WRITE: the group role the user joins.
	// Anything but READ and WRITE means the owner group.
	// +optional
	Privileges string `json:"privileges"`
	// AWS holds AWS RDS options.
	// +optional
	AWS *PostgresUserAWSSpec `json:"aws,omitempty"`
	// Annotations are copied to the Secret.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
	// Labels are merged into the Secret's labels.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
}

// PostgresUserStatus is what the operator has made of a PostgresUser.
// +kubebuilder:object:generate=true
type PostgresUserStatus struct {
	Succeeded     bool   `json:"succeeded"`
	PostgresRole  string `json:"postgresRole"`
	PostgresLogin string `json:"postgresLogin"`
	PostgresGroup string `json:"postgresGroup"`
	DatabaseName  string `json:"databaseName"`
	// +optional
	EnableIamAuth bool `json:"enableIamAuth"`
}

// PostgresUser is a user of a Postgres database, of the movetokube
// postgres-operator.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=postgresusers,singular=postgresuser,scope=Namespaced
type PostgresUser struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PostgresUserSpec   `json:"spec,omitempty"`
	Status PostgresUserStatus `json:"status,omitempty"`
}

// PostgresUserList is a list of PostgresUser.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
type PostgresUserList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []PostgresUser `json:"items"`
}
