package databases

import (
	"context"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/secrets"
)

// This file holds what the postgres-operator does for an object, as pure
// functions: the role names, the grants of each group, which group a user
// joins, the user Secret and the statuses. The reconciler and the
// databasestest simulator both use them; only the Server differs.

// ownerRole is the database's owner role: masterRole or "<database>-group".
func ownerRole(spec PostgresSpec) string {
	if spec.MasterRole != "" {
		return spec.MasterRole
	}
	return spec.Database + "-group"
}

// rolesOf names the three group roles of a database.
func rolesOf(spec PostgresSpec) PostgresRoles {
	return PostgresRoles{Owner: ownerRole(spec), Reader: spec.Database + "-reader", Writer: spec.Database + "-writer"}
}

// groupFor returns the group role a user of privileges joins: the owner
// group unless READ or WRITE, as the operator maps an empty field.
func groupFor(privileges string, roles PostgresRoles) string {
	switch Privilege(privileges) {
	case PrivilegeRead:
		return roles.Reader
	case PrivilegeWrite:
		return roles.Writer
	default:
		return roles.Owner
	}
}

// The kinds of object a Grant is on.
const (
	OnSchema    = "SCHEMA"
	OnTables    = "TABLES"
	OnSequences = "SEQUENCES"
	OnFunctions = "FUNCTIONS"
)

// A Grant gives a role privileges in a schema: on the schema itself
// (OnSchema), or on every table, sequence or function in it (OnTables,
// OnSequences, OnFunctions), those there now and those the schema's owner
// creates later (default privileges).
type Grant struct {
	On         string
	Privileges []string
	To         string
}

// Privileges the operator grants.
const (
	privilegeUsage  = "USAGE"
	privilegeSelect = "SELECT"
)

// schemaGrants are the grants the operator gives the group roles on each
// schema: the reader reads, the writer reads and writes.
func schemaGrants(roles PostgresRoles) []Grant {
	return []Grant{
		{On: OnSchema, Privileges: []string{privilegeUsage}, To: roles.Reader},
		{On: OnSchema, Privileges: []string{privilegeUsage}, To: roles.Writer},
		{On: OnTables, Privileges: []string{privilegeSelect}, To: roles.Reader},
		{On: OnTables, Privileges: []string{"DELETE", "INSERT", privilegeSelect, "UPDATE"}, To: roles.Writer},
		{On: OnSequences, Privileges: []string{privilegeSelect, privilegeUsage}, To: roles.Writer},
		{On: OnFunctions, Privileges: []string{"EXECUTE"}, To: roles.Writer},
	}
}

// holdsGrant tells whether the grants have hold every privilege of want.
func holdsGrant(have []Grant, want Grant) bool {
	for _, g := range have {
		if g.On != want.On || g.To != want.To {
			continue
		}
		if !slices.ContainsFunc(want.Privileges, func(p string) bool { return !slices.Contains(g.Privileges, p) }) {
			return true
		}
	}
	return false
}

// A step is one change to a Server, named for errors and tests.
type step struct {
	name string
	do   func(context.Context, Server) error
	// base marks the roles and the database, without which no later step
	// can succeed.
	base bool
}

// planDatabase lists the changes that make server hold spec, given what
// it holds: the group roles, the administrator's membership in the owner
// role (a non-superuser administrator needs it to give the owner a
// database), the database, its schemas with their grants, its extensions.
// An empty plan means the database is up to date.
func planDatabase(spec PostgresSpec, admin string, roles map[string]RoleState, db DatabaseState) []step {
	var plan []step
	names := rolesOf(spec)
	for _, role := range []string{names.Owner, names.Reader, names.Writer} {
		if !roles[role].Exists {
			plan = append(plan, step{"create role " + role, func(ctx context.Context, s Server) error { return s.CreateRole(ctx, role, secrets.Value{}) }, true})
		}
	}
	if !slices.Contains(roles[admin].MemberOf, names.Owner) && admin != names.Owner {
		plan = append(plan, step{"grant " + names.Owner + " to " + admin, func(ctx context.Context, s Server) error { return s.GrantRole(ctx, names.Owner, admin) }, true})
	}
	if !db.Exists {
		plan = append(plan, step{"create database " + spec.Database, func(ctx context.Context, s Server) error { return s.CreateDatabase(ctx, spec.Database, names.Owner) }, true})
	}
	for _, schema := range spec.Schemas {
		current, found := db.Schemas[schema]
		if !found {
			plan = append(plan, step{"create schema " + schema, func(ctx context.Context, s Server) error {
				return s.CreateSchema(ctx, spec.Database, schema, names.Owner)
			}, false})
		}
		for _, g := range schemaGrants(names) {
			if !holdsGrant(current.Grants, g) {
				plan = append(plan, step{"grant " + strings.Join(g.Privileges, ",") + " on " + g.On + " in " + schema + " to " + g.To,
					func(ctx context.Context, s Server) error { return s.Grant(ctx, spec.Database, schema, g) }, false})
			}
		}
	}
	for _, ext := range spec.Extensions {
		if !slices.Contains(db.Extensions, ext) {
			plan = append(plan, step{"create extension " + ext, func(ctx context.Context, s Server) error { return s.CreateExtension(ctx, spec.Database, ext) }, false})
		}
	}
	return plan
}

// databaseStatus is the status the operator reports for db.
func databaseStatus(db *Postgres, outcome reconcile.Outcome) PostgresStatus {
	if !outcome.Ready {
		status := db.Status
		status.Succeeded = false
		return status
	}
	return PostgresStatus{Succeeded: true, Roles: rolesOf(db.Spec), Schemas: slices.Clone(db.Spec.Schemas), Extensions: slices.Clone(db.Spec.Extensions)}
}

// validateUserSpec checks what the operator needs of a user that the CRD
// does not enforce: a role to name its login role after (an empty one would
// make the login role "-xxxxxx").
func validateUserSpec(spec PostgresUserSpec) field.ErrorList {
	if spec.Role == "" {
		return field.ErrorList{field.Required(field.NewPath("spec", "role"), "the login role is named after it")}
	}
	return validateIdentifier(field.NewPath("spec", "role"), spec.Role, maxIdentifier-roleSuffixLength)
}

// newRoleName returns the login role the operator makes for a user whose
// spec.role is base: base, "-" and 6 random characters.
func newRoleName(base string) string { return base + "-" + randomString(roleSuffixLength-1) }

// loginRoleOf names u's login role: the one its status records, else the
// one its existing Secret names (a reconcile that made the role may have
// failed to write the status), else a new one.
func loginRoleOf(u *PostgresUser, existing *corev1.Secret) string {
	if u.Status.PostgresRole != "" {
		return u.Status.PostgresRole
	}
	if existing != nil && metav1.IsControlledBy(existing, u) {
		if role := string(existing.Data[KeyRole]); strings.HasPrefix(role, u.Spec.Role+"-") && len(role) == len(u.Spec.Role)+roleSuffixLength {
			return role
		}
	}
	return newRoleName(u.Spec.Role)
}

// The Details a user's External gives its Secret and status.
const (
	detailRole     = "role"
	detailGroup    = "group"
	detailDatabase = "database"
	detailPassword = "password"
)

// SecretSettings are what a user Secret's connection keys point at, as
// the operator's environment sets them.
type SecretSettings struct {
	// Host and Port are where applications reach PostgreSQL.
	Host string
	Port int
	// URIArgs are appended to POSTGRES_URL (POSTGRES_URI_ARGS).
	URIArgs string
	// KeepSecretName names Secrets "<secretName>" (KEEP_SECRET_NAME=true).
	KeepSecretName bool
}

// userSecret renders the Secret the operator writes for u: every
// connection key, the labels app=<name> plus spec.labels, spec.annotations.
func userSecret(u *PostgresUser, s SecretSettings, d reconcile.Details) *corev1.Secret {
	labels := map[string]string{"app": u.Name}
	maps.Copy(labels, u.Spec.Labels)
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Namespace: u.Namespace, Name: SecretNameFor(u, s.KeepSecretName), Labels: labels, Annotations: maps.Clone(u.Spec.Annotations)},
		Type:       corev1.SecretTypeOpaque,
		Data:       secretData(s.Host, s.Port, d.Get(detailDatabase), d.Get(detailRole), d.Get(detailPassword), s.URIArgs),
	}
}

// userStatus is the status the operator reports for u.
func userStatus(u *PostgresUser, outcome reconcile.Outcome) PostgresUserStatus {
	d := outcome.Details
	if !outcome.Ready {
		status := u.Status
		status.Succeeded = false
		if role := d.Get(detailRole); role != "" && status.PostgresRole == "" {
			status.PostgresRole, status.PostgresLogin = role, role
		}
		return status
	}
	return PostgresUserStatus{Succeeded: true, PostgresRole: d.Get(detailRole), PostgresLogin: d.Get(detailRole),
		PostgresGroup: d.Get(detailGroup), DatabaseName: d.Get(detailDatabase)}
}
