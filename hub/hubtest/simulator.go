package hubtest

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// An EventType says what happened to an object.
type EventType string

const (
	// EventCreated follows a create, or an apply that created.
	EventCreated EventType = "Created"
	// EventUpdated follows an update, patch, apply or status write, and a
	// delete that finalizers hold up.
	EventUpdated EventType = "Updated"
	// EventDeleted follows the removal of an object.
	EventDeleted EventType = "Deleted"
)

// An Event is a change to an object in a Fake, as a Simulator sees it.
type Event struct {
	// Type says what happened.
	Type EventType
	// Kind is the object's group, version and kind.
	Kind schema.GroupVersionKind
	// Object is a copy of the object as stored (as it was, for Deleted):
	// typed when the scheme knows its kind, unstructured otherwise.
	Object client.Object
	// Old is a copy of the object before an Updated event, as a watch's
	// update event carries it, so that a controller's predicates can tell
	// what changed; nil for other events.
	Old client.Object
}

// A Simulator adds the behaviour of a controller or an upstream operator to
// a Fake: after every successful write the Fake calls every Simulator with
// the change, synchronously, before the write returns. A Simulator acts
// through f.Client(), so its own writes are validated, garbage-collected and
// seen by the other Simulators in turn; it must write only when something
// is to change, or the Fake would never settle.
//
// Hubkit's domain packages provide theirs in `<domain>test` packages; the
// Fake's built-in controllers (Deployments, PVCs, Pods, Jobs) are
// Simulators too.
type Simulator interface {
	Simulate(ctx context.Context, f *Fake, ev Event) error
}

// SimulatorFunc adapts a function to a Simulator.
type SimulatorFunc func(ctx context.Context, f *Fake, ev Event) error

// Simulate calls fn.
func (fn SimulatorFunc) Simulate(ctx context.Context, f *Fake, ev Event) error { return fn(ctx, f, ev) }

// A KindSimulator is a Simulator that reacts to objects of a few kinds
// only, which it names; the Fake calls it for those alone, and spares the
// copies an event of any other kind would cost. Make one with
// SimulatorOf.
type KindSimulator interface {
	Simulator
	Kinds() []schema.GroupKind
}

// SimulatorOf returns a Simulator that calls fn for events of the given
// kinds only.
func SimulatorOf(fn SimulatorFunc, kinds ...schema.GroupKind) KindSimulator {
	return kindSimulator{fn: fn, kinds: kinds}
}

type kindSimulator struct {
	fn    SimulatorFunc
	kinds []schema.GroupKind
}

func (s kindSimulator) Simulate(ctx context.Context, f *Fake, ev Event) error {
	return s.fn(ctx, f, ev)
}

func (s kindSimulator) Kinds() []schema.GroupKind { return s.kinds }

// reactsTo tells whether sim wants events of kind gk.
func reactsTo(sim Simulator, gk schema.GroupKind) bool {
	ks, ok := sim.(KindSimulator)
	return !ok || slices.Contains(ks.Kinds(), gk)
}

// maxSimulationDepth bounds how deep Simulators may react to each other's
// writes before the Fake calls it a loop.
const maxSimulationDepth = 32

type depthKey struct{}

// dispatch tells every Simulator of a change: at once, or after the write
// returns under WithAsyncControllers. Simulator errors fail the test: they
// mean the simulation itself is broken.
func (f *Fake) dispatch(ctx context.Context, typ EventType, gvk schema.GroupVersionKind, obj, old client.Object) {
	f.mu.RLock()
	anyone := slices.ContainsFunc(f.simulators, func(sim Simulator) bool { return reactsTo(sim, gvk.GroupKind()) })
	f.mu.RUnlock()
	if !anyone {
		return
	}
	if f.async != nil {
		f.async.push(ctx, typ, gvk, obj, old)
		return
	}
	f.dispatchNow(ctx, typ, gvk, obj, old)
}

// dispatchNow calls every Simulator with the change.
func (f *Fake) dispatchNow(ctx context.Context, typ EventType, gvk schema.GroupVersionKind, obj, old client.Object) {
	depth, _ := ctx.Value(depthKey{}).(int)
	if depth >= maxSimulationDepth {
		f.tb.Errorf("hubtest: simulators reacted to each other %d times in a row on %s %s: a Simulator writes without a change", depth, gvk.Kind, client.ObjectKeyFromObject(obj))
		return
	}
	ctx = context.WithValue(ctx, depthKey{}, depth+1)
	f.mu.RLock()
	sims := append([]Simulator(nil), f.simulators...)
	f.mu.RUnlock()
	for _, sim := range sims {
		if !reactsTo(sim, gvk.GroupKind()) {
			continue
		}
		copied := f.asStored(gvk, obj)
		if copied == nil {
			continue
		}
		ev := Event{Type: typ, Kind: gvk, Object: copied}
		if old != nil && typ == EventUpdated {
			ev.Old = f.asStored(gvk, old)
		}
		if err := sim.Simulate(ctx, f, ev); err != nil {
			f.tb.Errorf("hubtest: simulator %T on %s %s %s: %v", sim, typ, gvk.Kind, client.ObjectKeyFromObject(obj), err)
		}
	}
}

// asStored returns a copy of obj as the store holds objects of kind gvk:
// typed when the scheme has a Go type for it, whichever form the writer
// used (an unstructured write of a Postgres reaches a simulator as a
// *databases.Postgres, as a watch would deliver it); nil when obj cannot be
// converted.
func (f *Fake) asStored(gvk schema.GroupVersionKind, obj client.Object) client.Object {
	u, isUnstructured := obj.(*unstructured.Unstructured)
	if isUnstructured {
		typed := f.newObject(gvk)
		if _, stillUnstructured := typed.(*unstructured.Unstructured); !stillUnstructured {
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
				return nil
			}
			typed.GetObjectKind().SetGroupVersionKind(gvk)
			return typed
		}
	}
	copied, ok := obj.DeepCopyObject().(client.Object)
	if !ok {
		return nil
	}
	copied.GetObjectKind().SetGroupVersionKind(gvk)
	return copied
}
