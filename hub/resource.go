package hub

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// A Resource is a typed accessor for one kind: Get, List, Create, Apply,
// Update, Delete and Watch over objects of type T, such as *corev1.Secret or
// a Hubkit API type. It resolves the namespace for the caller: namespaced
// kinds use the Resource's namespace (InNamespace) or else the client's
// default; cluster-scoped kinds use none.
//
// Make one with For. A Resource is cheap, immutable and safe for concurrent
// use.
type Resource[T client.Object] struct {
	c         *Client
	namespace string
	gvk       schema.GroupVersionKind
	objType   reflect.Type
	err       error
}

// For returns the typed accessor of kind T on c:
//
//	secrets := hub.For[*corev1.Secret](c)
//
// T must be a pointer type the client's scheme knows, or
// *unstructured.Unstructured together with the OfKind option. A T that does
// not qualify yields a Resource whose every call returns the reason.
func For[T client.Object](c *Client, opts ...ResourceOption) *Resource[T] {
	var s resourceSettings
	for _, opt := range opts {
		opt(&s)
	}
	r := &Resource[T]{c: c, namespace: s.namespace}
	r.objType = reflect.TypeFor[T]()
	if r.objType.Kind() != reflect.Pointer {
		r.err = fmt.Errorf("hub.For needs a pointer type such as *corev1.Secret, got %s", r.objType)
		return r
	}
	r.objType = r.objType.Elem()
	if r.objType == reflect.TypeFor[unstructured.Unstructured]() {
		if s.gvk.Kind == "" {
			r.err = errors.New("hub.For[*unstructured.Unstructured] needs the OfKind option to know its kind")
			return r
		}
		r.gvk = s.gvk
		return r
	}
	r.gvk, r.err = GroupVersionKindOf(c.scheme, r.newObject())
	return r
}

// InNamespace returns a copy of r that works in namespace.
func (r *Resource[T]) InNamespace(namespace string) *Resource[T] {
	cp := *r
	cp.namespace = namespace
	return &cp
}

// GroupVersionKind returns the kind r works on.
func (r *Resource[T]) GroupVersionKind() schema.GroupVersionKind { return r.gvk }

// Namespace returns the namespace r works in: "" for a cluster-scoped kind.
func (r *Resource[T]) Namespace() (string, error) {
	if r.err != nil {
		return "", r.err
	}
	namespaced, err := r.c.IsNamespaced(r.gvk)
	if err != nil || !namespaced {
		return "", err
	}
	return cmp.Or(r.namespace, r.c.namespace), nil
}

func (r *Resource[T]) newObject() T {
	obj, _ := reflect.TypeAssert[T](reflect.New(r.objType))
	if u, ok := any(obj).(*unstructured.Unstructured); ok {
		u.SetGroupVersionKind(r.gvk)
	}
	return obj
}

func (r *Resource[T]) newList() (client.ObjectList, error) {
	listGVK := r.gvk.GroupVersion().WithKind(r.gvk.Kind + "List")
	if r.objType == reflect.TypeFor[unstructured.Unstructured]() {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(listGVK)
		return list, nil
	}
	obj, err := r.c.scheme.New(listGVK)
	if err != nil {
		return nil, fmt.Errorf("hub: the scheme has no list kind for %s: %w", r.gvk.Kind, err)
	}
	list, ok := obj.(client.ObjectList)
	if !ok {
		return nil, fmt.Errorf("hub: %T is not a list type", obj)
	}
	return list, nil
}

// describe names an object of r's kind in an error message.
func (r *Resource[T]) describe(namespace, name string) string {
	if namespace == "" {
		return r.gvk.Kind + " " + name
	}
	return r.gvk.Kind + " " + namespace + "/" + name
}

// Get reads the object called name.
func (r *Resource[T]) Get(ctx context.Context, name string) (T, error) {
	var zero T
	ns, err := r.Namespace()
	if err != nil {
		return zero, err
	}
	obj := r.newObject()
	if err := r.c.kube.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj); err != nil {
		return zero, fmt.Errorf("getting %s: %w", r.describe(ns, name), err)
	}
	return obj, nil
}

// GetMatching reads the object called name, and answers NotFound, as the
// API server would, when matches refuses it: what a client does not manage
// is invisible through it, to Get as to List.
func (r *Resource[T]) GetMatching(ctx context.Context, name string, matches func(T) bool) (T, error) {
	obj, err := r.Get(ctx, name)
	if err != nil {
		return obj, err
	}
	if !matches(obj) {
		var zero T
		ns, _ := r.Namespace()
		gr := schema.GroupResource{Group: r.gvk.Group, Resource: r.gvk.Kind}
		if mapping, err := r.c.kube.RESTMapper().RESTMapping(r.gvk.GroupKind(), r.gvk.Version); err == nil {
			gr = mapping.Resource.GroupResource()
		}
		return zero, fmt.Errorf("%s is not one the platform manages: %w", r.describe(ns, name), apierrors.NewNotFound(gr, name))
	}
	return obj, nil
}

// GetRelevant reads the object called name, NotFound unless the client's
// relevance selector for r's kind selects it (see WithSelector): the Get of
// ListRelevant.
func (r *Resource[T]) GetRelevant(ctx context.Context, name string) (T, error) {
	sel, ok := r.c.Selector(r.gvk.GroupKind())
	if !ok {
		return r.Get(ctx, name)
	}
	return r.GetMatching(ctx, name, func(obj T) bool { return sel.MatchesLabels(obj.GetLabels()) })
}

// A Page is one answer to Resource.List.
type Page[T client.Object] struct {
	// Items are the objects of the page, in the requested order.
	Items []T
	// Continue fetches the next page when passed to Continue; it is empty
	// on the last page.
	Continue string
	// RemainingItemCount is the server's estimate of the items after this
	// page, when it gives one.
	RemainingItemCount *int64
}

func newListSettings(opts []ListOption) listSettings {
	var s listSettings
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

func (r *Resource[T]) listOptions(s listSettings) ([]client.ListOption, error) {
	var opts []client.ListOption
	if !s.allNamespaces {
		ns, err := r.Namespace()
		if err != nil {
			return nil, err
		}
		if ns != "" {
			opts = append(opts, client.InNamespace(ns))
		}
	}
	if s.selector != nil {
		opts = append(opts, client.MatchingLabelsSelector{Selector: s.selector})
	}
	if s.limit > 0 {
		opts = append(opts, client.Limit(s.limit))
	}
	if s.continueToken != "" {
		opts = append(opts, client.Continue(s.continueToken))
	}
	return opts, nil
}

// List lists the objects of r's namespace (or of all namespaces with
// AllNamespaces), filtered by MatchingLabels or MatchingSelector, a page at a
// time with Limit and Continue, ordered by SortedBy.
func (r *Resource[T]) List(ctx context.Context, opts ...ListOption) (Page[T], error) {
	if r.err != nil {
		return Page[T]{}, r.err
	}
	s := newListSettings(opts)
	listOpts, err := r.listOptions(s)
	if err != nil {
		return Page[T]{}, err
	}
	list, err := r.newList()
	if err != nil {
		return Page[T]{}, err
	}
	if err := r.c.kube.List(ctx, list, listOpts...); err != nil {
		return Page[T]{}, fmt.Errorf("listing %s: %w", r.gvk.Kind, err)
	}
	items, err := r.itemsOf(list)
	if err != nil {
		return Page[T]{}, err
	}
	sortObjects(items, s.order)
	return Page[T]{Items: items, Continue: list.GetContinue(), RemainingItemCount: list.GetRemainingItemCount()}, nil
}

func (r *Resource[T]) itemsOf(list client.ObjectList) ([]T, error) {
	objs, err := meta.ExtractList(list)
	if err != nil {
		return nil, fmt.Errorf("hub: reading the %s list: %w", r.gvk.Kind, err)
	}
	items := make([]T, 0, len(objs))
	for _, o := range objs {
		item, ok := o.(T)
		if !ok {
			return nil, fmt.Errorf("hub: the %s list holds a %T, want %s", r.gvk.Kind, o, reflect.TypeFor[T]())
		}
		items = append(items, item)
	}
	return items, nil
}

// ListMatching lists the objects that sel selects: one request per term of
// sel, the answers merged without duplicates and ordered by SortedBy. Limit,
// Continue, MatchingLabels and MatchingSelector do not apply and are an error.
func (r *Resource[T]) ListMatching(ctx context.Context, sel Selector, opts ...ListOption) ([]T, error) {
	if r.err != nil {
		return nil, r.err
	}
	s := newListSettings(opts)
	if s.limit != 0 || s.continueToken != "" || s.selector != nil {
		return nil, errors.New("hub: ListMatching lists whole selector terms: drop Limit, Continue, MatchingLabels and MatchingSelector")
	}
	terms := sel.Terms()
	if sel.SelectsAll() {
		terms = terms[:1]
	}
	seen := map[string]bool{}
	var items []T
	for _, term := range terms {
		s.selector = term
		listOpts, err := r.listOptions(s)
		if err != nil {
			return nil, err
		}
		list, err := r.newList()
		if err != nil {
			return nil, err
		}
		if err := r.c.kube.List(ctx, list, listOpts...); err != nil {
			return nil, fmt.Errorf("listing %s matching %q: %w", r.gvk.Kind, term, err)
		}
		page, err := r.itemsOf(list)
		if err != nil {
			return nil, err
		}
		for _, item := range page {
			key := item.GetNamespace() + "/" + item.GetName()
			if !seen[key] {
				seen[key] = true
				items = append(items, item)
			}
		}
	}
	sortObjects(items, s.order)
	return items, nil
}

// ListRelevant lists the objects the client's relevance selector for r's
// kind selects (see WithSelector), like ListMatching; without one configured
// it lists them all.
func (r *Resource[T]) ListRelevant(ctx context.Context, opts ...ListOption) ([]T, error) {
	sel, _ := r.c.Selector(r.gvk.GroupKind())
	return r.ListMatching(ctx, sel, opts...)
}

func sortObjects[T client.Object](items []T, order SortOrder) {
	byName := func(a, b T) int {
		return cmp.Or(cmp.Compare(a.GetNamespace(), b.GetNamespace()), cmp.Compare(a.GetName(), b.GetName()))
	}
	if order == SortByCreationTime {
		slices.SortStableFunc(items, func(a, b T) int {
			return cmp.Or(a.GetCreationTimestamp().Compare(b.GetCreationTimestamp().Time), byName(a, b))
		})
		return
	}
	slices.SortStableFunc(items, byName)
}

// prepare checks that obj may be written through r and gives it r's
// namespace when it names none.
func (r *Resource[T]) prepare(obj T) error {
	ns, err := r.Namespace()
	if err != nil {
		return err
	}
	if reflect.ValueOf(obj).IsNil() {
		return fmt.Errorf("hub: a nil %s cannot be written", r.gvk.Kind)
	}
	if ns != "" && obj.GetNamespace() == "" {
		obj.SetNamespace(ns)
	}
	if u, ok := any(obj).(*unstructured.Unstructured); ok && u.GetKind() == "" {
		u.SetGroupVersionKind(r.gvk)
	}
	return nil
}

// Create creates obj, in r's namespace if it names none, and fills it with
// what the server returns.
func (r *Resource[T]) Create(ctx context.Context, obj T) error {
	if err := r.prepare(obj); err != nil {
		return err
	}
	if err := r.c.kube.Create(ctx, obj, client.FieldOwner(r.c.fieldOwner)); err != nil {
		return fmt.Errorf("creating %s: %w", r.describe(obj.GetNamespace(), obj.GetName()), err)
	}
	return nil
}

// CreateBuilt creates what a domain's builder makes, as every domain
// client's Create verb does: errs are the builder's field errors (its
// Validate); when there are none, check (nil for none) adds what only the
// cluster knows about the object build makes for r's namespace (that a
// Service or a Secret it names exists). Any error makes a *ValidationError
// of kind and name, and nothing is sent; otherwise the object is created
// and returned as the server holds it.
func (r *Resource[T]) CreateBuilt(ctx context.Context, kind schema.GroupKind, name string, errs field.ErrorList,
	build func(namespace string) T, check func(context.Context, T) (field.ErrorList, error),
) (T, error) {
	var zero T
	ns, err := r.Namespace()
	if err != nil {
		return zero, err
	}
	obj := build(ns)
	if len(errs) == 0 && check != nil {
		if errs, err = check(ctx, obj); err != nil {
			return zero, err
		}
	}
	if err := NewValidationError(kind, name, errs); err != nil {
		return zero, err
	}
	if err := r.Create(ctx, obj); err != nil {
		return zero, err
	}
	return obj, nil
}

// Apply applies obj with server-side apply under the client's field owner
// (see Client.Apply and ApplyForm) and fills it with what the server
// returns. Pass ForceOwnership to take over fields another manager owns.
func (r *Resource[T]) Apply(ctx context.Context, obj T, opts ...ApplyOption) error {
	if err := r.prepare(obj); err != nil {
		return err
	}
	return r.c.Apply(ctx, obj, opts...)
}

// A MutateFunc changes an object in place before Update writes it. It must
// not change the object's name or namespace. An error stops the update.
type MutateFunc[T client.Object] func(T) error

// Update reads the object called name, lets mutate change it and writes it
// back, conditional on the resourceVersion it read. When another writer got
// there first (a Conflict), it reads the object again and runs mutate on the
// fresh copy, so that the other writer's change is kept, never overwritten.
// When mutate changes nothing, nothing is written. It returns the object as
// last read or written.
func (r *Resource[T]) Update(ctx context.Context, name string, mutate MutateFunc[T], opts ...UpdateOption) (T, error) {
	return r.update(ctx, name, mutate, false, opts)
}

// UpdateStatus is Update for the status subresource: only the status that
// mutate sets is written.
func (r *Resource[T]) UpdateStatus(ctx context.Context, name string, mutate MutateFunc[T], opts ...UpdateOption) (T, error) {
	return r.update(ctx, name, mutate, true, opts)
}

// mutateError marks an error of the caller's mutate function, so that it is
// neither retried nor mistaken for a conflict of the write.
type mutateError struct{ err error }

func (e *mutateError) Error() string { return e.err.Error() }
func (e *mutateError) Unwrap() error { return e.err }

func (r *Resource[T]) update(ctx context.Context, name string, mutate MutateFunc[T], status bool, opts []UpdateOption) (T, error) {
	var result T
	if mutate == nil {
		return result, errors.New("hub: Update needs a mutate function")
	}
	s := newUpdateSettings(opts)
	err := retry.OnError(s.backoff, func(err error) bool {
		_, fromMutate := errors.AsType[*mutateError](err)
		return apierrors.IsConflict(err) && !fromMutate
	}, func() error {
		current, err := r.Get(ctx, name)
		if err != nil {
			return err
		}
		before := current.DeepCopyObject()
		namespace := current.GetNamespace()
		if err := mutate(current); err != nil {
			return &mutateError{fmt.Errorf("updating %s: %w", r.describe(namespace, name), err)}
		}
		if current.GetName() != name || current.GetNamespace() != namespace {
			return &mutateError{fmt.Errorf("updating %s: the mutate function must not change the name or namespace", r.describe(namespace, name))}
		}
		result = current
		if equality.Semantic.DeepEqual(before, current) {
			return nil
		}
		if status {
			err = r.c.kube.Status().Update(ctx, current, client.FieldOwner(r.c.fieldOwner))
		} else {
			err = r.c.kube.Update(ctx, current, client.FieldOwner(r.c.fieldOwner))
		}
		if err != nil {
			return fmt.Errorf("updating %s: %w", r.describe(current.GetNamespace(), name), err)
		}
		return nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return result, nil
}

// Delete deletes the object called name. Propagation chooses what happens
// to its dependents; IfUID and IfResourceVersion make the delete conditional.
func (r *Resource[T]) Delete(ctx context.Context, name string, opts ...DeleteOption) error {
	ns, err := r.Namespace()
	if err != nil {
		return err
	}
	var del client.DeleteOptions
	for _, opt := range opts {
		opt(&del)
	}
	obj := r.newObject()
	obj.SetNamespace(ns)
	obj.SetName(name)
	if err := r.c.kube.Delete(ctx, obj, &del); err != nil {
		return fmt.Errorf("deleting %s: %w", r.describe(ns, name), err)
	}
	return nil
}

// DeleteObject deletes obj itself, not whatever has its name by now: the
// delete carries obj's UID as a precondition, so an object deleted and made
// again since obj was read is left alone (the API server answers Conflict).
// It is how a client deletes what it has read and checked.
func (r *Resource[T]) DeleteObject(ctx context.Context, obj T, opts ...DeleteOption) error {
	if reflect.ValueOf(obj).IsNil() {
		return fmt.Errorf("hub: a nil %s cannot be deleted", r.gvk.Kind)
	}
	return r.InNamespace(obj.GetNamespace()).Delete(ctx, obj.GetName(), append([]DeleteOption{IfUID(obj.GetUID())}, opts...)...)
}

// An Event is a change that Watch reports.
type Event[T client.Object] struct {
	// Type is watch.Added, Modified, Deleted, Bookmark or Error.
	Type watch.EventType
	// Object is the object the event is about; it is nil for Error events.
	Object T
	// Err is the error the server reported, for Error events.
	Err error
}

// Watch reports the changes to the objects List would return, until ctx is
// done or the server ends the watch; then the channel is closed. Limit,
// Continue and SortedBy do not apply to a watch.
func (r *Resource[T]) Watch(ctx context.Context, opts ...ListOption) (<-chan Event[T], error) {
	if r.err != nil {
		return nil, r.err
	}
	w, err := r.c.watcher()
	if err != nil {
		return nil, err
	}
	s := newListSettings(opts)
	s.limit, s.continueToken = 0, ""
	listOpts, err := r.listOptions(s)
	if err != nil {
		return nil, err
	}
	list, err := r.newList()
	if err != nil {
		return nil, err
	}
	upstream, err := w.Watch(ctx, list, listOpts...)
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", r.gvk.Kind, err)
	}
	events := make(chan Event[T])
	go func() {
		defer close(events)
		defer upstream.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-upstream.ResultChan():
				if !ok {
					return
				}
				out := Event[T]{Type: ev.Type}
				if ev.Type == watch.Error {
					out.Err = fmt.Errorf("watching %s: %w", r.gvk.Kind, apierrors.FromObject(ev.Object))
				} else if obj, ok := ev.Object.(T); ok {
					out.Object = obj
				} else {
					out.Type = watch.Error
					out.Err = fmt.Errorf("watching %s: got a %T", r.gvk.Kind, ev.Object)
				}
				select {
				case events <- out:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return events, nil
}
