package reconcile

import (
	"context"
	"fmt"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/manager"
)

// SetupClosing sets up what holds connections outside the cluster (a
// Provisioner's database pool) in mgr with setup, and closes it with
// closeFn when mgr stops, or at once when it cannot be set up; closeFn runs
// once.
func SetupClosing(mgr manager.Manager, setup func(manager.Manager) error, closeFn func()) error {
	closeFn = sync.OnceFunc(closeFn)
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		<-ctx.Done()
		closeFn()
		return nil
	})); err != nil {
		closeFn()
		return fmt.Errorf("closing on the manager's stop: %w", err)
	}
	if err := setup(mgr); err != nil {
		closeFn()
		return err
	}
	return nil
}
