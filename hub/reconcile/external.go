package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// An External is a domain's client of the system outside Kubernetes that an
// object stands for (a PostgreSQL database, a MinIO bucket, a Helm
// release), bound to one object for one reconcile. The managed reconciler
// asks it what exists, and acts only on the difference:
//
//   - Observe reports whether what obj stands for exists and whether it is
//     as obj wants, without changing anything;
//   - Apply creates it or brings it up to date, given what Observe found;
//   - Delete removes it (or keeps it, when the object says so), and
//     succeeds when there is nothing left to remove.
//
// Observe and Apply may return the details the object's children need
// (see Details). Any method may return an error made by Wait when the
// object cannot progress until something else happens.
type External[T client.Object] interface {
	Observe(ctx context.Context, obj T) (Observation, error)
	Apply(ctx context.Context, obj T, observed Observation) (Details, error)
	Delete(ctx context.Context, obj T) error
}

// A Connector makes the External for one object at the start of each
// reconcile. It reads what the object depends on (a parent resource, a
// Secret) and may set metadata of obj (owner references, labels), which
// the reconciler writes together with its finalizer; it must not change
// obj's spec or status. It returns an error made by Wait while a
// prerequisite is missing.
type Connector[T client.Object] interface {
	Connect(ctx context.Context, obj T) (External[T], error)
}

// ConnectorFunc adapts a function to a Connector.
type ConnectorFunc[T client.Object] func(ctx context.Context, obj T) (External[T], error)

// Connect calls fn.
func (fn ConnectorFunc[T]) Connect(ctx context.Context, obj T) (External[T], error) {
	return fn(ctx, obj)
}

// An Observation is what an External found outside the cluster for an
// object.
type Observation struct {
	// Exists tells whether what the object stands for exists at all.
	Exists bool
	// UpToDate tells whether it is as the object wants; when Exists and
	// UpToDate are true the reconciler does not call Apply.
	UpToDate bool
	// Details are what the External knows that the object's children or
	// status need, such as an existing password.
	Details Details
}

// Details are facts from an external system that an object's children or
// status are rendered from: a login role, a generated password, an
// endpoint. Values may be secret, so Details print their keys only, in
// fmt, %v, %#v and slog alike.
type Details map[string][]byte

// Get returns the value of key as a string, or "".
func (d Details) Get(key string) string { return string(d[key]) }

// With returns a copy of d with key set to value.
func (d Details) With(key, value string) Details {
	out := maps.Clone(d)
	if out == nil {
		out = Details{}
	}
	out[key] = []byte(value)
	return out
}

// merged returns d with every key of more set (more wins).
func (d Details) merged(more Details) Details {
	if len(more) == 0 {
		return d
	}
	out := maps.Clone(d)
	if out == nil {
		out = Details{}
	}
	maps.Copy(out, more)
	return out
}

// String lists the keys, never the values.
func (d Details) String() string {
	return "Details{" + strings.Join(slices.Sorted(maps.Keys(d)), ", ") + "}"
}

// GoString lists the keys, never the values.
func (d Details) GoString() string { return d.String() }

// Format prints the keys, never the values, whatever the verb.
func (d Details) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(d.String())) }

// LogValue logs the keys, never the values.
func (d Details) LogValue() slog.Value { return slog.StringValue(d.String()) }

// MarshalJSON writes the keys, never the values, so that a JSON logger
// (zap, slog's JSON handler) that encodes an Outcome or an Observation
// shows no secret.
func (d Details) MarshalJSON() ([]byte, error) {
	out, err := json.Marshal(d.String())
	if err != nil {
		return nil, fmt.Errorf("marshalling details: %w", err)
	}
	return out, nil
}

// waitError says an object waits for something outside this reconcile.
type waitError struct{ reason string }

func (e *waitError) Error() string { return e.reason }

// Wait returns an error that says the object cannot progress until
// something else happens (its database is not ready yet, a policy it names
// does not exist yet). The reconciler reports the reason in the object's
// status and looks again after a while; it logs no error and records no
// warning for it. The reason must hold no secret.
func Wait(format string, args ...any) error {
	return &waitError{reason: fmt.Sprintf(format, args...)}
}

// WaitingFor returns the reason of an error made by Wait (also wrapped), and
// whether err is one.
func WaitingFor(err error) (string, bool) {
	if w, ok := errors.AsType[*waitError](err); ok {
		return w.reason, true
	}
	return "", false
}

// Known returns the External of an object that stands for nothing outside
// the cluster but what its Connector found (a connection URI, a password
// hash): it always exists and is up to date, and passes details to the
// object's children and status.
func Known[T client.Object](details Details) External[T] { return known[T]{details} }

type known[T client.Object] struct{ details Details }

func (k known[T]) Observe(context.Context, T) (Observation, error) {
	return Observation{Exists: true, UpToDate: true, Details: k.details}, nil
}

func (k known[T]) Apply(context.Context, T, Observation) (Details, error) {
	return nil, nil //nolint:nilnil // never called: Observe says it is up to date
}

func (k known[T]) Delete(context.Context, T) error { return nil }
