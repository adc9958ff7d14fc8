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

// +kubebuilder:object:generate=true

// PostgresSpec is a PostgreSQL database, its group roles, schemas and
// extensions.
type PostgresSpec struct {
	// Database is the name of the database created in PostgreSQL.
	Database string `json:"database"`
	// +optional

	// MasterRole is the database's owner role; it defaults to
	// "<database>-group".
	MasterRole string `json:"masterRole,omitempty"`
	// +optional

	// DropOnDelete drops the database and its roles when the resource is
	// deleted. It defaults to false: deleting the resource keeps the data.
	DropOnDelete bool `json:"dropOnDelete,omitempty"`
	// +optional
	// +listType=set

	// Schemas lists the schemas to create, with grants for the group roles.
	Schemas []string `json:"schemas,omitempty"`
	// +optional
	// +listType=set

	// Extensions lists the extensions to create in the database.
	Extensions []string `json:"extensions,omitempty"`
}

// +kubebuilder:object:generate=true

// PostgresRoles names the group roles of a database.
type PostgresRoles struct {
	Owner  string `json:"owner"`
	Reader string `json:"reader"`
	Writer string `json:"writer"`
}

// +kubebuilder:object:generate=true

// PostgresStatus is what the operator has made of a Postgres.
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

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=postgres,singular=postgres,scope=Namespaced

// Postgres is a database of the movetokube postgres-operator.
type Postgres struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PostgresSpec   `json:"spec,omitempty"`
	Status PostgresStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// PostgresList is a list of Postgres.
type PostgresList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Postgres `json:"items"`
}

// +kubebuilder:object:generate=true

// PostgresUserAWSSpec holds the AWS RDS options of a user.
type PostgresUserAWSSpec struct {
	// +optional
	// +kubebuilder:default=false

	// EnableIamAuth grants the rds_iam role (AWS RDS only).
	EnableIamAuth bool `json:"enableIamAuth,omitempty"`
}

// +kubebuilder:object:generate=true

// PostgresUserSpec is a login role in a Postgres database, and the Secret
// that tells applications how to connect.
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
	// +optional

	// SecretTemplate adds or overrides keys of the Secret, as Go templates.
	SecretTemplate map[string]string `json:"secretTemplate,omitempty"`
	// +optional

	// Privileges is OWNER, READ or WRITE: the group role the user joins.
	// Anything but READ and WRITE means the owner group.
	Privileges string `json:"privileges"`
	// +optional

	// AWS holds AWS RDS options.
	AWS *PostgresUserAWSSpec `json:"aws,omitempty"`
	// +optional

	// Annotations are copied to the Secret.
	Annotations map[string]string `json:"annotations,omitempty"`
	// +optional

	// Labels are merged into the Secret's labels.
	Labels map[string]string `json:"labels,omitempty"`
}

// +kubebuilder:object:generate=true

// PostgresUserStatus is what the operator has made of a PostgresUser.
type PostgresUserStatus struct {
	Succeeded     bool   `json:"succeeded"`
	PostgresRole  string `json:"postgresRole"`
	PostgresLogin string `json:"postgresLogin"`
	PostgresGroup string `json:"postgresGroup"`
	DatabaseName  string `json:"databaseName"`
	// +optional

	EnableIamAuth bool `json:"enableIamAuth"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=postgresusers,singular=postgresuser,scope=Namespaced

// PostgresUser is a user of a Postgres database, of the movetokube
// postgres-operator.
type PostgresUser struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PostgresUserSpec   `json:"spec,omitempty"`
	Status PostgresUserStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// PostgresUserList is a list of PostgresUser.
type PostgresUserList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []PostgresUser `json:"items"`
}
