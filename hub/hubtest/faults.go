package hubtest

import (
	"errors"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A Verb is a kind of request, for fault injection.
type Verb string

// The verbs a Fault can match.
const (
	VerbGet    Verb = "get"
	VerbList   Verb = "list"
	VerbWatch  Verb = "watch"
	VerbCreate Verb = "create"
	VerbUpdate Verb = "update"
	VerbPatch  Verb = "patch"
	VerbApply  Verb = "apply"
	VerbDelete Verb = "delete"
)

// A Fault makes matching requests fail. Empty fields match anything.
type Fault struct {
	// Verb is the request's verb.
	Verb Verb
	// Subresource is "status" to match status writes only; empty matches
	// requests to the main resource.
	Subresource string
	// Kind is the object's group and kind.
	Kind schema.GroupKind
	// Namespace and Name select one object.
	Namespace, Name string
	// Times is how many requests fail; 0 means all of them.
	Times int
	// Reason makes the API server's error for it: StatusReasonConflict,
	// StatusReasonTimeout (or ServerTimeout), StatusReasonNotFound or
	// StatusReasonForbidden, naming the requested object.
	Reason metav1.StatusReason
	// Err is returned as it is, instead of an error made from Reason.
	Err error
}

type faults struct {
	mu   sync.Mutex
	list []*Fault
}

// InjectFault makes the requests that fault matches fail, until it has
// failed fault.Times requests (or for the rest of the test when Times is 0).
func (f *Fake) InjectFault(fault Fault) {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	f.faults.list = append(f.faults.list, &fault)
}

// ClearFaults removes every injected fault.
func (f *Fake) ClearFaults() {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	f.faults.list = nil
}

func (fs *faults) check(verb Verb, sub string, gvk schema.GroupVersionKind, namespace, name string) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, fault := range fs.list {
		if fault.Verb != "" && fault.Verb != verb ||
			fault.Subresource != sub ||
			!fault.Kind.Empty() && fault.Kind != gvk.GroupKind() ||
			fault.Namespace != "" && fault.Namespace != namespace ||
			fault.Name != "" && fault.Name != name {
			continue
		}
		if fault.Times > 0 {
			fault.Times--
			if fault.Times == 0 {
				fs.list = append(fs.list[:i], fs.list[i+1:]...)
			}
		}
		return fault.errorFor(gvk, name)
	}
	return nil
}

func (fault *Fault) errorFor(gvk schema.GroupVersionKind, name string) error {
	if fault.Err != nil {
		return fault.Err
	}
	gr := schema.GroupResource{Group: gvk.Group, Resource: gvk.Kind}
	injected := errors.New("injected by hubtest")
	switch fault.Reason {
	case metav1.StatusReasonConflict:
		return apierrors.NewConflict(gr, name, injected)
	case metav1.StatusReasonTimeout:
		return apierrors.NewTimeoutError("injected by hubtest", 1)
	case metav1.StatusReasonServerTimeout:
		return apierrors.NewServerTimeout(gr, string(fault.Verb), 1)
	case metav1.StatusReasonNotFound:
		return apierrors.NewNotFound(gr, name)
	case metav1.StatusReasonForbidden:
		return apierrors.NewForbidden(gr, name, injected)
	default:
		return fmt.Errorf("hubtest: injected fault with reason %q", fault.Reason)
	}
}
