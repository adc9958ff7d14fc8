package objectstore_test

import (
	"context"
	"fmt"
	"log"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/objectstore/objectstoretest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A bucket with a quota, a read-write policy on it, and a user holding the
// policy. The operator is simulated here; on a cluster it is the
// minio-operator or objectstore.Provisioner.
func ExampleClient_CreateUser() {
	ctx := context.Background()
	scheme, err := hub.NewScheme(objectstore.AddToScheme)
	if err != nil {
		log.Fatal(err)
	}
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithScheme(scheme), hubtest.WithCRDs(objectstore.CRDs()...),
		hubtest.WithSimulators(objectstoretest.NewOperator()),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	store := objectstore.NewClient(f.Hub(hub.WithNamespace("team-a")))

	bucket, err := store.CreateBucket(ctx, objectstore.NewBucket("datasets", objectstore.WithQuota("10Gi")))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.CreatePolicy(ctx, objectstore.ReadWritePolicy("datasets-rw", "datasets")); err != nil {
		log.Fatal(err)
	}
	_, err = store.CreateUser(ctx, objectstore.NewUser("etl", "etl-job", secrets.Plain("etl-secret-key"), "datasets-rw", "missing-policy"))
	fmt.Println(err)

	if _, err := store.CreateUser(ctx, objectstore.NewUser("etl", "etl-job", secrets.Plain("etl-secret-key"), "datasets-rw")); err != nil {
		log.Fatal(err)
	}
	user, err := store.GetUser(ctx, "etl")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bucket.Spec.Name, bucket.Spec.Quota, user.Spec.Policies, user.Status.State)
	// Output:
	// User.minio.scc-digitalhub.github.io "etl" is invalid: spec.policies[1]: Not found: "missing-policy"
	// datasets 10737418240 [datasets-rw] Ready
}

// WaitForBucket waits, as long as its context lets it, until the operator
// reports the bucket ready; Readiness reads its status the way every
// domain reads one.
func ExampleClient_WaitForBucket() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	scheme, err := hub.NewScheme(objectstore.AddToScheme)
	if err != nil {
		log.Print(err)
		return
	}
	f := hubtest.NewFake(hubtest.Standalone(), hubtest.WithScheme(scheme), hubtest.WithCRDs(objectstore.CRDs()...),
		hubtest.WithSimulators(objectstoretest.NewOperator()),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	store := objectstore.NewClient(f.Hub(hub.WithNamespace("team-a")))

	if _, err := store.CreateBucket(ctx, objectstore.NewBucket("logs")); err != nil {
		log.Print(err)
		return
	}
	bucket, err := store.WaitForBucket(ctx, "logs")
	if err != nil {
		log.Print(err)
		return
	}
	fmt.Println(bucket.Readiness())
	// Output: Ready
}
