package crs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
)

// A CRD whose objects take anything gets a custom schema: a notebook it
// refuses is refused before it is sent, naming each field, and one it
// accepts is created with the created-by label.
func ExampleClient_SetSchema() {
	ctx := context.Background()
	scheme, err := hub.NewScheme(crs.AddToScheme)
	if err != nil {
		log.Fatal(err)
	}
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithScheme(scheme),
		hubtest.WithCRDs(append(crs.CRDs(), conformance.NotebookCRD())...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	c := crs.NewClient(f.Hub(hub.WithNamespace("team-a")), crs.WithCreatedBy(crs.DefaultCreatedBy))

	if _, err := c.SetSchema(ctx, crs.SchemaRequest{
		CRD: "notebooks.conformance.hubkit.dev", Version: "v1", Schema: json.RawMessage(conformance.NotebookSchema),
	}); err != nil {
		log.Fatal(err)
	}
	notebooks, err := c.Resources(ctx, "notebooks.conformance.hubkit.dev")
	if err != nil {
		log.Fatal(err)
	}
	bad := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"image": "jupyter/base:1", "cpu": int64(0)}}}
	bad.SetName("lab")
	fmt.Println(notebooks.Create(ctx, bad))

	good := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"image": "jupyter/base:1", "cpu": int64(2)}}}
	good.SetName("lab")
	if err := notebooks.Create(ctx, good); err != nil {
		log.Fatal(err)
	}
	fmt.Println(good.GetLabels()[crs.CreatedByLabel])
	// Output:
	// Notebook.conformance.hubkit.dev "lab" is invalid: spec.cpu: Invalid value: 0: spec.cpu in body should be greater than or equal to 1
	// krm
}
