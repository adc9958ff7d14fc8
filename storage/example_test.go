package storage_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/storage"
)

// exampleHub returns a hub.Client over a fake cluster with one storage
// class. Real programs use hub.New.
func exampleHub() *hub.Client {
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithObjects(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "fast"}, Provisioner: "fast.csi.example"},
	))
	return f.Hub(hub.WithNamespace("team-a"))
}

// Create validates a claim and creates it; List shows it bound.
func ExampleClient_Create() {
	ctx := context.Background()
	claims := storage.NewClient(exampleHub(), storage.WithStorageClasses("fast"))

	_, err := claims.Create(ctx, storage.NewClaim("datasets", storage.Gi(20),
		storage.WithStorageClass("fast"), storage.WithAccessModes(corev1.ReadWriteMany)))
	if err != nil {
		log.Fatal(err)
	}
	list, err := claims.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range list {
		fmt.Println(c.Name, c.Phase, c.StorageClass, c.SizeGi)
	}
	// Output: datasets Bound fast 20
}

// A claim that cannot be made is refused before anything is sent, with the
// path of every bad field.
func ExampleClaimRequest_Validate() {
	claim := storage.NewClaim("My Data", storage.Gi(0), storage.WithVolumeMode("Tape"))
	for _, err := range claim.Validate() {
		fmt.Println(err.Field)
	}
	// Output:
	// metadata.name
	// spec.resources.requests.storage
	// spec.volumeMode
}

// Delete refuses a claim a Pod still mounts, unless forced.
func ExampleClient_Delete() {
	ctx := context.Background()
	c := exampleHub()
	claims := storage.NewClient(c)
	if _, err := claims.Create(ctx, storage.NewClaim("scratch", storage.Gi(1))); err != nil {
		log.Fatal(err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "notebook"},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "jupyter", Image: "jupyter/base-notebook"}},
			Volumes:    []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "scratch"}}}},
		},
	}
	if err := hub.For[*corev1.Pod](c).Create(ctx, pod); err != nil {
		log.Fatal(err)
	}
	err := claims.Delete(ctx, "scratch")
	var inUse *storage.InUseError
	fmt.Println(errors.As(err, &inUse), inUse.Pods)
	fmt.Println(claims.Delete(ctx, "scratch", storage.Force()))
	// Output:
	// true [notebook]
	// <nil>
}

// Wait waits, as long as its context lets it, until a claim is bound;
// Readiness reads its state the way every domain reads a status.
func ExampleClient_Wait() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	claims := storage.NewClient(exampleHub())
	if _, err := claims.Create(ctx, storage.NewClaim("scratch", storage.Gi(1), storage.WithStorageClass("fast"))); err != nil {
		log.Print(err)
		return
	}
	claim, err := claims.Wait(ctx, "scratch")
	if err != nil {
		log.Print(err)
		return
	}
	r := claim.Readiness()
	fmt.Println(r.Ready, r.State)
	// Output: true Bound
}
