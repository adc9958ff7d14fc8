package apps

import (
	"fmt"
	"io"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// clashSuffixLength is how many random letters a clashing name gets.
const clashSuffixLength = 4

// maxClashTries bounds the names tried before giving up.
const maxClashTries = 100

// UniqueName is name when taken says it is free; else, as Karvdash does,
// name, "-" and four random lowercase letters from random, until one is
// free (never a number: Karvdash does not number). It fails after 100
// tries, or when random fails.
func UniqueName(name string, taken func(string) bool, random io.Reader) (string, error) {
	if !taken(name) {
		return name, nil
	}
	buf := make([]byte, clashSuffixLength)
	for range maxClashTries {
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", fmt.Errorf("a free name for %q: %w", name, err)
		}
		var b strings.Builder
		b.WriteString(name)
		b.WriteByte('-')
		for _, r := range buf {
			b.WriteByte('a' + r%26)
		}
		if candidate := b.String(); !taken(candidate) {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("no free name for %q after %d tries", name, maxClashTries)
}

// quotaExceeded tells whether a Deployment's ReplicaSet could not create
// its pods because of a quota.
func quotaExceeded(d *appsv1.Deployment) bool {
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentReplicaFailure && c.Status == corev1.ConditionTrue && strings.Contains(c.Message, "exceeded quota") {
			return true
		}
	}
	return false
}

// PhaseOf is CrownLabs' phase of an instance whose workload is d (nil
// before it exists) and that asks to run or not: Starting until its pods
// are ready, Ready once they are, ResourceQuotaExceeded when a quota
// refuses its pods, Failed when its rollout failed, Stopping while pods
// of a stopped instance remain, Off once none does.
func PhaseOf(d *appsv1.Deployment, running bool) Phase {
	switch {
	case d == nil && running:
		return PhaseStarting
	case d == nil:
		return PhaseOff
	case !running && d.Status.Replicas > 0:
		return PhaseStopping
	case !running:
		return PhaseOff
	case quotaExceeded(d):
		return PhaseResourceQuotaExceeded
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Status == corev1.ConditionFalse && c.Reason == "ProgressDeadlineExceeded" {
			return PhaseFailed
		}
	}
	if d.Spec.Replicas != nil && d.Status.ReadyReplicas >= *d.Spec.Replicas && d.Status.UpdatedReplicas >= *d.Spec.Replicas && *d.Spec.Replicas > 0 {
		return PhaseReady
	}
	if d.Status.Replicas > 0 {
		return PhaseRunning
	}
	return PhaseStarting
}
