package compositions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// Finalizer is the finalizer the reconciler keeps on definitions, so that
// their CRD version goes with them.
const Finalizer = "compositions.hubkit.dev/finalizer"

// ConditionSchemaMissing is True on a definition whose chart has no
// values.schema.json: its kind accepts any spec.
const ConditionSchemaMissing = "SchemaMissing"

// A ChartFetcher fetches charts: FetchChart against real registries and
// repositories, or an in-memory set in tests.
type ChartFetcher interface {
	FetchChart(ctx context.Context, src ChartSource) (*Chart, error)
}

// ChartFetcherFunc adapts a function to a ChartFetcher.
type ChartFetcherFunc func(ctx context.Context, src ChartSource) (*Chart, error)

// FetchChart calls fn.
func (fn ChartFetcherFunc) FetchChart(ctx context.Context, src ChartSource) (*Chart, error) {
	return fn(ctx, src)
}

// The details a definition's External passes to its status.
const (
	detailGroup    = "group"
	detailVersion  = "version"
	detailKind     = "kind"
	detailResource = "resource"
	detailURL      = "url"
	detailDigest   = "digest"
	detailVersions = "versions"
	detailNoSchema = "no-schema"
)

// An Option configures a Provisioner.
type Option func(*settings)

type settings struct {
	group       string
	fetcher     ChartFetcher
	managed     []reconcile.ManagedOption
	releases    ReleaseStore
	impersonate bool
	// owner names the version that handles the compositions of a kind
	// whose LabelVersion is label (the Composer's choice).
	owner func(groupKind schema.GroupKind, label string) string
}

// newSettings are the defaults with opts applied.
func newSettings(opts []Option) settings {
	s := settings{group: DefaultGroup, impersonate: true, fetcher: ChartFetcherFunc(func(ctx context.Context, src ChartSource) (*Chart, error) {
		return FetchChart(ctx, src)
	})}
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

// WithGroup sets the API group of the generated kinds (DefaultGroup by
// default).
func WithGroup(group string) Option { return func(s *settings) { s.group = group } }

// WithFetcher fetches charts with f (FetchChart by default).
func WithFetcher(f ChartFetcher) Option { return func(s *settings) { s.fetcher = f } }

// defaultReleases keeps releases in Helm's Secrets, written through c's
// rest config, unless WithReleaseStore chose a store.
func (s *settings) defaultReleases(c *hub.Client) error {
	if s.releases != nil {
		return nil
	}
	store, err := SecretReleases(c.RESTConfig())
	if err != nil {
		return fmt.Errorf("compositions: releases are kept in Helm's Secrets (WithReleaseStore sets another store): %w", err)
	}
	s.releases = store
	return nil
}

// WithReleaseStore keeps the Helm releases of compositions in store
// (Helm's Secrets by default, SecretReleases; MemoryReleases on a hubtest
// fake).
func WithReleaseStore(store ReleaseStore) Option { return func(s *settings) { s.releases = store } }

// WithoutImpersonation makes releases act as the operator itself, without
// their ServiceAccount and its RBAC: for a hubtest fake, which has no
// RBAC to enforce and no rest config to impersonate with. On a cluster,
// impersonation (the default) is what keeps a chart within its RBAC.
func WithoutImpersonation() Option { return func(s *settings) { s.impersonate = false } }

// WithManagedOptions passes options to the managed reconciler.
func WithManagedOptions(opts ...reconcile.ManagedOption) Option {
	return func(s *settings) { s.managed = append(s.managed, opts...) }
}

// A Provisioner does the job of Krateo's core-provider for
// CompositionDefinitions, in-process: it fetches each definition's chart,
// turns its values.schema.json into a version of the kind's CRD (SpecSchema,
// no toolchain, no temporary files), applies the CRD, waits until the API
// server serves it, and reports the kind, its plural, the chart's digest
// and the CRD's versions. Definitions of several versions of one chart
// share one CRD; deleting a definition removes its version only, and the
// CRD when no definition uses it and no object remains.
type Provisioner struct {
	hub     *hub.Client
	s       settings
	managed *reconcile.Managed[*CompositionDefinition]
}

// NewProvisioner returns a Provisioner acting on the cluster through c.
func NewProvisioner(c *hub.Client, opts ...Option) (*Provisioner, error) {
	if c == nil {
		return nil, errors.New("compositions: a Provisioner needs a hub.Client")
	}
	s := newSettings(opts)
	p := &Provisioner{hub: c, s: s}
	var err error
	p.managed, err = reconcile.NewManaged(c, reconcile.ManagedKind[*CompositionDefinition]{
		Connector: reconcile.ConnectorFunc[*CompositionDefinition](p.connect),
		Watches: []reconcile.Watch{
			{Object: &apiextensionsv1.CustomResourceDefinition{}, Map: p.definitionsOf},
			{Object: &corev1.Secret{}, Map: reconcile.Dependents(c, func(secret client.Object, d *CompositionDefinition) bool {
				creds := d.Spec.Chart.Credentials
				return creds != nil && creds.PasswordRef.Name == secret.GetName()
			})},
		},
		Status: definitionStatus,
	}, append([]reconcile.ManagedOption{reconcile.WithName("compositiondefinition"), reconcile.WithFinalizer(Finalizer)}, s.managed...)...)
	if err != nil {
		return nil, fmt.Errorf("compositions: %w", err)
	}
	return p, nil
}

// Controller returns the managed reconciler of definitions.
func (p *Provisioner) Controller() *reconcile.Managed[*CompositionDefinition] { return p.managed }

// Reconcile makes the cluster hold the definition key.
func (p *Provisioner) Reconcile(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.managed.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// SetupWithManager runs the Provisioner's controller in mgr.
func (p *Provisioner) SetupWithManager(mgr manager.Manager) error {
	if err := p.managed.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("compositions: %w", err)
	}
	return nil
}

// definitionsOf names the definitions of a generated CRD, in every
// namespace: its establishment or its change wakes them.
func (p *Provisioner) definitionsOf(ctx context.Context, obj client.Object) []ctrl.Request {
	crd, ok := obj.(*apiextensionsv1.CustomResourceDefinition)
	if !ok || crd.Labels[LabelManagedBy] == "" {
		return nil
	}
	all, err := hub.For[*CompositionDefinition](p.hub).List(ctx, hub.AllNamespaces())
	if err != nil {
		return nil
	}
	var out []ctrl.Request
	for _, d := range all.Items {
		gv, err := schema.ParseGroupVersion(d.Status.APIVersion)
		if (err == nil && gv.Group == crd.Spec.Group && d.Status.Kind == crd.Spec.Names.Kind) || d.Status.Kind == "" {
			out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(d)})
		}
	}
	return out
}

// chartSource is d's chart source, with the password read from its
// Secret through h.
func chartSource(ctx context.Context, h *hub.Client, d *CompositionDefinition) (ChartSource, error) {
	c := d.Spec.Chart
	src := ChartSource{URL: c.URL, Repo: c.Repo, Version: c.Version, InsecureSkipVerifyTLS: c.InsecureSkipVerifyTLS}
	if c.Credentials == nil {
		return src, nil
	}
	ref := c.Credentials.PasswordRef
	secret, err := hub.For[*corev1.Secret](h).InNamespace(d.Namespace).Get(ctx, ref.Name)
	if hub.IsNotFound(err) {
		return src, reconcile.Wait("the Secret %q of the chart's password does not exist yet", ref.Name)
	}
	if err != nil {
		return src, fmt.Errorf("reading the chart's password: %w", err)
	}
	password, ok := secret.Data[ref.Key]
	if !ok {
		return src, fmt.Errorf("spec.chart.credentials.passwordRef: the Secret %q has no key %q", ref.Name, ref.Key)
	}
	src.Username, src.Password = c.Credentials.Username, string(password)
	return src, nil
}

// connect fetches d's chart and converts its schema.
func (p *Provisioner) connect(ctx context.Context, d *CompositionDefinition) (reconcile.External[*CompositionDefinition], error) {
	if d.DeletionTimestamp != nil {
		return &definitionExternal{p: p}, nil
	}
	src, err := chartSource(ctx, p.hub, d)
	if err != nil {
		return nil, err
	}
	chart, err := p.s.fetcher.FetchChart(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("fetching the chart %s: %w", describe(src), err)
	}
	spec, err := SpecSchema(chart.ValuesSchema) //nolint:contextcheck // CPU only: nothing to cancel
	if err != nil {
		return nil, fmt.Errorf("the chart's values.schema.json: %w", err)
	}
	gvk := GroupVersionKindOf(p.s.group, chart.Name, chart.Version)
	return &definitionExternal{p: p, gvk: gvk, chartVersion: chart.Version, spec: spec, details: reconcile.Details{}.
		With(detailGroup, gvk.Group).With(detailVersion, gvk.Version).With(detailKind, gvk.Kind).
		With(detailResource, PluralOf(gvk)).With(detailURL, chartURL(chart, src)).With(detailDigest, chart.Digest).
		With(detailNoSchema, strconv.FormatBool(len(chart.ValuesSchema) == 0))}, nil
}

// chartURL is where chart c was fetched from, as a definition's status
// shows it.
func chartURL(c *Chart, src ChartSource) string {
	if src.Repo != "" {
		return strings.TrimRight(src.URL, "/") + "/" + src.Repo + "-" + c.Version + ".tgz"
	}
	if strings.HasPrefix(src.URL, "oci://") {
		return src.URL + ":" + c.Version
	}
	return src.URL
}

// definitionStatus puts the outcome into d's status.
func definitionStatus(d *CompositionDefinition, o reconcile.Outcome) {
	if o.Details.Get(detailKind) == "" {
		return
	}
	gv := schema.GroupVersion{Group: o.Details.Get(detailGroup), Version: o.Details.Get(detailVersion)}
	d.Status.APIVersion, d.Status.Kind, d.Status.Resource = gv.String(), o.Details.Get(detailKind), o.Details.Get(detailResource)
	d.Status.PackageURL, d.Status.Digest = o.Details.Get(detailURL), o.Details.Get(detailDigest)
	managed := &ManagedAPI{Group: gv.Group, Kind: d.Status.Kind}
	if raw := o.Details[detailVersions]; len(raw) > 0 {
		_ = json.Unmarshal(raw, &managed.VersionInfo)
	}
	d.Status.Managed = managed
	if o.Details.Get(detailNoSchema) == "true" {
		reconcile.MarkTrue(d, ConditionSchemaMissing, "NoValuesSchema", "the chart has no values.schema.json: "+d.Status.Kind+" accepts any spec")
	} else {
		reconcile.MarkFalse(d, ConditionSchemaMissing, "ValuesSchema", "the kind's spec is the chart's values.schema.json")
	}
}

// definitionExternal is the CRD version a definition stands for.
type definitionExternal struct {
	p            *Provisioner
	gvk          schema.GroupVersionKind
	chartVersion string
	spec         *apiextensionsv1.JSONSchemaProps
	details      reconcile.Details
	crd          *apiextensionsv1.CustomResourceDefinition
}

func (e *definitionExternal) crds() *hub.Resource[*apiextensionsv1.CustomResourceDefinition] {
	return hub.For[*apiextensionsv1.CustomResourceDefinition](e.p.hub)
}

// withVersions adds the CRD's versions to the details.
func (e *definitionExternal) withVersions(crd *apiextensionsv1.CustomResourceDefinition) reconcile.Details {
	raw, err := json.Marshal(versionInfo(crd))
	if err != nil {
		return e.details
	}
	return e.details.With(detailVersions, string(raw))
}

// Observe reads the CRD: up to date when it serves the version as
// desired and the API server has established it.
func (e *definitionExternal) Observe(ctx context.Context, _ *CompositionDefinition) (reconcile.Observation, error) {
	crd, err := e.crds().Get(ctx, CRDName(e.gvk))
	if hub.IsNotFound(err) {
		return reconcile.Observation{Details: e.details}, nil
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("reading the CRD: %w", err)
	}
	e.crd = crd
	if crd.Spec.Group != e.gvk.Group || crd.Spec.Names.Kind != e.gvk.Kind {
		return reconcile.Observation{}, fmt.Errorf("the CRD %s serves %s, not %s", crd.Name, crd.Spec.Names.Kind, e.gvk.Kind)
	}
	upToDate := servesAsDesired(crd, e.gvk, e.chartVersion, e.spec)
	if upToDate && !established(crd) {
		return reconcile.Observation{Exists: true, UpToDate: true, Details: e.withVersions(crd)},
			reconcile.Wait("waiting for the API server to establish the CRD %s", crd.Name)
	}
	return reconcile.Observation{Exists: true, UpToDate: upToDate, Details: e.withVersions(crd)}, nil
}

// Apply adds or replaces the version in the CRD (creating it for the first
// version), checked by the API server's own CRD validation first.
func (e *definitionExternal) Apply(ctx context.Context, _ *CompositionDefinition, _ reconcile.Observation) (reconcile.Details, error) {
	desired := withVersion(e.crd, e.gvk, e.chartVersion, e.spec)
	if err := CheckVersionSchema(ctx, servedVersion(e.gvk.Version, e.spec).Schema); err != nil {
		return nil, err
	}
	var err error
	if e.crd == nil {
		err = e.p.hub.Kube().Create(ctx, desired)
	} else {
		err = e.p.hub.Kube().Update(ctx, desired)
	}
	if err != nil {
		return nil, fmt.Errorf("writing the CRD %s: %w", desired.Name, err)
	}
	if current, err := e.crds().Get(ctx, desired.Name); err == nil {
		desired = current
	}
	if !established(desired) {
		return e.withVersions(desired), reconcile.Wait("waiting for the API server to establish the CRD %s", desired.Name)
	}
	return e.withVersions(desired), nil
}

// Delete removes the definition's version from its CRD, unless another
// definition serves it; the CRD goes when no version is left and no
// object of the kind remains.
func (e *definitionExternal) Delete(ctx context.Context, d *CompositionDefinition) error {
	gv, err := schema.ParseGroupVersion(d.Status.APIVersion)
	if err != nil || d.Status.Kind == "" || gv.Version == "" {
		return nil //nolint:nilerr // it never generated a version
	}
	gvk := gv.WithKind(d.Status.Kind)
	all, err := hub.For[*CompositionDefinition](e.p.hub).List(ctx, hub.AllNamespaces())
	if err != nil {
		return fmt.Errorf("listing the definitions: %w", err)
	}
	for _, other := range all.Items {
		if other.UID != d.UID && other.DeletionTimestamp == nil && other.Status.APIVersion == d.Status.APIVersion && other.Status.Kind == d.Status.Kind {
			return nil // another definition serves the version
		}
	}
	crd, err := e.crds().Get(ctx, CRDName(gvk))
	if hub.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the CRD: %w", err)
	}
	rest, served := withoutVersion(crd, gvk.Version)
	if served > 0 {
		if err := e.p.hub.Kube().Update(ctx, rest); err != nil {
			return fmt.Errorf("removing the version %s from the CRD %s: %w", gvk.Version, crd.Name, err)
		}
		return nil
	}
	// The last version: the CRD goes if nothing of the kind remains.
	objects := &unstructured.UnstructuredList{}
	objects.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	if err := e.p.hub.Kube().List(ctx, objects, client.Limit(1)); err != nil && !meta.IsNoMatchError(err) {
		return fmt.Errorf("listing the objects of %s: %w", gvk.Kind, err)
	}
	if len(objects.Items) > 0 {
		return nil // the CRD and its last version stay, for the objects that remain
	}
	if err := e.p.hub.Kube().Delete(ctx, crd, client.Preconditions{UID: &crd.UID}); err != nil && !hub.IsNotFound(err) {
		return fmt.Errorf("deleting the CRD %s: %w", crd.Name, err)
	}
	return nil
}
