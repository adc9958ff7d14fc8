package reconcile_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

var shelfGVK = schema.GroupVersionKind{Group: "example.hubkit.dev", Version: "v1", Kind: "Shelf"}

// TestManagedUnstructured runs the managed reconciler over a kind with no
// Go type (Shelves as unstructured objects, as a kind generated at run
// time is): it claims only the objects Claims accepts, keeps their
// conditions in status.conditions, and, WithPausedStatus, says in the
// status that a paused object is paused without connecting.
func TestManagedUnstructured(t *testing.T) {
	crd, err := shelfCRD()
	if err != nil {
		t.Fatal(err)
	}
	scheme, err := hub.NewScheme() // Shelf has no Go type here
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		reason      string
		labels      map[string]string
		annotations map[string]string
		wantConnect int
		wantState   string
		wantReady   string
	}{
		"Claimed": {
			reason: "A claimed object is reconciled: its status and Ready condition are written.",
			labels: map[string]string{"team": "a"}, wantConnect: 1, wantState: "seen", wantReady: "True",
		},
		"NotClaimed": {
			reason: "An object Claims refuses is left alone, as if of another kind.",
			labels: map[string]string{"team": "b"},
		},
		"Paused": {
			reason:      "A paused object's status says so, and nothing connects.",
			labels:      map[string]string{"team": "a"},
			annotations: map[string]string{reconcile.DefaultPausedAnnotation: "true"}, wantState: "paused",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(crd),
				hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
			connects := 0
			m, err := reconcile.NewManaged(f.Hub(), reconcile.ManagedKind[*unstructured.Unstructured]{
				GroupVersionKind: shelfGVK,
				Claims:           func(u *unstructured.Unstructured) bool { return u.GetLabels()["team"] == "a" },
				Connector: reconcile.ConnectorFunc[*unstructured.Unstructured](func(context.Context, *unstructured.Unstructured) (reconcile.External[*unstructured.Unstructured], error) {
					connects++
					return nil, nil //nolint:nilnil // a nil External: nothing outside the cluster to observe
				}),
				Status: func(u *unstructured.Unstructured, o reconcile.Outcome) {
					state := "seen"
					if o.Paused {
						state = "paused"
					}
					_ = unstructured.SetNestedField(u.Object, state, "status", "state")
				},
			}, reconcile.WithPausedStatus())
			if err != nil {
				t.Fatal(err)
			}
			u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"size": int64(3)}}}
			u.SetGroupVersionKind(shelfGVK)
			u.SetNamespace("team-a")
			u.SetName("books")
			u.SetLabels(tc.labels)
			u.SetAnnotations(tc.annotations)
			if err := f.Client().Create(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			if got := len(m.Requests(t.Context(), u, nil)); got != map[bool]int{true: 1, false: 0}[tc.labels["team"] == "a"] {
				t.Errorf("\nReason: %s\nRequests queued %d for the object", tc.reason, got)
			}
			if _, err := m.Reconcile(t.Context(), ctrl.Request{NamespacedName: shelfKey("books")}); err != nil {
				t.Fatalf("\nReason: %s\nReconcile: %v", tc.reason, err)
			}
			got := &unstructured.Unstructured{}
			got.SetGroupVersionKind(shelfGVK)
			if err := f.Client().Get(t.Context(), shelfKey("books"), got); err != nil {
				t.Fatal(err)
			}
			state, _, _ := unstructured.NestedString(got.Object, "status", "state")
			ready := ""
			for _, c := range reconcile.ConditionsOf(got).GetConditions() {
				if c.Type == reconcile.ReadyCondition {
					ready = string(c.Status)
				}
			}
			if diff := cmp.Diff([]any{tc.wantConnect, tc.wantState, tc.wantReady}, []any{connects, state, ready}); diff != "" {
				t.Errorf("\nReason: %s\nconnects, status.state, Ready: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	if _, err := reconcile.NewManaged(hubtest.NewFake(t).Hub(), reconcile.ManagedKind[*unstructured.Unstructured]{}); err == nil {
		t.Error("NewManaged of unstructured objects without a GroupVersionKind: no error, want one")
	}
}
