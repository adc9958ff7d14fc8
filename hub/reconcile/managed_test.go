package reconcile_test

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/event"
	logzap "sigs.k8s.io/controller-runtime/pkg/log/zap"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/yaml"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// Shelf is a made-up custom resource for the managed reconciler's tests and
// example: a shelf of some size in an in-memory warehouse, which the
// warehouse keeps when the object is deleted if Keep is set. Its CRD is
// testdata/shelf-crd.yaml; its deep copies are written by hand.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
type Shelf struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ShelfSpec   `json:"spec,omitempty"`
	Status ShelfStatus `json:"status,omitempty"`
}

// ShelfSpec is what a Shelf asks for.
type ShelfSpec struct {
	Size int  `json:"size"`
	Keep bool `json:"keep,omitempty"`
}

// ShelfStatus is what the reconciler reports, in the form of the made-up
// upstream operator: a state, a message and conditions.
type ShelfStatus struct {
	State      string             `json:"state,omitempty"`
	Message    string             `json:"message,omitempty"`
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// GetConditions makes Shelf a reconcile.Conditioned.
func (s *Shelf) GetConditions() []metav1.Condition { return s.Status.Conditions }

// SetConditions makes Shelf a reconcile.Conditioned.
func (s *Shelf) SetConditions(conditions []metav1.Condition) { s.Status.Conditions = conditions }

// DeepCopyInto copies s into out; metav1.Condition holds no pointers, so
// cloning the slice copies the conditions.
func (s *Shelf) DeepCopyInto(out *Shelf) {
	*out = *s
	s.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Status.Conditions = slices.Clone(s.Status.Conditions)
}

// DeepCopy copies s.
func (s *Shelf) DeepCopy() *Shelf {
	if s == nil {
		return nil
	}
	out := new(Shelf)
	s.DeepCopyInto(out)
	return out
}

// DeepCopyObject implements runtime.Object.
func (s *Shelf) DeepCopyObject() runtime.Object {
	if c := s.DeepCopy(); c != nil {
		return c
	}
	return nil
}

// ShelfList is a list of Shelves.
//
// +kubebuilder:object:root=true
type ShelfList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Shelf `json:"items"`
}

// DeepCopyInto copies l into out.
func (l *ShelfList) DeepCopyInto(out *ShelfList) {
	*out = *l
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	if l.Items != nil {
		out.Items = make([]Shelf, len(l.Items))
		for i := range l.Items {
			l.Items[i].DeepCopyInto(&out.Items[i])
		}
	}
}

// DeepCopyObject implements runtime.Object.
func (l *ShelfList) DeepCopyObject() runtime.Object {
	if l == nil {
		return nil
	}
	out := new(ShelfList)
	l.DeepCopyInto(out)
	return out
}

var shelfGroupVersion = schema.GroupVersion{Group: "example.hubkit.dev", Version: "v1"}

// addShelves is the AddToScheme function of the Shelf API.
func addShelves(s *runtime.Scheme) error {
	s.AddKnownTypes(shelfGroupVersion, &Shelf{}, &ShelfList{})
	metav1.AddToGroupVersion(s, shelfGroupVersion)
	return nil
}

//go:embed testdata/shelf-crd.yaml
var shelfCRDYAML []byte

func shelfCRD() (*apiextensionsv1.CustomResourceDefinition, error) {
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(shelfCRDYAML, crd); err != nil {
		return nil, fmt.Errorf("reading the Shelf CRD: %w", err)
	}
	return crd, nil
}

const (
	shelfFinalizer = "example.hubkit.dev/shelf"
	pollInterval   = time.Minute
	waitInterval   = 10 * time.Second
	jitter         = 0.5
)

var errDown = errors.New("the warehouse is down")

// newShelfFake returns a fake cluster that knows Shelves and has the
// namespace team-a.
func newShelfFake(tb testing.TB, opts ...hubtest.FakeOption) *hubtest.Fake {
	tb.Helper()
	scheme, err := hub.NewScheme(addShelves)
	if err != nil {
		tb.Fatal(err)
	}
	crd, err := shelfCRD()
	if err != nil {
		tb.Fatal(err)
	}
	return hubtest.NewFake(tb, slices.Concat([]hubtest.FakeOption{
		hubtest.WithScheme(scheme), hubtest.WithCRDs(crd),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}),
	}, opts)...)
}

// books returns the Shelf team-a/books of size 3, changed by mutate.
func books(mutate ...func(*Shelf)) *Shelf {
	s := &Shelf{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "books"}, Spec: ShelfSpec{Size: 3}}
	for _, m := range mutate {
		m(s)
	}
	return s
}

func shelfKey(name string) types.NamespacedName {
	return types.NamespacedName{Namespace: "team-a", Name: name}
}

// warehouse is an in-memory external system of shelves: the External and
// the Connector of the Shelf kind. It counts its calls, and fails the ones
// fail names.
type warehouse struct {
	mu       sync.Mutex
	shelves  map[types.NamespacedName]int
	calls    warehouseCalls
	failures warehouseFailures
}

// warehouseCalls counts the calls of each method.
type warehouseCalls struct{ Connect, Observe, Apply, Delete int }

// warehouseFailures are the errors the methods return, when not nil.
type warehouseFailures struct{ Connect, Observe, Apply, Delete error }

var (
	_ reconcile.Connector[*Shelf] = (*warehouse)(nil)
	_ reconcile.External[*Shelf]  = (*warehouse)(nil)
)

func newWarehouse() *warehouse {
	return &warehouse{shelves: map[types.NamespacedName]int{}}
}

func location(key types.NamespacedName) string { return "aisle-7/" + key.Name }

func (w *warehouse) Connect(_ context.Context, _ *Shelf) (reconcile.External[*Shelf], error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls.Connect++
	if w.failures.Connect != nil {
		return nil, w.failures.Connect
	}
	return w, nil
}

func (w *warehouse) Observe(_ context.Context, s *Shelf) (reconcile.Observation, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls.Observe++
	if w.failures.Observe != nil {
		return reconcile.Observation{}, w.failures.Observe
	}
	key := client.ObjectKeyFromObject(s)
	size, ok := w.shelves[key]
	if !ok {
		return reconcile.Observation{}, nil
	}
	return reconcile.Observation{
		Exists: true, UpToDate: size == s.Spec.Size,
		Details: reconcile.Details{}.With("location", location(key)),
	}, nil
}

func (w *warehouse) Apply(_ context.Context, s *Shelf, _ reconcile.Observation) (reconcile.Details, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls.Apply++
	if w.failures.Apply != nil {
		return nil, w.failures.Apply
	}
	key := client.ObjectKeyFromObject(s)
	w.shelves[key] = s.Spec.Size
	return reconcile.Details{}.With("location", location(key)), nil
}

func (w *warehouse) Delete(_ context.Context, s *Shelf) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls.Delete++
	if w.failures.Delete != nil {
		return w.failures.Delete
	}
	if !s.Spec.Keep {
		delete(w.shelves, client.ObjectKeyFromObject(s))
	}
	return nil
}

// fail makes the methods fail with f's errors from now on.
func (w *warehouse) fail(f warehouseFailures) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failures = f
}

// set puts a shelf of size into the warehouse, or removes it when size is 0,
// as somebody working outside the cluster would.
func (w *warehouse) set(key types.NamespacedName, size int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if size == 0 {
		delete(w.shelves, key)
		return
	}
	w.shelves[key] = size
}

// size returns the size of a shelf in the warehouse, 0 when there is none.
func (w *warehouse) size(key types.NamespacedName) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.shelves[key]
}

// takeCalls returns the calls counted since the last take.
func (w *warehouse) takeCalls() warehouseCalls {
	w.mu.Lock()
	defer w.mu.Unlock()
	calls := w.calls
	w.calls = warehouseCalls{}
	return calls
}

// shelfChildren renders the ConfigMap that tells where a shelf is.
func shelfChildren(s *Shelf, d reconcile.Details) ([]client.Object, error) {
	return []client.Object{&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: s.Name + "-location"},
		Data:       map[string]string{"location": d.Get("location"), "size": strconv.Itoa(s.Spec.Size)},
	}}, nil
}

// shelfStatus writes an outcome in the made-up operator's form.
func shelfStatus(s *Shelf, o reconcile.Outcome) {
	switch {
	case o.Err != nil:
		s.Status.State = "Failed"
	case o.Waiting != "":
		s.Status.State = "Waiting"
	case o.Ready:
		s.Status.State = "Ready"
	}
	s.Status.Message = o.Message()
}

func shelfKind(w *warehouse) reconcile.ManagedKind[*Shelf] {
	return reconcile.ManagedKind[*Shelf]{
		Connector: w,
		Children:  shelfChildren,
		Owns:      []client.Object{&corev1.ConfigMap{}},
		Status:    shelfStatus,
	}
}

// recordedEvent is what the tests check of an event.
type recordedEvent struct{ Type, Reason string }

// eventLog is an events.EventRecorder that keeps the type and reason of
// every event.
type eventLog struct {
	mu     sync.Mutex
	events []recordedEvent
}

func (l *eventLog) Eventf(_, _ runtime.Object, eventtype, reason, _, _ string, _ ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, recordedEvent{Type: eventtype, Reason: reason})
}

// take returns the events recorded since the last take.
func (l *eventLog) take() []recordedEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	events := l.events
	l.events = nil
	return events
}

// writeLog lists the writes a client made, as "verb Kind" or
// "verb Kind/subresource".
type writeLog struct {
	mu     sync.Mutex
	writes []string
}

func (l *writeLog) add(verb string, c client.Client, obj runtime.Object, sub string) {
	kind := "?"
	if gvk, err := apiutil.GVKForObject(obj, c.Scheme()); err == nil {
		kind = gvk.Kind
	}
	if sub != "" {
		kind += "/" + sub
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, verb+" "+kind)
}

// take returns the writes made since the last take.
func (l *writeLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	writes := l.writes
	l.writes = nil
	return writes
}

// countingHub returns a hub.Client over f that logs every write it makes.
func countingHub(tb testing.TB, f *hubtest.Fake) (*hub.Client, *writeLog) {
	tb.Helper()
	log := &writeLog{}
	counting := interceptor.NewClient(f.Client(), interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			log.add("create", c, obj, "")
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			log.add("update", c, obj, "")
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			log.add("patch", c, obj, "")
			return c.Patch(ctx, obj, patch, opts...)
		},
		Apply: func(ctx context.Context, c client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
			var meta metav1.TypeMeta
			data, err := json.Marshal(obj)
			if err == nil {
				err = json.Unmarshal(data, &meta)
			}
			if err != nil {
				return fmt.Errorf("reading the kind of an apply configuration: %w", err)
			}
			log.mu.Lock()
			log.writes = append(log.writes, "apply "+meta.Kind)
			log.mu.Unlock()
			return c.Apply(ctx, obj, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			log.add("delete", c, obj, "")
			return c.Delete(ctx, obj, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			log.add("update", c, obj, sub)
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			log.add("patch", c, obj, sub)
			return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
		},
	})
	c, err := hub.Wrap(counting, hub.WithNamespace("team-a"), hub.WithFieldOwner("shelf-controller"))
	if err != nil {
		tb.Fatal(err)
	}
	return c, log
}

// harness runs a managed Shelf reconciler on a fake cluster, recording its
// writes, its events and its calls of the warehouse.
type harness struct {
	f         *hubtest.Fake
	hub       *hub.Client // the reconciler's, which logs its writes
	warehouse *warehouse
	events    *eventLog
	writes    *writeLog
	managed   *reconcile.Managed[*Shelf]
}

func newHarness(t *testing.T, opts []reconcile.ManagedOption, objs ...client.Object) *harness {
	t.Helper()
	h := &harness{f: newShelfFake(t, hubtest.WithObjects(objs...)), warehouse: newWarehouse(), events: &eventLog{}}
	h.hub, h.writes = countingHub(t, h.f)
	all := append([]reconcile.ManagedOption{
		reconcile.WithFinalizer(shelfFinalizer),
		reconcile.WithPollInterval(pollInterval),
		reconcile.WithWaitInterval(waitInterval),
		reconcile.WithJitter(jitter),
		reconcile.WithEventRecorder(h.events),
	}, opts...)
	m, err := reconcile.NewManaged(h.hub, shelfKind(h.warehouse), all...)
	if err != nil {
		t.Fatalf("NewManaged: %v", err)
	}
	h.managed = m
	return h
}

func (h *harness) reconcile(t *testing.T, name string) (ctrl.Result, error) {
	t.Helper()
	return h.managed.Reconcile(t.Context(), ctrl.Request{NamespacedName: shelfKey(name)})
}

// converge reconciles books once, expecting success, and forgets what that
// reconcile did.
func (h *harness) converge(t *testing.T) {
	t.Helper()
	if _, err := h.reconcile(t, "books"); err != nil {
		t.Fatalf("the first reconcile: %v", err)
	}
	h.writes.take()
	h.events.take()
	h.warehouse.takeCalls()
}

func (h *harness) shelves() *hub.Resource[*Shelf] {
	return hub.For[*Shelf](h.f.Hub(hub.WithNamespace("team-a")))
}

// books reads the Shelf books.
func (h *harness) books(t *testing.T) *Shelf {
	t.Helper()
	s, err := h.shelves().Get(t.Context(), "books")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// update changes the Shelf books as a user would.
func (h *harness) update(t *testing.T, mutate func(*Shelf)) {
	t.Helper()
	if _, err := h.shelves().Update(t.Context(), "books", func(s *Shelf) error { mutate(s); return nil }); err != nil {
		t.Fatal(err)
	}
}

// child reads the ConfigMap books-location, books' child.
func (h *harness) child(t *testing.T) (*corev1.ConfigMap, error) {
	t.Helper()
	return hub.For[*corev1.ConfigMap](h.f.Hub(hub.WithNamespace("team-a"))).Get(t.Context(), "books-location")
}

// requeuesAfter tells whether got is base plus a jitter of at most
// jitter*base.
func requeuesAfter(got ctrl.Result, base time.Duration) bool {
	return got.RequeueAfter >= base && got.RequeueAfter <= base+time.Duration(jitter*float64(base))
}

var ignoreTransitionTime = cmpopts.IgnoreFields(metav1.Condition{}, "LastTransitionTime")

func readyCondition(status metav1.ConditionStatus, reason, message string, generation int64) []metav1.Condition {
	return []metav1.Condition{{
		Type: reconcile.ReadyCondition, Status: status, Reason: reason, Message: message, ObservedGeneration: generation,
	}}
}

func TestManagedFirstReconcile(t *testing.T) {
	h := newHarness(t, nil, books())
	res, err := h.reconcile(t, "books")
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if !requeuesAfter(res, pollInterval) {
		t.Errorf("RequeueAfter = %v, want the poll interval %v plus at most %v%% jitter", res.RequeueAfter, pollInterval, jitter*100)
	}
	if diff := cmp.Diff(warehouseCalls{Connect: 1, Observe: 1, Apply: 1}, h.warehouse.takeCalls()); diff != "" {
		t.Errorf("warehouse calls: the missing shelf is created once; -want, +got:\n%s", diff)
	}
	if got := h.warehouse.size(shelfKey("books")); got != 3 {
		t.Errorf("the warehouse's shelf has size %d, want 3", got)
	}
	wantWrites := []string{"patch Shelf", "apply ConfigMap", "patch Shelf/status"}
	if diff := cmp.Diff(wantWrites, h.writes.take()); diff != "" {
		t.Errorf("writes: the finalizer, the child and the status, once each; -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonCreated}}, h.events.take()); diff != "" {
		t.Errorf("events: -want, +got:\n%s", diff)
	}

	got := h.books(t)
	if diff := cmp.Diff([]string{shelfFinalizer}, got.Finalizers); diff != "" {
		t.Errorf("finalizers: -want, +got:\n%s", diff)
	}
	wantStatus := ShelfStatus{State: "Ready", Conditions: readyCondition(metav1.ConditionTrue, reconcile.ReasonAvailable, "", 1)}
	if diff := cmp.Diff(wantStatus, got.Status, ignoreTransitionTime); diff != "" {
		t.Errorf("status: -want, +got:\n%s", diff)
	}

	cm, err := h.child(t)
	if err != nil {
		t.Fatalf("the child ConfigMap: %v", err)
	}
	if diff := cmp.Diff(map[string]string{"location": "aisle-7/books", "size": "3"}, cm.Data); diff != "" {
		t.Errorf("the child's data, from the spec and the details Apply gave: -want, +got:\n%s", diff)
	}
	owner := metav1.GetControllerOf(cm)
	wantOwner := &metav1.OwnerReference{
		APIVersion: "example.hubkit.dev/v1", Kind: "Shelf", Name: "books", UID: got.UID,
		Controller: new(true), BlockOwnerDeletion: new(true),
	}
	if diff := cmp.Diff(wantOwner, owner); diff != "" {
		t.Errorf("the child's controller: -want, +got:\n%s", diff)
	}
}

func TestManagedActsOnlyOnDifferences(t *testing.T) {
	cases := map[string]struct {
		reason     string
		change     func(t *testing.T, h *harness)
		wantCalls  warehouseCalls
		wantWrites []string
		wantEvents []recordedEvent
		wantSize   int
		wantData   map[string]string
	}{
		"Converged": {
			reason:    "A reconcile over a converged object asks the warehouse and writes nothing to the cluster.",
			change:    func(*testing.T, *harness) {},
			wantCalls: warehouseCalls{Connect: 1, Observe: 1},
			wantSize:  3, wantData: map[string]string{"location": "aisle-7/books", "size": "3"},
		},
		"SpecChanged": {
			reason: "A new spec is applied outside, to the child, and to the condition's observedGeneration.",
			change: func(t *testing.T, h *harness) {
				t.Helper()
				h.update(t, func(s *Shelf) { s.Spec.Size = 5 })
			},
			wantCalls:  warehouseCalls{Connect: 1, Observe: 1, Apply: 1},
			wantWrites: []string{"apply ConfigMap", "patch Shelf/status"},
			wantEvents: []recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonUpdated}},
			wantSize:   5, wantData: map[string]string{"location": "aisle-7/books", "size": "5"},
		},
		"DriftOutside": {
			reason: "A shelf resized outside the cluster is put back, without a write to the cluster.",
			change: func(_ *testing.T, h *harness) {
				h.warehouse.set(shelfKey("books"), 9)
			},
			wantCalls:  warehouseCalls{Connect: 1, Observe: 1, Apply: 1},
			wantEvents: []recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonUpdated}},
			wantSize:   3, wantData: map[string]string{"location": "aisle-7/books", "size": "3"},
		},
		"GoneOutside": {
			reason: "A shelf removed outside the cluster is created again.",
			change: func(_ *testing.T, h *harness) {
				h.warehouse.set(shelfKey("books"), 0)
			},
			wantCalls:  warehouseCalls{Connect: 1, Observe: 1, Apply: 1},
			wantEvents: []recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonCreated}},
			wantSize:   3, wantData: map[string]string{"location": "aisle-7/books", "size": "3"},
		},
		"ChildEdited": {
			reason: "A child edited by hand is applied again, and only the child is written.",
			change: func(t *testing.T, h *harness) {
				t.Helper()
				cm, err := h.child(t)
				if err != nil {
					t.Fatal(err)
				}
				cm.Data["size"] = "100"
				if err := h.f.Client().Update(t.Context(), cm); err != nil {
					t.Fatal(err)
				}
			},
			wantCalls:  warehouseCalls{Connect: 1, Observe: 1},
			wantWrites: []string{"apply ConfigMap"},
			wantSize:   3, wantData: map[string]string{"location": "aisle-7/books", "size": "3"},
		},
		"ChildDeleted": {
			reason: "A child deleted by hand is created again.",
			change: func(t *testing.T, h *harness) {
				t.Helper()
				cm, err := h.child(t)
				if err != nil {
					t.Fatal(err)
				}
				if err := h.f.Client().Delete(t.Context(), cm); err != nil {
					t.Fatal(err)
				}
			},
			wantCalls:  warehouseCalls{Connect: 1, Observe: 1},
			wantWrites: []string{"apply ConfigMap"},
			wantSize:   3, wantData: map[string]string{"location": "aisle-7/books", "size": "3"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil, books())
			h.converge(t)
			tc.change(t, h)
			before := h.books(t)
			childBefore, _ := h.child(t)

			res, err := h.reconcile(t, "books")
			if err != nil {
				t.Fatalf("\nReason: %s\nReconcile: %v", tc.reason, err)
			}
			if !requeuesAfter(res, pollInterval) {
				t.Errorf("\nReason: %s\nRequeueAfter = %v, want the poll interval %v plus jitter", tc.reason, res.RequeueAfter, pollInterval)
			}
			if diff := cmp.Diff(tc.wantCalls, h.warehouse.takeCalls()); diff != "" {
				t.Errorf("\nReason: %s\nwarehouse calls: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantWrites, h.writes.take()); diff != "" {
				t.Errorf("\nReason: %s\nwrites: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantEvents, h.events.take()); diff != "" {
				t.Errorf("\nReason: %s\nevents: -want, +got:\n%s", tc.reason, diff)
			}
			if got := h.warehouse.size(shelfKey("books")); got != tc.wantSize {
				t.Errorf("\nReason: %s\nthe warehouse's shelf has size %d, want %d", tc.reason, got, tc.wantSize)
			}
			after := h.books(t)
			if tc.wantWrites == nil && after.ResourceVersion != before.ResourceVersion {
				t.Errorf("\nReason: %s\nthe Shelf's resourceVersion moved from %s to %s", tc.reason, before.ResourceVersion, after.ResourceVersion)
			}
			wantStatus := ShelfStatus{State: "Ready", Conditions: readyCondition(metav1.ConditionTrue, reconcile.ReasonAvailable, "", after.Generation)}
			if diff := cmp.Diff(wantStatus, after.Status, ignoreTransitionTime); diff != "" {
				t.Errorf("\nReason: %s\nstatus: -want, +got:\n%s", tc.reason, diff)
			}
			cm, err := h.child(t)
			if err != nil {
				t.Fatalf("\nReason: %s\nthe child: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.wantData, cm.Data); diff != "" {
				t.Errorf("\nReason: %s\nthe child's data: -want, +got:\n%s", tc.reason, diff)
			}
			if tc.wantWrites == nil && cm.ResourceVersion != childBefore.ResourceVersion {
				t.Errorf("\nReason: %s\nthe child's resourceVersion moved from %s to %s", tc.reason, childBefore.ResourceVersion, cm.ResourceVersion)
			}
		})
	}
}

func TestManagedRequeue(t *testing.T) {
	cases := map[string]struct {
		reason   string
		opts     []reconcile.ManagedOption
		defaults bool
		min, max time.Duration
		// spread asks that converged reconciles do not all requeue after
		// the same delay.
		spread bool
	}{
		"Defaults": {
			reason:   "By default a ready object is looked at again after 5 minutes and up to 20% more.",
			defaults: true, min: 5 * time.Minute, max: 6 * time.Minute,
		},
		"PollWithJitter": {
			reason: "WithPollInterval and WithJitter set the delay and its spread.",
			min:    pollInterval, max: pollInterval + time.Duration(jitter*float64(pollInterval)), spread: true,
		},
		"NoJitter": {
			reason: "Without jitter the delay is the poll interval.",
			opts:   []reconcile.ManagedOption{reconcile.WithJitter(0)}, min: pollInterval, max: pollInterval,
		},
		"PollOff": {
			reason: "A poll interval of 0 turns polling off.",
			opts:   []reconcile.ManagedOption{reconcile.WithPollInterval(0)}, min: 0, max: 0,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, tc.opts, books())
			if tc.defaults {
				m, err := reconcile.NewManaged(h.hub, shelfKind(h.warehouse))
				if err != nil {
					t.Fatal(err)
				}
				h.managed = m
			}
			res, err := h.reconcile(t, "books")
			if err != nil {
				t.Fatalf("\nReason: %s\nReconcile: %v", tc.reason, err)
			}
			if res.RequeueAfter < tc.min || res.RequeueAfter > tc.max {
				t.Errorf("\nReason: %s\nRequeueAfter = %v, want within [%v, %v]", tc.reason, res.RequeueAfter, tc.min, tc.max)
			}
			if !tc.spread {
				return
			}
			seen := map[time.Duration]bool{res.RequeueAfter: true}
			for range 20 {
				res, err := h.reconcile(t, "books")
				if err != nil || res.RequeueAfter < tc.min || res.RequeueAfter > tc.max {
					t.Fatalf("\nReason: %s\nReconcile = %+v, %v; want a requeue within [%v, %v]", tc.reason, res, err, tc.min, tc.max)
				}
				seen[res.RequeueAfter] = true
			}
			if len(seen) < 2 {
				t.Errorf("\nReason: %s\n21 reconciles all requeued after %v: no jitter", tc.reason, res.RequeueAfter)
			}
		})
	}
}

func TestManagedWritesConnectorMetadataWithTheFinalizer(t *testing.T) {
	const label = "example.hubkit.dev/warehouse"
	h := newHarness(t, nil, books())
	kind := shelfKind(h.warehouse)
	kind.Connector = reconcile.ConnectorFunc[*Shelf](func(ctx context.Context, s *Shelf) (reconcile.External[*Shelf], error) {
		metav1.SetMetaDataLabel(&s.ObjectMeta, label, "main")
		return h.warehouse.Connect(ctx, s)
	})
	m, err := reconcile.NewManaged(h.hub, kind, reconcile.WithFinalizer(shelfFinalizer))
	if err != nil {
		t.Fatal(err)
	}
	h.managed = m

	if _, err := h.reconcile(t, "books"); err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if diff := cmp.Diff([]string{"patch Shelf", "apply ConfigMap", "patch Shelf/status"}, h.writes.take()); diff != "" {
		t.Errorf("writes: the label and the finalizer go in one patch; -want, +got:\n%s", diff)
	}
	got := h.books(t)
	if got.Labels[label] != "main" || !slices.Equal(got.Finalizers, []string{shelfFinalizer}) {
		t.Errorf("labels %v, finalizers %q; want the Connector's label and the finalizer stored", got.Labels, got.Finalizers)
	}
	if _, err := h.reconcile(t, "books"); err != nil {
		t.Fatalf("the second Reconcile: %v", err)
	}
	if writes := h.writes.take(); writes != nil {
		t.Errorf("the second reconcile wrote %q; the metadata is in place already", writes)
	}
}

func TestManagedReportsErrors(t *testing.T) {
	cases := map[string]struct {
		reason    string
		fail      warehouseFailures
		wantCalls warehouseCalls
		wantErr   string
	}{
		"ConnectFails": {
			reason:    "A Connector that fails stops the reconcile before the warehouse is asked anything.",
			fail:      warehouseFailures{Connect: errDown},
			wantCalls: warehouseCalls{Connect: 1},
			wantErr:   "connecting: the warehouse is down",
		},
		"ObserveFails": {
			reason:    "A failing Observe stops the reconcile before anything is applied.",
			fail:      warehouseFailures{Observe: errDown},
			wantCalls: warehouseCalls{Connect: 1, Observe: 1},
			wantErr:   "observing: the warehouse is down",
		},
		"ApplyFails": {
			reason:    "A failing Apply stops the reconcile before the children are rendered.",
			fail:      warehouseFailures{Apply: errDown},
			wantCalls: warehouseCalls{Connect: 1, Observe: 1, Apply: 1},
			wantErr:   "applying: the warehouse is down",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil, books())
			h.warehouse.fail(tc.fail)

			res, err := h.reconcile(t, "books")
			if !errors.Is(err, errDown) || err.Error() != "shelf team-a/books: reconciling: "+tc.wantErr {
				t.Errorf("\nReason: %s\nReconcile error = %v; want the warehouse's error wrapped as %q, naming the object", tc.reason, err, "shelf team-a/books: reconciling: "+tc.wantErr)
			}
			if res != (ctrl.Result{}) {
				t.Errorf("\nReason: %s\nresult = %+v; an error is retried with the controller's backoff", tc.reason, res)
			}
			if diff := cmp.Diff(tc.wantCalls, h.warehouse.takeCalls()); diff != "" {
				t.Errorf("\nReason: %s\nwarehouse calls: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff([]recordedEvent{{corev1.EventTypeWarning, reconcile.ReasonReconcileError}}, h.events.take()); diff != "" {
				t.Errorf("\nReason: %s\nevents: -want, +got:\n%s", tc.reason, diff)
			}
			got := h.books(t)
			wantStatus := ShelfStatus{State: "Failed", Message: tc.wantErr, Conditions: readyCondition(metav1.ConditionFalse, reconcile.ReasonReconcileError, tc.wantErr, 1)}
			if diff := cmp.Diff(wantStatus, got.Status, ignoreTransitionTime); diff != "" {
				t.Errorf("\nReason: %s\nstatus: -want, +got:\n%s", tc.reason, diff)
			}
			if _, err := h.child(t); !hub.IsNotFound(err) {
				t.Errorf("\nReason: %s\nthe child after a failure: %v, want NotFound", tc.reason, err)
			}
			h.writes.take()

			// The same failure again: the status already tells, so nothing is
			// written and no second event is recorded.
			if _, err := h.reconcile(t, "books"); !errors.Is(err, errDown) {
				t.Errorf("\nReason: %s\nthe second Reconcile = %v, want the failure again", tc.reason, err)
			}
			if writes, events := h.writes.take(), h.events.take(); writes != nil || events != nil {
				t.Errorf("\nReason: %s\nthe same failure again wrote %q and recorded %v; want neither", tc.reason, writes, events)
			}

			// Once the warehouse is back, the next reconcile makes it ready.
			h.warehouse.fail(warehouseFailures{})
			if _, err := h.reconcile(t, "books"); err != nil {
				t.Fatalf("\nReason: %s\nReconcile once the warehouse is back: %v", tc.reason, err)
			}
			got = h.books(t)
			wantStatus = ShelfStatus{State: "Ready", Conditions: readyCondition(metav1.ConditionTrue, reconcile.ReasonAvailable, "", 1)}
			if diff := cmp.Diff(wantStatus, got.Status, ignoreTransitionTime); diff != "" {
				t.Errorf("\nReason: %s\nstatus after the recovery: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestManagedWaits(t *testing.T) {
	const why = "the warehouse opens at nine"
	cases := map[string]struct {
		reason    string
		fail      warehouseFailures
		wantCalls warehouseCalls
	}{
		"ConnectorWaits": {
			reason:    "A Connector waiting for a prerequisite puts the reason into the status.",
			fail:      warehouseFailures{Connect: reconcile.Wait("the warehouse opens at %s", "nine")},
			wantCalls: warehouseCalls{Connect: 1},
		},
		"ObserveWaitsWrapped": {
			reason:    "A Wait error wrapped by the External still is a wait, with its own reason.",
			fail:      warehouseFailures{Observe: fmt.Errorf("looking for the shelf: %w", reconcile.Wait(why))},
			wantCalls: warehouseCalls{Connect: 1, Observe: 1},
		},
		"ApplyWaits": {
			reason:    "An Apply that cannot go on yet waits too.",
			fail:      warehouseFailures{Apply: reconcile.Wait(why)},
			wantCalls: warehouseCalls{Connect: 1, Observe: 1, Apply: 1},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil, books())
			h.warehouse.fail(tc.fail)

			res, err := h.reconcile(t, "books")
			if err != nil {
				t.Errorf("\nReason: %s\nReconcile = %v; a wait is no error", tc.reason, err)
			}
			if !requeuesAfter(res, waitInterval) {
				t.Errorf("\nReason: %s\nRequeueAfter = %v, want the wait interval %v plus jitter", tc.reason, res.RequeueAfter, waitInterval)
			}
			if diff := cmp.Diff(tc.wantCalls, h.warehouse.takeCalls()); diff != "" {
				t.Errorf("\nReason: %s\nwarehouse calls: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff([]recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonWaiting}}, h.events.take()); diff != "" {
				t.Errorf("\nReason: %s\nevents: a wait is no warning; -want, +got:\n%s", tc.reason, diff)
			}
			got := h.books(t)
			wantStatus := ShelfStatus{State: "Waiting", Message: why, Conditions: readyCondition(metav1.ConditionFalse, reconcile.ReasonWaiting, why, 1)}
			if diff := cmp.Diff(wantStatus, got.Status, ignoreTransitionTime); diff != "" {
				t.Errorf("\nReason: %s\nstatus: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestManagedIndependentChildren(t *testing.T) {
	cases := map[string]struct {
		reason      string
		fail        warehouseFailures
		wantErr     string
		wantState   string
		wantMessage string
	}{
		"ObserveFails": {
			reason:      "With independent children a failing External does not stop them; the error still fails the reconcile.",
			fail:        warehouseFailures{Observe: errDown},
			wantErr:     "shelf team-a/books: reconciling: observing: the warehouse is down",
			wantState:   "Failed",
			wantMessage: "observing: the warehouse is down",
		},
		"ApplyFails": {
			reason:      "A failing Apply does not stop them either.",
			fail:        warehouseFailures{Apply: errDown},
			wantErr:     "shelf team-a/books: reconciling: applying: the warehouse is down",
			wantState:   "Failed",
			wantMessage: "applying: the warehouse is down",
		},
		"ConnectWaits": {
			reason:      "A waiting Connector leaves the object waiting, its children applied.",
			fail:        warehouseFailures{Connect: reconcile.Wait("the warehouse opens at nine")},
			wantState:   "Waiting",
			wantMessage: "the warehouse opens at nine",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newShelfFake(t, hubtest.WithObjects(books()))
			w := newWarehouse()
			w.fail(tc.fail)
			kind := shelfKind(w)
			kind.IndependentChildren = true
			m, err := reconcile.NewManaged(f.Hub(), kind, reconcile.WithFinalizer(shelfFinalizer), reconcile.WithEventRecorder(&eventLog{}))
			if err != nil {
				t.Fatal(err)
			}
			_, err = m.Reconcile(t.Context(), ctrl.Request{NamespacedName: shelfKey("books")})
			if got := fmt.Sprint(err); (tc.wantErr == "" && err != nil) || (tc.wantErr != "" && got != tc.wantErr) {
				t.Errorf("\nReason: %s\nReconcile = %v, want %q", tc.reason, err, tc.wantErr)
			}
			cm := &corev1.ConfigMap{}
			if err := f.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: "books-location"}, cm); err != nil {
				t.Errorf("\nReason: %s\nthe child: %v, want it applied", tc.reason, err)
			}
			s := &Shelf{}
			if err := f.Client().Get(t.Context(), shelfKey("books"), s); err != nil {
				t.Fatal(err)
			}
			if s.Status.State != tc.wantState || s.Status.Message != tc.wantMessage {
				t.Errorf("\nReason: %s\nstatus = %s %q, want %s %q", tc.reason, s.Status.State, s.Status.Message, tc.wantState, tc.wantMessage)
			}
		})
	}
}

func TestWaitingFor(t *testing.T) {
	cases := map[string]struct {
		reason     string
		err        error
		wantReason string
		wantOK     bool
	}{
		"Wait":        {reason: "Wait's error carries its reason.", err: reconcile.Wait("policy %q is missing", "rw"), wantReason: `policy "rw" is missing`, wantOK: true},
		"Wrapped":     {reason: "A wrapped Wait is found.", err: fmt.Errorf("connecting: %w", reconcile.Wait("later")), wantReason: "later", wantOK: true},
		"Joined":      {reason: "A joined Wait is found.", err: errors.Join(errDown, reconcile.Wait("later")), wantReason: "later", wantOK: true},
		"OtherError":  {reason: "Another error is no wait.", err: errDown},
		"NoError":     {reason: "nil is no wait.", err: nil},
		"SameMessage": {reason: "An error that only reads like a wait is none.", err: errors.New("later")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := reconcile.WaitingFor(tc.err)
			if got != tc.wantReason || ok != tc.wantOK {
				t.Errorf("\nReason: %s\nWaitingFor = %q, %v; want %q, %v", tc.reason, got, ok, tc.wantReason, tc.wantOK)
			}
		})
	}
}

func TestManagedConflictsRequeueQuietly(t *testing.T) {
	shelfKind := schema.GroupKind{Group: "example.hubkit.dev", Kind: "Shelf"}
	cases := map[string]struct {
		reason     string
		fault      hubtest.Fault
		wantApply  int
		wantWrites []string
		wantEvents []recordedEvent
	}{
		"MetadataPatch": {
			reason: "Another writer changed the object before the finalizer was added: read it again soon, having done nothing.",
			fault:  hubtest.Fault{Verb: hubtest.VerbPatch, Kind: shelfKind, Reason: metav1.StatusReasonConflict, Times: 1},
			// The patch is sent (and refused).
			wantWrites: []string{"patch Shelf"},
		},
		"StatusPatch": {
			reason:     "Another writer changed the object before the status was written: read it again soon.",
			fault:      hubtest.Fault{Verb: hubtest.VerbPatch, Subresource: "status", Kind: shelfKind, Reason: metav1.StatusReasonConflict, Times: 1},
			wantApply:  1,
			wantWrites: []string{"patch Shelf", "apply ConfigMap", "patch Shelf/status"},
			wantEvents: []recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonCreated}},
		},
		"ChildApply": {
			reason: "A conflict applying a child is as quiet: the status is not marked failed for it, since the next look, soon, will do.",
			fault:  hubtest.Fault{Verb: hubtest.VerbApply, Kind: schema.GroupKind{Kind: "ConfigMap"}, Reason: metav1.StatusReasonConflict, Times: 1},
			// The finalizer patch and the refused apply; no status write.
			wantApply:  1,
			wantWrites: []string{"patch Shelf", "apply ConfigMap"},
			wantEvents: []recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonCreated}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil, books())
			h.f.InjectFault(tc.fault)

			res, err := h.reconcile(t, "books")
			if err != nil {
				t.Errorf("\nReason: %s\nReconcile = %v; a conflict is no error", tc.reason, err)
			}
			if res.RequeueAfter <= 0 || res.RequeueAfter > time.Second {
				t.Errorf("\nReason: %s\nRequeueAfter = %v, want a prompt requeue (well under a second)", tc.reason, res.RequeueAfter)
			}
			if got := h.warehouse.takeCalls().Apply; got != tc.wantApply {
				t.Errorf("\nReason: %s\n%d Apply calls, want %d", tc.reason, got, tc.wantApply)
			}
			if diff := cmp.Diff(tc.wantWrites, h.writes.take()); diff != "" {
				t.Errorf("\nReason: %s\nwrites: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantEvents, h.events.take()); diff != "" {
				t.Errorf("\nReason: %s\nevents: -want, +got:\n%s", tc.reason, diff)
			}
			if got := h.books(t).Status; got.State == "Failed" {
				t.Errorf("\nReason: %s\nthe status reports a failure for a conflict: %+v", tc.reason, got)
			}

			// The requeue finds the object and converges it, applying in
			// the warehouse only what is still missing.
			if _, err := h.reconcile(t, "books"); err != nil {
				t.Fatalf("\nReason: %s\nthe requeued Reconcile: %v", tc.reason, err)
			}
			if got := h.warehouse.takeCalls().Apply; got != 1-tc.wantApply {
				t.Errorf("\nReason: %s\nthe requeue made %d Apply calls, want %d", tc.reason, got, 1-tc.wantApply)
			}
			got := h.books(t)
			if got.Status.State != "Ready" || !reconcile.IsCurrentAndTrue(got, reconcile.ReadyCondition) {
				t.Errorf("\nReason: %s\nafter the requeue the status is %+v, want Ready", tc.reason, got.Status)
			}
		})
	}
}

func TestManagedDeletion(t *testing.T) {
	cases := map[string]struct {
		reason string
		// start is the Shelf, reconciled once before it is deleted when
		// converged is set.
		start      *Shelf
		converged  bool
		fail       warehouseFailures
		wantResult func(ctrl.Result) bool
		wantErr    string
		wantCalls  warehouseCalls
		wantEvents []recordedEvent
		wantGone   bool
		wantSize   int
		wantStatus *ShelfStatus
	}{
		"DeletesOutside": {
			reason: "Deleting the object deletes the shelf, then the finalizer: the object is gone.",
			start:  books(), converged: true,
			wantResult: func(r ctrl.Result) bool { return r == ctrl.Result{} },
			wantCalls:  warehouseCalls{Connect: 1, Delete: 1},
			wantEvents: []recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonDeleted}},
			wantGone:   true,
		},
		"KeepsOutside": {
			reason: "An External may keep what the object stands for; the object goes all the same.",
			start:  books(func(s *Shelf) { s.Spec.Keep = true }), converged: true,
			wantResult: func(r ctrl.Result) bool { return r == ctrl.Result{} },
			wantCalls:  warehouseCalls{Connect: 1, Delete: 1},
			wantEvents: []recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonDeleted}},
			wantGone:   true, wantSize: 3,
		},
		"DeleteFails": {
			reason: "A failing Delete keeps the finalizer, reports the error in the status, and returns it.",
			start:  books(), converged: true,
			fail:       warehouseFailures{Delete: errDown},
			wantResult: func(r ctrl.Result) bool { return r == ctrl.Result{} },
			wantErr:    "shelf team-a/books: deleting: the warehouse is down",
			wantCalls:  warehouseCalls{Connect: 1, Delete: 1},
			wantEvents: []recordedEvent{{corev1.EventTypeWarning, reconcile.ReasonDeleteError}},
			wantSize:   3,
			wantStatus: &ShelfStatus{State: "Failed", Message: "deleting: the warehouse is down",
				Conditions: readyCondition(metav1.ConditionFalse, reconcile.ReasonReconcileError, "deleting: the warehouse is down", 1)},
		},
		"ConnectFails": {
			reason: "A Connector failing during deletion is reported like a failing Delete.",
			start:  books(), converged: true,
			fail:       warehouseFailures{Connect: errDown},
			wantResult: func(r ctrl.Result) bool { return r == ctrl.Result{} },
			wantErr:    "shelf team-a/books: deleting: the warehouse is down",
			wantCalls:  warehouseCalls{Connect: 1},
			wantEvents: []recordedEvent{{corev1.EventTypeWarning, reconcile.ReasonDeleteError}},
			wantSize:   3,
			wantStatus: &ShelfStatus{State: "Failed", Message: "deleting: the warehouse is down",
				Conditions: readyCondition(metav1.ConditionFalse, reconcile.ReasonReconcileError, "deleting: the warehouse is down", 1)},
		},
		"DeleteWaits": {
			reason: "A Delete that must wait keeps the finalizer and reports the wait as a wait while syncing is reported: in the status, with a Normal event and no warning (see Wait), after the wait interval.",
			start:  books(), converged: true,
			fail:       warehouseFailures{Delete: reconcile.Wait("the shelf is not empty")},
			wantResult: func(r ctrl.Result) bool { return requeuesAfter(r, waitInterval) },
			wantCalls:  warehouseCalls{Connect: 1, Delete: 1},
			wantEvents: []recordedEvent{{corev1.EventTypeNormal, reconcile.ReasonWaiting}},
			wantSize:   3,
			wantStatus: &ShelfStatus{State: "Waiting", Message: "the shelf is not empty",
				Conditions: readyCondition(metav1.ConditionFalse, reconcile.ReasonWaiting, "the shelf is not empty", 1)},
		},
		"NotOurs": {
			reason: "An object without the reconciler's finalizer (never reconciled; held by another one) is left alone: nothing is deleted outside.",
			start: books(func(s *Shelf) {
				s.Finalizers = []string{"example.hubkit.dev/someone-else"}
			}),
			wantResult: func(r ctrl.Result) bool { return r == ctrl.Result{} },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil, tc.start)
			if tc.converged {
				h.converge(t)
			}
			h.warehouse.fail(tc.fail)
			if err := h.f.Client().Delete(t.Context(), h.books(t)); err != nil {
				t.Fatal(err)
			}
			h.writes.take()

			res, err := h.reconcile(t, "books")
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr) {
				t.Errorf("\nReason: %s\nReconcile error = %v, want %q", tc.reason, err, tc.wantErr)
			}
			if tc.wantErr != "" && !errors.Is(err, errDown) {
				t.Errorf("\nReason: %s\nReconcile error %v does not wrap the warehouse's", tc.reason, err)
			}
			if !tc.wantResult(res) {
				t.Errorf("\nReason: %s\nunexpected result %+v", tc.reason, res)
			}
			if diff := cmp.Diff(tc.wantCalls, h.warehouse.takeCalls()); diff != "" {
				t.Errorf("\nReason: %s\nwarehouse calls: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantEvents, h.events.take()); diff != "" {
				t.Errorf("\nReason: %s\nevents: -want, +got:\n%s", tc.reason, diff)
			}
			if got := h.warehouse.size(shelfKey("books")); got != tc.wantSize {
				t.Errorf("\nReason: %s\nthe warehouse's shelf has size %d, want %d", tc.reason, got, tc.wantSize)
			}
			got, err := h.shelves().Get(t.Context(), "books")
			if tc.wantGone {
				if !hub.IsNotFound(err) {
					t.Errorf("\nReason: %s\nthe deleted Shelf: %v, want NotFound", tc.reason, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("\nReason: %s\nthe Shelf is gone: %v", tc.reason, err)
			}
			if got.DeletionTimestamp == nil {
				t.Errorf("\nReason: %s\nthe Shelf is not being deleted", tc.reason)
			}
			wantFinalizers := tc.start.Finalizers
			if tc.converged {
				wantFinalizers = []string{shelfFinalizer}
			}
			if diff := cmp.Diff(wantFinalizers, got.Finalizers); diff != "" {
				t.Errorf("\nReason: %s\nfinalizers: -want, +got:\n%s", tc.reason, diff)
			}
			if tc.wantStatus != nil {
				if diff := cmp.Diff(*tc.wantStatus, got.Status, ignoreTransitionTime); diff != "" {
					t.Errorf("\nReason: %s\nstatus: -want, +got:\n%s", tc.reason, diff)
				}
			} else if writes := h.writes.take(); writes != nil {
				t.Errorf("\nReason: %s\nwrites %q, want none", tc.reason, writes)
			}
		})
	}
}

func TestManagedPaused(t *testing.T) {
	const hold = "example.hubkit.dev/hold"
	paused := func(annotation, value string) func(*Shelf) {
		return func(s *Shelf) { s.Annotations = map[string]string{annotation: value} }
	}
	cases := map[string]struct {
		reason     string
		opts       []reconcile.ManagedOption
		start      *Shelf
		converged  bool
		deleted    bool
		wantCalls  warehouseCalls
		wantWrites []string
	}{
		"Paused": {
			reason: "A paused object is neither read outside nor written.",
			start:  books(paused(reconcile.DefaultPausedAnnotation, "true")),
		},
		"PausedWhileDeleting": {
			reason:    "A paused object being deleted keeps what it stands for, and its finalizer.",
			start:     books(),
			converged: true, deleted: true,
		},
		"NotPaused": {
			reason:     "The annotation pauses only when it is \"true\".",
			start:      books(paused(reconcile.DefaultPausedAnnotation, "false")),
			wantCalls:  warehouseCalls{Connect: 1, Observe: 1, Apply: 1},
			wantWrites: []string{"patch Shelf", "apply ConfigMap", "patch Shelf/status"},
		},
		"OtherAnnotation": {
			reason: "WithPausedAnnotation names the annotation that pauses.",
			opts:   []reconcile.ManagedOption{reconcile.WithPausedAnnotation(hold)},
			start:  books(paused(hold, "true")),
		},
		"DefaultAnnotationReplaced": {
			reason:     "With another annotation named, the default one no longer pauses.",
			opts:       []reconcile.ManagedOption{reconcile.WithPausedAnnotation(hold)},
			start:      books(paused(reconcile.DefaultPausedAnnotation, "true")),
			wantCalls:  warehouseCalls{Connect: 1, Observe: 1, Apply: 1},
			wantWrites: []string{"patch Shelf", "apply ConfigMap", "patch Shelf/status"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, tc.opts, tc.start)
			if tc.converged {
				h.converge(t)
				h.update(t, paused(reconcile.DefaultPausedAnnotation, "true"))
			}
			if tc.deleted {
				if err := h.f.Client().Delete(t.Context(), h.books(t)); err != nil {
					t.Fatal(err)
				}
			}
			h.writes.take()

			res, err := h.reconcile(t, "books")
			if err != nil {
				t.Fatalf("\nReason: %s\nReconcile: %v", tc.reason, err)
			}
			if tc.wantCalls == (warehouseCalls{}) && res != (ctrl.Result{}) {
				t.Errorf("\nReason: %s\nresult %+v; a paused object is not requeued", tc.reason, res)
			}
			if diff := cmp.Diff(tc.wantCalls, h.warehouse.takeCalls()); diff != "" {
				t.Errorf("\nReason: %s\nwarehouse calls: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantWrites, h.writes.take()); diff != "" {
				t.Errorf("\nReason: %s\nwrites: -want, +got:\n%s", tc.reason, diff)
			}
			if tc.deleted {
				got := h.books(t)
				if !slices.Contains(got.Finalizers, shelfFinalizer) || h.warehouse.size(shelfKey("books")) != 3 {
					t.Errorf("\nReason: %s\nfinalizers %q, warehouse size %d; want the finalizer and the shelf kept", tc.reason, got.Finalizers, h.warehouse.size(shelfKey("books")))
				}
			}
		})
	}
}

func TestManagedObjectGone(t *testing.T) {
	h := newHarness(t, nil)
	res, err := h.reconcile(t, "missing")
	if err != nil || res != (ctrl.Result{}) {
		t.Errorf("Reconcile of a missing object = %+v, %v; want nothing to do", res, err)
	}
	if calls, writes := h.warehouse.takeCalls(), h.writes.take(); calls != (warehouseCalls{}) || writes != nil {
		t.Errorf("a missing object cost warehouse calls %+v and writes %q", calls, writes)
	}
}

func TestManagedReadErrorNamesTheObject(t *testing.T) {
	h := newHarness(t, nil, books())
	h.f.InjectFault(hubtest.Fault{Verb: hubtest.VerbGet, Kind: schema.GroupKind{Group: "example.hubkit.dev", Kind: "Shelf"}, Reason: metav1.StatusReasonForbidden})
	_, err := h.reconcile(t, "books")
	if !hub.IsForbidden(err) || !strings.HasPrefix(fmt.Sprint(err), "shelf team-a/books: reading: ") {
		t.Errorf("Reconcile = %v; want the Forbidden error wrapped with the object's kind and key", err)
	}
}

func TestNewManaged(t *testing.T) {
	f := newShelfFake(t)
	cases := map[string]struct {
		reason   string
		make     func() (*reconcile.Managed[*Shelf], error)
		wantName string
		wantErr  string
	}{
		"DefaultName": {
			reason: "The controller is named after the kind, in lower case.",
			make: func() (*reconcile.Managed[*Shelf], error) {
				return reconcile.NewManaged(f.Hub(), reconcile.ManagedKind[*Shelf]{})
			},
			wantName: "shelf",
		},
		"WithName": {
			reason: "WithName names it.",
			make: func() (*reconcile.Managed[*Shelf], error) {
				return reconcile.NewManaged(f.Hub(), reconcile.ManagedKind[*Shelf]{}, reconcile.WithName("shelves"))
			},
			wantName: "shelves",
		},
		"NoClient": {
			reason: "A nil client is refused.",
			make: func() (*reconcile.Managed[*Shelf], error) {
				return reconcile.NewManaged(nil, reconcile.ManagedKind[*Shelf]{})
			},
			wantErr: "needs a hub.Client",
		},
		"UnknownKind": {
			reason: "A kind the client's scheme does not know is refused at once.",
			make: func() (*reconcile.Managed[*Shelf], error) {
				plain, err := hub.Wrap(hubtest.NewFake(t).Client())
				if err != nil {
					return nil, err
				}
				return reconcile.NewManaged(plain, reconcile.ManagedKind[*Shelf]{})
			},
			wantErr: "not a kind the scheme knows",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := tc.make()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("\nReason: %s\nNewManaged error = %v, want one containing %q", tc.reason, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("\nReason: %s\nNewManaged: %v", tc.reason, err)
			}
			if m.Name() != tc.wantName {
				t.Errorf("\nReason: %s\nName() = %q, want %q", tc.reason, m.Name(), tc.wantName)
			}
		})
	}
}

func TestIntentChanged(t *testing.T) {
	p := reconcile.IntentChanged()
	base := books(func(s *Shelf) {
		s.Generation, s.ResourceVersion = 1, "10"
		s.Labels = map[string]string{"floor": "1"}
		s.Annotations = map[string]string{"note": "fiction"}
	})
	with := func(change func(*Shelf)) client.Object {
		s := base.DeepCopy()
		s.ResourceVersion = "11"
		change(s)
		return s
	}
	now := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cases := map[string]struct {
		reason string
		newObj client.Object
		want   bool
	}{
		"StatusOnly": {
			reason: "A status write, the reconciler's own, is dropped.",
			newObj: with(func(s *Shelf) { s.Status.State = "Ready" }), want: false,
		},
		"FinalizerOnly": {
			reason: "A finalizer write, the reconciler's own, is dropped.",
			newObj: with(func(s *Shelf) { s.Finalizers = []string{shelfFinalizer} }), want: false,
		},
		"ResourceVersionOnly": {
			reason: "A write that changed nothing one can see is dropped.",
			newObj: with(func(*Shelf) {}), want: false,
		},
		"OwnerReferencesOnly": {
			reason: "Owner references, which a Connector may set, are not intent.",
			newObj: with(func(s *Shelf) { s.OwnerReferences = []metav1.OwnerReference{{Name: "warehouse"}} }), want: false,
		},
		"Generation": {
			reason: "A spec change passes.",
			newObj: with(func(s *Shelf) { s.Generation = 2; s.Spec.Size = 4 }), want: true,
		},
		"Label": {
			reason: "A label change passes.",
			newObj: with(func(s *Shelf) { s.Labels["floor"] = "2" }), want: true,
		},
		"LabelsRemoved": {
			reason: "Removing the labels passes.",
			newObj: with(func(s *Shelf) { s.Labels = nil }), want: true,
		},
		"Annotation": {
			reason: "An annotation change passes: pausing is one.",
			newObj: with(func(s *Shelf) { s.Annotations[reconcile.DefaultPausedAnnotation] = "true" }), want: true,
		},
		"DeletionStarted": {
			reason: "The start of the deletion passes.",
			newObj: with(func(s *Shelf) { s.DeletionTimestamp = &now }), want: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := p.Update(event.UpdateEvent{ObjectOld: base, ObjectNew: tc.newObj}); got != tc.want {
				t.Errorf("\nReason: %s\nUpdate = %v, want %v", tc.reason, got, tc.want)
			}
		})
	}
	if !p.Create(event.CreateEvent{Object: base}) || !p.Delete(event.DeleteEvent{Object: base}) || !p.Generic(event.GenericEvent{Object: base}) {
		t.Error("creates, deletes and generic events must pass")
	}
	if !p.Update(event.UpdateEvent{ObjectNew: base}) {
		t.Error("an update without the old object must pass: nothing tells it changed nothing")
	}
}

func TestManagedRequests(t *testing.T) {
	f := newShelfFake(t)
	const shelfLabel = "example.hubkit.dev/shelf"
	byLabel := func(_ context.Context, obj client.Object) []ctrl.Request {
		if name := obj.GetLabels()[shelfLabel]; name != "" {
			return []ctrl.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: name}}}
		}
		return nil
	}
	m, err := reconcile.NewManaged(f.Hub(), reconcile.ManagedKind[*Shelf]{
		Owns: []client.Object{&corev1.ConfigMap{}},
		Watches: []reconcile.Watch{
			{Object: &corev1.Secret{}, Map: byLabel},
			{Object: &corev1.ConfigMap{}, Map: byLabel},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	shelf := books(func(s *Shelf) { s.Generation, s.UID = 1, "books-uid" })
	controlledBy := func(apiVersion, kind, name string) []metav1.OwnerReference {
		return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: "uid", Controller: new(true)}}
	}
	configMap := func(refs []metav1.OwnerReference, labels map[string]string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "cm", OwnerReferences: refs, Labels: labels}}
	}
	statusOnly := shelf.DeepCopy()
	statusOnly.Status.State = "Ready"
	specChanged := shelf.DeepCopy()
	specChanged.Generation = 2
	cases := map[string]struct {
		reason   string
		obj, old client.Object
		want     []ctrl.Request
	}{
		"ManagedCreated": {
			reason: "A created (or deleted) object of the managed kind queues itself.",
			obj:    shelf, want: []ctrl.Request{{NamespacedName: shelfKey("books")}},
		},
		"ManagedStatusOnly": {
			reason: "An update of the status only queues nothing: it is the reconciler's own echo.",
			obj:    statusOnly, old: shelf,
		},
		"ManagedSpecChanged": {
			reason: "An update of the spec queues the object.",
			obj:    specChanged, old: shelf, want: []ctrl.Request{{NamespacedName: shelfKey("books")}},
		},
		"OwnedChild": {
			reason: "A child the managed kind controls queues its controller.",
			obj:    configMap(controlledBy("example.hubkit.dev/v1", "Shelf", "books"), nil),
			want:   []ctrl.Request{{NamespacedName: shelfKey("books")}},
		},
		"OwnedChildUpdated": {
			reason: "Every update of an owned child queues its controller, as Owns does.",
			obj:    configMap(controlledBy("example.hubkit.dev/v1", "Shelf", "books"), nil),
			old:    configMap(controlledBy("example.hubkit.dev/v1", "Shelf", "books"), map[string]string{"x": "y"}),
			want:   []ctrl.Request{{NamespacedName: shelfKey("books")}},
		},
		"ChildOfAnotherKind": {
			reason: "A ConfigMap controlled by another kind queues nothing.",
			obj:    configMap(controlledBy("apps/v1", "Deployment", "books"), nil),
		},
		"ChildOfAnotherGroup": {
			reason: "A ConfigMap controlled by a Shelf of another group queues nothing.",
			obj:    configMap(controlledBy("other.example.com/v1", "Shelf", "books"), nil),
		},
		"OwnedNotControlled": {
			reason: "An owner reference that is not the controller queues nothing, as Owns does.",
			obj:    configMap([]metav1.OwnerReference{{APIVersion: "example.hubkit.dev/v1", Kind: "Shelf", Name: "books", UID: "uid"}}, nil),
		},
		"Watched": {
			reason: "A watched kind queues what its Map names.",
			obj: &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "key",
				Labels: map[string]string{shelfLabel: "novels"}}},
			want: []ctrl.Request{{NamespacedName: shelfKey("novels")}},
		},
		"WatchedMapsToNothing": {
			reason: "A watched object its Map names nothing for queues nothing.",
			obj:    &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "key"}},
		},
		"Unrelated": {
			reason: "A kind neither owned nor watched queues nothing.",
			obj:    &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "books", Labels: map[string]string{shelfLabel: "books"}}},
		},
		"WatchedKindAlsoOwned": {
			reason: "A kind both owned and watched is handled by both, as a manager's Owns and Watches are: a ConfigMap no Shelf controls still queues what the Watch maps it to.",
			obj:    configMap(nil, map[string]string{shelfLabel: "novels"}),
			want:   []ctrl.Request{{NamespacedName: shelfKey("novels")}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := m.Requests(t.Context(), tc.obj, tc.old)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nRequests: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// countingController counts the reconciles of each request of the
// Controller it wraps.
type countingController struct {
	hubtest.Controller

	mu         sync.Mutex
	reconciles map[types.NamespacedName]int
}

func (c *countingController) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	c.mu.Lock()
	c.reconciles[req.NamespacedName]++
	c.mu.Unlock()
	return c.Controller.Reconcile(ctx, req)
}

// take returns how often key was reconciled since the last take.
func (c *countingController) take(key types.NamespacedName) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.reconciles[key]
	delete(c.reconciles, key)
	return n
}

func TestManagedUnderControllerSimulator(t *testing.T) {
	key := shelfKey("books")
	// The steps run in order on one fake; each says how many reconciles of
	// the Shelf it causes without children and with the location ConfigMap.
	type step struct {
		name, reason                  string
		do                            func(t *testing.T, f *hubtest.Fake, shelves *hub.Resource[*Shelf])
		withoutChildren, withChildren int
	}
	update := func(mutate func(*Shelf)) func(*testing.T, *hubtest.Fake, *hub.Resource[*Shelf]) {
		return func(t *testing.T, _ *hubtest.Fake, shelves *hub.Resource[*Shelf]) {
			t.Helper()
			if _, err := shelves.Update(t.Context(), "books", func(s *Shelf) error { mutate(s); return nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []step{{
		name: "Create",
		reason: "Creating reconciles once: the finalizer and status writes do not wake the reconciler. " +
			"With a child, its creation wakes its controller once more (as Owns does on a cluster); that reconcile finds everything converged and writes nothing.",
		do: func(t *testing.T, _ *hubtest.Fake, shelves *hub.Resource[*Shelf]) {
			t.Helper()
			if err := shelves.Create(t.Context(), books()); err != nil {
				t.Fatal(err)
			}
		},
		withoutChildren: 1, withChildren: 2,
	}, {
		name:            "StatusWrittenByAnother",
		reason:          "A status write by anybody is no intent: no reconcile.",
		do:              writeStatusMessage("hello"),
		withoutChildren: 0, withChildren: 0,
	}, {
		name:            "FinalizerAddedByAnother",
		reason:          "A finalizer is no intent: no reconcile.",
		do:              update(func(s *Shelf) { s.Finalizers = append(s.Finalizers, "example.hubkit.dev/other") }),
		withoutChildren: 0, withChildren: 0,
	}, {
		name:   "FinalizerRemovedByAnother",
		reason: "Nor is its removal.",
		do: update(func(s *Shelf) {
			s.Finalizers = slices.DeleteFunc(s.Finalizers, func(f string) bool { return f != shelfFinalizer })
		}),
		withoutChildren: 0, withChildren: 0,
	}, {
		name: "SpecUpdated",
		reason: "A spec update reconciles once more. With a child rendered from the spec, the child's update wakes its controller once more, " +
			"and that reconcile finds everything converged.",
		do:              update(func(s *Shelf) { s.Spec.Size = 5 }),
		withoutChildren: 1, withChildren: 2,
	}, {
		name:            "LabelAdded",
		reason:          "A label is intent: one reconcile, which changes no child.",
		do:              update(func(s *Shelf) { s.Labels = map[string]string{"floor": "2"} }),
		withoutChildren: 1, withChildren: 1,
	}, {
		name: "Deleted",
		reason: "Deleting reconciles once to delete outside and remove the finalizer, and once more for the object's removal, " +
			"which a manager queues as well and which finds the object gone. The child's collection joins the request already queued.",
		do: func(t *testing.T, _ *hubtest.Fake, shelves *hub.Resource[*Shelf]) {
			t.Helper()
			if err := shelves.Delete(t.Context(), "books"); err != nil {
				t.Fatal(err)
			}
		},
		withoutChildren: 2, withChildren: 2,
	}}

	for _, children := range []bool{false, true} {
		t.Run(map[bool]string{false: "WithoutChildren", true: "WithChildren"}[children], func(t *testing.T) {
			w := newWarehouse()
			counter := &countingController{reconciles: map[types.NamespacedName]int{}}
			sim := hubtest.ControllerSimulator(func(f *hubtest.Fake) ([]hubtest.Controller, error) {
				kind := shelfKind(w)
				if !children {
					kind.Children, kind.Owns = nil, nil
				}
				m, err := reconcile.NewManaged(f.Hub(), kind, reconcile.WithFinalizer(shelfFinalizer))
				if err != nil {
					return nil, err
				}
				counter.Controller = m
				return []hubtest.Controller{counter}, nil
			})
			f := newShelfFake(t, hubtest.WithSimulators(sim))
			shelves := hub.For[*Shelf](f.Hub(hub.WithNamespace("team-a")))

			for _, s := range steps {
				s.do(t, f, shelves)
				want := s.withoutChildren
				if children {
					want = s.withChildren
				}
				if got := counter.take(key); got != want {
					t.Errorf("%s:\nReason: %s\n%d reconciles, want %d", s.name, s.reason, got, want)
				}
				if s.name == "Deleted" {
					break
				}
				got, err := shelves.Get(t.Context(), "books")
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if !reconcile.IsCurrentAndTrue(got, reconcile.ReadyCondition) || w.size(key) != got.Spec.Size {
					t.Errorf("%s: right after the write the Shelf is %+v and the warehouse's size %d; want it ready and applied",
						s.name, got.Status, w.size(key))
				}
				if _, err := hub.For[*corev1.ConfigMap](f.Hub(hub.WithNamespace("team-a"))).Get(t.Context(), "books-location"); children != (err == nil) {
					t.Errorf("%s: the child ConfigMap: %v (children rendered: %v)", s.name, err, children)
				}
			}
			if _, err := shelves.Get(t.Context(), "books"); !hub.IsNotFound(err) {
				t.Errorf("after the deletion the Shelf: %v, want NotFound", err)
			}
			if w.size(key) != 0 {
				t.Errorf("after the deletion the warehouse still has the shelf")
			}
		})
	}
}

// writeStatusMessage writes the status message of books as another
// controller would.
func writeStatusMessage(message string) func(*testing.T, *hubtest.Fake, *hub.Resource[*Shelf]) {
	return func(t *testing.T, f *hubtest.Fake, shelves *hub.Resource[*Shelf]) {
		t.Helper()
		s, err := shelves.Get(t.Context(), "books")
		if err != nil {
			t.Fatal(err)
		}
		s.Status.Message = message
		if err := f.Client().Status().Update(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestControllerSimulatorOnStandaloneFakeSurvivesReconcileErrors(t *testing.T) {
	// Examples and demo programs run a Fake on hubtest.Standalone(); a
	// reconcile error there must be reported, not crash the program.
	w := newWarehouse()
	w.fail(warehouseFailures{Observe: errDown})
	sim := hubtest.ControllerSimulator(func(f *hubtest.Fake) ([]hubtest.Controller, error) {
		m, err := reconcile.NewManaged(f.Hub(), shelfKind(w), reconcile.WithFinalizer(shelfFinalizer))
		if err != nil {
			return nil, err
		}
		return []hubtest.Controller{m}, nil
	})
	f := newShelfFake(hubtest.Standalone(), hubtest.WithSimulators(sim))
	shelves := hub.For[*Shelf](f.Hub(hub.WithNamespace("team-a")))
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("creating a Shelf whose reconcile fails on a Standalone fake panicked: %v", r)
			}
		}()
		if err := shelves.Create(t.Context(), books()); err != nil {
			t.Errorf("Create: %v", err)
		}
	}()
	got, err := shelves.Get(t.Context(), "books")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.State != "Failed" || got.Status.Message != "observing: the warehouse is down" {
		t.Errorf("status %+v, want the failure reported", got.Status)
	}
}

func TestDetailsNeverPrintValues(t *testing.T) {
	d := reconcile.Details{}.With("password", "hunter2").With("user", "alice")
	outcome := reconcile.Outcome{Ready: true, Details: d}
	var text, jsonLog, jsonOutcome, zapLog, zapOutcome bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("observed", "details", d, "outcome", outcome)
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("observed", slog.Any("details", d), slog.Group("outcome", "details", d))
	slog.New(slog.NewJSONHandler(&jsonOutcome, nil)).Info("reconciled", "outcome", outcome)
	logzap.New(logzap.WriteTo(&zapLog)).Info("observed", "details", d)
	logzap.New(logzap.WriteTo(&zapOutcome)).Info("reconciled", "outcome", outcome)
	cases := map[string]struct {
		reason string
		got    string
	}{
		"Verbs":      {reason: "The common verbs print the keys.", got: fmt.Sprintf("%v %+v %#v %s", d, d, d, d)},
		"OtherVerbs": {reason: "Every verb prints the keys.", got: fmt.Sprintf("%q %x %d", d, d, d)},
		"Print":      {reason: "Print and Println print the keys.", got: fmt.Sprint(d) + fmt.Sprintln(d)},
		"Nested":     {reason: "Details inside an Outcome or Observation print their keys.", got: fmt.Sprintf("%+v %#v", reconcile.Outcome{Details: d}, reconcile.Observation{Details: d})},
		"InError":    {reason: "An error that shows the details shows the keys.", got: fmt.Errorf("applied %v", d).Error()},
		"SlogText":   {reason: "slog's text handler logs the keys, of an Outcome's details too.", got: text.String()},
		"SlogJSON":   {reason: "slog's JSON handler logs the keys, in groups too.", got: jsonLog.String()},
		"LogrZap":    {reason: "controller-runtime's zap logger, which reconcilers log through, logs the keys.", got: zapLog.String()},
		"SlogJSONOutcome": {
			reason: "slog's JSON handler encodes a logged Outcome with encoding/json: its details must show their keys only there too.",
			got:    jsonOutcome.String(),
		},
		"LogrZapOutcome": {
			reason: "controller-runtime's zap logger encodes a logged Outcome with encoding/json: its details must show their keys only there too.",
			got:    zapOutcome.String(),
		},
		"StringValue": {reason: "String lists the sorted keys.", got: d.String()},
	}
	// The values in every form a printer or an encoder might give them.
	values := []string{"hunter2", "alice"}
	leaks := make([]string, 0, 4*len(values))
	for _, v := range values {
		leaks = append(leaks, v, base64.StdEncoding.EncodeToString([]byte(v)), hex.EncodeToString([]byte(v)), fmt.Sprintf("%d", []byte(v)))
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, leak := range leaks {
				if strings.Contains(tc.got, leak) {
					t.Errorf("\nReason: %s\na value was printed (as %q): %s", tc.reason, leak, tc.got)
				}
			}
			if !strings.Contains(tc.got, "password") || !strings.Contains(tc.got, "user") {
				t.Errorf("\nReason: %s\nthe keys were not printed: %s", tc.reason, tc.got)
			}
		})
	}
	if got := d.String(); got != "Details{password, user}" {
		t.Errorf("String() = %q, want the sorted keys", got)
	}
	if d.Get("password") != "hunter2" || d.Get("missing") != "" {
		t.Errorf("Get returns %q and %q; want the value and \"\"", d.Get("password"), d.Get("missing"))
	}
	changed := d.With("password", "changed")
	if d.Get("password") != "hunter2" || changed.Get("password") != "changed" {
		t.Error("With must return a copy and leave the receiver alone")
	}
}

func TestDependents(t *testing.T) {
	const keyLabel = "example.hubkit.dev/key"
	usesKey := func(name string) func(*Shelf) {
		return func(s *Shelf) { s.Labels = map[string]string{keyLabel: name} }
	}
	other := books(usesKey("key"))
	other.Namespace = "team-b"
	f := newShelfFake(t, hubtest.WithObjects(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-b"}},
		books(usesKey("key")), other,
	))
	novels := books(usesKey("other-key"))
	novels.Name = "novels"
	if err := f.Client().Create(t.Context(), novels); err != nil {
		t.Fatal(err)
	}
	dependents := reconcile.Dependents(f.Hub(), func(changed client.Object, s *Shelf) bool {
		return s.Labels[keyLabel] == changed.GetName()
	})
	secret := func(namespace, name string) client.Object {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
	}
	cases := map[string]struct {
		reason  string
		changed client.Object
		fault   *hubtest.Fault
		want    []ctrl.Request
	}{
		"Concerned": {
			reason:  "The Shelves of the changed object's namespace that it concerns are named, and only they.",
			changed: secret("team-a", "key"),
			want:    []ctrl.Request{{NamespacedName: shelfKey("books")}},
		},
		"OtherNamespace": {
			reason:  "Only the changed object's namespace is looked in.",
			changed: secret("team-b", "other-key"),
		},
		"NoneConcerned": {
			reason:  "A change that concerns no Shelf names none.",
			changed: secret("team-a", "unused"),
		},
		"ListFails": {
			reason:  "When the Shelves cannot be listed, nothing is named (and the error is logged).",
			changed: secret("team-a", "key"),
			fault:   &hubtest.Fault{Verb: hubtest.VerbList, Kind: schema.GroupKind{Group: "example.hubkit.dev", Kind: "Shelf"}, Reason: metav1.StatusReasonForbidden, Times: 1},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.fault != nil {
				f.InjectFault(*tc.fault)
				defer f.ClearFaults()
			}
			if diff := cmp.Diff(tc.want, dependents(t.Context(), tc.changed), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nrequests: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
