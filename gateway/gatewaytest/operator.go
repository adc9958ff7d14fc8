// Package gatewaytest runs the gateway Provisioner in a hubtest fake
// cluster, so that tests see exactly what the apigw-operator, or Hubkit's
// own Provisioner, does: each ApiGw gets its Ingress and, for basic
// authentication, the Secret ingress-nginx reads.
package gatewaytest

import (
	"context"
	"sync"

	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// An Operator simulates the apigw-operator: it is the gateway Provisioner
// itself, run by hubtest.ControllerSimulator. Add it to a fake with
// hubtest.WithSimulators; the fake's scheme must know the gateway types.
type Operator struct {
	// Options configure the Provisioner; without any, Ingresses of the
	// nginx class.
	Options []gateway.Option

	once      sync.Once
	simulator hubtest.Simulator
}

// NewOperator returns an operator with opts.
func NewOperator(opts ...gateway.Option) *Operator { return &Operator{Options: opts} }

var _ hubtest.Simulator = (*Operator)(nil)

// Simulate runs the Provisioner's controller on the change.
func (o *Operator) Simulate(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
	o.once.Do(func() {
		o.simulator = hubtest.ControllerSimulator(func(f *hubtest.Fake) ([]hubtest.Controller, error) {
			h, err := f.NewHub(hub.WithFieldOwner("apigw-operator"))
			if err != nil {
				return nil, err
			}
			p, err := gateway.NewProvisioner(h, o.Options...)
			if err != nil {
				return nil, err
			}
			return []hubtest.Controller{p.Controller()}, nil
		})
	})
	return o.simulator.Simulate(ctx, f, ev)
}
