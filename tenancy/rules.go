package tenancy

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
