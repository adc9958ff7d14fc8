package platform

import (
	"context"
	"fmt"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// NewEmbedded starts an in-memory cluster with every CRD installed and
// every simulated operator on, loaded with DemoObjects (when demo is true),
// and returns a Platform over it in namespace. It needs no cluster and no
// *testing.T: it is what `go run ./examples/dashboard` shows.
func NewEmbedded(ctx context.Context, namespace string, demo bool, opts ...Option) (*Platform, *hubtest.Fake, error) {
	scheme, err := NewScheme()
	if err != nil {
		return nil, nil, err
	}
	f := hubtest.NewFake(hubtest.Standalone(), //nolint:contextcheck // the fake seeds nothing here; ctx is used below
		hubtest.WithScheme(scheme), hubtest.WithCRDs(CRDs()...),
		hubtest.WithSimulators(Simulators()...))
	if demo {
		for _, obj := range DemoObjects() {
			if err := f.Client().Create(ctx, obj); err != nil && !hub.IsAlreadyExists(err) {
				return nil, nil, fmt.Errorf("platform: loading demo data: %w", err)
			}
		}
	}
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	c := f.Hub(append([]hub.Option{hub.WithNamespace(namespace)}, s.hubOpts...)...)
	return wrap(c, s), f, nil
}
