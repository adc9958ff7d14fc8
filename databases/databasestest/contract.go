package databasestest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// RunServerContract checks that a databases.Server behaves as a real
// PostgreSQL does: the same states after the same calls, the same errors
// for the same bad input, and the same catalogue after the Provisioner has
// reconciled the same objects. newServer returns a fresh, empty server
// administered as "postgres". Run it on InMemoryPostgreSQL and on
// databases.PostgreSQLServer over StartPostgreSQL: both must pass.
func RunServerContract(t *testing.T, newServer func(t *testing.T) databases.Server) {
	t.Helper()
	for _, c := range []struct {
		name string
		run  func(ctx context.Context, t *testing.T, s databases.Server)
	}{
		{"Roles", contractRoles},
		{"Databases", contractDatabases},
		{"SchemasAndGrants", contractSchemas},
		{"HandOverAndDrop", contractHandOver},
		{"Provisioner", contractProvisioner},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t.Context(), t, newServer(t)) })
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v, want an error that wraps %q", what, err, want)
	}
}

func role(ctx context.Context, t *testing.T, s databases.Server, name string) databases.RoleState {
	t.Helper()
	state, err := s.Role(ctx, name)
	must(t, "reading role "+name, err)
	return state
}

func contractRoles(ctx context.Context, t *testing.T, s databases.Server) {
	if s.Admin() != "postgres" || !role(ctx, t, s, "postgres").Exists {
		t.Fatalf("the administrator is %q; want postgres, existing", s.Admin())
	}
	must(t, "create group", s.CreateRole(ctx, "analysts", secrets.Value{}))
	must(t, "create login", s.CreateRole(ctx, "alice-abc123", secrets.Plain("pw-1")))
	wantErr(t, "creating an existing role", s.CreateRole(ctx, "analysts", secrets.Value{}), databases.ErrExists)
	must(t, "grant", s.GrantRole(ctx, "analysts", "alice-abc123"))
	must(t, "grant again", s.GrantRole(ctx, "analysts", "alice-abc123"))
	wantErr(t, "granting a missing group", s.GrantRole(ctx, "nobody", "alice-abc123"), databases.ErrMissing)
	wantErr(t, "granting to a missing member", s.GrantRole(ctx, "analysts", "nobody"), databases.ErrMissing)
	wantErr(t, "a missing role's password", s.SetPassword(ctx, "nobody", secrets.Plain("x")), databases.ErrMissing)
	must(t, "set password", s.SetPassword(ctx, "alice-abc123", secrets.Plain("pw-2")))
	got := map[string]databases.RoleState{
		"analysts": role(ctx, t, s, "analysts"), "alice-abc123": role(ctx, t, s, "alice-abc123"), "nobody": role(ctx, t, s, "nobody"),
	}
	want := map[string]databases.RoleState{
		"analysts":     {Exists: true, MemberOf: []string{}},
		"alice-abc123": {Exists: true, Login: true, MemberOf: []string{"analysts"}},
		"nobody":       {},
	}
	if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
		t.Errorf("roles: -want, +got:\n%s", diff)
	}
	must(t, "drop a missing role", s.DropRole(ctx, "nobody"))
	must(t, "drop", s.DropRole(ctx, "analysts"))
	if got := role(ctx, t, s, "alice-abc123"); len(got.MemberOf) != 0 {
		t.Errorf("after its group was dropped, alice is a member of %v", got.MemberOf)
	}
}

// cmpEmpty treats nil and empty slices and maps alike: the two servers
// may answer either for "none".
var cmpEmpty = cmp.FilterValues(func(a, b any) bool { return isEmpty(a) && isEmpty(b) }, cmp.Ignore())

func isEmpty(v any) bool {
	switch v := v.(type) {
	case []string:
		return len(v) == 0
	case []databases.Grant:
		return len(v) == 0
	}
	return false
}

func contractDatabases(ctx context.Context, t *testing.T, s databases.Server) {
	wantErr(t, "a database of a missing owner", s.CreateDatabase(ctx, "shop", "nobody"), databases.ErrMissing)
	must(t, "owner", s.CreateRole(ctx, "shop-group", secrets.Value{}))
	must(t, "create", s.CreateDatabase(ctx, "shop", "shop-group"))
	wantErr(t, "creating it again", s.CreateDatabase(ctx, "shop", "shop-group"), databases.ErrExists)
	must(t, "extension", s.CreateExtension(ctx, "shop", "pgcrypto"))
	must(t, "extension again", s.CreateExtension(ctx, "shop", "pgcrypto"))
	wantErr(t, "an extension the server does not have", s.CreateExtension(ctx, "shop", "no_such_extension"), databases.ErrMissing)
	wantErr(t, "a schema in a missing database", s.CreateSchema(ctx, "nowhere", "app", "shop-group"), databases.ErrMissing)
	got, err := s.Database(ctx, "shop")
	must(t, "read", err)
	want := databases.DatabaseState{Exists: true, Owner: "shop-group", Extensions: []string{"pgcrypto"},
		Schemas: map[string]databases.SchemaState{"public": {Owner: "pg_database_owner"}}}
	if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
		t.Errorf("database: -want, +got:\n%s", diff)
	}
	if none, err := s.Database(ctx, "nowhere"); err != nil || none.Exists {
		t.Errorf("a missing database = %+v, %v; want it not to exist and no error", none, err)
	}
	must(t, "drop", s.DropDatabase(ctx, "shop"))
	must(t, "drop a missing database", s.DropDatabase(ctx, "shop"))
	if gone, _ := s.Database(ctx, "shop"); gone.Exists {
		t.Error("a dropped database still exists")
	}
}

func contractSchemas(ctx context.Context, t *testing.T, s databases.Server) {
	for _, r := range []string{"shop-group", "shop-reader", "shop-writer"} {
		must(t, "role "+r, s.CreateRole(ctx, r, secrets.Value{}))
	}
	must(t, "database", s.CreateDatabase(ctx, "shop", "shop-group"))
	must(t, "schema", s.CreateSchema(ctx, "shop", "app", "shop-group"))
	must(t, "schema again", s.CreateSchema(ctx, "shop", "app", "shop-group"))
	wantErr(t, "a schema of a missing owner", s.CreateSchema(ctx, "shop", "other", "nobody"), databases.ErrMissing)
	grants := []databases.Grant{
		{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "shop-reader"},
		{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "shop-writer"},
		{On: databases.OnTables, Privileges: []string{"SELECT"}, To: "shop-reader"},
		{On: databases.OnTables, Privileges: []string{"DELETE", "INSERT", "SELECT", "UPDATE"}, To: "shop-writer"},
		{On: databases.OnSequences, Privileges: []string{"SELECT", "USAGE"}, To: "shop-writer"},
		{On: databases.OnFunctions, Privileges: []string{"EXECUTE"}, To: "shop-writer"},
	}
	for _, g := range grants {
		must(t, "grant", s.Grant(ctx, "shop", "app", g))
		must(t, "grant again", s.Grant(ctx, "shop", "app", g))
	}
	wantErr(t, "a grant in a missing schema", s.Grant(ctx, "shop", "missing", grants[0]), databases.ErrMissing)
	wantErr(t, "a grant to a missing role", s.Grant(ctx, "shop", "app", databases.Grant{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "nobody"}), databases.ErrMissing)
	got, err := s.Database(ctx, "shop")
	must(t, "read", err)
	want := databases.SchemaState{Owner: "shop-group", Grants: []databases.Grant{
		{On: databases.OnFunctions, Privileges: []string{"EXECUTE"}, To: "shop-writer"},
		{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "shop-reader"},
		{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "shop-writer"},
		{On: databases.OnSequences, Privileges: []string{"SELECT", "USAGE"}, To: "shop-writer"},
		{On: databases.OnTables, Privileges: []string{"SELECT"}, To: "shop-reader"},
		{On: databases.OnTables, Privileges: []string{"DELETE", "INSERT", "SELECT", "UPDATE"}, To: "shop-writer"},
	}}
	if diff := cmp.Diff(want, got.Schemas["app"], cmpEmpty); diff != "" {
		t.Errorf("schema app: -want, +got:\n%s", diff)
	}
}

func contractHandOver(ctx context.Context, t *testing.T, s databases.Server) {
	must(t, "owner", s.CreateRole(ctx, "shop-group", secrets.Value{}))
	must(t, "login", s.CreateRole(ctx, "bob-x1y2z3", secrets.Plain("pw")))
	must(t, "database", s.CreateDatabase(ctx, "shop", "shop-group"))
	must(t, "bob's schema", s.CreateSchema(ctx, "shop", "scratch", "bob-x1y2z3"))
	if err := s.DropRole(ctx, "bob-x1y2z3"); err == nil {
		t.Error("a role that owns a schema was dropped")
	}
	if err := s.DropRole(ctx, "shop-group"); err == nil {
		t.Error("a role that owns a database was dropped")
	}
	must(t, "hand over", s.HandOver(ctx, "shop", "bob-x1y2z3", "shop-group"))
	must(t, "hand over from a missing role", s.HandOver(ctx, "shop", "nobody", "shop-group"))
	must(t, "hand over in a missing database", s.HandOver(ctx, "nowhere", "bob-x1y2z3", "shop-group"))
	got, err := s.Database(ctx, "shop")
	must(t, "read", err)
	if owner := got.Schemas["scratch"].Owner; owner != "shop-group" {
		t.Errorf("after the hand-over, scratch is owned by %q, want shop-group", owner)
	}
	must(t, "drop the login role", s.DropRole(ctx, "bob-x1y2z3"))
	if role(ctx, t, s, "bob-x1y2z3").Exists {
		t.Error("the dropped role still exists")
	}
}

// contractProvisioner reconciles the same objects with the Provisioner on
// the server and compares the catalogue it leaves.
func contractProvisioner(ctx context.Context, t *testing.T, s databases.Server) {
	scheme, err := hub.NewScheme(databases.AddToScheme)
	must(t, "scheme", err)
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(databases.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	h := f.Hub(hub.WithNamespace("team-a"))
	p, err := databases.NewProvisionerOn(h, s, databases.WithServiceAddress("pg.example", 5432))
	must(t, "provisioner", err)
	c := databases.NewClient(h)
	_, err = c.CreateDatabase(ctx, databases.NewDatabase("shop", databases.WithSchemas("app", "audit"), databases.WithExtensions("pgcrypto")))
	must(t, "create database", err)
	_, err = c.CreateUser(ctx, databases.NewUser("loader", "shop", databases.WithPrivileges(databases.PrivilegeWrite)))
	must(t, "create user", err)
	key := client.ObjectKey{Namespace: "team-a", Name: "shop"}
	for range 2 {
		_, err = p.ReconcileDatabase(ctx, key)
		must(t, "reconcile database", err)
		_, err = p.ReconcileUser(ctx, client.ObjectKey{Namespace: "team-a", Name: "loader"})
		must(t, "reconcile user", err)
	}
	u, err := c.User(ctx, "loader")
	must(t, "read user", err)
	if !u.Status.Succeeded {
		t.Fatalf("user status = %+v, want succeeded", u.Status)
	}
	login := role(ctx, t, s, u.Status.PostgresRole)
	if diff := cmp.Diff(databases.RoleState{Exists: true, Login: true, MemberOf: []string{"shop-writer"}}, login); diff != "" {
		t.Errorf("the user's login role: -want, +got:\n%s", diff)
	}
	if admin := role(ctx, t, s, "postgres"); !cmp.Equal(admin.MemberOf, []string{"shop-group"}) {
		t.Errorf("the administrator belongs to %v, want the owner group", admin.MemberOf)
	}
	db, err := s.Database(ctx, "shop")
	must(t, "read database", err)
	if db.Owner != "shop-group" || len(db.Schemas) != 3 || len(db.Schemas["audit"].Grants) != 6 || !cmp.Equal(db.Extensions, []string{"pgcrypto"}) {
		t.Errorf("database = %+v; want owner shop-group, schemas public, app and audit with six grants each, pgcrypto", db)
	}
}
