package secrets_test

import (
	"context"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// exampleHub returns a hub.Client over a fake cluster; real programs use
// hub.New.
func exampleHub() *hub.Client {
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	return f.Hub(hub.WithNamespace("team-a"))
}

// Secrets are created from plain text, listed and shown masked, and only
// Decode returns a value.
func ExampleClient_Decode() {
	ctx := context.Background()
	filter, err := secrets.ParseFilter(secrets.FilterSpec{Labels: "app.kubernetes.io/managed-by=krm"})
	if err != nil {
		log.Fatal(err)
	}
	c := secrets.NewClient(exampleHub(), secrets.WithFilter(filter))

	if _, err := c.Create(ctx, secrets.NewSecret("warehouse", secrets.KV("user", "analyst"), secrets.KV("password", "hunter2"))); err != nil {
		log.Fatal(err)
	}
	details, err := c.Get(ctx, "warehouse")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(details.Keys, details.Masked()["password"])

	password, err := c.Decode(ctx, "warehouse", "password")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(password, password.Reveal())
	// Output:
	// [password user] *************
	// ************* hunter2
}

// Filters are written as DigitalHub configures them; a bad item is named.
func ExampleParseFilter() {
	_, err := secrets.ParseFilter(secrets.FilterSpec{
		Owners: "db.movetokube.com/v1alpha1",
		Names:  `digitalhub-.*,(writer`,
	})
	fmt.Println(err)
	// Output: secret filter names, item 1 "(writer": error parsing regexp: missing closing ): `^(?:(writer)$`
}
