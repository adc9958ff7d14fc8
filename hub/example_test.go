package hub_test

import (
	"context"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/hubkit-dev/hubkit/hub"
)

// exampleClient returns a Client over controller-runtime's fake client, so
// that the examples run without a cluster. Real programs use hub.New.
func exampleClient() *hub.Client {
	scheme, err := hub.NewScheme()
	if err != nil {
		log.Fatal(err)
	}
	kube := fake.NewClientBuilder().
		WithScheme(scheme).
		WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme)).
		WithObjects(
			&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "feature-flags"}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "notebook", Labels: map[string]string{"app.kubernetes.io/type": "workspace"}}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "api", Labels: map[string]string{"app.kubernetes.io/managed-by": "postgrest-operator"}}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "kube-dns-mirror"}},
		).
		Build()
	c, err := hub.Wrap(kube, hub.WithNamespace("team-a"), hub.WithFieldOwner("example"))
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// New makes a client from a rest config, usually loaded from a kubeconfig
// or the in-cluster environment. It contacts the API server only when used.
func ExampleNew() {
	cfg := &rest.Config{Host: "https://127.0.0.1:6443"} // e.g. from ctrl.GetConfig()
	c, err := hub.New(cfg,
		hub.WithNamespace("team-a"),
		hub.WithFieldOwner("my-dashboard"),
		hub.WithSelector(schema.GroupKind{Kind: "Service"}, hub.MustParseSelector("app.kubernetes.io/type=workspace")),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Namespace(), c.FieldOwner())
	// Output: team-a my-dashboard
}

// Apply sends the desired state with server-side apply under the client's
// field owner; ForceOwnership takes over fields another manager owns.
func ExampleResource_Apply() {
	c := exampleClient()
	configMaps := hub.For[*corev1.ConfigMap](c)

	desired := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "notebook-settings"},
		Data:       map[string]string{"kernel": "python3"},
	}
	if err := configMaps.Apply(context.Background(), desired, hub.ForceOwnership()); err != nil {
		log.Fatal(err)
	}
	fmt.Println(desired.Namespace, desired.Name, desired.Data["kernel"])
	// Output: team-a notebook-settings python3
}

// Update reads, mutates and writes; on a conflict it reads again and runs
// the mutate function on the fresh copy, so no other writer's change is lost.
func ExampleResource_Update() {
	c := exampleClient()
	configMaps := hub.For[*corev1.ConfigMap](c)

	updated, err := configMaps.Update(context.Background(), "feature-flags", func(cm *corev1.ConfigMap) error {
		if cm.Data == nil {
			cm.Data = map[string]string{}
		}
		cm.Data["dark-mode"] = "on"
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(updated.Data)
	// Output: map[dark-mode:on]
}

// A relevance selector is a union of label selectors, written as
// DigitalHub's resource manager writes them.
func ExampleParseSelector() {
	sel, err := hub.ParseSelector("app.kubernetes.io/type=workspace|app.kubernetes.io/managed-by=postgrest-operator")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sel.MatchesLabels(map[string]string{"app.kubernetes.io/managed-by": "postgrest-operator"}))
	fmt.Println(sel.MatchesLabels(map[string]string{"app.kubernetes.io/type": "service"}))

	_, err = hub.ParseSelector("a=b|=c")
	fmt.Println(err != nil)
	// Output:
	// true
	// false
	// true
}

// ListMatching lists the union of a selector's terms with one request per
// term, without duplicates.
func ExampleResource_ListMatching() {
	c := exampleClient()
	sel := hub.MustParseSelector("app.kubernetes.io/type=workspace|app.kubernetes.io/managed-by=postgrest-operator")
	services, err := hub.For[*corev1.Service](c).ListMatching(context.Background(), sel)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range services {
		fmt.Println(s.Name)
	}
	// Output:
	// api
	// notebook
}
