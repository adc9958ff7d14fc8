package hubtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// fakeClient is the client a Fake hands out. It adds the API server's
// behaviour around controller-runtime's fake client, which it reaches
// through Fake.currentRaw so that installing CRDs can rebuild it.
type fakeClient struct {
	f *Fake
}

var _ client.WithWatch = (*fakeClient)(nil)

const (
	appsGroup = "apps"
	// statusSubresource names the status subresource.
	statusSubresource = "status"
)

// generationKinds are the built-in kinds whose metadata.generation the API
// server maintains; every custom resource kind has one too.
var generationKinds = map[schema.GroupKind]bool{
	{Group: appsGroup, Kind: "Deployment"}:                            true,
	{Group: appsGroup, Kind: "StatefulSet"}:                           true,
	{Group: appsGroup, Kind: "DaemonSet"}:                             true,
	{Group: appsGroup, Kind: "ReplicaSet"}:                            true,
	{Group: "", Kind: "ReplicationController"}:                        true,
	{Group: "batch", Kind: "Job"}:                                     true,
	{Group: "batch", Kind: "CronJob"}:                                 true,
	{Group: "networking.k8s.io", Kind: "Ingress"}:                     true,
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:               true,
	{Group: "policy", Kind: "PodDisruptionBudget"}:                    true,
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}: true,
}

func (c *fakeClient) tracksGeneration(gvk schema.GroupVersionKind) bool {
	return generationKinds[gvk.GroupKind()] || c.f.schemaFor(gvk) != nil
}

// hasStatusSubresource tells whether writes to the main resource of gvk
// leave its status alone.
func (c *fakeClient) hasStatusSubresource(gvk schema.GroupVersionKind) bool {
	if s := c.f.schemaFor(gvk); s != nil {
		return s.HasStatus
	}
	return true
}

func (c *fakeClient) gvkOf(obj runtime.Object) (schema.GroupVersionKind, error) {
	return apiutil.GVKForObject(obj, c.f.scheme)
}

func (c *fakeClient) Scheme() *runtime.Scheme { return c.f.scheme }

func (c *fakeClient) RESTMapper() meta.RESTMapper { return c.f.mapper }

func (c *fakeClient) GroupVersionKindFor(obj runtime.Object) (schema.GroupVersionKind, error) {
	return c.gvkOf(obj)
}

func (c *fakeClient) IsObjectNamespaced(obj runtime.Object) (bool, error) {
	return apiutil.IsObjectNamespaced(obj, c.f.scheme, c.f.mapper)
}

func (c *fakeClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	gvk, err := c.gvkOf(obj)
	if err != nil {
		return err
	}
	if err := c.f.serve(VerbGet, "", gvk, key.Namespace, key.Name); err != nil {
		return err
	}
	if err := c.f.currentRaw().Get(ctx, key, obj, opts...); err != nil {
		return err
	}
	dropNullStatus(obj)
	return nil
}

// dropNullStatus removes the "status": null that controller-runtime's fake
// leaves in unstructured objects whose status subresource was never
// written; the API server returns no status at all.
func dropNullStatus(obj runtime.Object) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		if status, found := u.Object["status"]; found && status == nil {
			delete(u.Object, "status")
		}
	}
}

func (c *fakeClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	gvk, err := c.gvkOf(list)
	if err != nil {
		return err
	}
	lo := client.ListOptions{}
	lo.ApplyOptions(opts)
	gvk.Kind = trimList(gvk.Kind)
	if err := c.f.serve(VerbList, "", gvk, lo.Namespace, ""); err != nil {
		return err
	}
	if err := c.f.currentRaw().List(ctx, list, opts...); err != nil {
		return err
	}
	if u, ok := list.(*unstructured.UnstructuredList); ok {
		for i := range u.Items {
			dropNullStatus(&u.Items[i])
		}
	}
	return nil
}

func trimList(kind string) string {
	if len(kind) > 4 && kind[len(kind)-4:] == "List" {
		return kind[:len(kind)-4]
	}
	return kind
}

// Watch watches like the API server: unlike controller-runtime's fake, it
// honours the label selector.
func (c *fakeClient) Watch(ctx context.Context, list client.ObjectList, opts ...client.ListOption) (watch.Interface, error) {
	gvk, err := c.gvkOf(list)
	if err != nil {
		return nil, err
	}
	lo := client.ListOptions{}
	lo.ApplyOptions(opts)
	gvk.Kind = trimList(gvk.Kind)
	if err := c.f.serve(VerbWatch, "", gvk, lo.Namespace, ""); err != nil {
		return nil, err
	}
	w, err := c.f.currentRaw().Watch(ctx, list, opts...)
	if err != nil || lo.LabelSelector == nil || lo.LabelSelector.Empty() {
		return w, err
	}
	sel := lo.LabelSelector
	return watch.Filter(w, func(ev watch.Event) (watch.Event, bool) {
		obj, ok := ev.Object.(metav1.Object)
		if !ok {
			return ev, true
		}
		return ev, sel.Matches(labels.Set(obj.GetLabels()))
	}), nil
}

// toMap returns the JSON form of obj as a fresh map.
func toMap(obj runtime.Object) (map[string]any, error) {
	if u, ok := obj.(runtime.Unstructured); ok {
		return runtime.DeepCopyJSON(u.UnstructuredContent()), nil
	}
	return runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
}

// fromMap replaces the content of obj with m.
func fromMap(m map[string]any, obj runtime.Object) error {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		u.Object = m
		return nil
	}
	v := reflect.ValueOf(obj).Elem()
	v.Set(reflect.Zero(v.Type()))
	return runtime.DefaultUnstructuredConverter.FromUnstructured(m, obj)
}

// checkNamespace refuses writes into a namespace that does not exist or is
// being deleted, as the API server's NamespaceLifecycle admission does.
func (c *fakeClient) checkNamespace(_ context.Context, gvk schema.GroupVersionKind, namespace string) error {
	namespaced, err := apiutil.IsGVKNamespaced(gvk, c.f.mapper)
	if err != nil || !namespaced || namespace == "" {
		return nil //nolint:nilerr // an unmapped kind is refused by the write itself
	}
	obj, err := c.f.stored(corev1.SchemeGroupVersion.WithKind("Namespace"), client.ObjectKey{Name: namespace})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return apierrors.NewNotFound(corev1.Resource("namespaces"), namespace)
		}
		return err
	}
	if ns, ok := obj.(*corev1.Namespace); ok && ns.Status.Phase == corev1.NamespaceTerminating {
		return apierrors.NewForbidden(c.resourceOf(gvk), "", fmt.Errorf("unable to create new content in namespace %s because it is being terminated", namespace))
	}
	return nil
}

func (c *fakeClient) resourceOf(gvk schema.GroupVersionKind) schema.GroupResource {
	if m, err := c.f.mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err == nil {
		return m.Resource.GroupResource()
	}
	plural, _ := meta.UnsafeGuessKindToResource(gvk)
	return plural.GroupResource()
}

func (c *fakeClient) invalid(gvk schema.GroupVersionKind, name string, errs field.ErrorList) error {
	return apierrors.NewInvalid(gvk.GroupKind(), name, errs)
}

func (c *fakeClient) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	gvk, err := c.gvkOf(obj)
	if err != nil {
		return err
	}
	if err := c.f.serve(VerbCreate, "", gvk, obj.GetNamespace(), obj.GetName()); err != nil {
		return err
	}
	if err := c.checkNamespace(ctx, gvk, obj.GetNamespace()); err != nil {
		return err
	}
	if s := c.f.schemaFor(gvk); s != nil {
		// A custom resource: validated and defaulted from its schema.
		content, err := toMap(obj)
		if err != nil {
			return err
		}
		if s.HasStatus {
			delete(content, "status")
		}
		if errs := s.Admit(ctx, content, nil); len(errs) > 0 {
			return c.invalid(gvk, obj.GetName(), errs)
		}
		if err := fromMap(content, obj); err != nil {
			return err
		}
	}
	c.admitBuiltin(ctx, obj)
	obj.SetUID(uuid.NewUUID())
	obj.SetCreationTimestamp(metav1.NewTime(c.f.clock.Now()))
	if c.tracksGeneration(gvk) {
		obj.SetGeneration(1)
	}
	if err := c.f.currentRaw().Create(ctx, obj, opts...); err != nil {
		return err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	c.f.index.put(gvk, obj)
	c.f.dispatch(ctx, EventCreated, gvk, obj, nil)
	c.sweepIfTerminating(ctx, obj)
	return nil
}

// foldStringData moves a Secret's write-only stringData into data, as the
// API server does on every write.
func foldStringData(obj client.Object) {
	secret, ok := obj.(*corev1.Secret)
	if !ok || len(secret.StringData) == 0 {
		return
	}
	if secret.Data == nil {
		secret.Data = make(map[string][]byte, len(secret.StringData))
	}
	for k, v := range secret.StringData {
		secret.Data[k] = []byte(v)
	}
	secret.StringData = nil
}

// admitBuiltin does what the API server's defaulting and admission plugins
// do to built-in kinds on create.
func (c *fakeClient) admitBuiltin(ctx context.Context, obj client.Object) {
	foldStringData(obj)
	switch o := obj.(type) {
	case *corev1.PersistentVolumeClaim:
		if o.Spec.StorageClassName == nil {
			if class := defaultStorageClass(ctx, c.f.currentRaw()); class != "" {
				o.Spec.StorageClassName = &class
			}
		}
		if o.Status.Phase == "" {
			o.Status.Phase = corev1.ClaimPending
		}
	case *corev1.PersistentVolume:
		if o.Status.Phase == "" {
			o.Status.Phase = corev1.VolumePending
		}
	case *corev1.Pod:
		if o.Status.Phase == "" {
			o.Status.Phase = corev1.PodPending
		}
	case *corev1.Namespace:
		if o.Status.Phase == "" {
			o.Status.Phase = corev1.NamespaceActive
		}
	}
}

// complete writes what settle fixed in a merged object. The status that
// admission gives a new object is a subresource of the underlying fake,
// which an update leaves as it was: it is written on its own.
func (c *fakeClient) complete(ctx context.Context, fixed client.Object, created bool, manager string) (client.Object, error) {
	opts := []client.UpdateOption{}
	if manager != "" {
		opts = append(opts, client.FieldOwner(manager))
	}
	admitted, _ := fixed.DeepCopyObject().(client.Object)
	if err := c.f.currentRaw().Update(ctx, fixed, opts...); err != nil {
		return nil, fmt.Errorf("hubtest: completing the write: %w", err)
	}
	if !created || !admitsStatus(admitted) {
		return fixed, nil
	}
	admitted.SetResourceVersion(fixed.GetResourceVersion())
	if err := c.f.currentRaw().Status().Update(ctx, admitted); err != nil {
		return nil, fmt.Errorf("hubtest: completing the write: %w", err)
	}
	return admitted, nil
}

// admitsStatus tells whether admitBuiltin sets obj's status.
func admitsStatus(obj client.Object) bool {
	switch obj.(type) {
	case *corev1.PersistentVolumeClaim, *corev1.PersistentVolume, *corev1.Pod, *corev1.Namespace:
		return true
	}
	return false
}

func (c *fakeClient) current(_ context.Context, gvk schema.GroupVersionKind, key client.ObjectKey) (client.Object, error) {
	obj, err := c.f.stored(gvk, key)
	if err != nil {
		return nil, err
	}
	dropNullStatus(obj)
	return obj, nil
}

func (c *fakeClient) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	gvk, err := c.gvkOf(obj)
	if err != nil {
		return err
	}
	if err := c.f.serve(VerbUpdate, "", gvk, obj.GetNamespace(), obj.GetName()); err != nil {
		return err
	}
	old, err := c.current(ctx, gvk, client.ObjectKeyFromObject(obj))
	if err != nil {
		return err
	}
	generation, err := c.admitUpdate(ctx, gvk, obj, old)
	if err != nil {
		return err
	}
	foldStringData(obj)
	obj.SetUID(old.GetUID())
	obj.SetCreationTimestamp(old.GetCreationTimestamp())
	obj.SetGeneration(generation)
	if err := c.f.currentRaw().Update(ctx, obj, opts...); err != nil {
		return err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	c.afterWrite(ctx, gvk, obj, old)
	return nil
}

// admitUpdate keeps the status behind a status subresource as it was,
// validates and defaults a custom resource against its schema, and returns
// the generation the update leaves obj with. These are read from the
// objects' content; a kind with none of them (a ConfigMap) needs no
// encoding at all.
func (c *fakeClient) admitUpdate(ctx context.Context, gvk schema.GroupVersionKind, obj, old client.Object) (int64, error) {
	s := c.f.schemaFor(gvk)
	if s == nil && !c.hasStatusSubresource(gvk) && !c.tracksGeneration(gvk) {
		return old.GetGeneration(), nil
	}
	content, err := toMap(obj)
	if err != nil {
		return 0, err
	}
	oldContent, err := toMap(old)
	if err != nil {
		return 0, err
	}
	if c.hasStatusSubresource(gvk) {
		if status, ok := oldContent["status"]; ok {
			content["status"] = status
		} else {
			delete(content, "status")
		}
	}
	if s != nil {
		if errs := s.Admit(ctx, content, oldContent); len(errs) > 0 {
			return 0, c.invalid(gvk, obj.GetName(), errs)
		}
	}
	if err := fromMap(content, obj); err != nil {
		return 0, err
	}
	return c.nextGeneration(gvk, content, oldContent, old.GetGeneration()), nil
}

func (c *fakeClient) nextGeneration(gvk schema.GroupVersionKind, content, oldContent map[string]any, oldGeneration int64) int64 {
	if !c.tracksGeneration(gvk) {
		return oldGeneration
	}
	if specEqual(content, oldContent, c.hasStatusSubresource(gvk)) {
		return oldGeneration
	}
	return oldGeneration + 1
}

// afterWrite records a successful write and tells the simulators. An
// update that removed the last finalizer of an object being deleted has
// deleted it; then its dependents are collected.
func (c *fakeClient) afterWrite(ctx context.Context, gvk schema.GroupVersionKind, obj, old client.Object) {
	key := client.ObjectKeyFromObject(obj)
	if obj.GetDeletionTimestamp() != nil && len(obj.GetFinalizers()) == 0 {
		if _, err := c.current(ctx, gvk, key); apierrors.IsNotFound(err) {
			c.gone(ctx, gvk, obj, metav1.DeletePropagationBackground)
			return
		}
	}
	c.f.index.put(gvk, obj)
	c.f.dispatch(ctx, EventUpdated, gvk, obj, old)
}

func (c *fakeClient) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	gvk, err := c.gvkOf(obj)
	if err != nil {
		return err
	}
	verb := VerbPatch
	if patch.Type() == types.ApplyPatchType {
		verb = VerbApply
	}
	if err := c.f.serve(verb, "", gvk, obj.GetNamespace(), obj.GetName()); err != nil {
		return err
	}
	key := client.ObjectKeyFromObject(obj)
	old, err := c.beforeMerge(ctx, gvk, key)
	if err != nil {
		return err
	}
	if err := c.refuseInvalid(ctx, gvk, key, old, func(scratch client.Client) error {
		cp, ok := obj.DeepCopyObject().(client.Object)
		if !ok {
			return fmt.Errorf("hubtest: %T is not a client.Object", obj)
		}
		return scratch.Patch(ctx, cp, patch, opts...)
	}); err != nil {
		return err
	}
	if err := c.f.currentRaw().Patch(ctx, obj, patch, opts...); err != nil {
		return err
	}
	stored, err := c.settle(ctx, gvk, key, old, fieldOwnerOf(opts))
	if err != nil || stored == nil {
		return err
	}
	return copyInto(stored, obj)
}

// beforeMerge reads the object a patch or an apply merges into, nil when it
// would create one, in which case its namespace must admit it.
func (c *fakeClient) beforeMerge(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey) (client.Object, error) {
	old, err := c.current(ctx, gvk, key)
	if err == nil {
		return old, nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, err
	}
	return nil, c.checkNamespace(ctx, gvk, key.Namespace)
}

func fieldOwnerOf(opts []client.PatchOption) string {
	po := client.PatchOptions{}
	po.ApplyOptions(opts)
	return po.FieldManager
}

func copyInto(from, to client.Object) error {
	content, err := toMap(from)
	if err != nil {
		return err
	}
	gvk := to.GetObjectKind().GroupVersionKind()
	if err := fromMap(content, to); err != nil {
		return err
	}
	if !gvk.Empty() {
		to.GetObjectKind().SetGroupVersionKind(gvk)
	}
	return nil
}

func (c *fakeClient) Apply(ctx context.Context, config runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
	data, err := json.Marshal(config)
	if err != nil {
		return fmt.Errorf("hubtest: reading the apply configuration: %w", err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		return fmt.Errorf("hubtest: reading the apply configuration: %w", err)
	}
	gvk := u.GroupVersionKind()
	if err := c.f.serve(VerbApply, "", gvk, u.GetNamespace(), u.GetName()); err != nil {
		return err
	}
	key := client.ObjectKeyFromObject(u)
	old, err := c.beforeMerge(ctx, gvk, key)
	if err != nil {
		return err
	}
	if err := c.refuseInvalid(ctx, gvk, key, old, func(scratch client.Client) error {
		ao := client.ApplyOptions{}
		ao.ApplyOptions(opts)
		return scratch.Patch(ctx, u.DeepCopy(), client.RawPatch(types.ApplyPatchType, data), &client.PatchOptions{Raw: ao.AsPatchOptions()})
	}); err != nil {
		return err
	}
	if err := c.f.currentRaw().Apply(ctx, config, opts...); err != nil {
		return err
	}
	ao := client.ApplyOptions{}
	ao.ApplyOptions(opts)
	stored, err := c.settle(ctx, gvk, key, old, ao.FieldManager)
	if err != nil || stored == nil {
		return err
	}
	content, err := toMap(stored)
	if err != nil {
		return err
	}
	out, err := json.Marshal(content)
	if err != nil {
		return err
	}
	return json.Unmarshal(out, config)
}

// settle finishes a patch or an apply, whose result is only known once the
// underlying fake has merged it: it validates the result and undoes the
// write when it is invalid, and otherwise gives it what the API server
// would have (defaults, a UID, a creation time, the right generation) with
// one more write when anything is missing.
func (c *fakeClient) settle(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey, old client.Object, manager string) (client.Object, error) {
	stored, err := c.current(ctx, gvk, key)
	if err != nil {
		if apierrors.IsNotFound(err) && old != nil && old.GetDeletionTimestamp() != nil {
			// The write removed the last finalizer of an object being
			// deleted: it succeeded, and the object is gone.
			c.gone(ctx, gvk, old, metav1.DeletePropagationBackground)
			return nil, nil //nolint:nilnil // nothing is stored any more, and that is no error
		}
		return nil, err
	}
	content, err := toMap(stored)
	if err != nil {
		return nil, err
	}
	var oldContent map[string]any
	if old != nil {
		if oldContent, err = toMap(old); err != nil {
			return nil, err
		}
	}
	want := runtime.DeepCopyJSON(content)
	if s := c.f.schemaFor(gvk); s != nil {
		if old == nil && s.HasStatus {
			// A create through the main resource stores no status.
			delete(want, "status")
		}
		if errs := s.Admit(ctx, want, oldContent); len(errs) > 0 {
			if err := c.undo(ctx, stored, old); err != nil {
				return nil, fmt.Errorf("hubtest: undoing an invalid write: %w", err)
			}
			return nil, c.invalid(gvk, key.Name, errs)
		}
	}
	fixed := c.f.newObject(gvk)
	if err := fromMap(want, fixed); err != nil {
		return nil, err
	}
	if old == nil {
		// A patch or apply that creates is a create to admission.
		c.admitBuiltin(ctx, fixed)
		if fixed.GetUID() == "" {
			fixed.SetUID(uuid.NewUUID())
		}
		fixed.SetCreationTimestamp(metav1.NewTime(c.f.clock.Now()))
		if c.tracksGeneration(gvk) {
			fixed.SetGeneration(1)
		}
	} else {
		fixed.SetUID(old.GetUID())
		fixed.SetCreationTimestamp(old.GetCreationTimestamp())
		fixed.SetGeneration(c.nextGeneration(gvk, content, oldContent, old.GetGeneration()))
	}
	fixedContent, err := toMap(fixed)
	if err != nil {
		return nil, err
	}
	if !equalJSON(fixedContent, content) {
		if stored, err = c.complete(ctx, fixed, old == nil, manager); err != nil {
			return nil, err
		}
	}
	stored.GetObjectKind().SetGroupVersionKind(gvk)
	if old == nil {
		c.f.index.put(gvk, stored)
		c.f.dispatch(ctx, EventCreated, gvk, stored, nil)
		c.sweepIfTerminating(ctx, stored)
		return stored, nil
	}
	c.afterWrite(ctx, gvk, stored, old)
	return stored, nil
}

// refuseInvalid makes a patch or an apply of a kind with a schema on a
// scratch store that holds only old (nothing, when the write creates),
// validates the result, and refuses an invalid one before the real store is
// touched: as the API server validates before it stores, neither a reader
// nor a watcher ever sees an invalid object, and its resourceVersion does
// not move. Built-in kinds have no schema to break.
func (c *fakeClient) refuseInvalid(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey, old client.Object, write func(scratch client.Client) error) error {
	s := c.f.schemaFor(gvk)
	if s == nil {
		return nil
	}
	var seed []client.Object
	if old != nil {
		cp, ok := old.DeepCopyObject().(client.Object)
		if !ok {
			return fmt.Errorf("hubtest: %T is not a client.Object", old)
		}
		seed = append(seed, cp)
	}
	scratch := c.f.scratch(gvk, s, seed)
	if err := write(scratch); err != nil {
		return err
	}
	result := c.f.newObject(gvk)
	if err := scratch.Get(ctx, key, result); err != nil {
		if apierrors.IsNotFound(err) && old != nil && old.GetDeletionTimestamp() != nil {
			// The write removes the last finalizer of an object being
			// deleted: nothing is left to validate.
			return nil
		}
		return fmt.Errorf("hubtest: reading a write's result: %w", err)
	}
	content, err := toMap(result)
	if err != nil {
		return err
	}
	var oldContent map[string]any
	if old != nil {
		if oldContent, err = toMap(old); err != nil {
			return err
		}
	} else if s.HasStatus {
		// A create through the main resource stores no status: what the
		// writer put there (a typed object's empty status with its null
		// lists) is not validated.
		delete(content, "status")
	}
	if errs := s.Admit(ctx, content, oldContent); len(errs) > 0 {
		return c.invalid(gvk, key.Name, errs)
	}
	return nil
}

// undo restores the state before an invalid write, should one get past
// refuseInvalid (a concurrent write between its check and the real one).
func (c *fakeClient) undo(ctx context.Context, stored, old client.Object) error {
	raw := c.f.currentRaw()
	if old == nil {
		return raw.Delete(ctx, stored)
	}
	restore, ok := old.DeepCopyObject().(client.Object)
	if !ok {
		return errors.New("not a client.Object")
	}
	restore.SetResourceVersion(stored.GetResourceVersion())
	return raw.Update(ctx, restore)
}

func (c *fakeClient) DeleteAllOf(ctx context.Context, obj client.Object, opts ...client.DeleteAllOfOption) error {
	gvk, err := c.gvkOf(obj)
	if err != nil {
		return err
	}
	dao := client.DeleteAllOfOptions{}
	dao.ApplyOptions(opts)
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	if err := c.List(ctx, list, &dao.ListOptions); err != nil {
		return err
	}
	for i := range list.Items {
		item := &list.Items[i]
		item.SetGroupVersionKind(gvk)
		if err := c.Delete(ctx, item, &dao.DeleteOptions); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}

func (c *fakeClient) Status() client.SubResourceWriter { return c.SubResource(statusSubresource) }

func (c *fakeClient) SubResource(sub string) client.SubResourceClient {
	return &fakeSubResourceClient{c: c, sub: sub}
}

// fakeSubResourceClient validates status writes of custom resources against
// their schemas and tells the simulators.
type fakeSubResourceClient struct {
	c   *fakeClient
	sub string
}

func (s *fakeSubResourceClient) raw() client.SubResourceClient {
	return s.c.f.currentRaw().SubResource(s.sub)
}

func (s *fakeSubResourceClient) Get(ctx context.Context, obj, subResource client.Object, opts ...client.SubResourceGetOption) error {
	return s.raw().Get(ctx, obj, subResource, opts...)
}

func (s *fakeSubResourceClient) Create(ctx context.Context, obj, subResource client.Object, opts ...client.SubResourceCreateOption) error {
	return s.raw().Create(ctx, obj, subResource, opts...)
}

func (s *fakeSubResourceClient) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	gvk, err := s.c.gvkOf(obj)
	if err != nil {
		return err
	}
	if err := s.c.f.serve(VerbUpdate, s.sub, gvk, obj.GetNamespace(), obj.GetName()); err != nil {
		return err
	}
	old, err := s.c.current(ctx, gvk, client.ObjectKeyFromObject(obj))
	if err != nil {
		return err
	}
	if schema := s.c.f.schemaFor(gvk); schema != nil && s.sub == statusSubresource {
		content, err := toMap(old)
		if err != nil {
			return err
		}
		oldContent := runtime.DeepCopyJSON(content)
		incoming, err := toMap(obj)
		if err != nil {
			return err
		}
		content["status"] = incoming["status"]
		if errs := schema.Admit(ctx, content, oldContent); len(errs) > 0 {
			return s.c.invalid(gvk, obj.GetName(), errs)
		}
	}
	if err := s.raw().Update(ctx, obj, opts...); err != nil {
		return err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	s.c.afterWrite(ctx, gvk, obj, old)
	return nil
}

func (s *fakeSubResourceClient) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	gvk, err := s.c.gvkOf(obj)
	if err != nil {
		return err
	}
	if err := s.c.f.serve(VerbPatch, s.sub, gvk, obj.GetNamespace(), obj.GetName()); err != nil {
		return err
	}
	key := client.ObjectKeyFromObject(obj)
	old, err := s.c.current(ctx, gvk, key)
	if err != nil {
		return err
	}
	if s.sub == statusSubresource {
		if err := s.c.refuseInvalid(ctx, gvk, key, old, func(scratch client.Client) error {
			cp, ok := obj.DeepCopyObject().(client.Object)
			if !ok {
				return fmt.Errorf("hubtest: %T is not a client.Object", obj)
			}
			return scratch.Status().Patch(ctx, cp, patch, opts...)
		}); err != nil {
			return err
		}
	}
	if err := s.raw().Patch(ctx, obj, patch, opts...); err != nil {
		return err
	}
	return s.afterStatusWrite(ctx, gvk, key, old, obj)
}

func (s *fakeSubResourceClient) Apply(ctx context.Context, config runtime.ApplyConfiguration, opts ...client.SubResourceApplyOption) error {
	data, err := json.Marshal(config)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		return err
	}
	gvk := u.GroupVersionKind()
	if err := s.c.f.serve(VerbApply, s.sub, gvk, u.GetNamespace(), u.GetName()); err != nil {
		return err
	}
	key := client.ObjectKeyFromObject(u)
	old, err := s.c.current(ctx, gvk, key)
	if err != nil {
		return err
	}
	if s.sub == statusSubresource {
		if err := s.c.refuseInvalid(ctx, gvk, key, old, func(scratch client.Client) error {
			ao := client.SubResourceApplyOptions{}
			ao.ApplyOpts(opts)
			po := &client.SubResourcePatchOptions{PatchOptions: client.PatchOptions{Raw: ao.AsPatchOptions()}}
			return scratch.Status().Patch(ctx, u.DeepCopy(), client.RawPatch(types.ApplyPatchType, data), po)
		}); err != nil {
			return err
		}
	}
	if err := s.raw().Apply(ctx, config, opts...); err != nil {
		return err
	}
	return s.afterStatusWrite(ctx, gvk, key, old, nil)
}

// validateStatus checks a custom resource's patched status against its
// schema, restoring old when it is invalid, should an invalid status get
// past refuseInvalid (a concurrent write between its check and the real
// one).
func (s *fakeSubResourceClient) validateStatus(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey, old, stored client.Object) error {
	cs := s.c.f.schemaFor(gvk)
	if cs == nil || s.sub != statusSubresource {
		return nil
	}
	content, err := toMap(stored)
	if err != nil {
		return err
	}
	oldContent, err := toMap(old)
	if err != nil {
		return err
	}
	errs := cs.Admit(ctx, content, oldContent)
	if len(errs) == 0 {
		return nil
	}
	restore, ok := old.DeepCopyObject().(client.Object)
	if !ok {
		return errors.New("hubtest: not a client.Object")
	}
	restore.SetResourceVersion(stored.GetResourceVersion())
	if err := s.raw().Update(ctx, restore); err != nil {
		return fmt.Errorf("hubtest: undoing an invalid status write: %w", err)
	}
	return s.c.invalid(gvk, key.Name, errs)
}

// afterStatusWrite validates a patched status, undoing the patch when it is
// invalid.
func (s *fakeSubResourceClient) afterStatusWrite(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey, old, into client.Object) error {
	stored, err := s.c.current(ctx, gvk, key)
	if err != nil {
		return err
	}
	if err := s.validateStatus(ctx, gvk, key, old, stored); err != nil {
		return err
	}
	stored.GetObjectKind().SetGroupVersionKind(gvk)
	s.c.afterWrite(ctx, gvk, stored, old)
	if into != nil {
		return copyInto(stored, into)
	}
	return nil
}
