package reconcile

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
)

// PatchStatus writes the status of obj with a merge patch against original,
// the copy taken before the reconciler changed it, and reports whether it
// sent anything: when the status did not really change, no request is made.
//
//	original := obj.DeepCopy()
//	reconcile.MarkTrue(obj, "Ready", "Available", "")
//	_, err := reconcile.PatchStatus(ctx, c, original, obj)
func PatchStatus(ctx context.Context, c *hub.Client, original, obj client.Object) (bool, error) {
	if changed, err := statusChanged(original, obj); err != nil || !changed {
		return false, err
	}
	if err := c.Kube().Status().Patch(ctx, obj, client.MergeFrom(original)); err != nil {
		return false, fmt.Errorf("patching the status of %s: %w", client.ObjectKeyFromObject(obj), err)
	}
	return true, nil
}

// statusChanged tells whether obj's status differs from original's.
func statusChanged(original, obj client.Object) (bool, error) {
	before, err := statusOf(original)
	if err != nil {
		return false, err
	}
	after, err := statusOf(obj)
	if err != nil {
		return false, err
	}
	return !equality.Semantic.DeepEqual(before, after), nil
}

func statusOf(obj client.Object) (any, error) {
	if u, ok := obj.(runtime.Unstructured); ok {
		return u.UnstructuredContent()["status"], nil
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("reading the status of %s: %w", client.ObjectKeyFromObject(obj), err)
	}
	return content["status"], nil
}
