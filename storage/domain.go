package storage

import (
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
)

// Domain is the storage domain's registry entry: it has no API types of its
// own; it serves PersistentVolumeClaims (as the resource manager's
// k8s_pvc) and has demo data (two storage classes and two claims).
var Domain = hub.Domain{
	Name:  "storage",
	Kinds: []hub.Kind{{ID: "k8s_pvc", Title: "Volumes", Object: &corev1.PersistentVolumeClaim{}}},
	Demo:  demoObjects,
}

func demoObjects(namespace string) []client.Object {
	standard := "standard"
	claim := func(name, size string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: map[string]string{hub.ManagedByLabel: hub.DefaultManagedBy}},
			Spec: corev1.PersistentVolumeClaimSpec{
				StorageClassName: &standard, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}},
			},
		}
	}
	wffc := storagev1.VolumeBindingWaitForFirstConsumer
	return []client.Object{
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: standard, Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}}, Provisioner: "csi.hubkit.dev/standard"},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "local-nvme"}, Provisioner: "csi.hubkit.dev/local", VolumeBindingMode: &wffc},
		claim("datasets", "20Gi"),
		claim("scratch", "2Gi"),
	}
}
