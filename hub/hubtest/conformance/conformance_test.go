package conformance_test

import (
	"testing"

	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
)

// TestFakeConformance runs every scenario on a fresh in-memory fake. The
// e2e suite runs the same scenarios on a real API server.
func TestFakeConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T) hubtest.Cluster { return hubtest.NewFake(t) })
}

// TestAsyncFakeConformance runs every scenario on a fake whose controllers
// act after the write returns, as a real cluster's do: no scenario may
// depend on a controller having acted before it looks.
func TestAsyncFakeConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T) hubtest.Cluster { return hubtest.NewFake(t, hubtest.WithAsyncControllers()) })
}
