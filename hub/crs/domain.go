package crs

import "github.com/hubkit-dev/hubkit/hub"

// Domain is the crs package's registry entry: the CustomResourceSchema kind
// and its CRD, which every platform cluster needs for custom schemas.
var Domain = hub.Domain{
	Name:        "crs",
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Kinds: []hub.Kind{{
		ID: "customresourceschemas.hubkit.dev", Title: "Custom schemas", Object: &CustomResourceSchema{},
		Columns: []hub.Column{{Header: "CRD", Path: "spec.crdId"}, {Header: "Version", Path: "spec.version"}},
	}},
}
