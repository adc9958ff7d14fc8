package objectstoretest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/secrets"
)

// An InMemoryMinIO is an objectstore.Server that keeps MinIO's buckets
// (with quotas and object keys), policies (MinIO's built-in ones from the
// start) and users in memory. It answers as a real MinIO does (the contract
// suite, RunServerContract, proves it), including its errors. It is safe
// for concurrent use.
type InMemoryMinIO struct {
	mu       sync.Mutex
	buckets  map[string]*memoryBucket
	policies map[string][]byte
	users    map[string]*memoryUser
}

type memoryBucket struct {
	quota   int64
	objects map[string]bool
}

type memoryUser struct {
	secretKey string
	enabled   bool
	policies  map[string]bool
}

var _ objectstore.Server = (*InMemoryMinIO)(nil)

// NewInMemoryMinIO returns a server with MinIO's built-in policies only.
func NewInMemoryMinIO() *InMemoryMinIO {
	m := &InMemoryMinIO{buckets: map[string]*memoryBucket{}, policies: map[string][]byte{}, users: map[string]*memoryUser{}}
	for _, name := range objectstore.BuiltinPolicies {
		m.policies[name] = []byte(`{"Version":"2012-10-17","Statement":[]}`)
	}
	return m
}

func missing(what string) error { return fmt.Errorf("%s: %w", what, objectstore.ErrMissing) }

// PutObject stores an object key in a bucket, as a client uploading to it
// would (ErrMissing if no such bucket).
func (m *InMemoryMinIO) PutObject(_ context.Context, bucket, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[bucket]
	if !ok {
		return missing("putting " + key + " into bucket " + bucket)
	}
	b.objects[key] = true
	return nil
}

// Bucket reports a bucket.
func (m *InMemoryMinIO) Bucket(_ context.Context, name string) (objectstore.BucketState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[name]
	if !ok {
		return objectstore.BucketState{}, nil
	}
	return objectstore.BucketState{Exists: true, Quota: b.quota}, nil
}

// MakeBucket creates a bucket.
func (m *InMemoryMinIO) MakeBucket(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.buckets[name]; ok {
		return fmt.Errorf("creating bucket %s: %w (BucketAlreadyOwnedByYou)", name, objectstore.ErrExists)
	}
	m.buckets[name] = &memoryBucket{objects: map[string]bool{}}
	return nil
}

// SetQuota sets a bucket's hard quota.
func (m *InMemoryMinIO) SetQuota(_ context.Context, name string, bytes int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[name]
	if !ok {
		return missing("setting the quota of bucket " + name)
	}
	b.quota = max(bytes, 0)
	return nil
}

// RemoveBucket removes a bucket.
func (m *InMemoryMinIO) RemoveBucket(_ context.Context, name string, empty bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[name]
	if !ok {
		return nil
	}
	if len(b.objects) > 0 && !empty {
		return fmt.Errorf("removing bucket %s: %w (BucketNotEmpty)", name, objectstore.ErrNotEmpty)
	}
	delete(m.buckets, name)
	return nil
}

// Policy reports a policy.
func (m *InMemoryMinIO) Policy(_ context.Context, name string) (objectstore.PolicyState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	content, ok := m.policies[name]
	if !ok {
		return objectstore.PolicyState{}, nil
	}
	return objectstore.PolicyState{Exists: true, Content: slices.Clone(content)}, nil
}

// PutPolicy creates or replaces a policy; a document that is not a JSON
// object with statements is refused, as MinIO refuses it.
func (m *InMemoryMinIO) PutPolicy(_ context.Context, name string, content []byte) error {
	var doc struct {
		Statement []json.RawMessage `json:"Statement"` //nolint:tagliatelle // IAM policy documents spell it so
	}
	if err := json.Unmarshal(content, &doc); err != nil || doc.Statement == nil {
		return fmt.Errorf("writing policy %s: %w: not a policy document", name, objectstore.ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.policies[name] = slices.Clone(content)
	return nil
}

// RemovePolicy removes a policy.
func (m *InMemoryMinIO) RemovePolicy(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.policies, name)
	return nil
}

// User reports a user.
func (m *InMemoryMinIO) User(_ context.Context, accessKey string) (objectstore.UserState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[accessKey]
	if !ok {
		return objectstore.UserState{}, nil
	}
	return objectstore.UserState{Exists: true, Enabled: u.enabled, Policies: slices.Sorted(maps.Keys(u.policies))}, nil
}

// SecretKeyWorks tells whether an enabled user's secret key is secretKey.
func (m *InMemoryMinIO) SecretKeyWorks(_ context.Context, accessKey string, secretKey secrets.Value) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[accessKey]
	return ok && u.secretKey == secretKey.Reveal(), nil
}

// PutUser creates a user or sets its secret key; either way the account
// is enabled afterwards, as with MinIO's AddUser.
func (m *InMemoryMinIO) PutUser(_ context.Context, accessKey string, secretKey secrets.Value) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[accessKey]
	if !ok {
		u = &memoryUser{policies: map[string]bool{}}
		m.users[accessKey] = u
	}
	u.secretKey, u.enabled = secretKey.Reveal(), true
	return nil
}

// SetUserEnabled enables or disables a user.
func (m *InMemoryMinIO) SetUserEnabled(_ context.Context, accessKey string, enabled bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[accessKey]
	if !ok {
		return missing("setting the status of user " + accessKey)
	}
	u.enabled = enabled
	return nil
}

// AttachPolicies attaches policies to a user.
func (m *InMemoryMinIO) AttachPolicies(_ context.Context, accessKey string, policies []string) error {
	return m.changePolicies(accessKey, policies, true)
}

// DetachPolicies detaches policies from a user.
func (m *InMemoryMinIO) DetachPolicies(_ context.Context, accessKey string, policies []string) error {
	return m.changePolicies(accessKey, policies, false)
}

func (m *InMemoryMinIO) changePolicies(accessKey string, policies []string, attach bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[accessKey]
	if !ok || !u.enabled {
		// MinIO does not find a disabled user when its policies change.
		return missing("changing the policies of user " + accessKey)
	}
	for _, p := range policies {
		if _, ok := m.policies[p]; !ok && attach {
			return missing(fmt.Sprintf("attaching policies %v to user %s: policy %s", policies, accessKey, p))
		}
	}
	for _, p := range policies {
		if attach {
			u.policies[p] = true
		} else {
			delete(u.policies, p)
		}
	}
	return nil
}

// RemoveUser removes a user.
func (m *InMemoryMinIO) RemoveUser(_ context.Context, accessKey string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.users, accessKey)
	return nil
}
