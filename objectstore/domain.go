package objectstore

import (
	"flag"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/secrets"
)

// Domain is the objectstore domain's registry entry: its types and CRDs,
// the Provisioner as an operator runs it, and a demo bucket with a policy
// and a user.
var Domain = hub.Domain{
	Name:        "objectstore",
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Reconcilers: func() hub.Reconcilers { return &reconcilerSettings{} },
	// The minio-operator keeps a user's secret key in its spec, in plain
	// text.
	SecretFields: map[schema.GroupKind][]string{GroupVersion.WithKind("User").GroupKind(): {"spec.secretKey"}},
	Demo: func(namespace string) []client.Object {
		return []client.Object{
			NewBucket("datasets", WithQuota("50Gi")).Build(namespace),
			ReadWritePolicy("datasets-rw", "datasets").Build(namespace),
			NewUser("etl", "etl-job", secrets.Plain("demo-secret-key"), "datasets-rw").Build(namespace),
		}
	},
}

// EnvMinIOSecretKey names the environment variable with the MinIO
// administrator's secret key (the minio-operator's): never a flag.
const EnvMinIOSecretKey = "MINIO_SECRET_ACCESS_KEY" //nolint:gosec // the name of an environment variable, not a credential

// reconcilerSettings are the Provisioner's settings in an operator, named
// after the minio-operator's environment.
type reconcilerSettings struct {
	endpoint, accessKey string
	secretKey           secrets.Value
	tls, emptyOnDelete  bool
}

func (s *reconcilerSettings) BindFlags(fs *flag.FlagSet, getenv func(string) string) {
	s.secretKey = secrets.Plain(getenv(EnvMinIOSecretKey))
	fs.StringVar(&s.endpoint, "minio-endpoint", getenv("MINIO_ENDPOINT"), "MinIO host:port; turns the object store reconciler on (MINIO_ENDPOINT)")
	fs.StringVar(&s.accessKey, "minio-access-key", getenv("MINIO_ACCESS_KEY_ID"), "MinIO administrator's access key (MINIO_ACCESS_KEY_ID)")
	fs.BoolVar(&s.tls, "minio-tls", getenv("MINIO_USE_SSL") == "true", "talk to MinIO over HTTPS (MINIO_USE_SSL)")
	fs.BoolVar(&s.emptyOnDelete, "minio-empty-bucket-on-delete", getenv("MINIO_EMPTY_BUCKET_ON_DELETE") == "true",
		"delete a bucket's objects with its resource (MINIO_EMPTY_BUCKET_ON_DELETE)")
}

func (s *reconcilerSettings) Enabled() bool { return s.endpoint != "" }

func (s *reconcilerSettings) SetupWithManager(mgr manager.Manager, c *hub.Client) error {
	var opts []Option
	if s.tls {
		opts = append(opts, WithTLS())
	}
	if s.emptyOnDelete {
		opts = append(opts, WithEmptyBucketOnDelete())
	}
	p, err := NewProvisioner(c, s.endpoint, s.accessKey, s.secretKey, opts...)
	if err != nil {
		return err
	}
	return p.SetupWithManager(mgr)
}
