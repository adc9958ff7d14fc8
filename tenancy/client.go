package tenancy

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

var (
	tenantKind    = schema.GroupKind{Group: GroupVersion.Group, Kind: "Tenant"}
	workspaceKind = schema.GroupKind{Group: GroupVersion.Group, Kind: "Workspace"}
)

// A Client manages the platform's tenants and workspaces. Both kinds are
// cluster-scoped: the hub.Client's namespace does not matter. Its scheme
// must know this package's types.
type Client struct {
	tenants    *hub.Resource[*Tenant]
	workspaces *hub.Resource[*Workspace]
}

// NewClient returns a Client over c.
func NewClient(c *hub.Client) *Client {
	return &Client{tenants: hub.For[*Tenant](c), workspaces: hub.For[*Workspace](c)}
}

// CreateTenant validates r and creates its Tenant. The workspaces it names
// need not exist yet: the reconciler reports those that do not, and gives
// the tenant their quota and roles once they do.
func (c *Client) CreateTenant(ctx context.Context, r TenantRequest) (*Tenant, error) {
	return c.tenants.CreateBuilt(ctx, tenantKind, r.Name, r.Validate(), func(string) *Tenant { return r.Build() }, nil)
}

// GetTenant returns the tenant called name.
func (c *Client) GetTenant(ctx context.Context, name string) (*Tenant, error) {
	return c.tenants.Get(ctx, name)
}

// ListTenants lists the tenants.
func (c *Client) ListTenants(ctx context.Context) ([]*Tenant, error) {
	page, err := c.tenants.List(ctx)
	return page.Items, err
}

// DeleteTenant deletes the tenant called name, the one it reads (a UID
// precondition). Its namespace, and everything in it, and its roles go
// with it; its personal volume stays unless its policy says Delete (see
// Kept).
func (c *Client) DeleteTenant(ctx context.Context, name string) error {
	obj, err := c.tenants.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.tenants.DeleteObject(ctx, obj)
}

// WaitForTenant waits until the reconciler reports the tenant called name
// ready, or ctx ends (give it a deadline), and returns it.
func (c *Client) WaitForTenant(ctx context.Context, name string) (*Tenant, error) {
	return hub.WaitReady(ctx, c.tenants, name)
}

// CreateWorkspace validates r and creates its Workspace.
func (c *Client) CreateWorkspace(ctx context.Context, r WorkspaceRequest) (*Workspace, error) {
	return c.workspaces.CreateBuilt(ctx, workspaceKind, r.Name, r.Validate(), func(string) *Workspace { return r.Build() }, nil)
}

// GetWorkspace returns the workspace called name.
func (c *Client) GetWorkspace(ctx context.Context, name string) (*Workspace, error) {
	return c.workspaces.Get(ctx, name)
}

// ListWorkspaces lists the workspaces.
func (c *Client) ListWorkspaces(ctx context.Context) ([]*Workspace, error) {
	page, err := c.workspaces.List(ctx)
	return page.Items, err
}

// DeleteWorkspace deletes the workspace called name; the reconciler takes
// it out of every tenant, and its namespace goes with it.
func (c *Client) DeleteWorkspace(ctx context.Context, name string) error {
	obj, err := c.workspaces.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.workspaces.DeleteObject(ctx, obj)
}

// WaitForWorkspace waits until the reconciler reports the workspace called
// name ready, or ctx ends, and returns it.
func (c *Client) WaitForWorkspace(ctx context.Context, name string) (*Workspace, error) {
	return hub.WaitReady(ctx, c.workspaces, name)
}

// Kept says what deleting tenant t leaves behind, as a person deleting it
// should read it before: its personal volume, unless the policy its
// reconciler reported (or its own) is Delete. It is empty when nothing is
// kept.
func Kept(t *Tenant) []string {
	policy := t.Spec.PersonalStorage
	ps := t.Status.PersonalStorage
	if ps != nil && ps.Policy != "" {
		policy = ps.Policy
	}
	if policy == StorageDelete {
		return nil
	}
	claim := DefaultPersonalStorage.Namespace + "/" + ClaimName(t.Name)
	if ps != nil {
		claim = ps.Namespace + "/" + ps.Claim
	}
	return []string{"the personal volume " + claim + " (a tenant of the same name gets it back)"}
}

// checkTenantObject makes CreateTenant's checks on a Tenant written whole
// (by a REST API).
func checkTenantObject(_ context.Context, _ *hub.Client, t *Tenant) (field.ErrorList, error) {
	return validateTenant(t.Name, t.Spec), nil
}

// checkWorkspaceObject makes CreateWorkspace's checks on a Workspace
// written whole.
func checkWorkspaceObject(_ context.Context, _ *hub.Client, w *Workspace) (field.ErrorList, error) {
	return validateWorkspace(w.Name, w.Spec), nil
}
