package objectstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/objectstore/objectstoretest"
	"github.com/hubkit-dev/hubkit/secrets"
)

func paths(errs field.ErrorList) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, string(e.Type)+" "+e.Field)
	}
	return out
}

func TestBucketValidate(t *testing.T) {
	cases := map[string]struct {
		reason string
		bucket objectstore.BucketRequest
		want   []string
		quota  int64
	}{
		"Valid":       {reason: "A plain name with a quota in Gi.", bucket: objectstore.NewBucket("datasets", objectstore.WithQuota("10Gi")), quota: 10 << 30},
		"Bytes":       {reason: "A quota in plain bytes.", bucket: objectstore.NewBucket("datasets", objectstore.WithQuota("1000")), quota: 1000},
		"Upper":       {reason: "Bucket names are lowercase.", bucket: objectstore.NewBucket("data", objectstore.WithBucketName("Data")), want: []string{"FieldValueInvalid spec.name"}},
		"Short":       {reason: "At least 3 characters.", bucket: objectstore.NewBucket("ab"), want: []string{"FieldValueInvalid spec.name"}},
		"DoubleDot":   {reason: "No two dots in a row.", bucket: objectstore.NewBucket("b", objectstore.WithBucketName("a..b")), want: []string{"FieldValueInvalid spec.name"}},
		"IP":          {reason: "Not an IP address.", bucket: objectstore.NewBucket("b", objectstore.WithBucketName("192.168.1.1")), want: []string{"FieldValueInvalid spec.name"}},
		"Reserved":    {reason: "S3's reserved prefixes are refused.", bucket: objectstore.NewBucket("b", objectstore.WithBucketName("xn--abc")), want: []string{"FieldValueInvalid spec.name"}},
		"BadQuota":    {reason: "A quota must parse.", bucket: objectstore.NewBucket("datasets", objectstore.WithQuota("ten gigs")), want: []string{"FieldValueInvalid spec.quota"}},
		"ZeroQuota":   {reason: "A quota must be positive.", bucket: objectstore.NewBucket("datasets", objectstore.WithQuota("0")), want: []string{"FieldValueInvalid spec.quota"}},
		"Fractional":  {reason: "A quota is whole bytes.", bucket: objectstore.NewBucket("datasets", objectstore.WithQuota("1.5")), want: []string{"FieldValueInvalid spec.quota"}},
		"BadResource": {reason: "The resource name is a DNS subdomain.", bucket: objectstore.NewBucket("data_sets", objectstore.WithBucketName("datasets")), want: []string{"FieldValueInvalid metadata.name"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, paths(tc.bucket.Validate()), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if tc.want == nil {
				if got := tc.bucket.Build("ns").Spec.Quota; got != tc.quota {
					t.Errorf("\nReason: %s\nquota %d, want %d", tc.reason, got, tc.quota)
				}
			}
		})
	}
}

func TestParsePolicy(t *testing.T) {
	cases := map[string]struct {
		reason  string
		content string
		want    []string
	}{
		"ReadOnly":      {reason: "A plain read-only document.", content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::data/*"]}]}`},
		"StringFields":  {reason: "Action and Resource may be single strings.", content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*"}]}`},
		"NotJSON":       {reason: "The content must be JSON.", content: `Version: 2012`, want: []string{"FieldValueInvalid spec.content"}},
		"UnknownField":  {reason: "Unknown fields are refused.", content: `{"Version":"2012-10-17","Comment":[]}`, want: []string{"FieldValueInvalid spec.content"}},
		"BadVersion":    {reason: "The version is IAM's.", content: `{"Version":"2024-01-01","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`, want: []string{"FieldValueNotSupported spec.content.Version"}},
		"NoStatement":   {reason: "A document has statements.", content: `{"Version":"2012-10-17","Statement":[]}`, want: []string{"FieldValueRequired spec.content.Statement"}},
		"BadEffect":     {reason: "Effect is Allow or Deny.", content: `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*"}]}`, want: []string{"FieldValueNotSupported spec.content.Statement[0].Effect"}},
		"NoAction":      {reason: "A statement names actions.", content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`, want: []string{"FieldValueRequired spec.content.Statement[0].Action"}},
		"BadAction":     {reason: "Actions look like s3:GetObject.", content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["GetObject"]}]}`, want: []string{"FieldValueInvalid spec.content.Statement[0].Action[0]"}},
		"BadResource":   {reason: "Resources are S3 ARNs.", content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["bucket/*"]}]}`, want: []string{"FieldValueInvalid spec.content.Statement[0].Resource[0]"}},
		"ActionNumeric": {reason: "An action list of numbers is not one.", content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[1]}]}`, want: []string{"FieldValueInvalid spec.content"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, errs := objectstore.ParsePolicy(field.NewPath("spec", "content"), tc.content)
			if diff := cmp.Diff(tc.want, paths(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// FuzzParsePolicy checks that no document makes the parser panic, and that
// the built-in policy builders always produce valid documents.
func FuzzParsePolicy(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`, "bucket")
	f.Add(`{"Statement":{}}`, "")
	f.Add(`[]`, "a..b")
	f.Fuzz(func(t *testing.T, content, bucket string) {
		objectstore.ParsePolicy(field.NewPath("spec", "content"), content)
		if len(objectstore.ValidateBucketName(nil, bucket)) == 0 {
			for _, p := range []objectstore.PolicyRequest{objectstore.ReadOnlyPolicy("ro", bucket), objectstore.ReadWritePolicy("rw", bucket)} {
				if errs := p.Validate(); len(errs) > 0 {
					t.Fatalf("a built policy for bucket %q is invalid: %v", bucket, errs)
				}
			}
		}
	})
}

func TestUserValidate(t *testing.T) {
	cases := map[string]struct {
		reason string
		user   objectstore.UserRequest
		want   []string
	}{
		"Valid":       {reason: "Keys of MinIO's lengths.", user: objectstore.NewUser("analyst", "analyst", secrets.Plain("a-long-secret"), "readonly")},
		"ShortKey":    {reason: "An access key has at least 3 characters.", user: objectstore.NewUser("a", "ab", secrets.Plain("a-long-secret")), want: []string{"FieldValueInvalid spec.accessKey"}},
		"LongKey":     {reason: "An access key has at most 20 characters.", user: objectstore.NewUser("a", strings.Repeat("k", 21), secrets.Plain("a-long-secret")), want: []string{"FieldValueInvalid spec.accessKey"}},
		"ShortSecret": {reason: "A secret key has at least 8 characters.", user: objectstore.NewUser("a", "analyst", secrets.Plain("short")), want: []string{"FieldValueInvalid spec.secretKey"}},
		"DupPolicy":   {reason: "A policy is attached once.", user: objectstore.NewUser("a", "analyst", secrets.Plain("a-long-secret"), "p", "p"), want: []string{"FieldValueDuplicate spec.policies[1]"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := tc.user.Validate()
			if diff := cmp.Diff(tc.want, paths(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if agg := errs.ToAggregate(); agg != nil && strings.Contains(agg.Error(), tc.user.SecretKey.Reveal()) {
				t.Errorf("\nReason: %s\nan error shows the secret key", tc.reason)
			}
		})
	}
}

func newFake(t *testing.T) (*objectstore.Client, *hubtest.Fake) {
	t.Helper()
	scheme, err := hub.NewScheme(objectstore.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(objectstore.CRDs()...), hubtest.WithSimulators(objectstoretest.NewOperator()),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	return objectstore.NewClient(f.Hub(hub.WithNamespace("team-a"))), f
}

func TestClient(t *testing.T) {
	ctx := t.Context()
	c, f := newFake(t)
	if _, err := c.CreateBucket(ctx, objectstore.NewBucket("datasets", objectstore.WithQuota("1Gi"))); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePolicy(ctx, objectstore.ReadWritePolicy("datasets-rw", "datasets")); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateUser(ctx, objectstore.NewUser("loader", "loader", secrets.Plain("loader-secret"), "datasets-rw", "ghost", "readonly"))
	ve, ok := errors.AsType[*hub.ValidationError](err)
	if !ok || len(ve.Errors) != 1 || ve.Errors[0].Field != "spec.policies[1]" || !strings.Contains(err.Error(), "ghost") {
		t.Fatalf("a user naming a missing policy = %v, want NotFound naming ghost", err)
	}
	if _, err := c.CreateUser(ctx, objectstore.NewUser("loader", "loader", secrets.Plain("loader-secret"), "datasets-rw", "readonly")); err != nil {
		t.Fatal(err)
	}
	for _, get := range []func() (hub.Readiness, error){
		func() (hub.Readiness, error) { b, err := c.GetBucket(ctx, "datasets"); return b.Readiness(), err },
		func() (hub.Readiness, error) { p, err := c.GetPolicy(ctx, "datasets-rw"); return p.Readiness(), err },
		func() (hub.Readiness, error) { u, err := c.GetUser(ctx, "loader"); return u.Readiness(), err },
	} {
		if r, err := get(); err != nil || !r.Ready || r.State != objectstore.StateReady {
			t.Errorf("readiness = %+v, %v; want Ready", r, err)
		}
	}
	for _, del := range []func() error{
		func() error { return c.DeleteUser(ctx, "loader") },
		func() error { return c.DeletePolicy(ctx, "datasets-rw") },
		func() error { return c.DeleteBucket(ctx, "datasets") },
	} {
		if err := del(); err != nil {
			t.Fatal(err)
		}
	}
	if users, _ := c.ListUsers(ctx); len(users) != 0 {
		t.Errorf("users left: %d", len(users))
	}
	// The CRD accepts the upstream README's objects and defaults accountStatus.
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "minio.scc-digitalhub.github.io/v1", "kind": "User",
		"metadata": map[string]any{"name": "plain", "namespace": "team-a"},
		"spec":     map[string]any{"accessKey": "plainuser", "secretKey": "plainsecret"},
	}}
	if err := f.Client().Create(ctx, u); err != nil {
		t.Fatalf("the CRD refused an upstream user: %v", err)
	}
	if status, _, _ := unstructured.NestedString(u.Object, "spec", "accountStatus"); status != "enabled" {
		t.Errorf("accountStatus defaulted to %q, want enabled", status)
	}
}

// snapshot is MinIO's state as the provisioner writes it.
func snapshot(ctx context.Context, t *testing.T, admin *madmin.AdminClient, s3 *minio.Client) []string {
	t.Helper()
	buckets, err := s3.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(buckets))
	for _, b := range buckets {
		q, err := admin.GetBucketQuota(ctx, b.Name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("bucket %s quota=%d", b.Name, q.Size))
	}
	policies, err := admin.ListCannedPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, raw := range policies {
		// MinIO keeps actions as a set: compare them in order.
		var doc objectstore.PolicyDocument
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		for i := range doc.Statement {
			slices.Sort(doc.Statement[i].Action)
			slices.Sort(doc.Statement[i].Resource)
		}
		out = append(out, fmt.Sprintf("policy %s %+v", name, doc))
	}
	users, err := admin.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, info := range users {
		out = append(out, fmt.Sprintf("user %s %s %s %v", name, info.Status, info.PolicyName, info.UpdatedAt))
	}
	slices.Sort(out)
	return out
}

func TestProvisionerOnRealMinIO(t *testing.T) {
	ctx := t.Context()
	m := objectstoretest.StartMinIO(t)
	// No simulator here: the provisioner is the operator.
	scheme, err := hub.NewScheme(objectstore.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(objectstore.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	h := f.Hub(hub.WithNamespace("team-a"))
	c := objectstore.NewClient(h)
	prov, err := objectstore.NewProvisioner(h, m.Endpoint, m.AccessKey, m.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.CreateBucket(ctx, objectstore.NewBucket("datasets", objectstore.WithQuota("64Mi"))))
	must(c.CreateBucket(ctx, objectstore.NewBucket("private")))
	must(c.CreatePolicy(ctx, objectstore.ReadWritePolicy("datasets-rw", "datasets")))
	must(c.CreateUser(ctx, objectstore.NewUser("loader", "loader", secrets.Plain("loader-secret-1"), "datasets-rw")))
	reconcileAll := func() {
		t.Helper()
		for _, r := range []struct {
			names []string
			fn    func(context.Context, types.NamespacedName) (ctrl.Result, error)
		}{
			{[]string{"datasets", "private"}, prov.ReconcileBucket},
			{[]string{"datasets-rw"}, prov.ReconcilePolicy},
			{[]string{"loader"}, prov.ReconcileUser},
		} {
			for _, name := range r.names {
				if _, err := r.fn(ctx, types.NamespacedName{Namespace: "team-a", Name: name}); err != nil {
					t.Fatalf("reconciling %s: %v", name, err)
				}
			}
		}
	}
	reconcileAll()
	if u, _ := c.GetUser(ctx, "loader"); !u.Readiness().Ready {
		t.Fatalf("the user is %+v, want Ready", u.Status)
	}

	admin, err := madmin.NewWithOptions(m.Endpoint, &madmin.Options{Creds: credentials.NewStaticV4(m.AccessKey, m.SecretKey.Reveal(), "")})
	if err != nil {
		t.Fatal(err)
	}
	rootS3, err := minio.New(m.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(m.AccessKey, m.SecretKey.Reveal(), "")})
	if err != nil {
		t.Fatal(err)
	}
	if q, err := admin.GetBucketQuota(ctx, "datasets"); err != nil || q.Size != 64<<20 {
		t.Errorf("the quota is %+v, %v; want 64Mi", q, err)
	}
	userS3, err := minio.New(m.Endpoint, &minio.Options{Creds: credentials.NewStaticV4("loader", "loader-secret-1", "")})
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte("rows,of,data")
	if _, err := userS3.PutObject(ctx, "datasets", "in/data.csv", bytes.NewReader(payload), int64(len(payload)), minio.PutObjectOptions{}); err != nil {
		t.Fatalf("the user cannot put into its bucket: %v", err)
	}
	obj, err := userS3.GetObject(ctx, "datasets", "in/data.csv", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	if err != nil || !bytes.Equal(got, payload) {
		t.Errorf("the user read back %q, %v", got, err)
	}
	_, err = userS3.PutObject(ctx, "private", "x", bytes.NewReader(payload), int64(len(payload)), minio.PutObjectOptions{})
	if code := minio.ToErrorResponse(err).Code; code != "AccessDenied" {
		t.Errorf("a put outside the user's policy = %v (%s), want AccessDenied", err, code)
	}

	versions := func() []string {
		out := make([]string, 0, 3)
		for _, get := range []func() (metav1.Object, error){
			func() (metav1.Object, error) { return c.GetBucket(ctx, "datasets") },
			func() (metav1.Object, error) { return c.GetPolicy(ctx, "datasets-rw") },
			func() (metav1.Object, error) { return c.GetUser(ctx, "loader") },
		} {
			obj, err := get()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, obj.GetName()+"@"+obj.GetResourceVersion())
		}
		return out
	}
	before, beforeK8s := snapshot(ctx, t, admin, rootS3), versions()
	reconcileAll()
	if diff := cmp.Diff(before, snapshot(ctx, t, admin, rootS3)); diff != "" {
		t.Errorf("a resync changed MinIO: -before, +after:\n%s", diff)
	}
	if diff := cmp.Diff(beforeK8s, versions()); diff != "" {
		t.Errorf("a resync wrote to the cluster: -before, +after:\n%s", diff)
	}

	checkDeletes(ctx, t, c, prov, admin, rootS3)
}

// checkDeletes deletes every resource: the user and the policy go from
// MinIO, an empty bucket goes, and a bucket that holds objects stays with
// an Error status.
func checkDeletes(ctx context.Context, t *testing.T, c *objectstore.Client, prov *objectstore.Provisioner, admin *madmin.AdminClient, rootS3 *minio.Client) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Deleting: the user and the policy go; a bucket that holds objects stays.
	must(c.DeleteUser(ctx, "loader"))
	must(c.DeletePolicy(ctx, "datasets-rw"))
	must(c.DeleteBucket(ctx, "datasets"))
	must(c.DeleteBucket(ctx, "private"))
	if _, err := prov.ReconcileUser(ctx, types.NamespacedName{Namespace: "team-a", Name: "loader"}); err != nil {
		t.Fatal(err)
	}
	if _, err := prov.ReconcilePolicy(ctx, types.NamespacedName{Namespace: "team-a", Name: "datasets-rw"}); err != nil {
		t.Fatal(err)
	}
	if _, err := prov.ReconcileBucket(ctx, types.NamespacedName{Namespace: "team-a", Name: "private"}); err != nil {
		t.Fatal(err)
	}
	if _, err := prov.ReconcileBucket(ctx, types.NamespacedName{Namespace: "team-a", Name: "datasets"}); err == nil {
		t.Error("removing a bucket that holds objects succeeded; it must be kept")
	}
	if _, err := admin.GetUserInfo(ctx, "loader"); err == nil {
		t.Error("the MinIO user survived its resource")
	}
	if found, _ := rootS3.BucketExists(ctx, "private"); found {
		t.Error("the empty bucket survived its resource")
	}
	if found, _ := rootS3.BucketExists(ctx, "datasets"); !found {
		t.Error("the bucket with data was removed")
	}
	if b, err := c.GetBucket(ctx, "datasets"); err != nil || b.Status.State != objectstore.StateError {
		t.Errorf("the kept bucket reports %+v, %v; want Error with the reason", b.Status, err)
	}
}

// The Bucket CRD's spec.quota is the upstream one: an int64 without a
// minimum, so that every object the upstream CRD accepts, Hubkit's does.
func TestBucketQuotaSchemaMatchesUpstream(t *testing.T) {
	for _, crd := range objectstore.CRDs() {
		if crd.Spec.Names.Kind != "Bucket" {
			continue
		}
		quota := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["quota"]
		if quota.Type != "integer" || quota.Format != "int64" || quota.Minimum != nil {
			t.Errorf("spec.quota = type %q, format %q, minimum %v; want an int64 without a minimum, as upstream", quota.Type, quota.Format, quota.Minimum)
		}
		return
	}
	t.Fatal("no Bucket CRD")
}
