package objectstoretest_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/objectstore/objectstoretest"
)

// The contract suite on both servers: where they disagree, the in-memory
// one is wrong.
func TestServerContract(t *testing.T) {
	t.Run("InMemory", func(t *testing.T) {
		objectstoretest.RunServerContract(t, func(*testing.T) objectstoretest.ServerUnderTest {
			m := objectstoretest.NewInMemoryMinIO()
			return objectstoretest.ServerUnderTest{Server: m, PutObject: m.PutObject}
		})
	})
	t.Run("MinIO", func(t *testing.T) {
		objectstoretest.RunServerContract(t, func(t *testing.T) objectstoretest.ServerUnderTest {
			t.Helper()
			m := objectstoretest.StartMinIO(t)
			s, err := objectstore.NewMinIOServer(m.Endpoint, false, m.AccessKey, m.SecretKey)
			if err != nil {
				t.Fatal(err)
			}
			s3, err := minio.New(m.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(m.AccessKey, m.SecretKey.Reveal(), "")})
			if err != nil {
				t.Fatal(err)
			}
			put := func(ctx context.Context, bucket, key string) error {
				_, err := s3.PutObject(ctx, bucket, key, bytes.NewReader([]byte("x")), 1, minio.PutObjectOptions{})
				return err
			}
			return objectstoretest.ServerUnderTest{Server: s, PutObject: put}
		})
	})
}
