package workloads

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
)

// Domain is the workloads domain's registry entry: it has no API types of
// its own; it serves Services, Deployments, Jobs and ResourceQuotas (as the
// resource manager's k8s_service, k8s_deployment, k8s_job, k8s_quota) and
// has demo data (services, deployments, a job and a quota that DigitalHub's
// relevance selectors pick).
var Domain = hub.Domain{
	Name: "workloads",
	Kinds: []hub.Kind{
		{ID: "k8s_service", Title: "Services", Object: &corev1.Service{}},
		{ID: "k8s_deployment", Title: "Deployments", Object: &appsv1.Deployment{}},
		{ID: "k8s_job", Title: "Jobs", Object: &batchv1.Job{}},
		{ID: "k8s_quota", Title: "Quotas", Object: &corev1.ResourceQuota{}},
	},
	Demo: demoObjects,
}

func demoObjects(namespace string) []client.Object {
	meta := func(name string, labels map[string]string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: labels}
	}
	dhcore := map[string]string{hub.ManagedByLabel: "dhcore"}
	workspace := map[string]string{hub.ManagedByLabel: "dhcore", "app.kubernetes.io/type": "workspace"}
	deployment := func(name, image string, replicas int32) *appsv1.Deployment {
		sel := map[string]string{"app": name}
		return &appsv1.Deployment{ObjectMeta: meta(name, workspace), Spec: appsv1.DeploymentSpec{
			Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: sel},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: sel}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: image}}}},
		}}
	}
	service := func(name string, labels map[string]string, port, target int32) *corev1.Service {
		return &corev1.Service{ObjectMeta: meta(name, labels), Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": name}, Ports: []corev1.ServicePort{{Name: "http", Port: port, TargetPort: intstr.FromInt32(target)}},
		}}
	}
	return []client.Object{
		service("jupyter", map[string]string{"app.kubernetes.io/part-of": "coder", "app.kubernetes.io/type": "service"}, 80, 8888),
		service("classifier", map[string]string{"nuclio.io/class": "function"}, 8080, 8080),
		deployment("jupyter", "jupyter/base-notebook:2026.01", 1),
		deployment("vscode", "codercom/code-server:4.100", 1),
		&batchv1.Job{ObjectMeta: meta("train-model", dhcore), Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "train", Image: "python:3.13"}},
		}}}},
		&corev1.ResourceQuota{ObjectMeta: meta("compute", nil), Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
			corev1.ResourceRequestsCPU: resource.MustParse("8"), corev1.ResourceRequestsMemory: resource.MustParse("32Gi"), corev1.ResourcePods: resource.MustParse("20"),
		}}},
	}
}
