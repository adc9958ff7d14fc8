package main

import (
	"slices"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/platform"
)

// schemaKindID is the API id of custom schemas (crs.Domain): the
// resource manager's Settings. Its create form sends to /api/crs, which
// names the schema and fills an empty one from the CRD's own.
const schemaKindID = "customresourceschemas.hubkit.dev"

// schemaFields is the New custom schema form, in the body of the resource
// manager's POST /api/crs: the CRD (a select of those the API serves and
// the custom resources policy allows), its version, and the schema, a JSON
// object; empty starts from the CRD's own. The API names their errors by
// the CustomResourceSchema's fields (spec.crdId).
func (s *server) schemaFields(p *platform.Platform) []formField {
	var crds, versions []string
	for _, crd := range s.api.CRDs() {
		if crd.Name == schemaKindID || (p != nil && !p.CustomResources().Allows(crd.Name)) {
			continue
		}
		crds = append(crds, crd.Name)
		for _, v := range crd.Spec.Versions {
			if v.Served {
				versions = append(versions, v.Name)
			}
		}
	}
	slices.Sort(versions)
	return []formField{
		{
			Path: "crdId", ErrorPath: "spec.crdId", Label: "CRD", Kind: selectField, Type: typeString, Required: true, Options: crds,
			Note: "The custom resources whose writes the schema checks, and whose forms it draws.",
		},
		{
			Path: "version", ErrorPath: "spec.version", Label: "version", Kind: selectField, Type: typeString, Required: true,
			Options: slices.Compact(versions), Default: storageVersionOf(s.api.CRDs()),
			Note: "One of the CRD's served versions: writes go to its storage version.",
		},
		{
			Path: "schema", ErrorPath: "spec.schema", Label: "schema", Kind: jsonTextField, Type: typeString,
			Note: `A JSON schema, as a CRD's openAPIV3Schema: {"type": "object", "properties": {"spec": …}}. Empty starts from the CRD's own, to edit on the schema's page.`,
		},
	}
}

// storageVersionOf returns the storage version most of crds have: the
// version a new custom schema most likely targets.
func storageVersionOf(crds []*apiextensionsv1.CustomResourceDefinition) string {
	count := map[string]int{}
	best := ""
	for _, crd := range crds {
		for _, v := range crd.Spec.Versions {
			if v.Storage {
				count[v.Name]++
				if count[v.Name] > count[best] || (count[v.Name] == count[best] && v.Name < best) {
					best = v.Name
				}
			}
		}
	}
	return best
}
