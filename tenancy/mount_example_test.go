package tenancy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/tenancy"
)

// A notebook pod of a tenant gets its personal volume, read from the
// namespace's storage info, at /private and the platform's shared volume,
// read-only, at /shared.
func ExampleMountPersonalStorage() {
	info := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: tenancy.NamespaceOf("ada"), Name: tenancy.StorageInfoSecret},
		Data: map[string][]byte{
			tenancy.KeyVolumeType: []byte(tenancy.VolumeTypeNFS), tenancy.KeyServerName: []byte("nfs.example.org"), tenancy.KeyPath: []byte("/homes/ada"),
		},
	}
	personal, err := tenancy.PersonalVolumeSource(info)
	if err != nil {
		fmt.Println(err)
		return
	}
	shared := corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.example.org", Path: "/shared"}}
	spec := corev1.PodSpec{Containers: []corev1.Container{{Name: "notebook", Image: "jupyter/base-notebook"}}}
	if err := tenancy.MountPersonalStorage(&spec, tenancy.Mounts{Personal: &personal, Shared: &shared, ReadOnlyShared: true}); err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range spec.Volumes {
		fmt.Printf("volume %s: nfs %s:%s\n", v.Name, v.NFS.Server, v.NFS.Path)
	}
	for _, m := range spec.Containers[0].VolumeMounts {
		fmt.Printf("notebook mounts %s at %s (read-only: %t)\n", m.Name, m.MountPath, m.ReadOnly)
	}

	// A container of the pod's own at /private is a conflict: nothing is
	// mounted and the error names the field.
	taken := corev1.PodSpec{Containers: []corev1.Container{{
		Name: "notebook", VolumeMounts: []corev1.VolumeMount{{Name: "scratch", MountPath: "/private"}},
	}}}
	fmt.Println(tenancy.MountPersonalStorage(&taken, tenancy.Mounts{Personal: &personal}))
	// Output:
	// volume hubkit-personal: nfs nfs.example.org:/homes/ada
	// volume hubkit-shared: nfs nfs.example.org:/shared
	// notebook mounts hubkit-personal at /private (read-only: false)
	// notebook mounts hubkit-shared at /shared (read-only: true)
	// tenancy: mounting the personal storage: Pod is invalid: spec.containers[0].volumeMounts[0].mountPath: Invalid value: "/private": volume "scratch" is mounted where Hubkit mounts hubkit-personal
}

// PersonalVolumeSource reads CrownLabs' Secret (a server and a path) as an
// NFS volume, and says which keys an incomplete one lacks.
func ExamplePersonalVolumeSource() {
	crownLabs := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: tenancy.StorageInfoSecret},
		Data:       map[string][]byte{tenancy.KeyServerName: []byte("nfs.example.org"), tenancy.KeyPath: []byte("/homes/ada")},
	}
	src, err := tenancy.PersonalVolumeSource(crownLabs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("nfs %s:%s\n", src.NFS.Server, src.NFS.Path)

	incomplete := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: tenancy.StorageInfoSecret},
		Data:       map[string][]byte{tenancy.KeyVolumeType: []byte(tenancy.VolumeTypeNFS)},
	}
	_, err = tenancy.PersonalVolumeSource(incomplete)
	fmt.Println(err)
	// Output:
	// nfs nfs.example.org:/homes/ada
	// tenancy: reading the personal volume: Secret "mydrive-info" is invalid: [data[server-name]: Required value, data[path]: Required value]
}

// A PodMounter answers the API server's review of a pod created in a
// tenant namespace with the JSON patch that mounts the tenant's volume.
// A manager serves it with
//
//	mgr.GetWebhookServer().Register("/mutate-pods", &webhook.Admission{Handler: mounter})
func ExamplePodMounter() {
	f, err := hubtest.New(hubtest.WithObjects(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "tenant-ada", Labels: map[string]string{tenancy.LabelType: "tenant"}}},
		&corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: "tenant-ada", Name: tenancy.StorageInfoSecret},
			StringData: map[string]string{tenancy.KeyVolumeType: tenancy.VolumeTypeHostPath, tenancy.KeyPath: "/var/hubkit/ada"},
		},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	mounter, err := tenancy.NewPodMounter(f.Client())
	if err != nil {
		fmt.Println(err)
		return
	}
	pod, err := json.Marshal(&corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "notebook", Namespace: "tenant-ada"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "notebook", Image: "jupyter/base-notebook"}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp := mounter.Handle(context.Background(), admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, Namespace: "tenant-ada",
		Operation: admissionv1.Create, Object: runtime.RawExtension{Raw: pod},
	}})
	fmt.Println("allowed:", resp.Allowed)
	// The order of the operations is not defined.
	sort.Slice(resp.Patches, func(i, j int) bool { return resp.Patches[i].Path < resp.Patches[j].Path })
	for _, p := range resp.Patches {
		value, err := json.Marshal(p.Value)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(p.Operation, p.Path, string(value))
	}
	// Output:
	// allowed: true
	// add /spec/containers/0/volumeMounts [{"mountPath":"/private","name":"hubkit-personal"}]
	// add /spec/volumes [{"hostPath":{"path":"/var/hubkit/ada","type":"DirectoryOrCreate"},"name":"hubkit-personal"}]
}
