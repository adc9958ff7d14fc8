package objectstoretest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
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
	hubtest.RunContract(t, newServer,
		hubtest.ContractCase[ServerUnderTest]{Name: "Buckets", Run: contractBuckets},
		hubtest.ContractCase[ServerUnderTest]{Name: "Policies", Run: contractPolicies},
		hubtest.ContractCase[ServerUnderTest]{Name: "Users", Run: contractUsers},
		hubtest.ContractCase[ServerUnderTest]{Name: "Provisioner", Run: contractProvisioner},
	)
}

func contractBuckets(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	s := sut.Server
	require.NoError(t, s.MakeBucket(ctx, "datasets"), "make")
	require.ErrorIs(t, s.MakeBucket(ctx, "datasets"), objectstore.ErrExists, "making it again")
	require.ErrorIs(t, s.SetQuota(ctx, "missing", 1<<20), objectstore.ErrMissing, "a quota on a missing bucket")
	require.NoError(t, s.SetQuota(ctx, "datasets", 10<<30), "quota")
	got, err := s.Bucket(ctx, "datasets")
	require.NoError(t, err, "read")
	if diff := cmp.Diff(objectstore.BucketState{Exists: true, Quota: 10 << 30}, got); diff != "" {
		t.Errorf("bucket with a quota: -want, +got:\n%s", diff)
	}
	require.NoError(t, s.SetQuota(ctx, "datasets", 0), "clear the quota")
	if got, _ := s.Bucket(ctx, "datasets"); got.Quota != 0 {
		t.Errorf("quota after clearing = %d, want 0", got.Quota)
	}
	if got, err := s.Bucket(ctx, "missing"); err != nil || got.Exists {
		t.Errorf("a missing bucket = %+v, %v; want it not to exist and no error", got, err)
	}
	require.NoError(t, sut.PutObject(ctx, "datasets", "raw/data.csv"), "upload")
	require.ErrorIs(t, s.RemoveBucket(ctx, "datasets", false), objectstore.ErrNotEmpty, "removing a bucket that holds objects")
	if got, _ := s.Bucket(ctx, "datasets"); !got.Exists {
		t.Error("a refused removal removed the bucket")
	}
	require.NoError(t, s.RemoveBucket(ctx, "datasets", true), "remove, emptying")
	require.NoError(t, s.RemoveBucket(ctx, "datasets", false), "remove a missing bucket")
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
	require.NoError(t, s.PutPolicy(ctx, "datasets-read", []byte(readDatasets)), "put")
	require.NoError(t, s.PutPolicy(ctx, "datasets-read", []byte(readDatasets)), "put again")
	require.ErrorIs(t, s.PutPolicy(ctx, "broken", []byte("not a policy")), objectstore.ErrInvalid, "a document that is not JSON")
	got, err := s.Policy(ctx, "datasets-read")
	require.NoError(t, err, "read")
	if !got.Exists || len(got.Content) == 0 {
		t.Errorf("policy = %+v; want it with its content", got)
	}
	require.NoError(t, s.RemovePolicy(ctx, "datasets-read"), "remove")
	require.NoError(t, s.RemovePolicy(ctx, "datasets-read"), "remove a missing policy")
	if got, _ := s.Policy(ctx, "datasets-read"); got.Exists {
		t.Error("a removed policy still exists")
	}
}

func contractUsers(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	s := sut.Server
	// A policy name of its own: MinIO may refuse for a moment to attach a
	// policy removed and put again under the same name, as contractPolicies
	// just did with datasets-read.
	require.NoError(t, s.PutPolicy(ctx, "loader-read", []byte(readDatasets)), "policy")
	require.NoError(t, s.PutUser(ctx, "loader", secrets.Plain("loader-secret-1")), "put")
	if works, err := s.SecretKeyWorks(ctx, "loader", secrets.Plain("loader-secret-1")); err != nil || !works {
		t.Errorf("the right secret key works = %v, %v; want true", works, err)
	}
	if works, err := s.SecretKeyWorks(ctx, "loader", secrets.Plain("wrong-secret-1")); err != nil || works {
		t.Errorf("a wrong secret key works = %v, %v; want false", works, err)
	}
	if works, err := s.SecretKeyWorks(ctx, "nobody", secrets.Plain("nobody-secret")); err != nil || works {
		t.Errorf("a missing user's key works = %v, %v; want false", works, err)
	}
	require.NoError(t, s.AttachPolicies(ctx, "loader", []string{"loader-read", "readonly"}), "attach")
	require.NoError(t, s.AttachPolicies(ctx, "loader", []string{"loader-read"}), "attach again")
	require.ErrorIs(t, s.AttachPolicies(ctx, "loader", []string{"missing"}), objectstore.ErrMissing, "attaching a missing policy")
	require.ErrorIs(t, s.AttachPolicies(ctx, "nobody", []string{"readonly"}), objectstore.ErrMissing, "attaching to a missing user")
	require.NoError(t, s.SetUserEnabled(ctx, "loader", false), "disable")
	require.ErrorIs(t, s.SetUserEnabled(ctx, "nobody", false), objectstore.ErrMissing, "disabling a missing user")
	got, err := s.User(ctx, "loader")
	require.NoError(t, err, "read")
	want := objectstore.UserState{Exists: true, Enabled: false, Policies: []string{"loader-read", "readonly"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("user: -want, +got:\n%s", diff)
	}
	// MinIO does not find a disabled user when its policies change.
	require.ErrorIs(t, s.DetachPolicies(ctx, "loader", []string{"readonly"}), objectstore.ErrMissing, "detaching from a disabled user")
	require.ErrorIs(t, s.AttachPolicies(ctx, "loader", []string{"readwrite"}), objectstore.ErrMissing, "attaching to a disabled user")
	require.NoError(t, s.SetUserEnabled(ctx, "loader", true), "enable")
	require.NoError(t, s.DetachPolicies(ctx, "loader", []string{"readonly", "readwrite"}), "detach")
	require.NoError(t, s.SetUserEnabled(ctx, "loader", false), "disable")
	require.NoError(t, s.PutUser(ctx, "loader", secrets.Plain("loader-secret-2")), "a new secret key")
	got, err = s.User(ctx, "loader")
	require.NoError(t, err, "read")
	want = objectstore.UserState{Exists: true, Enabled: true, Policies: []string{"loader-read"}}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("user after detaching and a new key (which enables it): -want, +got:\n%s", diff)
	}
	require.NoError(t, s.RemoveUser(ctx, "loader"), "remove")
	require.NoError(t, s.RemoveUser(ctx, "loader"), "remove a missing user")
	if got, _ := s.User(ctx, "loader"); got.Exists {
		t.Error("a removed user still exists")
	}
}

// contractProvisioner reconciles the same objects with the Provisioner on
// the server, twice, and compares what MinIO holds.
func contractProvisioner(ctx context.Context, t *testing.T, sut ServerUnderTest) {
	scheme, err := hub.NewScheme(objectstore.AddToScheme)
	require.NoError(t, err, "scheme")
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(objectstore.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	h := f.Hub(hub.WithNamespace("team-a"))
	p, err := objectstore.NewProvisionerOn(h, sut.Server)
	require.NoError(t, err, "provisioner")
	c := objectstore.NewClient(h)
	_, err = c.CreateBucket(ctx, objectstore.NewBucket("datasets", objectstore.WithQuota("1Gi")))
	require.NoError(t, err, "bucket")
	_, err = c.CreatePolicy(ctx, objectstore.ReadOnlyPolicy("datasets-read", "datasets"))
	require.NoError(t, err, "policy")
	disabled := objectstore.NewUser("loader", "loader", secrets.Plain("loader-secret-1"), "datasets-read", "readonly")
	disabled.Disabled = true
	_, err = c.CreateUser(ctx, disabled)
	require.NoError(t, err, "user")
	key := func(name string) types.NamespacedName { return types.NamespacedName{Namespace: "team-a", Name: name} }
	for range 2 {
		_, err = p.ReconcileBucket(ctx, key("datasets"))
		require.NoError(t, err, "reconcile bucket")
		_, err = p.ReconcilePolicy(ctx, key("datasets-read"))
		require.NoError(t, err, "reconcile policy")
		_, err = p.ReconcileUser(ctx, key("loader"))
		require.NoError(t, err, "reconcile user")
	}
	bucket, err := sut.Server.Bucket(ctx, "datasets")
	require.NoError(t, err, "read bucket")
	user, err := sut.Server.User(ctx, "loader")
	require.NoError(t, err, "read user")
	got := []any{bucket, user}
	want := []any{objectstore.BucketState{Exists: true, Quota: 1 << 30}, objectstore.UserState{Exists: true, Policies: []string{"datasets-read", "readonly"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MinIO after two reconciles: -want, +got:\n%s", diff)
	}
	u, err := c.GetUser(ctx, "loader")
	require.NoError(t, err, "read user resource")
	if u.Status.State != objectstore.StateReady {
		t.Errorf("user status = %+v, want Ready", u.Status)
	}
}
