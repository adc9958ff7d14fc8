// Package conformance holds scenarios written once against hubtest.Cluster
// and run on both the in-memory fake and a real API server: CRUD and label
// selection, custom resource validation and defaulting, optimistic
// concurrency, server-side apply ownership, metadata.generation, status
// subresource isolation, garbage collection in each propagation mode,
// namespace deletion, and the objects published into every new namespace.
// Scenarios look only at their own objects (a real cluster adds objects of
// its own to each namespace, when it chooses) and wait for what a controller
// does.
//
// A scenario that passes on one cluster and fails on the other is a bug in
// the fake. The unit tests of hubtest run Run on hubtest.NewFake; the e2e
// suite runs it on hubtest.NewReal.
package conformance

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

//go:embed widget-crd.yaml
var widgetCRDYAML []byte

// WidgetKind is the kind of the scenarios' custom resource.
var WidgetKind = schema.GroupVersionKind{Group: "conformance.hubkit.dev", Version: "v1", Kind: "Widget"}

// WidgetCRD returns the CRD of the scenarios' custom resource.
func WidgetCRD() (*apiextensionsv1.CustomResourceDefinition, error) {
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(widgetCRDYAML, crd); err != nil {
		return nil, fmt.Errorf("conformance: reading the Widget CRD: %w", err)
	}
	return crd, nil
}

// A Scenario is one behaviour both clusters must show.
type Scenario struct {
	// Name names the scenario as a subtest.
	Name string
	// Run checks the behaviour in namespace ns of c.
	Run func(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string)
}

// Scenarios returns every scenario.
func Scenarios() []Scenario {
	return []Scenario{
		{"CRUDAndSelectors", crudAndSelectors},
		{"InvalidCustomResources", invalidCustomResources},
		{"Defaulting", defaulting},
		{"OptimisticConcurrency", optimisticConcurrency},
		{"ServerSideApplyOwnership", serverSideApplyOwnership},
		{"Generation", generation},
		{"StatusSubresource", statusSubresource},
		{"GarbageCollection", garbageCollection},
		{"NamespaceDeletion", namespaceDeletion},
		{"NamespacePublishedObjects", namespacePublishedObjects},
		{"UninstalledKind", uninstalledKind},
		{"AdmissionOnApply", admissionOnApply},
		{"InvalidWritesNeverSeen", invalidWritesNeverSeen},
	}
}

// Run runs every scenario as a subtest of t, each on the cluster newCluster
// returns (a fresh one or a shared one) in a namespace of its own, after
// installing the Widget CRD.
func Run(t *testing.T, newCluster func(t *testing.T) hubtest.Cluster) {
	t.Helper()
	crd, err := WidgetCRD()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			ctx := t.Context()
			c := newCluster(t)
			if err := c.InstallCRDs(ctx, crd); err != nil {
				t.Fatal(err)
			}
			ns, err := c.CreateNamespace(ctx, "conformance")
			if err != nil {
				t.Fatal(err)
			}
			s.Run(ctx, t, c, ns)
		})
	}
}

const waitTimeout = 2 * time.Minute

func widget(name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetGroupVersionKind(WidgetKind)
	u.SetName(name)
	return u
}

func widgets(c hubtest.Cluster, ns string) *hub.Resource[*unstructured.Unstructured] {
	return hub.For[*unstructured.Unstructured](c.Hub(hub.WithNamespace(ns)), hub.OfKind(WidgetKind))
}

func configMaps(c hubtest.Cluster, ns string, opts ...hub.Option) *hub.Resource[*corev1.ConfigMap] {
	return hub.For[*corev1.ConfigMap](c.Hub(append([]hub.Option{hub.WithNamespace(ns)}, opts...)...))
}

func names[T client.Object](items []T) []string {
	out := make([]string, 0, len(items))
	for _, item := range items {
		out = append(out, item.GetName())
	}
	sort.Strings(out)
	return out
}

func crudAndSelectors(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	cms := configMaps(c, ns)
	// Every object of the scenario carries this label and every selector below
	// is scoped to it: a real cluster puts objects of its own into each new
	// namespace (kube-controller-manager publishes kube-root-ca.crt, at a
	// moment of its choosing), and "!tier" would select them too.
	const scope = "conformance.hubkit.dev/scenario=crud"
	for name, labels := range map[string]map[string]string{
		"db":    {"app": "db", "tier": "backend"},
		"cache": {"app": "cache", "tier": "backend"},
		"ui":    {"app": "ui"},
	} {
		labels["conformance.hubkit.dev/scenario"] = "crud"
		if err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Data: map[string]string{"k": name}}); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	got, err := cms.Get(ctx, "db")
	if err != nil || got.Data["k"] != "db" || got.UID == "" || got.ResourceVersion == "" || got.CreationTimestamp.IsZero() {
		t.Fatalf("get db = %+v, %v; want its data, a UID, a resourceVersion and a creation time", got, err)
	}
	if _, err := cms.Update(ctx, "db", func(cm *corev1.ConfigMap) error { cm.Data["k"] = "changed"; return nil }); err != nil {
		t.Fatalf("update: %v", err)
	}
	if got, _ := cms.Get(ctx, "db"); got.Data["k"] != "changed" {
		t.Errorf("after update, data = %v", got.Data)
	}
	cases := map[string][]string{
		"tier=backend":        {"cache", "db"},
		"tier=backend,app=db": {"db"},
		"app in (ui,cache)":   {"cache", "ui"},
		"!tier":               {"ui"},
		"app=db|app=ui":       {"db", "ui"},
	}
	for selector, want := range cases {
		terms := strings.Split(selector, "|")
		for i := range terms {
			terms[i] = scope + "," + terms[i]
		}
		items, err := cms.ListMatching(ctx, hub.MustParseSelector(strings.Join(terms, "|")))
		if err != nil {
			t.Fatalf("list %q: %v", selector, err)
		}
		if diff := cmp.Diff(want, names(items)); diff != "" {
			t.Errorf("list %q: -want, +got:\n%s", selector, diff)
		}
	}
	if err := cms.Delete(ctx, "ui"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := cms.Get(ctx, "ui"); !hub.IsNotFound(err) {
		t.Errorf("get after delete = %v, want NotFound", err)
	}
	if err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "db"}}); !hub.IsAlreadyExists(err) {
		t.Errorf("create of an existing name = %v, want AlreadyExists", err)
	}
	if err := hub.For[*corev1.ConfigMap](c.Hub(hub.WithNamespace("no-such-namespace-here"))).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x"}}); !hub.IsNotFound(err) {
		t.Errorf("create in a missing namespace = %v, want NotFound", err)
	}
}

// causeFields returns the field paths of an Invalid error's causes, sorted.
func causeFields(err error) []string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	var fields []string
	for _, cause := range status.Status().Details.Causes {
		if !slices.Contains(fields, cause.Field) {
			fields = append(fields, cause.Field)
		}
	}
	sort.Strings(fields)
	return fields
}

func invalidCustomResources(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	cases := map[string]struct {
		spec   map[string]any
		fields []string
	}{
		"MissingRequired": {spec: map[string]any{"replicas": int64(2)}, fields: []string{"spec.size"}},
		"WrongType":       {spec: map[string]any{"size": "small", "replicas": "three"}, fields: []string{"spec.replicas"}},
		"Enum":            {spec: map[string]any{"size": "huge"}, fields: []string{"spec.size"}},
		"Pattern":         {spec: map[string]any{"size": "small", "owner": "Not_A_Name"}, fields: []string{"spec.owner"}},
		"Minimum":         {spec: map[string]any{"size": "small", "replicas": int64(0)}, fields: []string{"spec.replicas"}},
		"Several":         {spec: map[string]any{"size": "huge", "owner": "-x"}, fields: []string{"spec.owner", "spec.size"}},
	}
	ws := widgets(c, ns)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := ws.Create(ctx, widget("bad-"+slug(name), tc.spec))
			if !hub.IsInvalid(err) {
				t.Fatalf("create = %v, want Invalid", err)
			}
			if diff := cmp.Diff(tc.fields, causeFields(err)); diff != "" {
				t.Errorf("the rejection's field paths: -want, +got:\n%s\n(error: %v)", diff, err)
			}
			if _, err := ws.Get(ctx, "bad-"+slug(name)); !hub.IsNotFound(err) {
				t.Errorf("a rejected object was stored: %v", err)
			}
		})
	}
	// An update that breaks the schema is refused too, and changes nothing.
	if err := ws.Create(ctx, widget("good", map[string]any{"size": "small"})); err != nil {
		t.Fatalf("create a valid Widget: %v", err)
	}
	_, err := ws.Update(ctx, "good", func(u *unstructured.Unstructured) error {
		return unstructured.SetNestedField(u.Object, "huge", "spec", "size")
	})
	if !hub.IsInvalid(err) || !slices.Equal(causeFields(err), []string{"spec.size"}) {
		t.Errorf("an invalid update = %v, want Invalid on spec.size", err)
	}
}

func slug(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}

func defaulting(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	ws := widgets(c, ns)
	created := widget("defaulted", map[string]any{"size": "large", "unknownField": "dropped"})
	if err := ws.Create(ctx, created); err != nil {
		t.Fatalf("create: %v", err)
	}
	stored, err := ws.Get(ctx, "defaulted")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"size": "large", "replicas": int64(1), "tier": "standard"}
	for what, obj := range map[string]*unstructured.Unstructured{"returned": created, "stored": stored} {
		spec, _, _ := unstructured.NestedMap(obj.Object, "spec")
		if diff := cmp.Diff(want, spec); diff != "" {
			t.Errorf("%s spec: defaults applied and unknown fields pruned: -want, +got:\n%s", what, diff)
		}
	}
	// An explicit value is kept.
	if err := ws.Create(ctx, widget("explicit", map[string]any{"size": "small", "replicas": int64(3)})); err != nil {
		t.Fatal(err)
	}
	explicit, _ := ws.Get(ctx, "explicit")
	if replicas, _, _ := unstructured.NestedInt64(explicit.Object, "spec", "replicas"); replicas != 3 {
		t.Errorf("an explicit replicas became %d", replicas)
	}
}

func optimisticConcurrency(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	cms := configMaps(c, ns)
	if err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "shared"}, Data: map[string]string{"v": "0"}}); err != nil {
		t.Fatal(err)
	}
	stale, err := cms.Get(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	fresh := stale.DeepCopy()
	fresh.Data["v"] = "1"
	if err := c.Client().Update(ctx, fresh); err != nil {
		t.Fatalf("first update: %v", err)
	}
	if fresh.ResourceVersion == stale.ResourceVersion {
		t.Errorf("an update kept resourceVersion %s", fresh.ResourceVersion)
	}
	stale.Data["v"] = "2"
	if err := c.Client().Update(ctx, stale); !hub.IsConflict(err) {
		t.Errorf("an update from a stale copy = %v, want Conflict", err)
	}
	if err := c.Client().Delete(ctx, stale, client.Preconditions{ResourceVersion: new(stale.ResourceVersion)}); !hub.IsConflict(err) {
		t.Errorf("a delete with a stale resourceVersion precondition = %v, want Conflict", err)
	}
	if err := c.Client().Delete(ctx, stale, client.Preconditions{UID: ptr.To(types.UID("not-the-uid"))}); !hub.IsConflict(err) {
		t.Errorf("a delete with a wrong UID precondition = %v, want Conflict", err)
	}
	got, _ := cms.Get(ctx, "shared")
	if got.Data["v"] != "1" {
		t.Errorf("stored v = %q, want the first writer's 1", got.Data["v"])
	}
}

func serverSideApplyOwnership(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	alice := configMaps(c, ns, hub.WithFieldOwner("alice"))
	bob := configMaps(c, ns, hub.WithFieldOwner("bob"))
	aliceLabels := map[string]string{"applied-by": "alice"}
	if err := alice.Apply(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owned", Labels: aliceLabels}, Data: map[string]string{"color": "blue", "size": "m"}}); err != nil {
		t.Fatalf("alice applies: %v", err)
	}
	err := bob.Apply(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owned"}, Data: map[string]string{"color": "red"}})
	if !hub.IsConflict(err) {
		t.Fatalf("bob's conflicting apply without force = %v, want Conflict", err)
	}
	if err := bob.Apply(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owned"}, Data: map[string]string{"shape": "round"}}); err != nil {
		t.Fatalf("bob's apply of a field nobody owns: %v", err)
	}
	if err := bob.Apply(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owned"}, Data: map[string]string{"color": "red", "shape": "round"}}, hub.ForceOwnership()); err != nil {
		t.Fatalf("bob's forced apply: %v", err)
	}
	// Alice drops size from her apply: server-side apply removes a field
	// its only owner stops applying.
	if err := alice.Apply(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owned", Labels: aliceLabels}}); err != nil {
		t.Fatalf("alice re-applies: %v", err)
	}
	got, err := alice.Get(ctx, "owned")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"color": "red", "shape": "round"}, got.Data); diff != "" {
		t.Errorf("data after the applies: -want, +got:\n%s", diff)
	}
	var managers []string
	for _, entry := range got.ManagedFields {
		if entry.Operation == metav1.ManagedFieldsOperationApply {
			managers = append(managers, entry.Manager)
		}
	}
	sort.Strings(managers)
	if diff := cmp.Diff([]string{"alice", "bob"}, managers); diff != "" {
		t.Errorf("apply managers: -want, +got:\n%s", diff)
	}
}

func generationOf(ctx context.Context, t *testing.T, ws *hub.Resource[*unstructured.Unstructured], name string) int64 {
	t.Helper()
	w, err := ws.Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return w.GetGeneration()
}

func generation(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	ws := widgets(c, ns)
	if err := ws.Create(ctx, widget("gen", map[string]any{"size": "small"})); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		what   string
		change func() error
		want   int64
	}{
		{"create", func() error { return nil }, 1},
		{"a spec change", func() error {
			_, err := ws.Update(ctx, "gen", func(u *unstructured.Unstructured) error {
				return unstructured.SetNestedField(u.Object, "large", "spec", "size")
			})
			return err
		}, 2},
		{"a label change", func() error {
			_, err := ws.Update(ctx, "gen", func(u *unstructured.Unstructured) error {
				u.SetLabels(map[string]string{"touched": "yes"})
				return nil
			})
			return err
		}, 2},
		{"a status change", func() error {
			_, err := ws.UpdateStatus(ctx, "gen", func(u *unstructured.Unstructured) error {
				return unstructured.SetNestedField(u.Object, true, "status", "ready")
			})
			return err
		}, 2},
		{"a spec patch", func() error {
			w := widget("gen", nil)
			w.SetNamespace(ns)
			return c.Client().Patch(ctx, w, client.RawPatch("application/merge-patch+json", []byte(`{"spec":{"replicas":4}}`)))
		}, 3},
		{"an apply that changes the spec", func() error {
			return ws.Apply(ctx, widget("gen", map[string]any{"size": "large", "owner": "team-a"}), hub.ForceOwnership())
		}, 4},
		{"an apply that changes nothing", func() error {
			return ws.Apply(ctx, widget("gen", map[string]any{"size": "large", "owner": "team-a"}), hub.ForceOwnership())
		}, 4},
	}
	for _, step := range steps {
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		if got := generationOf(ctx, t, ws, "gen"); got != step.want {
			t.Errorf("after %s, generation = %d, want %d", step.what, got, step.want)
		}
	}
}

func statusSubresource(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	ws := widgets(c, ns)
	w := widget("status", map[string]any{"size": "small"})
	if err := unstructured.SetNestedField(w.Object, "Ignored", "status", "phase"); err != nil {
		t.Fatal(err)
	}
	if err := ws.Create(ctx, w); err != nil {
		t.Fatal(err)
	}
	if phase, found, _ := unstructured.NestedString(mustGet(ctx, t, ws, "status").Object, "status", "phase"); found {
		t.Errorf("create stored status.phase %q; the main resource must ignore status", phase)
	}
	if _, err := ws.UpdateStatus(ctx, "status", func(u *unstructured.Unstructured) error {
		if err := unstructured.SetNestedField(u.Object, "Running", "status", "phase"); err != nil {
			return err
		}
		return unstructured.SetNestedField(u.Object, "large", "spec", "size")
	}); err != nil {
		t.Fatalf("status update: %v", err)
	}
	got := mustGet(ctx, t, ws, "status")
	phase, _, _ := unstructured.NestedString(got.Object, "status", "phase")
	size, _, _ := unstructured.NestedString(got.Object, "spec", "size")
	if phase != "Running" || size != "small" {
		t.Errorf("after a status update: phase %q size %q; want the status written and the spec untouched (Running, small)", phase, size)
	}
	if _, err := ws.Update(ctx, "status", func(u *unstructured.Unstructured) error {
		if err := unstructured.SetNestedField(u.Object, "Stopped", "status", "phase"); err != nil {
			return err
		}
		return unstructured.SetNestedField(u.Object, int64(2), "spec", "replicas")
	}); err != nil {
		t.Fatalf("main update: %v", err)
	}
	got = mustGet(ctx, t, ws, "status")
	phase, _, _ = unstructured.NestedString(got.Object, "status", "phase")
	replicas, _, _ := unstructured.NestedInt64(got.Object, "spec", "replicas")
	if phase != "Running" || replicas != 2 {
		t.Errorf("after a main update: phase %q replicas %d; want the spec written and the status untouched (Running, 2)", phase, replicas)
	}
	_, err := ws.UpdateStatus(ctx, "status", func(u *unstructured.Unstructured) error {
		return unstructured.SetNestedField(u.Object, "yes", "status", "ready")
	})
	if !hub.IsInvalid(err) || !slices.Equal(causeFields(err), []string{"status.ready"}) {
		t.Errorf("a status update against the schema = %v, want Invalid on status.ready", err)
	}
}

func mustGet(ctx context.Context, t *testing.T, ws *hub.Resource[*unstructured.Unstructured], name string) *unstructured.Unstructured {
	t.Helper()
	w, err := ws.Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func garbageCollection(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	policies := map[string]metav1.DeletionPropagation{
		"Background": metav1.DeletePropagationBackground,
		"Foreground": metav1.DeletePropagationForeground,
		"Orphan":     metav1.DeletePropagationOrphan,
	}
	for name, policy := range policies {
		t.Run(name, func(t *testing.T) {
			cms := configMaps(c, ns)
			prefix := slug(name)
			owner := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: prefix + "-owner"}}
			if err := cms.Create(ctx, owner); err != nil {
				t.Fatal(err)
			}
			ref := metav1.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: owner.Name, UID: owner.UID, Controller: new(true), BlockOwnerDeletion: new(true)}
			child := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: prefix + "-child", OwnerReferences: []metav1.OwnerReference{ref}}}
			if err := cms.Create(ctx, child); err != nil {
				t.Fatal(err)
			}
			childRef := metav1.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: child.Name, UID: child.UID, BlockOwnerDeletion: new(true)}
			grandchild := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: prefix + "-grandchild", OwnerReferences: []metav1.OwnerReference{childRef}}}
			if err := cms.Create(ctx, grandchild); err != nil {
				t.Fatal(err)
			}
			if err := cms.Delete(ctx, owner.Name, hub.Propagation(policy)); err != nil {
				t.Fatalf("delete the owner: %v", err)
			}
			if err := c.WaitFor(ctx, "the owner is gone", waitTimeout, isGone(cms, owner.Name)); err != nil {
				t.Fatal(err)
			}
			if policy == metav1.DeletePropagationOrphan {
				checkOrphans(ctx, t, c, cms, child.Name, grandchild.Name)
				return
			}
			for _, dep := range []string{child.Name, grandchild.Name} {
				if err := c.WaitFor(ctx, dep+" is collected", waitTimeout, isGone(cms, dep)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// isGone is a WaitFor condition: the ConfigMap name no longer exists.
func isGone(cms *hub.Resource[*corev1.ConfigMap], name string) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		_, err := cms.Get(ctx, name)
		if hub.IsNotFound(err) {
			return true, nil
		}
		return false, err
	}
}

// checkOrphans checks that an orphaned dependent stays and loses its owner
// reference, while its own dependent keeps its reference to it.
func checkOrphans(ctx context.Context, t *testing.T, c hubtest.Cluster, cms *hub.Resource[*corev1.ConfigMap], child, grandchild string) {
	err := c.WaitFor(ctx, "the orphan loses its owner reference", waitTimeout, func(ctx context.Context) (bool, error) {
		got, err := cms.Get(ctx, child)
		if err != nil {
			return false, err
		}
		return len(got.OwnerReferences) == 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cms.Get(ctx, grandchild); err != nil || len(got.OwnerReferences) != 1 {
		t.Errorf("the orphan's own dependent must stay as it was: %v, %v", got, err)
	}
}

// namespacePublishedObjects checks that a new namespace gets what the
// cluster's own controllers put into every namespace: the root CA bundle
// and the ServiceAccount "default". A real cluster publishes them at a
// moment of its choosing, so the scenario waits for them.
func namespacePublishedObjects(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	err := c.WaitFor(ctx, "kube-root-ca.crt and the default ServiceAccount", waitTimeout, func(ctx context.Context) (bool, error) {
		cm, err := configMaps(c, ns).Get(ctx, "kube-root-ca.crt")
		if hub.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if cm.Data["ca.crt"] == "" {
			return false, fmt.Errorf("kube-root-ca.crt has no ca.crt: %v", slices.Sorted(maps.Keys(cm.Data)))
		}
		_, err = hub.For[*corev1.ServiceAccount](c.Hub(hub.WithNamespace(ns))).Get(ctx, "default")
		if hub.IsNotFound(err) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// admissionOnApply checks that a claim created by server-side apply is
// admitted as one made by Create: it gets the default storage class. The
// class binds on first consumer, so that no claim binds on either cluster.
func admissionOnApply(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	classes := hub.For[*storagev1.StorageClass](c.Hub())
	class := &storagev1.StorageClass{
		ObjectMeta:        metav1.ObjectMeta{Name: "conformance-default-" + ns, Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner:       "conformance.hubkit.dev/none",
		VolumeBindingMode: ptr.To(storagev1.VolumeBindingWaitForFirstConsumer),
	}
	if err := classes.Create(ctx, class); err != nil {
		t.Fatalf("creating a default storage class: %v", err)
	}
	t.Cleanup(func() { _ = classes.Delete(context.WithoutCancel(ctx), class.Name) })
	claims := hub.For[*corev1.PersistentVolumeClaim](c.Hub(hub.WithNamespace(ns), hub.WithFieldOwner("conformance")))
	claim := &corev1.PersistentVolumeClaim{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: metav1.ObjectMeta{Name: "applied"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}
	if err := claims.Apply(ctx, claim); err != nil {
		t.Fatalf("applying a claim: %v", err)
	}
	got, err := claims.Get(ctx, "applied")
	if err != nil {
		t.Fatal(err)
	}
	if ptr.Deref(got.Spec.StorageClassName, "") != class.Name || got.Status.Phase != corev1.ClaimPending {
		t.Errorf("an applied claim has class %q and phase %q; want the default class %s, Pending",
			ptr.Deref(got.Spec.StorageClassName, ""), got.Status.Phase, class.Name)
	}
}

// gadgetKind is a kind no CRD of the scenarios defines.
var gadgetKind = schema.GroupVersionKind{Group: "conformance.hubkit.dev", Version: "v1", Kind: "Gadget"}

// uninstalledKind checks that a kind without a CRD is refused as "no
// matches for kind", for reads and writes alike.
func uninstalledKind(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	gadgets := hub.For[*unstructured.Unstructured](c.Hub(hub.WithNamespace(ns)), hub.OfKind(gadgetKind))
	g := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"size": "small"}}}
	g.SetGroupVersionKind(gadgetKind)
	g.SetName("orphan")
	if err := gadgets.Create(ctx, g); !meta.IsNoMatchError(err) {
		t.Errorf("creating a Gadget = %v; want no matches for kind", err)
	}
	if _, err := gadgets.Get(ctx, "orphan"); !meta.IsNoMatchError(err) {
		t.Errorf("getting a Gadget = %v; want no matches for kind", err)
	}
	if _, err := gadgets.List(ctx); !meta.IsNoMatchError(err) {
		t.Errorf("listing Gadgets = %v; want no matches for kind", err)
	}
}

func namespaceDeletion(ctx context.Context, t *testing.T, c hubtest.Cluster, _ string) {
	ns, err := c.CreateNamespace(ctx, "doomed")
	if err != nil {
		t.Fatal(err)
	}
	if err := configMaps(c, ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "content"}}); err != nil {
		t.Fatal(err)
	}
	if err := widgets(c, ns).Create(ctx, widget("content", map[string]any{"size": "small"})); err != nil {
		t.Fatal(err)
	}
	namespaces := hub.For[*corev1.Namespace](c.Hub())
	if err := namespaces.Delete(ctx, ns); err != nil {
		t.Fatalf("delete the namespace: %v", err)
	}
	err = c.WaitFor(ctx, "the namespace is gone", waitTimeout, func(ctx context.Context) (bool, error) {
		_, err := namespaces.Get(ctx, ns)
		if hub.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := configMaps(c, ns).Get(ctx, "content"); !hub.IsNotFound(err) {
		t.Errorf("a ConfigMap survived its namespace: %v", err)
	}
	if _, err := widgets(c, ns).Get(ctx, "content"); !hub.IsNotFound(err) {
		t.Errorf("a Widget survived its namespace: %v", err)
	}
}

// invalidWritesNeverSeen checks that a patch or an apply whose result the
// schema refuses changes nothing, not even for a moment: a watcher sees no
// event of it, the object keeps its resourceVersion, and an apply that
// would have created an object leaves none.
func invalidWritesNeverSeen(ctx context.Context, t *testing.T, c hubtest.Cluster, ns string) {
	ws := hub.For[*unstructured.Unstructured](c.Hub(hub.WithNamespace(ns), hub.WithFieldOwner("conformance")), hub.OfKind(WidgetKind))
	if err := ws.Create(ctx, widget("watched", map[string]any{"size": "small"})); err != nil {
		t.Fatal(err)
	}
	before := mustGet(ctx, t, ws, "watched")
	watchCtx, stop := context.WithCancel(ctx)
	defer stop()
	events, err := ws.Watch(watchCtx)
	if err != nil {
		t.Fatal(err)
	}

	target := widget("watched", nil)
	target.SetNamespace(ns)
	for name, patch := range map[string]client.Patch{
		"MergePatch": client.RawPatch(types.MergePatchType, []byte(`{"spec":{"size":"huge"}}`)),
		"JSONPatch":  client.RawPatch(types.JSONPatchType, []byte(`[{"op":"replace","path":"/spec/size","value":"huge"}]`)),
	} {
		if err := c.Client().Patch(ctx, target.DeepCopy(), patch); !hub.IsInvalid(err) {
			t.Errorf("an invalid %s = %v, want Invalid", name, err)
		}
	}
	if err := ws.Apply(ctx, widget("watched", map[string]any{"size": "huge"}), hub.ForceOwnership()); !hub.IsInvalid(err) {
		t.Errorf("an invalid apply = %v, want Invalid", err)
	}
	if err := c.Client().Status().Patch(ctx, target.DeepCopy(), client.RawPatch(types.MergePatchType, []byte(`{"status":{"ready":"yes"}}`))); !hub.IsInvalid(err) {
		t.Errorf("an invalid status patch = %v, want Invalid", err)
	}
	if err := ws.Apply(ctx, widget("ghost", map[string]any{"size": "huge"})); !hub.IsInvalid(err) {
		t.Errorf("an invalid apply that would create = %v, want Invalid", err)
	}
	if got := mustGet(ctx, t, ws, "watched"); got.GetResourceVersion() != before.GetResourceVersion() {
		t.Errorf("the refused writes moved the resourceVersion from %s to %s: something was written", before.GetResourceVersion(), got.GetResourceVersion())
	}
	if _, err := ws.Get(ctx, "ghost"); !hub.IsNotFound(err) {
		t.Errorf("a refused apply left an object: %v", err)
	}

	// A valid write, conditional on the resourceVersion read before the
	// refused ones, ends the watch: every event before it must be of a
	// valid object.
	valid := fmt.Sprintf(`{"metadata":{"resourceVersion":%q,"labels":{"marker":"done"}}}`, before.GetResourceVersion())
	if err := c.Client().Patch(ctx, target.DeepCopy(), client.RawPatch(types.MergePatchType, []byte(valid))); err != nil {
		t.Fatalf("a valid patch on the resourceVersion the refused writes left alone: %v", err)
	}
	timeout := time.After(waitTimeout)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the watch ended before the valid write was seen")
			}
			if ev.Object == nil {
				continue
			}
			if size, _, _ := unstructured.NestedString(ev.Object.Object, "spec", "size"); size != "small" || ev.Object.GetName() != "watched" {
				t.Fatalf("a watcher saw %s %s with spec.size %q: a refused write was visible", ev.Type, ev.Object.GetName(), size)
			}
			if ready, found, _ := unstructured.NestedFieldNoCopy(ev.Object.Object, "status", "ready"); found {
				t.Fatalf("a watcher saw %s %s with status.ready %v: a refused status write was visible", ev.Type, ev.Object.GetName(), ready)
			}
			if ev.Object.GetLabels()["marker"] == "done" {
				return
			}
		case <-timeout:
			t.Fatal("the valid write never reached the watcher")
		}
	}
}
