package apps_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/apps"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// TestTemplateAndInstanceCRDs: the API server's own checks and defaults of
// the generated CRDs: a template holds an environment or manifests, one of
// the two; an instance runs by default, an environment mounts the
// personal storage by default.
func TestTemplateAndInstanceCRDs(t *testing.T) {
	scheme, err := hub.NewScheme(apps.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(apps.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "workspace-ds"}}))
	template := func(name string, env *apps.Environment, manifests string) *apps.Template {
		return &apps.Template{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "workspace-ds"},
			Spec: apps.TemplateSpec{PrettyName: "Jupyter", Environment: env, Manifests: manifests, Variables: []apps.Variable{{Name: "NAME", Default: name}}}}
	}
	env := &apps.Environment{Image: "jupyter/minimal-notebook:2024-01-15", Ports: []apps.Port{{Name: "http", Port: 8888}}}
	if err := f.Client().Create(t.Context(), template("jupyter", env, "")); err != nil {
		t.Fatalf("a template with an environment: %v", err)
	}
	got := &apps.Template{}
	if err := f.Client().Get(t.Context(), client.ObjectKey{Namespace: "workspace-ds", Name: "jupyter"}, got); err != nil {
		t.Fatal(err)
	}
	if got.Spec.Environment.MountPersonalStorage == nil || !*got.Spec.Environment.MountPersonalStorage || got.Spec.Auth == nil || !*got.Spec.Auth {
		t.Errorf("defaults: mountPersonalStorage %v, auth %v; want both true", got.Spec.Environment.MountPersonalStorage, got.Spec.Auth)
	}
	for name, tc := range map[string]struct {
		env       *apps.Environment
		manifests string
	}{"Neither": {}, "Both": {env: env, manifests: "kind: Service"}} {
		err := f.Client().Create(t.Context(), template(strings.ToLower(name), tc.env, tc.manifests))
		if !hub.IsInvalid(err) || !strings.Contains(err.Error(), "one of the two") {
			t.Errorf("%s: %v, want Invalid: an environment or manifests, one of the two", name, err)
		}
	}
	instance := &apps.Instance{ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "workspace-ds"},
		Spec: apps.InstanceSpec{Template: apps.TemplateRef{Name: "jupyter", Namespace: "workspace-ds"}}}
	if err := f.Client().Create(t.Context(), instance); err != nil {
		t.Fatal(err)
	}
	if instance.Spec.Running == nil || !*instance.Spec.Running {
		t.Errorf("running = %v, want true by default", instance.Spec.Running)
	}
}
