package hub_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/hubkit-dev/hubkit/hub"
)

// calls counts the requests a test client sends, by verb.
type calls struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *calls) add(verb string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[verb]++
}

func (c *calls) get(verb string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[verb]
}

// fakeCluster is a controller-runtime fake client with a REST mapper that
// knows which built-in kinds are cluster-scoped, a request counter, and
// room for the test's own interceptors.
type fakeCluster struct {
	raw    client.WithWatch
	calls  *calls
	client *hub.Client
}

func testScheme(tb testing.TB) *runtime.Scheme {
	tb.Helper()
	scheme, err := hub.NewScheme()
	if err != nil {
		tb.Fatalf("NewScheme: %v", err)
	}
	return scheme
}

// newFakeCluster builds a fake cluster holding objs. funcs may intercept
// calls; every call is counted before it reaches them.
func newFakeCluster(tb testing.TB, funcs interceptor.Funcs, objs ...client.Object) *fakeCluster {
	tb.Helper()
	scheme := testScheme(tb)
	raw := fake.NewClientBuilder().
		WithScheme(scheme).
		WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme)).
		WithObjects(objs...).
		Build()
	counted := &calls{}
	counting := interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			counted.add("get")
			if funcs.Get != nil {
				return funcs.Get(ctx, c, key, obj, opts...)
			}
			return c.Get(ctx, key, obj, opts...)
		},
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			counted.add("list")
			if funcs.List != nil {
				return funcs.List(ctx, c, list, opts...)
			}
			return c.List(ctx, list, opts...)
		},
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			counted.add("create")
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			counted.add("update")
			if funcs.Update != nil {
				return funcs.Update(ctx, c, obj, opts...)
			}
			return c.Update(ctx, obj, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			counted.add("delete")
			if funcs.Delete != nil {
				return funcs.Delete(ctx, c, obj, opts...)
			}
			return c.Delete(ctx, obj, opts...)
		},
		Apply: func(ctx context.Context, c client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
			counted.add("apply")
			return c.Apply(ctx, obj, opts...)
		},
		Watch: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) (watch.Interface, error) {
			counted.add("watch")
			if funcs.Watch != nil {
				return funcs.Watch(ctx, c, list, opts...)
			}
			return c.Watch(ctx, list, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			counted.add(sub + "-update")
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
	}
	c, err := hub.Wrap(interceptor.NewClient(raw, counting), hub.WithNamespace("team-a"), hub.WithFieldOwner("hub-test"))
	if err != nil {
		tb.Fatalf("Wrap: %v", err)
	}
	return &fakeCluster{raw: raw, calls: counted, client: c}
}

func errConflict(name string) error {
	return apierrors.NewConflict(schema.GroupResource{Resource: "configmaps"}, name, errors.New("the object has been modified"))
}

func emptyMapper() meta.RESTMapper { return meta.NewDefaultRESTMapper(nil) }
