package hubtest

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

var namespaceKind = schema.GroupKind{Kind: "Namespace"}

// Delete deletes like the API server together with the garbage collector
// and the namespace controller: dependents go with their owner in the
// background (the default) or before it (foreground), or lose their owner
// reference (orphan); a namespace takes everything in it along.
func (c *fakeClient) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	gvk, err := c.gvkOf(obj)
	if err != nil {
		return err
	}
	if err := c.f.serve(VerbDelete, "", gvk, obj.GetNamespace(), obj.GetName()); err != nil {
		return err
	}
	do := client.DeleteOptions{}
	do.ApplyOptions(opts)
	policy := metav1.DeletePropagationBackground
	if do.PropagationPolicy != nil {
		policy = *do.PropagationPolicy
	}
	current, err := c.current(ctx, gvk, client.ObjectKeyFromObject(obj))
	if err != nil {
		return err
	}
	if do.Preconditions != nil && do.Preconditions.UID != nil && *do.Preconditions.UID != current.GetUID() {
		return apierrors.NewConflict(c.resourceOf(gvk), obj.GetName(),
			fmt.Errorf("precondition failed: UID in precondition: %s, UID in object meta: %s", *do.Preconditions.UID, current.GetUID()))
	}
	if gvk.GroupKind() == namespaceKind {
		return c.deleteNamespace(ctx, current)
	}
	switch policy {
	case metav1.DeletePropagationOrphan:
		for _, dep := range c.f.index.dependentsOf(current.GetUID()) {
			if err := c.dropOwner(ctx, dep, current.GetUID()); err != nil {
				return err
			}
		}
	case metav1.DeletePropagationForeground:
		for _, dep := range c.f.index.dependentsOf(current.GetUID()) {
			if err := c.collect(ctx, dep, current.GetUID(), metav1.DeletePropagationForeground); err != nil {
				return err
			}
		}
	default:
		// Background: the dependents are collected once the owner is gone.
	}
	if err := c.f.currentRaw().Delete(ctx, current, opts...); err != nil {
		return err
	}
	if stillThere, err := c.current(ctx, gvk, client.ObjectKeyFromObject(current)); err == nil {
		// Finalizers hold it; it goes when the last one is removed.
		c.f.index.put(gvk, stillThere)
		c.f.dispatch(ctx, EventUpdated, gvk, stillThere, current)
		return nil
	}
	c.gone(ctx, gvk, current, policy)
	return nil
}

// gone records that obj no longer exists and collects its dependents.
func (c *fakeClient) gone(ctx context.Context, gvk schema.GroupVersionKind, obj client.Object, policy metav1.DeletionPropagation) {
	c.f.index.drop(objectKey{gvk: gvk, namespace: obj.GetNamespace(), name: obj.GetName()})
	c.f.dispatch(ctx, EventDeleted, gvk, obj, nil)
	if policy != metav1.DeletePropagationOrphan {
		for _, dep := range c.f.index.dependentsOf(obj.GetUID()) {
			if err := c.collect(ctx, dep, obj.GetUID(), metav1.DeletePropagationBackground); err != nil && !apierrors.IsNotFound(err) {
				c.f.tb.Errorf("hubtest: garbage-collecting %s %s/%s: %v", dep.gvk.Kind, dep.namespace, dep.name, err)
			}
		}
	}
	if obj.GetNamespace() != "" {
		c.finishNamespace(ctx, obj.GetNamespace())
	}
}

// collect handles a dependent whose owner is being deleted: a dependent that
// still has another live owner only loses the reference, as the garbage
// collector does; any other is deleted.
func (c *fakeClient) collect(ctx context.Context, dep objectKey, owner types.UID, policy metav1.DeletionPropagation) error {
	obj, err := c.current(ctx, dep.gvk, client.ObjectKey{Namespace: dep.namespace, Name: dep.name})
	if err != nil {
		return client.IgnoreNotFound(err)
	}
	for _, ref := range obj.GetOwnerReferences() {
		if ref.UID != owner && c.f.index.exists(ref.UID) {
			return c.dropOwner(ctx, dep, owner)
		}
	}
	return client.IgnoreNotFound(c.Delete(ctx, obj, client.PropagationPolicy(policy)))
}

// dropOwner removes the owner reference to owner from the dependent dep.
func (c *fakeClient) dropOwner(ctx context.Context, dep objectKey, owner types.UID) error {
	obj, err := c.current(ctx, dep.gvk, client.ObjectKey{Namespace: dep.namespace, Name: dep.name})
	if err != nil {
		return client.IgnoreNotFound(err)
	}
	old, _ := obj.DeepCopyObject().(client.Object)
	refs := slices.DeleteFunc(obj.GetOwnerReferences(), func(ref metav1.OwnerReference) bool { return ref.UID == owner })
	obj.SetOwnerReferences(refs)
	if err := c.f.currentRaw().Update(ctx, obj); err != nil {
		return fmt.Errorf("hubtest: orphaning %s %s/%s: %w", dep.gvk.Kind, dep.namespace, dep.name, err)
	}
	c.f.index.put(dep.gvk, obj)
	c.f.dispatch(ctx, EventUpdated, dep.gvk, obj, old)
	return nil
}

// deleteNamespace marks the namespace Terminating, deletes what it holds and
// removes it once it is empty; objects held by finalizers keep it
// Terminating until they go.
func (c *fakeClient) deleteNamespace(ctx context.Context, current client.Object) error {
	ns, ok := current.(*corev1.Namespace)
	if !ok {
		return fmt.Errorf("hubtest: a Namespace read back as %T", current)
	}
	if ns.Status.Phase != corev1.NamespaceTerminating {
		ns.Status.Phase = corev1.NamespaceTerminating
		if err := c.f.currentRaw().Status().Update(ctx, ns); err != nil {
			return fmt.Errorf("hubtest: marking namespace %s Terminating: %w", ns.Name, err)
		}
	}
	for _, key := range c.f.index.inNamespace(ns.Name) {
		obj, err := c.current(ctx, key.gvk, client.ObjectKey{Namespace: key.namespace, Name: key.name})
		if err != nil {
			continue
		}
		if err := c.Delete(ctx, obj, client.PropagationPolicy(metav1.DeletePropagationBackground)); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("hubtest: deleting %s %s/%s with its namespace: %w", key.gvk.Kind, key.namespace, key.name, err)
		}
	}
	c.finishNamespace(ctx, ns.Name)
	return nil
}

// sweepIfTerminating deletes an object just created whose namespace began
// terminating meanwhile, as a real cluster's namespace controller does on its
// next pass. A create that passed the namespace check while a concurrent
// delete of the namespace was sweeping its contents would otherwise be left
// behind, and the namespace would never go: the object is indexed before
// this check and the namespace marked Terminating before the sweep, so one
// of the two always sees the other.
func (c *fakeClient) sweepIfTerminating(ctx context.Context, obj client.Object) {
	if obj.GetNamespace() == "" {
		return
	}
	var ns corev1.Namespace
	if err := c.f.currentRaw().Get(ctx, client.ObjectKey{Name: obj.GetNamespace()}, &ns); err != nil || ns.Status.Phase != corev1.NamespaceTerminating {
		return
	}
	if err := c.Delete(ctx, obj, client.PropagationPolicy(metav1.DeletePropagationBackground)); err != nil && !apierrors.IsNotFound(err) {
		c.f.tb.Errorf("hubtest: deleting %s, created into terminating namespace %s: %v", obj.GetName(), ns.Name, err)
	}
}

// finishNamespace removes a Terminating namespace once nothing is left in it.
func (c *fakeClient) finishNamespace(ctx context.Context, name string) {
	if len(c.f.index.inNamespace(name)) > 0 {
		return
	}
	var ns corev1.Namespace
	if err := c.f.currentRaw().Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil || ns.Status.Phase != corev1.NamespaceTerminating {
		return
	}
	if err := c.f.currentRaw().Delete(ctx, &ns); err != nil && !apierrors.IsNotFound(err) {
		c.f.tb.Errorf("hubtest: removing namespace %s: %v", name, err)
		return
	}
	gvk := corev1.SchemeGroupVersion.WithKind("Namespace")
	c.f.index.drop(objectKey{gvk: gvk, name: name})
	c.f.dispatch(ctx, EventDeleted, gvk, &ns, nil)
}
