package objectstore

import (
	"context"
	"flag"

	"k8s.io/apimachinery/pkg/util/validation/field"
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
	Kinds: []hub.Kind{
		{
			ID: "buckets.minio.scc-digitalhub.github.io", Title: "Buckets", Object: &Bucket{},
			Columns: []hub.Column{{Header: "Name in MinIO", Path: "spec.name"}, {Header: "Quota (bytes)", Path: "spec.quota"}},
			Check:   hub.CheckOf(checkBucket),
		},
		{
			ID: "policies.minio.scc-digitalhub.github.io", Title: "Object store policies", Object: &Policy{},
			Columns: []hub.Column{{Header: "Name in MinIO", Path: "spec.name"}},
			Check:   hub.CheckOf(checkPolicy),
		},
		{
			ID: "users.minio.scc-digitalhub.github.io", Title: "Object store users", Object: &User{},
			Columns: []hub.Column{{Header: "Access key", Path: "spec.accessKey"}, {Header: "Policies", Path: "spec.policies"}},
			// The minio-operator keeps a user's secret key in its spec, in
			// plain text.
			SecretFields: []string{"spec.secretKey"},
			Check:        hub.CheckOf(checkUser),
		},
	},
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

// checkBucket makes CreateBucket's checks on a Bucket written whole (by a
// REST API).
func checkBucket(_ context.Context, _ *hub.Client, b *Bucket) (field.ErrorList, error) {
	var errs field.ErrorList
	if b.Spec.Name == "" {
		errs = append(errs, field.Required(field.NewPath("spec", "name"), "name the bucket in MinIO"))
	}
	return append(errs, bucketRequestOf(b).Validate()...), nil
}

// checkPolicy makes CreatePolicy's checks on a Policy written whole (by a
// REST API): its name, and its content parsed as an IAM policy.
func checkPolicy(_ context.Context, _ *hub.Client, p *Policy) (field.ErrorList, error) {
	var errs field.ErrorList
	if p.Spec.Name == "" {
		errs = append(errs, field.Required(field.NewPath("spec", "name"), "name the policy in MinIO"))
	}
	doc, docErrs := ParsePolicy(field.NewPath("spec", "content"), p.Spec.Content)
	if len(docErrs) > 0 {
		return append(errs, docErrs...), nil
	}
	return append(errs, PolicyRequest{Name: p.Name, Policy: p.Spec.Name, Document: *doc}.Validate()...), nil
}

// checkUser makes CreateUser's checks on a User written whole (by a REST
// API): its keys, and that its policies exist.
func checkUser(ctx context.Context, c *hub.Client, u *User) (field.ErrorList, error) {
	return NewClient(c).checkUser(ctx, userRequestOf(u))
}
