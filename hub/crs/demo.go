package crs

import (
	"encoding/json"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// demoCRDName is the demo's CRD without a schema worth the name.
const demoCRDName = "experiments.demo.hubkit.dev"

// demoSchema is the custom schema the demo attaches to it.
const demoSchema = `{"type":"object","properties":{"spec":{"type":"object","required":["image"],"properties":{
  "image":{"type":"string","description":"The container image the experiment runs.","pattern":"^[a-z0-9./:@-]+$"},
  "gpus":{"type":"integer","minimum":0,"default":0,"description":"How many GPUs it needs."},
  "tracking":{"type":"string","enum":["none","mlflow"],"default":"none","description":"Where its metrics go."}}}}}`

// demoObjects are a CRD whose objects take anything (as many operators'
// CRDs do), the custom schema that gives it one, and an experiment that
// follows it.
func demoObjects(namespace string) []client.Object {
	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: demoCRDName},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "demo.hubkit.dev", Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "experiments", Singular: "experiment", Kind: "Experiment", ListKind: "ExperimentList"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: new(true),
				}},
			}},
		},
	}
	schemaObj := &CustomResourceSchema{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: SchemaName(demoCRDName, "v1")},
		Spec:       CustomResourceSchemaSpec{CRD: demoCRDName, Version: "v1", Schema: apiextensionsv1.JSON{Raw: json.RawMessage(demoSchema)}},
	}
	experiment := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "demo.hubkit.dev/v1", "kind": "Experiment",
		"metadata": map[string]any{"namespace": namespace, "name": "churn-model", "labels": map[string]any{CreatedByLabel: DefaultCreatedBy}},
		"spec":     map[string]any{"image": "ghcr.io/example/churn:1.4", "gpus": int64(1), "tracking": "mlflow"},
	}}
	return []client.Object{crd, schemaObj, experiment}
}
