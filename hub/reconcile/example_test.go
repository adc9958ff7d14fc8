package reconcile_test

import (
	"context"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// Ensure applies an owner's desired children. The second pass finds them
// converged and writes nothing.
func ExampleEnsure() {
	scheme, err := hub.NewScheme()
	if err != nil {
		log.Fatal(err)
	}
	workspace := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "workspace", UID: "1234"}}
	kube := fake.NewClientBuilder().WithScheme(scheme).
		WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme)).
		WithObjects(workspace).Build()
	c, err := hub.Wrap(kube, hub.WithFieldOwner("workspace-controller"))
	if err != nil {
		log.Fatal(err)
	}

	// A pure builder computes the desired children from the owner.
	desired := func() []client.Object {
		return []client.Object{
			&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "workspace-settings"}, Data: map[string]string{"theme": "dark"}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "workspace"}, Spec: corev1.ServiceSpec{
				Ports: []corev1.ServicePort{{Name: "http", Port: 80}},
			}},
		}
	}
	for pass := 1; pass <= 2; pass++ {
		results, err := reconcile.Ensure(context.Background(), c, workspace, desired()...)
		if err != nil {
			log.Fatal(err)
		}
		for _, r := range results {
			fmt.Printf("pass %d: %s/%s %s\n", pass, r.Object.GetNamespace(), r.Object.GetName(), r.Operation)
		}
	}
	// Output:
	// pass 1: team-a/workspace-settings Created
	// pass 1: team-a/workspace Created
	// pass 2: team-a/workspace-settings Unchanged
	// pass 2: team-a/workspace Unchanged
}
