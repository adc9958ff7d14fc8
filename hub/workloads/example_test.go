package workloads_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/workloads"
)

// The relevance selectors come from DigitalHub's environment variables;
// Services lists only what they select.
func ExampleClient_Services() {
	env := map[string]string{"K8S_SELECTOR_SERVICE": "app.kubernetes.io/managed-by=postgrest-operator|nuclio.io/class=function"}
	opts, err := hub.SelectorsFromEnv(func(k string) string { return env[k] })
	if err != nil {
		log.Fatal(err)
	}
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithObjects(
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "postgrest", Labels: map[string]string{"app.kubernetes.io/managed-by": "postgrest-operator"}},
			Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kube-internal"}},
	))
	c := workloads.NewClient(f.Hub(opts...))
	services, err := c.Services(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range services {
		fmt.Println(s.Name, s.Type, s.Ports[0].Port, s.Ports[0].Protocol)
	}
	// Output: postgrest ClusterIP 80 TCP
}

// Job reports a Job's phase and counts; on a fake cluster the test ends
// Jobs itself.
func ExampleClient_Job() {
	ctx := context.Background()
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithObjects(job("train", nil)))
	c := workloads.NewClient(f.Hub(hub.WithNamespace("team-a")))
	before, err := c.Job(ctx, "train")
	if err != nil {
		log.Fatal(err)
	}
	if err := f.CompleteJob(ctx, "team-a", "train"); err != nil {
		log.Fatal(err)
	}
	after, err := c.Job(ctx, "train")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(before.Phase, before.Active, "->", after.Phase, after.Succeeded)

	_, err = c.JobLogs(ctx, "train")
	fmt.Println(errors.Is(err, workloads.ErrLogsUnavailable))
	// Output:
	// Running 1 -> Complete 1
	// true
}
