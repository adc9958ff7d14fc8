package objectstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	hubreconcile "github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A Provisioner does the minio-operator's job on a real MinIO: buckets and
// their quotas (minio-go and madmin), policies, and users with their
// status and attached policies (madmin). It is idempotent: it compares
// before it writes, so a reconcile over converged objects changes nothing
// in MinIO or the cluster. It uses the operator's finalizers and states,
// and never logs or returns a secret key.
type Provisioner struct {
	hub           *hub.Client
	endpoint      string
	secure        bool
	s3            *minio.Client
	admin         *madmin.AdminClient
	emptyOnDelete bool
}

// A ProvisionerOption configures a Provisioner.
type ProvisionerOption func(*Provisioner)

// WithTLS talks to MinIO over HTTPS, as MINIO_USE_SSL=true does.
func WithTLS() ProvisionerOption { return func(p *Provisioner) { p.secure = true } }

// WithEmptyBucketOnDelete deletes a bucket's objects when its resource is
// deleted, as MINIO_EMPTY_BUCKET_ON_DELETE=true does. Without it a bucket
// that still holds objects is kept, and its resource reports the error.
func WithEmptyBucketOnDelete() ProvisionerOption {
	return func(p *Provisioner) { p.emptyOnDelete = true }
}

// NewProvisioner returns a Provisioner acting on the cluster through c and
// on the MinIO at endpoint (host:port) with an administrator's keys.
func NewProvisioner(c *hub.Client, endpoint, accessKey string, secretKey secrets.Value, opts ...ProvisionerOption) (*Provisioner, error) {
	p := &Provisioner{hub: c, endpoint: endpoint}
	for _, opt := range opts {
		opt(p)
	}
	var err error
	p.s3, err = minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(accessKey, secretKey.Reveal(), ""), Secure: p.secure})
	if err != nil {
		return nil, fmt.Errorf("objectstore: an S3 client for %s: %w", endpoint, err)
	}
	p.admin, err = madmin.NewWithOptions(endpoint, &madmin.Options{Creds: credentials.NewStaticV4(accessKey, secretKey.Reveal(), ""), Secure: p.secure})
	if err != nil {
		return nil, fmt.Errorf("objectstore: an admin client for %s: %w", endpoint, err)
	}
	return p, nil
}

// setStatus patches obj's status to state and message, if they changed.
func (p *Provisioner) setStatus(ctx context.Context, obj client.Object, status *Status, state, message string) error {
	original, ok := obj.DeepCopyObject().(client.Object)
	if !ok {
		return errors.New("objectstore: not a client.Object")
	}
	status.State, status.Message = state, message
	_, err := hubreconcile.PatchStatus(ctx, p.hub, original, obj)
	return err
}

// finish reports the outcome of a reconcile in the object's status: Ready,
// or Error with the reason (which never holds a secret).
func (p *Provisioner) finish(ctx context.Context, obj client.Object, status *Status, err error) (ctrl.Result, error) {
	if err != nil {
		if serr := p.setStatus(ctx, obj, status, StateError, err.Error()); serr != nil {
			return ctrl.Result{}, errors.Join(err, serr)
		}
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, p.setStatus(ctx, obj, status, StateReady, "")
}

// reconcileObject is the shape of every reconcile: read the object; when
// it is being deleted, remove what it stands for in MinIO and then its
// finalizer; otherwise add the finalizer, ensure what it stands for, and
// report the outcome in its status.
func reconcileObject[T client.Object](ctx context.Context, p *Provisioner, key types.NamespacedName, finalizer string,
	status func(T) *Status, ensure, remove func(context.Context, T) error,
) (ctrl.Result, error) {
	obj, err := hub.For[T](p.hub).InNamespace(key.Namespace).Get(ctx, key.Name)
	if err != nil {
		return ctrl.Result{}, ignoreNotFound(err)
	}
	if obj.GetDeletionTimestamp() != nil {
		if !controllerutil.ContainsFinalizer(obj, finalizer) {
			return ctrl.Result{}, nil
		}
		if err := remove(ctx, obj); err != nil {
			return p.finish(ctx, obj, status(obj), err)
		}
		_, err := hubreconcile.RemoveFinalizer(ctx, p.hub, obj, finalizer)
		return ctrl.Result{}, err
	}
	if _, err := hubreconcile.AddFinalizer(ctx, p.hub, obj, finalizer); err != nil {
		return ctrl.Result{}, err
	}
	return p.finish(ctx, obj, status(obj), ensure(ctx, obj))
}

// ReconcileBucket makes MinIO hold the Bucket resource key.
func (p *Provisioner) ReconcileBucket(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return reconcileObject(ctx, p, key, BucketFinalizer, func(b *Bucket) *Status { return &b.Status },
		func(ctx context.Context, b *Bucket) error { return p.ensureBucket(ctx, b.Spec) },
		func(ctx context.Context, b *Bucket) error { return p.removeBucket(ctx, b.Spec.Name) })
}

func (p *Provisioner) ensureBucket(ctx context.Context, spec BucketSpec) error {
	found, err := p.s3.BucketExists(ctx, spec.Name)
	if err != nil {
		return fmt.Errorf("checking bucket %s: %w", spec.Name, err)
	}
	if !found {
		if err := p.s3.MakeBucket(ctx, spec.Name, minio.MakeBucketOptions{}); err != nil {
			return fmt.Errorf("creating bucket %s: %w", spec.Name, err)
		}
	}
	current, err := p.admin.GetBucketQuota(ctx, spec.Name)
	if err != nil {
		return fmt.Errorf("reading the quota of bucket %s: %w", spec.Name, err)
	}
	want := uint64(max(spec.Quota, 0))
	if current.Size == want {
		return nil
	}
	quota := &madmin.BucketQuota{}
	if want > 0 {
		quota = &madmin.BucketQuota{Size: want, Type: madmin.HardQuota}
	}
	if err := p.admin.SetBucketQuota(ctx, spec.Name, quota); err != nil {
		return fmt.Errorf("setting the quota of bucket %s: %w", spec.Name, err)
	}
	return nil
}

func (p *Provisioner) removeBucket(ctx context.Context, name string) error {
	found, err := p.s3.BucketExists(ctx, name)
	if err != nil {
		return fmt.Errorf("checking bucket %s: %w", name, err)
	}
	if !found {
		return nil
	}
	if p.emptyOnDelete {
		objects := p.s3.ListObjects(ctx, name, minio.ListObjectsOptions{Recursive: true, WithVersions: true})
		for res := range p.s3.RemoveObjects(ctx, name, objects, minio.RemoveObjectsOptions{}) {
			if res.Err != nil {
				return fmt.Errorf("emptying bucket %s: %w", name, res.Err)
			}
		}
	}
	if err := p.s3.RemoveBucket(ctx, name); err != nil {
		return fmt.Errorf("removing bucket %s (a bucket that holds objects is kept unless the provisioner empties buckets on delete): %w", name, err)
	}
	return nil
}

// ReconcilePolicy makes MinIO hold the Policy resource key.
func (p *Provisioner) ReconcilePolicy(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return reconcileObject(ctx, p, key, PolicyFinalizer, func(pol *Policy) *Status { return &pol.Status },
		func(ctx context.Context, pol *Policy) error { return p.ensurePolicy(ctx, pol.Spec) },
		func(ctx context.Context, pol *Policy) error {
			if err := p.admin.RemoveCannedPolicy(ctx, pol.Spec.Name); err != nil && !isNoSuch(err) {
				return fmt.Errorf("removing policy %s: %w", pol.Spec.Name, err)
			}
			return nil
		})
}

func (p *Provisioner) ensurePolicy(ctx context.Context, spec PolicySpec) error {
	if _, errs := ParsePolicy(nil, spec.Content); len(errs) > 0 {
		return fmt.Errorf("policy %s: %w", spec.Name, errs.ToAggregate())
	}
	current, err := p.admin.InfoCannedPolicyV2(ctx, spec.Name)
	if err == nil && samePolicy(current.Policy, []byte(spec.Content)) {
		return nil
	}
	if err != nil && !isNoSuch(err) {
		return fmt.Errorf("reading policy %s: %w", spec.Name, err)
	}
	if err := p.admin.AddCannedPolicy(ctx, spec.Name, []byte(spec.Content)); err != nil {
		return fmt.Errorf("writing policy %s: %w", spec.Name, err)
	}
	return nil
}

// samePolicy compares two policy documents as MinIO means them: the order
// of actions and resources does not matter.
func samePolicy(a, b []byte) bool {
	normal := func(data []byte) string {
		var doc PolicyDocument
		if err := json.Unmarshal(data, &doc); err != nil {
			return string(data)
		}
		for i := range doc.Statement {
			slices.Sort(doc.Statement[i].Action)
			slices.Sort(doc.Statement[i].Resource)
		}
		out, err := json.Marshal(doc)
		if err != nil {
			return string(data)
		}
		return string(out)
	}
	return normal(a) == normal(b)
}

// ReconcileUser makes MinIO hold the User resource key: the user with its
// secret key, its account status and exactly its policies.
func (p *Provisioner) ReconcileUser(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return reconcileObject(ctx, p, key, UserFinalizer, func(u *User) *Status { return &u.Status },
		func(ctx context.Context, u *User) error { return p.ensureUser(ctx, u.Spec) },
		func(ctx context.Context, u *User) error {
			if err := p.admin.RemoveUser(ctx, u.Spec.AccessKey); err != nil && !isNoSuch(err) {
				return fmt.Errorf("removing user %s: %w", u.Spec.AccessKey, err)
			}
			return nil
		})
}

func (p *Provisioner) ensureUser(ctx context.Context, spec UserSpec) error {
	info, err := p.admin.GetUserInfo(ctx, spec.AccessKey)
	exists := err == nil
	if err != nil && !isNoSuch(err) {
		return fmt.Errorf("reading user %s: %w", spec.AccessKey, err)
	}
	if !exists || !p.keyWorks(ctx, spec) {
		if err := p.admin.AddUser(ctx, spec.AccessKey, spec.SecretKey); err != nil {
			return fmt.Errorf("writing user %s failed", spec.AccessKey) // the request holds the secret key: never wrap it
		}
		if info, err = p.admin.GetUserInfo(ctx, spec.AccessKey); err != nil {
			return fmt.Errorf("reading user %s: %w", spec.AccessKey, err)
		}
	}
	want := madmin.AccountEnabled
	if spec.AccountStatus == "disabled" {
		want = madmin.AccountDisabled
	}
	if info.Status != want {
		if err := p.admin.SetUserStatus(ctx, spec.AccessKey, want); err != nil {
			return fmt.Errorf("setting the status of user %s: %w", spec.AccessKey, err)
		}
	}
	return p.syncPolicies(ctx, spec, info.PolicyName)
}

// keyWorks tells whether MinIO accepts the user's secret key: a request
// signed with it is refused for its signature only when the key is wrong.
func (p *Provisioner) keyWorks(ctx context.Context, spec UserSpec) bool {
	userS3, err := minio.New(p.endpoint, &minio.Options{Creds: credentials.NewStaticV4(spec.AccessKey, spec.SecretKey, ""), Secure: p.secure})
	if err != nil {
		return false
	}
	_, err = userS3.ListBuckets(ctx)
	if err == nil {
		return true
	}
	code := minio.ToErrorResponse(err).Code
	return code != "SignatureDoesNotMatch" && code != "InvalidAccessKeyId"
}

// syncPolicies attaches the missing policies and detaches the others.
func (p *Provisioner) syncPolicies(ctx context.Context, spec UserSpec, attached string) error {
	var current []string
	for name := range strings.SplitSeq(attached, ",") {
		if name = strings.TrimSpace(name); name != "" {
			current = append(current, name)
		}
	}
	var attach, detach []string
	for _, want := range spec.Policies {
		if !slices.Contains(current, want) {
			attach = append(attach, want)
		}
	}
	for _, have := range current {
		if !slices.Contains(spec.Policies, have) {
			detach = append(detach, have)
		}
	}
	if len(attach) > 0 {
		if _, err := p.admin.AttachPolicy(ctx, madmin.PolicyAssociationReq{Policies: attach, User: spec.AccessKey}); err != nil {
			return fmt.Errorf("attaching policies %v to user %s: %w", attach, spec.AccessKey, err)
		}
	}
	if len(detach) > 0 {
		if _, err := p.admin.DetachPolicy(ctx, madmin.PolicyAssociationReq{Policies: detach, User: spec.AccessKey}); err != nil {
			return fmt.Errorf("detaching policies %v from user %s: %w", detach, spec.AccessKey, err)
		}
	}
	return nil
}

// isNoSuch tells whether a MinIO admin error says the thing does not exist.
func isNoSuch(err error) bool {
	if resp, ok := errors.AsType[madmin.ErrorResponse](err); ok {
		return strings.HasPrefix(resp.Code, "XMinioAdminNoSuch") || resp.Code == "NoSuchBucket"
	}
	return false
}

func ignoreNotFound(err error) error {
	if hub.IsNotFound(err) {
		return nil
	}
	return err
}

// SetupWithManager runs the Provisioner's three controllers in mgr.
func (p *Provisioner) SetupWithManager(mgr manager.Manager) error {
	for name, kind := range map[string]struct {
		obj       client.Object
		reconcile func(context.Context, types.NamespacedName) (ctrl.Result, error)
	}{
		"minio-bucket": {&Bucket{}, p.ReconcileBucket},
		"minio-policy": {&Policy{}, p.ReconcilePolicy},
		"minio-user":   {&User{}, p.ReconcileUser},
	} {
		r := kind.reconcile
		err := builder.ControllerManagedBy(mgr).For(kind.obj).Named(name).Complete(ctrl.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
			return r(ctx, req.NamespacedName)
		}))
		if err != nil {
			return fmt.Errorf("setting up the %s controller: %w", name, err)
		}
	}
	return nil
}
