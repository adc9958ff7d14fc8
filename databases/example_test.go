package databases_test

import (
	"context"
	"fmt"
	"log"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// A database with a reading user, and the user's connection details. The
// operator is simulated here; on a cluster it is the postgres-operator or
// databases.Provisioner.
func ExampleClient_ConnectionInfo() {
	ctx := context.Background()
	scheme, err := hub.NewScheme(databases.AddToScheme)
	if err != nil {
		log.Fatal(err)
	}
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithScheme(scheme), hubtest.WithCRDs(databases.CRDs()...),
		hubtest.WithSimulators(databasestest.NewOperator()),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	c := databases.NewClient(f.Hub(hub.WithNamespace("team-a")))

	if _, err := c.CreateDatabase(ctx, databases.NewDatabase("analytics",
		databases.WithSchemas("raw", "curated"))); err != nil {
		log.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, databases.NewUser("dashboard", "analytics",
		databases.WithPrivileges(databases.PrivilegeRead), databases.WithSecretName("pg"))); err != nil {
		log.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	u, err := c.WaitForUser(waitCtx, "dashboard")
	cancel()
	if err != nil {
		log.Fatal(err)
	}
	info, err := c.ConnectionInfo(ctx, "dashboard")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Status.PostgresGroup)
	fmt.Println(info.Host, info.Port, info.Database, info.Password)
	fmt.Println(info.JDBCURL)
	// Output:
	// analytics-reader
	// postgres.databases.svc 5432 analytics *************
	// jdbc:postgresql://postgres.databases.svc:5432/analytics
}
