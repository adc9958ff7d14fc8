//go:build e2e

package e2e

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/dataservices"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/secrets"
)

// TestDataServices runs the databases and dataservices Provisioners in one
// manager against the real cluster and a real PostgreSQL: a database, a
// WRITE user, and a PostgREST service over that user's Secret exposing one
// table with SELECT. The generated role, reached through SET ROLE from the
// user's connection, may select that table and nothing else; a resync
// changes nothing; a spec change moves the grants; deleting the service
// drops the role and its objects. A Dremio REST server renders its objects
// and runs once its Deployment is available.
func TestDataServices(t *testing.T) {
	f := inOwnNamespace("data services on a real PostgreSQL").
		Assess("a PostgREST service's role holds exactly its grants, and goes with it", assessPostgrest).
		Assess("a Dremio REST server runs once its Deployment is available", assessDremio).Feature()
	testenv.Test(t, f)
}

// assessPostgrest is the PostgREST assessment of TestDataServices.
func assessPostgrest(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
	ns := namespaceOf(ctx)
	pg := databasestest.StartPostgreSQL(t)
	scheme, err := hub.NewScheme(databases.AddToScheme, dataservices.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	var data *dataservices.Provisioner
	c := runManager(ctx, t, cfg, scheme, "dataservices-e2e", func(c *hub.Client, mgr manager.Manager) error {
		dbProv, err := databases.NewProvisioner(c, pg.DSN("postgres"), databases.WithURIArgs("sslmode=disable"))
		if err != nil {
			return err
		}
		if data, err = dataservices.NewProvisioner(c, pg.DSN("postgres")); err != nil {
			return err
		}
		t.Cleanup(func() { dbProv.Close(); data.Close() })
		if err := dbProv.SetupWithManager(mgr); err != nil {
			return err
		}
		return data.SetupWithManager(mgr)
	})

	dbs := databases.NewClient(c)
	if _, err := dbs.CreateDatabase(ctx, databases.NewDatabase("shop", databases.WithSchemas("app"))); err != nil {
		t.Fatal(err)
	}
	if _, err := dbs.CreateUser(ctx, databases.NewUser("api", "shop", databases.WithPrivileges(databases.PrivilegeWrite))); err != nil {
		t.Fatal(err)
	}
	if _, err := waitFor(ctx, 2*time.Minute, "api", dbs.WaitForUser); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, pg.DSN("shop"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close(context.WithoutCancel(ctx)) })
	if _, err := admin.Exec(ctx, `SET ROLE "shop-group";
				CREATE TABLE app.orders (id serial PRIMARY KEY, item text); INSERT INTO app.orders (item) VALUES ('book');
				CREATE TABLE app.customers (id serial PRIMARY KEY, name text); RESET ROLE`); err != nil {
		t.Fatal(err)
	}

	services := dataservices.NewClient(c)
	if _, err := services.CreatePostgrestForUser(ctx, "shop-api", "api",
		dataservices.WithSchema("app"), dataservices.WithTables("orders"), dataservices.WithGrants("SELECT")); err != nil {
		t.Fatal(err)
	}
	service, err := waitFor(ctx, 2*time.Minute, "shop-api", services.WaitForPostgrest)
	if err != nil {
		t.Fatal(err)
	}
	role := dataservices.AnonRoleName("shop-api")
	if service.Status.GeneratedAnonRole != role {
		t.Errorf("status.generatedAnonRole = %q, want %q", service.Status.GeneratedAnonRole, role)
	}
	checkRendered(ctx, t, c, "shop-api", dbs)

	checkRoleSwitch(ctx, t, dbs, role)

	// A resync over converged objects writes nothing, here or in
	// PostgreSQL.
	server, err := databases.NewPostgreSQLServer(pg.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Close)
	before := snapshot(ctx, t, c, server, role)
	if _, err := data.ReconcilePostgrest(ctx, types.NamespacedName{Namespace: ns, Name: "shop-api"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, snapshot(ctx, t, c, server, role)); diff != "" {
		t.Errorf("a resync changed something: -before, +after:\n%s", diff)
	}

	// A spec change moves the grants: orders revoked, customers
	// granted.
	if _, err := hub.For[*dataservices.Postgrest](c).Update(ctx, "shop-api", func(p *dataservices.Postgrest) error {
		p.Spec.Tables, p.Spec.Grants = []string{"customers"}, "SELECT,INSERT"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []databases.TablePrivilege{{Schema: "app", Table: "customers", Privilege: "INSERT"}, {Schema: "app", Table: "customers", Privilege: "SELECT"}}
	eventually(ctx, t, "the grants follow the spec", time.Minute, func(ctx context.Context) (bool, error) {
		got, err := server.TablePrivileges(ctx, "shop", role)
		return cmp.Equal(want, got), err
	})

	// Deleting the service drops the role, and its objects go.
	if err := services.DeletePostgrest(ctx, "shop-api"); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "the generated role is dropped", time.Minute, func(ctx context.Context) (bool, error) {
		state, err := server.Role(ctx, role)
		return !state.Exists, err
	})
	eventually(ctx, t, "the rendered Deployment is collected", 2*time.Minute, func(ctx context.Context) (bool, error) {
		_, err := hub.For[*appsv1.Deployment](c).Get(ctx, dataservices.PostgrestObjectName("shop-api"))
		return hub.IsNotFound(err), nil
	})
	return ctx
}

// assessDremio is the Dremio assessment of TestDataServices.
func assessDremio(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
	scheme, err := hub.NewScheme(dataservices.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	c := runManager(ctx, t, cfg, scheme, "dremio-e2e", func(c *hub.Client, mgr manager.Manager) error {
		p, err := dataservices.NewProvisionerOn(c, nil)
		if err != nil {
			return err
		}
		return p.SetupWithManager(mgr)
	})
	services := dataservices.NewClient(c)
	if _, err := services.CreateDremioRestServer(ctx, dataservices.NewDremioRestServer("lake",
		dataservices.WithDremioTables("lake.sales"), dataservices.WithHost("dremio.example", 0),
		dataservices.WithCredentials("reporter", secrets.Plain("s3cret")))); err != nil {
		t.Fatal(err)
	}
	if _, err := waitFor(ctx, 2*time.Minute, "lake", services.WaitForDremioRestServer); err != nil {
		t.Fatal(err)
	}
	secret, err := hub.For[*corev1.Secret](c).Get(ctx, dataservices.DremioObjectName("lake"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(secret.Data[dataservices.KeyDremioURI]), "dremio.example:32010?user=reporter&password=s3cret"; got != want {
		t.Errorf("the rendered %s = %q, want %q", dataservices.KeyDremioURI, got, want)
	}
	svc, err := hub.For[*corev1.Service](c).Get(ctx, dataservices.DremioObjectName("lake"))
	if err != nil || svc.Spec.Ports[0].Port != 3000 || svc.Spec.Ports[0].TargetPort.IntValue() != 8080 {
		t.Errorf("the rendered Service = %+v, %v; want port 3000 to 8080", svc, err)
	}
	return ctx
}

// checkRendered checks what the real API server holds of a Postgrest's
// rendered objects: the Secret with the user's POSTGRES_URL, a Deployment
// available, a Service on port 3000, all owned by the Postgrest.
func checkRendered(ctx context.Context, t *testing.T, c *hub.Client, name string, dbs *databases.Client) {
	t.Helper()
	object := dataservices.PostgrestObjectName(name)
	secret, err := hub.For[*corev1.Secret](c).Get(ctx, object)
	if err != nil {
		t.Fatal(err)
	}
	user, err := dbs.GetUser(ctx, "api")
	if err != nil {
		t.Fatal(err)
	}
	userSecret, err := hub.For[*corev1.Secret](c).Get(ctx, dbs.SecretName(user))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(secret.Data[dataservices.KeyPostgresURI]), string(userSecret.Data[databases.KeyURL]); got != want {
		t.Errorf("the rendered %s does not hold the user's POSTGRES_URL", dataservices.KeyPostgresURI)
	}
	deployment, err := hub.For[*appsv1.Deployment](c).Get(ctx, object)
	if err != nil || deployment.Status.ReadyReplicas < 1 {
		t.Errorf("the rendered Deployment = %+v, %v; want a ready replica", deployment, err)
	}
	svc, err := hub.For[*corev1.Service](c).Get(ctx, object)
	if err != nil || svc.Spec.Ports[0].Port != dataservices.ServicePort {
		t.Errorf("the rendered Service = %+v, %v", svc, err)
	}
	if refs := deployment.GetOwnerReferences(); len(refs) != 1 || refs[0].Kind != "Postgrest" || refs[0].Name != name {
		t.Errorf("the Deployment's owners = %+v, want the Postgrest %s", refs, name)
	}
}

// snapshot is what a reconcile of the Postgrest could change: the
// resourceVersions of it and its rendered objects, and its role's
// privileges and memberships in PostgreSQL.
func snapshot(ctx context.Context, t *testing.T, c *hub.Client, server *databases.PostgreSQLServer, role string) map[string]any {
	t.Helper()
	out := map[string]any{}
	object := dataservices.PostgrestObjectName("shop-api")
	for kind, get := range map[string]func() (client.Object, error){
		"postgrest":  func() (client.Object, error) { return hub.For[*dataservices.Postgrest](c).Get(ctx, "shop-api") },
		"secret":     func() (client.Object, error) { return hub.For[*corev1.Secret](c).Get(ctx, object) },
		"deployment": func() (client.Object, error) { return hub.For[*appsv1.Deployment](c).Get(ctx, object) },
		"service":    func() (client.Object, error) { return hub.For[*corev1.Service](c).Get(ctx, object) },
	} {
		obj, err := get()
		if err != nil {
			t.Fatal(err)
		}
		out[kind] = obj.GetResourceVersion()
	}
	privileges, err := server.TablePrivileges(ctx, "shop", role)
	if err != nil {
		t.Fatal(err)
	}
	state, err := server.Role(ctx, role)
	if err != nil {
		t.Fatal(err)
	}
	out["privileges"], out["role"] = privileges, state
	return out
}

// checkRoleSwitch connects as the user "api" and switches to role: the role
// selects the exposed table, and is refused an insert into it and a select
// of another table.
func checkRoleSwitch(ctx context.Context, t *testing.T, dbs *databases.Client, role string) {
	t.Helper()
	// Through SET ROLE from the user's own connection, the role
	// selects the exposed table, and nothing more.
	info, err := dbs.ConnectionInfo(ctx, "api")
	if err != nil {
		t.Fatal(err)
	}
	user, err := pgx.Connect(ctx, info.URL.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = user.Close(context.WithoutCancel(ctx)) })
	if _, err := user.Exec(ctx, `SET ROLE "`+role+`"`); err != nil {
		t.Fatalf("the connecting user cannot switch to the generated role: %v", err)
	}
	var n int
	if err := user.QueryRow(ctx, "SELECT count(*) FROM app.orders").Scan(&n); err != nil || n != 1 {
		t.Errorf("the role's select on the exposed table = %d, %v; want 1 row", n, err)
	}
	for _, refused := range []string{"INSERT INTO app.orders (item) VALUES ('pen')", "SELECT count(*) FROM app.customers"} {
		_, err := user.Exec(ctx, refused)
		if pgErr, ok := errors.AsType[*pgconn.PgError](err); !ok || pgErr.Code != "42501" {
			t.Errorf("the role's %q = %v, want insufficient_privilege", refused, err)
		}
	}
	if _, err := user.Exec(ctx, "RESET ROLE"); err != nil {
		t.Fatal(err)
	}
}
