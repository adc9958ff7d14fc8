package tenancy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// Finalizer is the finalizer the reconcilers keep on Tenants and
// Workspaces, as CrownLabs' crownlabs.polito.it/tenant-operator.
const Finalizer = "tenancy.hubkit.dev/tenant-operator"

// DefaultResync is how long after a successful reconcile a tenant is
// looked at again, plus up to as much again at random: CrownLabs' 4 to 8
// hours.
const DefaultResync = 4 * time.Hour

// DefaultWorkers is how many tenants, and how many workspaces, are
// reconciled at once unless WithManagedOptions(reconcile.WithWorkers(n))
// says otherwise: an operator that starts over many tenants waits on the
// API server, not on its CPU.
const DefaultWorkers = 16

// The details a tenant's External passes to its children and status.
const (
	detailQuota      = "quota"
	detailFailing    = "failing-workspaces"
	detailClaimPhase = "claim-phase"
	detailClaimSize  = "claim-size"
	detailVolumeType = "volume-type"
	detailServer     = "server"
	detailPath       = "path"
	detailIdentity   = "identity"
)

// An Option configures a Provisioner.
type Option func(*settings)

// settings collect what the Options set.
type settings struct {
	caps     Caps
	storage  PersonalStorage
	nsLabels map[string]string
	identity IdentityProvider
	resync   time.Duration
	managed  []reconcile.ManagedOption
}

// WithCaps bounds every tenant's quota (DefaultCaps by default).
func WithCaps(c Caps) Option { return func(s *settings) { s.caps = c } }

// WithStorage sets where and how personal volumes are made
// (DefaultPersonalStorage by default).
func WithStorage(ps PersonalStorage) Option { return func(s *settings) { s.storage = ps } }

// WithNamespaceLabels adds labels to every tenant namespace (CrownLabs'
// TenantCommonNSLabels), such as a Pod Security level.
func WithNamespaceLabels(labels map[string]string) Option {
	return func(s *settings) { s.nsLabels = labels }
}

// WithIdentityProvider keeps an account per tenant at idp (none by
// default).
func WithIdentityProvider(idp IdentityProvider) Option { return func(s *settings) { s.identity = idp } }

// WithResync sets how long after a successful reconcile a tenant is looked
// at again, plus up to as much again at random (DefaultResync by default).
func WithResync(d time.Duration) Option { return func(s *settings) { s.resync = d } }

// WithManagedOptions passes options (event recorder, wait interval, ...)
// to the Provisioner's managed reconcilers.
func WithManagedOptions(opts ...reconcile.ManagedOption) Option {
	return func(s *settings) { s.managed = append(s.managed, opts...) }
}

// A Provisioner does the job of CrownLabs' tenant and workspace
// controllers. For each Tenant it makes the namespace NamespaceOf(name)
// with its ResourceQuota (EffectiveQuota), the RoleBinding that lets the
// tenant manage its instances, the ClusterRole and binding that let it
// read its own Tenant, the two NetworkPolicies (traffic from the same
// namespace and from the namespaces labelled LabelAllowInstanceAccess
// only), its personal volume claim in the shared namespace (grown, never
// shrunk) and, once the claim is bound, the StorageInfoSecret; it labels
// the Tenant with its workspaces, reports those that do not exist, and
// keeps the tenant's account at the identity provider. Every step runs
// even when another fails (fail-fast:false), and the status names each
// failing one. For each Workspace it makes the namespace
// WorkspaceNamespaceOf(name) and its groups' bindings, and on delete takes
// the workspace out of every tenant.
//
// Deleting a tenant deletes its namespace and its RBAC, and its account;
// its personal volume is kept unless its policy says Delete, and a tenant
// of the same name gets it back. Every role names its verbs and
// resources; see PlatformClusterRoles.
type Provisioner struct {
	hub        *hub.Client
	s          settings
	tenants    *reconcile.Managed[*Tenant]
	workspaces *reconcile.Managed[*Workspace]

	// sharedMu guards sharedReady: whether the namespace of the personal
	// volumes is known to exist.
	sharedMu    sync.Mutex
	sharedReady bool
}

// NewProvisioner returns a Provisioner acting on the cluster through c.
func NewProvisioner(c *hub.Client, opts ...Option) (*Provisioner, error) {
	if c == nil {
		return nil, errors.New("tenancy: a Provisioner needs a hub.Client")
	}
	s := settings{caps: DefaultCaps, storage: DefaultPersonalStorage, resync: DefaultResync}
	for _, opt := range opts {
		opt(&s)
	}
	if s.storage.Namespace == "" {
		return nil, errors.New("tenancy: the personal volumes need a namespace")
	}
	p := &Provisioner{hub: c, s: s}
	managedOpts := append([]reconcile.ManagedOption{
		reconcile.WithFinalizer(Finalizer), reconcile.WithPollInterval(s.resync), reconcile.WithJitter(1),
		reconcile.WithWorkers(DefaultWorkers),
	}, s.managed...)
	var err error
	p.tenants, err = reconcile.NewManaged(c, reconcile.ManagedKind[*Tenant]{
		Connector: reconcile.ConnectorFunc[*Tenant](p.connectTenant),
		Children: func(t *Tenant, d reconcile.Details) ([]client.Object, error) {
			q, err := quotaOf(d)
			if err != nil {
				return nil, err
			}
			return tenantChildren(t, q, s.nsLabels, d), nil
		},
		IndependentChildren: true,
		Owns: []client.Object{
			&corev1.Namespace{}, &corev1.ResourceQuota{}, &rbacv1.RoleBinding{}, &rbacv1.ClusterRole{},
			&rbacv1.ClusterRoleBinding{}, &networkingv1.NetworkPolicy{}, &corev1.Secret{},
		},
		Watches: []reconcile.Watch{
			{Object: &Workspace{}, Map: reconcile.Dependents(c, func(ws client.Object, t *Tenant) bool {
				return slices.ContainsFunc(t.Spec.Workspaces, func(w WorkspaceRole) bool { return w.Name == ws.GetName() })
			})},
			{Object: &corev1.PersistentVolumeClaim{}, Map: p.tenantOfClaim},
		},
		Status: p.tenantStatus,
	}, append([]reconcile.ManagedOption{reconcile.WithName("tenant")}, managedOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("tenancy: %w", err)
	}
	p.workspaces, err = reconcile.NewManaged(c, reconcile.ManagedKind[*Workspace]{
		Connector: reconcile.ConnectorFunc[*Workspace](func(context.Context, *Workspace) (reconcile.External[*Workspace], error) {
			return workspaceExternal{p}, nil
		}),
		Children: func(w *Workspace, _ reconcile.Details) ([]client.Object, error) { return workspaceChildren(w), nil },
		Owns:     []client.Object{&corev1.Namespace{}, &rbacv1.RoleBinding{}, &rbacv1.ClusterRoleBinding{}},
		Status: func(w *Workspace, o reconcile.Outcome) {
			w.Status = WorkspaceStatus{Ready: o.Ready}
			if ns, op, ok := reconcile.ResultOf[*corev1.Namespace](o.Children); ok && op != reconcile.OperationFailed {
				w.Status.Namespace = ns.Name
			}
		},
	}, append([]reconcile.ManagedOption{reconcile.WithName("workspace")}, managedOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("tenancy: %w", err)
	}
	return p, nil
}

// TenantController returns the managed reconciler of Tenants.
func (p *Provisioner) TenantController() *reconcile.Managed[*Tenant] { return p.tenants }

// WorkspaceController returns the managed reconciler of Workspaces.
func (p *Provisioner) WorkspaceController() *reconcile.Managed[*Workspace] { return p.workspaces }

// ReconcileTenant makes the cluster hold the Tenant called name.
func (p *Provisioner) ReconcileTenant(ctx context.Context, name string) (ctrl.Result, error) {
	return p.tenants.Reconcile(ctx, ctrl.Request{NamespacedName: types.NamespacedName{Name: name}})
}

// ReconcileWorkspace makes the cluster hold the Workspace called name.
func (p *Provisioner) ReconcileWorkspace(ctx context.Context, name string) (ctrl.Result, error) {
	return p.workspaces.Reconcile(ctx, ctrl.Request{NamespacedName: types.NamespacedName{Name: name}})
}

// EnsurePlatformRoles applies PlatformClusterRoles, writing nothing when
// they already are as desired. SetupWithManager runs it when the manager
// starts.
func (p *Provisioner) EnsurePlatformRoles(ctx context.Context) error {
	roles := PlatformClusterRoles()
	objs := make([]client.Object, len(roles))
	for i, r := range roles {
		objs[i] = r
	}
	if _, err := reconcile.EnsureUnowned(ctx, p.hub, objs...); err != nil {
		return fmt.Errorf("tenancy: applying the platform's ClusterRoles: %w", err)
	}
	return nil
}

// SetupWithManager runs both controllers in mgr, and applies the
// platform's ClusterRoles when it starts.
func (p *Provisioner) SetupWithManager(mgr manager.Manager) error {
	if err := mgr.Add(manager.RunnableFunc(p.EnsurePlatformRoles)); err != nil {
		return fmt.Errorf("tenancy: %w", err)
	}
	if err := p.tenants.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("tenancy: %w", err)
	}
	if err := p.workspaces.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("tenancy: %w", err)
	}
	return nil
}

// tenantOfClaim names the tenant of a personal volume claim.
func (p *Provisioner) tenantOfClaim(_ context.Context, obj client.Object) []ctrl.Request {
	name := obj.GetLabels()[LabelTenant]
	if obj.GetNamespace() != p.s.storage.Namespace || name == "" {
		return nil
	}
	return []ctrl.Request{{NamespacedName: types.NamespacedName{Name: name}}}
}

// connectTenant reads the workspaces, works out t's quota and labels t
// with its workspaces.
func (p *Provisioner) connectTenant(ctx context.Context, t *Tenant) (reconcile.External[*Tenant], error) {
	ext := &tenantExternal{p: p}
	if t.DeletionTimestamp != nil {
		return ext, nil
	}
	setTenantLabels(t)
	list, err := hub.For[*Workspace](p.hub).List(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the workspaces: %w", err)
	}
	workspaces := make(map[string]*Workspace, len(list.Items))
	for _, w := range list.Items {
		if w.DeletionTimestamp == nil {
			workspaces[w.Name] = w
		}
	}
	quota, missing := EffectiveQuota(t, workspaces, p.s.caps)
	encoded, err := json.Marshal(quota)
	if err != nil {
		return nil, fmt.Errorf("encoding the quota: %w", err)
	}
	ext.identity = IdentityOf(t, workspaces)
	ext.details = reconcile.Details{}.With(detailQuota, string(encoded)).With(detailFailing, strings.Join(missing, ","))
	return ext, nil
}

// quotaOf decodes the quota the details hold; nil when they hold none.
func quotaOf(d reconcile.Details) (*Quota, error) {
	raw, ok := d[detailQuota]
	if !ok {
		return nil, nil //nolint:nilnil // no quota worked out: the namespace keeps its own
	}
	var q Quota
	if err := json.Unmarshal(raw, &q); err != nil {
		return nil, fmt.Errorf("decoding the quota: %w", err)
	}
	return &q, nil
}

// tenantStatus puts the outcome into t's status.
func (p *Provisioner) tenantStatus(t *Tenant, o reconcile.Outcome) {
	old := t.Status
	st := TenantStatus{Ready: o.Ready, Message: o.Message(), Quota: old.Quota, FailingWorkspaces: old.FailingWorkspaces, PersonalStorage: old.PersonalStorage, Subscriptions: old.Subscriptions}
	if ns, op, ok := reconcile.ResultOf[*corev1.Namespace](o.Children); ok && op != reconcile.OperationFailed {
		st.Namespace = ns.Name
	}
	if q, err := quotaOf(o.Details); err == nil && q != nil {
		st.Quota = q
	}
	if failing, ok := o.Details[detailFailing]; ok {
		st.FailingWorkspaces = nil
		if len(failing) > 0 {
			st.FailingWorkspaces = strings.Split(string(failing), ",")
		}
	}
	if phase := o.Details.Get(detailClaimPhase); phase != "" {
		st.PersonalStorage = &PersonalStorageStatus{
			Namespace: p.s.storage.Namespace, Claim: ClaimName(t.Name), Phase: corev1.PersistentVolumeClaimPhase(phase),
			Policy: p.s.storage.policyOf(t),
		}
		if size, err := resource.ParseQuantity(o.Details.Get(detailClaimSize)); err == nil {
			st.PersonalStorage.Size = &size
		}
	}
	if state := o.Details.Get(detailIdentity); state != "" {
		st.Subscriptions = map[string]SubscriptionStatus{SubscriptionIdentity: SubscriptionStatus(state)}
	}
	t.Status = st
}

// tenantExternal is what a tenant stands for beyond its own objects: its
// personal volume, which outlives it, and its account at the identity
// provider. Each is a step of its own: one failing does not stop the
// other.
type tenantExternal struct {
	p        *Provisioner
	details  reconcile.Details
	identity Identity

	claim         *corev1.PersistentVolumeClaim
	claimErr      error
	identityState SubscriptionStatus
}

// Observe reads the claim and its volume, and the tenant's account. It
// reports what it could not read as not up to date, for Apply to try and
// report.
func (e *tenantExternal) Observe(ctx context.Context, t *Tenant) (reconcile.Observation, error) {
	upToDate := true
	d := e.details
	desired := personalClaim(t, e.p.s.storage)
	pvc := &corev1.PersistentVolumeClaim{}
	err := e.p.hub.Kube().Get(ctx, client.ObjectKeyFromObject(desired), pvc)
	switch {
	case hub.IsNotFound(err):
		upToDate = false
	case err != nil:
		e.claimErr = fmt.Errorf("reading the claim: %w", err)
		upToDate = false
	default:
		e.claim = pvc
		d = claimDetails(d, pvc)
		if smaller(pvc, e.p.s.storage) {
			upToDate = false
		}
		if d, err = e.volumeDetails(ctx, d, pvc); err != nil {
			e.claimErr = err
			upToDate = false
		}
	}
	if idp := e.p.s.identity; idp != nil {
		got, err := idp.User(ctx, t.Name)
		if err == nil && got.Equal(e.identity) {
			e.identityState = SubscriptionOk
			d = d.With(detailIdentity, string(SubscriptionOk))
		} else {
			upToDate = false
		}
	}
	return reconcile.Observation{Exists: e.claim != nil, UpToDate: upToDate, Details: d}, nil
}

// smaller tells whether pvc requests less than the settings' size.
func smaller(pvc *corev1.PersistentVolumeClaim, ps PersonalStorage) bool {
	size := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	return size.Cmp(ps.Size) < 0
}

// claimDetails adds pvc's phase and size to d.
func claimDetails(d reconcile.Details, pvc *corev1.PersistentVolumeClaim) reconcile.Details {
	phase := pvc.Status.Phase
	if phase == "" {
		phase = corev1.ClaimPending
	}
	size := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	return d.With(detailClaimPhase, string(phase)).With(detailClaimSize, size.String())
}

// volumeDetails adds how the tenant's pods reach pvc's volume to d, once
// pvc is bound to a volume they can reach.
func (e *tenantExternal) volumeDetails(ctx context.Context, d reconcile.Details, pvc *corev1.PersistentVolumeClaim) (reconcile.Details, error) {
	if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName == "" {
		return d, nil
	}
	pv := &corev1.PersistentVolume{}
	if err := e.p.hub.Kube().Get(ctx, client.ObjectKey{Name: pvc.Spec.VolumeName}, pv); err != nil {
		return d, fmt.Errorf("reading the volume %s: %w", pvc.Spec.VolumeName, err)
	}
	access, ok := storageInfo(pv)
	if !ok {
		return d, nil
	}
	return d.With(detailVolumeType, access.Type).With(detailServer, access.Server).With(detailPath, access.Path), nil
}

// Apply makes or grows the claim and puts the account, each as a step of
// its own.
func (e *tenantExternal) Apply(ctx context.Context, t *Tenant, _ reconcile.Observation) (reconcile.Details, error) {
	d := reconcile.Details{}
	var steps reconcile.Steps
	steps.Run("personal storage", func() error {
		pvc, err := e.applyClaim(ctx, t)
		if pvc != nil {
			d = claimDetails(d, pvc)
		}
		return err
	})
	if idp := e.p.s.identity; idp != nil && e.identityState != SubscriptionOk {
		steps.Run("identity provider", func() error {
			if err := idp.PutUser(ctx, e.identity); err != nil {
				d = d.With(detailIdentity, string(SubscriptionFailed))
				return err
			}
			d = d.With(detailIdentity, string(SubscriptionOk))
			return nil
		})
	}
	return d, steps.Err()
}

// applyClaim creates the claim (and its namespace) when it is missing,
// grows it when it is smaller than the settings say, and returns it.
func (e *tenantExternal) applyClaim(ctx context.Context, t *Tenant) (*corev1.PersistentVolumeClaim, error) {
	if e.claimErr != nil {
		return nil, e.claimErr
	}
	c := e.p.hub.Kube()
	if e.claim != nil {
		if !smaller(e.claim, e.p.s.storage) {
			return e.claim, nil
		}
		grown := e.claim.DeepCopy()
		grown.Spec.Resources.Requests[corev1.ResourceStorage] = e.p.s.storage.Size.DeepCopy()
		if err := c.Patch(ctx, grown, client.MergeFromWithOptions(e.claim, client.MergeFromWithOptimisticLock{})); err != nil {
			return e.claim, fmt.Errorf("growing the claim %s to %s: %w", e.claim.Name, e.p.s.storage.Size.String(), err)
		}
		return grown, nil
	}
	if err := e.p.ensureSharedNamespace(ctx); err != nil {
		return nil, err
	}
	pvc := personalClaim(t, e.p.s.storage)
	if err := c.Create(ctx, pvc); err != nil {
		if hub.IsNotFound(err) {
			e.p.forgetSharedNamespace() // deleted since: made again on the next try
		}
		return nil, fmt.Errorf("creating the claim %s: %w", pvc.Name, err)
	}
	return pvc, nil
}

// forgetSharedNamespace makes the next claim check that the namespace of
// the personal volumes exists.
func (p *Provisioner) forgetSharedNamespace() {
	p.sharedMu.Lock()
	defer p.sharedMu.Unlock()
	p.sharedReady = false
}

// ensureSharedNamespace creates the namespace of the personal volumes
// unless it exists, once for all the workers.
func (p *Provisioner) ensureSharedNamespace(ctx context.Context) error {
	p.sharedMu.Lock()
	defer p.sharedMu.Unlock()
	if p.sharedReady {
		return nil
	}
	c := p.hub.Kube()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: p.s.storage.Namespace}}
	switch err := c.Get(ctx, client.ObjectKeyFromObject(ns), ns); {
	case hub.IsNotFound(err):
		if err := c.Create(ctx, ns); err != nil && !hub.IsAlreadyExists(err) {
			return fmt.Errorf("creating the namespace %s: %w", ns.Name, err)
		}
	case err != nil:
		return fmt.Errorf("reading the namespace %s: %w", ns.Name, err)
	}
	p.sharedReady = true
	return nil
}

// Delete removes the tenant's account, and its claim when its policy says
// Delete.
func (e *tenantExternal) Delete(ctx context.Context, t *Tenant) error {
	var steps reconcile.Steps
	if idp := e.p.s.identity; idp != nil {
		steps.Run("identity provider", func() error { return idp.DeleteUser(ctx, t.Name) })
	}
	if e.p.s.storage.policyOf(t) == StorageDelete {
		steps.Run("personal storage", func() error {
			pvc := personalClaim(t, e.p.s.storage)
			if err := e.p.hub.Kube().Delete(ctx, pvc); err != nil && !hub.IsNotFound(err) {
				return fmt.Errorf("deleting the claim %s: %w", pvc.Name, err)
			}
			return nil
		})
	}
	return steps.Err()
}

// workspaceExternal takes a deleted workspace out of every tenant.
type workspaceExternal struct{ p *Provisioner }

func (workspaceExternal) Observe(context.Context, *Workspace) (reconcile.Observation, error) {
	return reconcile.Observation{Exists: true, UpToDate: true}, nil
}

func (workspaceExternal) Apply(context.Context, *Workspace, reconcile.Observation) (reconcile.Details, error) {
	return reconcile.Details{}, nil
}

// Delete takes w out of the spec of every tenant that names it.
func (e workspaceExternal) Delete(ctx context.Context, w *Workspace) error {
	tenants := hub.For[*Tenant](e.p.hub)
	list, err := tenants.List(ctx)
	if err != nil {
		return fmt.Errorf("listing the tenants: %w", err)
	}
	var steps reconcile.Steps
	for _, t := range list.Items {
		member := func(m WorkspaceRole) bool { return m.Name == w.Name }
		if !slices.ContainsFunc(t.Spec.Workspaces, member) {
			continue
		}
		steps.Run("tenant "+t.Name, func() error {
			_, err := tenants.Update(ctx, t.Name, func(t *Tenant) error {
				t.Spec.Workspaces = slices.DeleteFunc(t.Spec.Workspaces, member)
				return nil
			})
			if hub.IsNotFound(err) {
				return nil
			}
			return err
		})
	}
	return steps.Err()
}
