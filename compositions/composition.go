package compositions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// The metadata of compositions, after Krateo's composition-dynamic-controller
// (krateo.io/paused, krateo.io/composition-version, krateo.io/release-name,
// krateo.io/deletion-policy, krateo.io/management-policy).
const (
	// AnnotationPaused set to "true" pauses a composition: nothing is
	// installed, upgraded nor uninstalled, and its Synced condition says so.
	AnnotationPaused = "compositions.hubkit.dev/paused"
	// LabelVersion is the version of the kind a composition is at: the
	// release is of that version's chart. It is set to the newest served
	// version when missing; changing it moves the composition (see
	// Releaser).
	LabelVersion = "compositions.hubkit.dev/version"
	// AnnotationDeletionPolicy says what deleting a composition does to its
	// release: DeletionPolicyDelete (the default) uninstalls it,
	// DeletionPolicyOrphan leaves it and its objects.
	AnnotationDeletionPolicy = "compositions.hubkit.dev/deletion-policy"
	// AnnotationManagementPolicy is ManagementPolicyDefault (install,
	// upgrade, uninstall) or ManagementPolicyObserve (report the release
	// only: never install, upgrade nor uninstall it).
	AnnotationManagementPolicy = "compositions.hubkit.dev/management-policy"
	// CompositionFinalizer holds a composition until its release is
	// uninstalled.
	CompositionFinalizer = "compositions.hubkit.dev/release"
	// ConditionSynced is True when the composition's last reconcile
	// succeeded, False with the reason otherwise (ReasonPaused while
	// paused).
	ConditionSynced = "Synced"
	// ReasonPaused is the reason of Synced on a paused composition.
	ReasonPaused = "ReconcilePaused"
)

// The values of AnnotationDeletionPolicy and AnnotationManagementPolicy.
const (
	DeletionPolicyDelete    = "delete"
	DeletionPolicyOrphan    = "orphan"
	ManagementPolicyDefault = "default"
	ManagementPolicyObserve = "observe"
)

// maxReleaseName is the longest name Helm gives a release.
const maxReleaseName = 53

// DefaultReleaseName is the release name of a composition that has no
// LabelReleaseName: its name and the first eight characters of its UID,
// as Krateo's safe default, so that compositions of one name in two
// namespaces, or made again, never share a release. The name is cut so
// that the whole fits Helm's 53 characters.
func DefaultReleaseName(obj metav1.Object) string {
	uid := string(obj.GetUID())
	suffix := uid[:min(len(uid), 8)]
	name := obj.GetName()
	if room := maxReleaseName - len(suffix) - 1; len(name) > room {
		name = strings.TrimRight(name[:room], "-.")
	}
	return name + "-" + suffix
}

// The details a composition's External passes to its status.
const (
	detailRelease        = "release"
	detailRevision       = "revision"
	detailChartVersion   = "chart-version"
	detailManaged        = "managed"
	detailRenderedDigest = "rendered-digest"
)

// A ManagedObject is an object a release manages, as a composition's
// status.managed lists it.
type ManagedObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Resource   string `json:"resource,omitempty"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace,omitempty"`
}

// A Releaser does the job of Krateo's composition-dynamic-controller for
// one version of a generated kind, in-process: each object of the kind (a
// composition) is a Helm release of the chart of the definition that
// generated the version, with the object's spec as values. It installs on
// create, upgrades when what the chart renders changed (compared by
// digest: a converged resync runs no Helm action), rolls back when a
// composition moves back to a chart version its history holds, and
// uninstalls on delete. Before Helm runs it applies the least-privilege
// RBAC derived from what the chart renders, and Helm acts as the
// composition's ServiceAccount bound to it (impersonation), so a chart
// cannot touch what its RBAC does not name.
//
// Several Releasers share a kind, one per version; each handles the
// compositions whose LabelVersion names its version. Moving a composition
// to another version (changing the label) upgrades its release to that
// version's chart, once the object's spec is valid under the version's
// schema: a move that the schema would reject, or that would drop fields,
// is refused before Helm runs, with the paths of the offending fields.
// The Composer starts and stops Releasers as definitions come and go.
type Releaser struct {
	hub     *hub.Client
	gvk     schema.GroupVersionKind
	s       settings
	owner   func(groupKind schema.GroupKind, label string) string
	managed *reconcile.Managed[*unstructured.Unstructured]

	mu      sync.Mutex
	charts  map[string]*versionChart
	clients map[string]client.Client
}

// NewReleaser returns the Releaser of version gvk of a generated kind,
// acting on the cluster through c. WithReleaseStore, WithFetcher and
// WithoutImpersonation configure it.
func NewReleaser(c *hub.Client, gvk schema.GroupVersionKind, opts ...Option) (*Releaser, error) {
	if c == nil {
		return nil, errors.New("compositions: a Releaser needs a hub.Client")
	}
	s := newSettings(opts)
	if err := s.defaultReleases(c); err != nil {
		return nil, err
	}
	r := &Releaser{hub: c, gvk: gvk, s: s, charts: map[string]*versionChart{}, clients: map[string]client.Client{}}
	r.owner = s.owner
	if r.owner == nil {
		r.owner = func(_ schema.GroupKind, label string) string {
			if label == "" {
				return gvk.Version
			}
			return label
		}
	}
	managed, err := reconcile.NewManaged(c, reconcile.ManagedKind[*unstructured.Unstructured]{
		GroupVersionKind: gvk,
		Claims: func(u *unstructured.Unstructured) bool {
			return r.owner(gvk.GroupKind(), startVersion(u)) == gvk.Version
		},
		Connector: reconcile.ConnectorFunc[*unstructured.Unstructured](r.connect),
		Status:    r.status,
	}, append([]reconcile.ManagedOption{
		reconcile.WithName(strings.ToLower(gvk.Kind) + "-" + gvk.Version),
		reconcile.WithFinalizer(CompositionFinalizer),
		reconcile.WithPausedAnnotation(AnnotationPaused),
		reconcile.WithPausedStatus(),
	}, s.managed...)...)
	if err != nil {
		return nil, fmt.Errorf("compositions: %w", err)
	}
	r.managed = managed
	return r, nil
}

// GroupVersionKind returns the version of the kind the Releaser handles.
func (r *Releaser) GroupVersionKind() schema.GroupVersionKind { return r.gvk }

// Controller returns the managed reconciler of the compositions.
func (r *Releaser) Controller() *reconcile.Managed[*unstructured.Unstructured] { return r.managed }

// Reconcile makes the release of the composition key match it.
func (r *Releaser) Reconcile(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return r.managed.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// History returns the revisions of the release called releaseName in
// namespace, oldest first.
func (r *Releaser) History(namespace, releaseName string) ([]*release.Release, error) {
	store, err := r.s.releases.Releases(namespace)
	if err != nil {
		return nil, err
	}
	history, err := store.History(releaseName)
	if err != nil {
		return nil, fmt.Errorf("the history of the release %s: %w", releaseName, err)
	}
	slices.SortFunc(history, func(a, b *release.Release) int { return a.Version - b.Version })
	return history, nil
}

// startVersion is the version a composition asks for: its LabelVersion,
// else the version it was created through (FieldCreatedAs).
func startVersion(u *unstructured.Unstructured) string {
	if v := u.GetLabels()[LabelVersion]; v != "" {
		return v
	}
	v, _, _ := unstructured.NestedString(u.Object, FieldCreatedAs)
	return v
}

// compositionPolicies are a composition's deletion and management
// policies, checked.
type compositionPolicies struct {
	deletion, management string
}

func policiesOf(u *unstructured.Unstructured) (compositionPolicies, error) {
	p := compositionPolicies{deletion: DeletionPolicyDelete, management: ManagementPolicyDefault}
	var errs []error
	switch v := u.GetAnnotations()[AnnotationDeletionPolicy]; v {
	case "", DeletionPolicyDelete:
	case DeletionPolicyOrphan:
		p.deletion = v
	default:
		errs = append(errs, fmt.Errorf("metadata.annotations[%s]: %q is not %q nor %q", AnnotationDeletionPolicy, v, DeletionPolicyDelete, DeletionPolicyOrphan))
	}
	switch v := u.GetAnnotations()[AnnotationManagementPolicy]; v {
	case "", ManagementPolicyDefault:
	case ManagementPolicyObserve:
		p.management = v
	default:
		errs = append(errs, fmt.Errorf("metadata.annotations[%s]: %q is not %q nor %q", AnnotationManagementPolicy, v, ManagementPolicyDefault, ManagementPolicyObserve))
	}
	return p, errors.Join(errs...)
}

// releaseNameOf is the composition's release name, set once: the label
// when there is one (DefaultReleaseName is set when there is none), which
// must be the release status.releaseName reports once there is one.
func releaseNameOf(u *unstructured.Unstructured) (string, error) {
	name := u.GetLabels()[LabelReleaseName]
	if name == "" {
		name = DefaultReleaseName(u)
		setLabel(u, LabelReleaseName, name)
	}
	if current, _, _ := unstructured.NestedString(u.Object, "status", "releaseName"); current != "" && current != name {
		return "", fmt.Errorf("metadata.labels[%s]: the release name is set once: it is %q, not %q", LabelReleaseName, current, name)
	}
	if len(name) > maxReleaseName {
		return "", fmt.Errorf("metadata.labels[%s]: %q is longer than Helm's %d characters", LabelReleaseName, name, maxReleaseName)
	}
	return name, nil
}

func setLabel(u *unstructured.Unstructured, key, value string) {
	labels := u.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[key] = value
	u.SetLabels(labels)
}

// connect reads the composition's metadata, its definition's chart, and
// renders it.
func (r *Releaser) connect(ctx context.Context, u *unstructured.Unstructured) (reconcile.External[*unstructured.Unstructured], error) {
	name, err := releaseNameOf(u)
	if err != nil {
		return nil, err
	}
	policies, err := policiesOf(u)
	if err != nil {
		return nil, err
	}
	store, err := r.s.releases.Releases(u.GetNamespace())
	if err != nil {
		return nil, fmt.Errorf("the release store: %w", err)
	}
	ext := &releaseExternal{r: r, name: name, namespace: u.GetNamespace(), policies: policies, store: store}
	if u.GetDeletionTimestamp() != nil {
		return ext, nil
	}
	switch version := u.GetLabels()[LabelVersion]; version {
	case "":
		setLabel(u, LabelVersion, r.gvk.Version)
	case r.gvk.Version:
	default:
		return nil, fmt.Errorf("metadata.labels[%s]: no definition serves the version %q of %s", LabelVersion, version, r.gvk.Kind)
	}
	def, chart, err := r.chart(ctx)
	if err != nil {
		return nil, err
	}
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	if spec == nil {
		spec = map[string]any{}
	}
	// A move from another chart version is checked before anything
	// renders: Helm's own check of the values would refuse it too, but
	// without the paths of the fields the new schema drops.
	last, _, err := ext.lastRelease()
	if err != nil {
		return nil, err
	}
	if last != nil && last.Chart.Metadata.Version != chart.fetched.Version {
		if err := r.checkMove(ctx, u, last, chart.fetched); err != nil {
			return nil, err
		}
	}
	// The API server defaults an object in the version it is written
	// through, not in the version it is read through: the defaults of this
	// version's schema are applied here, as its author would expect.
	if chart.defaults != nil {
		structuraldefaulting.Default(spec, chart.defaults)
	}
	rendering, err := Render(chart.fetched.Chart, name, u.GetNamespace(), spec)
	if err != nil {
		return nil, err
	}
	managed, err := r.managedObjects(rendering.Manifest, u.GetNamespace())
	if err != nil {
		return nil, err
	}
	ext.def, ext.chart, ext.values, ext.rendering, ext.last = def, chart, spec, rendering, last
	ext.details = reconcile.Details{}.With(detailRelease, name).With(detailURL, def.Status.PackageURL).
		With(detailChartVersion, chart.fetched.Version).With(detailRenderedDigest, rendering.Digest).With(detailManaged, managed)
	return ext, nil
}

// A versionChart is the chart of a version, and the structural schema of
// its spec for defaulting (nil when the chart has no schema).
type versionChart struct {
	fetched  *Chart
	defaults *structuralschema.Structural
}

// chart returns the definition of the Releaser's version and its chart:
// the oldest Ready definition whose status names the version, fetched once
// per digest.
func (r *Releaser) chart(ctx context.Context) (*CompositionDefinition, *versionChart, error) {
	all, err := hub.For[*CompositionDefinition](r.hub).List(ctx, hub.AllNamespaces())
	if err != nil {
		return nil, nil, fmt.Errorf("listing the definitions: %w", err)
	}
	var defs []*CompositionDefinition
	for _, d := range all.Items {
		if d.DeletionTimestamp == nil && d.Status.APIVersion == r.gvk.GroupVersion().String() && d.Status.Kind == r.gvk.Kind &&
			meta.IsStatusConditionTrue(d.Status.Conditions, reconcile.ReadyCondition) {
			defs = append(defs, d)
		}
	}
	if len(defs) == 0 {
		return nil, nil, reconcile.Wait("waiting for a ready CompositionDefinition of %s", r.gvk.GroupVersion().WithKind(r.gvk.Kind))
	}
	slices.SortFunc(defs, func(a, b *CompositionDefinition) int {
		if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	def := defs[0]
	key := string(def.UID) + "|" + def.Status.Digest
	r.mu.Lock()
	cached, ok := r.charts[key]
	r.mu.Unlock()
	if ok {
		return def, cached, nil
	}
	src, err := chartSource(ctx, r.hub, def)
	if err != nil {
		return nil, nil, err
	}
	fetched, err := r.s.fetcher.FetchChart(ctx, src)
	if err != nil {
		return nil, nil, fmt.Errorf("fetching the chart %s of %s/%s: %w", describe(src), def.Namespace, def.Name, err)
	}
	chart := &versionChart{fetched: fetched}
	if len(fetched.ValuesSchema) > 0 {
		if chart.defaults, err = structuralSpec(fetched.ValuesSchema); err != nil { //nolint:contextcheck // CPU only
			return nil, nil, err
		}
	}
	r.mu.Lock()
	r.charts = map[string]*versionChart{key: chart} // the older digests are of no use any more
	r.mu.Unlock()
	return def, chart, nil
}

// managedObjects lists what manifest holds, as status.managed does, in
// JSON.
func (r *Releaser) managedObjects(manifest, namespace string) (string, error) {
	objects, err := decodeManifest(strings.NewReader(manifest))
	if err != nil {
		return "", err
	}
	out := make([]ManagedObject, 0, len(objects))
	for _, u := range objects {
		gvk := u.GroupVersionKind()
		m := ManagedObject{APIVersion: u.GetAPIVersion(), Kind: gvk.Kind, Name: u.GetName(), Namespace: u.GetNamespace()}
		if mapping, err := r.hub.Kube().RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version); err == nil {
			m.Resource = mapping.Resource.Resource
			if mapping.Scope.Name() == meta.RESTScopeNameNamespace && m.Namespace == "" {
				m.Namespace = namespace
			}
		}
		out = append(out, m)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("listing the managed objects: %w", err)
	}
	return string(raw), nil
}

// kubeFor is the client a release in namespace acts through: its
// ServiceAccount's, impersonated, unless WithoutImpersonation.
func (r *Releaser) kubeFor(namespace, releaseName string) (client.Client, error) {
	if !r.s.impersonate {
		return r.hub.Kube(), nil
	}
	user := ServiceAccountUser(namespace, ServiceAccountName(releaseName))
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.clients[user]; ok {
		return c, nil
	}
	as, err := r.hub.As(user, "system:serviceaccounts", "system:serviceaccounts:"+namespace)
	if err != nil {
		return nil, fmt.Errorf("acting as the release's ServiceAccount (WithoutImpersonation acts as the operator): %w", err)
	}
	r.clients[user] = as.Kube()
	return as.Kube(), nil
}

// forget drops the client of a release that is gone.
func (r *Releaser) forget(namespace, releaseName string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.clients, ServiceAccountUser(namespace, ServiceAccountName(releaseName)))
}

// status puts the outcome into the composition's status.
func (r *Releaser) status(u *unstructured.Unstructured, o reconcile.Outcome) {
	c := reconcile.ConditionsOf(u)
	if o.Paused {
		reconcile.MarkFalse(c, ConditionSynced, ReasonPaused, "the annotation "+AnnotationPaused+" is \"true\": the release is neither installed, upgraded nor uninstalled")
		return
	}
	d := o.Details
	set := func(value any, path ...string) {
		_ = unstructured.SetNestedField(u.Object, value, append([]string{"status"}, path...)...)
	}
	if name := d.Get(detailRelease); name != "" {
		set(name, "releaseName")
	}
	if rev, err := strconv.ParseInt(d.Get(detailRevision), 10, 64); err == nil {
		set(rev, "releaseRevision")
	}
	if v := d.Get(detailURL); v != "" {
		set(v, "helmChartUrl")
	}
	if v := d.Get(detailChartVersion); v != "" {
		set(v, "helmChartVersion")
	}
	if digest := d.Get(detailDigest); digest != "" {
		if current, _, _ := unstructured.NestedString(u.Object, "status", "digest"); current != "" && current != digest {
			set(current, "previousDigest")
		}
		set(digest, "digest")
	}
	if raw := d[detailManaged]; len(raw) > 0 {
		var objects []any
		if err := json.Unmarshal(raw, &objects); err == nil {
			set(objects, "managed")
		}
	}
	set(u.GetGeneration(), "observedGeneration")
	switch {
	case o.Err != nil:
		reconcile.MarkFalse(c, ConditionSynced, reconcile.ReasonReconcileError, o.Err.Error())
	case o.Waiting != "":
		reconcile.MarkFalse(c, ConditionSynced, reconcile.ReasonWaiting, o.Waiting)
	default:
		reconcile.MarkTrue(c, ConditionSynced, "ReconcileSuccess", "the release is as the composition asks")
	}
}

// releaseExternal is the Helm release a composition stands for.
type releaseExternal struct {
	r         *Releaser
	name      string
	namespace string
	policies  compositionPolicies
	store     *storage.Storage

	def       *CompositionDefinition
	chart     *versionChart
	values    map[string]any
	rendering *Rendering
	details   reconcile.Details

	last *release.Release
}

// lastRelease is the release's last revision, and whether there is one.
func (e *releaseExternal) lastRelease() (*release.Release, bool, error) {
	last, err := e.store.Last(e.name)
	if errors.Is(err, driver.ErrReleaseNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the release %s: %w", e.name, err)
	}
	return last, true, nil
}

// Observe reads the release (as connect found it): up to date when its
// last revision is deployed, of the chart version, and rendered what the
// chart renders now (by digest).
func (e *releaseExternal) Observe(_ context.Context, _ *unstructured.Unstructured) (reconcile.Observation, error) {
	last := e.last
	details := e.details
	if last != nil {
		details = details.With(detailRevision, strconv.Itoa(last.Version)).With(detailDigest, renderingOf(last).Digest)
	}
	if e.policies.management == ManagementPolicyObserve {
		if last == nil {
			return reconcile.Observation{Exists: true, UpToDate: true, Details: details},
				reconcile.Wait("observing only (%s): the release %s does not exist", AnnotationManagementPolicy, e.name)
		}
		return reconcile.Observation{Exists: true, UpToDate: true, Details: details.With(detailChartVersion, last.Chart.Metadata.Version)}, nil
	}
	upToDate := last != nil && last.Info.Status == release.StatusDeployed &&
		last.Chart.Metadata.Version == e.chart.fetched.Version && last.Labels[labelRendered] == renderedLabelValue(e.rendering.Digest)
	return reconcile.Observation{Exists: last != nil, UpToDate: upToDate, Details: details}, nil
}

// Apply installs, upgrades or rolls back the release, after checking a
// move to another chart version and applying the RBAC it needs.
func (e *releaseExternal) Apply(ctx context.Context, _ *unstructured.Unstructured, _ reconcile.Observation) (reconcile.Details, error) {
	last := e.last
	if last != nil && last.Info.Status.IsPending() {
		// Only this reconciler acts on the release, one reconcile at a
		// time: a pending revision is what an operator stopped mid-way
		// left. Helm would refuse every action until it is settled.
		last.SetStatus(release.StatusFailed, "interrupted: the operator stopped during "+last.Info.Status.String())
		if err := e.store.Update(last); err != nil {
			return nil, fmt.Errorf("settling the interrupted revision %d: %w", last.Version, err)
		}
	}
	mapper := e.r.hub.Kube().RESTMapper()
	want, err := PermissionsOf(mapper, e.rendering.Manifest, e.namespace)
	if err != nil {
		return nil, err
	}
	grant := want
	if last != nil {
		had, err := PermissionsOf(mapper, renderingOf(last).Manifest, e.namespace)
		if err == nil {
			grant = want.union(had) // the upgrade deletes what is no longer rendered
		}
	}
	if err := e.r.grant(ctx, e.namespace, e.name, grant); err != nil {
		return nil, err
	}
	kube, err := e.r.kubeFor(e.namespace, e.name)
	if err != nil {
		return nil, err
	}
	cfg := helmConfiguration(e.store, &releaseKube{ctx: ctx, kube: kube, namespace: e.namespace, fieldOwner: e.r.hub.FieldOwner()})
	labels := map[string]string{labelRendered: renderedLabelValue(e.rendering.Digest)}
	var rel *release.Release
	switch target := e.rollbackTarget(); {
	case last == nil || last.Info.Status == release.StatusUninstalled:
		install := action.NewInstall(cfg)
		install.ReleaseName, install.Namespace, install.Replace, install.SkipCRDs, install.Labels = e.name, e.namespace, true, true, labels
		rel, err = install.Run(e.chart.fetched.Chart, e.values)
	case target != nil:
		rollback := action.NewRollback(cfg)
		rollback.Version, rollback.MaxHistory = target.Version, maxReleaseHistory
		if err = rollback.Run(e.name); err == nil {
			rel, err = e.store.Last(e.name)
		}
	default:
		upgrade := action.NewUpgrade(cfg)
		upgrade.Namespace, upgrade.SkipCRDs, upgrade.Labels, upgrade.MaxHistory = e.namespace, true, labels, maxReleaseHistory
		upgrade.ResetValues = true
		rel, err = upgrade.Run(e.name, e.chart.fetched.Chart, e.values)
	}
	if err != nil {
		return nil, fmt.Errorf("helm: %w", err)
	}
	if err := e.r.grant(ctx, e.namespace, e.name, want); err != nil {
		return nil, err
	}
	return e.details.With(detailRevision, strconv.Itoa(rel.Version)).With(detailDigest, renderingOf(rel).Digest), nil
}

// rollbackTarget is the newest earlier revision of the chart version that
// rendered what the chart renders now, when the release is at another
// chart version: moving back is a rollback to it.
func (e *releaseExternal) rollbackTarget() *release.Release {
	if e.last == nil || e.last.Chart.Metadata.Version == e.chart.fetched.Version {
		return nil
	}
	history, err := e.store.History(e.name)
	if err != nil {
		return nil
	}
	var target *release.Release
	for _, rel := range history {
		if rel.Version != e.last.Version && rel.Chart.Metadata.Version == e.chart.fetched.Version &&
			rel.Labels[labelRendered] == renderedLabelValue(e.rendering.Digest) && (target == nil || rel.Version > target.Version) {
			target = rel
		}
	}
	return target
}

// Delete uninstalls the release, unless the composition orphans it or
// only observes it, and removes its RBAC.
func (e *releaseExternal) Delete(ctx context.Context, _ *unstructured.Unstructured) error {
	if e.policies.deletion == DeletionPolicyDelete && e.policies.management == ManagementPolicyDefault {
		if err := e.uninstall(ctx); err != nil {
			return err
		}
	}
	e.r.forget(e.namespace, e.name)
	return e.r.revoke(ctx, e.namespace, e.name, nil)
}

// uninstall uninstalls the release, when there is one, as its
// ServiceAccount with the RBAC its last revision needs.
func (e *releaseExternal) uninstall(ctx context.Context) error {
	last, ok, err := e.lastRelease()
	if err != nil || !ok {
		return err
	}
	if p, err := PermissionsOf(e.r.hub.Kube().RESTMapper(), renderingOf(last).Manifest, e.namespace); err == nil {
		if err := e.r.grant(ctx, e.namespace, e.name, p); err != nil {
			return err
		}
	}
	kube, err := e.r.kubeFor(e.namespace, e.name)
	if err != nil {
		return err
	}
	uninstall := action.NewUninstall(helmConfiguration(e.store, &releaseKube{ctx: ctx, kube: kube, namespace: e.namespace, fieldOwner: e.r.hub.FieldOwner()}))
	if _, err := uninstall.Run(e.name); err != nil && !errors.Is(err, driver.ErrReleaseNotFound) {
		return fmt.Errorf("helm: uninstalling %s: %w", e.name, err)
	}
	return nil
}

// grant applies the RBAC objects of p for the release, and removes those
// of the release that p no longer needs.
func (r *Releaser) grant(ctx context.Context, namespace, releaseName string, p Permissions) error {
	if !r.s.impersonate {
		return nil
	}
	objects := RBACObjects(namespace, releaseName, p)
	if _, err := reconcile.EnsureUnowned(ctx, r.hub, objects...); err != nil {
		return fmt.Errorf("granting the release its RBAC: %w", err)
	}
	return r.revoke(ctx, namespace, releaseName, objects)
}

// rbacKinds are the kinds of a release's RBAC objects.
var rbacKinds = []client.ObjectList{
	&rbacv1.RoleBindingList{}, &rbacv1.RoleList{}, &rbacv1.ClusterRoleBindingList{}, &rbacv1.ClusterRoleList{}, &corev1.ServiceAccountList{},
}

// revoke deletes the RBAC objects of the release that keep does not hold.
func (r *Releaser) revoke(ctx context.Context, namespace, releaseName string, keep []client.Object) error {
	kept := map[string]bool{}
	for _, obj := range keep {
		kept[fmt.Sprintf("%T/%s/%s", obj, obj.GetNamespace(), obj.GetName())] = true
	}
	selector := client.MatchingLabels{LabelReleaseName: releaseName, LabelReleaseNamespace: namespace, LabelManagedBy: domainName}
	var errs []error
	for _, list := range rbacKinds {
		list, _ := list.DeepCopyObject().(client.ObjectList)
		if err := r.hub.Kube().List(ctx, list, selector); err != nil {
			errs = append(errs, err)
			continue
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, item := range items {
			obj, ok := item.(client.Object)
			if !ok || kept[fmt.Sprintf("%T/%s/%s", obj, obj.GetNamespace(), obj.GetName())] {
				continue
			}
			if err := r.hub.Kube().Delete(ctx, obj); client.IgnoreNotFound(err) != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("removing the release's RBAC: %w", err)
	}
	return nil
}
