package hubtest_test

import (
	"context"
	"fmt"
	"log"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// NewFake makes an in-memory cluster; its built-in controllers make a
// Deployment available as soon as it is created.
func ExampleNewFake() {
	ctx := context.Background()
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithObjects(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
	))
	labels := map[string]string{"app": "notebook"}
	deployment := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "notebook"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "notebook", Image: "jupyter/base-notebook"}}},
			},
		},
	}
	if err := f.Client().Create(ctx, deployment); err != nil {
		log.Fatal(err)
	}
	err := f.WaitFor(ctx, "the notebook is available", time.Second, func(ctx context.Context) (bool, error) {
		err := f.Client().Get(ctx, client.ObjectKeyFromObject(deployment), deployment)
		return err == nil && deployment.Status.AvailableReplicas == 2, err
	})
	fmt.Println(deployment.Generation, deployment.Status.AvailableReplicas, err)
	// Output: 1 2 <nil>
}

// Custom resources are validated against their CRD's schema, with the API
// server's field paths.
func ExampleFake_InstallCRDs() {
	ctx := context.Background()
	f := hubtest.NewFake(hubtest.Standalone())
	crd, err := conformance.WidgetCRD()
	if err != nil {
		log.Fatal(err)
	}
	if err := f.InstallCRDs(ctx, crd); err != nil {
		log.Fatal(err)
	}
	widgets := hub.For[*unstructured.Unstructured](f.Hub(), hub.OfKind(conformance.WidgetKind))

	bad := &unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"name": "w"},
		"spec":     map[string]any{"size": "huge"},
	}}
	err = widgets.Create(ctx, bad)
	fmt.Println(hub.IsInvalid(err))
	fmt.Println(err)
	// Output:
	// true
	// creating Widget default/w: Widget.conformance.hubkit.dev "w" is invalid: spec.size: Unsupported value: "huge": supported values: "small", "large"
}

// InjectFault makes chosen requests fail, to test error paths.
func ExampleFake_InjectFault() {
	ctx := context.Background()
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithObjects(
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "settings"}},
	))
	f.InjectFault(hubtest.Fault{Verb: hubtest.VerbUpdate, Name: "settings", Reason: metav1.StatusReasonConflict, Times: 1})

	attempts := 0
	_, err := hub.For[*corev1.ConfigMap](f.Hub()).Update(ctx, "settings", func(cm *corev1.ConfigMap) error {
		attempts++
		cm.Data = map[string]string{"theme": "dark"}
		return nil
	})
	fmt.Println(attempts, err)
	// Output: 2 <nil>
}

// A Simulator adds an upstream operator's behaviour: here, an operator that
// writes the connection Secret of every database claim.
func ExampleSimulator() {
	ctx := context.Background()
	secretWriter := hubtest.SimulatorFunc(func(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
		cm, ok := ev.Object.(*corev1.ConfigMap)
		if !ok || ev.Type != hubtest.EventCreated || cm.Labels["kind"] != "database-claim" {
			return nil
		}
		secret := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: cm.Namespace, Name: cm.Name + "-credentials"},
			StringData: map[string]string{"POSTGRES_URL": "postgresql://" + cm.Name},
		}
		return f.Client().Create(ctx, secret)
	})
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithSimulators(secretWriter))
	claim := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "analytics", Labels: map[string]string{"kind": "database-claim"}}}
	if err := f.Client().Create(ctx, claim); err != nil {
		log.Fatal(err)
	}
	var secret corev1.Secret
	err := f.Client().Get(ctx, client.ObjectKey{Namespace: "default", Name: "analytics-credentials"}, &secret)
	fmt.Println(err == nil)
	// Output: true
}

// Writes counts the write requests the fake served: a resync over children
// that are already as desired writes nothing.
func ExampleFake_Writes() {
	ctx := context.Background()
	f, err := hubtest.New(hubtest.WithObjects(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "workspace"}}))
	if err != nil {
		log.Fatal(err)
	}
	c := f.Hub(hub.WithNamespace("team-a"), hub.WithFieldOwner("workspace-controller"))
	owner, err := hub.For[*corev1.ConfigMap](c).Get(ctx, "workspace")
	if err != nil {
		log.Fatal(err)
	}
	settings := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "workspace-settings"}, Data: map[string]string{"theme": "dark"}}
	for pass := 1; pass <= 2; pass++ {
		f.ResetRequests()
		if _, err := reconcile.Ensure(ctx, c, owner, settings); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("pass %d: %d writes\n", pass, f.Writes())
	}
	// Output:
	// pass 1: 1 writes
	// pass 2: 0 writes
}
