package main

import (
	"context"
	"net/http"
	"strconv"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/platform"
)

// compositionsEntity is the compositions' page: every kind the
// namespace's definitions generate, grouped by definition and version.
const compositionsEntity = "compositions"

// A compositionGroup is one served version of a generated kind on the
// compositions' page: its definition and chart, its compositions, and the
// create form drawn from the version's schema.
type compositionGroup struct {
	ID           string // unique on the page: <crd>/<version>
	Kind         string
	Version      string
	CRD          string
	ChartURL     string
	ChartVersion string
	Definition   string
	Rows         []compositionRow
	Fields       []formField
}

// API is where the group's compositions are created.
func (g compositionGroup) API() string { return "/api/compositions/" + g.CRD + "/" + g.Version }

// A compositionRow is one composition in its group's table.
type compositionRow struct {
	Name, Release, Revision, Chart, Created string
	Readiness                               hub.Readiness
}

// A compositionDetail is what a composition's page shows beyond its
// object: its group, its release and the objects the release manages.
type compositionDetail struct {
	Group     compositionGroup
	Status    compositions.CompositionStatus
	Readiness hub.Readiness
}

// API is the composition's own path in the REST API.
func (d *compositionDetail) API(name string) string { return d.Group.API() + "/" + name }

// formSchema is the schema a version's form is drawn from: the version's,
// without the field the API server sets (compositions.FieldCreatedAs).
func formSchema(s *apiextensionsv1.JSONSchemaProps) *apiextensionsv1.JSONSchemaProps {
	if s == nil {
		return nil
	}
	out := s.DeepCopy()
	delete(out.Properties, compositions.FieldCreatedAs)
	return out
}

// groupOf is the page's group of version v, with its form's element ids
// prefixed so that several forms live on one page.
func groupOf(v compositions.ServedVersion) compositionGroup {
	g := compositionGroup{
		ID: v.CRD + "/" + v.GroupVersionKind.Version, Kind: v.GroupVersionKind.Kind, Version: v.GroupVersionKind.Version,
		CRD: v.CRD, ChartURL: v.Definition.Spec.Chart.URL, ChartVersion: v.ChartVersion, Definition: v.Definition.Name,
	}
	g.Fields = prefixForm(formFields(formSchema(v.Schema)), v.GroupVersionKind.Version+"-")
	return g
}

// prefixForm sets the element-id prefix of fields and of the fields they
// hold.
func prefixForm(fields []formField, prefix string) []formField {
	for i := range fields {
		fields[i].Form = prefix
		fields[i].Fields = prefixForm(fields[i].Fields, prefix)
	}
	return fields
}

func rowOf(u *unstructured.Unstructured) compositionRow {
	s, _ := compositions.StatusOf(u)
	row := compositionRow{Name: u.GetName(), Release: s.ReleaseName, Chart: s.HelmChartVersion, Created: age(u.GetCreationTimestamp().Time), Readiness: compositions.Readiness(u)}
	if s.ReleaseRevision > 0 {
		row.Revision = strconv.FormatInt(s.ReleaseRevision, 10)
	}
	return row
}

// compositionGroups lists the groups of the compositions' page.
func compositionGroups(ctx context.Context, p *platform.Platform) ([]compositionGroup, error) {
	c := compositions.NewClient(p.Hub())
	versions, err := c.Versions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]compositionGroup, 0, len(versions))
	for _, v := range versions {
		if !p.CustomResources().Allows(v.CRD) {
			continue
		}
		g := groupOf(v)
		items, err := c.List(ctx, v)
		if err != nil {
			return nil, err
		}
		for _, u := range items {
			g.Rows = append(g.Rows, rowOf(u))
		}
		out = append(out, g)
	}
	return out, nil
}

// compositionsPage lists the compositions by definition and version, each
// version with its create form.
func (s *server) compositionsPage(w http.ResponseWriter, r *http.Request) {
	v := view{Entity: compositionsEntity, Title: "Compositions"}
	p, err := s.platformFor(r)
	if err == nil {
		v.Compositions, err = compositionGroups(r.Context(), p)
	}
	if err != nil {
		v.Error = err.Error()
	}
	s.page(w, r, "compositions.html", v)
}

// compositionPage shows one composition: its release, the objects it
// manages, its conditions, and its edit form.
func (s *server) compositionPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("id")
	v := view{Entity: compositionsEntity, Title: name}
	if err := s.composition(r, name, &v); err != nil {
		v.Error = err.Error()
	}
	s.page(w, r, "composition.html", v)
}

// composition fills v with the composition called name at the version the
// request's path names.
func (s *server) composition(r *http.Request, name string, v *view) error {
	p, err := s.platformFor(r)
	if err != nil {
		return err
	}
	c := compositions.NewClient(p.Hub())
	version, err := c.Version(r.Context(), r.PathValue("crd"), r.PathValue("version"))
	if err != nil {
		return err
	}
	u, err := c.Get(r.Context(), version, name)
	if err != nil {
		return err
	}
	d := &compositionDetail{Group: groupOf(version), Readiness: compositions.Readiness(u)}
	if d.Status, err = compositions.StatusOf(u); err != nil {
		return err
	}
	v.Composition, v.Fields, v.Deletable = d, fillFields(d.Group.Fields, u.Object), true
	return nil
}
