package tenancy

import (
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// ResourceQuotaName is the name of a tenant namespace's ResourceQuota, as
// CrownLabs names it.
const ResourceQuotaName = "crownlabs-resource-quota"

// InstancesResource is the object count the quota's instances bound: the
// application instances of apps.hubkit.dev (CrownLabs counts
// instances.crownlabs.polito.it).
const InstancesResource corev1.ResourceName = "count/instances.apps.hubkit.dev"

// Caps bound every tenant's quota, whatever its workspaces or its override
// say, as CrownLabs' --cap-cpu, --cap-memory-giga and --cap-instance do.
type Caps struct {
	CPU, Memory resource.Quantity
	Instances   int64
}

// DefaultCaps are CrownLabs' defaults: 25 CPUs, 50G of memory, 10
// instances.
var DefaultCaps = Caps{CPU: resource.MustParse("25"), Memory: resource.MustParse("50G"), Instances: 10}

// EffectiveQuota is the quota of tenant t: its own override when it has
// one, else the sum of the quotas of the workspaces it belongs to, capped
// by caps. workspaces holds the Workspaces that exist, by name; the names
// of t's workspaces that do not exist are returned, sorted, and count for
// nothing.
func EffectiveQuota(t *Tenant, workspaces map[string]*Workspace, caps Caps) (Quota, []string) {
	var q Quota
	var missing []string
	if t.Spec.Quota != nil {
		q = *t.Spec.Quota.DeepCopy()
	}
	for _, member := range t.Spec.Workspaces {
		ws, ok := workspaces[member.Name]
		if !ok {
			missing = append(missing, member.Name)
			continue
		}
		if t.Spec.Quota == nil {
			q = sum(q, ws.Spec.Quota)
		}
	}
	slices.Sort(missing)
	return capped(q, caps), missing
}

// sum adds b to a.
func sum(a, b Quota) Quota {
	out := *a.DeepCopy()
	add := func(to **resource.Quantity, v *resource.Quantity) {
		if v == nil {
			return
		}
		if *to == nil {
			*to = new(v.DeepCopy())
			return
		}
		(*to).Add(*v)
	}
	add(&out.CPU, b.CPU)
	add(&out.Memory, b.Memory)
	add(&out.Storage, b.Storage)
	if b.Instances != nil {
		out.Instances = new(*b.Instances + valueOr(out.Instances))
	}
	for name, v := range b.Extra {
		if out.Extra == nil {
			out.Extra = map[string]resource.Quantity{}
		}
		total := out.Extra[name]
		total.Add(v)
		out.Extra[name] = total
	}
	return out
}

func valueOr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// capped bounds q's CPU, memory and instances by caps.
func capped(q Quota, caps Caps) Quota {
	if q.CPU != nil && q.CPU.Cmp(caps.CPU) > 0 {
		q.CPU = new(caps.CPU.DeepCopy())
	}
	if q.Memory != nil && q.Memory.Cmp(caps.Memory) > 0 {
		q.Memory = new(caps.Memory.DeepCopy())
	}
	if q.Instances != nil && *q.Instances > caps.Instances {
		q.Instances = new(caps.Instances)
	}
	return q
}

// renderResourceQuota returns the ResourceQuota of tenant t's namespace
// for quota q, as CrownLabs renders it: CPU and memory as equal requests
// and limits, the instances as an object count, storage as the claims'
// requests, and the extra resources as requests ("requests.nvidia.com/gpu":
// the only form Kubernetes quotas take for extended resources).
func renderResourceQuota(t *Tenant, q Quota) *corev1.ResourceQuota {
	hard := corev1.ResourceList{}
	if q.CPU != nil {
		hard[corev1.ResourceLimitsCPU], hard[corev1.ResourceRequestsCPU] = q.CPU.DeepCopy(), q.CPU.DeepCopy()
	}
	if q.Memory != nil {
		hard[corev1.ResourceLimitsMemory], hard[corev1.ResourceRequestsMemory] = q.Memory.DeepCopy(), q.Memory.DeepCopy()
	}
	if q.Storage != nil {
		hard[corev1.ResourceRequestsStorage] = q.Storage.DeepCopy()
	}
	if q.Instances != nil {
		hard[InstancesResource] = *resource.NewQuantity(*q.Instances, resource.DecimalSI)
	}
	for name, v := range q.Extra {
		// Kubernetes bounds extended resources by their requests only.
		if !strings.HasPrefix(name, "requests.") {
			name = "requests." + name
		}
		hard[corev1.ResourceName(name)] = v.DeepCopy()
	}
	return &corev1.ResourceQuota{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ResourceQuota"},
		ObjectMeta: metav1.ObjectMeta{Name: ResourceQuotaName, Namespace: NamespaceOf(t.Name)},
		Spec:       corev1.ResourceQuotaSpec{Hard: hard},
	}
}

// The labels of the tenancy domain, CrownLabs' keys under Hubkit's prefix.
const (
	// LabelType is "tenant" or "workspace" on the namespaces the
	// reconcilers make.
	LabelType = "tenancy.hubkit.dev/type"
	// LabelName names the tenant or workspace of a namespace.
	LabelName = "tenancy.hubkit.dev/name"
	// LabelManagedBy is "tenant" or "workspace" on every object the
	// reconcilers make.
	LabelManagedBy = "tenancy.hubkit.dev/managed-by"
	// LabelTenant names the tenant of a personal volume.
	LabelTenant = "tenancy.hubkit.dev/tenant"
	// LabelWorkspacePrefix followed by a workspace's name labels each
	// member tenant with its role there.
	LabelWorkspacePrefix = "tenancy.hubkit.dev/workspace-"
	// LabelNoWorkspaces is "true" on a tenant of no workspace.
	LabelNoWorkspaces = "tenancy.hubkit.dev/no-workspaces"
	// LabelFirstName and LabelLastName hold a tenant's names, reduced to
	// what a label value may hold.
	LabelFirstName = "tenancy.hubkit.dev/first-name"
	LabelLastName  = "tenancy.hubkit.dev/last-name"
	// LabelAllowInstanceAccess is "true" on the namespaces whose pods may
	// reach every tenant's (an ingress controller's, a monitoring one's).
	LabelAllowInstanceAccess = "tenancy.hubkit.dev/allow-instance-access"
)

// The values of LabelType and LabelManagedBy, and of a label that is set.
const (
	typeTenant    = "tenant"
	typeWorkspace = "workspace"
	labelTrue     = "true"
)

// The names of the objects the reconcilers make, as CrownLabs names them.
const (
	// ManageInstancesRole is the ClusterRole that lets a tenant manage the
	// application instances of its namespace, and a workspace's managers
	// those of every tenant; both bindings are named after it.
	ManageInstancesRole = "crownlabs-manage-instances"
	// ManageTenantsRole is the ClusterRole of a workspace's managers over
	// tenants and workspaces.
	ManageTenantsRole = "crownlabs-manage-tenants"
	// ViewTemplatesRole, ManageTemplatesRole and ManageSharedVolumesRole
	// are the ClusterRoles a workspace's users and managers are bound to
	// in the workspace's namespace, by RoleBindings of the same names.
	ViewTemplatesRole       = "crownlabs-view-templates"
	ManageTemplatesRole     = "crownlabs-manage-templates"
	ManageSharedVolumesRole = "crownlabs-manage-sharedvolumes"
	// DenyIngressPolicy lets a tenant's pods be reached from their own
	// namespace only; AllowTrustedIngressPolicy from the namespaces
	// labelled LabelAllowInstanceAccess too.
	DenyIngressPolicy         = "crownlabs-deny-ingress-traffic"
	AllowTrustedIngressPolicy = "crownlabs-allow-trusted-ingress-traffic"
	// StorageInfoSecret is the Secret in a tenant's namespace that says
	// where its personal volume is served from, once it is bound.
	StorageInfoSecret = "mydrive-info"
)

// The keys of the StorageInfoSecret: CrownLabs' server-name and path, and
// the type of volume Hubkit mounts from them.
const (
	KeyServerName = "server-name"
	KeyPath       = "path"
	KeyVolumeType = "volume-type"
)

// The volume types of a StorageInfoSecret.
const (
	VolumeTypeNFS      = "nfs"
	VolumeTypeHostPath = "hostPath"
)

// TenantClusterRoleName is the name of the ClusterRole, and of its
// binding, that let tenant name read its own Tenant:
// "crownlabs-manage-<namespace>".
func TenantClusterRoleName(name string) string { return "crownlabs-manage-" + NamespaceOf(name) }

// ClaimName is the name of tenant name's personal volume claim, in the
// shared namespace of personal volumes: "<name>-drive", its dots as
// dashes.
func ClaimName(name string) string { return strings.ReplaceAll(name, ".", "-") + "-drive" }

// PersonalStorage says where and how the tenants' personal volumes are
// made, as CrownLabs' --mydrive-pvcs-* flags do.
type PersonalStorage struct {
	// Namespace is the namespace that holds every tenant's claim.
	Namespace string
	// Size is what a claim requests; an existing claim is grown to it,
	// never shrunk.
	Size resource.Quantity
	// StorageClass is the claims' class; "" for the cluster's default.
	StorageClass string
	// AccessModes are the claims' access modes.
	AccessModes []corev1.PersistentVolumeAccessMode
	// Policy is what becomes of a claim when its tenant goes, unless the
	// tenant's spec says otherwise.
	Policy StoragePolicy
}

// DefaultPersonalStorage is CrownLabs' defaults, but for the class: 1Gi
// claims that many pods can mount (ReadWriteMany) in the namespace
// mydrive-pvcs, of the cluster's default class, retained when their
// tenant goes.
var DefaultPersonalStorage = PersonalStorage{
	Namespace:   "mydrive-pvcs",
	Size:        resource.MustParse("1Gi"),
	AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
	Policy:      StorageRetain,
}

// policyOf is what becomes of tenant t's personal volume when it goes:
// its own policy, else the operator's.
func (ps PersonalStorage) policyOf(t *Tenant) StoragePolicy {
	if t.Spec.PersonalStorage != "" {
		return t.Spec.PersonalStorage
	}
	if ps.Policy != "" {
		return ps.Policy
	}
	return StorageRetain
}

// personalClaim is the claim of tenant t's personal volume. It has no
// owner: it outlives the tenant unless the policy says Delete.
func personalClaim(t *Tenant, ps PersonalStorage) *corev1.PersistentVolumeClaim {
	pvc := &corev1.PersistentVolumeClaim{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: metav1.ObjectMeta{
			Name: ClaimName(t.Name), Namespace: ps.Namespace,
			Labels: map[string]string{LabelTenant: t.Name, LabelManagedBy: typeTenant},
		},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: slices.Clone(ps.AccessModes),
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: ps.Size.DeepCopy()}},
		},
	}
	if ps.StorageClass != "" {
		pvc.Spec.StorageClassName = new(ps.StorageClass)
	}
	return pvc
}

// volumeAccess is how a tenant's pods reach its personal volume from their
// own namespace: the type of volume to mount, and where it is served.
type volumeAccess struct {
	Type, Server, Path string
}

// storageInfo says how a tenant's pods reach the volume pv, shared from
// the claims' namespace: over NFS for an NFS volume or a CSI volume with
// server and share attributes (the NFS CSI driver's, rook-nfs'), from the
// node for a hostPath one. ok is false for other volumes.
func storageInfo(pv *corev1.PersistentVolume) (volumeAccess, bool) {
	switch src := pv.Spec.PersistentVolumeSource; {
	case src.NFS != nil:
		return volumeAccess{VolumeTypeNFS, src.NFS.Server, src.NFS.Path}, true
	case src.CSI != nil && src.CSI.VolumeAttributes["server"] != "" && src.CSI.VolumeAttributes["share"] != "":
		return volumeAccess{VolumeTypeNFS, src.CSI.VolumeAttributes["server"], src.CSI.VolumeAttributes["share"]}, true
	case src.HostPath != nil:
		return volumeAccess{Type: VolumeTypeHostPath, Path: src.HostPath.Path}, true
	}
	return volumeAccess{}, false
}

// labelValue reduces s to what a label value may hold, as CrownLabs does
// for names: letters, digits and underscores, at most 63, starting and
// ending with a letter or digit.
func labelValue(s string) string {
	out := []byte(s)
	for i, b := range out {
		if !isAlphanumeric(b) {
			out[i] = '_'
		}
	}
	v := strings.Trim(string(out), "_")
	if len(v) > 63 {
		v = strings.TrimRight(v[:63], "_")
	}
	return v
}

// isAlphanumeric tells whether b is an ASCII letter or digit.
func isAlphanumeric(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// setTenantLabels rewrites the labels of tenant t that say what it is: its
// role in each workspace of its spec (or that it has none) and its names.
// Other labels are left alone.
func setTenantLabels(t *Tenant) {
	labels := maps.Clone(t.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.DeleteFunc(labels, func(k, _ string) bool {
		return strings.HasPrefix(k, LabelWorkspacePrefix) || k == LabelNoWorkspaces || k == LabelFirstName || k == LabelLastName
	})
	for _, w := range t.Spec.Workspaces {
		labels[LabelWorkspacePrefix+w.Name] = string(w.Role)
	}
	if len(t.Spec.Workspaces) == 0 {
		labels[LabelNoWorkspaces] = labelTrue
	}
	if v := labelValue(t.Spec.FirstName); v != "" {
		labels[LabelFirstName] = v
	}
	if v := labelValue(t.Spec.LastName); v != "" {
		labels[LabelLastName] = v
	}
	t.SetLabels(labels)
}

// tenantChildren are the objects tenant t owns, as CrownLabs' tenant
// controller makes them: its namespace, the RoleBinding to manage its
// instances, the ClusterRole and binding to read its Tenant, the two
// NetworkPolicies, the ResourceQuota of q (nil when it could not be
// worked out: the quota the namespace has stays), and, once its personal
// volume is bound to a volume its pods can reach (info says how), the
// StorageInfoSecret.
func tenantChildren(t *Tenant, q *Quota, nsLabels map[string]string, info reconcile.Details) []client.Object {
	ns := NamespaceOf(t.Name)
	managed := map[string]string{LabelManagedBy: typeTenant}
	user := []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: t.Name}}
	labels := maps.Clone(nsLabels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, map[string]string{LabelType: typeTenant, LabelName: t.Name, LabelManagedBy: typeTenant})
	everyPod := metav1.LabelSelector{}
	children := []client.Object{
		namespace(ns, labels),
		&rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: ManageInstancesRole, Namespace: ns, Labels: managed},
			RoleRef:    clusterRoleRef(ManageInstancesRole),
			Subjects:   user,
		},
		&rbacv1.ClusterRole{
			TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: clusterRoleKind},
			ObjectMeta: metav1.ObjectMeta{Name: TenantClusterRoleName(t.Name), Labels: managed},
			Rules: []rbacv1.PolicyRule{{
				APIGroups: []string{GroupVersion.Group}, Resources: []string{"tenants"},
				ResourceNames: []string{t.Name}, Verbs: readVerbs,
			}},
		},
		&rbacv1.ClusterRoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: TenantClusterRoleName(t.Name), Labels: managed},
			RoleRef:    clusterRoleRef(TenantClusterRoleName(t.Name)),
			Subjects:   user,
		},
		networkPolicy(ns, DenyIngressPolicy, managed, networkingv1.NetworkPolicyPeer{PodSelector: &everyPod}),
		networkPolicy(ns, AllowTrustedIngressPolicy, managed, networkingv1.NetworkPolicyPeer{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{LabelAllowInstanceAccess: labelTrue}},
		}),
	}
	if q != nil {
		quota := renderResourceQuota(t, *q)
		quota.Labels = managed
		children = append(children, quota)
	}
	if volumeType := info.Get(detailVolumeType); volumeType != "" {
		data := map[string]string{KeyVolumeType: volumeType, KeyPath: info.Get(detailPath)}
		if server := info.Get(detailServer); server != "" {
			data[KeyServerName] = server
		}
		children = append(children, &corev1.Secret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: metav1.ObjectMeta{Name: StorageInfoSecret, Namespace: ns, Labels: managed},
			Type:       corev1.SecretTypeOpaque,
			StringData: data,
		})
	}
	return children
}

// namespace is the namespace called name, with labels.
func namespace(name string, labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
	}
}

// clusterRoleKind is the kind of a ClusterRole.
const clusterRoleKind = "ClusterRole"

// clusterRoleRef refers a binding to the ClusterRole called name.
func clusterRoleRef(name string) rbacv1.RoleRef {
	return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: clusterRoleKind, Name: name}
}

// networkPolicy is a NetworkPolicy of every pod of namespace ns that lets
// in what from selects, and nothing else.
func networkPolicy(ns, name string, labels map[string]string, from networkingv1.NetworkPolicyPeer) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: networkingv1.SchemeGroupVersion.String(), Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{from}}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		},
	}
}

// workspaceChildren are the objects workspace w owns, as CrownLabs'
// workspace controller makes them: its namespace, the ClusterRoleBindings
// of its managers to manage instances and tenants, and the RoleBindings in
// its namespace of its users to view templates and of its managers to
// manage templates and shared volumes.
func workspaceChildren(w *Workspace) []client.Object {
	ns := WorkspaceNamespaceOf(w.Name)
	managed := map[string]string{LabelManagedBy: typeWorkspace}
	group := func(role Role) []rbacv1.Subject {
		return []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: GroupName(w.Name, role)}}
	}
	clusterBinding := func(role string) *rbacv1.ClusterRoleBinding {
		return &rbacv1.ClusterRoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: role + "-" + w.Name, Labels: managed},
			RoleRef:    clusterRoleRef(role),
			Subjects:   group(RoleManager),
		}
	}
	binding := func(role string, who Role) *rbacv1.RoleBinding {
		return &rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: role, Namespace: ns, Labels: managed},
			RoleRef:    clusterRoleRef(role),
			Subjects:   group(who),
		}
	}
	return []client.Object{
		namespace(ns, map[string]string{LabelType: typeWorkspace, LabelName: w.Name, LabelManagedBy: typeWorkspace}),
		clusterBinding(ManageInstancesRole),
		clusterBinding(ManageTenantsRole),
		binding(ViewTemplatesRole, RoleUser),
		binding(ManageTemplatesRole, RoleManager),
		binding(ManageSharedVolumesRole, RoleManager),
	}
}

// The verbs of Hubkit's roles, named one by one: never "*".
var (
	readVerbs   = []string{"get", "list", "watch"}
	manageVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}
)

// PlatformClusterRoles are the ClusterRoles the tenants' and workspaces'
// bindings refer to, which CrownLabs ships in its Helm chart and a
// Provisioner applies when it starts. Every rule names its verbs:
//   - ManageInstancesRole: the application instances (apps.hubkit.dev);
//   - ManageTenantsRole: reading tenants and workspaces (CrownLabs lets
//     managers write tenants too, and limits what they write with a
//     validating webhook that Hubkit does not have: a manager who could
//     write a tenant could put anybody in any workspace);
//   - ViewTemplatesRole and ManageTemplatesRole: the application
//     templates;
//   - ManageSharedVolumesRole: the claims of the workspace's namespace,
//     the shared volumes of its members.
func PlatformClusterRoles() []*rbacv1.ClusterRole {
	role := func(name string, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
		return &rbacv1.ClusterRole{
			TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: clusterRoleKind},
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{LabelManagedBy: "tenancy"}},
			Rules:      rules,
		}
	}
	const apps = "apps.hubkit.dev"
	return []*rbacv1.ClusterRole{
		role(ManageInstancesRole, rbacv1.PolicyRule{APIGroups: []string{apps}, Resources: []string{"instances"}, Verbs: manageVerbs}),
		role(ManageTenantsRole, rbacv1.PolicyRule{APIGroups: []string{GroupVersion.Group}, Resources: []string{"tenants", "workspaces"}, Verbs: readVerbs}),
		role(ViewTemplatesRole, rbacv1.PolicyRule{APIGroups: []string{apps}, Resources: []string{"templates"}, Verbs: readVerbs}),
		role(ManageTemplatesRole, rbacv1.PolicyRule{APIGroups: []string{apps}, Resources: []string{"templates"}, Verbs: manageVerbs}),
		role(ManageSharedVolumesRole, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"persistentvolumeclaims"}, Verbs: manageVerbs}),
	}
}

// TenantObjects names what the Provisioner makes for the tenant called
// name, as empty objects of each kind with their namespace and name, ready
// to read: its namespace, ResourceQuota, RoleBinding, ClusterRole and
// ClusterRoleBinding, the two NetworkPolicies, its personal claim in
// claimsNamespace (which outlives it), and the StorageInfoSecret (there
// once the claim is bound), in that order.
func TenantObjects(name, claimsNamespace string) []client.Object {
	ns := NamespaceOf(name)
	named := func(obj client.Object, namespace, name string) client.Object {
		obj.SetNamespace(namespace)
		obj.SetName(name)
		return obj
	}
	return []client.Object{
		named(&corev1.Namespace{}, "", ns),
		named(&corev1.ResourceQuota{}, ns, ResourceQuotaName),
		named(&rbacv1.RoleBinding{}, ns, ManageInstancesRole),
		named(&rbacv1.ClusterRole{}, "", TenantClusterRoleName(name)),
		named(&rbacv1.ClusterRoleBinding{}, "", TenantClusterRoleName(name)),
		named(&networkingv1.NetworkPolicy{}, ns, DenyIngressPolicy),
		named(&networkingv1.NetworkPolicy{}, ns, AllowTrustedIngressPolicy),
		named(&corev1.PersistentVolumeClaim{}, claimsNamespace, ClaimName(name)),
		named(&corev1.Secret{}, ns, StorageInfoSecret),
	}
}
