package objectstoretest

import (
	"context"
	"slices"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/objectstore"
)

// Operator simulates the minio-operator: buckets and policies become
// Ready; users become Ready when every policy they name exists, and Error
// with the missing ones otherwise. Add it to a fake with
// hubtest.WithSimulators; the fake's scheme must know the objectstore types.
type Operator struct{}

var _ hubtest.Simulator = Operator{}

// Simulate reacts to Bucket, Policy and User changes.
func (Operator) Simulate(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
	if ev.Type == hubtest.EventDeleted {
		return nil
	}
	c := f.Client()
	switch obj := ev.Object.(type) {
	case *objectstore.Bucket:
		return settle(ctx, c, obj, objectstore.BucketFinalizer, &obj.Status, objectstore.StateReady, "")
	case *objectstore.Policy:
		return settle(ctx, c, obj, objectstore.PolicyFinalizer, &obj.Status, objectstore.StateReady, "")
	case *objectstore.User:
		var policies objectstore.PolicyList
		if err := c.List(ctx, &policies, client.InNamespace(obj.Namespace)); err != nil {
			return err
		}
		known := slices.Clone(objectstore.BuiltinPolicies)
		for _, p := range policies.Items {
			known = append(known, p.Spec.Name)
		}
		var missing []string
		for _, p := range obj.Spec.Policies {
			if !slices.Contains(known, p) {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 {
			return settle(ctx, c, obj, objectstore.UserFinalizer, &obj.Status, objectstore.StateError, "no such policies: "+strings.Join(missing, ", "))
		}
		return settle(ctx, c, obj, objectstore.UserFinalizer, &obj.Status, objectstore.StateReady, "")
	}
	return nil
}

// settle keeps the finalizer while the object lives, removes it when the
// object is deleted, and sets the status.
func settle(ctx context.Context, c client.Client, obj client.Object, finalizer string, status *objectstore.Status, state, message string) error {
	if obj.GetDeletionTimestamp() != nil {
		if controllerutil.RemoveFinalizer(obj, finalizer) {
			return client.IgnoreNotFound(c.Update(ctx, obj))
		}
		return nil
	}
	if controllerutil.AddFinalizer(obj, finalizer) {
		return client.IgnoreNotFound(c.Update(ctx, obj))
	}
	if status.State == state && status.Message == message {
		return nil
	}
	status.State, status.Message = state, message
	return client.IgnoreNotFound(c.Status().Update(ctx, obj))
}
