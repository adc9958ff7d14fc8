package reconcile

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// laggingClient reads like a manager's cache that has not caught up: the
// objects named in hidden read as NotFound.
type laggingClient struct {
	client.Client

	mu     sync.Mutex
	hidden map[string]bool
}

func (c *laggingClient) hide(names ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hidden = map[string]bool{}
	for _, n := range names {
		c.hidden[n] = true
	}
}

func (c *laggingClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	c.mu.Lock()
	hidden := c.hidden[key.Name]
	c.mu.Unlock()
	if hidden {
		return apierrors.NewNotFound(schema.GroupResource{Resource: "configmaps"}, key.Name)
	}
	return c.Client.Get(ctx, key, obj, opts...)
}

func TestExpectationsCoverACacheThatLags(t *testing.T) {
	ctx := t.Context()
	f := hubtest.NewFake(t, hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	lag := &laggingClient{Client: f.Client()}
	c, err := hub.Wrap(lag, hub.WithFieldOwner("test"))
	if err != nil {
		t.Fatal(err)
	}
	owner := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "owner", UID: "owner-uid"}}
	child := func(v string) client.Object {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "child"}, Data: map[string]string{"v": v}}
	}
	clock := time.Unix(0, 0)
	exp := newExpectations()
	exp.now = func() time.Time { return clock }
	ensure := func(v string) Operation {
		t.Helper()
		rs, err := ensureAll(ctx, c, owner, []client.Object{child(v)}, exp)
		if err != nil {
			t.Fatal(err)
		}
		return rs[0].Operation
	}
	steps := []struct {
		reason string
		hidden bool
		value  string
		after  time.Duration
		want   Operation
		writes int
	}{
		{reason: "The first apply creates the child.", value: "1", want: OperationCreated, writes: 1},
		{reason: "A cache that does not show it yet: pending, no second write.", hidden: true, value: "1", after: time.Second, want: OperationPending},
		{reason: "The cache shows it: unchanged, and the record is dropped.", value: "1", want: OperationUnchanged},
		{reason: "Without a record, a child missing from the cache is made again.", hidden: true, value: "1", want: OperationCreated, writes: 1},
		{reason: "Past the window the record is not trusted: a child deleted meanwhile comes back.", hidden: true, value: "1", after: expectationWindow + time.Second, want: OperationCreated, writes: 1},
		{reason: "Another desired state is applied whatever the record says.", hidden: true, value: "2", want: OperationCreated, writes: 1},
		{reason: "An update the cache shows: unchanged.", value: "2", want: OperationUnchanged},
	}
	for i, s := range steps {
		clock = clock.Add(s.after)
		if s.hidden {
			lag.hide("child")
		} else {
			lag.hide()
		}
		f.ResetRequests()
		got := ensure(s.value)
		if diff := cmp.Diff([]any{s.want, s.writes}, []any{got, f.Writes()}); diff != "" {
			t.Errorf("step %d: %s\noperation and writes: -want, +got:\n%s", i, s.reason, diff)
		}
	}
	var nilExp *expectations
	nilExp.expect("k", "d")
	if nilExp.pending("k", "d") {
		t.Errorf("a nil record trusts nothing")
	}
}
