package databasestest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A ServerUnderTest is a databases.Server and a way to create a table in
// it, as an application would: a Server grants on tables but creates none.
type ServerUnderTest struct {
	Server databases.Server
	// CreateTable creates an empty table schema.table in database as the
	// schema's owner (SET ROLE <owner>; CREATE TABLE …; RESET ROLE), so
	// that the table is the owner's and the owner's default privileges in
	// the schema apply to it, and fails the test if it cannot.
	CreateTable func(t *testing.T, database, schema, table string)
}

// RunServerContract checks that a databases.Server behaves as a real
// PostgreSQL does: the same states after the same calls, the same errors
// for the same bad input, and the same catalogue after the Provisioner has
// reconciled the same objects. newServer returns a fresh, empty server
// administered as "postgres". Run it on InMemoryPostgreSQL (with its
// CreateTable) and on databases.PostgreSQLServer over StartPostgreSQL
// (creating tables through SQL): both must pass.
func RunServerContract(t *testing.T, newServer func(t *testing.T) ServerUnderTest) {
	t.Helper()
	hubtest.RunContract(t, newServer,
		hubtest.ContractCase[ServerUnderTest]{Name: "Roles", Run: onServer(contractRoles)},
		hubtest.ContractCase[ServerUnderTest]{Name: "Databases", Run: onServer(contractDatabases)},
		hubtest.ContractCase[ServerUnderTest]{Name: "SchemasAndGrants", Run: onServer(contractSchemas)},
		hubtest.ContractCase[ServerUnderTest]{Name: "HandOverAndDrop", Run: onServer(contractHandOver)},
		hubtest.ContractCase[ServerUnderTest]{Name: "TablePrivileges", Run: contractTablePrivileges},
		hubtest.ContractCase[ServerUnderTest]{Name: "TablePrivilegesHeld", Run: contractTablePrivilegesHeld},
		hubtest.ContractCase[ServerUnderTest]{Name: "Provisioner", Run: onServer(contractProvisioner)},
	)
}

// onServer adapts a case that needs only the Server.
func onServer(run func(context.Context, *testing.T, databases.Server)) func(context.Context, *testing.T, ServerUnderTest) {
	return func(ctx context.Context, t *testing.T, sut ServerUnderTest) { run(ctx, t, sut.Server) }
}

func role(ctx context.Context, t *testing.T, s databases.Server, name string) databases.RoleState {
	t.Helper()
	state, err := s.Role(ctx, name)
	require.NoError(t, err, "reading role "+name)
	return state
}

func contractRoles(ctx context.Context, t *testing.T, s databases.Server) {
	if s.Admin() != "postgres" || !role(ctx, t, s, "postgres").Exists {
		t.Fatalf("the administrator is %q; want postgres, existing", s.Admin())
	}
	require.NoError(t, s.CreateRole(ctx, "analysts", secrets.Value{}), "create group")
	require.NoError(t, s.CreateRole(ctx, "alice-abc123", secrets.Plain("pw-1")), "create login")
	require.ErrorIs(t, s.CreateRole(ctx, "analysts", secrets.Value{}), databases.ErrExists, "creating an existing role")
	require.NoError(t, s.GrantRole(ctx, "analysts", "alice-abc123"), "grant")
	require.NoError(t, s.GrantRole(ctx, "analysts", "alice-abc123"), "grant again")
	require.ErrorIs(t, s.GrantRole(ctx, "nobody", "alice-abc123"), databases.ErrMissing, "granting a missing group")
	require.ErrorIs(t, s.GrantRole(ctx, "analysts", "nobody"), databases.ErrMissing, "granting to a missing member")
	require.ErrorIs(t, s.SetPassword(ctx, "nobody", secrets.Plain("x")), databases.ErrMissing, "a missing role's password")
	require.NoError(t, s.SetPassword(ctx, "alice-abc123", secrets.Plain("pw-2")), "set password")
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
	require.NoError(t, s.DropRole(ctx, "nobody"), "drop a missing role")
	require.NoError(t, s.DropRole(ctx, "analysts"), "drop")
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
	case []databases.TablePrivilege:
		return len(v) == 0
	}
	return false
}

func contractDatabases(ctx context.Context, t *testing.T, s databases.Server) {
	require.ErrorIs(t, s.CreateDatabase(ctx, "shop", "nobody"), databases.ErrMissing, "a database of a missing owner")
	require.NoError(t, s.CreateRole(ctx, "shop-group", secrets.Value{}), "owner")
	require.NoError(t, s.CreateDatabase(ctx, "shop", "shop-group"), "create")
	require.ErrorIs(t, s.CreateDatabase(ctx, "shop", "shop-group"), databases.ErrExists, "creating it again")
	require.NoError(t, s.CreateExtension(ctx, "shop", "pgcrypto"), "extension")
	require.NoError(t, s.CreateExtension(ctx, "shop", "pgcrypto"), "extension again")
	require.ErrorIs(t, s.CreateExtension(ctx, "shop", "no_such_extension"), databases.ErrMissing, "an extension the server does not have")
	require.ErrorIs(t, s.CreateSchema(ctx, "nowhere", "app", "shop-group"), databases.ErrMissing, "a schema in a missing database")
	got, err := s.Database(ctx, "shop")
	require.NoError(t, err, "read")
	want := databases.DatabaseState{Exists: true, Owner: "shop-group", Extensions: []string{"pgcrypto"},
		Schemas: map[string]databases.SchemaState{"public": {Owner: "pg_database_owner"}}}
	if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
		t.Errorf("database: -want, +got:\n%s", diff)
	}
	if none, err := s.Database(ctx, "nowhere"); err != nil || none.Exists {
		t.Errorf("a missing database = %+v, %v; want it not to exist and no error", none, err)
	}
	require.NoError(t, s.DropDatabase(ctx, "shop"), "drop")
	require.NoError(t, s.DropDatabase(ctx, "shop"), "drop a missing database")
	if gone, _ := s.Database(ctx, "shop"); gone.Exists {
		t.Error("a dropped database still exists")
	}
}

func contractSchemas(ctx context.Context, t *testing.T, s databases.Server) {
	for _, r := range []string{"shop-group", "shop-reader", "shop-writer"} {
		require.NoError(t, s.CreateRole(ctx, r, secrets.Value{}), "role "+r)
	}
	require.NoError(t, s.CreateDatabase(ctx, "shop", "shop-group"), "database")
	require.NoError(t, s.CreateSchema(ctx, "shop", "app", "shop-group"), "schema")
	require.NoError(t, s.CreateSchema(ctx, "shop", "app", "shop-group"), "schema again")
	require.ErrorIs(t, s.CreateSchema(ctx, "shop", "other", "nobody"), databases.ErrMissing, "a schema of a missing owner")
	grants := []databases.Grant{
		{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "shop-reader"},
		{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "shop-writer"},
		{On: databases.OnTables, Privileges: []string{"SELECT"}, To: "shop-reader"},
		{On: databases.OnTables, Privileges: []string{"DELETE", "INSERT", "SELECT", "UPDATE"}, To: "shop-writer"},
		{On: databases.OnSequences, Privileges: []string{"SELECT", "USAGE"}, To: "shop-writer"},
		{On: databases.OnFunctions, Privileges: []string{"EXECUTE"}, To: "shop-writer"},
	}
	for _, g := range grants {
		require.NoError(t, s.Grant(ctx, "shop", "app", g), "grant")
		require.NoError(t, s.Grant(ctx, "shop", "app", g), "grant again")
	}
	require.ErrorIs(t, s.Grant(ctx, "shop", "missing", grants[0]), databases.ErrMissing, "a grant in a missing schema")
	require.ErrorIs(t, s.Grant(ctx, "shop", "app", databases.Grant{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "nobody"}), databases.ErrMissing, "a grant to a missing role")
	got, err := s.Database(ctx, "shop")
	require.NoError(t, err, "read")
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
	require.NoError(t, s.CreateRole(ctx, "shop-group", secrets.Value{}), "owner")
	require.NoError(t, s.CreateRole(ctx, "bob-x1y2z3", secrets.Plain("pw")), "login")
	require.NoError(t, s.CreateDatabase(ctx, "shop", "shop-group"), "database")
	require.NoError(t, s.CreateSchema(ctx, "shop", "scratch", "bob-x1y2z3"), "bob's schema")
	if err := s.DropRole(ctx, "bob-x1y2z3"); err == nil {
		t.Error("a role that owns a schema was dropped")
	}
	if err := s.DropRole(ctx, "shop-group"); err == nil {
		t.Error("a role that owns a database was dropped")
	}
	require.NoError(t, s.HandOver(ctx, "shop", "bob-x1y2z3", "shop-group"), "hand over")
	require.NoError(t, s.HandOver(ctx, "shop", "nobody", "shop-group"), "hand over from a missing role")
	require.NoError(t, s.HandOver(ctx, "nowhere", "bob-x1y2z3", "shop-group"), "hand over in a missing database")
	got, err := s.Database(ctx, "shop")
	require.NoError(t, err, "read")
	if owner := got.Schemas["scratch"].Owner; owner != "shop-group" {
		t.Errorf("after the hand-over, scratch is owned by %q, want shop-group", owner)
	}
	require.NoError(t, s.DropRole(ctx, "bob-x1y2z3"), "drop the login role")
	if role(ctx, t, s, "bob-x1y2z3").Exists {
		t.Error("the dropped role still exists")
	}
}

func tablePrivileges(ctx context.Context, t *testing.T, s databases.Server, database, role string) []databases.TablePrivilege {
	t.Helper()
	got, err := s.TablePrivileges(ctx, database, role)
	require.NoError(t, err, "reading the table privileges of "+role+" in "+database)
	return got
}

func contractTablePrivileges(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	s := sut.Server
	for _, r := range []string{"shop-group", "shop-api"} {
		require.NoError(t, s.CreateRole(ctx, r, secrets.Value{}), "role "+r)
	}
	require.NoError(t, s.CreateRole(ctx, "alice-abc123", secrets.Plain("pw")), "login")
	require.NoError(t, s.GrantRole(ctx, "shop-api", "alice-abc123"), "alice joins shop-api")
	require.NoError(t, s.CreateDatabase(ctx, "shop", "shop-group"), "database")
	require.NoError(t, s.CreateSchema(ctx, "shop", "app", "shop-group"), "schema")
	sut.CreateTable(t, "shop", "app", "orders")
	sut.CreateTable(t, "shop", "app", "customers")
	sut.CreateTable(t, "shop", "public", "notes")
	selectOnly := []string{"SELECT"}

	t.Run("Refused", func(t *testing.T) {
		cases := map[string]struct {
			reason  string
			call    func() error
			missing bool // the error wraps ErrMissing; otherwise it must not
		}{
			"MissingTable": {"a grant on a table that does not exist", func() error {
				return s.GrantTable(ctx, "shop", "app", "nosuch", selectOnly, "shop-api")
			}, true},
			"MissingSchema": {"a grant in a schema that does not exist", func() error {
				return s.GrantTable(ctx, "shop", "nowhere", "orders", selectOnly, "shop-api")
			}, true},
			"MissingDatabase": {"a grant in a database that does not exist", func() error {
				return s.GrantTable(ctx, "nowhere", "app", "orders", selectOnly, "shop-api")
			}, true},
			"MissingRole": {"a grant to a role that does not exist", func() error {
				return s.GrantTable(ctx, "shop", "app", "orders", selectOnly, "nobody")
			}, true},
			"InvalidPrivilege": {"USAGE is a schema's and a sequence's privilege, not a table's", func() error {
				return s.GrantTable(ctx, "shop", "app", "orders", []string{"SELECT", "USAGE"}, "shop-api")
			}, false},
			"All": {"ALL is not one privilege: the caller names each", func() error {
				return s.GrantTable(ctx, "shop", "app", "orders", []string{"ALL"}, "shop-api")
			}, false},
			"LowerCase": {"privileges are spelled as TablePrivilegeNames spells them", func() error {
				return s.GrantTable(ctx, "shop", "app", "orders", []string{"select"}, "shop-api")
			}, false},
			"SQL": {"a privilege never reaches SQL unchecked", func() error {
				return s.GrantTable(ctx, "shop", "app", "orders", []string{"SELECT ON ALL TABLES IN SCHEMA app TO PUBLIC; --"}, "shop-api")
			}, false},
			"None": {"a grant of no privileges", func() error {
				return s.GrantTable(ctx, "shop", "app", "orders", nil, "shop-api")
			}, false},
			"InvalidPrivilegeOnMissingTable": {"the privileges are checked first", func() error {
				return s.GrantTable(ctx, "shop", "app", "nosuch", []string{"EXECUTE"}, "shop-api")
			}, false},
			"RevokeInvalidPrivilege": {"a revoke checks its privileges too, even on a missing table", func() error {
				return s.RevokeTable(ctx, "shop", "app", "nosuch", []string{"USAGE"}, "shop-api")
			}, false},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				err := tc.call()
				switch {
				case err == nil:
					t.Errorf("%s: no error", tc.reason)
				case tc.missing && !errors.Is(err, databases.ErrMissing):
					t.Errorf("%s: error %v; want it to wrap ErrMissing", tc.reason, err)
				case !tc.missing && errors.Is(err, databases.ErrMissing):
					t.Errorf("%s: error %v wraps ErrMissing; want a refusal", tc.reason, err)
				}
			})
		}
		if got := tablePrivileges(ctx, t, s, "shop", "shop-api"); len(got) != 0 {
			t.Errorf("refused grants left privileges behind: %v", got)
		}
	})

	t.Run("GrantAndList", func(t *testing.T) {
		grants := []struct {
			schema, table string
			privileges    []string
			to            string
		}{
			{"app", "orders", []string{"SELECT", "INSERT"}, "shop-api"},
			{"app", "orders", []string{"SELECT", "INSERT"}, "shop-api"}, // again: nothing changes
			{"app", "orders", selectOnly, "shop-api"},                   // a part again: nothing is taken away
			{"app", "customers", selectOnly, "shop-api"},
			{"public", "notes", []string{"TRUNCATE", "DELETE"}, "shop-api"},
			{"app", "orders", []string{"UPDATE"}, "alice-abc123"},
			{"app", "orders", databases.TablePrivilegeNames, "shop-group"}, // the owner of app and so of its tables: implicit already
		}
		for _, g := range grants {
			require.NoError(t, s.GrantTable(ctx, "shop", g.schema, g.table, g.privileges, g.to), "grant on "+g.schema+"."+g.table+" to "+g.to)
		}
		cases := map[string]struct {
			reason         string
			database, role string
			want           []databases.TablePrivilege
		}{
			"Grantee": {"what was granted, sorted by schema, table and privilege", "shop", "shop-api", []databases.TablePrivilege{
				{Schema: "app", Table: "customers", Privilege: "SELECT"},
				{Schema: "app", Table: "orders", Privilege: "INSERT"},
				{Schema: "app", Table: "orders", Privilege: "SELECT"},
				{Schema: "public", Table: "notes", Privilege: "DELETE"},
				{Schema: "public", Table: "notes", Privilege: "TRUNCATE"},
			}},
			"Member": {"only what a member was granted itself, not through its group", "shop", "alice-abc123", []databases.TablePrivilege{
				{Schema: "app", Table: "orders", Privilege: "UPDATE"},
			}},
			"Owner":           {"the owner's implicit privileges are not listed, even granted again", "shop", "shop-group", nil},
			"Superuser":       {"a superuser holds every privilege, but none was granted to it", "shop", "postgres", nil},
			"MissingRole":     {"a missing role holds none", "shop", "nobody", nil},
			"MissingDatabase": {"a missing database has none", "nowhere", "shop-api", nil},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				if diff := cmp.Diff(tc.want, tablePrivileges(ctx, t, s, tc.database, tc.role), cmpEmpty); diff != "" {
					t.Errorf("%s: -want, +got:\n%s", tc.reason, diff)
				}
			})
		}
	})

	t.Run("Revoke", func(t *testing.T) {
		revokes := map[string]struct {
			database, schema, table string
			privileges              []string
			from                    string
		}{
			"Part":            {"shop", "app", "orders", []string{"INSERT"}, "shop-api"},
			"NotHeld":         {"shop", "app", "customers", []string{"UPDATE", "REFERENCES"}, "shop-api"},
			"All":             {"shop", "app", "orders", []string{"UPDATE"}, "alice-abc123"},
			"MissingTable":    {"shop", "app", "nosuch", selectOnly, "shop-api"},
			"MissingSchema":   {"shop", "nowhere", "orders", selectOnly, "shop-api"},
			"MissingDatabase": {"nowhere", "app", "orders", selectOnly, "shop-api"},
			"MissingRole":     {"shop", "app", "orders", selectOnly, "nobody"},
		}
		for name, r := range revokes {
			require.NoError(t, s.RevokeTable(ctx, r.database, r.schema, r.table, r.privileges, r.from), "revoke "+name)
		}
		want := map[string][]databases.TablePrivilege{
			"shop-api": {
				{Schema: "app", Table: "customers", Privilege: "SELECT"},
				{Schema: "app", Table: "orders", Privilege: "SELECT"},
				{Schema: "public", Table: "notes", Privilege: "DELETE"},
				{Schema: "public", Table: "notes", Privilege: "TRUNCATE"},
			},
			"alice-abc123": nil,
		}
		got := map[string][]databases.TablePrivilege{
			"shop-api": tablePrivileges(ctx, t, s, "shop", "shop-api"), "alice-abc123": tablePrivileges(ctx, t, s, "shop", "alice-abc123"),
		}
		if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
			t.Errorf("after the revokes: -want, +got:\n%s", diff)
		}
	})

	t.Run("HandOverAndDrop", func(t *testing.T) {
		err := s.DropRole(ctx, "shop-api")
		require.ErrorContains(t, err, "cannot be dropped because some objects depend on it", "dropping a role that holds table privileges")
		if !role(ctx, t, s, "shop-api").Exists {
			t.Fatal("a role that holds table privileges was dropped")
		}
		require.NoError(t, s.HandOver(ctx, "shop", "shop-api", "shop-group"), "hand over")
		if got := tablePrivileges(ctx, t, s, "shop", "shop-api"); len(got) != 0 {
			t.Errorf("after the hand-over, shop-api still holds %v", got)
		}
		require.NoError(t, s.DropRole(ctx, "shop-api"), "drop after the hand-over")
		if role(ctx, t, s, "shop-api").Exists {
			t.Error("the dropped role still exists")
		}
	})
}

// contractTablePrivilegesHeld checks what a role effectively holds on a
// table: as its owner or the owner's member, through the grants on TABLES
// a schema's owner gives (on the tables there at the time and on those it
// creates later), through groups, transitively, and directly.
func contractTablePrivilegesHeld(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	s := sut.Server
	for _, r := range []string{"shop-group", "shop-reader", "shop-writer", "loaders", "outsider"} {
		require.NoError(t, s.CreateRole(ctx, r, secrets.Value{}), "role "+r)
	}
	members := map[string]string{"alice-abc123": "shop-group", "bob-def456": "shop-reader", "carol-ghi789": "loaders", "dave-jkl012": ""}
	for login, group := range members {
		require.NoError(t, s.CreateRole(ctx, login, secrets.Plain("pw")), "login "+login)
		if group != "" {
			require.NoError(t, s.GrantRole(ctx, group, login), login+" joins "+group)
		}
	}
	require.NoError(t, s.GrantRole(ctx, "shop-writer", "loaders"), "loaders join shop-writer")
	require.NoError(t, s.CreateDatabase(ctx, "shop", "shop-group"), "database")
	require.NoError(t, s.CreateSchema(ctx, "shop", "app", "shop-group"), "schema")
	sut.CreateTable(t, "shop", "app", "early")
	// The grants the databases Provisioner gives each schema's groups.
	for _, g := range []databases.Grant{
		{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "shop-reader"},
		{On: databases.OnSchema, Privileges: []string{"USAGE"}, To: "shop-writer"},
		{On: databases.OnTables, Privileges: []string{"SELECT"}, To: "shop-reader"},
		{On: databases.OnTables, Privileges: []string{"DELETE", "INSERT", "SELECT", "UPDATE"}, To: "shop-writer"},
	} {
		require.NoError(t, s.Grant(ctx, "shop", "app", g), "grant")
	}
	sut.CreateTable(t, "shop", "app", "late")
	sut.CreateTable(t, "shop", "public", "notes")
	require.NoError(t, s.GrantTable(ctx, "shop", "app", "late", []string{"UPDATE"}, "dave-jkl012"), "a direct grant")

	all := databases.TablePrivilegeNames
	cases := map[string]struct {
		reason              string
		role, schema, table string
		want                []string
	}{
		"Owner":       {"the schema's owner created the table: it holds everything", "shop-group", "app", "late", all},
		"OwnerMember": {"a member of the owner group holds what the owner holds", "alice-abc123", "app", "late", all},
		"Superuser":   {"the administrator, a superuser, holds everything", "postgres", "app", "late", all},
		"ReaderLater": {"a reader holds SELECT on a table the schema's owner created after the grants (default privileges)",
			"bob-def456", "app", "late", []string{"SELECT"}},
		"ReaderEarlier": {"a reader holds SELECT on a table there before the grants (ON ALL TABLES)",
			"bob-def456", "app", "early", []string{"SELECT"}},
		"WriterTwoGroupsDeep": {"a member of a member of the writer group holds the writer's privileges, in TablePrivilegeNames order",
			"carol-ghi789", "app", "late", []string{"SELECT", "INSERT", "UPDATE", "DELETE"}},
		"Outside":          {"a role in no group holds nothing", "outsider", "app", "late", nil},
		"Direct":           {"a privilege granted on the table itself counts", "dave-jkl012", "app", "late", []string{"UPDATE"}},
		"DirectOtherTable": {"a grant on one table gives nothing on another", "dave-jkl012", "app", "early", nil},
		"DatabaseOwner": {"public is pg_database_owner's: the database's owner and its members hold everything on its tables",
			"alice-abc123", "public", "notes", all},
		"ReaderInPublic": {"no grants were given in public", "bob-def456", "public", "notes", nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := s.TablePrivilegesHeld(ctx, "shop", tc.role, tc.schema, tc.table)
			require.NoError(t, err, tc.reason)
			if diff := cmp.Diff(tc.want, got, cmpEmpty); diff != "" {
				t.Errorf("%s: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}

	refused := map[string]struct {
		reason                        string
		database, role, schema, table string
	}{
		"MissingTable":    {"a table that does not exist", "shop", "bob-def456", "app", "nosuch"},
		"MissingSchema":   {"a schema that does not exist", "shop", "bob-def456", "nowhere", "late"},
		"MissingDatabase": {"a database that does not exist", "nowhere", "bob-def456", "app", "late"},
		"MissingRole":     {"a role that does not exist", "shop", "nobody", "app", "late"},
	}
	for name, tc := range refused {
		t.Run(name, func(t *testing.T) {
			got, err := s.TablePrivilegesHeld(ctx, tc.database, tc.role, tc.schema, tc.table)
			if !errors.Is(err, databases.ErrMissing) {
				t.Errorf("%s: %v, %v; want an error wrapping ErrMissing", tc.reason, got, err)
			}
		})
	}
}

// contractProvisioner reconciles the same objects with the Provisioner on
// the server and compares the catalogue it leaves.
func contractProvisioner(ctx context.Context, t *testing.T, s databases.Server) {
	scheme, err := hub.NewScheme(databases.AddToScheme)
	require.NoError(t, err, "scheme")
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(databases.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	h := f.Hub(hub.WithNamespace("team-a"))
	p, err := databases.NewProvisionerOn(h, s, databases.WithServiceAddress("pg.example", 5432))
	require.NoError(t, err, "provisioner")
	c := databases.NewClient(h)
	_, err = c.CreateDatabase(ctx, databases.NewDatabase("shop", databases.WithSchemas("app", "audit"), databases.WithExtensions("pgcrypto")))
	require.NoError(t, err, "create database")
	_, err = c.CreateUser(ctx, databases.NewUser("loader", "shop", databases.WithPrivileges(databases.PrivilegeWrite)))
	require.NoError(t, err, "create user")
	key := client.ObjectKey{Namespace: "team-a", Name: "shop"}
	for range 2 {
		_, err = p.ReconcileDatabase(ctx, key)
		require.NoError(t, err, "reconcile database")
		_, err = p.ReconcileUser(ctx, client.ObjectKey{Namespace: "team-a", Name: "loader"})
		require.NoError(t, err, "reconcile user")
	}
	u, err := c.GetUser(ctx, "loader")
	require.NoError(t, err, "read user")
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
	require.NoError(t, err, "read database")
	if db.Owner != "shop-group" || len(db.Schemas) != 3 || len(db.Schemas["audit"].Grants) != 6 || !cmp.Equal(db.Extensions, []string{"pgcrypto"}) {
		t.Errorf("database = %+v; want owner shop-group, schemas public, app and audit with six grants each, pgcrypto", db)
	}
}
