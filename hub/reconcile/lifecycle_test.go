package reconcile_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// addOnly is a manager that only takes runnables: what SetupClosing uses.
type addOnly struct {
	manager.Manager

	runnables []manager.Runnable
	err       error
}

func (m *addOnly) Add(r manager.Runnable) error {
	m.runnables = append(m.runnables, r)
	return m.err
}

func TestSetupClosing(t *testing.T) {
	cases := map[string]struct {
		reason   string
		addErr   error
		setupErr error
		// closedBefore is how often it is closed before the manager
		// stops, closedAfter after.
		closedBefore, closedAfter int
		wantErr                   bool
	}{
		"Runs":       {reason: "Set up: closed once, when the manager stops.", closedBefore: 0, closedAfter: 1},
		"SetupFails": {reason: "A failed setup closes at once.", setupErr: errors.New("no controller"), closedBefore: 1, wantErr: true},
		"AddFails":   {reason: "A manager that refuses the closer: closed at once, not set up.", addErr: errors.New("stopped"), closedBefore: 1, wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			mgr := &addOnly{err: tc.addErr}
			closed, setUp := 0, false
			err := reconcile.SetupClosing(mgr, func(manager.Manager) error { setUp = true; return tc.setupErr }, func() { closed++ })
			if (err != nil) != tc.wantErr {
				t.Fatalf("\nReason: %s\nerror %v, want an error: %t", tc.reason, err, tc.wantErr)
			}
			before := closed
			if tc.addErr == nil && len(mgr.runnables) == 1 {
				ctx, stop := context.WithCancel(t.Context())
				stop()
				if err := mgr.runnables[0].Start(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff([]int{tc.closedBefore, tc.closedAfter}, []int{before, closed - before}); diff != "" {
				t.Errorf("\nReason: %s\ntimes closed before and after the stop: -want, +got:\n%s", tc.reason, diff)
			}
			if setUp == (tc.addErr != nil) {
				t.Errorf("\nReason: %s\nset up: %t", tc.reason, setUp)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	ext := reconcile.Known[*corev1.Secret](reconcile.Details{}.With("uri", "db:5432"))
	obs, err := ext.Observe(t.Context(), &corev1.Secret{})
	if err != nil || !obs.Exists || !obs.UpToDate || obs.Details.Get("uri") != "db:5432" {
		t.Errorf("Observe = %+v, %v; want it existing, up to date, with the details", obs, err)
	}
	if err := ext.Delete(t.Context(), &corev1.Secret{}); err != nil {
		t.Errorf("Delete = %v, want nothing to delete", err)
	}
}
