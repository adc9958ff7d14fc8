package hubtest

import (
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// A RecordedEvent is one event a reconciler emitted.
type RecordedEvent struct {
	// Kind, Namespace and Name identify the object the event is about.
	Kind, Namespace, Name string
	// Type is Normal or Warning.
	Type string
	// Reason is the event's machine-readable reason.
	Reason string
	// Message is the event's text.
	Message string
}

// A Recorder captures the events a reconciler emits, for tests to assert
// on. It implements client-go's record.EventRecorder, which
// controller-runtime's managers hand out. The zero Recorder is ready.
type Recorder struct {
	// Scheme, when set, names the kind of typed objects, which carry no
	// type meta of their own.
	Scheme *runtime.Scheme

	mu     sync.Mutex
	events []RecordedEvent
}

var _ record.EventRecorder = (*Recorder)(nil)

// Event records an event about object.
func (r *Recorder) Event(object runtime.Object, eventtype, reason, message string) {
	ev := RecordedEvent{Type: eventtype, Reason: reason, Message: message}
	if object != nil {
		ev.Kind = object.GetObjectKind().GroupVersionKind().Kind
		if ev.Kind == "" && r.Scheme != nil {
			if gvk, err := apiutil.GVKForObject(object, r.Scheme); err == nil {
				ev.Kind = gvk.Kind
			}
		}
		if m, err := meta.Accessor(object); err == nil {
			ev.Namespace, ev.Name = m.GetNamespace(), m.GetName()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

// Eventf records an event with a formatted message.
func (r *Recorder) Eventf(object runtime.Object, eventtype, reason, messageFmt string, args ...any) {
	r.Event(object, eventtype, reason, fmt.Sprintf(messageFmt, args...))
}

// AnnotatedEventf records an event; the annotations are dropped.
func (r *Recorder) AnnotatedEventf(object runtime.Object, _ map[string]string, eventtype, reason, messageFmt string, args ...any) {
	r.Eventf(object, eventtype, reason, messageFmt, args...)
}

// Events returns the events recorded so far, oldest first.
func (r *Recorder) Events() []RecordedEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RecordedEvent(nil), r.events...)
}
