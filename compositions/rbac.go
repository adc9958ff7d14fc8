package compositions

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ReleaseVerbs are the verbs a release's RBAC grants on each kind its chart
// renders: those Helm uses to install, upgrade, roll back and uninstall.
// Never "*".
var ReleaseVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

// The labels of the RBAC objects of a release, to find them again.
const (
	LabelReleaseName      = "compositions.hubkit.dev/release-name"
	LabelReleaseNamespace = "compositions.hubkit.dev/release-namespace"
)

// Permissions are what a release needs on the cluster: rules per namespace
// for the namespaced kinds its chart renders, and cluster-wide rules for
// the cluster-scoped ones. Each rule names one API group, its resources
// and ReleaseVerbs.
type Permissions struct {
	// Namespaced are the rules of each namespace the chart renders into.
	Namespaced map[string][]rbacv1.PolicyRule
	// Cluster are the rules of the cluster-scoped kinds.
	Cluster []rbacv1.PolicyRule
}

// PermissionsOf derives the Permissions a release needs from what it
// renders (see Render): each object's group and resource come from mapper,
// namespaced objects without a namespace are in namespace.
func PermissionsOf(mapper meta.RESTMapper, manifest, namespace string) (Permissions, error) {
	objects, err := decodeManifest(strings.NewReader(manifest))
	if err != nil {
		return Permissions{}, err
	}
	namespaced := map[string]map[string][]string{} // namespace → group → resources
	cluster := map[string][]string{}
	for _, u := range objects {
		gvk := u.GroupVersionKind()
		mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return Permissions{}, fmt.Errorf("the chart renders a %s %q, which the cluster does not serve: %w", gvk.Kind, u.GetName(), err)
		}
		group, res := mapping.Resource.Group, mapping.Resource.Resource
		if mapping.Scope.Name() == meta.RESTScopeNameRoot {
			cluster[group] = append(cluster[group], res)
			continue
		}
		ns := u.GetNamespace()
		if ns == "" {
			ns = namespace
		}
		if namespaced[ns] == nil {
			namespaced[ns] = map[string][]string{}
		}
		namespaced[ns][group] = append(namespaced[ns][group], res)
	}
	p := Permissions{Namespaced: map[string][]rbacv1.PolicyRule{}, Cluster: rulesOf(cluster)}
	for ns, groups := range namespaced {
		p.Namespaced[ns] = rulesOf(groups)
	}
	return p, nil
}

// rulesOf makes one rule per group, its resources sorted and unique.
func rulesOf(groups map[string][]string) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, 0, len(groups))
	for _, group := range slices.Sorted(maps.Keys(groups)) {
		resources := slices.Compact(slices.Sorted(slices.Values(groups[group])))
		out = append(out, rbacv1.PolicyRule{APIGroups: []string{group}, Resources: resources, Verbs: slices.Clone(ReleaseVerbs)})
	}
	return out
}

// union is p with q's rules added.
func (p Permissions) union(q Permissions) Permissions {
	collect := func(rules ...[]rbacv1.PolicyRule) []rbacv1.PolicyRule {
		groups := map[string][]string{}
		for _, rs := range rules {
			for _, r := range rs {
				for _, g := range r.APIGroups {
					groups[g] = append(groups[g], r.Resources...)
				}
			}
		}
		return rulesOf(groups)
	}
	out := Permissions{Namespaced: map[string][]rbacv1.PolicyRule{}, Cluster: collect(p.Cluster, q.Cluster)}
	for _, ns := range slices.Sorted(maps.Keys(p.Namespaced)) {
		out.Namespaced[ns] = collect(p.Namespaced[ns], q.Namespaced[ns])
	}
	for ns, rules := range q.Namespaced {
		if _, done := out.Namespaced[ns]; !done {
			out.Namespaced[ns] = collect(rules)
		}
	}
	return out
}

// ServiceAccountName is the name of the ServiceAccount a release acts as,
// in the composition's namespace.
func ServiceAccountName(release string) string { return "composition-" + release }

// ServiceAccountUser is the user name of the ServiceAccount name in
// namespace, as impersonation names it.
func ServiceAccountUser(namespace, name string) string {
	return "system:serviceaccount:" + namespace + ":" + name
}

// clusterRoleName is the name of the ClusterRole of a release: cluster
// roles are not namespaced, so the namespace is part of it.
func clusterRoleName(namespace, release string) string {
	return "composition:" + namespace + ":" + release
}

// RBACObjects are the objects that grant a release p: its ServiceAccount
// in namespace, a Role and RoleBinding per namespace, and a ClusterRole
// and ClusterRoleBinding when p has cluster-wide rules, each labelled with
// the release.
func RBACObjects(namespace, release string, p Permissions) []client.Object {
	labels := map[string]string{LabelReleaseName: release, LabelReleaseNamespace: namespace, LabelManagedBy: domainName}
	sa := ServiceAccountName(release)
	subject := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: namespace}}
	out := []client.Object{&corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: namespace, Labels: maps.Clone(labels)},
	}}
	for _, ns := range slices.Sorted(maps.Keys(p.Namespaced)) {
		name := ServiceAccountName(release)
		out = append(out,
			&rbacv1.Role{
				TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "Role"},
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: maps.Clone(labels)},
				Rules:      p.Namespaced[ns],
			},
			&rbacv1.RoleBinding{
				TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "RoleBinding"},
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: maps.Clone(labels)},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
				Subjects:   subject,
			})
	}
	if len(p.Cluster) > 0 {
		name := clusterRoleName(namespace, release)
		out = append(out,
			&rbacv1.ClusterRole{
				TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRole"},
				ObjectMeta: metav1.ObjectMeta{Name: name, Labels: maps.Clone(labels)},
				Rules:      p.Cluster,
			},
			&rbacv1.ClusterRoleBinding{
				TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRoleBinding"},
				ObjectMeta: metav1.ObjectMeta{Name: name, Labels: maps.Clone(labels)},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
				Subjects:   subject,
			})
	}
	return out
}
