package reconcile

import (
	"math/rand/v2"
	"time"

	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// RequeueAfter returns a result that asks the controller to reconcile again
// after d plus a random jitter of up to jitter*d, so that many objects
// requeued together do not come back together. A jitter of zero or less
// adds none.
func RequeueAfter(d time.Duration, jitter float64) ctrl.Result {
	return ctrl.Result{RequeueAfter: Jittered(d, jitter)}
}

// Jittered returns d plus a random duration in [0, jitter*d).
func Jittered(d time.Duration, jitter float64) time.Duration {
	if jitter <= 0 || d <= 0 {
		return d
	}
	return d + time.Duration(rand.Float64()*jitter*float64(d)) //nolint:gosec // spreading requeues needs no cryptographic randomness
}
