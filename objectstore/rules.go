package objectstore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// This file holds what the minio-operator does for an object, as pure
// functions: what a bucket, a policy and a user should be in MinIO, which
// policies a user may have, and the statuses. The reconciler and the
// objectstoretest simulator both use them; only the Server differs.

// bucketUpToDate tells whether a bucket in MinIO is as spec wants.
func bucketUpToDate(spec BucketSpec, state BucketState) bool {
	return state.Exists && state.Quota == max(spec.Quota, 0)
}

// samePolicy compares two policy documents as MinIO means them: the order
// of actions and resources does not matter.
func samePolicy(a, b []byte) bool {
	normal := func(data []byte) string {
		var doc PolicyDocument
		if err := json.Unmarshal(data, &doc); err != nil {
			return string(data)
		}
		for i := range doc.Statement {
			slices.Sort(doc.Statement[i].Action)
			slices.Sort(doc.Statement[i].Resource)
		}
		out, err := json.Marshal(doc)
		if err != nil {
			return string(data)
		}
		return string(out)
	}
	return normal(a) == normal(b)
}

// userEnabled tells whether spec wants the account enabled: anything but
// "disabled" is enabled, as with the operator.
func userEnabled(spec UserSpec) bool { return spec.AccountStatus != "disabled" }

// policyChanges returns the policies to attach to and detach from a user
// that has the policies have, for it to have exactly spec's.
func policyChanges(spec UserSpec, have []string) ([]string, []string) {
	var attach, detach []string
	for _, want := range spec.Policies {
		if !slices.Contains(have, want) && !slices.Contains(attach, want) {
			attach = append(attach, want)
		}
	}
	for _, p := range have {
		if !slices.Contains(spec.Policies, p) {
			detach = append(detach, p)
		}
	}
	return attach, detach
}

// missingPoliciesError names the policies a user asks for that MinIO
// does not have.
func missingPoliciesError(missing []string) error {
	return fmt.Errorf("no such policies: %s", strings.Join(missing, ", "))
}

// statusOf is the status the operator reports for an outcome: Ready, Error
// with the reason, or Creating while the object waits.
func statusOf(o reconcile.Outcome) Status {
	switch {
	case o.Err != nil:
		return Status{State: StateError, Message: o.Message()}
	case o.Waiting != "":
		return Status{State: StateCreating, Message: o.Waiting}
	default:
		return Status{State: StateReady}
	}
}
