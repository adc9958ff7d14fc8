package hubtest

import (
	"maps"
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// A RequestKind is what the Fake counts requests by.
type RequestKind struct {
	Verb Verb
	// Subresource is "status" for status requests, empty otherwise.
	Subresource string
	Kind        schema.GroupKind
}

// Writes tells whether requests of this kind change something.
func (k RequestKind) Writes() bool {
	switch k.Verb {
	case VerbCreate, VerbUpdate, VerbPatch, VerbApply, VerbDelete:
		return true
	default:
		return false
	}
}

type requestCounter struct {
	mu     sync.Mutex
	counts map[RequestKind]int
}

// serve counts a request and fails it when an injected fault matches. A
// request for a kind the cluster does not serve fails as a real client's
// does, before it is sent: "no matches for kind".
func (f *Fake) serve(verb Verb, subresource string, gvk schema.GroupVersionKind, namespace, name string) error {
	if !f.serves(gvk) {
		return &meta.NoKindMatchError{GroupKind: gvk.GroupKind(), SearchedVersions: []string{gvk.Version}}
	}
	f.requests.mu.Lock()
	if f.requests.counts == nil {
		f.requests.counts = map[RequestKind]int{}
	}
	f.requests.counts[RequestKind{Verb: verb, Subresource: subresource, Kind: gvk.GroupKind()}]++
	f.requests.mu.Unlock()
	return f.faults.check(verb, subresource, gvk, namespace, name)
}

// builtinGroups are groups the API server serves without a CRD that
// client-go's scheme does not hold.
var builtinGroups = []string{"apiextensions.k8s.io", "apiregistration.k8s.io"}

// serves tells whether the cluster serves gvk: a built-in kind, or one a
// CRD installed in the fake defines.
func (f *Fake) serves(gvk schema.GroupVersionKind) bool {
	if clientgoscheme.Scheme.Recognizes(gvk) || slices.Contains(builtinGroups, gvk.Group) {
		return true
	}
	return f.schemaFor(gvk) != nil
}

// Requests returns how many requests of each kind the fake has served
// since it started or since ResetRequests: reads and writes, the test's,
// its reconcilers' and the simulators' alike, failed ones (by an injected
// fault or otherwise) included. A resync over converged objects should add
// no write:
//
//	f.ResetRequests()
//	reconcileEverything()
//	if f.Writes() != 0 { t.Errorf("a converged resync wrote: %v", f.Requests()) }
func (f *Fake) Requests() map[RequestKind]int {
	f.requests.mu.Lock()
	defer f.requests.mu.Unlock()
	return maps.Clone(f.requests.counts)
}

// Writes returns how many write requests (create, update, patch, apply,
// delete, of objects or their status) the fake has served since it started
// or since ResetRequests.
func (f *Fake) Writes() int {
	f.requests.mu.Lock()
	defer f.requests.mu.Unlock()
	n := 0
	for k, count := range f.requests.counts {
		if k.Writes() {
			n += count
		}
	}
	return n
}

// ResetRequests sets every request count back to zero.
func (f *Fake) ResetRequests() {
	f.requests.mu.Lock()
	defer f.requests.mu.Unlock()
	clear(f.requests.counts)
}
