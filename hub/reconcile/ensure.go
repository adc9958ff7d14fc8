package reconcile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/hubkit-dev/hubkit/hub"
)

// AppliedHashAnnotation is the annotation in which Ensure records a digest
// of the desired state it applied to a child. A child whose annotation
// matches the desired state, and whose fields still hold the desired values,
// is left alone: that is how a resync over converged children makes no
// write, while a desired field that was removed is still noticed.
const AppliedHashAnnotation = "hubkit.dev/applied-hash"

// An Operation says what Ensure did to one child.
type Operation string

const (
	// OperationCreated means the child did not exist and was created.
	OperationCreated Operation = "Created"
	// OperationUpdated means the child differed from its desired state and
	// was applied.
	OperationUpdated Operation = "Updated"
	// OperationUnchanged means the child already was in its desired state;
	// nothing was written.
	OperationUnchanged Operation = "Unchanged"
	// OperationFailed means reading or applying the child failed; the error
	// Ensure returns says why.
	OperationFailed Operation = "Failed"
	// OperationPending means the managed reconciler applied the child
	// moments ago as it is desired now, and its cache has not caught up
	// yet: nothing was written, and the reconciler looks again shortly.
	OperationPending Operation = "Pending"
)

// A Result is what Ensure did to one desired child.
type Result struct {
	// Object is the child as the cluster has it after Ensure, or as desired
	// when the operation failed.
	Object client.Object
	// Operation is what Ensure did.
	Operation Operation
}

// Results lists what Ensure did, in the order of the desired children.
type Results []Result

// Changed returns the children that Ensure created or updated.
func (rs Results) Changed() []client.Object {
	var changed []client.Object
	for _, r := range rs {
		if r.Operation == OperationCreated || r.Operation == OperationUpdated {
			changed = append(changed, r.Object)
		}
	}
	return changed
}

// ResultOf returns the first of rs whose child is a T (a *appsv1.Deployment,
// say), with the child as a T; false when there is none.
func ResultOf[T client.Object](rs Results) (T, Operation, bool) {
	for _, r := range rs {
		if child, ok := r.Object.(T); ok {
			return child, r.Operation, true
		}
	}
	var none T
	return none, "", false
}

// Ensure makes the desired children of owner exist as desired. Each child
// gets owner as its controller owner reference (so that deleting owner
// deletes it) and the owner's namespace when it is namespaced and names
// none; then it is applied with server-side apply under the client's field
// owner, taking over conflicting fields, since the owner's controller is the
// authority on its children.
//
// A child that already holds its desired state is not written at all, so a
// resync over converged children makes no write; see AppliedHashAnnotation.
// Children are independent: a failing child does not stop the others, and
// the errors of all failing children are joined.
//
// The desired objects are not modified.
func Ensure(ctx context.Context, c *hub.Client, owner client.Object, desired ...client.Object) (Results, error) {
	if owner == nil || reflect.ValueOf(owner).IsNil() {
		return nil, errors.New("ensuring children: the owner is nil")
	}
	return ensureAll(ctx, c, owner, desired, nil)
}

// EnsureUnowned makes objects that no object owns (the ClusterRoles a
// platform's Helm chart would ship, which an operator applies when it
// starts) exist as desired, as Ensure does for children: with server-side
// apply, taking over conflicting fields, and no write when they already
// are as desired. Deleting them is nobody's business but the caller's.
func EnsureUnowned(ctx context.Context, c *hub.Client, desired ...client.Object) (Results, error) {
	return ensureAll(ctx, c, nil, desired, nil)
}

// ensureAll ensures each desired object, with owner as its controller
// unless owner is nil, keeping exp's record of what it applied (nil for
// none).
func ensureAll(ctx context.Context, c *hub.Client, owner client.Object, desired []client.Object, exp *expectations) (Results, error) {
	results := make(Results, 0, len(desired))
	var steps Steps
	for i, child := range desired {
		result := Result{Object: child, Operation: OperationFailed}
		steps.Run(describeChild(c, i, child), func() error {
			obj, op, err := ensureChild(ctx, c, owner, child, exp)
			if err == nil {
				result = Result{Object: obj, Operation: op}
			}
			return err
		})
		results = append(results, result)
	}
	return results, steps.Err()
}

// describeChild names the i-th desired child in an error message.
func describeChild(c *hub.Client, i int, obj client.Object) string {
	if obj == nil || reflect.ValueOf(obj).IsNil() {
		return fmt.Sprintf("child %d", i)
	}
	kind := fmt.Sprintf("%T", obj)
	if gvk, err := hub.GroupVersionKindOf(c.Scheme(), obj); err == nil {
		kind = gvk.Kind
	}
	return fmt.Sprintf("child %d (%s %q)", i, kind, obj.GetName())
}

func ensureChild(ctx context.Context, c *hub.Client, owner, child client.Object, exp *expectations) (client.Object, Operation, error) {
	obj, gvk, form, digest, err := desiredForm(c, owner, child)
	if err != nil {
		return nil, OperationFailed, err
	}
	existing, err := newLike(obj)
	if err != nil {
		return nil, OperationFailed, err
	}
	key := expectationKey(gvk, obj)
	err = c.Kube().Get(ctx, client.ObjectKeyFromObject(obj), existing)
	switch {
	case apierrors.IsNotFound(err):
		if exp.pending(key, digest) {
			return obj, OperationPending, nil
		}
		if err := c.Apply(ctx, form, hub.ForceOwnership()); err != nil {
			return nil, OperationFailed, err
		}
		exp.expect(key, digest)
		return fillLike(obj, form, OperationCreated)
	case err != nil:
		return nil, OperationFailed, fmt.Errorf("reading the current state: %w", err)
	}
	current, err := contentOf(existing)
	if err != nil {
		return nil, OperationFailed, err
	}
	// Typed reads come back without apiVersion and kind; the rest of the
	// apply form must be held by the current object.
	want := make(map[string]any, len(form.Object))
	for k, v := range form.Object {
		if k != "apiVersion" && k != "kind" {
			want[k] = v
		}
	}
	if holds(current, want) {
		exp.observed(key)
		return existing, OperationUnchanged, nil
	}
	if existing.GetAnnotations()[AppliedHashAnnotation] != digest && exp.pending(key, digest) {
		// The cache still holds the child from before the apply.
		return existing, OperationPending, nil
	}
	if err := c.Apply(ctx, form, hub.ForceOwnership()); err != nil {
		return nil, OperationFailed, err
	}
	exp.expect(key, digest)
	return fillLike(obj, form, OperationUpdated)
}

// desiredForm returns a copy of child in owner's namespace with owner as
// its controller (unless owner is nil), its kind, its apply form carrying
// the digest annotation, and the digest.
func desiredForm(c *hub.Client, owner, child client.Object) (client.Object, schema.GroupVersionKind, *unstructured.Unstructured, string, error) {
	var none schema.GroupVersionKind
	if child == nil || reflect.ValueOf(child).IsNil() {
		return nil, none, nil, "", errors.New("a desired child is nil")
	}
	obj, ok := child.DeepCopyObject().(client.Object)
	if !ok {
		return nil, none, nil, "", fmt.Errorf("%T is not a client.Object", child)
	}
	gvk, err := hub.GroupVersionKindOf(c.Scheme(), obj)
	if err != nil {
		return nil, none, nil, "", err
	}
	namespaced, err := c.IsNamespaced(gvk)
	if err != nil {
		return nil, none, nil, "", err
	}
	if owner != nil {
		if namespaced && obj.GetNamespace() == "" {
			obj.SetNamespace(owner.GetNamespace())
		}
		if err := controllerutil.SetControllerReference(owner, obj, c.Scheme()); err != nil {
			return nil, none, nil, "", fmt.Errorf("setting the owner reference: %w", err)
		}
	}
	if namespaced && obj.GetNamespace() == "" {
		return nil, none, nil, "", errors.New("a namespaced object needs a namespace")
	}
	form, err := hub.ApplyForm(c.Scheme(), obj)
	if err != nil {
		return nil, none, nil, "", err
	}
	digest, err := digestOf(form)
	if err != nil {
		return nil, none, nil, "", err
	}
	annotations := form.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[AppliedHashAnnotation] = digest
	form.SetAnnotations(annotations)
	return obj, gvk, form, digest, nil
}

// digestOf returns a digest of the apply form of a child. JSON encoding
// sorts map keys, so equal forms give equal digests.
func digestOf(form *unstructured.Unstructured) (string, error) {
	data, err := json.Marshal(form.Object)
	if err != nil {
		return "", fmt.Errorf("hashing the desired state: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12]), nil
}

// newLike returns an empty object of the same Go type and kind as obj.
func newLike(obj client.Object) (client.Object, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		empty := &unstructured.Unstructured{}
		empty.SetGroupVersionKind(u.GroupVersionKind())
		return empty, nil
	}
	empty, ok := reflect.TypeAssert[client.Object](reflect.New(reflect.TypeOf(obj).Elem()))
	if !ok {
		return nil, fmt.Errorf("%T is not a client.Object", obj)
	}
	return empty, nil
}

func contentOf(obj client.Object) (map[string]any, error) {
	if u, ok := obj.(runtime.Unstructured); ok {
		return u.UnstructuredContent(), nil
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("reading the current state: %w", err)
	}
	return content, nil
}

// fillLike returns the applied state, read from form, as an object of the
// same type as like.
func fillLike(like client.Object, form *unstructured.Unstructured, op Operation) (client.Object, Operation, error) {
	if _, ok := like.(*unstructured.Unstructured); ok {
		return form, op, nil
	}
	obj, err := newLike(like)
	if err != nil {
		return nil, OperationFailed, err
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(form.Object, obj); err != nil {
		return nil, OperationFailed, fmt.Errorf("reading the applied state back: %w", err)
	}
	return obj, op, nil
}

// holds tells whether the object content have holds every field of want
// with want's value: the test Ensure uses to decide that a child is
// converged. Maps hold want when they hold each of its keys (an empty map or
// list in want is held by a missing field, as the API server drops empty
// fields); lists of objects hold want when each wanted element is held by
// some element, as the API server merges such lists by key; other lists
// must hold each element in order and no more; numbers compare by value.
func holds(have, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return len(w) == 0 && have == nil
		}
		return mapHolds(h, w)
	case []any:
		h, ok := have.([]any)
		if !ok {
			return len(w) == 0 && have == nil
		}
		return listHolds(h, w)
	default:
		return scalarEqual(have, want)
	}
}

func mapHolds(have, want map[string]any) bool {
	for k, wv := range want {
		hv, present := have[k]
		if !present && !isEmpty(wv) || present && !holds(hv, wv) {
			return false
		}
	}
	return true
}

func listHolds(have, want []any) bool {
	if allMaps(want) {
		for _, wv := range want {
			if !slices.ContainsFunc(have, func(hv any) bool { return holds(hv, wv) }) {
				return false
			}
		}
		return true
	}
	if len(have) != len(want) {
		return false
	}
	for i := range want {
		if !holds(have[i], want[i]) {
			return false
		}
	}
	return true
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

func allMaps(items []any) bool {
	for _, item := range items {
		if _, ok := item.(map[string]any); !ok {
			return false
		}
	}
	return len(items) > 0
}

func scalarEqual(a, b any) bool {
	if fa, ok := asFloat(a); ok {
		fb, ok := asFloat(b)
		if !ok {
			return false
		}
		ia, aInt := a.(int64)
		ib, bInt := b.(int64)
		if aInt && bInt {
			return ia == ib
		}
		return fa == fb
	}
	if a == nil || b == nil || !reflect.TypeOf(a).Comparable() || !reflect.TypeOf(b).Comparable() {
		return reflect.DeepEqual(a, b)
	}
	return a == b
}

func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
