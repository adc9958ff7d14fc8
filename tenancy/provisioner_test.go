package tenancy_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/tenancy"
	"github.com/hubkit-dev/hubkit/tenancy/tenancytest"
)

// platform is a fake cluster running the tenant operator, with a default
// storage class (whose volumes tenants' pods cannot mount: no NFS).
type platform struct {
	fake    *hubtest.Fake
	op      *tenancytest.Operator
	tenancy *tenancy.Client
}

func newPlatform(t *testing.T, opts ...tenancy.Option) *platform {
	t.Helper()
	scheme, err := hub.NewScheme(tenancy.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	op := tenancytest.NewOperator(opts...)
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(tenancy.CRDs()...), hubtest.WithSimulators(op),
		hubtest.WithObjects(&storagev1.StorageClass{
			ObjectMeta:  metav1.ObjectMeta{Name: "standard", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
			Provisioner: "standard.csi.example",
		}))
	return &platform{fake: f, op: op, tenancy: tenancy.NewClient(f.Hub())}
}

// nfsVolume is a volume an administrator made for tenant's personal claim,
// served over NFS.
func nfsVolume(tenant string) *corev1.PersistentVolume {
	return &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "home-" + tenant},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:               corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			ClaimRef:               &corev1.ObjectReference{Namespace: "mydrive-pvcs", Name: tenancy.ClaimName(tenant)},
			PersistentVolumeSource: corev1.PersistentVolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.hubkit.example", Path: "/homes/" + tenant}},
		},
	}
}

var mlQuota = tenancy.Quota{CPU: new(resource.MustParse("4")), Memory: new(resource.MustParse("8Gi")), Instances: new(int64(3))}

func (p *platform) create(t *testing.T, objs ...client.Object) {
	t.Helper()
	for _, obj := range objs {
		if err := p.fake.Client().Create(t.Context(), obj); err != nil {
			t.Fatalf("creating %s: %v", obj.GetName(), err)
		}
	}
}

func (p *platform) tenant(t *testing.T, name string) *tenancy.Tenant {
	t.Helper()
	got, err := p.tenancy.GetTenant(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// get reads the object of obj's type called key.
func get[T client.Object](t *testing.T, p *platform, obj T, namespace, name string) (T, error) {
	t.Helper()
	err := p.fake.Client().Get(t.Context(), client.ObjectKey{Namespace: namespace, Name: name}, obj)
	return obj, err
}

// tenantObjects reads what the operator made for tenant name, in the order
// of the golden file: tenancy.TenantObjects, the storage info only when
// withSecret.
func tenantObjects(t *testing.T, p *platform, name string, withSecret bool) []client.Object {
	t.Helper()
	objs := tenancy.TenantObjects(name, "mydrive-pvcs")
	if !withSecret {
		objs = objs[:len(objs)-1]
	}
	for _, obj := range objs {
		if err := p.fake.Client().Get(t.Context(), client.ObjectKeyFromObject(obj), obj); err != nil {
			t.Fatalf("%T %s/%s: %v", obj, obj.GetNamespace(), obj.GetName(), err)
		}
	}
	return objs
}

func TestTenantGetsCrownLabsSet(t *testing.T) {
	p := newPlatform(t, tenancy.WithNamespaceLabels(map[string]string{"pod-security.kubernetes.io/enforce": "baseline"}))
	ctx := t.Context()
	p.create(t, nfsVolume("ada.lovelace"))
	if _, err := p.tenancy.CreateWorkspace(ctx, tenancy.NewWorkspace("ml", "Machine learning", tenancy.WithWorkspaceQuota(mlQuota))); err != nil {
		t.Fatal(err)
	}
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("ada.lovelace", "Ada", "King-Lovelace", "ada@hubkit.example",
		tenancy.InWorkspace("ml", tenancy.RoleUser))); err != nil {
		t.Fatal(err)
	}

	got := p.tenant(t, "ada.lovelace")
	wantStatus := tenancy.TenantStatus{
		Namespace: "tenant-ada-lovelace",
		Quota:     &mlQuota,
		PersonalStorage: &tenancy.PersonalStorageStatus{
			Namespace: "mydrive-pvcs", Claim: "ada-lovelace-drive", Phase: corev1.ClaimBound,
			Size: new(resource.MustParse("1Gi")), Policy: tenancy.StorageRetain,
		},
		Subscriptions: map[string]tenancy.SubscriptionStatus{tenancy.SubscriptionIdentity: tenancy.SubscriptionOk},
		Ready:         true,
	}
	if diff := cmp.Diff(wantStatus, got.Status); diff != "" {
		t.Errorf("status: -want, +got:\n%s", diff)
	}
	wantLabels := map[string]string{
		"tenancy.hubkit.dev/workspace-ml": "user",
		"tenancy.hubkit.dev/first-name":   "Ada",
		"tenancy.hubkit.dev/last-name":    "King_Lovelace",
	}
	if diff := cmp.Diff(wantLabels, got.Labels); diff != "" {
		t.Errorf("the tenant's labels: -want, +got:\n%s", diff)
	}
	if !slices.Contains(got.Finalizers, tenancy.Finalizer) {
		t.Errorf("finalizers = %v, want %s", got.Finalizers, tenancy.Finalizer)
	}
	hubtest.ExpectGolden(t, "tenant", tenantObjects(t, p, "ada.lovelace", true)...)
	hubtest.ExpectGolden(t, "workspace", workspaceObjects(t, p, "ml")...)

	wantIdentity := map[string]tenancy.Identity{"ada.lovelace": {
		Name: "ada.lovelace", FirstName: "Ada", LastName: "King-Lovelace", Email: "ada@hubkit.example",
		Roles: []string{"workspace-ml:user"},
	}}
	if diff := cmp.Diff(wantIdentity, p.op.Identity.Users()); diff != "" {
		t.Errorf("the identity provider's accounts: -want, +got:\n%s", diff)
	}
	for _, role := range tenancy.PlatformClusterRoles() {
		if _, err := get(t, p, &rbacv1.ClusterRole{}, "", role.Name); err != nil {
			t.Errorf("the platform's ClusterRole %s: %v", role.Name, err)
		}
	}
}

// workspaceObjects reads what the operator made for workspace name.
func workspaceObjects(t *testing.T, p *platform, name string) []client.Object {
	t.Helper()
	ns := tenancy.WorkspaceNamespaceOf(name)
	out := make([]client.Object, 1, 6)
	out[0] = &corev1.Namespace{}
	if err := p.fake.Client().Get(t.Context(), client.ObjectKey{Name: ns}, out[0]); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{tenancy.ManageInstancesRole, tenancy.ManageTenantsRole} {
		crb, err := get(t, p, &rbacv1.ClusterRoleBinding{}, "", role+"-"+name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, crb)
	}
	for _, role := range []string{tenancy.ViewTemplatesRole, tenancy.ManageTemplatesRole, tenancy.ManageSharedVolumesRole} {
		rb, err := get(t, p, &rbacv1.RoleBinding{}, ns, role)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rb)
	}
	return out
}

func TestEveryRoleNamesItsVerbs(t *testing.T) {
	p := newPlatform(t)
	ctx := t.Context()
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("grace", "Grace", "Hopper", "grace@hubkit.example")); err != nil {
		t.Fatal(err)
	}
	var roles rbacv1.ClusterRoleList
	if err := p.fake.Client().List(ctx, &roles); err != nil {
		t.Fatal(err)
	}
	if len(roles.Items) != len(tenancy.PlatformClusterRoles())+1 {
		t.Errorf("%d ClusterRoles, want the platform's %d and the tenant's", len(roles.Items), len(tenancy.PlatformClusterRoles()))
	}
	for _, role := range roles.Items {
		for _, rule := range role.Rules {
			for _, list := range [][]string{rule.Verbs, rule.Resources, rule.APIGroups} {
				if slices.Contains(list, "*") || len(list) == 0 {
					t.Errorf("ClusterRole %s has a rule with a wildcard or an empty list: %+v", role.Name, rule)
				}
			}
		}
	}
}

func TestTenantQuotaFollowsItsWorkspaces(t *testing.T) {
	p := newPlatform(t, tenancy.WithCaps(tenancy.Caps{CPU: resource.MustParse("6"), Memory: resource.MustParse("50G"), Instances: 10}))
	ctx := t.Context()
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("alan", "Alan", "Turing", "alan@hubkit.example",
		tenancy.InWorkspace("ml", tenancy.RoleUser), tenancy.InWorkspace("hpc", tenancy.RoleManager))); err != nil {
		t.Fatal(err)
	}
	hard := func() corev1.ResourceList {
		rq, err := get(t, p, &corev1.ResourceQuota{}, "tenant-alan", tenancy.ResourceQuotaName)
		if err != nil {
			t.Fatal(err)
		}
		return rq.Spec.Hard
	}
	if got := p.tenant(t, "alan").Status.FailingWorkspaces; !slices.Equal(got, []string{"hpc", "ml"}) {
		t.Errorf("failing workspaces = %v, want both (neither exists)", got)
	}
	if len(hard()) != 0 {
		t.Errorf("the quota of a tenant of no existing workspace = %v, want nothing", hard())
	}

	// The workspaces appear: the tenant hears of it, and sums their quotas.
	if _, err := p.tenancy.CreateWorkspace(ctx, tenancy.NewWorkspace("ml", "ML", tenancy.WithWorkspaceQuota(mlQuota))); err != nil {
		t.Fatal(err)
	}
	if _, err := p.tenancy.CreateWorkspace(ctx, tenancy.NewWorkspace("hpc", "HPC", tenancy.WithWorkspaceQuota(mlQuota))); err != nil {
		t.Fatal(err)
	}
	got := hard()
	want := map[corev1.ResourceName]string{
		"limits.cpu": "6", "requests.cpu": "6", // 4 + 4, capped at 6
		"limits.memory": "16Gi", "requests.memory": "16Gi",
		tenancy.InstancesResource: "6",
	}
	for name, v := range want {
		if q := got[name]; q.String() != v {
			t.Errorf("%s = %s, want %s", name, q.String(), v)
		}
	}
	if failing := p.tenant(t, "alan").Status.FailingWorkspaces; len(failing) != 0 {
		t.Errorf("failing workspaces = %v once both exist, want none", failing)
	}

	// An override wins over the sum.
	if _, err := hub.For[*tenancy.Tenant](p.fake.Hub()).Update(ctx, "alan", func(tn *tenancy.Tenant) error {
		tn.Spec.Quota = &tenancy.Quota{CPU: new(resource.MustParse("1")), Memory: new(resource.MustParse("1Gi"))}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := hard(); got.Cpu().String() != "0" || len(got) != 4 {
		cpu := got[corev1.ResourceLimitsCPU]
		if cpu.String() != "1" || len(got) != 4 {
			t.Errorf("with an override the quota = %v, want its CPU and memory only", got)
		}
	}
}

func TestIdentityProviderDownDoesNotBlockTheCluster(t *testing.T) {
	p := newPlatform(t)
	ctx := t.Context()
	down := errors.New("keycloak: connection refused")
	p.op.Identity.SetDown(down)
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("edsger", "Edsger", "Dijkstra", "ed@hubkit.example")); err != nil {
		t.Fatal(err)
	}
	got := p.tenant(t, "edsger")
	if got.Status.Ready || !strings.Contains(got.Status.Message, "identity provider: keycloak: connection refused") {
		t.Errorf("status Ready=%v %q, want not ready, naming the identity provider's failure", got.Status.Ready, got.Status.Message)
	}
	if s := got.Status.Subscriptions[tenancy.SubscriptionIdentity]; s != tenancy.SubscriptionFailed {
		t.Errorf("identity subscription = %q, want Failed", s)
	}
	if got.Status.Namespace != "tenant-edsger" || got.Status.PersonalStorage == nil {
		t.Errorf("status %+v: the namespace and the personal volume must be made while the identity provider is down", got.Status)
	}
	tenantObjects(t, p, "edsger", false) // every cluster-side object is there

	// The identity provider is back; the next reconcile (a resync) puts the
	// account and makes the tenant ready.
	p.op.Identity.SetDown(nil)
	prov := newProvisioner(t, p)
	if _, err := prov.ReconcileTenant(ctx, "edsger"); err != nil {
		t.Fatal(err)
	}
	got = p.tenant(t, "edsger")
	if !got.Status.Ready || got.Status.Subscriptions[tenancy.SubscriptionIdentity] != tenancy.SubscriptionOk {
		t.Errorf("status after the recovery: %+v, want ready and in sync", got.Status)
	}
	if _, ok := p.op.Identity.Users()["edsger"]; !ok {
		t.Errorf("the account was not made once the identity provider was back")
	}
}

// newProvisioner returns a Provisioner over p's fake and identity
// provider, to reconcile by hand (a resync).
func newProvisioner(t *testing.T, p *platform) *tenancy.Provisioner {
	t.Helper()
	prov, err := tenancy.NewProvisioner(p.fake.Hub(hub.WithFieldOwner("tenant-operator")), tenancy.WithIdentityProvider(p.op.Identity))
	if err != nil {
		t.Fatal(err)
	}
	return prov
}

func TestFailingChildDoesNotStopTheOthers(t *testing.T) {
	p := newPlatform(t)
	ctx := t.Context()
	p.fake.InjectFault(hubtest.Fault{Verb: hubtest.VerbApply, Kind: schema.GroupKind{Kind: "ResourceQuota"}, Reason: metav1.StatusReasonForbidden})
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("barbara", "Barbara", "Liskov", "barbara@hubkit.example")); err != nil {
		t.Fatal(err)
	}
	got := p.tenant(t, "barbara")
	if got.Status.Ready || !strings.Contains(got.Status.Message, "ResourceQuota") {
		t.Errorf("status Ready=%v %q, want not ready, naming the quota", got.Status.Ready, got.Status.Message)
	}
	for _, obj := range []client.Object{&networkingv1.NetworkPolicy{}, &rbacv1.RoleBinding{}} {
		name := tenancy.DenyIngressPolicy
		if _, ok := obj.(*rbacv1.RoleBinding); ok {
			name = tenancy.ManageInstancesRole
		}
		if _, err := get(t, p, obj, "tenant-barbara", name); err != nil {
			t.Errorf("%T %s after the quota failed: %v, want it made (fail-fast:false)", obj, name, err)
		}
	}
	p.fake.ClearFaults()
	if _, err := newProvisioner(t, p).ReconcileTenant(ctx, "barbara"); err != nil {
		t.Fatal(err)
	}
	if got := p.tenant(t, "barbara"); !got.Status.Ready {
		t.Errorf("status after the fault cleared: %+v, want ready", got.Status)
	}
}

func TestConvergedResyncWritesNothing(t *testing.T) {
	p := newPlatform(t)
	ctx := t.Context()
	p.create(t, nfsVolume("ada"))
	if _, err := p.tenancy.CreateWorkspace(ctx, tenancy.NewWorkspace("ml", "ML", tenancy.WithWorkspaceQuota(mlQuota))); err != nil {
		t.Fatal(err)
	}
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example", tenancy.InWorkspace("ml", tenancy.RoleManager))); err != nil {
		t.Fatal(err)
	}
	prov := newProvisioner(t, p)
	idpWrites := p.op.Identity.Writes()
	p.fake.ResetRequests()
	for range 2 {
		if _, err := prov.ReconcileTenant(ctx, "ada"); err != nil {
			t.Fatal(err)
		}
		if _, err := prov.ReconcileWorkspace(ctx, "ml"); err != nil {
			t.Fatal(err)
		}
	}
	if p.fake.Writes() != 0 {
		t.Errorf("a resync wrote to the cluster: %v", p.fake.Requests())
	}
	if n := p.op.Identity.Writes() - idpWrites; n != 0 {
		t.Errorf("a resync wrote %d times to the identity provider, want 0", n)
	}
}

func TestPersonalVolumeOutlivesItsTenant(t *testing.T) {
	p := newPlatform(t)
	ctx := t.Context()
	p.create(t, nfsVolume("ada"))
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example")); err != nil {
		t.Fatal(err)
	}
	claim, err := get(t, p, &corev1.PersistentVolumeClaim{}, "mydrive-pvcs", "ada-drive")
	if err != nil {
		t.Fatal(err)
	}
	if kept := tenancy.Kept(p.tenant(t, "ada")); len(kept) != 1 || !strings.Contains(kept[0], "mydrive-pvcs/ada-drive") {
		t.Errorf("Kept = %q, want the personal volume", kept)
	}
	if err := p.tenancy.DeleteTenant(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.tenancy.GetTenant(ctx, "ada"); !hub.IsNotFound(err) {
		t.Fatalf("the tenant after its deletion: %v, want NotFound", err)
	}
	for _, obj := range []client.Object{&corev1.Namespace{}, &rbacv1.ClusterRole{}, &rbacv1.ClusterRoleBinding{}} {
		name := "tenant-ada"
		if _, ok := obj.(*corev1.Namespace); !ok {
			name = tenancy.TenantClusterRoleName("ada")
		}
		if _, err := get(t, p, obj, "", name); !hub.IsNotFound(err) {
			t.Errorf("%T %s after the tenant's deletion: %v, want it gone", obj, name, err)
		}
	}
	if _, ok := p.op.Identity.Users()["ada"]; ok {
		t.Errorf("the account outlived the tenant")
	}
	kept, err := get(t, p, &corev1.PersistentVolumeClaim{}, "mydrive-pvcs", "ada-drive")
	if err != nil || kept.UID != claim.UID {
		t.Fatalf("the personal claim after the tenant's deletion: %v (UID %s, was %s), want it kept", err, kept.UID, claim.UID)
	}

	// A tenant of the same name gets the same volume back.
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example")); err != nil {
		t.Fatal(err)
	}
	again := p.tenant(t, "ada")
	if again.Status.PersonalStorage == nil || again.Status.PersonalStorage.Phase != corev1.ClaimBound {
		t.Errorf("the re-created tenant's personal storage: %+v, want the kept claim, Bound", again.Status.PersonalStorage)
	}
	reattached, err := get(t, p, &corev1.PersistentVolumeClaim{}, "mydrive-pvcs", "ada-drive")
	if err != nil || reattached.UID != claim.UID || reattached.Spec.VolumeName != "home-ada" {
		t.Errorf("the claim after re-creating the tenant: %v, UID %s volume %s; want the same claim on the same volume", err, reattached.UID, reattached.Spec.VolumeName)
	}
	secret, err := get(t, p, &corev1.Secret{}, "tenant-ada", tenancy.StorageInfoSecret)
	if err != nil || string(secret.Data[tenancy.KeyPath]) != "/homes/ada" {
		t.Errorf("the storage info of the re-created tenant: %v %q, want the kept volume's path", err, secret.Data)
	}
}

func TestPersonalVolumeDeletedWhenThePolicySays(t *testing.T) {
	cases := map[string]struct {
		reason   string
		operator tenancy.StoragePolicy
		tenant   tenancy.StoragePolicy
		wantKept bool
	}{
		"TenantSaysDelete":   {reason: "A tenant's own Delete policy wins.", operator: tenancy.StorageRetain, tenant: tenancy.StorageDelete},
		"OperatorSaysDelete": {reason: "The operator's policy applies to a tenant that says nothing.", operator: tenancy.StorageDelete},
		"TenantSaysRetain":   {reason: "A tenant's Retain wins over the operator's Delete.", operator: tenancy.StorageDelete, tenant: tenancy.StorageRetain, wantKept: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			storage := tenancy.DefaultPersonalStorage
			storage.Policy = tc.operator
			p := newPlatform(t, tenancy.WithStorage(storage))
			ctx := t.Context()
			var opts []tenancy.TenantOption
			if tc.tenant != "" {
				opts = append(opts, tenancy.WithPersonalStorage(tc.tenant))
			}
			if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example", opts...)); err != nil {
				t.Fatal(err)
			}
			if kept := tenancy.Kept(p.tenant(t, "ada")); (len(kept) > 0) != tc.wantKept {
				t.Errorf("\nReason: %s\nKept = %q, want kept %v", tc.reason, kept, tc.wantKept)
			}
			if err := p.tenancy.DeleteTenant(ctx, "ada"); err != nil {
				t.Fatal(err)
			}
			_, err := get(t, p, &corev1.PersistentVolumeClaim{}, "mydrive-pvcs", "ada-drive")
			if kept := err == nil; kept != tc.wantKept {
				t.Errorf("\nReason: %s\nthe claim after the deletion: %v, want kept %v", tc.reason, err, tc.wantKept)
			}
		})
	}
}

func TestPersonalVolumeGrowsNeverShrinks(t *testing.T) {
	cases := map[string]struct {
		existing, want string
	}{
		"Smaller": {existing: "512Mi", want: "1Gi"},
		"Larger":  {existing: "5Gi", want: "5Gi"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := newPlatform(t)
			ctx := t.Context()
			p.create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "mydrive-pvcs"}}, &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{Namespace: "mydrive-pvcs", Name: "ada-drive", Labels: map[string]string{tenancy.LabelTenant: "ada"}},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
					Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(tc.existing)}},
				},
			})
			if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example")); err != nil {
				t.Fatal(err)
			}
			pvc, err := get(t, p, &corev1.PersistentVolumeClaim{}, "mydrive-pvcs", "ada-drive")
			if err != nil {
				t.Fatal(err)
			}
			if got := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; got.String() != tc.want {
				t.Errorf("the claim requests %s, want %s (from %s, settings 1Gi)", got.String(), tc.want, tc.existing)
			}
			if size := p.tenant(t, "ada").Status.PersonalStorage.Size; size == nil || size.String() != tc.want {
				t.Errorf("status size = %v, want %s", size, tc.want)
			}
		})
	}
}

func TestDeletedWorkspaceLeavesEveryTenant(t *testing.T) {
	p := newPlatform(t)
	ctx := t.Context()
	if _, err := p.tenancy.CreateWorkspace(ctx, tenancy.NewWorkspace("ml", "ML", tenancy.WithWorkspaceQuota(mlQuota))); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ada", "alan"} {
		if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant(name, "A", "B", name+"@hubkit.example",
			tenancy.InWorkspace("ml", tenancy.RoleUser), tenancy.InWorkspace("hpc", tenancy.RoleUser))); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.tenancy.DeleteWorkspace(ctx, "ml"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.tenancy.GetWorkspace(ctx, "ml"); !hub.IsNotFound(err) {
		t.Errorf("the workspace after its deletion: %v, want NotFound", err)
	}
	if _, err := get(t, p, &corev1.Namespace{}, "", "workspace-ml"); !hub.IsNotFound(err) {
		t.Errorf("the workspace's namespace: %v, want it gone", err)
	}
	for _, name := range []string{"ada", "alan"} {
		got := p.tenant(t, name)
		want := []tenancy.WorkspaceRole{{Name: "hpc", Role: tenancy.RoleUser}}
		if diff := cmp.Diff(want, got.Spec.Workspaces); diff != "" {
			t.Errorf("tenant %s's workspaces: -want, +got:\n%s", name, diff)
		}
		if _, ok := got.Labels["tenancy.hubkit.dev/workspace-ml"]; ok {
			t.Errorf("tenant %s still has the label of the deleted workspace", name)
		}
		if roles := p.op.Identity.Users()[name].Roles; len(roles) != 0 {
			t.Errorf("tenant %s's roles = %v, want none (hpc does not exist, ml is gone)", name, roles)
		}
	}
}

func TestQuotaChangedByAnotherWriterIsTakenBack(t *testing.T) {
	p := newPlatform(t)
	ctx := t.Context()
	if _, err := p.tenancy.CreateTenant(ctx, tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example",
		tenancy.WithTenantQuota(tenancy.Quota{CPU: new(resource.MustParse("2"))}))); err != nil {
		t.Fatal(err)
	}
	// Somebody raises the quota by hand (kubectl edit): the field is theirs
	// now, and conflicts with the operator's.
	quotas := hub.For[*corev1.ResourceQuota](p.fake.Hub(hub.WithFieldOwner("kubectl-edit"), hub.WithNamespace("tenant-ada")))
	if _, err := quotas.Update(ctx, tenancy.ResourceQuotaName, func(rq *corev1.ResourceQuota) error {
		rq.Spec.Hard[corev1.ResourceLimitsCPU] = resource.MustParse("64")
		rq.Spec.Hard[corev1.ResourceRequestsCPU] = resource.MustParse("64")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := newProvisioner(t, p).ReconcileTenant(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	rq, err := quotas.Get(ctx, tenancy.ResourceQuotaName)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []corev1.ResourceName{corev1.ResourceLimitsCPU, corev1.ResourceRequestsCPU} {
		if q := rq.Spec.Hard[name]; q.String() != "2" {
			t.Errorf("%s = %s after the reconcile, want the tenant's 2 back", name, q.String())
		}
	}
	if got := p.tenant(t, "ada"); !got.Status.Ready {
		t.Errorf("status %+v, want ready: the operator is the authority on its quota", got.Status)
	}
}

func TestSharedNamespaceMadeAgain(t *testing.T) {
	scheme, err := hub.NewScheme(tenancy.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(tenancy.CRDs()...)) // no operator: the test reconciles
	ctx := t.Context()
	prov, err := tenancy.NewProvisioner(f.Hub(hub.WithFieldOwner("tenant-operator")))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Client().Create(ctx, tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@hubkit.example").Build()); err != nil {
		t.Fatal(err)
	}
	if _, err := prov.ReconcileTenant(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	// Somebody deletes the namespace of the personal volumes, and the claim
	// with it.
	if err := f.Client().Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "mydrive-pvcs"}}); err != nil {
		t.Fatal(err)
	}
	claim := &corev1.PersistentVolumeClaim{}
	if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "mydrive-pvcs", Name: "ada-drive"}, claim); !hub.IsNotFound(err) {
		t.Fatalf("the claim after its namespace's deletion: %v, want it gone", err)
	}
	for range 2 { // the first try finds the namespace gone, the second makes it again
		_, _ = prov.ReconcileTenant(ctx, "ada")
	}
	if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "mydrive-pvcs", Name: "ada-drive"}, claim); err != nil {
		t.Errorf("the claim after its namespace was deleted: %v, want it made again", err)
	}
}
