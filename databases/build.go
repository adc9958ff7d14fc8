package databases

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

// maxIdentifier is PostgreSQL's limit on identifier length, in bytes.
const maxIdentifier = 63

// roleSuffixLength is what the operator appends to a user's role:
// "-" and 6 random characters.
const roleSuffixLength = 7

// A Privilege is the group role a user joins.
type Privilege string

// The privileges a PostgresUser may have.
const (
	// PrivilegeOwner joins the owner group: everything on the database.
	PrivilegeOwner Privilege = "OWNER"
	// PrivilegeRead joins the reader group: SELECT on the schemas.
	PrivilegeRead Privilege = "READ"
	// PrivilegeWrite joins the writer group: SELECT, INSERT, UPDATE, DELETE.
	PrivilegeWrite Privilege = "WRITE"
)

// Privileges lists the valid privileges.
var Privileges = []Privilege{PrivilegeOwner, PrivilegeRead, PrivilegeWrite}

// A DatabaseRequest is a Postgres resource to create. Make one with
// NewDatabase.
type DatabaseRequest struct {
	// Name is the resource's name.
	Name string
	// DatabaseName is the name of the database in PostgreSQL; it defaults
	// to Name.
	DatabaseName string
	// MasterRole is the owner role; empty lets the operator use
	// "<database>-group".
	MasterRole string
	// DropOnDelete drops the database with the resource. False by default:
	// nothing is lost unless asked.
	DropOnDelete bool
	// Schemas and Extensions to create.
	Schemas, Extensions []string
}

// A DatabaseOption sets an optional field of a DatabaseRequest.
type DatabaseOption func(*DatabaseRequest)

// NewDatabase returns the database resource called name.
func NewDatabase(name string, opts ...DatabaseOption) DatabaseRequest {
	d := DatabaseRequest{Name: name}
	for _, opt := range opts {
		opt(&d)
	}
	return d
}

// WithDatabaseName sets the name of the database in PostgreSQL.
func WithDatabaseName(name string) DatabaseOption {
	return func(d *DatabaseRequest) { d.DatabaseName = name }
}

// WithMasterRole sets the owner role.
func WithMasterRole(role string) DatabaseOption {
	return func(d *DatabaseRequest) { d.MasterRole = role }
}

// DropOnDelete makes deleting the resource drop the database and its roles.
func DropOnDelete() DatabaseOption { return func(d *DatabaseRequest) { d.DropOnDelete = true } }

// WithSchemas adds schemas.
func WithSchemas(schemas ...string) DatabaseOption {
	return func(d *DatabaseRequest) { d.Schemas = append(d.Schemas, schemas...) }
}

// WithExtensions adds extensions.
func WithExtensions(extensions ...string) DatabaseOption {
	return func(d *DatabaseRequest) { d.Extensions = append(d.Extensions, extensions...) }
}

// validateIdentifier checks a PostgreSQL identifier: not empty, at most max
// bytes, no NUL.
func validateIdentifier(p *field.Path, value string, maxLen int) field.ErrorList {
	switch {
	case value == "":
		return field.ErrorList{field.Required(p, "")}
	case len(value) > maxLen:
		return field.ErrorList{field.TooLong(p, value, maxLen)}
	case strings.ContainsRune(value, 0):
		return field.ErrorList{field.Invalid(p, value, "must not contain NUL")}
	}
	return nil
}

func validateSet(p *field.Path, items []string) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, item := range items {
		errs = append(errs, validateIdentifier(p.Index(i), item, maxIdentifier)...)
		if seen[item] {
			errs = append(errs, field.Duplicate(p.Index(i), item))
		}
		seen[item] = true
	}
	return errs
}

// Validate checks the database with the field paths of its resource.
func (d DatabaseRequest) Validate() field.ErrorList {
	errs := hub.ValidateName(field.NewPath("metadata", "name"), d.Name)
	errs = append(errs, validateIdentifier(field.NewPath("spec", "database"), d.databaseName(), maxIdentifier)...)
	if d.MasterRole != "" {
		errs = append(errs, validateIdentifier(field.NewPath("spec", "masterRole"), d.MasterRole, maxIdentifier)...)
	}
	errs = append(errs, validateSet(field.NewPath("spec", "schemas"), d.Schemas)...)
	errs = append(errs, validateSet(field.NewPath("spec", "extensions"), d.Extensions)...)
	return errs
}

func (d DatabaseRequest) databaseName() string {
	if d.DatabaseName != "" {
		return d.DatabaseName
	}
	return d.Name
}

// Build returns the Postgres resource in namespace. It does not validate.
func (d DatabaseRequest) Build(namespace string) *Postgres {
	return &Postgres{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "Postgres"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: d.Name},
		Spec: PostgresSpec{
			Database:     d.databaseName(),
			MasterRole:   d.MasterRole,
			DropOnDelete: d.DropOnDelete,
			Schemas:      slices.Clone(d.Schemas),
			Extensions:   slices.Clone(d.Extensions),
		},
	}
}

// databaseRequestOf is the request whose Build gives p's spec: how a
// Postgres written whole is validated like one built.
func databaseRequestOf(p *Postgres) DatabaseRequest {
	return DatabaseRequest{
		Name: p.Name, DatabaseName: p.Spec.Database, MasterRole: p.Spec.MasterRole,
		DropOnDelete: p.Spec.DropOnDelete, Schemas: p.Spec.Schemas, Extensions: p.Spec.Extensions,
	}
}

// A UserRequest is a PostgresUser resource to create. Make one with NewUser.
type UserRequest struct {
	// Name is the resource's name.
	Name string
	// Role is the base name of the login role; it defaults to Name.
	Role string
	// Database names the Postgres resource.
	Database string
	// Privileges is OWNER, READ or WRITE; it defaults to READ, the least.
	Privileges Privilege
	// SecretName is the first part of the Secret's name; it defaults to
	// Name.
	SecretName string
	// SecretLabels and SecretAnnotations go onto the Secret.
	SecretLabels, SecretAnnotations map[string]string
}

// A UserOption sets an optional field of a UserRequest.
type UserOption func(*UserRequest)

// NewUser returns the user resource called name of the Postgres resource
// database.
func NewUser(name, database string, opts ...UserOption) UserRequest {
	u := UserRequest{Name: name, Database: database}
	for _, opt := range opts {
		opt(&u)
	}
	return u
}

// WithRole sets the base name of the login role.
func WithRole(role string) UserOption { return func(u *UserRequest) { u.Role = role } }

// WithPrivileges sets the user's privileges.
func WithPrivileges(p Privilege) UserOption { return func(u *UserRequest) { u.Privileges = p } }

// WithSecretName sets the first part of the Secret's name.
func WithSecretName(name string) UserOption { return func(u *UserRequest) { u.SecretName = name } }

// WithSecretLabels adds labels to the Secret.
func WithSecretLabels(labels map[string]string) UserOption {
	return func(u *UserRequest) { u.SecretLabels = maps.Clone(labels) }
}

// WithSecretAnnotations adds annotations to the Secret.
func WithSecretAnnotations(annotations map[string]string) UserOption {
	return func(u *UserRequest) { u.SecretAnnotations = maps.Clone(annotations) }
}

func (u UserRequest) role() string {
	if u.Role != "" {
		return u.Role
	}
	return u.Name
}

func (u UserRequest) secretName() string {
	if u.SecretName != "" {
		return u.SecretName
	}
	return u.Name
}

func (u UserRequest) privileges() Privilege {
	if u.Privileges != "" {
		return u.Privileges
	}
	return PrivilegeRead
}

// Validate checks the user with the field paths of its resource: the role
// must leave room for the operator's 7-character suffix, and the Secret's
// name ("<secretName>-<name>") must be a valid name.
func (u UserRequest) Validate() field.ErrorList {
	errs := hub.ValidateName(field.NewPath("metadata", "name"), u.Name)
	errs = append(errs, validateIdentifier(field.NewPath("spec", "role"), u.role(), maxIdentifier-roleSuffixLength)...)
	errs = append(errs, hub.ValidateName(field.NewPath("spec", "database"), u.Database)...)
	if !slices.Contains(Privileges, u.privileges()) {
		errs = append(errs, field.NotSupported(field.NewPath("spec", "privileges"), u.Privileges, Privileges))
	}
	secretPath := field.NewPath("spec", "secretName")
	errs = append(errs, hub.ValidateName(secretPath, u.secretName())...)
	if full := u.secretName() + "-" + u.Name; u.Name != "" && len(full) > utilvalidation.DNS1123SubdomainMaxLength {
		errs = append(errs, field.Invalid(secretPath, u.secretName(), fmt.Sprintf("the secret name %q would be longer than %d characters", full, utilvalidation.DNS1123SubdomainMaxLength)))
	}
	errs = append(errs, metav1validation.ValidateLabels(u.SecretLabels, field.NewPath("spec", "labels"))...)
	errs = append(errs, validation.ValidateAnnotations(u.SecretAnnotations, field.NewPath("spec", "annotations"))...)
	return errs
}

// Build returns the PostgresUser resource in namespace. It does not
// validate.
func (u UserRequest) Build(namespace string) *PostgresUser {
	return &PostgresUser{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "PostgresUser"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: u.Name},
		Spec: PostgresUserSpec{
			Role:        u.role(),
			Database:    u.Database,
			SecretName:  u.secretName(),
			Privileges:  string(u.privileges()),
			Labels:      maps.Clone(u.SecretLabels),
			Annotations: maps.Clone(u.SecretAnnotations),
		},
	}
}

// userRequestOf is the request whose Build gives u's spec: how a
// PostgresUser written whole is validated like one built.
func userRequestOf(u *PostgresUser) UserRequest {
	return UserRequest{
		Name: u.Name, Role: u.Spec.Role, Database: u.Spec.Database, Privileges: Privilege(u.Spec.Privileges),
		SecretName: u.Spec.SecretName, SecretLabels: u.Spec.Labels, SecretAnnotations: u.Spec.Annotations,
	}
}
