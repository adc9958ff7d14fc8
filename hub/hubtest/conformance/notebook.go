package conformance

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NotebookCRD returns a CRD without a schema worth the name: its objects
// take anything, as many operators' CRDs do. A custom schema (hub/crs)
// gives it one; NotebookSchema is such a schema.
func NotebookCRD() *apiextensionsv1.CustomResourceDefinition {
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "notebooks.conformance.hubkit.dev"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "conformance.hubkit.dev", Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "notebooks", Singular: "notebook", Kind: "Notebook", ListKind: "NotebookList"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: new(true),
				}},
			}},
		},
	}
}

// NotebookSchema is a custom schema for NotebookCRD's v1: a notebook names
// its image and may ask for at least one CPU.
const NotebookSchema = `{"type":"object","properties":{"spec":{"type":"object","required":["image"],"properties":{
  "image":{"type":"string","pattern":"^[a-z0-9./:-]+$"},
  "cpu":{"type":"integer","minimum":1}}}}}`
