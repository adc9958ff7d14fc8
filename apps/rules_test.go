package apps_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/hubkit-dev/hubkit/apps"
)

func TestUniqueName(t *testing.T) {
	takenOf := func(names ...string) func(string) bool {
		return func(n string) bool { return slices.Contains(names, n) }
	}
	cases := map[string]struct {
		reason  string
		taken   func(string) bool
		random  []byte
		want    string
		wantErr string
	}{
		"Free":       {reason: "A free name is kept.", taken: takenOf("other"), want: "zeppelin"},
		"Clash":      {reason: "A taken name gets four random lowercase letters, not a number.", taken: takenOf("zeppelin"), random: []byte{0, 1, 2, 25}, want: "zeppelin-abcz"},
		"ClashTwice": {reason: "A taken suffix is drawn again.", taken: takenOf("zeppelin", "zeppelin-aaaa"), random: []byte{0, 0, 0, 0, 1, 1, 1, 1}, want: "zeppelin-bbbb"},
		"NoRandom":   {reason: "A failing source of randomness is an error.", taken: takenOf("zeppelin"), wantErr: "EOF"},
		"AllTaken":   {reason: "It gives up rather than loop forever.", taken: func(string) bool { return true }, random: bytes.Repeat([]byte{7}, 400), wantErr: "after 100 tries"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := apps.UniqueName("zeppelin", tc.taken, bytes.NewReader(tc.random))
			if (err != nil) != (tc.wantErr != "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) || got != tc.want {
				t.Errorf("\nReason: %s\nUniqueName = %q, %v; want %q and an error with %q", tc.reason, got, err, tc.want, tc.wantErr)
			}
		})
	}
	if _, err := apps.UniqueName("x", func(string) bool { return true }, failingReader{}); !errors.Is(err, errRandom) {
		t.Errorf("UniqueName with a failing reader: %v, want its error wrapped", err)
	}
}

var errRandom = errors.New("no randomness")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errRandom }

func TestPhaseOf(t *testing.T) {
	one := int32(1)
	deployment := func(replicas, ready int32, conditions ...appsv1.DeploymentCondition) *appsv1.Deployment {
		return &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: &one}, Status: appsv1.DeploymentStatus{
			Replicas: replicas, ReadyReplicas: ready, UpdatedReplicas: replicas, Conditions: conditions}}
	}
	cases := map[string]struct {
		d       *appsv1.Deployment
		running bool
		want    apps.Phase
	}{
		"NotYet":        {running: true, want: apps.PhaseStarting},
		"Starting":      {d: deployment(0, 0), running: true, want: apps.PhaseStarting},
		"PodNotReady":   {d: deployment(1, 0), running: true, want: apps.PhaseRunning},
		"Ready":         {d: deployment(1, 1), running: true, want: apps.PhaseReady},
		"Stopping":      {d: deployment(1, 1), running: false, want: apps.PhaseStopping},
		"Off":           {d: deployment(0, 0), running: false, want: apps.PhaseOff},
		"OffNoWorkload": {running: false, want: apps.PhaseOff},
		"Quota": {d: deployment(0, 0, appsv1.DeploymentCondition{Type: appsv1.DeploymentReplicaFailure, Status: corev1.ConditionTrue,
			Message: `pods "x" is forbidden: exceeded quota: crownlabs-resource-quota`}), running: true, want: apps.PhaseResourceQuotaExceeded},
		"Failed": {d: deployment(1, 0, appsv1.DeploymentCondition{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse,
			Reason: "ProgressDeadlineExceeded"}), running: true, want: apps.PhaseFailed},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := apps.PhaseOf(tc.d, tc.running); got != tc.want {
				t.Errorf("PhaseOf = %s, want %s", got, tc.want)
			}
		})
	}
}
