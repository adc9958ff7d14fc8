package reconcile_test

import (
	"context"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
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

// NewManaged makes the reconciler of a custom resource that stands for
// something outside the cluster. Here the made-up kind Shelf stands for a
// shelf in a warehouse, an in-memory External (both are in
// managed_test.go). The first reconcile creates the shelf, renders the
// ConfigMap that tells where it is, and makes the Shelf ready; the second
// finds everything as it should be and writes nothing.
func ExampleNewManaged() {
	ctx := context.Background()
	scheme, err := hub.NewScheme(addShelves)
	if err != nil {
		log.Fatal(err)
	}
	crd, err := shelfCRD()
	if err != nil {
		log.Fatal(err)
	}
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithScheme(scheme), hubtest.WithCRDs(crd),
		hubtest.WithObjects(&Shelf{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "books"}, Spec: ShelfSpec{Size: 3}}))
	c := f.Hub(hub.WithNamespace("team-a"), hub.WithFieldOwner("shelf-controller"))
	warehouse := newWarehouse()

	shelves, err := reconcile.NewManaged(c, reconcile.ManagedKind[*Shelf]{
		// The Connector makes each Shelf's External: here, the warehouse.
		Connector: warehouse,
		// The children are rendered from the Shelf and the details the
		// warehouse gave, and owned by the Shelf.
		Children: func(s *Shelf, details reconcile.Details) ([]client.Object, error) {
			return []client.Object{&corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: s.Name + "-location"},
				Data:       map[string]string{"location": details.Get("location")},
			}}, nil
		},
		Owns: []client.Object{&corev1.ConfigMap{}},
		// Status writes the outcome in the upstream operator's form; the
		// reconciler adds the Ready condition itself.
		Status: func(s *Shelf, outcome reconcile.Outcome) {
			s.Status.State, s.Status.Message = "Pending", outcome.Message()
			if outcome.Ready {
				s.Status.State = "Ready"
			}
		},
	}, reconcile.WithFinalizer("example.hubkit.dev/shelf"))
	if err != nil {
		log.Fatal(err)
	}

	// A manager calls Reconcile (see SetupWithManager); here we do.
	req := ctrl.Request{NamespacedName: types.NamespacedName{Namespace: "team-a", Name: "books"}}
	for pass := 1; pass <= 2; pass++ {
		before, err := hub.For[*Shelf](c).Get(ctx, "books")
		if err != nil {
			log.Fatal(err)
		}
		if _, err := shelves.Reconcile(ctx, req); err != nil {
			log.Fatal(err)
		}
		after, err := hub.For[*Shelf](c).Get(ctx, "books")
		if err != nil {
			log.Fatal(err)
		}
		location, err := hub.For[*corev1.ConfigMap](c).Get(ctx, "books-location")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("pass %d: applied %d, Shelf written %v, state %s, ready %v, location %s\n", pass,
			warehouse.takeCalls().Apply, after.ResourceVersion != before.ResourceVersion,
			after.Status.State, reconcile.IsCurrentAndTrue(after, reconcile.ReadyCondition), location.Data["location"])
	}
	// Output:
	// pass 1: applied 1, Shelf written true, state Ready, ready true, location aisle-7/books
	// pass 2: applied 0, Shelf written false, state Ready, ready true, location aisle-7/books
}
