//go:build e2e

package e2e

import (
	"context"
	"testing"

	"sigs.k8s.io/e2e-framework/pkg/envconf"
	"sigs.k8s.io/e2e-framework/pkg/features"

	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
)

// TestConformance runs the hubtest conformance scenarios on the real
// cluster; the unit tests run the same scenarios on hubtest's fake. A
// scenario that passes there and fails here is a bug in the fake.
func TestConformance(t *testing.T) {
	f := features.New("hubtest conformance on a real API server").
		Assess("every scenario", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			kc, err := cfg.NewClient()
			if err != nil {
				t.Fatal(err)
			}
			conformance.Run(t, func(t *testing.T) hubtest.Cluster { return hubtest.NewReal(t, kc.RESTConfig()) })
			return ctx
		}).Feature()
	testenv.Test(t, f)
}
