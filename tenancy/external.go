package tenancy

import (
	"context"
	"errors"
	"slices"
)

// ErrUserNotFound is what an IdentityProvider's User returns, wrapped or
// not, for a user it does not have.
var ErrUserNotFound = errors.New("no such user")

// An Identity is a tenant as an identity provider (Keycloak, say) knows
// them: the account and the workspace roles it is granted.
type Identity struct {
	// Name is the tenant's name, the account's username.
	Name string
	// FirstName, LastName and Email are the person's.
	FirstName, LastName, Email string
	// Roles are the workspace roles of the account, as RoleName makes
	// them ("workspace-<ws>:<role>"), sorted.
	Roles []string
}

// Equal tells whether two identities hold the same account and roles.
func (i Identity) Equal(other Identity) bool {
	return i.Name == other.Name && i.FirstName == other.FirstName && i.LastName == other.LastName &&
		i.Email == other.Email && slices.Equal(i.Roles, other.Roles)
}

// An IdentityProvider is the system people sign in with (CrownLabs uses
// Keycloak): the tenant reconciler keeps an account per tenant, with
// exactly the workspace roles of the tenant's spec, and removes it when the
// tenant goes. A failing identity provider never blocks the cluster-side
// steps: the tenant's namespace, quota, roles and volume are made anyway,
// and the failure shows in the tenant's status.
//
// tenancytest.IdentityProvider is an in-memory implementation.
type IdentityProvider interface {
	// User returns the account called name; ErrUserNotFound when there is
	// none.
	User(ctx context.Context, name string) (Identity, error)
	// PutUser creates the account, or updates it to id, its roles
	// included: roles it holds and id does not are removed.
	PutUser(ctx context.Context, id Identity) error
	// DeleteUser removes the account called name; it succeeds when there
	// is none.
	DeleteUser(ctx context.Context, name string) error
}

// RoleName is the identity provider's role of a workspace's managers or
// users, as CrownLabs names its Keycloak roles: "workspace-<ws>:<role>".
func RoleName(workspace string, role Role) string {
	return "workspace-" + workspace + ":" + string(role)
}

// GroupName is the Kubernetes group of a workspace's managers or users,
// as the identity provider's token carries it and CrownLabs' bindings name
// it: "kubernetes:workspace-<ws>:<role>".
func GroupName(workspace string, role Role) string { return "kubernetes:" + RoleName(workspace, role) }

// IdentityOf is the account tenant t has at the identity provider: its
// names and email, and a role for each workspace of its spec that exists
// in workspaces.
func IdentityOf(t *Tenant, workspaces map[string]*Workspace) Identity {
	id := Identity{Name: t.Name, FirstName: t.Spec.FirstName, LastName: t.Spec.LastName, Email: t.Spec.Email}
	for _, w := range t.Spec.Workspaces {
		if _, ok := workspaces[w.Name]; ok {
			id.Roles = append(id.Roles, RoleName(w.Name, w.Role))
		}
	}
	slices.Sort(id.Roles)
	return id
}
