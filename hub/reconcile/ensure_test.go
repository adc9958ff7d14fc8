package reconcile_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

func owner() *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "workspace", UID: "owner-uid"}}
}

// desiredChildren is what a reconciler's pure builder would return for the
// owner: one object of each common kind, as typed Go values.
func desiredChildren() []client.Object {
	labels := map[string]string{"app": "notebook"}
	return []client.Object{
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "notebook-config"}, Data: map[string]string{"kernel": "python3", "theme": "dark"}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "notebook-token"}, StringData: map[string]string{"token": "s3cr3t"}},
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "notebook", Labels: labels},
			Spec: corev1.ServiceSpec{
				Selector: labels,
				Ports:    []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8888), Protocol: corev1.ProtocolTCP}},
			},
		},
		&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "notebook", Labels: labels},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](1),
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{
						Name: "notebook", Image: "jupyter/base-notebook:2026.01",
						Ports: []corev1.ContainerPort{{ContainerPort: 8888}},
						Env:   []corev1.EnvVar{{Name: "JUPYTER_ENABLE_LAB", Value: "yes"}},
					}}},
				},
			},
		},
	}
}

func operations(rs reconcile.Results) []reconcile.Operation {
	ops := make([]reconcile.Operation, len(rs))
	for i, r := range rs {
		ops[i] = r.Operation
	}
	return ops
}

func TestEnsureCreatesThenMakesNoWrites(t *testing.T) {
	ctx := context.Background()
	wc := newWriteCountingCluster(t, owner())
	desired := desiredChildren()
	untouched := make([]client.Object, len(desired))
	for i, d := range desired {
		untouched[i] = d.DeepCopyObject().(client.Object)
	}

	first, err := reconcile.Ensure(ctx, wc.client, owner(), desired...)
	if err != nil {
		t.Fatalf("first Ensure: %v", err)
	}
	created := reconcile.OperationCreated
	if diff := cmp.Diff([]reconcile.Operation{created, created, created, created}, operations(first)); diff != "" {
		t.Errorf("first Ensure: -want, +got:\n%s", diff)
	}
	if n := wc.takeWrites(); n != 4 {
		t.Errorf("first Ensure made %d writes, want one per child (4)", n)
	}
	if diff := cmp.Diff(untouched, desired); diff != "" {
		t.Errorf("Ensure modified the desired objects: -before, +after:\n%s", diff)
	}
	for _, r := range first {
		refs := r.Object.GetOwnerReferences()
		if len(refs) != 1 || refs[0].UID != "owner-uid" || !ptr.Deref(refs[0].Controller, false) || r.Object.GetNamespace() != "team-a" {
			t.Errorf("%s %s: owner references %+v, namespace %q; want the owner as controller, in its namespace", r.Object.GetObjectKind().GroupVersionKind().Kind, r.Object.GetName(), refs, r.Object.GetNamespace())
		}
	}

	// A resync over converged children: zero writes.
	for range 3 {
		again, err := reconcile.Ensure(ctx, wc.client, owner(), desiredChildren()...)
		if err != nil {
			t.Fatalf("resync Ensure: %v", err)
		}
		unchanged := reconcile.OperationUnchanged
		if diff := cmp.Diff([]reconcile.Operation{unchanged, unchanged, unchanged, unchanged}, operations(again)); diff != "" {
			t.Errorf("resync: -want, +got:\n%s", diff)
		}
		if n := wc.takeWrites(); n != 0 {
			t.Errorf("a resync over converged children made %d writes, want 0", n)
		}
		if len(again.Changed()) != 0 {
			t.Errorf("Changed() after a resync = %d objects, want none", len(again.Changed()))
		}
	}

	var secret corev1.Secret
	if err := wc.raw.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "notebook-token"}, &secret); err != nil {
		t.Fatal(err)
	}
	if string(secret.Data["token"]) != "s3cr3t" {
		t.Errorf("the Secret's stringData must arrive as data, got %q", secret.Data)
	}
}

func TestEnsureUnowned(t *testing.T) {
	ctx := context.Background()
	wc := newWriteCountingCluster(t)
	role := func() client.Object {
		return &rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: "read-notebooks"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"apps.hubkit.dev"}, Resources: []string{"instances"}, Verbs: []string{"get", "list", "watch"}}},
		}
	}
	first, err := reconcile.EnsureUnowned(ctx, wc.client, role())
	if err != nil {
		t.Fatalf("EnsureUnowned: %v", err)
	}
	if diff := cmp.Diff([]reconcile.Operation{reconcile.OperationCreated}, operations(first)); diff != "" {
		t.Errorf("first EnsureUnowned: -want, +got:\n%s", diff)
	}
	if refs := first[0].Object.GetOwnerReferences(); len(refs) != 0 {
		t.Errorf("owner references = %+v, want none", refs)
	}
	wc.takeWrites()
	again, err := reconcile.EnsureUnowned(ctx, wc.client, role())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]reconcile.Operation{reconcile.OperationUnchanged}, operations(again)); diff != "" || wc.takeWrites() != 0 {
		t.Errorf("EnsureUnowned again: -want, +got:\n%s (and it must write nothing)", diff)
	}

	_, err = reconcile.EnsureUnowned(ctx, wc.client, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "nowhere"}})
	if err == nil || !strings.Contains(err.Error(), "a namespaced object needs a namespace") {
		t.Errorf("EnsureUnowned of a namespaced object without a namespace = %v, want an error saying so", err)
	}
}

func TestEnsureUpdatesWhatDiffers(t *testing.T) {
	configOf := func(data map[string]string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "notebook-config"}, Data: data}
	}
	cases := map[string]struct {
		reason   string
		drift    func(*corev1.ConfigMap)
		desired  *corev1.ConfigMap
		wantOp   reconcile.Operation
		wantData map[string]string
	}{
		"DesiredChanged": {
			reason:   "A changed desired value is applied.",
			desired:  configOf(map[string]string{"kernel": "julia", "theme": "dark"}),
			wantOp:   reconcile.OperationUpdated,
			wantData: map[string]string{"kernel": "julia", "theme": "dark"},
		},
		"DesiredFieldRemoved": {
			reason:   "A field dropped from the desired state is removed from the child, as server-side apply does for its own fields.",
			desired:  configOf(map[string]string{"kernel": "python3"}),
			wantOp:   reconcile.OperationUpdated,
			wantData: map[string]string{"kernel": "python3"},
		},
		"Drift": {
			reason:   "Another writer's change to a field the owner wants is undone.",
			drift:    func(cm *corev1.ConfigMap) { cm.Data["kernel"] = "r" },
			desired:  configOf(map[string]string{"kernel": "python3", "theme": "dark"}),
			wantOp:   reconcile.OperationUpdated,
			wantData: map[string]string{"kernel": "python3", "theme": "dark"},
		},
		"ForeignAddition": {
			reason:   "Another writer's field that the owner does not want is left alone, and costs no write.",
			drift:    func(cm *corev1.ConfigMap) { cm.Data["added-by-someone"] = "yes" },
			desired:  configOf(map[string]string{"kernel": "python3", "theme": "dark"}),
			wantOp:   reconcile.OperationUnchanged,
			wantData: map[string]string{"kernel": "python3", "theme": "dark", "added-by-someone": "yes"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			wc := newWriteCountingCluster(t, owner())
			if _, err := reconcile.Ensure(ctx, wc.client, owner(), configOf(map[string]string{"kernel": "python3", "theme": "dark"})); err != nil {
				t.Fatalf("first Ensure: %v", err)
			}
			if tc.drift != nil {
				var cm corev1.ConfigMap
				if err := wc.raw.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "notebook-config"}, &cm); err != nil {
					t.Fatal(err)
				}
				tc.drift(&cm)
				if err := wc.raw.Update(ctx, &cm); err != nil {
					t.Fatal(err)
				}
			}
			wc.takeWrites()
			results, err := reconcile.Ensure(ctx, wc.client, owner(), tc.desired)
			if err != nil {
				t.Fatalf("Ensure: %v", err)
			}
			if results[0].Operation != tc.wantOp {
				t.Errorf("\nReason: %s\noperation %s, want %s", tc.reason, results[0].Operation, tc.wantOp)
			}
			wantWrites := int64(0)
			if tc.wantOp == reconcile.OperationUpdated {
				wantWrites = 1
			}
			if n := wc.takeWrites(); n != wantWrites {
				t.Errorf("\nReason: %s\n%d writes, want %d", tc.reason, n, wantWrites)
			}
			var cm corev1.ConfigMap
			if err := wc.raw.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "notebook-config"}, &cm); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantData, cm.Data); diff != "" {
				t.Errorf("\nReason: %s\nstored data: -want, +got:\n%s", tc.reason, diff)
			}
			if got := results[0].Object.(*corev1.ConfigMap).Data; !cmp.Equal(cm.Data, got) {
				t.Errorf("\nReason: %s\nthe result holds %v, the cluster %v", tc.reason, got, cm.Data)
			}
		})
	}
}

func TestEnsureFailsChildrenIndependently(t *testing.T) {
	ctx := context.Background()
	wc := newWriteCountingCluster(t, owner())
	unknown := &unstructured.Unstructured{}
	unknown.SetAPIVersion("example.dev/v1")
	unknown.SetKind("Widget")
	unknown.SetName("unknown")
	desired := []client.Object{
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "first"}},
		unknown,
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "elsewhere", Namespace: "team-b"}},
		nil,
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "last"}},
	}
	results, err := reconcile.Ensure(ctx, wc.client, owner(), desired...)
	if err == nil {
		t.Fatal("Ensure with bad children succeeded")
	}
	want := []reconcile.Operation{reconcile.OperationCreated, reconcile.OperationFailed, reconcile.OperationFailed, reconcile.OperationFailed, reconcile.OperationCreated}
	if diff := cmp.Diff(want, operations(results)); diff != "" {
		t.Errorf("a failing child must not stop the others: -want, +got:\n%s", diff)
	}
	for _, part := range []string{"child 1", "Widget", "namespaced", "child 2", "cross-namespace", "child 3", "nil"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("the joined error does not mention %q:\n%v", part, err)
		}
	}
}

func TestResultOf(t *testing.T) {
	deployment := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "api"}, Status: appsv1.DeploymentStatus{ReadyReplicas: 1}}
	results := reconcile.Results{
		{Object: &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "api"}}, Operation: reconcile.OperationCreated},
		{Object: deployment, Operation: reconcile.OperationUnchanged},
		{Object: &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "second"}}, Operation: reconcile.OperationUpdated},
	}
	cases := map[string]struct {
		reason  string
		results reconcile.Results
		want    string
		op      reconcile.Operation
		found   bool
	}{
		"First": {reason: "The first child of the type is returned, with what Ensure did to it.", results: results, want: "api", op: reconcile.OperationUnchanged, found: true},
		"None":  {reason: "No child of the type: not found.", results: results[:1], found: false},
		"Empty": {reason: "No results at all: not found, no panic.", results: nil, found: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, op, found := reconcile.ResultOf[*appsv1.Deployment](tc.results)
			name := ""
			if found {
				name = got.Name
			}
			if diff := cmp.Diff([]any{tc.want, tc.op, tc.found}, []any{name, op, found}); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
