package crs_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
)

func newClient(t *testing.T, opts ...crs.Option) (*crs.Client, *hubtest.Fake) {
	t.Helper()
	scheme, err := hub.NewScheme(crs.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	widget, err := conformance.WidgetCRD()
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme),
		hubtest.WithCRDs(append(crs.CRDs(), conformance.NotebookCRD(), widget)...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	return crs.NewClient(f.Hub(hub.WithNamespace("team-a")), opts...), f
}

func fieldsOf(err error) []string {
	ve, ok := errors.AsType[*hub.ValidationError](err)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(ve.Errors))
	for _, e := range ve.Errors {
		out = append(out, e.Field)
	}
	slices.Sort(out) // the validator names fields in no set order
	return out
}

func TestPolicy(t *testing.T) {
	cases := map[string]struct {
		reason string
		policy crs.Policy
		crd    string
		want   bool
	}{
		"Empty":             {"With no lists every CRD is allowed.", crs.Policy{}, "a.b", true},
		"Listed":            {"A listed CRD is allowed.", crs.Policy{Allowed: []string{"a.b"}}, "a.b", true},
		"NotListed":         {"With an allowed list, a CRD off it is not.", crs.Policy{Allowed: []string{"a.b"}}, "c.d", false},
		"Denied":            {"With no allowed list, a denied CRD is not allowed.", crs.Policy{Denied: []string{"a.b"}}, "a.b", false},
		"AllowedWinsDenied": {"The allowed list decides alone when it is set.", crs.Policy{Allowed: []string{"a.b"}, Denied: []string{"a.b"}}, "a.b", true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.policy.Allows(tc.crd); got != tc.want {
				t.Errorf("\nReason: %s\nAllows(%s) = %v", tc.reason, tc.crd, got)
			}
		})
	}
}

func TestListCRDsHonoursThePolicy(t *testing.T) {
	c, _ := newClient(t, crs.WithPolicy(crs.Policy{Denied: []string{"widgets.conformance.hubkit.dev"}}))
	ctx := t.Context()
	crds, err := c.ListCRDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(crds))
	for _, crd := range crds {
		names = append(names, crd.Name)
	}
	if diff := cmp.Diff([]string{"customresourceschemas.hubkit.dev", "notebooks.conformance.hubkit.dev"}, names); diff != "" {
		t.Errorf("allowed CRDs: -want, +got:\n%s", diff)
	}
	if _, err := c.GetCRD(ctx, "widgets.conformance.hubkit.dev"); !hub.IsNotFound(err) {
		t.Errorf("GetCRD of a denied CRD = %v, want NotFound", err)
	}
}

func TestSetSchema(t *testing.T) {
	cases := map[string]struct {
		reason     string
		req        crs.SchemaRequest
		wantFields []string
		wantSchema string // a property the stored schema must have under spec
	}{
		"Custom": {
			reason:     "A valid schema of an existing CRD version is stored under the default name.",
			req:        crs.SchemaRequest{CRD: "notebooks.conformance.hubkit.dev", Version: "v1", Schema: json.RawMessage(conformance.NotebookSchema)},
			wantSchema: "image",
		},
		"FilledFromTheCRD": {
			reason:     "An empty schema takes the CRD version's own, for an administrator to edit.",
			req:        crs.SchemaRequest{ID: "widget-settings", CRD: "widgets.conformance.hubkit.dev", Version: "v1"},
			wantSchema: "size",
		},
		"MissingCRD": {
			reason: "A schema needs its CRD.", req: crs.SchemaRequest{CRD: "gadgets.example.hubkit.dev", Version: "v1", Schema: json.RawMessage(conformance.NotebookSchema)},
			wantFields: []string{"spec.crdId"},
		},
		"MissingVersion": {
			reason: "A schema needs its CRD version.", req: crs.SchemaRequest{CRD: "notebooks.conformance.hubkit.dev", Version: "v9", Schema: json.RawMessage(conformance.NotebookSchema)},
			wantFields: []string{"spec.version"},
		},
		"NotJSON": {
			reason: "A schema must be JSON.", req: crs.SchemaRequest{CRD: "notebooks.conformance.hubkit.dev", Version: "v1", Schema: json.RawMessage(`{"type":`)},
			wantFields: []string{"spec.schema"},
		},
		"NotASchema": {
			reason: "A schema must be one the API server's validator can use.", req: crs.SchemaRequest{CRD: "notebooks.conformance.hubkit.dev", Version: "v1", Schema: json.RawMessage(`{"type":"object","properties":{"a":{"type":"string","pattern":"("}}}`)},
			wantFields: []string{"spec.schema.properties[a].pattern"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := newClient(t)
			ctx := t.Context()
			got, err := c.SetSchema(ctx, tc.req)
			if tc.wantFields != nil {
				if diff := cmp.Diff(tc.wantFields, fieldsOf(err)); diff != "" {
					t.Errorf("\nReason: %s\nerror %v; fields -want, +got:\n%s", tc.reason, err, diff)
				}
				if list, _ := c.ListSchemas(ctx); len(list) != 0 {
					t.Errorf("\nReason: %s\na refused schema was stored", tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("\nReason: %s\nSetSchema: %v", tc.reason, err)
			}
			info, err := c.SchemaFor(ctx, tc.req.CRD, tc.req.Version)
			if err != nil {
				t.Fatal(err)
			}
			if !info.Custom() || info.ID != got.Name || info.Schema.Properties["spec"].Properties[tc.wantSchema].Type == "" {
				t.Errorf("\nReason: %s\nSchemaFor = %+v; want the custom schema %s with spec.%s", tc.reason, info, got.Name, tc.wantSchema)
			}
		})
	}
}

func TestSchemaForFallsBackToTheCRD(t *testing.T) {
	c, _ := newClient(t)
	ctx := t.Context()
	info, err := c.SchemaFor(ctx, "widgets.conformance.hubkit.dev", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if info.Custom() || info.Schema.Properties["spec"].Properties["size"].Type != "string" {
		t.Errorf("SchemaFor without a custom schema = %+v; want the CRD's", info)
	}
	if _, err := c.SetSchema(ctx, crs.SchemaRequest{CRD: "notebooks.conformance.hubkit.dev", Version: "v1", Schema: json.RawMessage(conformance.NotebookSchema)}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSchema(ctx, crs.SchemaName("notebooks.conformance.hubkit.dev", "v1")); err != nil {
		t.Fatal(err)
	}
	if info, err := c.SchemaFor(ctx, "notebooks.conformance.hubkit.dev", "v1"); err != nil || info.Custom() {
		t.Errorf("after DeleteSchema, SchemaFor = %+v, %v; want the CRD's own again", info, err)
	}
}

func notebook(name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetName(name)
	return u
}

func TestResourcesWriteAgainstTheCustomSchema(t *testing.T) {
	c, f := newClient(t, crs.WithCreatedBy(crs.DefaultCreatedBy))
	ctx := t.Context()
	res, err := c.Resources(ctx, "notebooks.conformance.hubkit.dev")
	if err != nil {
		t.Fatal(err)
	}
	// Without a custom schema the CRD takes anything.
	if err := res.Create(ctx, notebook("free", map[string]any{"anything": "goes"})); err != nil {
		t.Fatalf("a notebook under the CRD's own schema: %v", err)
	}
	if _, err := c.SetSchema(ctx, crs.SchemaRequest{CRD: "notebooks.conformance.hubkit.dev", Version: "v1", Schema: json.RawMessage(conformance.NotebookSchema)}); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		reason     string
		obj        *unstructured.Unstructured
		wantFields []string
	}{
		"Valid":   {reason: "A notebook the custom schema accepts is created.", obj: notebook("lab", map[string]any{"image": "jupyter/base:1", "cpu": int64(2)})},
		"Missing": {reason: "The custom schema's required field is enforced.", obj: notebook("no-image", map[string]any{"cpu": int64(2)}), wantFields: []string{"spec.image"}},
		"Several": {reason: "Each bad field is named.", obj: notebook("bad", map[string]any{"image": "Not An Image", "cpu": int64(0)}), wantFields: []string{"spec.cpu", "spec.image"}},
		"WrongVersion": {reason: "Only the storage version is written, as the resource manager requires.", obj: func() *unstructured.Unstructured {
			u := notebook("old", map[string]any{"image": "x"})
			u.SetAPIVersion("conformance.hubkit.dev/v0")
			return u
		}(), wantFields: []string{"apiVersion"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := res.Create(ctx, tc.obj)
			if tc.wantFields == nil {
				if err != nil {
					t.Fatalf("\nReason: %s\nCreate: %v", tc.reason, err)
				}
				got, err := res.Get(ctx, tc.obj.GetName())
				if err != nil || got.GetLabels()[crs.CreatedByLabel] != crs.DefaultCreatedBy {
					t.Errorf("\nReason: %s\nGet = %v, %v; want it labelled created-by krm", tc.reason, got, err)
				}
				return
			}
			got := fieldsOf(err)
			if diff := cmp.Diff(tc.wantFields, got); diff != "" {
				t.Errorf("\nReason: %s\nerror %v; fields -want, +got:\n%s", tc.reason, err, diff)
			}
			if _, err := res.Get(ctx, tc.obj.GetName()); !hub.IsNotFound(err) {
				t.Errorf("\nReason: %s\na refused notebook exists: %v", tc.reason, err)
			}
		})
	}
	// An update is checked too.
	if _, err := res.Update(ctx, "lab", func(u *unstructured.Unstructured) error {
		return unstructured.SetNestedField(u.Object, int64(0), "spec", "cpu")
	}); !slicesEqual(fieldsOf(err), []string{"spec.cpu"}) {
		t.Errorf("an invalid update = %v, want a ValidationError on spec.cpu", err)
	}
	// What another client made without the created-by label is out of
	// scope: listed by nobody, NotFound to Get and Delete.
	foreign := notebook("foreign", map[string]any{"image": "x"})
	foreign.SetAPIVersion("conformance.hubkit.dev/v1")
	foreign.SetKind("Notebook")
	foreign.SetNamespace("team-a")
	if err := f.Client().Create(ctx, foreign); err != nil {
		t.Fatal(err)
	}
	list, err := res.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(list))
	for _, u := range list {
		names = append(names, u.GetName())
	}
	if diff := cmp.Diff([]string{"free", "lab"}, names); diff != "" {
		t.Errorf("List: only what the client's created-by value made: -want, +got:\n%s", diff)
	}
	if err := res.Delete(ctx, "foreign"); !hub.IsNotFound(err) {
		t.Errorf("Delete of an out-of-scope notebook = %v, want NotFound", err)
	}
	if err := res.Delete(ctx, "lab"); err != nil {
		t.Errorf("Delete: %v", err)
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

func TestOptionsFromEnv(t *testing.T) {
	env := map[string]string{crs.EnvAllowed: "a.b, c.d", crs.EnvDenied: "", crs.EnvCreatedBy: ""}
	c, _ := newClient(t, crs.OptionsFromEnv(func(k string) string { return env[k] })...)
	crds, err := c.ListCRDs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) != 0 {
		t.Errorf("with K8S_CRD_ALLOWED=a.b,c.d the fake's CRDs are all off the list, got %d", len(crds))
	}
}
