package hubtest

import (
	"context"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// WithAsyncControllers makes the built-in controllers and the simulators
// run after the write that woke them has returned, in the background, one
// change at a time and in order, as a real cluster's controllers do. Code
// that reads what a controller writes must then wait for it (WaitFor, or
// Settle), as it must on a real cluster: code that forgets fails on the fake
// too. Garbage collection and namespace deletion stay part of the write.
func WithAsyncControllers() FakeOption { return func(o *fakeSettings) { o.async = true } }

// settleTimeout bounds Settle when ctx has no deadline.
const settleTimeout = time.Minute

// Settle waits until the controllers and simulators have handled every
// change so far, and those changes' own changes. Without
// WithAsyncControllers it returns at once: they ran within each write.
func (f *Fake) Settle(ctx context.Context) error {
	if f.async == nil {
		return nil
	}
	return poll(ctx, "the controllers have settled", time.Millisecond, settleTimeout, func(context.Context) (bool, error) {
		return f.async.idle(), nil
	})
}

// asyncQueue holds the changes the background controllers have yet to see.
type asyncQueue struct {
	mu      sync.Mutex
	wake    *sync.Cond
	items   []queuedChange
	busy    bool
	stopped bool
	done    chan struct{}
}

type queuedChange struct {
	depth    int
	typ      EventType
	gvk      schema.GroupVersionKind
	obj, old client.Object
}

func newAsyncQueue() *asyncQueue {
	q := &asyncQueue{done: make(chan struct{})}
	q.wake = sync.NewCond(&q.mu)
	return q
}

// push queues a copy of a change.
func (q *asyncQueue) push(ctx context.Context, typ EventType, gvk schema.GroupVersionKind, obj, old client.Object) {
	depth, _ := ctx.Value(depthKey{}).(int)
	change := queuedChange{depth: depth, typ: typ, gvk: gvk}
	change.obj, _ = obj.DeepCopyObject().(client.Object)
	if old != nil {
		change.old, _ = old.DeepCopyObject().(client.Object)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.stopped {
		q.items = append(q.items, change)
		q.wake.Signal()
	}
}

func (q *asyncQueue) idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) == 0 && !q.busy
}

// run hands the queued changes to handle, one at a time, until stop.
func (q *asyncQueue) run(handle func(queuedChange)) {
	defer close(q.done)
	for {
		q.mu.Lock()
		for len(q.items) == 0 && !q.stopped {
			q.wake.Wait()
		}
		if q.stopped {
			q.mu.Unlock()
			return
		}
		change := q.items[0]
		q.items = q.items[1:]
		q.busy = true
		q.mu.Unlock()
		handle(change)
		q.mu.Lock()
		q.busy = false
		q.mu.Unlock()
	}
}

// stop ends run, dropping what is still queued, and waits for it.
func (q *asyncQueue) stop() {
	q.mu.Lock()
	q.stopped = true
	q.wake.Broadcast()
	q.mu.Unlock()
	<-q.done
}

// startAsync starts the background controllers, stopped when the test ends.
func (f *Fake) startAsync() {
	f.async = newAsyncQueue()
	go f.async.run(func(c queuedChange) {
		ctx := context.WithValue(context.Background(), depthKey{}, c.depth)
		f.dispatchNow(ctx, c.typ, c.gvk, c.obj, c.old)
	})
	f.tb.Cleanup(f.async.stop)
}
