//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/objectstore/objectstoretest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// TestObjectStoreProvisioner runs objectstore.Provisioner in a
// controller-runtime manager against the real cluster and a real MinIO,
// then proves the result through the S3 API with the user's own keys.
func TestObjectStoreProvisioner(t *testing.T) {
	f := inOwnNamespace("the object store provisioner on a real MinIO").
		Assess("a user puts and gets in its bucket, is refused elsewhere, and a resync changes nothing", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			ns := namespaceOf(ctx)
			m := objectstoretest.StartMinIO(t)
			scheme, err := hub.NewScheme(objectstore.AddToScheme)
			if err != nil {
				t.Fatal(err)
			}
			var prov *objectstore.Provisioner
			c := runManager(ctx, t, cfg, scheme, "minio-provisioner", func(c *hub.Client, mgr manager.Manager) error {
				var err error
				if prov, err = objectstore.NewProvisioner(c, m.Endpoint, m.AccessKey, m.SecretKey); err != nil {
					return err
				}
				return prov.SetupWithManager(mgr)
			})

			store := objectstore.NewClient(c)
			for _, create := range []func() error{
				func() error {
					_, err := store.CreateBucket(ctx, objectstore.NewBucket("e2e-datasets", objectstore.WithQuota("32Mi")))
					return err
				},
				func() error { _, err := store.CreateBucket(ctx, objectstore.NewBucket("e2e-private")); return err },
				func() error {
					_, err := store.CreatePolicy(ctx, objectstore.ReadWritePolicy("e2e-datasets-rw", "e2e-datasets"))
					return err
				},
				func() error {
					_, err := store.CreateUser(ctx, objectstore.NewUser("analyst", "analyst", secrets.Plain("analyst-secret-1"), "e2e-datasets-rw"))
					return err
				},
			} {
				if err := create(); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := waitFor(ctx, 2*time.Minute, "analyst", store.WaitForUser); err != nil {
				t.Fatal(err)
			}

			s3, err := minio.New(m.Endpoint, &minio.Options{Creds: credentials.NewStaticV4("analyst", "analyst-secret-1", "")})
			if err != nil {
				t.Fatal(err)
			}
			payload := []byte("id,value\n1,42\n")
			if _, err := s3.PutObject(ctx, "e2e-datasets", "tables/values.csv", bytes.NewReader(payload), int64(len(payload)), minio.PutObjectOptions{}); err != nil {
				t.Fatalf("a put into the user's bucket: %v", err)
			}
			obj, err := s3.GetObject(ctx, "e2e-datasets", "tables/values.csv", minio.GetObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := io.ReadAll(obj); err != nil || !bytes.Equal(got, payload) {
				t.Errorf("read back %q, %v", got, err)
			}
			if _, err := waitFor(ctx, time.Minute, "e2e-private", store.WaitForBucket); err != nil {
				t.Fatal(err)
			}
			_, err = s3.PutObject(ctx, "e2e-private", "x", bytes.NewReader(payload), int64(len(payload)), minio.PutObjectOptions{})
			if code := minio.ToErrorResponse(err).Code; code != "AccessDenied" {
				t.Errorf("a put outside the user's policy = %v, want AccessDenied", err)
			}

			before := map[string]string{}
			for _, name := range []string{"analyst"} {
				u, err := store.GetUser(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				before[name] = u.ResourceVersion
				if _, err := prov.ReconcileUser(ctx, types.NamespacedName{Namespace: ns, Name: name}); err != nil {
					t.Fatal(err)
				}
			}
			if u, _ := store.GetUser(ctx, "analyst"); u.ResourceVersion != before["analyst"] {
				t.Errorf("a resync rewrote the user resource")
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}
