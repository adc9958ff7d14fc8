package tenancy

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// quotaText shows a quota's values as text, for comparing.
func quotaText(q Quota) map[string]string {
	out := map[string]string{}
	for name, v := range map[string]*resource.Quantity{"cpu": q.CPU, "memory": q.Memory, "storage": q.Storage} {
		if v != nil {
			out[name] = v.String()
		}
	}
	if q.Instances != nil {
		out["instances"] = resource.NewQuantity(*q.Instances, resource.DecimalSI).String()
	}
	for name, v := range q.Extra {
		out[name] = v.String()
	}
	return out
}

func quota(cpu, memory string, instances int64) Quota {
	return Quota{CPU: new(resource.MustParse(cpu)), Memory: new(resource.MustParse(memory)), Instances: new(instances)}
}

func TestEffectiveQuota(t *testing.T) {
	gpu := quota("2", "4Gi", 2)
	gpu.Extra = map[string]resource.Quantity{"nvidia.com/gpu": resource.MustParse("1")}
	workspaces := map[string]*Workspace{
		"ml":        {Spec: WorkspaceSpec{Quota: gpu}},
		"analytics": {Spec: WorkspaceSpec{Quota: quota("4", "8Gi", 5)}},
		"huge":      {Spec: WorkspaceSpec{Quota: quota("30", "100G", 20)}},
	}
	member := func(names ...string) []WorkspaceRole {
		out := make([]WorkspaceRole, 0, len(names))
		for _, n := range names {
			out = append(out, WorkspaceRole{Name: n, Role: RoleUser})
		}
		return out
	}
	cases := map[string]struct {
		reason  string
		spec    TenantSpec
		want    map[string]string
		missing []string
	}{
		"Sum": {
			reason: "Without an override, the sum of the tenant's workspaces' quotas.",
			spec:   TenantSpec{Workspaces: member("ml", "analytics")},
			want:   map[string]string{"cpu": "6", "memory": "12Gi", "instances": "7", "nvidia.com/gpu": "1"},
		},
		"Override": {
			reason: "The tenant's own quota overrides the sum.",
			spec:   TenantSpec{Workspaces: member("ml", "analytics"), Quota: new(quota("1", "1Gi", 1))},
			want:   map[string]string{"cpu": "1", "memory": "1Gi", "instances": "1"},
		},
		"Capped": {
			reason: "The caps bound CPU, memory and instances, as CrownLabs' defaults do.",
			spec:   TenantSpec{Workspaces: member("huge", "analytics")},
			want:   map[string]string{"cpu": "25", "memory": "50G", "instances": "10"},
		},
		"Missing": {
			reason:  "Workspaces that do not exist count for nothing and are reported, sorted.",
			spec:    TenantSpec{Workspaces: member("zeta", "analytics", "alpha")},
			want:    map[string]string{"cpu": "4", "memory": "8Gi", "instances": "5"},
			missing: []string{"alpha", "zeta"},
		},
		"None": {
			reason: "No workspace and no override: no quota at all.",
			want:   map[string]string{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			q, missing := EffectiveQuota(&Tenant{Spec: tc.spec}, workspaces, DefaultCaps)
			if diff := cmp.Diff(tc.want, quotaText(q)); diff != "" {
				t.Errorf("\nReason: %s\nquota: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.missing, missing); diff != "" {
				t.Errorf("\nReason: %s\nmissing: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	if got := workspaces["ml"].Spec.Quota.CPU.String(); got != "2" {
		t.Errorf("summing changed a workspace's quota: cpu %s", got)
	}
}

func TestRenderResourceQuota(t *testing.T) {
	q := quota("4", "8Gi", 3)
	q.Storage = new(resource.MustParse("20Gi"))
	q.Extra = map[string]resource.Quantity{"nvidia.com/gpu": resource.MustParse("1")}
	rq := renderResourceQuota(func() *Tenant { t := &Tenant{}; t.Name = "ada.lovelace"; return t }(), q)
	got := map[string]string{"name": rq.Namespace + "/" + rq.Name}
	for name, v := range rq.Spec.Hard {
		got[string(name)] = v.String()
	}
	want := map[string]string{
		"name":       "tenant-ada-lovelace/crownlabs-resource-quota",
		"limits.cpu": "4", "requests.cpu": "4", "limits.memory": "8Gi", "requests.memory": "8Gi",
		"requests.storage": "20Gi", string(InstancesResource): "3", "requests.nvidia.com/gpu": "1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the ResourceQuota, as CrownLabs renders it: -want, +got:\n%s", diff)
	}
	if _, ok := rq.Spec.Hard[corev1.ResourceName("nvidia.com/gpu")]; ok {
		t.Errorf("an extended resource is bounded by its name, which Kubernetes quotas refuse")
	}
}

// TenantObjects names exactly what the Provisioner renders for a tenant.
func TestTenantObjectsNameWhatIsRendered(t *testing.T) {
	tenant := NewTenant("ada.lovelace", "Ada", "Lovelace", "ada@hubkit.example").Build()
	info := reconcile.Details{}.With(detailVolumeType, VolumeTypeNFS).With(detailPath, "/homes/ada")
	rendered := append(tenantChildren(tenant, &Quota{}, nil, info), personalClaim(tenant, DefaultPersonalStorage))
	key := func(obj client.Object) string {
		return fmt.Sprintf("%T %s/%s", obj, obj.GetNamespace(), obj.GetName())
	}
	named := TenantObjects("ada.lovelace", DefaultPersonalStorage.Namespace)
	want, got := make([]string, 0, len(rendered)), make([]string, 0, len(named))
	for _, obj := range rendered {
		want = append(want, key(obj))
	}
	for _, obj := range named {
		got = append(got, key(obj))
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TenantObjects: -rendered, +named:\n%s", diff)
	}
}
