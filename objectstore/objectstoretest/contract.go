package objectstoretest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A ServerUnderTest is an objectstore.Server and a way to upload an object
// into one of its buckets, as a user of the bucket would.
type ServerUnderTest struct {
	Server    objectstore.Server
	PutObject func(ctx context.Context, bucket, key string) error
}

// RunServerContract checks that an objectstore.Server behaves as a real
// MinIO does: the same states after the same calls and the same errors
// for the same bad input. newServer returns a fresh, empty server. Run it
// on InMemoryMinIO and on objectstore.MinIOServer over StartMinIO: both
// must pass.
func RunServerContract(t *testing.T, newServer func(t *testing.T) ServerUnderTest) {
	t.Helper()
	for _, c := range []struct {
		name string
		run  func(ctx context.Context, t *testing.T, s ServerUnderTest)
	}{
		{"Buckets", contractBuckets},
		{"Policies", contractPolicies},
		{"Users", contractUsers},
		{"Provisioner", contractProvisioner},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t.Context(), t, newServer(t)) })
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v, want an error that wraps %q", what, err, want)
	}
}

func contractBuckets(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	s := sut.Server
	must(t, "make", s.MakeBucket(ctx, "datasets"))
	wantErr(t, "making it again", s.MakeBucket(ctx, "datasets"), objectstore.ErrExists)
	wantErr(t, "a quota on a missing bucket", s.SetQuota(ctx, "missing", 1<<20), objectstore.ErrMissing)
	must(t, "quota", s.SetQuota(ctx, "datasets", 10<<30))
	got, err := s.Bucket(ctx, "datasets")
	must(t, "read", err)
	if diff := cmp.Diff(objectstore.BucketState{Exists: true, Quota: 10 << 30}, got); diff != "" {
		t.Errorf("bucket with a quota: -want, +got:\n%s", diff)
	}
	must(t, "clear the quota", s.SetQuota(ctx, "datasets", 0))
	if got, _ := s.Bucket(ctx, "datasets"); got.Quota != 0 {
		t.Errorf("quota after clearing = %d, want 0", got.Quota)
	}
	if got, err := s.Bucket(ctx, "missing"); err != nil || got.Exists {
		t.Errorf("a missing bucket = %+v, %v; want it not to exist and no error", got, err)
	}
	must(t, "upload", sut.PutObject(ctx, "datasets", "raw/data.csv"))
	wantErr(t, "removing a bucket that holds objects", s.RemoveBucket(ctx, "datasets", false), objectstore.ErrNotEmpty)
	if got, _ := s.Bucket(ctx, "datasets"); !got.Exists {
		t.Error("a refused removal removed the bucket")
	}
	must(t, "remove, emptying", s.RemoveBucket(ctx, "datasets", true))
	must(t, "remove a missing bucket", s.RemoveBucket(ctx, "datasets", false))
	if got, _ := s.Bucket(ctx, "datasets"); got.Exists {
		t.Error("a removed bucket still exists")
	}
}

const readDatasets = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::datasets/*"]}]}`

func contractPolicies(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	s := sut.Server
	for _, name := range objectstore.BuiltinPolicies[:2] {
		if got, err := s.Policy(ctx, name); err != nil || !got.Exists {
			t.Errorf("built-in policy %s = %+v, %v; want it to exist", name, got, err)
		}
	}
	if got, err := s.Policy(ctx, "missing"); err != nil || got.Exists {
		t.Errorf("a missing policy = %+v, %v; want it not to exist and no error", got, err)
	}
	must(t, "put", s.PutPolicy(ctx, "datasets-read", []byte(readDatasets)))
	must(t, "put again", s.PutPolicy(ctx, "datasets-read", []byte(readDatasets)))
	wantErr(t, "a document that is not JSON", s.PutPolicy(ctx, "broken", []byte("not a policy")), objectstore.ErrInvalid)
	got, err := s.Policy(ctx, "datasets-read")
	must(t, "read", err)
	if !got.Exists || len(got.Content) == 0 {
		t.Errorf("policy = %+v; want it with its content", got)
	}
	must(t, "remove", s.RemovePolicy(ctx, "datasets-read"))
	must(t, "remove a missing policy", s.RemovePolicy(ctx, "datasets-read"))
	if got, _ := s.Policy(ctx, "datasets-read"); got.Exists {
		t.Error("a removed policy still exists")
	}
}

func contractUsers(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	s := sut.Server
	must(t, "policy", s.PutPolicy(ctx, "datasets-read", []byte(readDatasets)))
	must(t, "put", s.PutUser(ctx, "loader", secrets.Plain("loader-secret-1")))
	if works, err := s.SecretKeyWorks(ctx, "loader", secrets.Plain("loader-secret-1")); err != nil || !works {
		t.Errorf("the right secret key works = %v, %v; want true", works, err)
	}
	if works, err := s.SecretKeyWorks(ctx, "loader", secrets.Plain("wrong-secret-1")); err != nil || works {
		t.Errorf("a wrong secret key works = %v, %v; want false", works, err)
	}
	if works, err := s.SecretKeyWorks(ctx, "nobody", secrets.Plain("nobody-secret")); err != nil || works {
		t.Errorf("a missing user's key works = %v, %v; want false", works, err)
	}
	must(t, "attach", s.AttachPolicies(ctx, "loader", []string{"datasets-read", "readonly"}))
	must(t, "attach again", s.AttachPolicies(ctx, "loader", []string{"datasets-read"}))
	wantErr(t, "attaching a missing policy", s.AttachPolicies(ctx, "loader", []string{"missing"}), objectstore.ErrMissing)
	wantErr(t, "attaching to a missing user", s.AttachPolicies(ctx, "nobody", []string{"readonly"}), objectstore.ErrMissing)
	must(t, "disable", s.SetUserEnabled(ctx, "loader", false))
	wantErr(t, "disabling a missing user", s.SetUserEnabled(ctx, "nobody", false), objectstore.ErrMissing)
	got, err := s.User(ctx, "loader")
	must(t, "read", err)
	want := objectstore.UserState{Exists: true, Enabled: false, Policies: []string{"datasets-read", "readonly"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("user: -want, +got:\n%s", diff)
	}
	// MinIO does not find a disabled user when its policies change.
	wantErr(t, "detaching from a disabled user", s.DetachPolicies(ctx, "loader", []string{"readonly"}), objectstore.ErrMissing)
	wantErr(t, "attaching to a disabled user", s.AttachPolicies(ctx, "loader", []string{"readwrite"}), objectstore.ErrMissing)
	must(t, "enable", s.SetUserEnabled(ctx, "loader", true))
	must(t, "detach", s.DetachPolicies(ctx, "loader", []string{"readonly", "readwrite"}))
	must(t, "disable", s.SetUserEnabled(ctx, "loader", false))
	must(t, "a new secret key", s.PutUser(ctx, "loader", secrets.Plain("loader-secret-2")))
	got, err = s.User(ctx, "loader")
	must(t, "read", err)
	want = objectstore.UserState{Exists: true, Enabled: true, Policies: []string{"datasets-read"}}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("user after detaching and a new key (which enables it): -want, +got:\n%s", diff)
	}
	must(t, "remove", s.RemoveUser(ctx, "loader"))
	must(t, "remove a missing user", s.RemoveUser(ctx, "loader"))
	if got, _ := s.User(ctx, "loader"); got.Exists {
		t.Error("a removed user still exists")
	}
}

// contractProvisioner reconciles the same objects with the Provisioner on
// the server, twice, and compares what MinIO holds.
func contractProvisioner(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	scheme, err := hub.NewScheme(objectstore.AddToScheme)
	must(t, "scheme", err)
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(objectstore.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	h := f.Hub(hub.WithNamespace("team-a"))
	p, err := objectstore.NewProvisionerOn(h, sut.Server)
	must(t, "provisioner", err)
	c := objectstore.NewClient(h)
	_, err = c.CreateBucket(ctx, objectstore.NewBucket("datasets", objectstore.WithQuota("1Gi")))
	must(t, "bucket", err)
	_, err = c.CreatePolicy(ctx, objectstore.ReadOnlyPolicy("datasets-read", "datasets"))
	must(t, "policy", err)
	disabled := objectstore.NewUser("loader", "loader", secrets.Plain("loader-secret-1"), "datasets-read", "readonly")
	disabled.Disabled = true
	_, err = c.CreateUser(ctx, disabled)
	must(t, "user", err)
	key := func(name string) types.NamespacedName { return types.NamespacedName{Namespace: "team-a", Name: name} }
	for range 2 {
		_, err = p.ReconcileBucket(ctx, key("datasets"))
		must(t, "reconcile bucket", err)
		_, err = p.ReconcilePolicy(ctx, key("datasets-read"))
		must(t, "reconcile policy", err)
		_, err = p.ReconcileUser(ctx, key("loader"))
		must(t, "reconcile user", err)
	}
	bucket, err := sut.Server.Bucket(ctx, "datasets")
	must(t, "read bucket", err)
	user, err := sut.Server.User(ctx, "loader")
	must(t, "read user", err)
	got := []any{bucket, user}
	want := []any{objectstore.BucketState{Exists: true, Quota: 1 << 30}, objectstore.UserState{Exists: true, Policies: []string{"datasets-read", "readonly"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MinIO after two reconciles: -want, +got:\n%s", diff)
	}
	u, err := c.User(ctx, "loader")
	must(t, "read user resource", err)
	if u.Status.State != objectstore.StateReady {
		t.Errorf("user status = %+v, want Ready", u.Status)
	}
}
