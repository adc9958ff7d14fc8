package compositions

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// A Client manages the definitions of a platform and the compositions of
// the kinds they generate, in the hub.Client's namespace. Compositions have
// no Go type: they are unstructured objects of a served version.
type Client struct {
	hub  *hub.Client
	defs *hub.Resource[*CompositionDefinition]
}

// NewClient returns a Client over c, whose scheme knows this package's
// types.
func NewClient(c *hub.Client) *Client {
	return &Client{hub: c, defs: hub.For[*CompositionDefinition](c)}
}

// A ServedVersion is one version of a generated kind, as a definition
// serves it: what a form for its compositions is drawn from.
type ServedVersion struct {
	// Definition is the definition that generated it.
	Definition *CompositionDefinition
	// GroupVersionKind is the version's kind.
	GroupVersionKind schema.GroupVersionKind
	// CRD names the kind's CRD.
	CRD string
	// ChartVersion is the chart version it was generated from.
	ChartVersion string
	// Schema is the version's whole schema (spec and status).
	Schema *apiextensionsv1.JSONSchemaProps
}

// Definitions lists the definitions in the client's namespace, by name.
func (c *Client) Definitions(ctx context.Context) ([]*CompositionDefinition, error) {
	page, err := c.defs.List(ctx)
	return page.Items, err
}

// Versions lists the versions the Ready definitions in the client's
// namespace serve, by kind, then newest chart version first.
func (c *Client) Versions(ctx context.Context) ([]ServedVersion, error) {
	defs, err := c.Definitions(ctx)
	if err != nil {
		return nil, err
	}
	var out []ServedVersion
	for _, d := range defs {
		gv, err := schema.ParseGroupVersion(d.Status.APIVersion)
		if err != nil || d.Status.Kind == "" || d.DeletionTimestamp != nil || !meta.IsStatusConditionTrue(d.Status.Conditions, reconcile.ReadyCondition) {
			continue
		}
		gvk := gv.WithKind(d.Status.Kind)
		v := ServedVersion{Definition: d, GroupVersionKind: gvk, CRD: CRDName(gvk), ChartVersion: chartVersionOf(d, gvk.Version)}
		crd, err := hub.For[*apiextensionsv1.CustomResourceDefinition](c.hub).Get(ctx, v.CRD)
		if err == nil {
			for _, version := range crd.Spec.Versions {
				if version.Name == gvk.Version && version.Schema != nil {
					v.Schema = version.Schema.OpenAPIV3Schema
				}
			}
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b ServedVersion) int {
		if c := strings.Compare(a.GroupVersionKind.Kind, b.GroupVersionKind.Kind); c != 0 {
			return c
		}
		return compareChartVersions(b.ChartVersion, a.ChartVersion)
	})
	return out, nil
}

// compareChartVersions orders chart versions by semantic version, those
// that are none after, by text.
func compareChartVersions(a, b string) int {
	va, errA := semver.NewVersion(a)
	vb, errB := semver.NewVersion(b)
	switch {
	case errA == nil && errB == nil:
		return va.Compare(vb)
	case errA == nil:
		return 1
	case errB == nil:
		return -1
	}
	return strings.Compare(a, b)
}

// Version returns the served version called version of the kind whose CRD
// is crd.
func (c *Client) Version(ctx context.Context, crd, version string) (ServedVersion, error) {
	versions, err := c.Versions(ctx)
	if err != nil {
		return ServedVersion{}, err
	}
	for _, v := range versions {
		if v.CRD == crd && v.GroupVersionKind.Version == version {
			return v, nil
		}
	}
	return ServedVersion{}, fmt.Errorf("no ready definition in %q serves the version %q of %s", c.hub.Namespace(), version, crd)
}

// List lists the compositions at version v (their LabelVersion, or the
// version they were created through when they have none), by name.
func (c *Client) List(ctx context.Context, v ServedVersion) ([]*unstructured.Unstructured, error) {
	page, err := hub.For[*unstructured.Unstructured](c.hub, hub.OfKind(v.GroupVersionKind)).List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, u := range page.Items {
		if startVersion(u) == v.GroupVersionKind.Version {
			out = append(out, u)
		}
	}
	return out, nil
}

// Get returns the composition called name, read through version v.
func (c *Client) Get(ctx context.Context, v ServedVersion, name string) (*unstructured.Unstructured, error) {
	return hub.For[*unstructured.Unstructured](c.hub, hub.OfKind(v.GroupVersionKind)).Get(ctx, name)
}

// Create creates the composition called name at version v, with spec as
// its values: the API server checks spec against the version's schema.
func (c *Client) Create(ctx context.Context, v ServedVersion, name string, spec map[string]any) (*unstructured.Unstructured, error) {
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return nil, fmt.Errorf("creating a %s: %w", v.GroupVersionKind.Kind, field.Invalid(field.NewPath("metadata", "name"), name, strings.Join(errs, "; ")))
	}
	u := &unstructured.Unstructured{Object: map[string]any{fieldSpec: spec}}
	u.SetGroupVersionKind(v.GroupVersionKind)
	u.SetNamespace(c.hub.Namespace())
	u.SetName(name)
	u.SetLabels(map[string]string{LabelVersion: v.GroupVersionKind.Version})
	if err := c.hub.Kube().Create(ctx, u); err != nil {
		return nil, fmt.Errorf("creating the %s %q: %w", v.GroupVersionKind.Kind, name, err)
	}
	return u, nil
}

// UpdateSpec replaces the spec of the composition called name, read
// through version v; the resourceVersion read makes a concurrent change a
// conflict.
func (c *Client) UpdateSpec(ctx context.Context, v ServedVersion, name string, spec map[string]any) (*unstructured.Unstructured, error) {
	u, err := c.Get(ctx, v, name)
	if err != nil {
		return nil, err
	}
	u.Object[fieldSpec] = spec
	if err := c.hub.Kube().Update(ctx, u); err != nil {
		return nil, fmt.Errorf("updating the %s %q: %w", v.GroupVersionKind.Kind, name, err)
	}
	return u, nil
}

// Delete deletes the composition called name: its release is uninstalled
// unless its deletion or management policy says otherwise.
func (c *Client) Delete(ctx context.Context, v ServedVersion, name string) error {
	u, err := c.Get(ctx, v, name)
	if err != nil {
		return err
	}
	uid := u.GetUID()
	if err := c.hub.Kube().Delete(ctx, u, client.Preconditions{UID: &uid}); err != nil {
		return fmt.Errorf("deleting the %s %q: %w", v.GroupVersionKind.Kind, name, err)
	}
	return nil
}

// CompositionStatus is a composition's status as the Releaser writes it.
type CompositionStatus struct {
	Conditions       []metav1.Condition `json:"conditions,omitempty"`
	ReleaseName      string             `json:"releaseName,omitempty"`
	ReleaseRevision  int64              `json:"releaseRevision,omitempty"`
	HelmChartURL     string             `json:"helmChartUrl,omitempty"`
	HelmChartVersion string             `json:"helmChartVersion,omitempty"`
	Digest           string             `json:"digest,omitempty"`
	PreviousDigest   string             `json:"previousDigest,omitempty"`
	Managed          []ManagedObject    `json:"managed,omitempty"`
}

// StatusOf reads u's status.
func StatusOf(u *unstructured.Unstructured) (CompositionStatus, error) {
	var s CompositionStatus
	raw, ok := u.Object["status"]
	if !ok {
		return s, nil
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return s, fmt.Errorf("reading the status: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("reading the status: %w", err)
	}
	return s, nil
}

// Readiness reads a composition's Ready and Synced conditions: paused,
// failing, waiting or ready.
func Readiness(u *unstructured.Unstructured) hub.Readiness {
	s, err := StatusOf(u)
	if err != nil {
		return hub.Readiness{State: "Unknown", Message: err.Error()}
	}
	synced := meta.FindStatusCondition(s.Conditions, ConditionSynced)
	if synced != nil && synced.Reason == ReasonPaused {
		return hub.Readiness{State: "Paused", Message: synced.Message}
	}
	return reconcile.ReadinessFrom(reconcile.ConditionsOf(u), "waiting for the composition reconciler",
		fmt.Sprintf("release %s revision %d", s.ReleaseName, s.ReleaseRevision))
}
