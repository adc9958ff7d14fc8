package apps_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hubkit-dev/hubkit/apps"
)

func TestTemplateRequestValidate(t *testing.T) {
	env := apps.Environment{Image: "jupyter/minimal-notebook:2024-01-15", Ports: []apps.Port{{Name: "http", Port: 8888}}}
	cases := map[string]struct {
		reason string
		req    apps.TemplateRequest
		want   []string
	}{
		"Environment": {reason: "A container environment with an image and ports.", req: apps.NewTemplate("jupyter", "Jupyter", apps.WithEnvironment(env), apps.Exposed(true))},
		"Manifests": {
			reason: "Manifests whose placeholders are declared.",
			req:    apps.NewTemplate("zeppelin", "Zeppelin", apps.WithManifests("name: $NAME"), apps.WithVariables(apps.Variable{Name: "NAME", Default: "zeppelin"})),
		},
		"Neither": {reason: "A template holds something to start.", req: apps.NewTemplate("empty", "Empty"), want: []string{"spec.environment"}},
		"Both": {
			reason: "Not both.",
			req:    apps.NewTemplate("both", "Both", apps.WithEnvironment(env), apps.WithManifests("x")),
			want:   []string{"spec.manifests"},
		},
		"BadEnvironment": {
			reason: "An image, and ports with valid, distinct names and numbers.",
			req: apps.NewTemplate("bad", "Bad", apps.WithEnvironment(apps.Environment{Ports: []apps.Port{
				{Name: "http", Port: 8888}, {Name: "http", Port: 70000}, {Name: "Not_A_Port", Port: 80}}})),
			want: []string{"spec.environment.image", "spec.environment.ports[1].name", "spec.environment.ports[1].port", "spec.environment.ports[2].name"},
		},
		"BadNames": {
			reason: "A name a resource can have, a pretty name, declared placeholders.",
			req:    apps.NewTemplate("Bad_Name", " ", apps.WithManifests("$NAME $PORT"), apps.WithVariables(apps.Variable{Name: "NAME"})),
			want:   []string{"metadata.name", "spec.prettyName", "spec.manifests"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := tc.req.Validate()
			got := make([]string, 0, len(errs))
			for _, e := range errs {
				got = append(got, e.Field)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty(), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("\nReason: %s\nValidate fields: -want, +got:\n%s\n%v", tc.reason, diff, errs)
			}
		})
	}
}

func TestInstanceRequest(t *testing.T) {
	ok := apps.NewInstance("lab", "workspace-ds", "jupyter", apps.WithValues(map[string]string{"IMAGE": "mine"}), apps.Stopped())
	if errs := ok.Validate(); len(errs) > 0 {
		t.Errorf("a valid instance: %v", errs)
	}
	built := ok.Build("tenant-alice")
	if built.Namespace != "tenant-alice" || built.Spec.Running == nil || *built.Spec.Running || built.Spec.Template.Namespace != "workspace-ds" {
		t.Errorf("Build = %+v, want a stopped instance in tenant-alice of workspace-ds/jupyter", built)
	}
	bad := apps.NewInstance("Lab", "", "jupyter", apps.WithValues(map[string]string{"NAMESPACE": "kube-system"}))
	errs := bad.Validate()
	got := make([]string, 0, len(errs))
	for _, e := range errs {
		got = append(got, e.Field)
	}
	if diff := cmp.Diff([]string{"metadata.name", "spec.template.namespace", "spec.variables[NAMESPACE]"}, got); diff != "" {
		t.Errorf("Validate fields: -want, +got:\n%s", diff)
	}
}
