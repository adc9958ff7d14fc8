package tenancy_test

import (
	"context"
	"fmt"
	"log"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/tenancy"
	"github.com/hubkit-dev/hubkit/tenancy/tenancytest"
)

// A tenant of a workspace, checked with the field paths of its resource.
func ExampleNewTenant() {
	r := tenancy.NewTenant("ada.lovelace", "Ada", "Lovelace", "ada@hubkit.example",
		tenancy.InWorkspace("data-science", tenancy.RoleManager), tenancy.WithPersonalStorage(tenancy.StorageRetain))
	fmt.Println(len(r.Validate()), "errors;", "namespace", tenancy.NamespaceOf(r.Name), "claim", tenancy.ClaimName(r.Name))

	bad := tenancy.NewTenant("ada", "Ada", "", "ada-at-example",
		tenancy.InWorkspace("data-science", "owner"), tenancy.InWorkspace("data-science", tenancy.RoleUser))
	for _, err := range bad.Validate() {
		fmt.Println(err)
	}
	// Output:
	// 0 errors; namespace tenant-ada-lovelace claim ada-lovelace-drive
	// spec.lastName: Required value
	// spec.email: Invalid value: "ada-at-example": an email address such as ada@example.org
	// spec.workspaces[0].role: Unsupported value: "owner": supported values: "manager", "user"
	// spec.workspaces[1].name: Duplicate value: "data-science"
}

// A tenant's quota: the sum of its workspaces' quotas, capped; the
// workspaces it names that do not exist count for nothing and are
// reported.
func ExampleEffectiveQuota() {
	ws := func(name, cpu string) *tenancy.Workspace {
		return tenancy.NewWorkspace(name, name, tenancy.WithWorkspaceQuota(tenancy.Quota{CPU: new(resource.MustParse(cpu))})).Build()
	}
	t := tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example", tenancy.InWorkspace("ml", tenancy.RoleUser),
		tenancy.InWorkspace("hpc", tenancy.RoleUser), tenancy.InWorkspace("gone", tenancy.RoleUser)).Build()
	q, missing := tenancy.EffectiveQuota(t, map[string]*tenancy.Workspace{"ml": ws("ml", "20"), "hpc": ws("hpc", "10")}, tenancy.DefaultCaps)
	fmt.Println("cpu", q.CPU, "missing", missing)
	// Output:
	// cpu 25 missing [gone]
}

// A workspace and a tenant of it, reconciled: the tenant gets its
// namespace, quota, roles and personal volume, and its account at the
// identity provider. The operator is simulated here; on a cluster it is a
// Provisioner run by an operator (see examples/operator, flag -tenancy).
// Deleting the tenant keeps its personal volume.
func ExampleClient_CreateTenant() {
	ctx := context.Background()
	scheme, err := hub.NewScheme(tenancy.AddToScheme)
	if err != nil {
		log.Fatal(err)
	}
	op := tenancytest.NewOperator()
	f, err := hubtest.New(hubtest.WithScheme(scheme), hubtest.WithCRDs(tenancy.CRDs()...), hubtest.WithSimulators(op))
	if err != nil {
		log.Fatal(err)
	}
	tenants := tenancy.NewClient(f.Hub())
	quota := tenancy.Quota{CPU: new(resource.MustParse("4")), Memory: new(resource.MustParse("8Gi")), Instances: new(int64(2))}
	if _, err := tenants.CreateWorkspace(ctx, tenancy.NewWorkspace("ml", "Machine learning", tenancy.WithWorkspaceQuota(quota))); err != nil {
		log.Fatal(err)
	}
	if _, err := tenants.CreateTenant(ctx, tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example",
		tenancy.InWorkspace("ml", tenancy.RoleManager))); err != nil {
		log.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	t, err := tenants.WaitForTenant(waitCtx, "ada")
	cancel()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Status.Namespace, "cpu", t.Status.Quota.CPU, "instances", *t.Status.Quota.Instances)
	fmt.Println("claim", t.Status.PersonalStorage.Namespace+"/"+t.Status.PersonalStorage.Claim, t.Status.PersonalStorage.Policy)
	fmt.Println("account roles", op.Identity.Users()["ada"].Roles)
	fmt.Println("deleting keeps", tenancy.Kept(t))

	if err := tenants.DeleteTenant(ctx, "ada"); err != nil {
		log.Fatal(err)
	}
	ns := &corev1.Namespace{}
	err = f.Client().Get(ctx, client.ObjectKey{Name: "tenant-ada"}, ns)
	pvc := &corev1.PersistentVolumeClaim{}
	pvcErr := f.Client().Get(ctx, client.ObjectKey{Namespace: "mydrive-pvcs", Name: "ada-drive"}, pvc)
	fmt.Println("namespace gone:", hub.IsNotFound(err), "claim kept:", pvcErr == nil && pvc.DeletionTimestamp == nil)
	// Output:
	// tenant-ada cpu 4 instances 2
	// claim mydrive-pvcs/ada-drive Retain
	// account roles [workspace-ml:manager]
	// deleting keeps [the personal volume mydrive-pvcs/ada-drive (a tenant of the same name gets it back)]
	// namespace gone: true claim kept: true
}
