package objectstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A Provisioner does the minio-operator's job on a MinIO Server: buckets
// and their quotas, policies, and users with their account status and
// exactly their policies. It is three reconcile.Managed controllers (one
// per kind) sharing the Server: each compares before it writes, so a
// reconcile over converged objects changes nothing in MinIO or the
// cluster. It uses the operator's finalizers and states, and never logs or
// returns a secret key.
type Provisioner struct {
	hub           *hub.Client
	server        Server
	secure        bool
	emptyOnDelete bool
	managed       []reconcile.ManagedOption
	bucket        *reconcile.Managed[*Bucket]
	policy        *reconcile.Managed[*Policy]
	user          *reconcile.Managed[*User]
}

// WithTLS talks to MinIO over HTTPS, as MINIO_USE_SSL=true does.
func WithTLS() Option { return func(s *settings) { s.secure = true } }

// WithEmptyBucketOnDelete deletes a bucket's objects when its resource is
// deleted, as MINIO_EMPTY_BUCKET_ON_DELETE=true does. Without it a bucket
// that still holds objects is kept, and its resource reports the error.
func WithEmptyBucketOnDelete() Option {
	return func(s *settings) { s.emptyOnDelete = true }
}

// WithManagedOptions passes options (event recorder, poll interval, ...)
// to the three managed reconcilers.
func WithManagedOptions(opts ...reconcile.ManagedOption) Option {
	return func(s *settings) { s.managed = append(s.managed, opts...) }
}

// NewProvisioner returns a Provisioner acting on the cluster through c and
// on the MinIO at endpoint (host:port) with an administrator's keys.
func NewProvisioner(c *hub.Client, endpoint, accessKey string, secretKey secrets.Value, opts ...Option) (*Provisioner, error) {
	server, err := NewMinIOServer(endpoint, newSettings(opts).secure, accessKey, secretKey)
	if err != nil {
		return nil, err
	}
	return NewProvisionerOn(c, server, opts...)
}

// NewProvisionerOn returns a Provisioner acting on the cluster through c
// and on server: a real MinIO, or objectstoretest's in-memory one.
func NewProvisionerOn(c *hub.Client, server Server, opts ...Option) (*Provisioner, error) {
	if c == nil || server == nil {
		return nil, errors.New("objectstore: a Provisioner needs a hub.Client and a Server")
	}
	set := newSettings(opts)
	p := &Provisioner{hub: c, server: server, secure: set.secure, emptyOnDelete: set.emptyOnDelete, managed: set.managed}
	managed := func(name, finalizer string) []reconcile.ManagedOption {
		return append([]reconcile.ManagedOption{reconcile.WithName(name), reconcile.WithFinalizer(finalizer)}, p.managed...)
	}
	var err error
	if p.bucket, err = reconcile.NewManaged(c, reconcile.ManagedKind[*Bucket]{
		Connector: reconcile.ConnectorFunc[*Bucket](func(context.Context, *Bucket) (reconcile.External[*Bucket], error) {
			return &bucketExternal{server: p.server, emptyOnDelete: p.emptyOnDelete}, nil
		}),
		Status: func(b *Bucket, o reconcile.Outcome) { b.Status = statusOf(o) },
	}, managed("minio-bucket", BucketFinalizer)...); err != nil {
		return nil, fmt.Errorf("objectstore: %w", err)
	}
	if p.policy, err = reconcile.NewManaged(c, reconcile.ManagedKind[*Policy]{
		Connector: reconcile.ConnectorFunc[*Policy](func(context.Context, *Policy) (reconcile.External[*Policy], error) {
			return &policyExternal{server: p.server}, nil
		}),
		Status: func(pol *Policy, o reconcile.Outcome) { pol.Status = statusOf(o) },
	}, managed("minio-policy", PolicyFinalizer)...); err != nil {
		return nil, fmt.Errorf("objectstore: %w", err)
	}
	if p.user, err = reconcile.NewManaged(c, reconcile.ManagedKind[*User]{
		Connector: reconcile.ConnectorFunc[*User](func(context.Context, *User) (reconcile.External[*User], error) {
			return &userExternal{server: p.server}, nil
		}),
		Watches: []reconcile.Watch{{Object: &Policy{}, Map: reconcile.Dependents(c, func(pol client.Object, u *User) bool {
			policy, ok := pol.(*Policy)
			return ok && slices.Contains(u.Spec.Policies, policy.Spec.Name)
		})}},
		Status: func(u *User, o reconcile.Outcome) { u.Status = statusOf(o) },
	}, managed("minio-user", UserFinalizer)...); err != nil {
		return nil, fmt.Errorf("objectstore: %w", err)
	}
	return p, nil
}

// BucketController returns the managed reconciler of Bucket resources.
func (p *Provisioner) BucketController() *reconcile.Managed[*Bucket] { return p.bucket }

// PolicyController returns the managed reconciler of Policy resources.
func (p *Provisioner) PolicyController() *reconcile.Managed[*Policy] { return p.policy }

// UserController returns the managed reconciler of User resources.
func (p *Provisioner) UserController() *reconcile.Managed[*User] { return p.user }

// ReconcileBucket makes MinIO hold the Bucket resource key.
func (p *Provisioner) ReconcileBucket(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.bucket.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// ReconcilePolicy makes MinIO hold the Policy resource key.
func (p *Provisioner) ReconcilePolicy(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.policy.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// ReconcileUser makes MinIO hold the User resource key: the user with its
// secret key, its account status and exactly its policies.
func (p *Provisioner) ReconcileUser(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.user.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// SetupWithManager runs the Provisioner's three controllers in mgr.
func (p *Provisioner) SetupWithManager(mgr manager.Manager) error {
	for _, setup := range []func(manager.Manager) error{p.bucket.SetupWithManager, p.policy.SetupWithManager, p.user.SetupWithManager} {
		if err := setup(mgr); err != nil {
			return fmt.Errorf("objectstore: %w", err)
		}
	}
	return nil
}

// bucketExternal is the MinIO side of one Bucket resource.
type bucketExternal struct {
	server        Server
	emptyOnDelete bool
	state         BucketState
}

func (e *bucketExternal) Observe(ctx context.Context, b *Bucket) (reconcile.Observation, error) {
	var err error
	if e.state, err = e.server.Bucket(ctx, b.Spec.Name); err != nil {
		return reconcile.Observation{}, err
	}
	return reconcile.Observation{Exists: e.state.Exists, UpToDate: bucketUpToDate(b.Spec, e.state)}, nil
}

func (e *bucketExternal) Apply(ctx context.Context, b *Bucket, _ reconcile.Observation) (reconcile.Details, error) {
	if !e.state.Exists {
		if err := e.server.MakeBucket(ctx, b.Spec.Name); err != nil {
			return nil, err
		}
	}
	if want := max(b.Spec.Quota, 0); e.state.Quota != want {
		return nil, e.server.SetQuota(ctx, b.Spec.Name, want)
	}
	return reconcile.Details{}, nil
}

func (e *bucketExternal) Delete(ctx context.Context, b *Bucket) error {
	err := e.server.RemoveBucket(ctx, b.Spec.Name, e.emptyOnDelete)
	if errors.Is(err, ErrNotEmpty) {
		return fmt.Errorf("%w; a bucket that holds objects is kept unless the provisioner empties buckets on delete", err)
	}
	return err
}

// policyExternal is the MinIO side of one Policy resource.
type policyExternal struct{ server Server }

func (e *policyExternal) Observe(ctx context.Context, pol *Policy) (reconcile.Observation, error) {
	state, err := e.server.Policy(ctx, pol.Spec.Name)
	if err != nil {
		return reconcile.Observation{}, err
	}
	return reconcile.Observation{Exists: state.Exists, UpToDate: state.Exists && samePolicy(state.Content, []byte(pol.Spec.Content))}, nil
}

func (e *policyExternal) Apply(ctx context.Context, pol *Policy, _ reconcile.Observation) (reconcile.Details, error) {
	if _, errs := ParsePolicy(nil, pol.Spec.Content); len(errs) > 0 {
		return nil, fmt.Errorf("policy %s: %w", pol.Spec.Name, errs.ToAggregate())
	}
	return nil, e.server.PutPolicy(ctx, pol.Spec.Name, []byte(pol.Spec.Content))
}

func (e *policyExternal) Delete(ctx context.Context, pol *Policy) error {
	return e.server.RemovePolicy(ctx, pol.Spec.Name)
}

// userExternal is the MinIO side of one User resource.
type userExternal struct {
	server Server
	state  UserState
	keyOK  bool
}

func (e *userExternal) Observe(ctx context.Context, u *User) (reconcile.Observation, error) {
	var err error
	if e.state, err = e.server.User(ctx, u.Spec.AccessKey); err != nil || !e.state.Exists {
		return reconcile.Observation{}, err
	}
	// A disabled user's key cannot be tried; it is set again once enabled.
	e.keyOK = true
	if e.state.Enabled {
		if e.keyOK, err = e.server.SecretKeyWorks(ctx, u.Spec.AccessKey, secrets.Plain(u.Spec.SecretKey)); err != nil {
			return reconcile.Observation{}, err
		}
	}
	attach, detach := policyChanges(u.Spec, e.state.Policies)
	return reconcile.Observation{
		Exists:   true,
		UpToDate: e.keyOK && e.state.Enabled == userEnabled(u.Spec) && len(attach) == 0 && len(detach) == 0,
	}, nil
}

func (e *userExternal) Apply(ctx context.Context, u *User, _ reconcile.Observation) (reconcile.Details, error) {
	var missing []string
	for _, name := range u.Spec.Policies {
		state, err := e.server.Policy(ctx, name)
		if err != nil {
			return nil, err
		}
		if !state.Exists {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, missingPoliciesError(missing)
	}
	key := u.Spec.AccessKey
	if !e.state.Exists || !e.keyOK {
		if err := e.server.PutUser(ctx, key, secrets.Plain(u.Spec.SecretKey)); err != nil {
			return nil, err
		}
		var err error
		if e.state, err = e.server.User(ctx, key); err != nil {
			return nil, err
		}
	}
	attach, detach := policyChanges(u.Spec, e.state.Policies)
	if len(attach)+len(detach) > 0 && !e.state.Enabled {
		// MinIO changes the policies of enabled users only.
		if err := e.server.SetUserEnabled(ctx, key, true); err != nil {
			return nil, err
		}
		e.state.Enabled = true
	}
	if len(attach) > 0 {
		if err := e.server.AttachPolicies(ctx, key, attach); err != nil {
			return nil, err
		}
	}
	if len(detach) > 0 {
		if err := e.server.DetachPolicies(ctx, key, detach); err != nil {
			return nil, err
		}
	}
	if want := userEnabled(u.Spec); e.state.Enabled != want {
		if err := e.server.SetUserEnabled(ctx, key, want); err != nil {
			return nil, err
		}
	}
	return reconcile.Details{}, nil
}

func (e *userExternal) Delete(ctx context.Context, u *User) error {
	return e.server.RemoveUser(ctx, u.Spec.AccessKey)
}
