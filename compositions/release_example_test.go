package compositions_test

import (
	"fmt"
	"log"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/compositions/compositionstest"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// A composition without a release-name label gets its name and the start
// of its UID, so that compositions of one name never share a release.
func ExampleDefaultReleaseName() {
	shop := &metav1.ObjectMeta{Name: "shop", UID: types.UID("2f1c6a1e-8d1b-4a8e-9a55-7c3f0b6d9e21")}
	fmt.Println(compositions.DefaultReleaseName(shop))
	// Output: shop-2f1c6a1e
}

// Render renders a chart as a dry run of its install: what the release
// would hold, and its digest, which tells a converged release from one to
// upgrade without running Helm.
func ExampleRender() {
	archive, err := compositionstest.PackageChart("webapp", "1.0.0", compositionstest.WebappSchema("1.0.0"), compositionstest.WebappTemplates("1.0.0"))
	if err != nil {
		log.Fatal(err)
	}
	chart, err := compositionstest.LoadChart(archive)
	if err != nil {
		log.Fatal(err)
	}
	r, err := compositions.Render(chart.Chart, "shop", "team-a", map[string]any{"message": "hi"})
	if err != nil {
		log.Fatal(err)
	}
	again, _ := compositions.Render(chart.Chart, "shop", "team-a", map[string]any{"message": "hi"})
	fmt.Println(strings.Count(r.Manifest, "\nkind: "), "objects; same digest again:", r.Digest == again.Digest)
	// Output: 4 objects; same digest again: true
}

// PermissionsOf derives the least-privilege RBAC of a release from what
// its chart renders: each group and resource, with the verbs Helm uses.
func ExamplePermissionsOf() {
	manifest := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: team-a-shop
`
	mapper := hubtest.NewFake(hubtest.Standalone()).Client().RESTMapper()
	p, err := compositions.PermissionsOf(mapper, manifest, "team-a")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range p.Namespaced["team-a"] {
		fmt.Println("Role in team-a:", r.APIGroups, r.Resources, r.Verbs)
	}
	for _, r := range p.Cluster {
		fmt.Println("ClusterRole:", r.APIGroups, r.Resources, r.Verbs)
	}
	// Output:
	// Role in team-a: [apps] [deployments] [get list watch create update patch delete]
	// ClusterRole: [scheduling.k8s.io] [priorityclasses] [get list watch create update patch delete]
}

// ValidateSpec is the check of a move to another version: the fields the
// version's schema would drop or refuse, by path.
func ExampleValidateSpec() {
	v2, err := compositions.SpecSchema(compositionstest.WebappSchema("2.0.0"))
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range compositions.ValidateSpec(map[string]any{"legacy": "kept", "replicas": int64(8)}, v2) {
		fmt.Println(e.Field)
	}
	// Output:
	// spec.legacy
	// spec.replicas
}
