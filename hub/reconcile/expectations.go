package reconcile

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// expectationWindow is how long a managed reconciler trusts its record of a
// child it applied over a cache that does not show it yet.
const expectationWindow = 10 * time.Second

// expectations are a managed reconciler's record of the children it
// applied and its cache has not shown yet, as kube-controller-manager's
// controllers keep theirs: a manager's client reads from informers, one
// per kind, so a reconcile that a new Namespace wakes may not see the
// ResourceQuota it applied a moment before, and would apply it again. A
// record is dropped as soon as the cache shows the child as desired, and
// trusted for expectationWindow at most: a child deleted meanwhile is
// made again once the window is over.
//
// A nil *expectations records nothing and trusts nothing, for clients
// that read the cluster directly.
type expectations struct {
	mu      sync.Mutex
	applied map[string]expectation
	now     func() time.Time
}

// An expectation is the digest of what was applied, and when.
type expectation struct {
	digest string
	at     time.Time
}

func newExpectations() *expectations {
	return &expectations{applied: map[string]expectation{}, now: time.Now}
}

// expectationKey names a child.
func expectationKey(gvk schema.GroupVersionKind, obj client.Object) string {
	return gvk.String() + " " + obj.GetNamespace() + "/" + obj.GetName()
}

// expect records that the child key was applied with digest.
func (e *expectations) expect(key, digest string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if len(e.applied) > 1000 {
		for k, x := range e.applied {
			if now.Sub(x.at) > expectationWindow {
				delete(e.applied, k)
			}
		}
	}
	e.applied[key] = expectation{digest: digest, at: now}
}

// pending tells whether the child key was applied with digest within the
// window: the cache has not caught up yet.
func (e *expectations) pending(key, digest string) bool {
	if e == nil {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.applied[key]
	if !ok {
		return false
	}
	if e.now().Sub(x.at) > expectationWindow {
		delete(e.applied, key)
		return false
	}
	return x.digest == digest
}

// observed drops the record of the child key: the cache shows it.
func (e *expectations) observed(key string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.applied, key)
}

// pending tells whether any child is pending.
func (rs Results) pending() bool {
	for _, r := range rs {
		if r.Operation == OperationPending {
			return true
		}
	}
	return false
}
