package dataservices_test

import (
	"context"
	"fmt"
	"log"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/dataservices"
	"github.com/hubkit-dev/hubkit/dataservices/dataservicestest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A PostgREST service over two tables, with the privileges its generated
// role gets, and one the operator would refuse at run time: Validate says
// why, with the field paths of the resource and without the password.
func ExampleNewPostgrest() {
	r := dataservices.NewPostgrest("items-api",
		dataservices.WithTables("items", "orders"), dataservices.WithGrants("SELECT", "INSERT"),
		dataservices.WithHost("postgres.databases.svc", 0), dataservices.WithDatabase("shop"),
		dataservices.WithCredentials("api", secrets.Plain("s3cret")))
	fmt.Println(len(r.Validate()), "errors")
	p := r.Build("team-a")
	fmt.Println(p.Spec.Tables, p.Spec.Grants, p.Spec.Connection.Host, p.Spec.Connection.Port)
	fmt.Println(dataservices.AnonRoleName(p.Name))

	bad := dataservices.NewPostgrest("items-api",
		dataservices.WithAnonRole("web_anon"), dataservices.WithTables("items"), dataservices.WithGrants("SELECT", "DROP"),
		dataservices.WithConnectionSecret("pg-api"), dataservices.WithCredentials("api", secrets.Plain("s3cret")))
	for _, err := range bad.Validate() {
		fmt.Println(err)
	}
	// Output:
	// 0 errors
	// [items orders] SELECT,INSERT postgres.databases.svc 5432
	// items_api_postgrest_role
	// spec.tables: Forbidden: not with anonRole: expose tables through a generated role, or serve as an existing role
	// spec.grants: Forbidden: only with tables: the generated role gets them
	// spec.grants: Unsupported value: "DROP": supported values: "ALL", "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"
	// spec.connection.user: Forbidden: not with secretName: the Secret holds the user
	// spec.connection.password: Forbidden: not with secretName: the Secret holds the password
}

// A database, a user of it, and a PostgREST service over a table of the
// database, connecting as the user through the Secret the postgres-operator
// writes for it. The operators are simulated here, over one in-memory
// PostgreSQL; on a cluster they are the postgres-operator and the
// postgrest-operator, or Hubkit's Provisioners.
func ExampleClient_CreatePostgrestForUser() {
	ctx := context.Background()
	scheme, err := hub.NewScheme(databases.AddToScheme, dataservices.AddToScheme)
	if err != nil {
		log.Fatal(err)
	}
	postgres := databasestest.NewOperator()
	f, err := hubtest.New(hubtest.WithScheme(scheme), hubtest.WithCRDs(append(databases.CRDs(), dataservices.CRDs()...)...),
		hubtest.WithSimulators(postgres, dataservicestest.NewOperator(postgres.Server)),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	if err != nil {
		log.Fatal(err)
	}
	h := f.Hub(hub.WithNamespace("team-a"))
	dbs, services := databases.NewClient(h), dataservices.NewClient(h)

	// Its groups get their grants in public, on the tables made there
	// later too: a PostgREST service gets no more than its user holds.
	if _, err := dbs.CreateDatabase(ctx, databases.NewDatabase("shop", databases.WithSchemas("public"))); err != nil {
		log.Fatal(err)
	}
	if _, err := dbs.CreateUser(ctx, databases.NewUser("api", "shop",
		databases.WithPrivileges(databases.PrivilegeWrite), databases.WithSecretName("pg"))); err != nil {
		log.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	_, err = dbs.WaitForUser(waitCtx, "api")
	cancel()
	if err != nil {
		log.Fatal(err)
	}
	// The application makes its table; here, in the in-memory PostgreSQL.
	if err := postgres.Server.CreateTable("shop", "public", "items"); err != nil {
		log.Fatal(err)
	}

	if _, err := services.CreatePostgrestForUser(ctx, "items-api", "api",
		dataservices.WithTables("items"), dataservices.WithGrants("SELECT", "INSERT")); err != nil {
		log.Fatal(err)
	}
	waitCtx, cancel = context.WithTimeout(ctx, time.Minute)
	p, err := services.WaitForPostgrest(waitCtx, "items-api")
	cancel()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Spec.Connection.SecretName, p.Status.State, p.Status.GeneratedAnonRole)
	fmt.Println(dataservices.ServiceURL(dataservices.PostgrestObjectName(p.Name), p.Namespace))
	privileges, err := postgres.Server.TablePrivileges(ctx, "shop", p.Status.GeneratedAnonRole)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(privileges)
	// Output:
	// pg-api Running items_api_postgrest_role
	// http://postgrest-items-api.team-a.svc:3000
	// [{public items INSERT} {public items SELECT}]
}

// A Dremio REST server over two virtual datasets, at Dremio's default
// Arrow Flight port, and one without tables or credentials.
func ExampleNewDremioRestServer() {
	r := dataservices.NewDremioRestServer("lake-api",
		dataservices.WithDremioTables("lake.sales", "lake.customers"),
		dataservices.WithHost("dremio.dremio.svc", 0), dataservices.WithConnectionSecret("dremio-creds"))
	fmt.Println(len(r.Validate()), "errors")
	d := r.Build("team-a")
	fmt.Println(d.Spec.Tables, d.Spec.Connection.Host, d.Spec.Connection.Port, d.Spec.Connection.SecretName)
	fmt.Println(dataservices.ServiceURL(dataservices.DremioObjectName(d.Name), d.Namespace))

	for _, err := range dataservices.NewDremioRestServer("lake-api", dataservices.WithHost("dremio.dremio.svc", 0)).Validate() {
		fmt.Println(err)
	}
	// Output:
	// 0 errors
	// lake.sales,lake.customers dremio.dremio.svc 32010 dremio-creds
	// http://dremiorestserver-lake-api.team-a.svc:3000
	// spec.tables: Required value: name the tables to expose, comma separated
	// spec.connection.user: Required value: without secretName, name the user and password
	// spec.connection.password: Required value: without secretName, name the user and password
}
