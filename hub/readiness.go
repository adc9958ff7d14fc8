package hub

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Readiness is an object's status read the same way in every domain:
// whether it is ready for use, its state in its operator's words, and what
// it waits for when it is not. Every domain type that has a status reports
// it through a Readiness method.
type Readiness struct {
	// Ready tells whether the object is ready for use.
	Ready bool
	// State is the state in the words of the object's operator or of
	// Kubernetes: "Ready", "Bound", "Pending", "Creating".
	State string
	// Message says what the object is or waits for: "database warehouse,
	// roles ...", "waiting for the operator".
	Message string
}

// String writes the state and the message.
func (r Readiness) String() string {
	if r.Message == "" {
		return r.State
	}
	return r.State + ": " + r.Message
}

// A ReadinessReporter reports its Readiness: the API types and views of
// every domain whose objects have a status.
type ReadinessReporter interface {
	Readiness() Readiness
}

// waitInterval is how often WaitFor reads the object.
const waitInterval = 100 * time.Millisecond

// WaitFor reads the object called name until done says so, done fails, the
// read fails, or ctx ends, and returns the last object read. Give ctx a
// deadline: WaitFor waits as long as ctx lets it. A NotFound read ends the
// wait with that error.
func (r *Resource[T]) WaitFor(ctx context.Context, name string, done func(T) (bool, error)) (T, error) {
	var last T
	err := wait.PollUntilContextCancel(ctx, waitInterval, true, func(ctx context.Context) (bool, error) {
		obj, err := r.Get(ctx, name)
		if err != nil {
			return false, err
		}
		last = obj
		return done(obj)
	})
	if err != nil {
		var zero T
		ns, _ := r.Namespace()
		return zero, fmt.Errorf("waiting for %s: %w", r.describe(ns, name), err)
	}
	return last, nil
}

// WaitReady waits until the object called name reports Ready (see
// Resource.WaitFor), for kinds whose type reports its Readiness.
func WaitReady[T interface {
	client.Object
	ReadinessReporter
}](ctx context.Context, r *Resource[T], name string) (T, error) {
	return r.WaitFor(ctx, name, func(obj T) (bool, error) { return obj.Readiness().Ready, nil })
}
