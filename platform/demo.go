package platform

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/secrets"
	"github.com/hubkit-dev/hubkit/storage"
)

// DemoNamespace is the namespace DemoObjects fill.
const DemoNamespace = "demo"

// DemoObjects returns a small platform to look at: storage classes, claims,
// secrets, services, deployments, a job, a quota, a database with a user,
// and a bucket with a policy and a user, in DemoNamespace (and a little in
// team-b). Every object carries the labels DigitalHub's selectors look for.
func DemoObjects() []client.Object {
	ns := DemoNamespace
	meta := func(name string, labels map[string]string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}
	}
	krm := map[string]string{storage.ManagedByLabel: storage.DefaultManagedBy}
	dhcore := map[string]string{storage.ManagedByLabel: "dhcore"}
	workspace := map[string]string{storage.ManagedByLabel: "dhcore", "app.kubernetes.io/type": "workspace"}
	fast := "standard"
	claim := func(name, size string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: meta(name, krm), Spec: corev1.PersistentVolumeClaimSpec{
			StorageClassName: &fast, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}},
		}}
	}
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
	wffc := storagev1.VolumeBindingWaitForFirstConsumer
	return []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-b"}},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "standard", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}}, Provisioner: "csi.hubkit.dev/standard"},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "local-nvme"}, Provisioner: "csi.hubkit.dev/local", VolumeBindingMode: &wffc},
		claim("datasets", "20Gi"),
		claim("scratch", "2Gi"),
		&corev1.Secret{ObjectMeta: meta("warehouse-credentials", krm), Type: corev1.SecretTypeOpaque,
			Data: map[string][]byte{"username": []byte("analyst"), "password": []byte("demo-password-not-real")}},
		&corev1.Secret{ObjectMeta: meta("api-token", krm), Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"token": []byte("demo-token-123")}},
		service("postgrest-analytics", map[string]string{storage.ManagedByLabel: "postgrest-operator", "app.kubernetes.io/name": "Postgrest"}, 3000, 3000),
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
		databases.NewDatabase("analytics", databases.WithSchemas("raw", "curated")).Build(ns),
		databases.NewUser("dashboard", "analytics", databases.WithPrivileges(databases.PrivilegeRead)).Build(ns),
		objectstore.NewBucket("datasets", objectstore.WithQuota("50Gi")).Build(ns),
		objectstore.ReadWritePolicy("datasets-rw", "datasets").Build(ns),
		objectstore.NewUser("etl", "etl-job", secrets.Plain("demo-secret-key"), "datasets-rw").Build(ns),
	}
}
