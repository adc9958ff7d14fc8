package reconcile

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/hubkit-dev/hubkit/hub"
)

// AddFinalizer adds finalizer to obj with a merge patch that is conditional
// on obj's resourceVersion, so that it never drops a finalizer another
// writer added meanwhile (that case is a Conflict: requeue and read again).
// It sends nothing and reports false when obj has the finalizer already;
// otherwise obj is updated with the server's answer.
func AddFinalizer(ctx context.Context, c *hub.Client, obj client.Object, finalizer string) (bool, error) {
	if controllerutil.ContainsFinalizer(obj, finalizer) {
		return false, nil
	}
	return patchFinalizers(ctx, c, obj, "adding", finalizer, controllerutil.AddFinalizer)
}

// RemoveFinalizer removes finalizer from obj like AddFinalizer adds one. It
// sends nothing and reports false when obj does not have it.
func RemoveFinalizer(ctx context.Context, c *hub.Client, obj client.Object, finalizer string) (bool, error) {
	if !controllerutil.ContainsFinalizer(obj, finalizer) {
		return false, nil
	}
	return patchFinalizers(ctx, c, obj, "removing", finalizer, controllerutil.RemoveFinalizer)
}

func patchFinalizers(ctx context.Context, c *hub.Client, obj client.Object, verb, finalizer string, change func(client.Object, string) bool) (bool, error) {
	original, ok := obj.DeepCopyObject().(client.Object)
	if !ok {
		return false, fmt.Errorf("%s finalizer %q: %T is not a client.Object", verb, finalizer, obj)
	}
	change(obj, finalizer)
	patch := client.MergeFromWithOptions(original, client.MergeFromWithOptimisticLock{})
	if err := c.Kube().Patch(ctx, obj, patch); err != nil {
		return false, fmt.Errorf("%s finalizer %q on %s: %w", verb, finalizer, client.ObjectKeyFromObject(obj), err)
	}
	return true, nil
}
