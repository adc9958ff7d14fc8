package hub_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

func TestGetMatchingAndGetRelevant(t *testing.T) {
	f := hubtest.NewFake(t, hubtest.WithObjects(listFixture()...))
	c := f.Hub(hub.WithNamespace("team-a"), hub.WithSelector(schema.GroupKind{Kind: "ConfigMap"}, hub.MustParseSelector("team=data")))
	cms := hub.For[*corev1.ConfigMap](c)
	ctx := t.Context()
	cases := map[string]struct {
		reason   string
		get      func() (*corev1.ConfigMap, error)
		wantName string
		wantErr  func(error) bool
	}{
		"RelevantSelected": {
			reason: "An object the kind's selector selects is read.", wantName: "bravo",
			get: func() (*corev1.ConfigMap, error) { return cms.GetRelevant(ctx, "bravo") },
		},
		"RelevantNotSelected": {
			reason: "An object the selector does not select is NotFound, as it is absent from ListRelevant.", wantErr: hub.IsNotFound,
			get: func() (*corev1.ConfigMap, error) { return cms.GetRelevant(ctx, "alpha") },
		},
		"RelevantMissing": {
			reason: "A missing object is NotFound.", wantErr: hub.IsNotFound,
			get: func() (*corev1.ConfigMap, error) { return cms.GetRelevant(ctx, "zulu") },
		},
		"MatchingAccepted": {
			reason: "GetMatching reads what its predicate accepts.", wantName: "alpha",
			get: func() (*corev1.ConfigMap, error) {
				return cms.GetMatching(ctx, "alpha", func(cm *corev1.ConfigMap) bool { return cm.Labels["app"] == "db" })
			},
		},
		"MatchingRefused": {
			reason: "GetMatching answers NotFound for what its predicate refuses.", wantErr: hub.IsNotFound,
			get: func() (*corev1.ConfigMap, error) {
				return cms.GetMatching(ctx, "bravo", func(cm *corev1.ConfigMap) bool { return cm.Labels["app"] == "db" })
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := tc.get()
			if tc.wantErr != nil {
				if !tc.wantErr(err) || got != nil {
					t.Errorf("\nReason: %s\ngot %v, %v", tc.reason, got, err)
				}
				return
			}
			if err != nil || got.Name != tc.wantName {
				t.Errorf("\nReason: %s\ngot %v, %v; want %s", tc.reason, got, err, tc.wantName)
			}
		})
	}
}

func TestDeleteObjectSparesAReplacement(t *testing.T) {
	f := hubtest.NewFake(t, hubtest.WithObjects(listFixture()...))
	cms := hub.For[*corev1.ConfigMap](f.Hub(hub.WithNamespace("team-a")))
	ctx := t.Context()
	read, err := cms.Get(ctx, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	// Someone else deletes alpha and makes a new one of the same name.
	if err := cms.Delete(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	if err := cms.Create(ctx, configMap("team-a", "alpha", map[string]string{"generation": "2"}, t0)); err != nil {
		t.Fatal(err)
	}
	if err := cms.DeleteObject(ctx, read); !hub.IsConflict(err) {
		t.Fatalf("DeleteObject of a replaced object = %v, want Conflict", err)
	}
	replacement, err := cms.Get(ctx, "alpha")
	if err != nil || replacement.Labels["generation"] != "2" {
		t.Fatalf("the replacement must survive: %v, %v", replacement, err)
	}
	if err := cms.DeleteObject(ctx, replacement); err != nil {
		t.Fatalf("DeleteObject of the object as read: %v", err)
	}
	if _, err := cms.Get(ctx, "alpha"); !hub.IsNotFound(err) {
		t.Errorf("after DeleteObject, Get = %v; want NotFound", err)
	}
	if err := cms.DeleteObject(ctx, nil); err == nil {
		t.Error("DeleteObject(nil) must be refused")
	}
}

func TestWaitFor(t *testing.T) {
	f := hubtest.NewFake(t, hubtest.WithObjects(listFixture()...))
	cms := hub.For[*corev1.ConfigMap](f.Hub(hub.WithNamespace("team-a")))
	ctx := t.Context()
	ready := func(cm *corev1.ConfigMap) (bool, error) { return cm.Data["state"] == "Ready", nil }

	go func() {
		// Another writer (an operator) makes the object ready later.
		_, _ = cms.Update(context.Background(), "alpha", func(cm *corev1.ConfigMap) error {
			cm.Data = map[string]string{"state": "Ready"}
			return nil
		})
	}()
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	got, err := cms.WaitFor(waitCtx, "alpha", ready)
	if err != nil || got.Data["state"] != "Ready" {
		t.Fatalf("WaitFor = %v, %v; want the object once ready", got, err)
	}

	shortCtx, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	if _, err := cms.WaitFor(shortCtx, "bravo", ready); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitFor an object that never gets ready = %v, want the deadline", err)
	}
	if _, err := cms.WaitFor(ctx, "zulu", ready); !hub.IsNotFound(err) {
		t.Errorf("WaitFor a missing object = %v, want NotFound at once", err)
	}
	failing := errors.New("the object says it failed")
	if _, err := cms.WaitFor(ctx, "bravo", func(*corev1.ConfigMap) (bool, error) { return false, failing }); !errors.Is(err, failing) {
		t.Errorf("WaitFor whose condition fails = %v, want that failure", err)
	}
}

func TestReadinessString(t *testing.T) {
	cases := map[string]struct {
		r    hub.Readiness
		want string
	}{
		"StateOnly":   {hub.Readiness{Ready: true, State: "Ready"}, "Ready"},
		"WithMessage": {hub.Readiness{State: "Pending", Message: "waiting for the operator"}, "Pending: waiting for the operator"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.r.String()); diff != "" {
				t.Errorf("-want, +got:\n%s", diff)
			}
		})
	}
}
