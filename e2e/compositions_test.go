//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/compositions/compositionstest"
	"github.com/hubkit-dev/hubkit/hub"
)

// webappSchema is the values.schema.json of the test's chart: a nested
// object (krateo#43's case), a required field, a default.
const webappSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["app"],
  "properties": {
    "replicaCount": {"type": "integer", "default": 1, "minimum": 0},
    "app": {"type": "object", "properties": {"service": {"type": "object", "properties": {"port": {"type": "integer"}}}}}
  }
}`

// TestCompositions publishes a chart from a real OCI registry (the
// distribution registry, with htpasswd) as an API of the real cluster: the
// definition yields an Established CRD whose objects the API server checks
// against the chart's schema; a second chart version adds a version; and
// deleting the first keeps the objects readable through the second.
func TestCompositions(t *testing.T) {
	f := inOwnNamespace("charts as APIs on the real cluster").
		Assess("two chart versions from an OCI registry, one CRD", assessCompositions).Feature()
	testenv.Test(t, f)
}

func assessCompositions(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
	ns := namespaceOf(ctx)
	reg := compositionstest.StartRegistry(t, compositionstest.WithHtpasswd("robot", "registry-s3cret"))
	chartName := "webapp" + ns[len(ns)-6:]
	for _, v := range []string{"1.0.0", "1.1.0"} {
		archive := compositionstest.BuildChart(t, chartName, v, []byte(webappSchema), nil)
		compositionstest.PushChart(t, reg, "charts/"+chartName, archive, "robot", "registry-s3cret")
	}
	scheme, err := hub.NewScheme(compositions.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	plainHTTP := compositions.ChartFetcherFunc(func(ctx context.Context, src compositions.ChartSource) (*compositions.Chart, error) {
		src.PlainHTTP = true // the test's registry listens on loopback, without TLS
		return compositions.FetchChart(ctx, src)
	})
	c := runManager(ctx, t, cfg, scheme, "composition-operator", func(c *hub.Client, mgr manager.Manager) error {
		p, err := compositions.NewProvisioner(c, compositions.WithFetcher(plainHTTP))
		if err != nil {
			return err
		}
		return p.SetupWithManager(mgr)
	})
	if err := hub.For[*corev1.Secret](c).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "registry"},
		StringData: map[string]string{"password": "registry-s3cret"}}); err != nil {
		t.Fatal(err)
	}
	defs := hub.For[*compositions.CompositionDefinition](c)
	define := func(name, version string) *compositions.CompositionDefinition {
		t.Helper()
		d := &compositions.CompositionDefinition{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: compositions.CompositionDefinitionSpec{
			Chart: compositions.ChartSpec{URL: reg.URL("charts/" + chartName), Version: version,
				Credentials: &compositions.Credentials{Username: "robot", PasswordRef: compositions.SecretKeyRef{Name: "registry", Key: "password"}}},
		}}
		if err := defs.Create(ctx, d); err != nil {
			t.Fatal(err)
		}
		got, err := waitFor(ctx, 2*time.Minute, name, func(ctx context.Context, name string) (*compositions.CompositionDefinition, error) {
			return hub.WaitReady(ctx, defs, name)
		})
		if err != nil {
			t.Fatalf("definition %s: %v", name, err)
		}
		return got
	}
	// A wrong password: a condition that says so, without the password.
	if err := hub.For[*corev1.Secret](c).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wrong"},
		StringData: map[string]string{"password": "not-the-password"}}); err != nil {
		t.Fatal(err)
	}
	if err := defs.Create(ctx, &compositions.CompositionDefinition{ObjectMeta: metav1.ObjectMeta{Name: "webapp-wrong"}, Spec: compositions.CompositionDefinitionSpec{
		Chart: compositions.ChartSpec{URL: reg.URL("charts/" + chartName), Version: "1.0.0",
			Credentials: &compositions.Credentials{Username: "robot", PasswordRef: compositions.SecretKeyRef{Name: "wrong", Key: "password"}}},
	}}); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "the definition with a wrong password says so", time.Minute, func(ctx context.Context) (bool, error) {
		d, err := defs.Get(ctx, "webapp-wrong")
		if err != nil {
			return false, err
		}
		r := d.Readiness()
		if strings.Contains(r.Message, "not-the-password") {
			t.Fatalf("the condition shows the password: %s", r.Message)
		}
		return !r.Ready && strings.Contains(r.Message, "refused the credentials"), nil
	})
	if err := defs.Delete(ctx, "webapp-wrong"); err != nil {
		t.Fatal(err)
	}

	first := define("webapp-v1", "1.0.0")
	gvk := compositions.GroupVersionKindOf(compositions.DefaultGroup, chartName, "1.0.0")
	if first.Status.APIVersion != gvk.GroupVersion().String() || first.Status.Kind != gvk.Kind {
		t.Errorf("the first definition's status: %s %s, want %s %s", first.Status.APIVersion, first.Status.Kind, gvk.GroupVersion(), gvk.Kind)
	}
	crds := hub.For[*apiextensionsv1.CustomResourceDefinition](c)
	t.Cleanup(func() { _ = crds.Delete(context.WithoutCancel(ctx), compositions.CRDName(gvk)) })

	// The API server checks objects against the chart's schema.
	obj := func(version, name string, port any) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"app": map[string]any{"service": map[string]any{"port": port}}}}}
		u.SetGroupVersionKind(schema.GroupVersionKind{Group: gvk.Group, Version: version, Kind: gvk.Kind})
		u.SetNamespace(ns)
		u.SetName(name)
		return u
	}
	created := obj("v1-0-0", "shop", int64(8080))
	if err := c.Kube().Create(ctx, created); err != nil {
		t.Fatalf("an object valid under the chart's schema: %v", err)
	}
	if got, _, _ := unstructured.NestedInt64(created.Object, "spec", "replicaCount"); got != 1 {
		t.Errorf("the schema's default replicaCount = %d, want 1", got)
	}
	err = c.Kube().Create(ctx, obj("v1-0-0", "broken", "eighty"))
	if !hub.IsInvalid(err) || !strings.Contains(err.Error(), "spec.app.service.port") {
		t.Errorf("an object with a string port: %v, want Invalid naming spec.app.service.port", err)
	}

	// A second chart version adds a version to the same CRD.
	second := define("webapp-v1-1", "1.1.0")
	if diff := cmp.Diff([]string{"v1-0-0", "v1-1-0"}, servedOf(second.Status.Managed)); diff != "" {
		t.Errorf("served versions: -want, +got:\n%s", diff)
	}

	// Deleting the first definition keeps the objects readable.
	if err := defs.Delete(ctx, "webapp-v1"); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "the first version leaves the CRD", time.Minute, func(ctx context.Context) (bool, error) {
		crd, err := crds.Get(ctx, compositions.CRDName(gvk))
		if err != nil {
			return false, err
		}
		for _, v := range crd.Spec.Versions {
			if v.Name == "v1-0-0" {
				return false, nil
			}
		}
		return true, nil
	})
	read := &unstructured.Unstructured{}
	read.SetGroupVersionKind(schema.GroupVersionKind{Group: gvk.Group, Version: "v1-1-0", Kind: gvk.Kind})
	eventually(ctx, t, "the object is read through the second version", time.Minute, func(ctx context.Context) (bool, error) {
		err := c.Kube().Get(ctx, client.ObjectKey{Namespace: ns, Name: "shop"}, read)
		return err == nil, nil
	})
	if port, _, _ := unstructured.NestedInt64(read.Object, "spec", "app", "service", "port"); port != 8080 {
		t.Errorf("the object read through v1-1-0: port %d, want 8080", port)
	}
	_ = c.Kube().Delete(ctx, read)
	return ctx
}

// servedOf lists the served versions of a definition's API.
func servedOf(m *compositions.ManagedAPI) []string {
	if m == nil {
		return nil
	}
	var out []string
	for _, v := range m.VersionInfo {
		if v.Served {
			out = append(out, v.Version)
		}
	}
	return out
}
