//go:build e2e

package e2e

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/hub"
)

// TestDatabaseProvisioner runs databases.Provisioner in a controller-runtime
// manager against the real cluster and a real PostgreSQL, then proves the
// result from the outside: the users' ConnectionInfo connects, and each user
// may do what its privileges allow and nothing more.
func TestDatabaseProvisioner(t *testing.T) {
	f := inOwnNamespace("the database provisioner on a real PostgreSQL").
		Assess("users connect with their privileges, and a resync changes nothing", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			ns := namespaceOf(ctx)
			pg := databasestest.StartPostgreSQL(t)
			scheme, err := hub.NewScheme(databases.AddToScheme)
			if err != nil {
				t.Fatal(err)
			}
			var prov *databases.Provisioner
			c := runManager(ctx, t, cfg, scheme, "postgres-provisioner", func(c *hub.Client, mgr manager.Manager) error {
				var err error
				if prov, err = databases.NewProvisioner(c, pg.DSN("postgres"), databases.WithURIArgs("sslmode=disable")); err != nil {
					return err
				}
				return prov.SetupWithManager(mgr)
			})

			dbs := databases.NewClient(c)
			if _, err := dbs.CreateDatabase(ctx, databases.NewDatabase("shop", databases.WithSchemas("app"), databases.DropOnDelete())); err != nil {
				t.Fatal(err)
			}
			for name, priv := range map[string]databases.Privilege{"viewer": databases.PrivilegeRead, "writer": databases.PrivilegeWrite} {
				if _, err := dbs.CreateUser(ctx, databases.NewUser(name, "shop", databases.WithPrivileges(priv))); err != nil {
					t.Fatal(err)
				}
				if _, err := waitFor(ctx, 2*time.Minute, name, dbs.WaitForUser); err != nil {
					t.Fatal(err)
				}
			}

			admin, viewer := checkPrivileges(ctx, t, pg, dbs)
			// A resync over converged objects writes nothing to the cluster.
			before := map[string]string{}
			for _, name := range []string{"viewer", "writer"} {
				u, err := dbs.GetUser(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				before[name] = u.ResourceVersion
				if _, err := prov.ReconcileUser(ctx, types.NamespacedName{Namespace: ns, Name: name}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := prov.ReconcileDatabase(ctx, types.NamespacedName{Namespace: ns, Name: "shop"}); err != nil {
				t.Fatal(err)
			}
			for name, rv := range before {
				if u, _ := dbs.GetUser(ctx, name); u.ResourceVersion != rv {
					t.Errorf("a resync rewrote user %s (resourceVersion %s -> %s)", name, rv, u.ResourceVersion)
				}
			}

			// Deleting the database (dropOnDelete) drops it in PostgreSQL.
			_ = admin.Close(ctx)
			viewer.Close(ctx) //nolint:errcheck // closing before the drop
			for _, name := range []string{"viewer", "writer"} {
				if err := dbs.DeleteUser(ctx, name); err != nil {
					t.Fatal(err)
				}
			}
			if err := dbs.DeleteDatabase(ctx, "shop"); err != nil {
				t.Fatal(err)
			}
			eventually(ctx, t, "the database is dropped", 2*time.Minute, func(ctx context.Context) (bool, error) {
				conn, err := pgx.Connect(ctx, pg.DSN("postgres"))
				if err != nil {
					return false, err
				}
				defer func() { _ = conn.Close(ctx) }()
				var count int
				err = conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = 'shop'").Scan(&count)
				return err == nil && count == 0, err
			})
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

// checkPrivileges makes a table as the owner group, then connects as each
// user through its ConnectionInfo: the writer inserts, the viewer reads and
// is refused an insert. It returns the open admin and viewer connections.
func checkPrivileges(ctx context.Context, t *testing.T, pg *databasestest.PostgreSQL, dbs *databases.Client) (*pgx.Conn, *pgx.Conn) {
	t.Helper()
	admin, err := pgx.Connect(ctx, pg.DSN("shop"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close(context.WithoutCancel(ctx)) })
	if _, err := admin.Exec(ctx, `SET ROLE "shop-group"; CREATE TABLE app.orders (id serial PRIMARY KEY, item text); RESET ROLE`); err != nil {
		t.Fatal(err)
	}
	connect := func(user string) *pgx.Conn {
		info, err := dbs.ConnectionInfo(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, info.URL.Reveal())
		if err != nil {
			t.Fatalf("connecting as %s (%s): %v", user, info, err)
		}
		t.Cleanup(func() { _ = conn.Close(context.WithoutCancel(ctx)) })
		return conn
	}
	if _, err := connect("writer").Exec(ctx, "INSERT INTO app.orders (item) VALUES ('book')"); err != nil {
		t.Errorf("the WRITE user cannot insert: %v", err)
	}
	viewer := connect("viewer")
	var n int
	if err := viewer.QueryRow(ctx, "SELECT count(*) FROM app.orders").Scan(&n); err != nil || n != 1 {
		t.Errorf("the READ user's select = %d, %v", n, err)
	}
	_, err = viewer.Exec(ctx, "INSERT INTO app.orders (item) VALUES ('stolen')")
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); !ok || pgErr.Code != "42501" {
		t.Errorf("the READ user's insert = %v, want insufficient_privilege", err)
	}

	return admin, viewer
}
