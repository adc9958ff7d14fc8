package hubtest

import (
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// watchers are the open watches of a Fake's store. Each watch queues its
// events without bound and delivers them in order, at the pace its reader
// takes them: a writer never waits for a reader, and a slow reader never
// makes a write fail (client-go's tracker gives each watch a buffer of 100
// events and panics when a burst of writes fills it). They belong to the
// Fake, not to one store, so that an open watch keeps reporting after a CRD
// install rebuilds the store.
type watchers struct {
	mu    sync.Mutex
	byGVR map[schema.GroupVersionResource][]*queueWatcher
}

func newWatchers() *watchers {
	return &watchers{byGVR: map[schema.GroupVersionResource][]*queueWatcher{}}
}

// watch opens a watch of gvr in namespace ns ("" for every namespace).
func (ws *watchers) watch(gvr schema.GroupVersionResource, ns string) watch.Interface {
	w := &queueWatcher{
		namespace: ns,
		wake:      make(chan struct{}, 1),
		done:      make(chan struct{}),
		result:    make(chan watch.Event),
	}
	w.stop = func() {
		ws.mu.Lock()
		defer ws.mu.Unlock()
		ws.byGVR[gvr] = slices.DeleteFunc(ws.byGVR[gvr], func(other *queueWatcher) bool { return other == w })
	}
	ws.mu.Lock()
	ws.byGVR[gvr] = append(ws.byGVR[gvr], w)
	ws.mu.Unlock()
	go w.pump()
	return w
}

// notify reports an event of an object of gvr in namespace ns to the
// watches that cover it, each with its own copy.
func (ws *watchers) notify(gvr schema.GroupVersionResource, ns string, typ watch.EventType, obj runtime.Object) {
	if ws == nil {
		return
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, w := range ws.byGVR[gvr] {
		if w.namespace == "" || w.namespace == ns {
			w.send(watch.Event{Type: typ, Object: obj.DeepCopyObject()})
		}
	}
}

// has tells whether any watch of gvr is open, so that a write can skip
// reading back what nobody will see.
func (ws *watchers) has(gvr schema.GroupVersionResource) bool {
	if ws == nil {
		return false
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.byGVR[gvr]) > 0
}

// queueWatcher is one watch: an unbounded queue and the goroutine that
// hands its events to the reader.
type queueWatcher struct {
	namespace string
	mu        sync.Mutex
	queue     []watch.Event
	wake      chan struct{}
	done      chan struct{}
	result    chan watch.Event
	stopOnce  sync.Once
	stop      func()
}

func (w *queueWatcher) send(ev watch.Event) {
	w.mu.Lock()
	w.queue = append(w.queue, ev)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *queueWatcher) pump() {
	defer close(w.result)
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.mu.Unlock()
			select {
			case <-w.wake:
				continue
			case <-w.done:
				return
			}
		}
		ev := w.queue[0]
		w.queue[0] = watch.Event{}
		w.queue = w.queue[1:]
		w.mu.Unlock()
		select {
		case w.result <- ev:
		case <-w.done:
			return
		}
	}
}

// ResultChan returns the events, in order; it is closed after Stop.
func (w *queueWatcher) ResultChan() <-chan watch.Event { return w.result }

// Stop ends the watch.
func (w *queueWatcher) Stop() {
	w.stopOnce.Do(func() {
		w.stop()
		close(w.done)
	})
}
