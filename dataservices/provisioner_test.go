package dataservices_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/dataservices"
	"github.com/hubkit-dev/hubkit/dataservices/dataservicestest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// recordingServer is an in-memory PostgreSQL that records every write a
// reconciler makes to it: none is what a converged resync must make.
type recordingServer struct {
	*databasestest.InMemoryPostgreSQL

	mu     sync.Mutex
	writes []string
}

func (s *recordingServer) record(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes = append(s.writes, what)
}

func (s *recordingServer) Writes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

func (s *recordingServer) CreateRole(ctx context.Context, name string, password secrets.Value) error {
	s.record("create role " + name)
	return s.InMemoryPostgreSQL.CreateRole(ctx, name, password)
}

func (s *recordingServer) GrantRole(ctx context.Context, group, member string) error {
	s.record("grant role " + group + " to " + member)
	return s.InMemoryPostgreSQL.GrantRole(ctx, group, member)
}

func (s *recordingServer) DropRole(ctx context.Context, name string) error {
	s.record("drop role " + name)
	return s.InMemoryPostgreSQL.DropRole(ctx, name)
}

func (s *recordingServer) HandOver(ctx context.Context, database, from, to string) error {
	s.record("hand over " + from + " in " + database)
	return s.InMemoryPostgreSQL.HandOver(ctx, database, from, to)
}

func (s *recordingServer) Grant(ctx context.Context, database, schema string, g databases.Grant) error {
	s.record("grant on schema " + schema + " to " + g.To)
	return s.InMemoryPostgreSQL.Grant(ctx, database, schema, g)
}

func (s *recordingServer) GrantTable(ctx context.Context, database, schema, table string, privileges []string, role string) error {
	s.record("grant " + strings.Join(privileges, ",") + " on " + schema + "." + table + " to " + role)
	return s.InMemoryPostgreSQL.GrantTable(ctx, database, schema, table, privileges, role)
}

func (s *recordingServer) RevokeTable(ctx context.Context, database, schema, table string, privileges []string, role string) error {
	s.record("revoke " + strings.Join(privileges, ",") + " on " + schema + "." + table + " from " + role)
	return s.InMemoryPostgreSQL.RevokeTable(ctx, database, schema, table, privileges, role)
}

// services is a fake cluster with both simulators over one in-memory
// PostgreSQL, and the clients of both domains in team-a.
type services struct {
	c      *dataservices.Client
	users  *databases.Client
	fake   *hubtest.Fake
	server *databasestest.InMemoryPostgreSQL
}

func newServices(t *testing.T) *services {
	t.Helper()
	op := databasestest.NewOperator()
	c, users, f := newFake(t, op, dataservicestest.NewOperator(op.Server))
	return &services{c: c, users: users, fake: f, server: op.Server}
}

// userSecret returns the Secret the databases operator wrote for user.
func (s *services) userSecret(ctx context.Context, t *testing.T, user string) *corev1.Secret {
	t.Helper()
	u, err := s.users.GetUser(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := hub.For[*corev1.Secret](s.fake.Hub(hub.WithNamespace("team-a"))).Get(ctx, s.users.SecretName(u))
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// createTables creates tables in schema public of database, as an
// application deploying its schema would.
func (s *services) createTables(t *testing.T, database string, tables ...string) {
	t.Helper()
	for _, table := range tables {
		if err := s.server.CreateTable(database, "public", table); err != nil {
			t.Fatal(err)
		}
	}
}

// waitForState waits until the Postgrest called name reports state.
func (s *services) waitForState(ctx context.Context, t *testing.T, name, state string) *dataservices.Postgrest {
	t.Helper()
	var p *dataservices.Postgrest
	err := s.fake.WaitFor(ctx, "Postgrest "+name+" "+state, 10*time.Second, func(ctx context.Context) (bool, error) {
		var err error
		p, err = s.c.GetPostgrest(ctx, name)
		return err == nil && p.Status.State == state, err
	})
	if err != nil {
		t.Fatalf("%v; the Postgrest is %+v", err, p.Status)
	}
	return p
}

// object reads a rendered object of team-a.
func object[T client.Object](ctx context.Context, s *services, name string) (T, error) {
	return hub.For[T](s.fake.Hub(hub.WithNamespace("team-a"))).Get(ctx, name)
}

func privilegesOn(tables []string, names ...string) []databases.TablePrivilege {
	out := make([]databases.TablePrivilege, 0, len(tables)*len(names))
	for _, t := range tables {
		for _, p := range names {
			out = append(out, databases.TablePrivilege{Schema: "public", Table: t, Privilege: p})
		}
	}
	return out
}

// checkPrivileges checks the table privileges role holds in the database
// shop.
func (s *services) checkPrivileges(ctx context.Context, t *testing.T, what, role string, want []databases.TablePrivilege) {
	t.Helper()
	got, err := s.server.TablePrivileges(ctx, "shop", role)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s: table privileges of %s: -want, +got:\n%s", what, role, diff)
	}
}

// checkResync reconciles once more, with a Provisioner of its own over the
// same PostgreSQL, and checks that nothing was written, in the cluster or
// in PostgreSQL.
func (s *services) checkResync(t *testing.T, reconcile func(*dataservices.Provisioner) error) {
	t.Helper()
	server := &recordingServer{InMemoryPostgreSQL: s.server}
	prov, err := dataservices.NewProvisionerOn(s.fake.Hub(hub.WithFieldOwner("postgrest-operator")), server)
	if err != nil {
		t.Fatal(err)
	}
	s.fake.ResetRequests()
	if err := reconcile(prov); err != nil {
		t.Fatal(err)
	}
	if s.fake.Writes() != 0 {
		t.Errorf("a resync wrote to the cluster: %v", s.fake.Requests())
	}
	if w := server.Writes(); len(w) != 0 {
		t.Errorf("a resync wrote to PostgreSQL: %v", w)
	}
}

// checkGone checks that the Secret, Deployment and Service called name
// are gone.
func (s *services) checkGone(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	for kind, get := range map[string]func() error{
		"Secret":     func() error { _, err := object[*corev1.Secret](ctx, s, name); return err },
		"Deployment": func() error { _, err := object[*appsv1.Deployment](ctx, s, name); return err },
		"Service":    func() error { _, err := object[*corev1.Service](ctx, s, name); return err },
	} {
		if err := get(); !hub.IsNotFound(err) {
			t.Errorf("the %s %s after the delete: %v; want it garbage-collected", kind, name, err)
		}
	}
}

// A PostgREST service over tables of a databases user's database: its
// role, exactly its grants, following the spec, no write on a resync, and
// nothing left after a delete.
func TestProvisionerPostgrestOverTables(t *testing.T) {
	ctx := t.Context()
	s := newServices(t)
	waitForUser(ctx, t, s.users, "shop", "api", databases.WithPrivileges(databases.PrivilegeWrite), databases.WithSecretName("pg"))
	s.createTables(t, "shop", "items", "orders", "customers")
	userSecret := s.userSecret(ctx, t, "api")
	login := string(userSecret.Data[databases.KeyLogin])
	if u, err := url.Parse(string(userSecret.Data[databases.KeyURL])); err != nil || u.User.Username() != login {
		t.Fatalf("the user Secret's POSTGRES_URL is not the LOGIN's %q: %v", login, err)
	}

	if _, err := s.c.CreatePostgrestForUser(ctx, "items-api", "api",
		dataservices.WithTables("items", "orders"), dataservices.WithGrants("select", "INSERT")); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := s.c.WaitForPostgrest(wctx, "items-api")
	if err != nil {
		t.Fatal(err)
	}
	const role = "items_api_postgrest_role"
	want := dataservices.PostgrestStatus{State: "Running", GeneratedAnonRole: role}
	if diff := cmp.Diff(want, p.Status); diff != "" {
		t.Errorf("status: -want, +got:\n%s", diff)
	}
	if !slices.Contains(p.Finalizers, dataservices.PostgrestFinalizer) {
		t.Errorf("finalizers %v, want %s", p.Finalizers, dataservices.PostgrestFinalizer)
	}
	if got, err := s.server.Role(ctx, role); err != nil || !got.Exists || got.Login {
		t.Errorf("the generated role is %+v, %v; want it to exist without LOGIN", got, err)
	}
	if got, err := s.server.Role(ctx, login); err != nil || !slices.Contains(got.MemberOf, role) {
		t.Errorf("the connecting user %s is %+v, %v; want it a member of %s", login, got, err, role)
	}
	s.checkPrivileges(ctx, t, "created", role, privilegesOn([]string{"items", "orders"}, "INSERT", "SELECT"))

	rendered, err := object[*corev1.Secret](ctx, s, "postgrest-items-api")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(rendered.Data[dataservices.KeyPostgresURI]), string(userSecret.Data[databases.KeyURL]); got != want {
		t.Errorf("the rendered Secret's postgresUri is not the user's POSTGRES_URL")
	}
	deployment, err := object[*appsv1.Deployment](ctx, s, "postgrest-items-api")
	if err != nil {
		t.Fatal(err)
	}
	if env := deployment.Spec.Template.Spec.Containers[0].Env; len(env) != 3 || env[2].Value != role {
		t.Errorf("the Deployment's environment is %+v; want PGRST_DB_ANON_ROLE=%s", env, role)
	}
	if owner := controllerOf(deployment); owner != "Postgrest/items-api" {
		t.Errorf("the Deployment's controller is %q, want the Postgrest", owner)
	}

	// The spec changes: a table goes, another comes, INSERT goes.
	postgrests := hub.For[*dataservices.Postgrest](s.fake.Hub(hub.WithNamespace("team-a")))
	if _, err := postgrests.Update(ctx, "items-api", func(p *dataservices.Postgrest) error {
		p.Spec.Tables, p.Spec.Grants = []string{"items", "customers"}, "SELECT"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.checkPrivileges(ctx, t, "after the spec change", role, privilegesOn([]string{"customers", "items"}, "SELECT"))
	s.waitForState(ctx, t, "items-api", "Running")

	s.checkResync(t, func(prov *dataservices.Provisioner) error {
		_, err := prov.ReconcilePostgrest(ctx, types.NamespacedName{Namespace: "team-a", Name: "items-api"})
		return err
	})

	// Deleted: the role goes, then the finalizer, then the rendered
	// objects with their owner; the user is left alone.
	if err := s.c.DeletePostgrest(ctx, "items-api"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.GetPostgrest(ctx, "items-api"); !hub.IsNotFound(err) {
		t.Errorf("the deleted Postgrest: %v; want NotFound once its finalizer is removed", err)
	}
	if got, err := s.server.Role(ctx, role); err != nil || got.Exists {
		t.Errorf("the generated role after the delete: %+v, %v; want it dropped", got, err)
	}
	s.checkPrivileges(ctx, t, "after the delete", role, nil)
	if got, err := s.server.Role(ctx, login); err != nil || !got.Exists || !got.Login {
		t.Errorf("the user's login role after the delete: %+v, %v; want it untouched", got, err)
	}
	s.checkGone(ctx, t, "postgrest-items-api")
}

// controllerOf names the controller owner of obj, as Kind/name.
func controllerOf(obj client.Object) string {
	for _, o := range obj.GetOwnerReferences() {
		if o.Controller != nil && *o.Controller {
			return o.Kind + "/" + o.Name
		}
	}
	return ""
}

// A schema change hands the role's grants over and grants anew in the
// new schema.
func TestProvisionerPostgrestSchemaChange(t *testing.T) {
	ctx := t.Context()
	s := newServices(t)
	waitForUser(ctx, t, s.users, "shop", "api", databases.WithSecretName("pg"))
	s.createTables(t, "shop", "items")
	// The application's own schema, whose readers may select its tables.
	if err := s.server.CreateSchema(ctx, "shop", "curated", "shop-group"); err != nil {
		t.Fatal(err)
	}
	if err := s.server.Grant(ctx, "shop", "curated", databases.Grant{On: databases.OnTables, Privileges: []string{"SELECT"}, To: "shop-reader"}); err != nil {
		t.Fatal(err)
	}
	if err := s.server.CreateTable("shop", "curated", "items"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.CreatePostgrestForUser(ctx, "items-api", "api", dataservices.WithTables("items")); err != nil {
		t.Fatal(err)
	}
	s.waitForState(ctx, t, "items-api", "Running")
	postgrests := hub.For[*dataservices.Postgrest](s.fake.Hub(hub.WithNamespace("team-a")))
	if _, err := postgrests.Update(ctx, "items-api", func(p *dataservices.Postgrest) error {
		p.Spec.Schema = "curated"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.server.TablePrivileges(ctx, "shop", "items_api_postgrest_role")
	if err != nil {
		t.Fatal(err)
	}
	want := []databases.TablePrivilege{{Schema: "curated", Table: "items", Privilege: "SELECT"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("privileges after the schema change: -want, +got:\n%s", diff)
	}
	deployment, err := object[*appsv1.Deployment](ctx, s, "postgrest-items-api")
	if err != nil {
		t.Fatal(err)
	}
	if env := deployment.Spec.Template.Spec.Containers[0].Env; len(env) < 2 || env[1].Value != "curated" {
		t.Errorf("the Deployment's environment is %+v; want PGRST_DB_SCHEMAS=curated", env)
	}
}

// An existing role that does not exist is an Error with the message;
// once it exists, a change of the object brings the service up.
func TestProvisionerPostgrestMissingAnonRole(t *testing.T) {
	ctx := t.Context()
	s := newServices(t)
	u := waitForUser(ctx, t, s.users, "shop", "api", databases.WithSecretName("pg"))
	if _, err := s.c.CreatePostgrest(ctx, dataservices.NewPostgrest("web", dataservices.WithAnonRole("web_anon"),
		dataservices.WithConnectionSecret(s.users.SecretName(u)))); err != nil {
		t.Fatal(err)
	}
	p := s.waitForState(ctx, t, "web", "Error")
	if !strings.Contains(p.Status.Message, `the role "web_anon" of spec.anonRole does not exist`) || p.Status.GeneratedAnonRole != "" {
		t.Errorf("status %+v; want the missing role named, no generated role", p.Status)
	}
	if _, err := object[*appsv1.Deployment](ctx, s, "postgrest-web"); !hub.IsNotFound(err) {
		t.Errorf("a Postgrest in Error got its Deployment: %v", err)
	}

	if err := s.server.CreateRole(ctx, "web_anon", secrets.Value{}); err != nil {
		t.Fatal(err)
	}
	postgrests := hub.For[*dataservices.Postgrest](s.fake.Hub(hub.WithNamespace("team-a")))
	if _, err := postgrests.Update(ctx, "web", func(p *dataservices.Postgrest) error {
		p.Spec.Schema = "public"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p = s.waitForState(ctx, t, "web", "Running")
	deployment, err := object[*appsv1.Deployment](ctx, s, "postgrest-web")
	if err != nil {
		t.Fatal(err)
	}
	if env := deployment.Spec.Template.Spec.Containers[0].Env; len(env) != 3 || env[2].Value != "web_anon" {
		t.Errorf("the Deployment's environment is %+v; want PGRST_DB_ANON_ROLE=web_anon", env)
	}
	if p.Status.GeneratedAnonRole != "" {
		t.Errorf("an existing role reported as generated: %+v", p.Status)
	}
}

// A Postgrest whose connection Secret does not exist yet waits for it,
// saying so, and runs once it appears.
func TestProvisionerPostgrestWaitsForTheSecret(t *testing.T) {
	ctx := t.Context()
	s := newServices(t)
	waitForUser(ctx, t, s.users, "shop", "api", databases.WithSecretName("pg"))
	s.createTables(t, "shop", "items")
	// Written whole, as a REST API or kubectl would: the Client would
	// refuse the missing Secret.
	if err := s.fake.Client().Create(ctx, dataservices.NewPostgrest("items-api", dataservices.WithTables("items"),
		dataservices.WithConnectionSecret("late")).Build("team-a")); err != nil {
		t.Fatal(err)
	}
	p := s.waitForState(ctx, t, "items-api", "Initializing")
	if !strings.Contains(p.Status.Message, `"late"`) {
		t.Errorf("status %+v; want a message naming the Secret", p.Status)
	}
	late := s.userSecret(ctx, t, "api").DeepCopy()
	late.ObjectMeta = metav1.ObjectMeta{Name: "late", Namespace: "team-a"}
	if err := s.fake.Client().Create(ctx, late); err != nil {
		t.Fatal(err)
	}
	p = s.waitForState(ctx, t, "items-api", "Running")
	if p.Status.Message != "" || p.Status.GeneratedAnonRole != "items_api_postgrest_role" {
		t.Errorf("status %+v; want no message and the generated role", p.Status)
	}
}

// A Dremio REST server runs with the URI the operator puts in its Secret,
// its tables as they are, and no write on a resync.
func TestProvisionerDremio(t *testing.T) {
	ctx := t.Context()
	s := newServices(t)
	if err := s.fake.Client().Create(ctx, secret("dremio-creds", map[string]string{"USER": "reporter", "PASSWORD": "s3cret"})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.CreateDremioRestServer(ctx, dataservices.NewDremioRestServer("lake-api",
		dataservices.WithDremioTables("lake.sales", "lake.customers"), dataservices.WithHost("dremio.dremio.svc", 0),
		dataservices.WithConnectionSecret("dremio-creds"), dataservices.WithConnectionParams("useEncryption=false"))); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	d, err := s.c.WaitForDremioRestServer(wctx, "lake-api")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status.State != "Running" || len(d.Finalizers) != 0 {
		t.Errorf("the server is %+v with finalizers %v; want Running, none", d.Status, d.Finalizers)
	}
	rendered, err := object[*corev1.Secret](ctx, s, "dremiorestserver-lake-api")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(rendered.Data[dataservices.KeyDremioURI]), "dremio.dremio.svc:32010?user=reporter&password=s3cret&useEncryption=false"; got != want {
		t.Errorf("dremioUri = %q, want %q", got, want)
	}
	deployment, err := object[*appsv1.Deployment](ctx, s, "dremiorestserver-lake-api")
	if err != nil {
		t.Fatal(err)
	}
	if env := deployment.Spec.Template.Spec.Containers[0].Env; len(env) != 2 || env[1].Value != "lake.sales,lake.customers" {
		t.Errorf("the Deployment's environment is %+v; want DREMIO_TABLES=lake.sales,lake.customers", env)
	}

	s.checkResync(t, func(prov *dataservices.Provisioner) error {
		_, err := prov.ReconcileDremio(ctx, types.NamespacedName{Namespace: "team-a", Name: "lake-api"})
		return err
	})

	if err := s.c.DeleteDremioRestServer(ctx, "lake-api"); err != nil {
		t.Fatal(err)
	}
	s.checkGone(ctx, t, "dremiorestserver-lake-api")
}

// A Postgrest whose connection moves to another database's user takes
// its role's grants along, and can still be deleted: nothing is left in
// the first database to keep the role from being dropped.
func TestProvisionerPostgrestMovesDatabase(t *testing.T) {
	ctx := t.Context()
	s := newServices(t)
	waitForUser(ctx, t, s.users, "shop", "api", databases.WithSecretName("pg"))
	waitForUser(ctx, t, s.users, "lake", "etl", databases.WithSecretName("pg"))
	s.createTables(t, "shop", "items")
	s.createTables(t, "lake", "items")
	if _, err := s.c.CreatePostgrestForUser(ctx, "items-api", "api", dataservices.WithTables("items")); err != nil {
		t.Fatal(err)
	}
	s.waitForState(ctx, t, "items-api", "Running")
	postgrests := hub.For[*dataservices.Postgrest](s.fake.Hub(hub.WithNamespace("team-a")))
	if _, err := postgrests.Update(ctx, "items-api", func(p *dataservices.Postgrest) error {
		p.Spec.Connection.SecretName = "pg-etl"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p := s.waitForState(ctx, t, "items-api", "Running")
	if got := p.Annotations[dataservices.AnnotationAnonRoleDatabase]; got != "lake" {
		t.Errorf("the role's database is recorded as %q, want lake", got)
	}
	const role = "items_api_postgrest_role"
	privileges := map[string][]databases.TablePrivilege{}
	for _, db := range []string{"shop", "lake"} {
		got, err := s.server.TablePrivileges(ctx, db, role)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			privileges[db] = got
		}
	}
	want := map[string][]databases.TablePrivilege{"lake": privilegesOn([]string{"items"}, "SELECT")}
	if diff := cmp.Diff(want, privileges, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("privileges by database after the move: -want, +got:\n%s", diff)
	}
	if err := s.c.DeletePostgrest(ctx, "items-api"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.c.GetPostgrest(ctx, "items-api"); !hub.IsNotFound(err) {
		t.Errorf("the deleted Postgrest is still there (%v): %+v", err, p.Status)
	}
	if got, err := s.server.Role(ctx, role); err != nil || got.Exists {
		t.Errorf("the generated role after the delete: %+v, %v; want it dropped", got, err)
	}
}

// A PostgREST service gets no more than the user it connects as: a READ
// user asking for INSERT gets an Error naming the privilege and the table,
// and nothing is granted; asking for SELECT, which it holds, it runs. A
// service moved to that user from a WRITE user's connection is refused
// what the writer passed on: the reader does not become a member of its
// role.
func TestProvisionerPostgrestGetsNoMoreThanItsUser(t *testing.T) {
	ctx := t.Context()
	s := newServices(t)
	viewer := waitForUser(ctx, t, s.users, "shop", "viewer", databases.WithPrivileges(databases.PrivilegeRead), databases.WithSecretName("pg"))
	if _, err := s.users.CreateUser(ctx, databases.NewUser("loader", "shop", databases.WithPrivileges(databases.PrivilegeWrite), databases.WithSecretName("pg"))); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := s.users.WaitForUser(wctx, "loader"); err != nil {
		t.Fatal(err)
	}
	s.createTables(t, "shop", "orders")
	reader := viewer.Status.PostgresRole
	const role = "orders_api_postgrest_role"
	refusal := `the connecting role "` + reader + `" may not INSERT on public.orders: a PostgREST service gets no more than the role it connects as`

	if _, err := s.c.CreatePostgrestForUser(ctx, "orders-api", "viewer",
		dataservices.WithTables("orders"), dataservices.WithGrants("SELECT", "INSERT")); err != nil {
		t.Fatal(err)
	}
	p := s.waitForState(ctx, t, "orders-api", "Error")
	if !strings.Contains(p.Status.Message, refusal) || p.Status.GeneratedAnonRole != "" {
		t.Errorf("status %+v; want the message %q and no generated role", p.Status, refusal)
	}
	if got, err := s.server.Role(ctx, role); err != nil || got.Exists {
		t.Errorf("the generated role of a refused service: %+v, %v; want none made", got, err)
	}
	s.checkPrivileges(ctx, t, "refused", role, nil)
	if _, err := object[*appsv1.Deployment](ctx, s, "postgrest-orders-api"); !hub.IsNotFound(err) {
		t.Errorf("a refused Postgrest got its Deployment: %v", err)
	}

	postgrests := hub.For[*dataservices.Postgrest](s.fake.Hub(hub.WithNamespace("team-a")))
	if _, err := postgrests.Update(ctx, "orders-api", func(p *dataservices.Postgrest) error {
		p.Spec.Grants = "SELECT"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p = s.waitForState(ctx, t, "orders-api", "Running")
	if p.Status.Message != "" || p.Status.GeneratedAnonRole != role {
		t.Errorf("status %+v; want no message and the generated role", p.Status)
	}
	s.checkPrivileges(ctx, t, "SELECT, held by the reader", role, privilegesOn([]string{"orders"}, "SELECT"))

	// A writer's service, moved to the reader's connection.
	const writerRole = "loads_api_postgrest_role"
	if _, err := s.c.CreatePostgrestForUser(ctx, "loads-api", "loader",
		dataservices.WithTables("orders"), dataservices.WithGrants("SELECT", "INSERT")); err != nil {
		t.Fatal(err)
	}
	s.waitForState(ctx, t, "loads-api", "Running")
	s.checkPrivileges(ctx, t, "the writer's", writerRole, privilegesOn([]string{"orders"}, "INSERT", "SELECT"))
	if _, err := postgrests.Update(ctx, "loads-api", func(p *dataservices.Postgrest) error {
		p.Spec.Connection.SecretName = s.users.SecretName(viewer)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p = s.waitForState(ctx, t, "loads-api", "Error")
	if !strings.Contains(p.Status.Message, refusal) {
		t.Errorf("status %+v; want the message %q", p.Status, refusal)
	}
	if got, err := s.server.Role(ctx, reader); err != nil || slices.Contains(got.MemberOf, writerRole) {
		t.Errorf("the reader %s is %+v, %v; want it no member of %s", reader, got, err, writerRole)
	}
}

// Switched from tables to an existing role, a Postgrest's generated role
// is dropped, as the operator drops it: with its grants and its member;
// the status no longer names it, and no database is recorded for it. The
// service runs as the existing role, a resync writes nothing, and the
// delete leaves the existing role alone.
func TestProvisionerPostgrestSwitchesToAnonRole(t *testing.T) {
	ctx := t.Context()
	s := newServices(t)
	u := waitForUser(ctx, t, s.users, "shop", "api", databases.WithSecretName("pg"))
	s.createTables(t, "shop", "items")
	if err := s.server.CreateRole(ctx, "web_anon", secrets.Value{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.CreatePostgrestForUser(ctx, "items-api", "api", dataservices.WithTables("items")); err != nil {
		t.Fatal(err)
	}
	const role = "items_api_postgrest_role"
	if p := s.waitForState(ctx, t, "items-api", "Running"); p.Status.GeneratedAnonRole != role || p.Annotations[dataservices.AnnotationAnonRoleDatabase] != "shop" {
		t.Fatalf("the Postgrest over tables is %+v with annotations %v; want its role reported and its database recorded", p.Status, p.Annotations)
	}

	postgrests := hub.For[*dataservices.Postgrest](s.fake.Hub(hub.WithNamespace("team-a")))
	if _, err := postgrests.Update(ctx, "items-api", func(p *dataservices.Postgrest) error {
		p.Spec.Tables, p.Spec.Grants, p.Spec.AnonRole = nil, "", "web_anon"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var p *dataservices.Postgrest
	if err := s.fake.WaitFor(ctx, "the generated role no longer reported", 10*time.Second, func(ctx context.Context) (bool, error) {
		var err error
		p, err = s.c.GetPostgrest(ctx, "items-api")
		return err == nil && p.Status.State == "Running" && p.Status.GeneratedAnonRole == "", err
	}); err != nil {
		t.Fatalf("%v; the Postgrest is %+v", err, p.Status)
	}
	if _, ok := p.Annotations[dataservices.AnnotationAnonRoleDatabase]; ok {
		t.Errorf("annotations %v; want no database recorded for a dropped role", p.Annotations)
	}
	if got, err := s.server.Role(ctx, role); err != nil || got.Exists {
		t.Errorf("the generated role after the switch: %+v, %v; want it dropped", got, err)
	}
	s.checkPrivileges(ctx, t, "after the switch", role, nil)
	if got, err := s.server.Role(ctx, u.Status.PostgresRole); err != nil || slices.Contains(got.MemberOf, role) {
		t.Errorf("the connecting user is %+v, %v; want it no member of the dropped role", got, err)
	}
	deployment, err := object[*appsv1.Deployment](ctx, s, "postgrest-items-api")
	if err != nil {
		t.Fatal(err)
	}
	if env := deployment.Spec.Template.Spec.Containers[0].Env; len(env) != 3 || env[2].Value != "web_anon" {
		t.Errorf("the Deployment's environment is %+v; want PGRST_DB_ANON_ROLE=web_anon", env)
	}

	s.checkResync(t, func(prov *dataservices.Provisioner) error {
		_, err := prov.ReconcilePostgrest(ctx, types.NamespacedName{Namespace: "team-a", Name: "items-api"})
		return err
	})

	if err := s.c.DeletePostgrest(ctx, "items-api"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.GetPostgrest(ctx, "items-api"); !hub.IsNotFound(err) {
		t.Errorf("the deleted Postgrest: %v; want NotFound", err)
	}
	if got, err := s.server.Role(ctx, "web_anon"); err != nil || !got.Exists {
		t.Errorf("the existing role after the delete: %+v, %v; want it left alone", got, err)
	}
}
