// Package databasestest runs the databases Provisioner in a hubtest fake
// cluster over an in-memory PostgreSQL (InMemoryPostgreSQL), so that tests
// see exactly what the postgres-operator, or Hubkit's own Provisioner,
// does: databases get their status roles, users get their login role,
// group and the Secret with every key the operator writes. It also starts
// throwaway real PostgreSQL servers (StartPostgreSQL) and holds the
// contract suite (RunServerContract) that proves the in-memory server and a
// real one answer alike.
package databasestest

import (
	"context"
	"sync"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// An Operator simulates the postgres-operator: it is the databases
// Provisioner itself, run by hubtest.ControllerSimulator over an in-memory
// PostgreSQL. Add it to a fake with hubtest.WithSimulators; the fake's
// scheme must know the databases types.
type Operator struct {
	// Host and Port are what the user Secrets point at.
	Host string
	Port int
	// URIArgs are appended to POSTGRES_URL.
	URIArgs string
	// KeepSecretName names user Secrets "<secretName>" rather than
	// "<secretName>-<resource name>", as KEEP_SECRET_NAME=true does.
	KeepSecretName bool
	// Server is the in-memory PostgreSQL; NewOperator makes one, and a nil
	// Server gets a new one on first use.
	Server *InMemoryPostgreSQL

	once      sync.Once
	simulator hubtest.Simulator
}

// NewOperator returns an operator whose users connect to
// postgres.databases.svc:5432.
func NewOperator() *Operator {
	return &Operator{Host: "postgres.databases.svc", Port: 5432, URIArgs: "sslmode=disable", Server: NewInMemoryPostgreSQL()}
}

var _ hubtest.Simulator = (*Operator)(nil)

// Simulate runs the Provisioner's controllers on the change.
func (o *Operator) Simulate(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
	o.once.Do(func() {
		if o.Server == nil {
			o.Server = NewInMemoryPostgreSQL()
		}
		o.simulator = hubtest.ControllerSimulator(func(f *hubtest.Fake) ([]hubtest.Controller, error) {
			opts := []databases.Option{databases.WithServiceAddress(o.Host, o.Port), databases.WithURIArgs(o.URIArgs)}
			if o.KeepSecretName {
				opts = append(opts, databases.KeepSecretName())
			}
			h, err := f.NewHub(hub.WithFieldOwner("postgres-operator"))
			if err != nil {
				return nil, err
			}
			p, err := databases.NewProvisionerOn(h, o.Server, opts...)
			if err != nil {
				return nil, err
			}
			return []hubtest.Controller{p.DatabaseController(), p.UserController()}, nil
		})
	})
	return o.simulator.Simulate(ctx, f, ev)
}
