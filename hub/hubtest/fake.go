package hubtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
)

// A Fake is an in-memory cluster built on controller-runtime's fake client,
// with the API server behaviour that client lacks: CRD schema validation and
// defaulting with the API server's own code, metadata.generation, status
// subresources for custom resources, garbage collection, namespace deletion,
// the controllers tests need (Deployments become available, PVCs bind), the
// behaviour of upstream operators through Simulators, fault injection, a
// controllable clock and an event recorder.
//
// Make one with NewFake. A Fake is safe for concurrent use.
type Fake struct {
	tb       testing.TB
	scheme   *runtime.Scheme
	clock    *clocktesting.FakeClock
	recorder *Recorder
	faults   *faults
	index    *objectIndex
	hubOpts  []hub.Option

	mu  sync.RWMutex
	raw client.WithWatch
	// store is raw's object store, read directly where nothing but the
	// stored object is wanted.
	store *fieldTracker
	// watchers are the open watches of the store, kept across rebuilds.
	watchers   *watchers
	mapper     *swappableMapper
	schemas    map[schema.GroupVersionKind]*crs.Schema
	simulators []Simulator
	requests   requestCounter
	async      *asyncQueue

	client *fakeClient
}

var _ Cluster = (*Fake)(nil)

// A FakeOption configures NewFake.
type FakeOption func(*fakeSettings)

type fakeSettings struct {
	scheme     *runtime.Scheme
	objects    []client.Object
	crds       []*apiextensionsv1.CustomResourceDefinition
	fixtures   []string
	simulators []Simulator
	hubOpts    []hub.Option
	now        time.Time
	async      bool
}

// WithScheme sets the scheme; by default it is hub.NewScheme's.
func WithScheme(s *runtime.Scheme) FakeOption {
	return func(o *fakeSettings) { o.scheme = s }
}

// WithObjects puts objects into the fake before the test starts. Their
// namespaces are created when missing.
func WithObjects(objs ...client.Object) FakeOption {
	return func(o *fakeSettings) { o.objects = append(o.objects, objs...) }
}

// WithCRDs installs CRDs before the test starts.
func WithCRDs(crds ...*apiextensionsv1.CustomResourceDefinition) FakeOption {
	return func(o *fakeSettings) { o.crds = append(o.crds, crds...) }
}

// WithFixtures loads objects from YAML files (see LoadFixtures) into the
// fake before the test starts; CRDs among them are installed first.
func WithFixtures(paths ...string) FakeOption {
	return func(o *fakeSettings) { o.fixtures = append(o.fixtures, paths...) }
}

// WithSimulators adds simulated operators, after the built-in controllers.
func WithSimulators(sims ...Simulator) FakeOption {
	return func(o *fakeSettings) { o.simulators = append(o.simulators, sims...) }
}

// WithHubOptions sets the options of the hub.Client that Hub returns, such
// as a default namespace or a field owner.
func WithHubOptions(opts ...hub.Option) FakeOption {
	return func(o *fakeSettings) { o.hubOpts = append(o.hubOpts, opts...) }
}

// WithTime sets the fake clock's start; by default it is 2026-01-01T00:00Z,
// so that timestamps in golden files do not change from run to run.
func WithTime(now time.Time) FakeOption {
	return func(o *fakeSettings) { o.now = now }
}

// NewFake returns an in-memory cluster for tb. Setup problems (a bad CRD or
// fixture) fail the test at once; errors of simulators and built-in
// controllers fail it when they happen.
func NewFake(tb testing.TB, opts ...FakeOption) *Fake {
	tb.Helper()
	f, err := newFake(tb, opts)
	if err != nil {
		tb.Fatalf("hubtest: %v", err)
	}
	return f
}

// New returns an in-memory cluster for a program (a demo, an embedded
// dashboard) or an Example: it needs no testing.TB and returns setup
// problems (a bad CRD or fixture) as errors. Errors that simulators and
// built-in controllers meet later are logged with log/slog.
func New(opts ...FakeOption) (*Fake, error) { return newFake(Standalone(), opts) }

func newFake(tb testing.TB, opts []FakeOption) (*Fake, error) {
	tb.Helper()
	s := fakeSettings{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, opt := range opts {
		opt(&s)
	}
	if s.scheme == nil {
		scheme, err := hub.NewScheme()
		if err != nil {
			return nil, fmt.Errorf("hubtest: %w", err)
		}
		s.scheme = scheme
	}
	f := &Fake{
		tb:       tb,
		scheme:   s.scheme,
		clock:    clocktesting.NewFakeClock(s.now),
		recorder: &Recorder{Scheme: s.scheme},
		faults:   &faults{},
		index:    newObjectIndex(),
		watchers: newWatchers(),
		hubOpts:  s.hubOpts,
		schemas:  map[schema.GroupVersionKind]*crs.Schema{},
		mapper:   &swappableMapper{},
	}
	f.client = &fakeClient{f: f}
	f.simulators = append(builtinControllers(), s.simulators...)
	f.mapper.set(testrestmapper.TestOnlyStaticRESTMapper(f.scheme))
	f.raw, f.store = f.build(nil)
	if s.async {
		f.startAsync()
	}

	for _, path := range s.fixtures {
		objs, err := LoadFixtures(f.scheme, path)
		if err != nil {
			return nil, fmt.Errorf("hubtest: %w", err)
		}
		for _, obj := range objs {
			if crd, ok := obj.(*apiextensionsv1.CustomResourceDefinition); ok {
				s.crds = append(s.crds, crd)
			} else {
				s.objects = append(s.objects, obj)
			}
		}
	}
	ctx := context.Background()
	if err := f.InstallCRDs(ctx, s.crds...); err != nil {
		return nil, fmt.Errorf("hubtest: %w", err)
	}
	if err := f.seed(ctx, s.objects); err != nil {
		return nil, fmt.Errorf("hubtest: %w", err)
	}
	// The starting objects start settled, as their controllers left them.
	if err := f.Settle(ctx); err != nil {
		return nil, fmt.Errorf("hubtest: %w", err)
	}
	return f, nil
}

// registerUnstructuredLocked registers the kinds of newly installed CRDs
// that have no Go type as unstructured in the scheme, once, here. Left to
// itself, controller-runtime's fake adds them on their first unstructured
// request, writing to a scheme that other goroutines read without its lock.
func (f *Fake) registerUnstructuredLocked(kinds map[schema.GroupVersionKind]*crs.Schema) {
	for gvk := range kinds {
		if !f.scheme.Recognizes(gvk) {
			f.scheme.AddKnownTypeWithName(gvk, &unstructured.Unstructured{})
		}
		list := gvk.GroupVersion().WithKind(gvk.Kind + "List")
		if !f.scheme.Recognizes(list) {
			f.scheme.AddKnownTypeWithName(list, &unstructured.UnstructuredList{})
		}
	}
}

// build makes the underlying controller-runtime fake, holding objs, and
// returns it with its store.
func (f *Fake) build(objs []client.Object) (client.WithWatch, *fieldTracker) {
	// Built-in kinds with a status subresource that controller-runtime's
	// fake does not know of.
	statusKinds := []client.Object{&corev1.ResourceQuota{}}
	for gvk, s := range f.schemas {
		if s.HasStatus {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(gvk)
			statusKinds = append(statusKinds, u)
		}
	}
	store := newFieldTracker(f.scheme, f.watchers)
	return fake.NewClientBuilder().
		WithScheme(f.scheme).
		WithRESTMapper(f.mapper).
		WithObjectTracker(store).
		WithReturnManagedFields().
		WithStatusSubresource(statusKinds...).
		WithObjects(objs...).
		Build(), store
}

// stored returns a copy of the object of kind gvk at key as the store
// holds it (typed when the scheme has a Go type for gvk), without the
// encoding round trip of a client read: for the fake's own bookkeeping.
func (f *Fake) stored(gvk schema.GroupVersionKind, key client.ObjectKey) (client.Object, error) {
	f.mu.RLock()
	store := f.store
	f.mu.RUnlock()
	gvr, _ := meta.UnsafeGuessKindToResource(gvk)
	obj, err := store.Get(gvr, key.Namespace, key.Name)
	if err != nil {
		return nil, err
	}
	cobj, ok := obj.(client.Object)
	if !ok {
		return nil, fmt.Errorf("hubtest: the store holds a %T for %s", obj, gvk)
	}
	cobj.GetObjectKind().SetGroupVersionKind(gvk)
	return cobj, nil
}

// scratch makes a throwaway store of one kind, with its schema s, holding
// seed: where a patch or an apply is tried before it is made for real.
func (f *Fake) scratch(gvk schema.GroupVersionKind, s *crs.Schema, seed []client.Object) client.WithWatch {
	b := fake.NewClientBuilder().WithScheme(f.scheme).WithRESTMapper(f.mapper).WithObjectTracker(newFieldTracker(f.scheme, nil)).
		WithReturnManagedFields().WithObjects(seed...)
	if s.HasStatus {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(gvk)
		b = b.WithStatusSubresource(u)
	}
	return b.Build()
}

// seed creates the test's starting objects through the fake's own client,
// so that they get UIDs, generations and defaults and their controllers run,
// creating their namespaces first.
func (f *Fake) seed(ctx context.Context, objs []client.Object) error {
	namespaces := map[string]bool{metav1.NamespaceDefault: true}
	for _, obj := range objs {
		if ns, ok := obj.(*corev1.Namespace); ok {
			namespaces[ns.Name] = false
		} else if obj.GetNamespace() != "" {
			if _, known := namespaces[obj.GetNamespace()]; !known {
				namespaces[obj.GetNamespace()] = true
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(namespaces)) {
		if namespaces[name] {
			if err := f.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
				return fmt.Errorf("creating namespace %s: %w", name, err)
			}
		}
	}
	// Namespaces first, so that the objects in them can be created.
	ordered := slices.Clone(objs)
	slices.SortStableFunc(ordered, func(a, b client.Object) int {
		_, an := a.(*corev1.Namespace)
		_, bn := b.(*corev1.Namespace)
		switch {
		case an && !bn:
			return -1
		case bn && !an:
			return 1
		}
		return 0
	})
	for _, obj := range ordered {
		obj, ok := obj.DeepCopyObject().(client.Object)
		if !ok {
			continue
		}
		obj.SetResourceVersion("")
		if err := f.client.Create(ctx, obj); err != nil {
			return fmt.Errorf("seeding %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, client.ObjectKeyFromObject(obj), err)
		}
	}
	return nil
}

// Client returns the fake's controller-runtime client: every read and write
// a test or a reconciler makes goes through it.
func (f *Fake) Client() client.WithWatch { return f.client }

// Hub returns a hub.Client over the fake, with the options given to
// WithHubOptions and then opts. Invalid options fail the test; a program
// calls NewHub instead.
func (f *Fake) Hub(opts ...hub.Option) *hub.Client {
	c, err := f.NewHub(opts...)
	if err != nil {
		f.tb.Fatalf("%v", err)
	}
	return c
}

// NewHub returns a hub.Client over the fake, with the options given to
// WithHubOptions and then opts, or the error of an invalid option.
func (f *Fake) NewHub(opts ...hub.Option) (*hub.Client, error) {
	c, err := hub.Wrap(f.client, append(slices.Clone(f.hubOpts), opts...)...)
	if err != nil {
		return nil, fmt.Errorf("hubtest: %w", err)
	}
	return c, nil
}

// RESTConfig returns nil: the fake has no API server to connect to.
func (f *Fake) RESTConfig() *rest.Config { return nil }

// Clock returns the fake's clock. Creation timestamps and the built-in
// controllers' condition times come from it; step it to move time on.
func (f *Fake) Clock() *clocktesting.FakeClock { return f.clock }

// Recorder returns the event recorder to give to reconcilers under test.
func (f *Fake) Recorder() *Recorder { return f.recorder }

// IsReal reports false: the fake is in memory.
func (f *Fake) IsReal() bool { return false }

// InstallCRDs installs CRDs: their kinds become known to the REST mapper,
// their objects are validated and defaulted against their schemas, and their
// status subresources behave as on an API server. A CRD that is not
// structural is an error.
//
// Installing CRDs rebuilds the underlying fake client, keeping its objects;
// watches opened before end. Install CRDs before the test starts watching.
func (f *Fake) InstallCRDs(ctx context.Context, crds ...*apiextensionsv1.CustomResourceDefinition) error {
	if len(crds) == 0 {
		return nil
	}
	compiled := map[schema.GroupVersionKind]*crs.Schema{}
	for _, crd := range crds {
		schemas, err := crs.CompileCRD(crd)
		if err != nil {
			return err
		}
		for _, s := range schemas {
			compiled[s.GVK] = s
		}
	}
	f.mu.Lock()
	existing, err := f.snapshotLocked(ctx)
	if err != nil {
		f.mu.Unlock()
		return err
	}
	maps.Copy(f.schemas, compiled)
	f.registerUnstructuredLocked(compiled)
	f.mapper.set(f.mapperLocked())
	f.raw, f.store = f.build(existing)
	f.mu.Unlock()

	for _, crd := range crds {
		stored := crd.DeepCopy()
		stored.ResourceVersion = ""
		stored.Status.Conditions = []apiextensionsv1.CustomResourceDefinitionCondition{
			{Type: apiextensionsv1.NamesAccepted, Status: apiextensionsv1.ConditionTrue, Reason: "NoConflicts", LastTransitionTime: metav1.NewTime(f.clock.Now())},
			{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue, Reason: "InitialNamesAccepted", LastTransitionTime: metav1.NewTime(f.clock.Now())},
		}
		stored.Status.AcceptedNames = crd.Spec.Names
		if err := f.client.Create(ctx, stored); err != nil && !hub.IsAlreadyExists(err) {
			return fmt.Errorf("storing CRD %s: %w", crd.Name, err)
		}
	}
	return nil
}

// mapperLocked builds a REST mapper that knows the built-in kinds and every
// installed custom resource kind.
func (f *Fake) mapperLocked() meta.RESTMapper {
	crdMapper := meta.NewDefaultRESTMapper(nil)
	for gvk, s := range f.schemas {
		scope := meta.RESTScopeRoot
		if s.Namespaced {
			scope = meta.RESTScopeNamespace
		}
		crdMapper.AddSpecific(gvk, gvk.GroupVersion().WithResource(s.Plural), gvk.GroupVersion().WithResource(s.Plural), scope)
	}
	return layeredMapper{first: crdMapper, second: testrestmapper.TestOnlyStaticRESTMapper(f.scheme)}
}

// snapshotLocked reads every stored object, to carry it into a rebuilt
// client.
func (f *Fake) snapshotLocked(ctx context.Context) ([]client.Object, error) {
	var objs []client.Object
	for _, key := range f.index.all() {
		obj := f.newObject(key.gvk)
		if err := f.raw.Get(ctx, client.ObjectKey{Namespace: key.namespace, Name: key.name}, obj); err != nil {
			return nil, fmt.Errorf("hubtest: carrying %s %s/%s over: %w", key.gvk.Kind, key.namespace, key.name, err)
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

// newObject returns an empty object of kind gvk: typed when the scheme knows
// the kind, unstructured otherwise.
func (f *Fake) newObject(gvk schema.GroupVersionKind) client.Object {
	if f.scheme.Recognizes(gvk) {
		obj, err := f.scheme.New(gvk)
		if err == nil {
			if cobj, ok := obj.(client.Object); ok {
				cobj.GetObjectKind().SetGroupVersionKind(gvk)
				return cobj
			}
		}
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	return u
}

// currentRaw returns the underlying fake client.
func (f *Fake) currentRaw() client.WithWatch {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.raw
}

// schemaFor returns the schema of an installed custom resource kind.
func (f *Fake) schemaFor(gvk schema.GroupVersionKind) *crs.Schema {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.schemas[gvk]
}

// AddSimulators adds simulated operators to a running fake.
func (f *Fake) AddSimulators(sims ...Simulator) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.simulators = append(f.simulators, sims...)
}

// WaitFor polls condition every 10ms until it holds, fails, or timeout
// passes. Simulated controllers act on every write, so most waits end at
// once.
func (f *Fake) WaitFor(ctx context.Context, what string, timeout time.Duration, condition func(context.Context) (bool, error)) error {
	return poll(ctx, what, 10*time.Millisecond, timeout, condition)
}

// CreateNamespace creates a namespace named after prefix with a random
// suffix, deleted when the test ends.
func (f *Fake) CreateNamespace(ctx context.Context, prefix string) (string, error) {
	return createNamespace(ctx, f.tb, f.client, prefix)
}
