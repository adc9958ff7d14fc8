// Package dataservicestest runs the dataservices Provisioner in a hubtest
// fake cluster over an in-memory PostgreSQL (databasestest's), so that
// tests see exactly what the PostgREST and Dremio REST server operators,
// or Hubkit's own Provisioner, do: each service gets its Secret,
// Deployment and Service, PostgREST services over tables get their role
// and grants, and each reports Running once the fake makes its Deployment
// available.
package dataservicestest

import (
	"context"
	"sync"

	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/dataservices"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// An Operator simulates both operators: it is the dataservices Provisioner
// itself, run by hubtest.ControllerSimulator over an in-memory PostgreSQL.
// Add it to a fake with hubtest.WithSimulators; the fake's scheme must know
// the dataservices types.
type Operator struct {
	// Server is the in-memory PostgreSQL PostgREST services connect to:
	// share the databases simulator's (databasestest.Operator.Server) so
	// that services run over the databases and users it makes. A nil
	// Server gets a new one on first use.
	Server *databasestest.InMemoryPostgreSQL
	// Options configure the Provisioner (workloads, managed options).
	Options []dataservices.Option

	once      sync.Once
	simulator hubtest.Simulator
}

// NewOperator returns an operator over server (nil for a new one).
func NewOperator(server *databasestest.InMemoryPostgreSQL) *Operator {
	return &Operator{Server: server}
}

var _ hubtest.Simulator = (*Operator)(nil)

// Simulate runs the Provisioner's controllers on the change.
func (o *Operator) Simulate(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
	o.once.Do(func() {
		if o.Server == nil {
			o.Server = databasestest.NewInMemoryPostgreSQL()
		}
		o.simulator = hubtest.ControllerSimulator(func(f *hubtest.Fake) ([]hubtest.Controller, error) {
			h, err := f.NewHub(hub.WithFieldOwner("postgrest-operator"))
			if err != nil {
				return nil, err
			}
			p, err := dataservices.NewProvisionerOn(h, o.Server, o.Options...)
			if err != nil {
				return nil, err
			}
			return []hubtest.Controller{p.PostgrestController(), p.DremioController()}, nil
		})
	})
	return o.simulator.Simulate(ctx, f, ev)
}
