package hubtest

import (
	"context"
	"fmt"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// A Controller is a reconciler together with what wakes it, as
// reconcile.Managed is: Requests returns the requests a change of obj
// queues (old is the object before an update, nil otherwise), after the
// controller's own event filters.
type Controller interface {
	ctrl.Reconciler
	Requests(ctx context.Context, obj, old client.Object) []ctrl.Request
}

// maxReconciles bounds how many reconciles one write may cause before the
// fake calls it a loop.
const maxReconciles = 1000

// ControllerSimulator runs real controllers on a Fake, as a manager would
// run them on a cluster: after every write, the requests the change queues
// (per each controller's Requests) are reconciled before the write returns;
// requests queued by the writes of a reconcile join the same queue (a
// request already queued is not queued twice), so a reconcile never runs
// inside another. build makes the controllers once per Fake, acting through
// f.Hub or f.Client.
//
// A reconcile error does not fail the test (on a cluster it would be
// retried): it is logged, and the object's status tells. A requested
// requeue is not followed, since the fake has no timers; a later write that
// concerns the object reconciles it again.
//
// This is how each domain's `<domain>test` simulator runs the domain's own
// reconciler over an in-memory external system.
func ControllerSimulator(build func(f *Fake) ([]Controller, error)) Simulator {
	return &controllerSimulator{build: build, built: map[*Fake][]Controller{}}
}

type controllerSimulator struct {
	build func(f *Fake) ([]Controller, error)
	mu    sync.Mutex
	built map[*Fake][]Controller
}

// queueKey finds, in a reconcile's context, the queue of the simulator
// running it.
type queueKey struct{ sim *controllerSimulator }

type queued struct {
	controller int
	req        ctrl.Request
}

// workQueue is a FIFO of requests without duplicates, like a controller's.
type workQueue struct {
	mu    sync.Mutex
	items []queued
	dirty map[queued]bool
}

func (q *workQueue) add(items ...queued) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, item := range items {
		if !q.dirty[item] {
			q.dirty[item] = true
			q.items = append(q.items, item)
		}
	}
}

func (q *workQueue) pop() (queued, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return queued{}, false
	}
	item := q.items[0]
	q.items = q.items[1:]
	delete(q.dirty, item)
	return item, true
}

// controllers returns the controllers of f, building them on first use
// outside the lock (a build that writes to the fake dispatches back here).
func (s *controllerSimulator) controllers(f *Fake) ([]Controller, error) {
	s.mu.Lock()
	ctls, ok := s.built[f]
	s.mu.Unlock()
	if ok {
		return ctls, nil
	}
	ctls, err := s.build(f)
	if err != nil {
		return nil, fmt.Errorf("making the controllers: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if first, ok := s.built[f]; ok {
		return first, nil
	}
	s.built[f] = ctls
	return ctls, nil
}

// Simulate queues the requests ev causes and, unless a reconcile of this
// simulator is already running in ctx, reconciles until the queue is empty.
func (s *controllerSimulator) Simulate(ctx context.Context, f *Fake, ev Event) error {
	ctls, err := s.controllers(f)
	if err != nil {
		return err
	}
	var items []queued
	for i, c := range ctls {
		for _, req := range c.Requests(ctx, ev.Object, ev.Old) {
			items = append(items, queued{controller: i, req: req})
		}
	}
	if running, ok := ctx.Value(queueKey{s}).(*workQueue); ok {
		running.add(items...)
		return nil
	}
	if len(items) == 0 {
		return nil
	}
	q := &workQueue{dirty: map[queued]bool{}}
	q.add(items...)
	ctx = context.WithValue(ctx, queueKey{s}, q)
	for n := 0; ; n++ {
		item, ok := q.pop()
		if !ok {
			return nil
		}
		if n == maxReconciles {
			return fmt.Errorf("the controllers did not settle after %d reconciles (last %s): a reconciler writes without a change", n, item.req)
		}
		if _, err := ctls[item.controller].Reconcile(ctx, item.req); err != nil {
			f.tb.Logf("hubtest: reconciling %s: %v", item.req, err)
		}
	}
}
