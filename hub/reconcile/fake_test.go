package reconcile_test

import (
	"context"
	"sync/atomic"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/hubkit-dev/hubkit/hub"
)

// writeCountingCluster is a fake cluster whose client counts every request
// that could change something: create, update, patch, apply, delete, and
// their status forms.
type writeCountingCluster struct {
	raw    client.WithWatch
	client *hub.Client
	writes atomic.Int64
}

func newWriteCountingCluster(tb testing.TB, objs ...client.Object) *writeCountingCluster {
	tb.Helper()
	scheme, err := hub.NewScheme()
	if err != nil {
		tb.Fatalf("NewScheme: %v", err)
	}
	wc := &writeCountingCluster{}
	wc.raw = fake.NewClientBuilder().
		WithScheme(scheme).
		WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme)).
		WithObjects(objs...).
		Build()
	count := func() { wc.writes.Add(1) }
	counting := interceptor.NewClient(wc.raw, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			count()
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			count()
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			count()
			return c.Patch(ctx, obj, patch, opts...)
		},
		Apply: func(ctx context.Context, c client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
			count()
			return c.Apply(ctx, obj, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			count()
			return c.Delete(ctx, obj, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			count()
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			count()
			return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
		},
	})
	wc.client, err = hub.Wrap(counting, hub.WithNamespace("team-a"), hub.WithFieldOwner("reconcile-test"))
	if err != nil {
		tb.Fatalf("Wrap: %v", err)
	}
	return wc
}

// takeWrites returns the writes counted since the last call.
func (wc *writeCountingCluster) takeWrites() int64 { return wc.writes.Swap(0) }
