// Package platformtest runs the whole platform without a cluster: an
// in-memory hubtest cluster with every CRD installed, every domain's
// simulated operator (the domains' own reconcilers over in-memory external
// systems) and demo data. It is what `go run ./examples/dashboard` shows,
// and what tests of code built on platform run against. Production programs
// import platform, never this package.
package platformtest

import (
	"context"
	"fmt"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/compositions/compositionstest"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/dataservices"
	"github.com/hubkit-dev/hubkit/dataservices/dataservicestest"
	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/gateway/gatewaytest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/objectstore/objectstoretest"
	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/tenancy"
	"github.com/hubkit-dev/hubkit/tenancy/tenancytest"
)

// simulators gives every domain with kinds of its own its simulated
// operator, by domain name. A new domain with CRDs adds its own here (a
// test fails until it does).
var simulators = map[string]func(shared *systems) hubtest.Simulator{
	databases.Domain.Name: func(shared *systems) hubtest.Simulator {
		op := databasestest.NewOperator()
		op.Server = shared.postgres
		return op
	},
	objectstore.Domain.Name:  func(*systems) hubtest.Simulator { return objectstoretest.NewOperator() },
	dataservices.Domain.Name: func(shared *systems) hubtest.Simulator { return dataservicestest.NewOperator(shared.postgres) },
	gateway.Domain.Name:      func(*systems) hubtest.Simulator { return gatewaytest.NewOperator() },
	tenancy.Domain.Name:      func(*systems) hubtest.Simulator { return tenancytest.NewOperator() },
	compositions.Domain.Name: func(*systems) hubtest.Simulator { return compositionstest.NewOperator(compositionstest.DemoCharts()) },
}

// systems are the in-memory external systems several simulators share: the
// PostgreSQL the databases operator provisions is the one PostgREST
// services run on.
type systems struct {
	postgres *databasestest.InMemoryPostgreSQL
}

// Simulators returns the simulated upstream operators of every domain, in
// the platform's order, for a hubtest fake cluster.
func Simulators() []hubtest.Simulator {
	shared := &systems{postgres: databasestest.NewInMemoryPostgreSQL()}
	var sims []hubtest.Simulator
	for _, d := range platform.Domains() {
		if sim, ok := simulators[d.Name]; ok {
			sims = append(sims, sim(shared))
		}
	}
	return sims
}

// HasSimulator tells whether the domain called name has a simulated
// operator here.
func HasSimulator(name string) bool {
	_, ok := simulators[name]
	return ok
}

// NewEmbedded starts an in-memory cluster with every CRD installed and
// every simulated operator on, loaded with platform.DemoObjects (when demo
// is true), and returns a Platform over it in namespace. It needs no
// cluster and no *testing.T, and returns every setup problem as an error.
func NewEmbedded(ctx context.Context, namespace string, demo bool, opts ...platform.Option) (*platform.Platform, *hubtest.Fake, error) {
	scheme, err := platform.NewScheme()
	if err != nil {
		return nil, nil, err
	}
	f, err := hubtest.New(hubtest.WithScheme(scheme), hubtest.WithCRDs(platform.CRDs()...), //nolint:contextcheck // the fake seeds nothing here; ctx is used below
		hubtest.WithSimulators(Simulators()...))
	if err != nil {
		return nil, nil, fmt.Errorf("platformtest: %w", err)
	}
	if demo {
		// The demo's own CRDs first, installed as a cluster would serve
		// them, then everything else.
		if err := f.InstallCRDs(ctx, platform.DemoCRDs()...); err != nil {
			return nil, nil, fmt.Errorf("platformtest: installing the demo's CRDs: %w", err)
		}
		for _, obj := range platform.DemoObjects() {
			if _, isCRD := obj.(*apiextensionsv1.CustomResourceDefinition); isCRD {
				continue
			}
			if err := f.Client().Create(ctx, obj); err != nil && !hub.IsAlreadyExists(err) {
				return nil, nil, fmt.Errorf("platformtest: loading demo data: %w", err)
			}
		}
	}
	p, err := platform.WrapClient(f.Client(), append([]platform.Option{platform.WithHubOptions(hub.WithNamespace(namespace))}, opts...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("platformtest: %w", err)
	}
	return p, f, nil
}
