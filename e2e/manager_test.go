//go:build e2e

package e2e

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/hub"
)

// runManager gives a feature a Hubkit client in its namespace and a
// controller-runtime manager, set up by setup, running until the
// assessment ends.
func runManager(ctx context.Context, t *testing.T, cfg *envconf.Config, scheme *runtime.Scheme, fieldOwner string,
	setup func(*hub.Client, manager.Manager) error,
) *hub.Client {
	t.Helper()
	kc, err := cfg.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	c, err := hub.New(kc.RESTConfig(), hub.WithScheme(scheme), hub.WithNamespace(namespaceOf(ctx)), hub.WithFieldOwner(fieldOwner))
	if err != nil {
		t.Fatal(err)
	}
	// Each feature runs its own manager in this one process: the same
	// controller may run in two of them, one after the other.
	mgr, err := ctrl.NewManager(kc.RESTConfig(), ctrl.Options{
		Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0",
		Controller: config.Controller{SkipNameValidation: new(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := setup(c, mgr); err != nil {
		t.Fatal(err)
	}
	mgrCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mgrCtx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("the manager: %v", err)
		}
	})
	return c
}
