package hub_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/hubkit-dev/hubkit/hub"
)

func configMap(namespace, name string, labels map[string]string, created time.Time) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
		Namespace: namespace, Name: name, Labels: labels, CreationTimestamp: metav1.NewTime(created),
	}}
}

func names[T client.Object](items []T) []string {
	out := make([]string, 0, len(items))
	for _, item := range items {
		if item.GetNamespace() == "" {
			out = append(out, item.GetName())
		} else {
			out = append(out, item.GetNamespace()+"/"+item.GetName())
		}
	}
	return out
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func listFixture() []client.Object {
	return []client.Object{
		configMap("team-a", "charlie", map[string]string{"app": "db", "tier": "backend"}, t0.Add(1*time.Hour)),
		configMap("team-a", "alpha", map[string]string{"app": "db"}, t0.Add(3*time.Hour)),
		configMap("team-a", "bravo", map[string]string{"team": "data"}, t0.Add(2*time.Hour)),
		configMap("team-b", "delta", map[string]string{"app": "db", "tier": "backend"}, t0),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-b"}},
	}
}

func TestResourceList(t *testing.T) {
	cases := map[string]struct {
		reason string
		opts   []hub.ListOption
		in     string
		want   []string
	}{
		"DefaultNamespaceByName": {
			reason: "Without options, the client's namespace is listed, sorted by name.",
			want:   []string{"team-a/alpha", "team-a/bravo", "team-a/charlie"},
		},
		"ByCreationTime": {
			reason: "SortByCreationTime puts the oldest first.",
			opts:   []hub.ListOption{hub.SortedBy(hub.SortByCreationTime)},
			want:   []string{"team-a/charlie", "team-a/bravo", "team-a/alpha"},
		},
		"OtherNamespace": {
			reason: "InNamespace overrides the client's namespace.",
			in:     "team-b",
			want:   []string{"team-b/delta"},
		},
		"AllNamespaces": {
			reason: "AllNamespaces lists every namespace, sorted by namespace then name.",
			opts:   []hub.ListOption{hub.AllNamespaces()},
			want:   []string{"team-a/alpha", "team-a/bravo", "team-a/charlie", "team-b/delta"},
		},
		"MatchingLabels": {
			reason: "MatchingLabels filters on the server side.",
			opts:   []hub.ListOption{hub.MatchingLabels(map[string]string{"app": "db"})},
			want:   []string{"team-a/alpha", "team-a/charlie"},
		},
		"MatchingSelector": {
			reason: "MatchingSelector takes any label selector.",
			opts:   []hub.ListOption{hub.MatchingSelector(hub.MustParseSelector("app=db,tier=backend").Terms()[0]), hub.AllNamespaces()},
			want:   []string{"team-a/charlie", "team-b/delta"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
			r := hub.For[*corev1.ConfigMap](fc.client)
			if tc.in != "" {
				r = r.InNamespace(tc.in)
			}
			page, err := r.List(context.Background(), tc.opts...)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if diff := cmp.Diff(tc.want, names(page.Items)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestResourceListClusterScoped(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
	namespaces := hub.For[*corev1.Namespace](fc.client)
	page, err := namespaces.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if diff := cmp.Diff([]string{"team-a", "team-b"}, names(page.Items)); diff != "" {
		t.Errorf("a cluster-scoped kind must ignore the client's namespace: -want, +got:\n%s", diff)
	}
	ns, err := namespaces.Get(context.Background(), "team-b")
	if err != nil || ns.Name != "team-b" {
		t.Errorf("Get of a cluster-scoped object = %v, %v", ns, err)
	}
}

func TestResourceListPagination(t *testing.T) {
	var got client.ListOptions
	fc := newFakeCluster(t, interceptor.Funcs{
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			got.ApplyOptions(opts)
			if err := c.List(ctx, list, opts...); err != nil {
				return err
			}
			// The fake does not paginate; answer as a server would that has more.
			list.SetContinue("next-page-token")
			return nil
		},
	}, listFixture()...)
	page, err := hub.For[*corev1.ConfigMap](fc.client).List(context.Background(), hub.Limit(2), hub.Continue("this-page-token"))
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	type request struct {
		Namespace, Continue string
		Limit               int64
	}
	if diff := cmp.Diff(request{"team-a", "this-page-token", 2}, request{got.Namespace, got.Continue, got.Limit}); diff != "" {
		t.Errorf("List did not send the pagination options: -want, +got:\n%s", diff)
	}
	if page.Continue != "next-page-token" {
		t.Errorf("Page.Continue = %q, want the server's token", page.Continue)
	}
}

func TestResourceListMatching(t *testing.T) {
	cases := map[string]struct {
		reason   string
		selector string
		opts     []hub.ListOption
		want     []string
		requests int
	}{
		"Union": {
			reason:   "Each term is one request; an object matching two terms appears once.",
			selector: "app=db|tier=backend|team=data",
			opts:     []hub.ListOption{hub.AllNamespaces()},
			want:     []string{"team-a/alpha", "team-a/bravo", "team-a/charlie", "team-b/delta"},
			requests: 3,
		},
		"AndWithinTerm": {
			reason:   "Commas inside a term narrow it.",
			selector: "app=db,tier=backend",
			want:     []string{"team-a/charlie"},
			requests: 1,
		},
		"Everything": {
			reason:   "An empty selector lists everything with one request.",
			selector: "",
			want:     []string{"team-a/alpha", "team-a/bravo", "team-a/charlie"},
			requests: 1,
		},
		"SortedByCreation": {
			reason:   "The union is sorted as asked, not in request order.",
			selector: "team=data|app=db",
			opts:     []hub.ListOption{hub.SortedBy(hub.SortByCreationTime)},
			want:     []string{"team-a/charlie", "team-a/bravo", "team-a/alpha"},
			requests: 2,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
			got, err := hub.For[*corev1.ConfigMap](fc.client).ListMatching(context.Background(), hub.MustParseSelector(tc.selector), tc.opts...)
			if err != nil {
				t.Fatalf("ListMatching: %v", err)
			}
			if diff := cmp.Diff(tc.want, names(got)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if n := fc.calls.get("list"); n != tc.requests {
				t.Errorf("\nReason: %s\nListMatching sent %d list requests, want %d", tc.reason, n, tc.requests)
			}
		})
	}
}

func TestResourceListMatchingRefusesPagination(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
	_, err := hub.For[*corev1.ConfigMap](fc.client).ListMatching(context.Background(), hub.MustParseSelector("a=b"), hub.Limit(1))
	if err == nil || !strings.Contains(err.Error(), "Limit") {
		t.Errorf("ListMatching with Limit = %v, want an error naming Limit", err)
	}
}

func TestResourceListRelevant(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
	c, err := hub.Wrap(fc.client.Kube(), hub.WithNamespace("team-a"),
		hub.WithSelector(schema.GroupKind{Kind: "ConfigMap"}, hub.MustParseSelector("team=data|tier=backend")))
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	got, err := hub.For[*corev1.ConfigMap](c).ListRelevant(context.Background())
	if err != nil {
		t.Fatalf("ListRelevant: %v", err)
	}
	if diff := cmp.Diff([]string{"team-a/bravo", "team-a/charlie"}, names(got)); diff != "" {
		t.Errorf("ListRelevant must use the kind's configured selector: -want, +got:\n%s", diff)
	}
	all, err := hub.For[*corev1.Namespace](c).ListRelevant(context.Background())
	if err != nil || len(all) != 2 {
		t.Errorf("a kind without a selector must list everything: got %v, %v", names(all), err)
	}
}

func TestResourceGetAndCreate(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
	cms := hub.For[*corev1.ConfigMap](fc.client)
	ctx := context.Background()

	created := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "echo"}, Data: map[string]string{"k": "v"}}
	if err := cms.Create(ctx, created); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.Namespace != "team-a" || created.ResourceVersion == "" {
		t.Errorf("Create must default the namespace and fill in the server's answer, got namespace %q resourceVersion %q", created.Namespace, created.ResourceVersion)
	}
	got, err := cms.Get(ctx, "echo")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff(map[string]string{"k": "v"}, got.Data); diff != "" {
		t.Errorf("Get returned other data: -want, +got:\n%s", diff)
	}
	if err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "echo"}}); !hub.IsAlreadyExists(err) || !strings.Contains(err.Error(), "team-a/echo") {
		t.Errorf("a second Create = %v, want AlreadyExists naming team-a/echo", err)
	}
	if _, err := cms.Get(ctx, "missing"); !hub.IsNotFound(err) || !strings.Contains(err.Error(), "ConfigMap team-a/missing") {
		t.Errorf("Get(missing) = %v, want NotFound naming the object", err)
	}
	if err := cms.Create(ctx, nil); err == nil {
		t.Errorf("Create(nil) succeeded, want an error")
	}
}

func TestResourceApply(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
	cms := hub.For[*corev1.ConfigMap](fc.client)
	ctx := context.Background()

	desired := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Labels: map[string]string{"app": "db"}}, Data: map[string]string{"mode": "fast"}}
	if err := cms.Apply(ctx, desired); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if desired.Namespace != "team-a" || desired.ResourceVersion == "" || desired.Data["mode"] != "fast" {
		t.Errorf("Apply must fill the object with the server's answer, got %+v", desired.ObjectMeta)
	}

	// Another manager takes the field over.
	other, err := hub.Wrap(fc.raw, hub.WithNamespace("team-a"), hub.WithFieldOwner("someone-else"))
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	theirs := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}, Data: map[string]string{"mode": "safe"}}
	err = hub.For[*corev1.ConfigMap](other).Apply(ctx, theirs)
	if !hub.IsConflict(err) {
		t.Fatalf("a second manager's conflicting apply without force = %v, want a Conflict", err)
	}
	if err := hub.For[*corev1.ConfigMap](other).Apply(ctx, theirs, hub.ForceOwnership()); err != nil {
		t.Fatalf("forced apply: %v", err)
	}
	got, err := cms.Get(ctx, "settings")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff(map[string]string{"mode": "safe"}, got.Data); diff != "" {
		t.Errorf("the forced apply did not take the field: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"app": "db"}, got.Labels); diff != "" {
		t.Errorf("the forced apply must leave the first manager's other fields: -want, +got:\n%s", diff)
	}
}

func TestApplyForm(t *testing.T) {
	scheme := testScheme(t)
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{
			Name: "x", Namespace: "ns", ResourceVersion: "7", UID: "u", Generation: 3,
			CreationTimestamp: metav1.NewTime(t0), ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "m"}},
		},
		Data: map[string]string{"a": "b"},
	}
	form, err := hub.ApplyForm(scheme, cm)
	if err != nil {
		t.Fatalf("ApplyForm: %v", err)
	}
	want := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "x", "namespace": "ns"},
		"data":     map[string]any{"a": "b"},
	}
	if diff := cmp.Diff(want, form.Object); diff != "" {
		t.Errorf("ApplyForm must keep only what the caller means to own: -want, +got:\n%s", diff)
	}
	if cm.ResourceVersion != "7" {
		t.Errorf("ApplyForm modified its argument")
	}

	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.dev/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w", "resourceVersion": "1"},
		"spec":     map[string]any{"sizes": []string{"s", "m"}, "count": 3, "gone": nil},
		"status":   map[string]any{"ready": true},
	}}
	uform, err := hub.ApplyForm(scheme, u)
	if err != nil {
		t.Fatalf("ApplyForm(unstructured): %v", err)
	}
	wantU := map[string]any{
		"apiVersion": "example.dev/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w"},
		"spec":     map[string]any{"sizes": []any{"s", "m"}, "count": int64(3)},
	}
	if diff := cmp.Diff(wantU, uform.Object); diff != "" {
		t.Errorf("ApplyForm of an unstructured object must normalise it to JSON types: -want, +got:\n%s", diff)
	}

	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}, Data: map[string][]byte{"a": []byte("1")}, StringData: map[string]string{"b": "2"}}
	sform, err := hub.ApplyForm(scheme, secret)
	if err != nil {
		t.Fatalf("ApplyForm(secret): %v", err)
	}
	wantS := map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "s"},
		"data":     map[string]any{"a": "MQ==", "b": "Mg=="},
	}
	if diff := cmp.Diff(wantS, sform.Object); diff != "" {
		t.Errorf("ApplyForm must fold a Secret's stringData into data, as the API server does: -want, +got:\n%s", diff)
	}

	type notInScheme struct{ corev1.ConfigMap }
	if _, err := hub.ApplyForm(scheme, &notInScheme{}); err == nil || !strings.Contains(err.Error(), "NewScheme") {
		t.Errorf("ApplyForm of an unknown type = %v, want an error saying how to register it", err)
	}
}

func addLabel(key, value string) hub.MutateFunc[*corev1.ConfigMap] {
	return func(cm *corev1.ConfigMap) error {
		if cm.Labels == nil {
			cm.Labels = map[string]string{}
		}
		cm.Labels[key] = value
		return nil
	}
}

// TestUpdateKeepsBothWritersChanges makes a second writer land its change
// between the first writer's read and write. The first writer's write is a
// Conflict; Update reads again and applies its change on top, so the
// result holds both.
func TestUpdateKeepsBothWritersChanges(t *testing.T) {
	ctx := context.Background()
	var (
		interleaved bool
		second      *hub.Client
	)
	fc := newFakeCluster(t, interceptor.Funcs{
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			if !interleaved {
				interleaved = true
				if _, err := hub.For[*corev1.ConfigMap](second).Update(ctx, "charlie", addLabel("writer-b", "yes")); err != nil {
					return fmt.Errorf("the second writer failed: %w", err)
				}
			}
			return c.Update(ctx, obj, opts...)
		},
	}, listFixture()...)
	second, _ = hub.Wrap(fc.raw, hub.WithNamespace("team-a"))

	mutations := 0
	got, err := hub.For[*corev1.ConfigMap](fc.client).Update(ctx, "charlie", func(cm *corev1.ConfigMap) error {
		mutations++
		return addLabel("writer-a", "yes")(cm)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	want := map[string]string{"app": "db", "tier": "backend", "writer-a": "yes", "writer-b": "yes"}
	if diff := cmp.Diff(want, got.Labels); diff != "" {
		t.Errorf("Update lost a writer's change: -want, +got:\n%s", diff)
	}
	stored, _ := hub.For[*corev1.ConfigMap](second).Get(ctx, "charlie")
	if diff := cmp.Diff(want, stored.Labels); diff != "" {
		t.Errorf("the stored object lost a writer's change: -want, +got:\n%s", diff)
	}
	if mutations != 2 {
		t.Errorf("mutate ran %d times, want 2: once on the stale copy, once on the fresh one", mutations)
	}
}

// TestUpdateConcurrentWriters runs many writers at once on one object; each
// adds its own key, and none may be lost.
func TestUpdateConcurrentWriters(t *testing.T) {
	const writers = 8
	fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
	cms := hub.For[*corev1.ConfigMap](fc.client)
	backoff := hub.RetryBackoff(wait.Backoff{Steps: 100, Duration: time.Millisecond, Factor: 1, Jitter: 1})
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			_, err := cms.Update(context.Background(), "alpha", func(cm *corev1.ConfigMap) error {
				if cm.Data == nil {
					cm.Data = map[string]string{}
				}
				cm.Data[fmt.Sprintf("writer-%d", i)] = "done"
				return nil
			}, backoff)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a writer failed: %v", err)
		}
	}
	got, err := cms.Get(context.Background(), "alpha")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if len(got.Data) != writers {
		t.Errorf("after %d writers the object holds %d keys: %v", writers, len(got.Data), got.Data)
	}
}

func TestUpdate(t *testing.T) {
	errBoom := errors.New("boom")
	cases := map[string]struct {
		reason  string
		name    string
		mutate  hub.MutateFunc[*corev1.ConfigMap]
		wantErr func(error) bool
		writes  int
	}{
		"NoChangeNoWrite": {
			reason: "A mutate function that changes nothing causes no write.",
			name:   "alpha",
			mutate: addLabel("app", "db"),
			writes: 0,
		},
		"Change": {
			reason: "A change is written once.",
			name:   "alpha",
			mutate: addLabel("app", "cache"),
			writes: 1,
		},
		"MutateError": {
			reason:  "The mutate function's error stops the update and is returned, wrapped.",
			name:    "alpha",
			mutate:  func(*corev1.ConfigMap) error { return errBoom },
			wantErr: func(err error) bool { return errors.Is(err, errBoom) },
		},
		"Rename": {
			reason:  "Renaming in mutate is refused.",
			name:    "alpha",
			mutate:  func(cm *corev1.ConfigMap) error { cm.Name = "zulu"; return nil },
			wantErr: func(err error) bool { return err != nil && strings.Contains(err.Error(), "name or namespace") },
		},
		"NotFound": {
			reason:  "Updating a missing object is NotFound.",
			name:    "missing",
			mutate:  addLabel("a", "b"),
			wantErr: hub.IsNotFound,
		},
		"NilMutate": {
			reason:  "A nil mutate function is an error, not a panic.",
			name:    "alpha",
			wantErr: func(err error) bool { return err != nil },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
			_, err := hub.For[*corev1.ConfigMap](fc.client).Update(context.Background(), tc.name, tc.mutate)
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Errorf("\nReason: %s\nUpdate error = %v", tc.reason, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("\nReason: %s\nUpdate: %v", tc.reason, err)
			}
			if got := fc.calls.get("update"); got != tc.writes {
				t.Errorf("\nReason: %s\nUpdate wrote %d times, want %d", tc.reason, got, tc.writes)
			}
		})
	}
}

func TestUpdateGivesUpAfterBackoff(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{
		Update: func(context.Context, client.WithWatch, client.Object, ...client.UpdateOption) error {
			return errConflict("alpha")
		},
	}, listFixture()...)
	_, err := hub.For[*corev1.ConfigMap](fc.client).Update(context.Background(), "alpha", addLabel("x", "y"),
		hub.RetryBackoff(wait.Backoff{Steps: 3, Duration: time.Microsecond}))
	if !hub.IsConflict(err) {
		t.Errorf("Update after endless conflicts = %v, want the Conflict", err)
	}
	if got := fc.calls.get("update"); got != 3 {
		t.Errorf("Update tried %d times, want the backoff's 3", got)
	}
}

func TestUpdateStatus(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{}, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}})
	got, err := hub.For[*corev1.Namespace](fc.client).UpdateStatus(context.Background(), "team-a", func(ns *corev1.Namespace) error {
		ns.Status.Phase = corev1.NamespaceTerminating
		ns.Labels = map[string]string{"ignored": "by the status subresource"}
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateStatus: %v", err)
	}
	if got.Status.Phase != corev1.NamespaceTerminating {
		t.Errorf("status phase = %q, want Terminating", got.Status.Phase)
	}
	stored, _ := hub.For[*corev1.Namespace](fc.client).Get(context.Background(), "team-a")
	if stored.Status.Phase != corev1.NamespaceTerminating || stored.Labels["ignored"] != "" {
		t.Errorf("UpdateStatus must write the status and only the status, stored %+v", stored)
	}
	if fc.calls.get("status-update") != 1 || fc.calls.get("update") != 0 {
		t.Errorf("UpdateStatus must use the status subresource: %v", fc.calls.counts)
	}
}

func TestResourceDelete(t *testing.T) {
	uid := types.UID("uid-1")
	foreground := metav1.DeletePropagationForeground
	cases := map[string]struct {
		reason   string
		opts     []hub.DeleteOption
		name     string
		wantSent client.DeleteOptions
		wantErr  func(error) bool
	}{
		"Plain": {
			reason: "A delete without options sends none.",
			name:   "alpha",
		},
		"Propagation": {
			reason:   "The propagation policy is sent.",
			name:     "alpha",
			opts:     []hub.DeleteOption{hub.Propagation(foreground)},
			wantSent: client.DeleteOptions{PropagationPolicy: &foreground},
		},
		"Preconditions": {
			reason:   "UID and resourceVersion preconditions are sent together.",
			name:     "alpha",
			opts:     []hub.DeleteOption{hub.IfUID(uid), hub.IfResourceVersion("1")},
			wantSent: client.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: new("1")}},
			wantErr:  hub.IsConflict,
		},
		"Missing": {
			reason:  "Deleting a missing object is NotFound.",
			name:    "missing",
			wantErr: hub.IsNotFound,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var sent client.DeleteOptions
			fc := newFakeCluster(t, interceptor.Funcs{
				Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
					sent.ApplyOptions(opts)
					// The fake checks resourceVersion preconditions but not UIDs;
					// what is sent is checked below.
					return c.Delete(ctx, obj, opts...)
				},
			}, listFixture()...)
			cms := hub.For[*corev1.ConfigMap](fc.client)
			err := cms.Delete(context.Background(), tc.name, tc.opts...)
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Errorf("\nReason: %s\nDelete error = %v", tc.reason, err)
				}
			} else if err != nil {
				t.Fatalf("\nReason: %s\nDelete: %v", tc.reason, err)
			} else if _, err := cms.Get(context.Background(), tc.name); !hub.IsNotFound(err) {
				t.Errorf("\nReason: %s\nthe object survived the delete: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.wantSent, sent); diff != "" {
				t.Errorf("\nReason: %s\nsent options: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestResourceWatch(t *testing.T) {
	var sent client.ListOptions
	fc := newFakeCluster(t, interceptor.Funcs{
		Watch: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) (watch.Interface, error) {
			sent.ApplyOptions(opts)
			return c.Watch(ctx, list, opts...)
		},
	}, listFixture()...)
	cms := hub.For[*corev1.ConfigMap](fc.client)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := cms.Watch(ctx, hub.MatchingLabels(map[string]string{"watched": "yes"}), hub.Limit(5))
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	// controller-runtime's fake ignores label selectors on watches (a real
	// API server applies them), so the filter is checked as sent, and the
	// events by namespace, which the fake does honour.
	type request struct{ Namespace, Selector string }
	if diff := cmp.Diff(request{"team-a", "watched=yes"}, request{sent.Namespace, sent.LabelSelector.String()}); diff != "" {
		t.Errorf("the watch request: -want, +got:\n%s", diff)
	}
	if sent.Limit != 0 {
		t.Errorf("a watch must not send Limit, sent %d", sent.Limit)
	}
	if err := cms.InNamespace("team-b").Create(ctx, configMap("", "elsewhere", nil, t0)); err != nil {
		t.Fatal(err)
	}
	if err := cms.Create(ctx, configMap("", "seen", map[string]string{"watched": "yes"}, t0)); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(ctx, "seen"); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		Type watch.EventType
		Name string
	}
	var got []seen
	for ev := range events {
		if ev.Err != nil {
			t.Fatalf("watch error: %v", ev.Err)
		}
		got = append(got, seen{ev.Type, ev.Object.Name})
		if len(got) == 2 {
			cancel()
		}
	}
	if diff := cmp.Diff([]seen{{watch.Added, "seen"}, {watch.Deleted, "seen"}}, got); diff != "" {
		t.Errorf("events: -want, +got:\n%s", diff)
	}
}

func TestResourceWatchReportsServerErrors(t *testing.T) {
	upstream := watch.NewFake()
	fc := newFakeCluster(t, interceptor.Funcs{
		Watch: func(context.Context, client.WithWatch, client.ObjectList, ...client.ListOption) (watch.Interface, error) {
			return upstream, nil
		},
	})
	events, err := hub.For[*corev1.ConfigMap](fc.client).Watch(context.Background())
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	go func() {
		upstream.Error(&metav1.Status{Status: metav1.StatusFailure, Code: 410, Reason: metav1.StatusReasonExpired, Message: "too old resource version"})
		upstream.Add(&corev1.Secret{})
		upstream.Stop()
	}()
	var got []string
	for ev := range events {
		got = append(got, fmt.Sprintf("%s: %v", ev.Type, ev.Err))
	}
	want := []string{
		"ERROR: watching ConfigMap: too old resource version",
		"ERROR: watching ConfigMap: got a *v1.Secret",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error events: -want, +got:\n%s", diff)
	}
}

func TestResourceWatchNeedsAWatchingClient(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
	noWatch, _ := hub.Wrap(struct{ client.Client }{fc.raw})
	if _, err := hub.For[*corev1.ConfigMap](noWatch).Watch(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot watch") {
		t.Errorf("Watch on a client without watch = %v, want a clear error", err)
	}
}

func TestResourceUnstructured(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{}, listFixture()...)
	gvk := schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	cms := hub.For[*unstructured.Unstructured](fc.client, hub.OfKind(gvk), hub.InNamespace("team-b"))
	page, err := cms.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if diff := cmp.Diff([]string{"team-b/delta"}, names(page.Items)); diff != "" {
		t.Errorf("unstructured list: -want, +got:\n%s", diff)
	}
	obj, err := cms.Get(context.Background(), "delta")
	if err != nil || obj.GetLabels()["tier"] != "backend" {
		t.Errorf("unstructured Get = %v, %v", obj, err)
	}
	if got := cms.GroupVersionKind(); got != gvk {
		t.Errorf("GroupVersionKind() = %v, want %v", got, gvk)
	}
}

func TestForRefusesWhatItCannotServe(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{})
	type unknownKind struct{ corev1.ConfigMap }
	cases := map[string]struct {
		reason string
		call   func() error
		want   string
	}{
		"UnstructuredWithoutKind": {
			reason: "An unstructured resource cannot guess its kind.",
			call: func() error {
				_, err := hub.For[*unstructured.Unstructured](fc.client).Get(context.Background(), "x")
				return err
			},
			want: "OfKind",
		},
		"UnknownType": {
			reason: "A type outside the scheme is refused on every call with the fix.",
			call: func() error {
				_, err := hub.For[*unknownKind](fc.client).List(context.Background())
				return err
			},
			want: "NewScheme",
		},
		"UnknownTypeWatch": {
			reason: "Watch reports the same reason.",
			call: func() error {
				_, err := hub.For[*unknownKind](fc.client).Watch(context.Background())
				return err
			},
			want: "NewScheme",
		},
		"UnknownTypeMatching": {
			reason: "ListMatching reports the same reason.",
			call: func() error {
				_, err := hub.For[*unknownKind](fc.client).ListMatching(context.Background(), hub.Selector{})
				return err
			},
			want: "NewScheme",
		},
		"UnknownTypeDelete": {
			reason: "Delete reports the same reason.",
			call:   func() error { return hub.For[*unknownKind](fc.client).Delete(context.Background(), "x") },
			want:   "NewScheme",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := tc.call(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("\nReason: %s\nerror %v does not mention %s", tc.reason, err, tc.want)
			}
		})
	}
}

func TestClientWithoutMapperExplainsItself(t *testing.T) {
	fc := newFakeCluster(t, interceptor.Funcs{})
	c, _ := hub.Wrap(fc.raw, hub.WithRESTMapper(emptyMapper()))
	_, err := hub.For[*corev1.ConfigMap](c).Get(context.Background(), "x")
	if err == nil || !strings.Contains(err.Error(), "namespaced") {
		t.Errorf("Get without a REST mapping = %v, want an error saying the scope is unknown", err)
	}
}

func TestResourceCreateBuilt(t *testing.T) {
	kind := schema.GroupKind{Kind: "ConfigMap"}
	build := func(ns string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "settings"}}
	}
	bad := field.ErrorList{field.Required(field.NewPath("data", "mode"), "")}
	cases := map[string]struct {
		reason     string
		errs       field.ErrorList
		check      func(context.Context, *corev1.ConfigMap) (field.ErrorList, error)
		wantCheck  bool
		wantErr    func(error) bool
		wantStored bool
	}{
		"Created": {
			reason: "No builder error, the check passes: created in the client's namespace.", wantCheck: true,
			check:   func(context.Context, *corev1.ConfigMap) (field.ErrorList, error) { return nil, nil },
			wantErr: func(err error) bool { return err == nil }, wantStored: true,
		},
		"NoCheck": {
			reason: "A nil check is no check.", wantErr: func(err error) bool { return err == nil }, wantStored: true,
		},
		"BuilderErrors": {
			reason: "The builder's errors are a ValidationError; the check is not asked, nothing is sent.", errs: bad,
			check:   func(context.Context, *corev1.ConfigMap) (field.ErrorList, error) { return nil, nil },
			wantErr: hub.IsInvalid,
		},
		"CheckErrors": {
			reason: "What the check finds is a ValidationError too; nothing is sent.", wantCheck: true,
			check:   func(context.Context, *corev1.ConfigMap) (field.ErrorList, error) { return bad, nil },
			wantErr: hub.IsInvalid,
		},
		"CheckFails": {
			reason: "A check that cannot run returns its error as it is.", wantCheck: true,
			check:   func(context.Context, *corev1.ConfigMap) (field.ErrorList, error) { return nil, errors.New("offline") },
			wantErr: func(err error) bool { return err != nil && err.Error() == "offline" },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fc := newFakeCluster(t, interceptor.Funcs{})
			r := hub.For[*corev1.ConfigMap](fc.client)
			checked := false
			var check func(context.Context, *corev1.ConfigMap) (field.ErrorList, error)
			if tc.check != nil {
				check = func(ctx context.Context, cm *corev1.ConfigMap) (field.ErrorList, error) {
					checked = cm.Namespace == "team-a"
					return tc.check(ctx, cm)
				}
			}
			_, err := r.CreateBuilt(t.Context(), kind, "settings", tc.errs, build, check)
			if !tc.wantErr(err) {
				t.Errorf("\nReason: %s\nerror %v", tc.reason, err)
			}
			_, getErr := r.Get(t.Context(), "settings")
			if diff := cmp.Diff([]bool{tc.wantCheck, tc.wantStored}, []bool{checked, getErr == nil}); diff != "" {
				t.Errorf("\nReason: %s\nchecked in the namespace, stored: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
