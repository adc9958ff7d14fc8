package databases_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// catalog is what a reconcile may change in PostgreSQL: roles and their
// memberships, databases, schemas with their privileges, default
// privileges and extensions. Comparing two snapshots proves a reconcile
// changed nothing.
func catalog(ctx context.Context, t *testing.T, pg *databasestest.PostgreSQL, database string) []string {
	t.Helper()
	var rows []string
	query := func(db, q string) {
		conn, err := pgx.Connect(ctx, pg.DSN(db))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close(ctx) }()
		r, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, s)
		}
	}
	query("postgres", `SELECT 'role '||rolname||' login='||rolcanlogin FROM pg_roles WHERE rolname NOT LIKE 'pg\_%' ORDER BY 1`)
	query("postgres", `SELECT 'member '||g.rolname||' <- '||r.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid=m.roleid JOIN pg_roles r ON r.oid=m.member ORDER BY 1`)
	query("postgres", `SELECT 'database '||datname||' owner='||pg_get_userbyid(datdba)||' acl='||coalesce(datacl::text,'') FROM pg_database ORDER BY 1`)
	query(database, `SELECT 'schema '||nspname||' owner='||pg_get_userbyid(nspowner)||' acl='||coalesce(nspacl::text,'') FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' ORDER BY 1`)
	query(database, `SELECT 'default '||coalesce(defaclacl::text,'') FROM pg_default_acl ORDER BY 1`)
	query(database, `SELECT 'extension '||extname FROM pg_extension ORDER BY 1`)
	return rows
}

type provisionerEnv struct {
	pg   *databasestest.PostgreSQL
	fake *hubtest.Fake
	c    *databases.Client
	prov *databases.Provisioner
	clnt client.Client
}

func newProvisionerEnv(t *testing.T) *provisionerEnv {
	t.Helper()
	pg := databasestest.StartPostgreSQL(t)
	scheme, err := hub.NewScheme(databases.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(databases.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	h := f.Hub(hub.WithNamespace("team-a"), hub.WithFieldOwner("postgres-provisioner"))
	prov, err := databases.NewProvisioner(h, pg.DSN("postgres"), databases.WithURIArgs("sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(prov.Close)
	return &provisionerEnv{pg: pg, fake: f, c: databases.NewClient(h), prov: prov, clnt: f.Client()}
}

func (e *provisionerEnv) reconcileAll(ctx context.Context, t *testing.T) {
	t.Helper()
	dbs, err := e.c.ListDatabases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, db := range dbs {
		if _, err := e.prov.ReconcileDatabase(ctx, client.ObjectKeyFromObject(db)); err != nil {
			t.Fatalf("reconciling database %s: %v", db.Name, err)
		}
	}
	users, err := e.c.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if _, err := e.prov.ReconcileUser(ctx, client.ObjectKeyFromObject(u)); err != nil {
			t.Fatalf("reconciling user %s: %v", u.Name, err)
		}
	}
}

// resourceVersions maps every database, user and secret to its
// resourceVersion: equal maps mean no write.
func (e *provisionerEnv) resourceVersions(ctx context.Context, t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, list := range []client.ObjectList{&databases.PostgresList{}, &databases.PostgresUserList{}, &corev1.SecretList{}} {
		if err := e.clnt.List(ctx, list, client.InNamespace("team-a")); err != nil {
			t.Fatal(err)
		}
		switch l := list.(type) {
		case *databases.PostgresList:
			for _, o := range l.Items {
				out["postgres/"+o.Name] = o.ResourceVersion
			}
		case *databases.PostgresUserList:
			for _, o := range l.Items {
				out["user/"+o.Name] = o.ResourceVersion
			}
		case *corev1.SecretList:
			for _, o := range l.Items {
				out["secret/"+o.Name] = o.ResourceVersion
			}
		}
	}
	return out
}

func sqlState(err error) string {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code
	}
	return ""
}

func TestProvisionerOnRealPostgreSQL(t *testing.T) {
	ctx := t.Context()
	e := newProvisionerEnv(t)
	if _, err := e.c.CreateDatabase(ctx, databases.NewDatabase("analytics", databases.WithSchemas("app"), databases.WithExtensions("pgcrypto"))); err != nil {
		t.Fatal(err)
	}
	for name, priv := range map[string]databases.Privilege{"reader": databases.PrivilegeRead, "loader": databases.PrivilegeWrite, "admin": databases.PrivilegeOwner} {
		if _, err := e.c.CreateUser(ctx, databases.NewUser(name, "analytics", databases.WithPrivileges(priv), databases.WithSecretName("pg"))); err != nil {
			t.Fatal(err)
		}
	}
	e.reconcileAll(ctx, t)

	db, err := e.c.GetDatabase(ctx, "analytics")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus := databases.PostgresStatus{Succeeded: true, Roles: databases.PostgresRoles{Owner: "analytics-group", Reader: "analytics-reader", Writer: "analytics-writer"},
		Schemas: []string{"app"}, Extensions: []string{"pgcrypto"}}
	if diff := cmp.Diff(wantStatus, db.Status); diff != "" {
		t.Errorf("database status: -want, +got:\n%s", diff)
	}
	if !strings.Contains(strings.Join(db.Finalizers, ","), databases.Finalizer) {
		t.Errorf("finalizers %v, want %s", db.Finalizers, databases.Finalizer)
	}

	// The owner group makes a table, as an application deploying its schema would.
	admin, err := pgx.Connect(ctx, e.pg.DSN("analytics"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close(ctx) }()
	if _, err := admin.Exec(ctx, `SET ROLE "analytics-group"; CREATE TABLE app.items (id serial PRIMARY KEY, name text); RESET ROLE`); err != nil {
		t.Fatal(err)
	}

	connectAs := func(user string) *pgx.Conn {
		t.Helper()
		ci, err := e.c.ConnectionInfo(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, ci.URL.Reveal())
		if err != nil {
			t.Fatalf("connecting as %s (%s): %v", user, ci, err)
		}
		t.Cleanup(func() { _ = conn.Close(context.WithoutCancel(ctx)) })
		return conn
	}
	loader := connectAs("loader")
	if _, err := loader.Exec(ctx, "INSERT INTO app.items (name) VALUES ('first')"); err != nil {
		t.Errorf("a WRITE user cannot insert: %v", err)
	}
	reader := connectAs("reader")
	var count int
	if err := reader.QueryRow(ctx, "SELECT count(*) FROM app.items").Scan(&count); err != nil || count != 1 {
		t.Errorf("a READ user's select = %d, %v; want the one row", count, err)
	}
	if _, err := reader.Exec(ctx, "INSERT INTO app.items (name) VALUES ('nope')"); sqlState(err) != "42501" {
		t.Errorf("a READ user's insert = %v, want insufficient_privilege (42501)", err)
	}
	owner := connectAs("admin")
	if _, err := owner.Exec(ctx, "CREATE TABLE app.owned (id int)"); err != nil {
		t.Errorf("an OWNER user cannot create a table in the schema: %v", err)
	}

	// A second reconcile over converged objects changes nothing.
	beforePG := catalog(ctx, t, e.pg, "analytics")
	beforeK8s := e.resourceVersions(ctx, t)
	e.reconcileAll(ctx, t)
	if diff := cmp.Diff(beforePG, catalog(ctx, t, e.pg, "analytics")); diff != "" {
		t.Errorf("a resync changed PostgreSQL: -before, +after:\n%s", diff)
	}
	if diff := cmp.Diff(beforeK8s, e.resourceVersions(ctx, t)); diff != "" {
		t.Errorf("a resync wrote to the cluster: -before, +after:\n%s", diff)
	}
}

func TestProvisionerDeletes(t *testing.T) {
	ctx := t.Context()
	e := newProvisionerEnv(t)
	for _, db := range []databases.DatabaseRequest{
		databases.NewDatabase("kept", databases.WithSchemas("app")),
		databases.NewDatabase("scratch", databases.DropOnDelete()),
	} {
		if _, err := e.c.CreateDatabase(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.c.CreateUser(ctx, databases.NewUser("temp", "kept")); err != nil {
		t.Fatal(err)
	}
	e.reconcileAll(ctx, t)
	u, err := e.c.GetUser(ctx, "temp")
	if err != nil {
		t.Fatal(err)
	}
	role := u.Status.PostgresRole

	admin, err := pgx.Connect(ctx, e.pg.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close(ctx) }()
	has := func(q, name string) bool {
		var one int
		err := admin.QueryRow(ctx, q, name).Scan(&one)
		return err == nil
	}
	const roleQ, dbQ = "SELECT 1 FROM pg_roles WHERE rolname=$1", "SELECT 1 FROM pg_database WHERE datname=$1"
	if !has(roleQ, role) {
		t.Fatalf("the login role %s was not created", role)
	}

	if err := e.c.DeleteUser(ctx, "temp"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.prov.ReconcileUser(ctx, types.NamespacedName{Namespace: "team-a", Name: "temp"}); err != nil {
		t.Fatal(err)
	}
	if has(roleQ, role) {
		t.Errorf("the login role %s survived its user", role)
	}
	if _, err := e.c.GetUser(ctx, "temp"); !hub.IsNotFound(err) {
		t.Errorf("the user resource is still there (finalizer not removed?): %v", err)
	}

	for _, name := range []string{"kept", "scratch"} {
		if err := e.c.DeleteDatabase(ctx, name); err != nil {
			t.Fatal(err)
		}
		if _, err := e.prov.ReconcileDatabase(ctx, types.NamespacedName{Namespace: "team-a", Name: name}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.GetDatabase(ctx, name); !hub.IsNotFound(err) {
			t.Errorf("database resource %s is still there: %v", name, err)
		}
	}
	if !has(dbQ, "kept") || !has(roleQ, "kept-group") {
		t.Error("dropOnDelete is false by default: the database and its roles must stay")
	}
	if has(dbQ, "scratch") || has(roleQ, "scratch-group") || has(roleQ, "scratch-reader") {
		t.Error("dropOnDelete: the database and its roles must go")
	}
}

func TestProvisionerWaitsForItsDatabase(t *testing.T) {
	ctx := t.Context()
	e := newProvisionerEnv(t)
	if _, err := e.c.CreateDatabase(ctx, databases.NewDatabase("later")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.CreateUser(ctx, databases.NewUser("early", "later")); err != nil {
		t.Fatal(err)
	}
	res, err := e.prov.ReconcileUser(ctx, types.NamespacedName{Namespace: "team-a", Name: "early"})
	if err != nil || res.RequeueAfter == 0 {
		t.Errorf("a user whose database is not provisioned = %+v, %v; want a requeue", res, err)
	}
	if u, _ := e.c.GetUser(ctx, "early"); u.Status.Succeeded {
		t.Error("the user is ready before its database")
	}
}

func TestNewProvisionerHidesTheDSN(t *testing.T) {
	_, err := databases.NewProvisioner(nil, "postgres://admin:s3cret@[bad")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a bad DSN = %v; want an error that does not quote the password", err)
	}
}
