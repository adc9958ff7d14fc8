package compositions_test

import (
	"slices"
	"testing"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// FuzzPermissionsOf feeds rendered manifests, well-formed or not, to the
// RBAC derivation: it never panics, and what it derives names each verb
// Helm uses, never "*".
func FuzzPermissionsOf(f *testing.F) {
	f.Add("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n  namespace: other\n")
	f.Add("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: p\nvalue: 1\n")
	f.Add("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n")
	f.Add("kind: ConfigMap\n---\n---\n{}\n")
	f.Add("apiVersion: example.com/v9\nkind: Nothing\nmetadata:\n  name: x\n")
	mapper := hubtest.NewFake(f).Client().RESTMapper()
	f.Fuzz(func(t *testing.T, manifest string) {
		p, err := compositions.PermissionsOf(mapper, manifest, "team-a")
		if err != nil {
			return
		}
		rules := slices.Clone(p.Cluster)
		for _, rs := range p.Namespaced {
			rules = append(rules, rs...)
		}
		for _, r := range rules {
			if !slices.Equal(r.Verbs, compositions.ReleaseVerbs) || len(r.APIGroups) != 1 || len(r.Resources) == 0 {
				t.Errorf("rule %+v: want one group, its resources and the verbs %v", r, compositions.ReleaseVerbs)
			}
			if slices.Contains(r.Resources, "*") || slices.Contains(r.APIGroups, "*") {
				t.Errorf("rule %+v holds *", r)
			}
		}
	})
}
