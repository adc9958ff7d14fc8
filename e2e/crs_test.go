//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
)

// TestCustomResourcesAndSchemas runs hub/crs on the real cluster: a CRD
// with no schema worth the name gets a custom schema, and a notebook that
// it refuses is refused before the API server (which would take anything),
// then accepted once fixed; the allow and deny lists and the created-by
// scope hold.
func TestCustomResourcesAndSchemas(t *testing.T) {
	f := inOwnNamespace("custom resources and their custom schemas").
		Assess("a custom schema refuses, then accepts; policy and scope hold", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			widget, err := conformance.WidgetCRD()
			if err != nil {
				t.Fatal(err)
			}
			notebooks := conformance.NotebookCRD()
			if err := installCRDs(ctx, cfg, notebooks, widget); err != nil {
				t.Fatal(err)
			}
			scheme, err := hub.NewScheme(crs.AddToScheme)
			if err != nil {
				t.Fatal(err)
			}
			kc, err := cfg.NewClient()
			if err != nil {
				t.Fatal(err)
			}
			admin, err := hub.New(kc.RESTConfig(), hub.WithScheme(scheme), hub.WithNamespace(namespaceOf(ctx)))
			if err != nil {
				t.Fatal(err)
			}
			c := crs.NewClient(admin,
				crs.WithPolicy(crs.Policy{Denied: []string{widget.Name}}), crs.WithCreatedBy(crs.DefaultCreatedBy))

			crds, err := c.ListCRDs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			names := make([]string, 0, len(crds))
			for _, crd := range crds {
				names = append(names, crd.Name)
			}
			if !slices.Contains(names, notebooks.Name) || slices.Contains(names, widget.Name) {
				t.Errorf("ListCRDs = %v; want %s and not the denied %s", names, notebooks.Name, widget.Name)
			}
			if _, err := c.Resources(ctx, widget.Name); !hub.IsNotFound(err) {
				t.Errorf("the resources of a denied CRD = %v, want NotFound", err)
			}

			res, err := c.Resources(ctx, notebooks.Name)
			if err != nil {
				t.Fatal(err)
			}
			bad := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"cpu": int64(0)}}}
			bad.SetName("bad")
			if err := res.Create(ctx, bad.DeepCopy()); err != nil {
				t.Fatalf("without a custom schema the CRD takes anything: %v", err)
			}
			if _, err := c.SetSchema(ctx, crs.SchemaRequest{CRD: notebooks.Name, Version: "v1", Schema: json.RawMessage(conformance.NotebookSchema)}); err != nil {
				t.Fatal(err)
			}
			worse := bad.DeepCopy()
			worse.SetName("worse")
			err = res.Create(ctx, worse)
			ve, ok := errors.AsType[*hub.ValidationError](err)
			if !ok || len(ve.Errors) != 2 {
				t.Fatalf("a notebook the custom schema refuses = %v; want a ValidationError on spec.cpu and spec.image", err)
			}
			if _, err := res.Get(ctx, "worse"); !hub.IsNotFound(err) {
				t.Errorf("a refused notebook exists: %v", err)
			}
			good := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"image": "jupyter/base:1", "cpu": int64(2)}}}
			good.SetName("good")
			if err := res.Create(ctx, good); err != nil {
				t.Fatalf("a notebook the custom schema accepts: %v", err)
			}

			// Made by someone else, without the created-by label: out of scope.
			foreign := good.DeepCopy()
			foreign.SetName("foreign")
			foreign.SetLabels(nil)
			foreign.SetResourceVersion("")
			if err := hub.For[*unstructured.Unstructured](admin, hub.OfKind(res.GroupVersionKind())).Create(ctx, foreign); err != nil {
				t.Fatal(err)
			}
			list, err := res.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			listed := make([]string, 0, len(list))
			for _, u := range list {
				listed = append(listed, u.GetName())
			}
			slices.Sort(listed)
			if !slices.Equal(listed, []string{"bad", "good"}) {
				t.Errorf("List = %v; want what the client made, bad and good", listed)
			}
			if err := res.Delete(ctx, "foreign"); !hub.IsNotFound(err) {
				t.Errorf("Delete of an out-of-scope notebook = %v, want NotFound", err)
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}
