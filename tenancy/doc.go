// Package tenancy models the people of a data-science platform and their
// groups as cluster-scoped custom resources (tenancy.hubkit.dev/v1alpha1),
// after CrownLabs' Tenant and Workspace, and reconciles them as CrownLabs'
// tenant operator does.
//
// A Tenant is a person (names, email, workspaces with the role manager or
// user, a quota override, what becomes of their personal storage when they
// go); a Workspace is a group with a pretty name and the quota each member
// gets from it. NewTenant and NewWorkspace build and validate them with
// field paths; a Client creates, reads, waits for and deletes them.
//
// The Provisioner gives each tenant, named as CrownLabs names them:
//   - the namespace NamespaceOf(name), labelled as a tenant's;
//   - the ResourceQuota crownlabs-resource-quota: the tenant's override,
//     else the sum of its workspaces' quotas, capped (EffectiveQuota);
//   - the RoleBinding crownlabs-manage-instances, and the ClusterRole and
//     ClusterRoleBinding crownlabs-manage-<namespace> to read its Tenant;
//   - the NetworkPolicies that let in traffic from its own namespace and
//     from the namespaces labelled LabelAllowInstanceAccess only;
//   - a personal volume claim in a shared namespace (PersonalStorage:
//     grown, never shrunk) and, once it is bound, the Secret mydrive-info
//     that says where its volume is served;
//   - an account at the identity provider, if one is set (IdentityProvider;
//     tenancytest has an in-memory one), whose failures are reported and
//     never block the steps in the cluster.
//
// and each workspace its namespace WorkspaceNamespaceOf(name) with its
// groups' bindings (GroupName). Every step runs even when another fails;
// the tenant's status names each failing one. Every role names its verbs
// and resources (PlatformClusterRoles).
//
// Deleting a tenant deletes its namespace, its RBAC and its account, and
// keeps its personal volume unless its policy (or the operator's) says
// Delete; a tenant of the same name gets it back (Kept says what stays).
// Deleting a workspace takes it out of every tenant.
//
// MountPersonalStorage puts a tenant's personal volume and the platform's
// shared volume into a pod at Karvdash's paths, and PodMounter does it in
// a mutating admission webhook.
package tenancy
