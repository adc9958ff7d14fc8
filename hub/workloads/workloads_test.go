package workloads_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/workloads"
)

// digitalHubEnv is the selector configuration DigitalHub deploys.
var digitalHubEnv = map[string]string{
	"K8S_SELECTOR_SERVICE":    "app.kubernetes.io/part-of=coder,app.kubernetes.io/type=service|nuclio.io/class=function|app.kubernetes.io/managed-by=postgrest-operator|app.kubernetes.io/managed-by=dremiorestserver-operator|com.coder.resource=true",
	"K8S_SELECTOR_DEPLOYMENT": "app.kubernetes.io/type=workspace,app.kubernetes.io/managed-by=dhcore",
	"K8S_SELECTOR_JOB":        "app.kubernetes.io/managed-by=dhcore",
	"K8S_SELECTOR_QUOTA":      "hubkit.dev/quota=true",
}

func service(name string, labels map[string]string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: name, Labels: labels}, Spec: corev1.ServiceSpec{Ports: ports, Selector: map[string]string{"app": name}}}
}

func deployment(name string, replicas int32, labels map[string]string) *appsv1.Deployment {
	sel := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: new(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: sel},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: sel}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: name + ":1.0"}}}},
		},
	}
}

func job(name string, labels map[string]string) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: name, Labels: labels},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "main", Image: "trainer"}},
		}}},
	}
}

func newWorkloads(t *testing.T, objs ...client.Object) (*workloads.Client, *hubtest.Fake) {
	t.Helper()
	opts, err := hub.SelectorsFromEnv(func(k string) string { return digitalHubEnv[k] })
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithObjects(append([]client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}}, objs...)...))
	return workloads.NewClient(f.Hub(append(opts, hub.WithNamespace("team-a"))...)), f
}

func TestServices(t *testing.T) {
	c, _ := newWorkloads(t,
		service("api", map[string]string{"app.kubernetes.io/managed-by": "postgrest-operator"},
			corev1.ServicePort{Name: "http", Port: 80, TargetPort: intstr.FromInt32(3000)}),
		service("fn", map[string]string{"nuclio.io/class": "function"},
			corev1.ServicePort{Port: 8080, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}),
		service("coder-half", map[string]string{"app.kubernetes.io/part-of": "coder"}),
		service("internal", nil, corev1.ServicePort{Port: 53, Protocol: corev1.ProtocolUDP}),
	)
	got, err := c.Services(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []workloads.ServiceInfo{
		{Name: "api", Type: corev1.ServiceTypeClusterIP, Ports: []workloads.PortInfo{{Name: "http", Port: 80, TargetPort: "3000", Protocol: corev1.ProtocolTCP}}, Selector: map[string]string{"app": "api"}, Labels: map[string]string{"app.kubernetes.io/managed-by": "postgrest-operator"}},
		{Name: "fn", Type: corev1.ServiceTypeClusterIP, Ports: []workloads.PortInfo{{Port: 8080, TargetPort: "http", Protocol: corev1.ProtocolTCP}}, Selector: map[string]string{"app": "fn"}, Labels: map[string]string{"nuclio.io/class": "function"}},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(workloads.ServiceInfo{}, "Created")); diff != "" {
		t.Errorf("Services through DigitalHub's selector: -want, +got:\n%s", diff)
	}
	if _, err := c.Service(t.Context(), "internal"); !hub.IsNotFound(err) {
		t.Errorf("Service of an unselected service = %v, want NotFound", err)
	}
	if s, err := c.Service(t.Context(), "api"); err != nil || s.Ports[0].TargetPort != "3000" {
		t.Errorf("Service(api) = %+v, %v", s, err)
	}
}

func TestDeployments(t *testing.T) {
	workspace := map[string]string{"app.kubernetes.io/type": "workspace", "app.kubernetes.io/managed-by": "dhcore"}
	c, _ := newWorkloads(t, deployment("jupyter", 2, workspace), deployment("other", 1, map[string]string{"app.kubernetes.io/type": "workspace"}))
	got, err := c.Deployments(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("Deployments = %d items, want only the selected one", len(got))
	}
	d := got[0]
	type summary struct {
		Name                               string
		Desired, Ready, Available, Updated int32
		Images                             []string
		Conditions                         map[string]string
	}
	conds := map[string]string{}
	for _, c := range d.Conditions {
		conds[c.Type] = c.Status
	}
	want := summary{"jupyter", 2, 2, 2, 2, []string{"jupyter:1.0"}, map[string]string{"Available": "True", "Progressing": "True"}}
	if diff := cmp.Diff(want, summary{d.Name, d.Desired, d.Ready, d.Available, d.Updated, d.Images, conds}); diff != "" {
		t.Errorf("the deployment's view: -want, +got:\n%s", diff)
	}
	if _, err := c.Deployment(t.Context(), "other"); !hub.IsNotFound(err) {
		t.Errorf("Deployment of an unselected one = %v, want NotFound", err)
	}
}

func TestJobs(t *testing.T) {
	dhcore := map[string]string{"app.kubernetes.io/managed-by": "dhcore"}
	suspended := job("later", dhcore)
	suspended.Spec.Suspend = new(true)
	c, f := newWorkloads(t, job("train", dhcore), job("eval", dhcore), suspended, job("foreign", nil))
	ctx := t.Context()
	if err := f.CompleteJob(ctx, "team-a", "train"); err != nil {
		t.Fatal(err)
	}
	if err := f.FailJob(ctx, "team-a", "eval", "BackoffLimitExceeded"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name                      string
		Phase                     workloads.JobPhase
		Active, Succeeded, Failed int32
		Completed                 bool
	}
	rows := make([]row, 0, len(got))
	for _, j := range got {
		rows = append(rows, row{j.Name, j.Phase, j.Active, j.Succeeded, j.Failed, j.CompletionTime != nil})
	}
	want := []row{
		{"eval", workloads.JobFailed, 0, 0, 7, false},
		{"later", workloads.JobSuspended, 0, 0, 0, false},
		{"train", workloads.JobComplete, 0, 1, 0, true},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("Jobs: -want, +got:\n%s", diff)
	}
	running := job("fresh", dhcore)
	if err := f.Client().Create(ctx, running); err != nil {
		t.Fatal(err)
	}
	if j, err := c.Job(ctx, "fresh"); err != nil || j.Phase != workloads.JobRunning || j.Active != 1 {
		t.Errorf("a started job = %+v, %v; want Running with one active pod", j, err)
	}
}

func TestDeleteJobTakesItsPods(t *testing.T) {
	dhcore := map[string]string{"app.kubernetes.io/managed-by": "dhcore"}
	c, f := newWorkloads(t, job("train", dhcore), job("foreign", nil))
	ctx := t.Context()
	stored := &batchv1.Job{}
	if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "train"}, stored); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "train-abcde", Labels: map[string]string{batchv1.JobNameLabel: "train"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: "train", UID: stored.UID, Controller: new(true)}}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "trainer"}}},
	}
	if err := f.Client().Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteJob(ctx, "train"); err != nil {
		t.Fatal(err)
	}
	for _, obj := range []client.Object{&batchv1.Job{}, &corev1.Pod{}} {
		name := map[bool]string{true: "train", false: "train-abcde"}[isJob(obj)]
		if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "team-a", Name: name}, obj); !hub.IsNotFound(err) {
			t.Errorf("%s survived the job's deletion: %v", name, err)
		}
	}
	if err := c.DeleteJob(ctx, "foreign"); !hub.IsNotFound(err) {
		t.Errorf("deleting an unselected job = %v, want NotFound", err)
	}
}

func isJob(obj client.Object) bool { _, ok := obj.(*batchv1.Job); return ok }

func TestQuotas(t *testing.T) {
	quota := &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "compute", Labels: map[string]string{"hubkit.dev/quota": "true"}},
		Spec:       corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourceLimitsCPU: resource.MustParse("8"), corev1.ResourceRequestsMemory: resource.MustParse("16Gi")}},
	}
	c, f := newWorkloads(t, quota, &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "hidden"}})
	ctx := t.Context()
	stored := &corev1.ResourceQuota{}
	if err := f.Client().Get(ctx, client.ObjectKeyFromObject(quota), stored); err != nil {
		t.Fatal(err)
	}
	stored.Status = corev1.ResourceQuotaStatus{Hard: stored.Spec.Hard, Used: corev1.ResourceList{corev1.ResourceLimitsCPU: resource.MustParse("2500m")}}
	if err := f.Client().Status().Update(ctx, stored); err != nil {
		t.Fatal(err)
	}
	got, err := c.Quotas(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("Quotas = %v, %v; want the one selected quota", got, err)
	}
	type res struct{ Name, Hard, Used string }
	rows := make([]res, 0, len(got[0].Resources))
	for _, r := range got[0].Resources {
		rows = append(rows, res{string(r.Name), r.Hard.String(), r.Used.String()})
	}
	want := []res{{"limits.cpu", "8", "2500m"}, {"requests.memory", "16Gi", "0"}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("quota resources: -want, +got:\n%s", diff)
	}
	if _, err := c.Quota(ctx, "hidden"); !hub.IsNotFound(err) {
		t.Errorf("an unselected quota = %v, want NotFound", err)
	}
}

func TestLogs(t *testing.T) {
	workspace := map[string]string{"app.kubernetes.io/type": "workspace", "app.kubernetes.io/managed-by": "dhcore"}
	objs := []client.Object{
		deployment("jupyter", 1, workspace),
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "jupyter-1", Labels: map[string]string{"app": "jupyter"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "i"}, {Name: "sidecar", Image: "s"}}}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "unrelated", Labels: map[string]string{"app": "other"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "i"}}}},
	}
	t.Run("UnavailableOnAFake", func(t *testing.T) {
		c, _ := newWorkloads(t, objs...)
		if _, err := c.DeploymentLogs(t.Context(), "jupyter"); !errors.Is(err, workloads.ErrLogsUnavailable) {
			t.Errorf("logs without a rest config = %v, want ErrLogsUnavailable", err)
		}
	})
	t.Run("FromAReader", func(t *testing.T) {
		opts, _ := hub.SelectorsFromEnv(func(k string) string { return digitalHubEnv[k] })
		f := hubtest.NewFake(t, hubtest.WithObjects(append([]client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}}, objs...)...))
		var asked []string
		reader := workloads.LogReaderFunc(func(_ context.Context, ns, pod, container string, o workloads.LogOptions) ([]string, error) {
			asked = append(asked, fmt.Sprintf("%s/%s/%s tail=%d", ns, pod, container, o.TailLines))
			if container == "sidecar" {
				return nil, errors.New("container not started")
			}
			return []string{"line 1", "line 2"}, nil
		})
		c := workloads.NewClient(f.Hub(append(opts, hub.WithNamespace("team-a"))...), workloads.WithLogReader(reader))
		logs, err := c.DeploymentLogs(t.Context(), "jupyter", workloads.TailLines(50))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"team-a/jupyter-1/main tail=50", "team-a/jupyter-1/sidecar tail=50"}, asked); diff != "" {
			t.Errorf("logs read: -want, +got:\n%s", diff)
		}
		if len(logs) != 2 || len(logs[0].Lines) != 2 || logs[1].Err == nil {
			t.Errorf("logs = %+v; want main's lines and sidecar's error", logs)
		}
		one, err := c.DeploymentLogs(t.Context(), "jupyter", workloads.Container("main"))
		if err != nil || len(one) != 1 || one[0].Container != "main" {
			t.Errorf("one container's logs = %+v, %v", one, err)
		}
	})
}
