//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/tenancy"
	"github.com/hubkit-dev/hubkit/tenancy/tenancytest"
)

// instanceGVK is the application instance kind the tenants' roles and
// quota name. Its CRD comes with the applications domain; until then the
// suite installs a stand-in, as CrownLabs' tests install stub CRDs.
var instanceGVK = schema.GroupVersionKind{Group: "apps.hubkit.dev", Version: "v1alpha1", Kind: "Instance"}

// TestTenancy runs the tenant and workspace reconcilers on the real
// cluster: two tenants of one workspace get their namespaces, quotas,
// roles and personal volumes; acting as each (impersonation) shows it can
// manage its own namespace and is Forbidden in the other's; the API server
// enforces the quota; deleting a tenant removes its namespace and keeps its
// volume, and re-creating it re-attaches the volume.
func TestTenancy(t *testing.T) {
	f := inOwnNamespace("tenants and workspaces on the real cluster").
		Assess("two tenants of one workspace, isolated, quota enforced, volume kept", assessTenancy).Feature()
	testenv.Test(t, f)
}

// ensureInstanceCRD installs the stand-in Instance CRD unless the cluster
// serves the kind already.
func ensureInstanceCRD(ctx context.Context, t *testing.T, admin *hub.Client) {
	t.Helper()
	preserve := true
	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "instances.apps.hubkit.dev"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: instanceGVK.Group, Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "instances", Singular: "instance", Kind: "Instance", ListKind: "InstanceList"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: instanceGVK.Version, Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: &preserve,
				}},
			}},
		},
	}
	if err := admin.Kube().Create(ctx, crd); err != nil && !hub.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	eventually(ctx, t, "the Instance CRD is established", time.Minute, func(ctx context.Context) (bool, error) {
		got := &apiextensionsv1.CustomResourceDefinition{}
		if err := admin.Kube().Get(ctx, client.ObjectKeyFromObject(crd), got); err != nil {
			return false, err
		}
		for _, c := range got.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
}

// waitQuotaCounts waits until kube-controller-manager's quota controller
// counts resource (an object count of a custom resource): it discovers new
// kinds every 30 seconds, and computes a quota's usage when the quota is
// created or its hard limits change, so a quota made before it knows the
// kind stays without that usage (and the API server refuses every object
// of the kind under it) until its next full resync, minutes later. A probe
// quota in namespace, made again until its usage names resource, tells.
func waitQuotaCounts(ctx context.Context, t *testing.T, admin *hub.Client, namespace string, counted corev1.ResourceName) {
	t.Helper()
	probes := hub.For[*corev1.ResourceQuota](admin).InNamespace(namespace)
	attempt := 0
	eventually(ctx, t, "the quota controller counts "+string(counted), 3*time.Minute, func(ctx context.Context) (bool, error) {
		attempt++
		name := fmt.Sprintf("probe-%d", attempt)
		probe := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{counted: *resource.NewQuantity(100, resource.DecimalSI)}}}
		if err := probes.Create(ctx, probe); err != nil {
			return false, err
		}
		defer func() { _ = probes.Delete(context.WithoutCancel(ctx), name) }()
		found := false
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 5*time.Second, true, func(ctx context.Context) (bool, error) {
			got, err := probes.Get(ctx, name)
			if err != nil {
				return false, nil //nolint:nilerr // the probe's deadline ends the poll, not a read error
			}
			_, found = got.Status.Used[counted]
			return found || len(got.Status.Used) > 0, nil
		})
		return found, client.IgnoreNotFound(ignoreTimeout(err))
	})
}

// ignoreTimeout turns the timeout of a poll into no error.
func ignoreTimeout(err error) error {
	if wait.Interrupted(err) {
		return nil
	}
	return err
}

// instance is an application instance called name in namespace.
func instance(namespace, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(instanceGVK)
	u.SetNamespace(namespace)
	u.SetName(name)
	u.Object["spec"] = map[string]any{"running": true}
	return u
}

// runTenancy runs a tenancy Provisioner with opts, its personal volumes in
// the feature's namespace, and returns an admin client and the identity
// provider.
func runTenancy(ctx context.Context, t *testing.T, cfg *envconf.Config, opts ...tenancy.Option) (*hub.Client, *tenancytest.IdentityProvider) {
	t.Helper()
	scheme, err := hub.NewScheme(tenancy.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	idp := tenancytest.NewIdentityProvider()
	storage := tenancy.DefaultPersonalStorage
	storage.Namespace = namespaceOf(ctx)
	c := runManager(ctx, t, cfg, scheme, "tenant-operator", func(c *hub.Client, mgr manager.Manager) error {
		p, err := tenancy.NewProvisioner(c, append([]tenancy.Option{
			tenancy.WithStorage(storage), tenancy.WithIdentityProvider(idp),
		}, opts...)...)
		if err != nil {
			return err
		}
		return p.SetupWithManager(mgr)
	})
	return c, idp
}

func assessTenancy(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
	sc := newTenancyScene(ctx, t, cfg)
	sc.checkStorageInfo(ctx, t)
	sc.checkIsolationAndQuota(ctx, t)
	sc.checkVolumeOutlivesTenant(ctx, t)
	return ctx
}

// tenancyScene is the e2e tenancy feature's cluster: a workspace with the
// tenants alice and bob, alice's home an NFS export made for her claim.
type tenancyScene struct {
	admin, c   *hub.Client
	tenants    *tenancy.Client
	idp        *tenancytest.IdentityProvider
	ns, ws     string
	alice, bob string
	pv         *corev1.PersistentVolume
	claim      *corev1.PersistentVolumeClaim
}

func newTenancyScene(ctx context.Context, t *testing.T, cfg *envconf.Config) *tenancyScene {
	t.Helper()
	ns := namespaceOf(ctx)
	sc := &tenancyScene{admin: mustAdmin(t, cfg, ""), ns: ns}
	ensureInstanceCRD(ctx, t, sc.admin)
	waitQuotaCounts(ctx, t, sc.admin, ns, tenancy.InstancesResource)
	sc.c, sc.idp = runTenancy(ctx, t, cfg)
	sc.tenants = tenancy.NewClient(sc.c)
	suffix := ns[len(ns)-6:]
	sc.ws, sc.alice, sc.bob = "ws-"+suffix, "alice-"+suffix, "bob-"+suffix
	t.Cleanup(func() {
		ctx := context.WithoutCancel(ctx)
		for _, name := range []string{sc.alice, sc.bob} {
			_ = sc.tenants.DeleteTenant(ctx, name)
		}
		_ = sc.tenants.DeleteWorkspace(ctx, sc.ws)
		_ = sc.admin.Kube().Delete(ctx, &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "home-" + sc.alice}})
	})

	// Alice's home is an NFS export an administrator made for her claim.
	sc.pv = &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "home-" + sc.alice},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			ClaimRef:                      &corev1.ObjectReference{Namespace: ns, Name: tenancy.ClaimName(sc.alice)},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.hubkit.example", Path: "/homes/" + sc.alice}},
		},
	}
	if err := sc.admin.Kube().Create(ctx, sc.pv); err != nil {
		t.Fatal(err)
	}

	quota := tenancy.Quota{CPU: new(resource.MustParse("1")), Memory: new(resource.MustParse("1Gi")), Instances: new(int64(1))}
	if _, err := sc.tenants.CreateWorkspace(ctx, tenancy.NewWorkspace(sc.ws, "E2E workspace", tenancy.WithWorkspaceQuota(quota))); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{sc.alice, sc.bob} {
		sc.createTenant(ctx, t, name)
	}
	for _, name := range []string{sc.alice, sc.bob} {
		got, err := waitFor(ctx, 2*time.Minute, name, sc.tenants.WaitForTenant)
		if err != nil {
			t.Fatalf("tenant %s: %v", name, err)
		}
		if got.Status.Namespace != tenancy.NamespaceOf(name) || got.Status.Quota == nil || got.Status.Quota.CPU.String() != "1" {
			t.Errorf("tenant %s's status: %+v, want its namespace and the workspace's quota", name, got.Status)
		}
	}
	if _, err := waitFor(ctx, time.Minute, sc.ws, sc.tenants.WaitForWorkspace); err != nil {
		t.Fatal(err)
	}
	if got := len(sc.idp.Users()); got != 2 {
		t.Errorf("the identity provider has %d accounts, want both tenants'", got)
	}
	return sc
}

// createTenant creates the tenant name, a user of the workspace.
func (sc *tenancyScene) createTenant(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	if _, err := sc.tenants.CreateTenant(ctx, tenancy.NewTenant(name, "E2E", "Tenant", name+"@hubkit.example", tenancy.InWorkspace(sc.ws, tenancy.RoleUser))); err != nil {
		t.Fatal(err)
	}
}

// storageInfo waits for the storage info of tenant name whose path is
// path, and returns it.
func (sc *tenancyScene) storageInfo(ctx context.Context, t *testing.T, name, path string) *corev1.Secret {
	t.Helper()
	var info *corev1.Secret
	eventually(ctx, t, name+"'s storage info appears", 2*time.Minute, func(ctx context.Context) (bool, error) {
		s := &corev1.Secret{}
		err := sc.admin.Kube().Get(ctx, client.ObjectKey{Namespace: tenancy.NamespaceOf(name), Name: tenancy.StorageInfoSecret}, s)
		if hub.IsNotFound(err) {
			return false, nil
		}
		info = s
		return err == nil && string(s.Data[tenancy.KeyPath]) == path, err
	})
	return info
}

// checkStorageInfo checks that alice's claim binds to her volume, and the
// storage info follows.
func (sc *tenancyScene) checkStorageInfo(ctx context.Context, t *testing.T) {
	t.Helper()
	info := sc.storageInfo(ctx, t, sc.alice, "/homes/"+sc.alice)
	wantInfo := map[string]string{tenancy.KeyVolumeType: tenancy.VolumeTypeNFS, tenancy.KeyServerName: "nfs.hubkit.example", tenancy.KeyPath: "/homes/" + sc.alice}
	gotInfo := map[string]string{}
	for k, v := range info.Data {
		gotInfo[k] = string(v)
	}
	if diff := cmp.Diff(wantInfo, gotInfo); diff != "" {
		t.Errorf("alice's storage info: -want, +got:\n%s", diff)
	}
	sc.claim = &corev1.PersistentVolumeClaim{}
	if err := sc.admin.Kube().Get(ctx, client.ObjectKey{Namespace: sc.ns, Name: tenancy.ClaimName(sc.alice)}, sc.claim); err != nil {
		t.Fatal(err)
	}
}

// checkIsolationAndQuota acts as alice: her own namespace yes, bob's no;
// and the API server enforces her quota.
func (sc *tenancyScene) checkIsolationAndQuota(ctx context.Context, t *testing.T) {
	t.Helper()
	aliceNS, bobNS := tenancy.NamespaceOf(sc.alice), tenancy.NamespaceOf(sc.bob)
	eventually(ctx, t, "alice's quota is in force", time.Minute, func(ctx context.Context) (bool, error) {
		rq := &corev1.ResourceQuota{}
		if err := sc.admin.Kube().Get(ctx, client.ObjectKey{Namespace: aliceNS, Name: tenancy.ResourceQuotaName}, rq); err != nil {
			return false, client.IgnoreNotFound(err)
		}
		_, counted := rq.Status.Used[tenancy.InstancesResource]
		return counted && len(rq.Status.Hard) > 0, nil
	})
	asAlice, err := sc.c.As(sc.alice, tenancy.GroupName(sc.ws, tenancy.RoleUser))
	if err != nil {
		t.Fatal(err)
	}
	if err := asAlice.Kube().Create(ctx, instance(aliceNS, "notebook")); err != nil {
		t.Errorf("alice creating an instance in her namespace: %v, want it allowed", err)
	}
	if err := asAlice.Kube().Create(ctx, instance(bobNS, "intruder")); !hub.IsForbidden(err) {
		t.Errorf("alice creating an instance in bob's namespace: %v, want Forbidden", err)
	}
	if err := asAlice.Kube().Get(ctx, client.ObjectKey{Name: sc.alice}, &tenancy.Tenant{}); err != nil {
		t.Errorf("alice reading her Tenant: %v, want it allowed", err)
	}
	if err := asAlice.Kube().Get(ctx, client.ObjectKey{Name: sc.bob}, &tenancy.Tenant{}); !hub.IsForbidden(err) {
		t.Errorf("alice reading bob's Tenant: %v, want Forbidden", err)
	}
	if err := asAlice.Kube().Get(ctx, client.ObjectKey{Namespace: aliceNS, Name: tenancy.StorageInfoSecret}, &corev1.Secret{}); !hub.IsForbidden(err) {
		t.Errorf("alice reading a Secret: %v, want Forbidden (her role names instances only)", err)
	}

	// The quota allows one instance: the API server refuses a second one,
	// and a pod over the CPU quota.
	err = asAlice.Kube().Create(ctx, instance(aliceNS, "second"))
	if !hub.IsForbidden(err) || !strings.Contains(err.Error(), "exceeded quota") {
		t.Errorf("a second instance over the quota of one: %v, want Forbidden, exceeded quota", err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: aliceNS, Name: "greedy"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox", Resources: corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		}}}},
	}
	if err := sc.admin.Kube().Create(ctx, pod); !hub.IsForbidden(err) || !strings.Contains(err.Error(), "exceeded quota") {
		t.Errorf("a pod asking 2 CPUs of a quota of 1: %v, want Forbidden, exceeded quota", err)
	}
}

// checkVolumeOutlivesTenant deletes alice: her namespace goes, her volume
// stays; re-creating her re-attaches it.
func (sc *tenancyScene) checkVolumeOutlivesTenant(ctx context.Context, t *testing.T) {
	t.Helper()
	aliceNS := tenancy.NamespaceOf(sc.alice)
	if err := sc.tenants.DeleteTenant(ctx, sc.alice); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "alice's namespace is gone", 3*time.Minute, func(ctx context.Context) (bool, error) {
		err := sc.admin.Kube().Get(ctx, client.ObjectKey{Name: aliceNS}, &corev1.Namespace{})
		return hub.IsNotFound(err), client.IgnoreNotFound(err)
	})
	kept := &corev1.PersistentVolumeClaim{}
	if err := sc.admin.Kube().Get(ctx, client.ObjectKeyFromObject(sc.claim), kept); err != nil || kept.UID != sc.claim.UID {
		t.Fatalf("alice's claim after her deletion: %v (UID %s, was %s), want it kept", err, kept.UID, sc.claim.UID)
	}
	if _, ok := sc.idp.Users()[sc.alice]; ok {
		t.Errorf("alice's account outlived her")
	}

	sc.createTenant(ctx, t, sc.alice)
	again, err := waitFor(ctx, 2*time.Minute, sc.alice, sc.tenants.WaitForTenant)
	if err != nil {
		t.Fatal(err)
	}
	if ps := again.Status.PersonalStorage; ps == nil || ps.Phase != corev1.ClaimBound || ps.Claim != sc.claim.Name {
		t.Errorf("the re-created alice's personal storage: %+v, want her kept claim, Bound", ps)
	}
	sc.storageInfo(ctx, t, sc.alice, "/homes/"+sc.alice)
	reattached := &corev1.PersistentVolumeClaim{}
	if err := sc.admin.Kube().Get(ctx, client.ObjectKeyFromObject(sc.claim), reattached); err != nil || reattached.UID != sc.claim.UID || reattached.Spec.VolumeName != sc.pv.Name {
		t.Errorf("alice's claim after re-creating her: %v, UID %s on %q; want the same claim on %s", err, reattached.UID, reattached.Spec.VolumeName, sc.pv.Name)
	}
}
