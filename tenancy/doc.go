// Package tenancy models the people of a data-science platform and their
// groups as cluster-scoped custom resources (tenancy.hubkit.dev/v1alpha1),
// after CrownLabs' Tenant and Workspace: a Tenant is a person (names, email,
// workspaces with the role manager or user, a quota override, what becomes
// of their personal storage when they go), a Workspace a group with a
// pretty name and the quota each member gets from it.
//
// NewTenant and NewWorkspace build and validate them with field paths
// (email, roles, quota quantities, names their namespaces can be made of:
// NamespaceOf, WorkspaceNamespaceOf). The reconcilers that make each
// tenant's namespace, quota, RBAC, network policies and personal volume
// are the next step of this package; until they land, the kinds are not in
// the platform's registry.
package tenancy
