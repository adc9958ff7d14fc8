package apps_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/apps"
	"github.com/hubkit-dev/hubkit/apps/squonkv2"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// notebookCRD is the JupyterNotebook CRD, marked for namespaces.
func notebookCRD(t *testing.T, namespaces ...string) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	crd := squonkv2.CRDs()[0].DeepCopy()
	if err := apps.MarkApplication(crd, namespaces, "jupyter.notebook.url"); err != nil {
		t.Fatal(err)
	}
	return crd
}

func TestApplicationOf(t *testing.T) {
	withAnnotations := func(a map[string]string) *apiextensionsv1.CustomResourceDefinition {
		crd := squonkv2.CRDs()[0].DeepCopy()
		crd.Annotations = a
		return crd
	}
	cases := map[string]struct {
		reason  string
		crd     *apiextensionsv1.CustomResourceDefinition
		want    apps.Application
		wantOK  bool
		wantErr string
	}{
		"TheNotebookCRD": {
			reason: "The generated CRD carries the contract's marks, as the Squonk2 operator's does: any namespace until the platform names some.",
			crd:    squonkv2.CRDs()[0],
			want: apps.Application{CRD: "jupyternotebooks.squonk.it", GroupVersionKind: squonkv2.GroupVersion.WithKind("JupyterNotebook"),
				URLLocation: []string{"jupyter", "notebook", "url"}},
			wantOK: true,
		},
		"Namespaces": {
			reason: "The namespaces are separated by colons.",
			crd: withAnnotations(map[string]string{apps.AnnotationApplication: "yes", apps.AnnotationApplicationNamespaces: "team-a:team-b",
				apps.AnnotationApplicationURLLocation: "url"}),
			want: apps.Application{CRD: "jupyternotebooks.squonk.it", GroupVersionKind: squonkv2.GroupVersion.WithKind("JupyterNotebook"),
				Namespaces: []string{"team-a", "team-b"}, URLLocation: []string{"url"}},
			wantOK: true,
		},
		"NotAnApplication": {
			reason: "A CRD without the mark is no application kind.",
			crd:    withAnnotations(map[string]string{apps.AnnotationApplication: "no"}),
		},
		"NoLocation": {
			reason: "A marked CRD without a URL location is an error naming why.",
			crd:    withAnnotations(map[string]string{apps.AnnotationApplication: "yes"}),
			wantOK: true, wantErr: "the URL location is empty",
		},
		"EmptyPart": {
			reason: "A location with an empty part is an error.",
			crd:    withAnnotations(map[string]string{apps.AnnotationApplication: "yes", apps.AnnotationApplicationURLLocation: "jupyter..url"}),
			wantOK: true, wantErr: "part 2",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok, err := apps.ApplicationOf(tc.crd)
			if ok != tc.wantOK || (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("\nReason: %s\nApplicationOf: %v, %v; want %v and an error with %q", tc.reason, ok, err, tc.wantOK, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); err == nil && diff != "" {
				t.Errorf("\nReason: %s\nApplicationOf: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMarkApplicationRefusesBadMarks(t *testing.T) {
	crd := squonkv2.CRDs()[0].DeepCopy()
	err := apps.MarkApplication(crd, []string{"team-a", "Team_B"}, "")
	for _, want := range []string{"metadata.annotations[" + apps.AnnotationApplicationNamespaces + "][1]", "metadata.annotations[" + apps.AnnotationApplicationURLLocation + "]"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("MarkApplication: %v, want an error naming %s", err, want)
		}
	}
	if got := crd.Annotations[apps.AnnotationApplicationNamespaces]; got != "" {
		t.Errorf("the CRD was changed by a refused mark: namespaces %q", got)
	}
}

func TestValidateApplicationCRD(t *testing.T) {
	cases := map[string]struct {
		reason string
		edit   func(*apiextensionsv1.CustomResourceDefinition)
		want   []string
	}{
		"TheNotebookCRD": {reason: "JupyterNotebook's CRD takes every field the Data Manager sets."},
		"NoProject": {
			reason: "A CRD without the project volume's fields is refused, each path named.",
			edit: func(crd *apiextensionsv1.CustomResourceDefinition) {
				dm := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["imDataManager"]
				delete(dm.Properties, "project")
			},
			want: []string{"spec.versions[storage].schema.openAPIV3Schema.properties.spec.imDataManager.project.claimName",
				"spec.versions[storage].schema.openAPIV3Schema.properties.spec.imDataManager.project.id"},
		},
		"KeptAsUnknown": {
			reason: "A spec that keeps unknown fields takes them.",
			edit: func(crd *apiextensionsv1.CustomResourceDefinition) {
				keep := true
				crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"] = apiextensionsv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: &keep}
			},
		},
		"NotMarked": {
			reason: "A CRD that is not an application kind is refused for it.",
			edit:   func(crd *apiextensionsv1.CustomResourceDefinition) { crd.Annotations = nil },
			want:   []string{"metadata.annotations[" + apps.AnnotationApplication + "]"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			crd := squonkv2.CRDs()[0].DeepCopy()
			if tc.edit != nil {
				tc.edit(crd)
			}
			errs := apps.ValidateApplicationCRD(crd)
			got := make([]string, 0, len(errs))
			for _, e := range errs {
				got = append(got, e.Field)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nValidateApplicationCRD fields: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestApplicationKindsAndURL finds the notebook kind through its CRD's
// marks on a fake cluster, only in the namespaces it names, and reads a
// notebook's URL where the marks say.
func TestApplicationKindsAndURL(t *testing.T) {
	other := squonkv2.CRDs()[0].DeepCopy()
	other.Name, other.Spec.Group = "jupyternotebooks.other.example", "other.example"
	other.Annotations = nil
	scheme, err := hub.NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(notebookCRD(t, "team-a"), other),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	for ns, want := range map[string][]string{"team-a": {"jupyternotebooks.squonk.it"}, "team-b": nil} {
		kinds, err := apps.ApplicationKinds(t.Context(), f.Hub(), ns)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, 0, len(kinds))
		for _, k := range kinds {
			got = append(got, k.CRD)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("application kinds in %s: -want, +got:\n%s", ns, diff)
		}
	}
	kinds, _ := apps.ApplicationKinds(t.Context(), f.Hub(), "team-a")
	nb := &unstructured.Unstructured{Object: map[string]any{
		"spec":   map[string]any{"imDataManager": map[string]any{"labels": []any{apps.InstanceLabel("lab")}}},
		"status": map[string]any{"jupyter": map[string]any{"notebook": map[string]any{"url": "https://dm.example/lab?token=abc"}}},
	}}
	nb.SetGroupVersionKind(kinds[0].GroupVersionKind)
	nb.SetNamespace("team-a")
	nb.SetName("lab")
	if err := f.Client().Create(t.Context(), nb); err != nil {
		t.Fatal(err)
	}
	if err := f.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: "lab"}, nb); err != nil {
		t.Fatal(err)
	}
	if url, err := apps.InstanceURL(kinds[0], nb); err != nil || url != "https://dm.example/lab?token=abc" {
		t.Errorf("InstanceURL = %q, %v; want the URL at status.jupyter.notebook.url", url, err)
	}
	unstructured.RemoveNestedField(nb.Object, "status")
	if url, err := apps.InstanceURL(kinds[0], nb); err != nil || url != "" {
		t.Errorf("InstanceURL before the operator wrote it = %q, %v; want none", url, err)
	}
}
