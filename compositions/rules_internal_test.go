package compositions

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestNames(t *testing.T) {
	cases := map[string]struct {
		chart, version                string
		wantKind, wantVersion, plural string
	}{
		"Krateo's example":    {chart: "fireworks-app", version: "1.1.10", wantKind: "FireworksApp", wantVersion: "v1-1-10", plural: "fireworksapps"},
		"One-letter word":     {chart: "x-app", version: "0.1.0", wantKind: "XApp", wantVersion: "v0-1-0", plural: "xapps"},
		"Pre-release, build":  {chart: "postgresql", version: "2.0.0-rc.1+build.7", wantKind: "Postgresql", wantVersion: "v2-0-0-rc-1-build-7", plural: "postgresqls"},
		"Leading v":           {chart: "redis_cluster", version: "v3.0.0", wantKind: "RedisCluster", wantVersion: "v3-0-0", plural: "redisclusters"},
		"Plural of -y":        {chart: "policy", version: "1.0.0", wantKind: "Policy", wantVersion: "v1-0-0", plural: "policies"},
		"Starting with digit": {chart: "3d-viewer", version: "1.0.0", wantKind: "C3dViewer", wantVersion: "v1-0-0", plural: "c3dviewers"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			gvk := GroupVersionKindOf(DefaultGroup, tc.chart, tc.version)
			got := []string{gvk.Kind, gvk.Version, PluralOf(gvk), CRDName(gvk)}
			want := []string{tc.wantKind, tc.wantVersion, tc.plural, tc.plural + "." + DefaultGroup}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("kind, version, plural, CRD name: -want, +got:\n%s", diff)
			}
		})
	}
}

func TestVersionsShareOneCRD(t *testing.T) {
	spec := &apiextensionsv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{"replicas": {Type: "integer"}}}
	v1 := GroupVersionKindOf(DefaultGroup, "nginx", "1.0.0")
	v2 := GroupVersionKindOf(DefaultGroup, "nginx", "1.1.0")
	flags := func(crd *apiextensionsv1.CustomResourceDefinition) map[string][2]bool {
		out := map[string][2]bool{}
		for _, v := range crd.Spec.Versions {
			out[v.Name] = [2]bool{v.Served, v.Storage}
		}
		return out
	}
	crd := withVersion(nil, v1, "1.0.0", spec)
	if diff := cmp.Diff(map[string][2]bool{"v1-0-0": {true, false}, StorageVersion: {false, true}}, flags(crd)); diff != "" {
		t.Errorf("the first version: served, stored: -want, +got:\n%s", diff)
	}
	if crd.Spec.Conversion.Strategy != apiextensionsv1.NoneConverter || crd.Spec.Scope != apiextensionsv1.NamespaceScoped ||
		!cmp.Equal(crd.Spec.Names.Categories, []string{"compositions", "comps"}) {
		t.Errorf("the CRD's conversion %v, scope %v, categories %v", crd.Spec.Conversion, crd.Spec.Scope, crd.Spec.Names.Categories)
	}
	if !servesAsDesired(crd, v1, "1.0.0", spec) || servesAsDesired(crd, v2, "1.1.0", spec) {
		t.Errorf("servesAsDesired: the CRD serves v1-0-0 and not v1-1-0")
	}
	crd = withVersion(crd, v2, "1.1.0", spec)
	want := map[string][2]bool{"v1-0-0": {true, false}, "v1-1-0": {true, false}, StorageVersion: {false, true}}
	if diff := cmp.Diff(want, flags(crd)); diff != "" {
		t.Errorf("a second version: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]VersionInfo{{Version: "v1-0-0", Served: true, Chart: "1.0.0"}, {Version: "v1-1-0", Served: true, Chart: "1.1.0"}, {Version: StorageVersion, Stored: true}}, versionInfo(crd)); diff != "" {
		t.Errorf("versionInfo: -want, +got:\n%s", diff)
	}
	again := withVersion(crd, v2, "1.1.0", spec)
	if !cmp.Equal(again.Spec.Versions, crd.Spec.Versions) {
		t.Errorf("adding a version twice changed the CRD")
	}
	rest, served := withoutVersion(crd, "v1-0-0")
	if served != 1 || len(rest.Spec.Versions) != 2 || rest.Annotations[AnnotationChartPrefix+"v1-0-0"] != "" {
		t.Errorf("without v1-0-0: %d served, versions %v, annotations %v", served, flags(rest), rest.Annotations)
	}
	if _, served := withoutVersion(rest, "v1-1-0"); served != 0 {
		t.Errorf("without both: %d served, want 0", served)
	}
	_ = schema.GroupVersionKind{}
}
