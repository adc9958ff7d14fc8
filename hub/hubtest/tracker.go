package hubtest

import (
	"errors"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/client-go/kubernetes/scheme"
	clienttesting "k8s.io/client-go/testing"
	"sigs.k8s.io/structured-merge-diff/v6/typed"
)

// fieldTracker is the store under controller-runtime's fake client:
// client-go's object tracker, with managed fields kept as the API server
// keeps them (server-side apply, ownership, conflicts). client-go's own
// field-managed tracker builds a REST mapper of the whole scheme and a new
// field manager on every write, which made each write cost about a
// millisecond and most of a megabyte; this one resolves a resource to its
// kind once and keeps one field manager per kind.
type fieldTracker struct {
	clienttesting.ObjectTracker

	scheme    *runtime.Scheme
	converter managedfields.TypeConverter
	watchers  *watchers

	mu       sync.RWMutex
	kinds    map[schema.GroupVersionResource]schema.GroupVersionKind
	managers map[schema.GroupVersionKind]*managedfields.FieldManager
}

var _ clienttesting.ObjectTracker = (*fieldTracker)(nil)

// newFieldTracker returns an empty store for the kinds of s, reporting its
// changes to ws (nil: a store nobody watches).
func newFieldTracker(s *runtime.Scheme, ws *watchers) *fieldTracker {
	return &fieldTracker{
		watchers:      ws,
		ObjectTracker: clienttesting.NewObjectTracker(s, serializer.NewCodecFactory(s).UniversalDecoder()),
		scheme:        s,
		converter:     firstTypeConverter{clientGoTypeConverter(), managedfields.NewDeducedTypeConverter()},
		kinds:         map[schema.GroupVersionResource]schema.GroupVersionKind{},
		managers:      map[schema.GroupVersionKind]*managedfields.FieldManager{},
	}
}

// clientGoTypeConverter knows the schemas of client-go's built-in types;
// custom resources fall to the deduced converter, as in controller-runtime.
var clientGoTypeConverter = sync.OnceValue(func() managedfields.TypeConverter {
	s := runtime.NewScheme()
	if err := scheme.AddToScheme(s); err != nil {
		panic(fmt.Sprintf("hubtest: client-go's scheme: %v", err))
	}
	return applyconfigurations.NewTypeConverter(s)
})

// kindFor returns the kind the fake client's resource gvr stands for. The
// fake names resources by guessing the plural of a kind, so the answer is
// the kind of the scheme whose guessed plural is gvr's, looked up again
// when the scheme has learnt kinds since (a CRD was installed).
func (t *fieldTracker) kindFor(gvr schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	t.mu.RLock()
	gvk, ok := t.kinds[gvr]
	t.mu.RUnlock()
	if ok {
		return gvk, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for known := range t.scheme.AllKnownTypes() {
		plural, _ := meta.UnsafeGuessKindToResource(known)
		if _, seen := t.kinds[plural]; !seen {
			t.kinds[plural] = known
		}
	}
	if gvk, ok := t.kinds[gvr]; ok {
		return gvk, nil
	}
	return schema.GroupVersionKind{}, fmt.Errorf("hubtest: no kind of the scheme is served as %s", gvr)
}

// managerFor returns the field manager of gvk, made on first use.
func (t *fieldTracker) managerFor(gvk schema.GroupVersionKind) (*managedfields.FieldManager, error) {
	t.mu.RLock()
	m, ok := t.managers[gvk]
	t.mu.RUnlock()
	if ok {
		return m, nil
	}
	m, err := managedfields.NewDefaultFieldManager(t.converter, t.scheme, noDefaults{}, t.scheme, gvk, gvk.GroupVersion(), "", nil)
	if err != nil {
		return nil, fmt.Errorf("hubtest: the field manager of %s: %w", gvk, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if existing, ok := t.managers[gvk]; ok {
		return existing, nil
	}
	t.managers[gvk] = m
	return m, nil
}

// managerOf returns the kind of resource gvr and its field manager.
func (t *fieldTracker) managerOf(gvr schema.GroupVersionResource) (schema.GroupVersionKind, *managedfields.FieldManager, error) {
	gvk, err := t.kindFor(gvr)
	if err != nil {
		return gvk, nil, err
	}
	m, err := t.managerFor(gvk)
	return gvk, m, err
}

// liveOrNew returns the stored object called name, or the empty object a
// create starts from when there is none, and whether it exists.
func (t *fieldTracker) liveOrNew(gvr schema.GroupVersionResource, gvk schema.GroupVersionKind, ns, name string) (runtime.Object, bool, error) {
	live, err := t.Get(gvr, ns, name)
	if err == nil {
		return live, true, nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, false, err
	}
	obj, err := t.scheme.New(gvk)
	if err != nil {
		return nil, false, fmt.Errorf("hubtest: a new %s: %w", gvk.Kind, err)
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return obj, false, nil
}

// Create stores obj with the managed fields of its creation.
func (t *fieldTracker) Create(gvr schema.GroupVersionResource, obj runtime.Object, ns string, opts ...metav1.CreateOptions) error {
	o, err := oneOption(opts)
	if err != nil {
		return err
	}
	gvk, m, err := t.managerOf(gvr)
	if err != nil {
		return err
	}
	typeMeta, err := meta.TypeAccessor(obj)
	if err != nil {
		return err
	}
	apiVersion, kind := gvk.ToAPIVersionAndKind()
	typeMeta.SetAPIVersion(apiVersion)
	typeMeta.SetKind(kind)
	objMeta, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	live, _, err := t.liveOrNew(gvr, gvk, ns, objMeta.GetName())
	if err != nil {
		return err
	}
	managed, err := m.Update(live, obj, o.FieldManager)
	if err != nil {
		return err
	}
	if err := t.ObjectTracker.Create(gvr, managed, ns, o); err != nil {
		return err
	}
	t.report(gvr, ns, objMeta.GetName(), watch.Added)
	return nil
}

// Update stores obj with its managed fields moved on by the update.
func (t *fieldTracker) Update(gvr schema.GroupVersionResource, obj runtime.Object, ns string, opts ...metav1.UpdateOptions) error {
	o, err := oneOption(opts)
	if err != nil {
		return err
	}
	managed, err := t.updated(gvr, obj, ns, o.FieldManager)
	if err != nil {
		return err
	}
	if err := t.ObjectTracker.Update(gvr, managed, ns, o); err != nil {
		return err
	}
	t.reportOf(gvr, ns, managed, watch.Modified)
	return nil
}

// Patch stores the patched object with its managed fields moved on.
func (t *fieldTracker) Patch(gvr schema.GroupVersionResource, patched runtime.Object, ns string, opts ...metav1.PatchOptions) error {
	o, err := oneOption(opts)
	if err != nil {
		return err
	}
	managed, err := t.updated(gvr, patched, ns, o.FieldManager)
	if err != nil {
		return err
	}
	if err := t.ObjectTracker.Patch(gvr, managed, ns, opts...); err != nil {
		return err
	}
	t.reportOf(gvr, ns, managed, watch.Modified)
	return nil
}

// updated returns obj with the managed fields an update by manager gives
// it over the stored object.
func (t *fieldTracker) updated(gvr schema.GroupVersionResource, obj runtime.Object, ns, manager string) (runtime.Object, error) {
	_, m, err := t.managerOf(gvr)
	if err != nil {
		return nil, err
	}
	objMeta, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	old, err := t.Get(gvr, ns, objMeta.GetName())
	if err != nil {
		return nil, err
	}
	return m.Update(old, obj, manager)
}

// dropEmptyStatus removes the empty status that a round trip through a Go
// type puts into an apply configuration: it claims no field, and a kind
// whose schema has no status at all (a NetworkPolicy) could not be typed
// with it.
func dropEmptyStatus(config runtime.Object) {
	u, ok := config.(*unstructured.Unstructured)
	if !ok {
		return
	}
	if status, found := u.Object["status"]; found {
		if m, isMap := status.(map[string]any); status == nil || (isMap && len(m) == 0) {
			delete(u.Object, "status")
		}
	}
}

// Apply merges a server-side apply configuration into the stored object
// (or a new one), with field ownership and conflicts.
func (t *fieldTracker) Apply(gvr schema.GroupVersionResource, config runtime.Object, ns string, opts ...metav1.PatchOptions) error {
	o, err := oneOption(opts)
	if err != nil {
		return err
	}
	gvk, m, err := t.managerOf(gvr)
	if err != nil {
		return err
	}
	configMeta, err := meta.Accessor(config)
	if err != nil {
		return err
	}
	live, exists, err := t.liveOrNew(gvr, gvk, ns, configMeta.GetName())
	if err != nil {
		return err
	}
	force := o.Force != nil && *o.Force
	dropEmptyStatus(config)
	applied, err := m.Apply(live, config, o.FieldManager, force)
	if err != nil {
		return err
	}
	if !exists {
		err = t.ObjectTracker.Create(gvr, applied, ns, metav1.CreateOptions{DryRun: o.DryRun, FieldManager: o.FieldManager, FieldValidation: o.FieldValidation})
	} else {
		err = t.ObjectTracker.Update(gvr, applied, ns, metav1.UpdateOptions{DryRun: o.DryRun, FieldManager: o.FieldManager, FieldValidation: o.FieldValidation})
	}
	if err != nil {
		return err
	}
	typ := watch.Modified
	if !exists {
		typ = watch.Added
	}
	t.report(gvr, ns, configMeta.GetName(), typ)
	return nil
}

// Delete removes the object and reports it gone.
func (t *fieldTracker) Delete(gvr schema.GroupVersionResource, ns, name string, opts ...metav1.DeleteOptions) error {
	var last runtime.Object
	if t.watchers.has(gvr) {
		last, _ = t.Get(gvr, ns, name)
	}
	if err := t.ObjectTracker.Delete(gvr, ns, name, opts...); err != nil {
		return err
	}
	if last != nil {
		t.watchers.notify(gvr, ns, watch.Deleted, last)
	}
	return nil
}

// Watch opens a watch of gvr in namespace ns ("" for all) whose events
// queue without bound (see watchers).
func (t *fieldTracker) Watch(gvr schema.GroupVersionResource, ns string, _ ...metav1.ListOptions) (watch.Interface, error) {
	if t.watchers == nil {
		return nil, errors.New("hubtest: this store is not watched")
	}
	return t.watchers.watch(gvr, ns), nil
}

// report tells the watches of gvr of a change to the object called name,
// as now stored.
func (t *fieldTracker) report(gvr schema.GroupVersionResource, ns, name string, typ watch.EventType) {
	if !t.watchers.has(gvr) {
		return
	}
	if obj, err := t.Get(gvr, ns, name); err == nil {
		t.watchers.notify(gvr, ns, typ, obj)
	}
}

// reportOf is report for the object obj names.
func (t *fieldTracker) reportOf(gvr schema.GroupVersionResource, ns string, obj runtime.Object, typ watch.EventType) {
	if objMeta, err := meta.Accessor(obj); err == nil {
		t.report(gvr, ns, objMeta.GetName(), typ)
	}
}

// oneOption returns the one options value a tracker call may carry.
func oneOption[O any](opts []O) (O, error) {
	var zero O
	switch len(opts) {
	case 0:
		return zero, nil
	case 1:
		return opts[0], nil
	}
	return zero, errors.New("hubtest: at most one options value per call")
}

// noDefaults defaults nothing: the fake's admission does.
type noDefaults struct{}

func (noDefaults) Default(runtime.Object) {}

// firstTypeConverter converts with the first of its converters that can.
type firstTypeConverter []managedfields.TypeConverter

func (c firstTypeConverter) ObjectToTyped(obj runtime.Object, opts ...typed.ValidationOptions) (*typed.TypedValue, error) {
	var errs []error
	for _, conv := range c {
		v, err := conv.ObjectToTyped(obj, opts...)
		if err == nil {
			return v, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("hubtest: no type converter knows %T: %w", obj, errors.Join(errs...))
}

func (c firstTypeConverter) TypedToObject(v *typed.TypedValue) (runtime.Object, error) {
	var errs []error
	for _, conv := range c {
		obj, err := conv.TypedToObject(v)
		if err == nil {
			return obj, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("hubtest: no type converter can build the object: %w", errors.Join(errs...))
}
