package compositions_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/compositions/compositionstest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

const registry = "oci://registry.hubkit.example/charts/nginx"

// nginxSchema is a chart's values.schema.json with a nested object, as
// krateo#43's.
const nginxSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["app"],
  "properties": {
    "replicaCount": {"type": "integer", "default": 1, "minimum": 0},
    "app": {"type": "object", "properties": {"service": {"type": "object", "properties": {"port": {"type": "integer", "default": 80}}}}}
  }
}`

type scene struct {
	fake   *hubtest.Fake
	charts *compositionstest.Charts
	defs   *hub.Resource[*compositions.CompositionDefinition]
}

func newScene(t *testing.T) *scene {
	t.Helper()
	scheme, err := hub.NewScheme(compositions.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	charts := compositionstest.NewCharts()
	for _, v := range []string{"1.0.0", "1.1.0"} {
		charts.Add(registry, "", &compositions.Chart{Name: "nginx", Version: v, Digest: "sha256:" + strings.Repeat(v[2:3], 64), ValuesSchema: []byte(nginxSchema)})
	}
	charts.Add(registry, "", &compositions.Chart{Name: "nginx", Version: "2.0.0", Digest: "sha256:" + strings.Repeat("2", 64)})
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(compositions.CRDs()...),
		hubtest.WithSimulators(compositionstest.NewOperator(charts)),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "platform"}}))
	return &scene{fake: f, charts: charts, defs: hub.For[*compositions.CompositionDefinition](f.Hub(hub.WithNamespace("platform")))}
}

func definition(name, version string) *compositions.CompositionDefinition {
	return &compositions.CompositionDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "platform"},
		Spec:       compositions.CompositionDefinitionSpec{Chart: compositions.ChartSpec{URL: registry, Version: version}},
	}
}

func (s *scene) create(t *testing.T, d *compositions.CompositionDefinition) *compositions.CompositionDefinition {
	t.Helper()
	if err := s.defs.Create(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	got, err := s.defs.Get(t.Context(), d.Name)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (s *scene) crd(t *testing.T) (*apiextensionsv1.CustomResourceDefinition, error) {
	t.Helper()
	crd := &apiextensionsv1.CustomResourceDefinition{}
	err := s.fake.Client().Get(t.Context(), client.ObjectKey{Name: "nginxes." + compositions.DefaultGroup}, crd)
	return crd, err
}

func servedVersions(crd *apiextensionsv1.CustomResourceDefinition) []string {
	var out []string
	for _, v := range crd.Spec.Versions {
		if v.Served {
			out = append(out, v.Name)
		}
	}
	return out
}

func TestDefinitionGeneratesItsCRD(t *testing.T) {
	s := newScene(t)
	got := s.create(t, definition("nginx-v1", "1.0.0"))
	if r := got.Readiness(); !r.Ready {
		t.Fatalf("the definition: %v, want ready", r)
	}
	wantStatus := []string{"composition.hubkit.dev/v1-0-0", "Nginx", "nginxes", registry + ":1.0.0", "sha256:" + strings.Repeat("0", 64)}
	gotStatus := []string{got.Status.APIVersion, got.Status.Kind, got.Status.Resource, got.Status.PackageURL, got.Status.Digest}
	if diff := cmp.Diff(wantStatus, gotStatus); diff != "" {
		t.Errorf("status apiVersion, kind, resource, packageUrl, digest: -want, +got:\n%s", diff)
	}
	if c := meta.FindStatusCondition(got.Status.Conditions, compositions.ConditionSchemaMissing); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("SchemaMissing = %+v, want False: the chart has a schema", c)
	}
	crd, err := s.crd(t)
	if err != nil {
		t.Fatal(err)
	}
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	port := spec.Properties["app"].Properties["service"].Properties["port"]
	if port.Type != "integer" || string(port.Default.Raw) != "80" || !cmp.Equal(spec.Required, []string{"app"}) {
		t.Errorf("the nested schema (krateo#43): port %+v, required %v; want integer with default 80, app required", port, spec.Required)
	}
	if crd.Spec.Versions[1].Name != compositions.StorageVersion || !crd.Spec.Versions[1].Storage {
		t.Errorf("versions %v: want the vacuum storage version", crd.Spec.Versions)
	}
}

func TestVersionsComeAndGo(t *testing.T) {
	s := newScene(t)
	s.create(t, definition("nginx-v1", "1.0.0"))
	second := s.create(t, definition("nginx-v1-1", "1.1.0"))
	if !second.Readiness().Ready {
		t.Fatalf("the second definition: %v", second.Readiness())
	}
	wantInfo := []compositions.VersionInfo{
		{Version: "v1-0-0", Served: true, Chart: "1.0.0"}, {Version: "v1-1-0", Served: true, Chart: "1.1.0"},
		{Version: compositions.StorageVersion, Stored: true},
	}
	if diff := cmp.Diff(wantInfo, second.Status.Managed.VersionInfo); diff != "" {
		t.Errorf("the CRD's versions in the second's status: -want, +got:\n%s", diff)
	}

	// Deleting the first removes its version only.
	if err := s.defs.Delete(t.Context(), "nginx-v1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.defs.Get(t.Context(), "nginx-v1"); !hub.IsNotFound(err) {
		t.Fatalf("the first definition after its deletion: %v", err)
	}
	crd, err := s.crd(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"v1-1-0"}, servedVersions(crd)); diff != "" {
		t.Errorf("served versions after deleting the first: -want, +got:\n%s", diff)
	}

	// Deleting the last one (no object remains) removes the CRD.
	if err := s.defs.Delete(t.Context(), "nginx-v1-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.crd(t); !hub.IsNotFound(err) {
		t.Errorf("the CRD after its last definition went: %v, want NotFound", err)
	}
}

func TestChartWithoutSchemaAcceptsAnySpec(t *testing.T) {
	s := newScene(t)
	got := s.create(t, definition("nginx-v2", "2.0.0"))
	if c := meta.FindStatusCondition(got.Status.Conditions, compositions.ConditionSchemaMissing); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("SchemaMissing = %+v, want True", c)
	}
	crd, err := s.crd(t)
	if err != nil {
		t.Fatal(err)
	}
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	if spec.XPreserveUnknownFields == nil || !*spec.XPreserveUnknownFields {
		t.Errorf("the spec of a chart without a schema: %+v, want preserve-unknown-fields", spec)
	}
}

func TestCredentials(t *testing.T) {
	s := newScene(t)
	s.charts.RequireAuth("robot", "s3cret")
	ctx := t.Context()
	d := definition("private", "1.0.0")
	d.Spec.Chart.Credentials = &compositions.Credentials{Username: "robot", PasswordRef: compositions.SecretKeyRef{Name: "registry", Key: "password"}}
	got := s.create(t, d)
	if r := got.Readiness(); r.Ready || !strings.Contains(r.Message, `the Secret "registry"`) {
		t.Errorf("without its Secret: %v, want waiting for the Secret", r)
	}

	secrets := hub.For[*corev1.Secret](s.fake.Hub(hub.WithNamespace("platform")))
	if err := secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "registry"}, Data: map[string][]byte{"password": []byte("wrong")}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.defs.Get(ctx, "private")
	if err != nil {
		t.Fatal(err)
	}
	r := got.Readiness()
	if r.Ready || !strings.Contains(r.Message, "refused the credentials") || strings.Contains(r.Message, "wrong") {
		t.Errorf("with a wrong password: %v, want a condition saying the registry refused the credentials, without the password", r)
	}

	if _, err := secrets.Update(ctx, "registry", func(s *corev1.Secret) error { s.Data["password"] = []byte("s3cret"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, err = s.defs.Get(ctx, "private"); err != nil || !got.Readiness().Ready {
		t.Errorf("with the right password: %v %v, want ready", err, got.Readiness())
	}
}

func TestRegistryDownIsReported(t *testing.T) {
	s := newScene(t)
	s.charts.SetDown(errors.New("dial tcp: connection refused"))
	got := s.create(t, definition("nginx-v1", "1.0.0"))
	c := meta.FindStatusCondition(got.Status.Conditions, reconcile.ReadyCondition)
	if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, "fetching the chart "+registry+" 1.0.0: dial tcp: connection refused") {
		t.Errorf("Ready = %+v, want False naming the chart and the error", c)
	}
	if _, err := s.crd(t); !hub.IsNotFound(err) {
		t.Errorf("the CRD while the registry is down: %v, want none", err)
	}
}
