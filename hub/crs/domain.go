package crs

import (
	"context"

	"github.com/hubkit-dev/hubkit/hub"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Domain is the crs package's registry entry: the CustomResourceSchema kind
// and its CRD, which every platform cluster needs for custom schemas, and a
// demo CRD without a schema of its own, with the custom schema that gives
// it one and an experiment that follows it.
var Domain = hub.Domain{
	Name:        "crs",
	Demo:        demoObjects,
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Kinds: []hub.Kind{{
		ID: "customresourceschemas.hubkit.dev", Title: "Custom schemas", Object: &CustomResourceSchema{},
		Columns: []hub.Column{{Header: "CRD", Path: "spec.crdId"}, {Header: "Version", Path: "spec.version"}},
		// Written whole (by a REST API), a custom schema passes the checks
		// Client.SetSchema makes.
		Check: hub.CheckOf(func(ctx context.Context, c *hub.Client, s *CustomResourceSchema) (field.ErrorList, error) {
			_, _, errs, err := NewClient(c).checkSchema(ctx, SchemaRequest{ID: s.Name, CRD: s.Spec.CRD, Version: s.Spec.Version, Schema: s.Spec.Schema.Raw})
			return errs, err
		}),
	}},
}
