package objectstoretest

import (
	"context"
	"sync"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/objectstore"
)

// Operator simulates the minio-operator: it is the objectstore Provisioner
// itself, run by hubtest.ControllerSimulator over an in-memory MinIO.
// Buckets and policies become Ready; users become Ready when every policy
// they name exists, and Error with the missing ones otherwise. Add it to a
// fake with hubtest.WithSimulators; the fake's scheme must know the
// objectstore types.
type Operator struct {
	// Server is the in-memory MinIO; a nil Server gets a new one on first
	// use.
	Server *InMemoryMinIO
	// EmptyBucketOnDelete deletes a bucket's objects with its resource.
	EmptyBucketOnDelete bool

	once      sync.Once
	simulator hubtest.Simulator
}

// NewOperator returns an operator over a new in-memory MinIO.
func NewOperator() *Operator { return &Operator{Server: NewInMemoryMinIO()} }

var _ hubtest.Simulator = (*Operator)(nil)

// Simulate runs the Provisioner's controllers on the change.
func (o *Operator) Simulate(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
	o.once.Do(func() {
		if o.Server == nil {
			o.Server = NewInMemoryMinIO()
		}
		o.simulator = hubtest.ControllerSimulator(func(f *hubtest.Fake) ([]hubtest.Controller, error) {
			var opts []objectstore.Option
			if o.EmptyBucketOnDelete {
				opts = append(opts, objectstore.WithEmptyBucketOnDelete())
			}
			h, err := f.NewHub(hub.WithFieldOwner("minio-operator"))
			if err != nil {
				return nil, err
			}
			p, err := objectstore.NewProvisionerOn(h, o.Server, opts...)
			if err != nil {
				return nil, err
			}
			return []hubtest.Controller{p.BucketController(), p.PolicyController(), p.UserController()}, nil
		})
	})
	return o.simulator.Simulate(ctx, f, ev)
}
