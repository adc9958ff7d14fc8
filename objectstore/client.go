package objectstore

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

var (
	bucketKind = schema.GroupKind{Group: GroupVersion.Group, Kind: "Bucket"}
	policyKind = schema.GroupKind{Group: GroupVersion.Group, Kind: "Policy"}
	userKind   = schema.GroupKind{Group: GroupVersion.Group, Kind: "User"}
)

// BuiltinPolicies are the policies MinIO always has, which users may name
// without a Policy resource.
var BuiltinPolicies = []string{"readonly", "readwrite", "writeonly", "diagnostics", "consoleAdmin"}

// A Client manages the buckets, policies and users of one namespace, the
// hub.Client's. Its scheme must know this package's types.
type Client struct {
	buckets  *hub.Resource[*Bucket]
	policies *hub.Resource[*Policy]
	users    *hub.Resource[*User]
}

// An Option configures a Client or a Provisioner; one list of options
// serves both, and each ignores the options that are not its concern
// (WithTLS, WithEmptyBucketOnDelete and WithManagedOptions concern only a
// Provisioner; a Client has no settings of its own yet).
type Option func(*settings)

// settings collects what the Options set.
type settings struct {
	secure, emptyOnDelete bool
	managed               []reconcile.ManagedOption
}

func newSettings(opts []Option) settings {
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

// NewClient returns a Client over c.
func NewClient(c *hub.Client, _ ...Option) *Client {
	return &Client{buckets: hub.For[*Bucket](c), policies: hub.For[*Policy](c), users: hub.For[*User](c)}
}

// CreateBucket validates b and creates its resource.
func (c *Client) CreateBucket(ctx context.Context, b BucketRequest) (*Bucket, error) {
	return c.buckets.CreateBuilt(ctx, bucketKind, b.Name, b.Validate(), b.Build, nil)
}

// checkUser makes CreateUser's checks: u is valid, and every policy it
// names exists (as a Policy resource or as one of MinIO's built-in
// policies).
func (c *Client) checkUser(ctx context.Context, u UserRequest) (field.ErrorList, error) {
	errs := u.Validate()
	if len(errs) > 0 || len(u.Policies) == 0 {
		return errs, nil
	}
	known, err := c.policyNames(ctx)
	if err != nil {
		return nil, err
	}
	for i, p := range u.Policies {
		if !slices.Contains(known, p) {
			errs = append(errs, field.NotFound(field.NewPath("spec", "policies").Index(i), p))
		}
	}
	return errs, nil
}

// CreatePolicy validates p and creates its resource.
func (c *Client) CreatePolicy(ctx context.Context, p PolicyRequest) (*Policy, error) {
	return c.policies.CreateBuilt(ctx, policyKind, p.Name, p.Validate(), p.Build, nil)
}

// CreateUser validates u, checks that every policy it names exists (as a
// Policy resource or as one of MinIO's built-in policies), and creates its
// resource. The error of a missing policy names it.
func (c *Client) CreateUser(ctx context.Context, u UserRequest) (*User, error) {
	errs, err := c.checkUser(ctx, u)
	if err != nil {
		return nil, err
	}
	return c.users.CreateBuilt(ctx, userKind, u.Name, errs, u.Build, nil)
}

// policyNames returns the names of the policies users may attach.
func (c *Client) policyNames(ctx context.Context) ([]string, error) {
	page, err := c.policies.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing policies: %w", err)
	}
	names := slices.Clone(BuiltinPolicies)
	for _, p := range page.Items {
		names = append(names, p.Spec.Name)
	}
	return names, nil
}

// ListBuckets lists the bucket resources.
func (c *Client) ListBuckets(ctx context.Context) ([]*Bucket, error) {
	page, err := c.buckets.List(ctx)
	return page.Items, err
}

// ListPolicies lists the policy resources.
func (c *Client) ListPolicies(ctx context.Context) ([]*Policy, error) {
	page, err := c.policies.List(ctx)
	return page.Items, err
}

// ListUsers lists the user resources.
func (c *Client) ListUsers(ctx context.Context) ([]*User, error) {
	page, err := c.users.List(ctx)
	return page.Items, err
}

// GetBucket returns the bucket resource called name.
func (c *Client) GetBucket(ctx context.Context, name string) (*Bucket, error) {
	return c.buckets.Get(ctx, name)
}

// GetPolicy returns the policy resource called name.
func (c *Client) GetPolicy(ctx context.Context, name string) (*Policy, error) {
	return c.policies.Get(ctx, name)
}

// GetUser returns the user resource called name.
func (c *Client) GetUser(ctx context.Context, name string) (*User, error) {
	return c.users.Get(ctx, name)
}

// DeleteBucket deletes the bucket resource called name, the one it reads (a
// UID precondition).
func (c *Client) DeleteBucket(ctx context.Context, name string) error {
	obj, err := c.buckets.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.buckets.DeleteObject(ctx, obj)
}

// DeletePolicy deletes the policy resource called name, the one it reads (a
// UID precondition).
func (c *Client) DeletePolicy(ctx context.Context, name string) error {
	obj, err := c.policies.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.policies.DeleteObject(ctx, obj)
}

// DeleteUser deletes the user resource called name, the one it reads (a
// UID precondition).
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	obj, err := c.users.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.users.DeleteObject(ctx, obj)
}

// readinessOf is the Readiness of an object with status s.
func readinessOf(s Status) hub.Readiness {
	r := hub.Readiness{Ready: s.State == StateReady, State: s.State, Message: s.Message}
	if r.State == "" {
		r.State, r.Message = "Pending", "waiting for the operator"
	}
	return r
}

// Readiness reports the bucket ready when the operator's state is Ready.
func (b *Bucket) Readiness() hub.Readiness { return readinessOf(b.Status) }

// Readiness reports the policy ready when the operator's state is Ready.
func (p *Policy) Readiness() hub.Readiness { return readinessOf(p.Status) }

// Readiness reports the user ready when the operator's state is Ready.
func (u *User) Readiness() hub.Readiness { return readinessOf(u.Status) }

// WaitForBucket waits until the operator reports the bucket called name
// ready, or ctx ends (give it a deadline), and returns it.
func (c *Client) WaitForBucket(ctx context.Context, name string) (*Bucket, error) {
	return hub.WaitReady(ctx, c.buckets, name)
}

// WaitForPolicy waits until the operator reports the policy called name
// ready, or ctx ends (give it a deadline), and returns it.
func (c *Client) WaitForPolicy(ctx context.Context, name string) (*Policy, error) {
	return hub.WaitReady(ctx, c.policies, name)
}

// WaitForUser waits until the operator reports the user called name ready,
// or ctx ends (give it a deadline), and returns it.
func (c *Client) WaitForUser(ctx context.Context, name string) (*User, error) {
	return hub.WaitReady(ctx, c.users, name)
}
