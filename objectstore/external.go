package objectstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hubkit-dev/hubkit/secrets"
)

// A Server is the MinIO the reconcilers work on: the bucket, policy and
// user calls the minio-operator makes. MinIOServer speaks to a real one;
// objectstoretest has an in-memory one, and its contract suite proves that
// both answer alike. Errors wrap ErrMissing, ErrExists, ErrNotEmpty or
// ErrInvalid where MinIO says so, and never hold a secret key.
//
//nolint:interfacebloat // every call the operator makes: implemented twice, proven alike by the contract suite
type Server interface {
	// Bucket reports a bucket and its hard quota in bytes (0: none).
	Bucket(ctx context.Context, name string) (BucketState, error)
	// MakeBucket creates a bucket (ErrExists if it exists).
	MakeBucket(ctx context.Context, name string) error
	// SetQuota sets a bucket's hard quota; 0 removes it (ErrMissing if no
	// such bucket).
	SetQuota(ctx context.Context, name string, bytes int64) error
	// RemoveBucket removes a bucket, first deleting its objects when empty
	// is true; a bucket that holds objects otherwise is refused with
	// ErrNotEmpty. A missing bucket is not an error.
	RemoveBucket(ctx context.Context, name string, empty bool) error
	// Policy reports a policy (MinIO's built-in ones included).
	Policy(ctx context.Context, name string) (PolicyState, error)
	// PutPolicy creates or replaces a policy (ErrInvalid if MinIO refuses
	// the document).
	PutPolicy(ctx context.Context, name string, content []byte) error
	// RemovePolicy removes a policy; a missing one is not an error.
	RemovePolicy(ctx context.Context, name string) error
	// User reports a user: enabled or not, and its policies (sorted).
	User(ctx context.Context, accessKey string) (UserState, error)
	// SecretKeyWorks tells whether an enabled user's secret key is
	// secretKey (false for a missing user).
	SecretKeyWorks(ctx context.Context, accessKey string, secretKey secrets.Value) (bool, error)
	// PutUser creates a user, or sets an existing user's secret key.
	PutUser(ctx context.Context, accessKey string, secretKey secrets.Value) error
	// SetUserEnabled enables or disables a user (ErrMissing if no such
	// user).
	SetUserEnabled(ctx context.Context, accessKey string, enabled bool) error
	// AttachPolicies attaches policies to a user, those it lacks only
	// (ErrMissing if the user or a policy does not exist).
	AttachPolicies(ctx context.Context, accessKey string, policies []string) error
	// DetachPolicies detaches policies from a user, those it has only.
	DetachPolicies(ctx context.Context, accessKey string, policies []string) error
	// RemoveUser removes a user; a missing one is not an error.
	RemoveUser(ctx context.Context, accessKey string) error
}

// Errors a Server's errors wrap.
var (
	// ErrMissing says a bucket, policy or user does not exist.
	ErrMissing = errors.New("does not exist")
	// ErrExists says a bucket exists already.
	ErrExists = errors.New("already exists")
	// ErrNotEmpty says a bucket still holds objects.
	ErrNotEmpty = errors.New("holds objects")
	// ErrInvalid says MinIO refused a policy document.
	ErrInvalid = errors.New("is invalid")
)

// A BucketState is what a Server knows of a bucket.
type BucketState struct {
	Exists bool
	Quota  int64
}

// A PolicyState is what a Server knows of a policy.
type PolicyState struct {
	Exists  bool
	Content []byte
}

// A UserState is what a Server knows of a user.
type UserState struct {
	Exists   bool
	Enabled  bool
	Policies []string
}

// MinIOServer is a Server on a real MinIO, through minio-go and madmin-go
// with an administrator's keys.
type MinIOServer struct {
	endpoint string
	secure   bool
	s3       *minio.Client
	admin    *madmin.AdminClient
}

var _ Server = (*MinIOServer)(nil)

// NewMinIOServer returns a Server on the MinIO at endpoint (host:port),
// over HTTPS when secure, as the administrator accessKey.
func NewMinIOServer(endpoint string, secure bool, accessKey string, secretKey secrets.Value) (*MinIOServer, error) {
	creds := credentials.NewStaticV4(accessKey, secretKey.Reveal(), "")
	s3, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure})
	if err != nil {
		return nil, fmt.Errorf("objectstore: an S3 client for %s: %w", endpoint, err)
	}
	admin, err := madmin.NewWithOptions(endpoint, &madmin.Options{Creds: creds, Secure: secure})
	if err != nil {
		return nil, fmt.Errorf("objectstore: an admin client for %s: %w", endpoint, err)
	}
	return &MinIOServer{endpoint: endpoint, secure: secure, s3: s3, admin: admin}, nil
}

// classify wraps err with the sentinel its MinIO error code stands for.
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	code := ""
	if resp, ok := errors.AsType[madmin.ErrorResponse](err); ok {
		code = resp.Code
	} else if resp := minio.ToErrorResponse(err); resp.Code != "" {
		code = resp.Code
	}
	switch {
	case strings.HasPrefix(code, "XMinioAdminNoSuch") || code == "NoSuchBucket":
		return fmt.Errorf("%s: %w (%s)", what, ErrMissing, code)
	case code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists":
		return fmt.Errorf("%s: %w (%s)", what, ErrExists, code)
	case code == "BucketNotEmpty":
		return fmt.Errorf("%s: %w (%s)", what, ErrNotEmpty, code)
	case strings.Contains(what, "policy") && (strings.Contains(code, "Malformed") || strings.Contains(code, "Invalid")):
		return fmt.Errorf("%s: %w: %w", what, ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Bucket reports a bucket.
func (m *MinIOServer) Bucket(ctx context.Context, name string) (BucketState, error) {
	found, err := m.s3.BucketExists(ctx, name)
	if err != nil || !found {
		return BucketState{}, classify("checking bucket "+name, err)
	}
	quota, err := m.admin.GetBucketQuota(ctx, name)
	if err != nil {
		return BucketState{}, classify("reading the quota of bucket "+name, err)
	}
	return BucketState{Exists: true, Quota: int64(min(quota.Size, uint64(1<<63-1)))}, nil
}

// MakeBucket creates a bucket.
func (m *MinIOServer) MakeBucket(ctx context.Context, name string) error {
	return classify("creating bucket "+name, m.s3.MakeBucket(ctx, name, minio.MakeBucketOptions{}))
}

// SetQuota sets a bucket's hard quota.
func (m *MinIOServer) SetQuota(ctx context.Context, name string, bytes int64) error {
	quota := &madmin.BucketQuota{}
	if bytes > 0 {
		quota = &madmin.BucketQuota{Size: uint64(bytes), Type: madmin.HardQuota}
	}
	return classify("setting the quota of bucket "+name, m.admin.SetBucketQuota(ctx, name, quota))
}

// RemoveBucket removes a bucket.
func (m *MinIOServer) RemoveBucket(ctx context.Context, name string, empty bool) error {
	found, err := m.s3.BucketExists(ctx, name)
	if err != nil || !found {
		return classify("checking bucket "+name, err)
	}
	if empty {
		objects := m.s3.ListObjects(ctx, name, minio.ListObjectsOptions{Recursive: true, WithVersions: true})
		for res := range m.s3.RemoveObjects(ctx, name, objects, minio.RemoveObjectsOptions{}) {
			if res.Err != nil {
				return classify("emptying bucket "+name, res.Err)
			}
		}
	}
	return classify("removing bucket "+name, m.s3.RemoveBucket(ctx, name))
}

// Policy reports a policy.
func (m *MinIOServer) Policy(ctx context.Context, name string) (PolicyState, error) {
	info, err := m.admin.InfoCannedPolicyV2(ctx, name)
	if err != nil {
		err = classify("reading policy "+name, err)
		if errors.Is(err, ErrMissing) {
			return PolicyState{}, nil
		}
		return PolicyState{}, err
	}
	return PolicyState{Exists: true, Content: info.Policy}, nil
}

// PutPolicy creates or replaces a policy.
func (m *MinIOServer) PutPolicy(ctx context.Context, name string, content []byte) error {
	return classify("writing policy "+name, m.admin.AddCannedPolicy(ctx, name, content))
}

// RemovePolicy removes a policy.
func (m *MinIOServer) RemovePolicy(ctx context.Context, name string) error {
	if err := classify("removing policy "+name, m.admin.RemoveCannedPolicy(ctx, name)); !errors.Is(err, ErrMissing) {
		return err
	}
	return nil
}

// User reports a user.
func (m *MinIOServer) User(ctx context.Context, accessKey string) (UserState, error) {
	info, err := m.admin.GetUserInfo(ctx, accessKey)
	if err != nil {
		err = classify("reading user "+accessKey, err)
		if errors.Is(err, ErrMissing) {
			return UserState{}, nil
		}
		return UserState{}, err
	}
	return UserState{Exists: true, Enabled: info.Status == madmin.AccountEnabled, Policies: splitPolicies(info.PolicyName)}, nil
}

// splitPolicies reads MinIO's comma-separated policy list, sorted.
func splitPolicies(list string) []string {
	var out []string
	for name := range strings.SplitSeq(list, ",") {
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// SecretKeyWorks signs a request with the user's keys: MinIO refuses it
// for its signature or key only when the key is wrong.
func (m *MinIOServer) SecretKeyWorks(ctx context.Context, accessKey string, secretKey secrets.Value) (bool, error) {
	user, err := minio.New(m.endpoint, &minio.Options{Creds: credentials.NewStaticV4(accessKey, secretKey.Reveal(), ""), Secure: m.secure})
	if err != nil {
		return false, fmt.Errorf("an S3 client for user %s: %w", accessKey, err)
	}
	_, err = user.ListBuckets(ctx)
	if err == nil {
		return true, nil
	}
	code := minio.ToErrorResponse(err).Code
	return code != "SignatureDoesNotMatch" && code != "InvalidAccessKeyId", nil
}

// PutUser creates a user or sets its secret key.
func (m *MinIOServer) PutUser(ctx context.Context, accessKey string, secretKey secrets.Value) error {
	if err := m.admin.AddUser(ctx, accessKey, secretKey.Reveal()); err != nil {
		return fmt.Errorf("writing user %s failed", accessKey) // the request holds the secret key: never wrap it
	}
	return nil
}

// SetUserEnabled enables or disables a user.
func (m *MinIOServer) SetUserEnabled(ctx context.Context, accessKey string, enabled bool) error {
	status := madmin.AccountDisabled
	if enabled {
		status = madmin.AccountEnabled
	}
	return classify("setting the status of user "+accessKey, m.admin.SetUserStatus(ctx, accessKey, status))
}

// AttachPolicies attaches the policies the user lacks.
func (m *MinIOServer) AttachPolicies(ctx context.Context, accessKey string, policies []string) error {
	return m.changePolicies(ctx, accessKey, policies, true)
}

// DetachPolicies detaches the policies the user has.
func (m *MinIOServer) DetachPolicies(ctx context.Context, accessKey string, policies []string) error {
	return m.changePolicies(ctx, accessKey, policies, false)
}

// changePolicies attaches or detaches only what changes: MinIO refuses a
// request that changes nothing.
func (m *MinIOServer) changePolicies(ctx context.Context, accessKey string, policies []string, attach bool) error {
	state, err := m.User(ctx, accessKey)
	if err != nil {
		return err
	}
	if !state.Exists {
		return fmt.Errorf("changing the policies of user %s: %w", accessKey, ErrMissing)
	}
	var change []string
	for _, p := range policies {
		if slices.Contains(state.Policies, p) != attach {
			change = append(change, p)
		}
	}
	if len(change) == 0 {
		return nil
	}
	req := madmin.PolicyAssociationReq{Policies: change, User: accessKey}
	if attach {
		_, err = m.admin.AttachPolicy(ctx, req)
		return classify(fmt.Sprintf("attaching policies %v to user %s", change, accessKey), err)
	}
	_, err = m.admin.DetachPolicy(ctx, req)
	return classify(fmt.Sprintf("detaching policies %v from user %s", change, accessKey), err)
}

// RemoveUser removes a user.
func (m *MinIOServer) RemoveUser(ctx context.Context, accessKey string) error {
	if err := classify("removing user "+accessKey, m.admin.RemoveUser(ctx, accessKey)); !errors.Is(err, ErrMissing) {
		return err
	}
	return nil
}
