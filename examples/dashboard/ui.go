package main

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/restapi"
)

//go:embed templates/*.html static/*
var assets embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"json": func(v any) (string, error) {
		data, err := json.MarshalIndent(v, "", "  ")
		return string(data), err
	},
	// selectRows is how many options a multiple select shows at once.
	"selectRows": func(options int) int { return min(max(options, 3), 10) },
}).ParseFS(assets, "templates/*.html"))

// A row is one line of a list page.
type row struct {
	ID    string
	Cells []string
	// StateMessage says why the object is in its state (the State
	// column's): shown when pointed at.
	StateMessage string
	// Delete, when set, is what the confirmation of its delete says.
	Delete *deleteNote
}

// A view is what a page shows.
type view struct {
	Title    string
	User     string
	Embedded bool
	Nav      []navItem
	Entity   string // the API id, e.g. k8s_pvc
	Columns  []string
	Rows     []row
	// Deletable puts a Delete button on each row of a list page, on the
	// object of a detail page.
	Deletable bool
	// Delete, on a detail page, is what the confirmation of the object's
	// delete says, when it says more than "Delete it?".
	Delete *deleteNote
	// ClusterWide says the entity's objects are in no namespace (a
	// cluster-scoped CRD's): its list says so.
	ClusterWide bool
	Form        string // which create form to show: pvc, secret, cr
	// Post is where a custom resource's create form sends; empty for the
	// entity's own list (/api/<entity>).
	Post string
	// Singular names one object of the entity, in a create form's title:
	// a custom resource's kind.
	Singular string
	Detail   map[string]any
	Keys     []string // a secret's keys, for the Decode buttons
	Classes  []string // storage classes, for the PVC form
	// Fields are a custom resource's form, drawn from its schema: the
	// create form on a list page, the edit form on a detail page.
	Fields   []formField
	Database *databaseView // a database's users, on its page
	// Compositions are the compositions' page's groups, by definition
	// and version.
	Compositions []compositionGroup
	// Composition is a composition's release, on its page.
	Composition *compositionDetail
	// Service is the URL a data service is reached at inside the cluster,
	// on its page.
	Service string
	// Gateway is the URL an API gateway is reached at outside the
	// cluster, on its page.
	Gateway string
	Error   string
}

type navItem struct{ ID, Label string }

func (s *server) nav() []navItem {
	// The registry's kinds first, then the custom resources the API serves
	// beyond them, under their kind's name, less those the custom
	// resources policy denies (K8S_CRD_ALLOWED, K8S_CRD_DENIED).
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, crd := range s.api.CRDs() {
		if s.base == nil || s.base.CustomResources().Allows(crd.Name) {
			crds = append(crds, crd)
		}
	}
	builtin := restapi.BuiltinKinds()
	items := make([]navItem, 0, len(builtin)+len(crds))
	for _, k := range builtin {
		items = append(items, navItem{k.ID, k.Title})
	}
	items = append(items, navItem{compositionsEntity, "Compositions"})
	for _, crd := range crds {
		label := crd.Spec.Names.Kind
		if k, ok := platform.KindOf(schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}); ok && k.Title != "" {
			label = k.Title
		}
		items = append(items, navItem{crd.Name, label})
	}
	return items
}

func age(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// rows builds a list page's columns and rows for entity.
func (s *server) rows(ctx context.Context, p *platform.Platform, entity string) ([]string, []row, error) {
	switch entity {
	case "k8s_service":
		list, err := p.Workloads().Services(ctx)
		rows := make([]row, 0, len(list))
		for _, svc := range list {
			ports := make([]string, 0, len(svc.Ports))
			for _, port := range svc.Ports {
				ports = append(ports, fmt.Sprintf("%d→%s/%s", port.Port, port.TargetPort, port.Protocol))
			}
			rows = append(rows, row{ID: svc.Name, Cells: []string{svc.Name, string(svc.Type), strings.Join(ports, ", "), age(svc.Created)}})
		}
		return []string{"Name", "Type", "Ports", "Created"}, rows, err
	case "k8s_deployment":
		list, err := p.Workloads().Deployments(ctx)
		var rows []row
		for _, d := range list {
			rows = append(rows, row{ID: d.Name, Cells: []string{d.Name, fmt.Sprintf("%d/%d", d.Ready, d.Desired), strconv.Itoa(int(d.Available)), strings.Join(d.Images, ", "), age(d.Created)}})
		}
		return []string{"Name", "Ready", "Available", "Images", "Created"}, rows, err
	case "k8s_job":
		list, err := p.Workloads().Jobs(ctx)
		var rows []row
		for _, j := range list {
			rows = append(rows, row{ID: j.Name, Cells: []string{j.Name, string(j.Phase), fmt.Sprintf("%d/%d/%d", j.Active, j.Succeeded, j.Failed), age(j.Created)}})
		}
		return []string{"Name", "Status", "Active/Succeeded/Failed", "Created"}, rows, err
	case "k8s_pvc":
		list, err := p.Storage().List(ctx)
		var rows []row
		for _, c := range list {
			rows = append(rows, row{ID: c.Name, Cells: []string{c.Name, string(c.Phase), c.Volume, c.StorageClass, fmt.Sprintf("%d Gi", c.SizeGi), age(c.Created)}})
		}
		return []string{"Name", "Status", "Volume", "Storage class", "Size", "Created"}, rows, err
	case "k8s_secret":
		list, err := p.Secrets().List(ctx)
		var rows []row
		for _, sec := range list {
			rows = append(rows, row{ID: sec.Name, Cells: []string{sec.Name, string(sec.Type), strconv.Itoa(len(sec.Keys)), age(sec.Created)}})
		}
		return []string{"Name", "Type", "Keys", "Created"}, rows, err
	case "k8s_quota":
		list, err := p.Workloads().Quotas(ctx)
		var rows []row
		for _, q := range list {
			var res []string
			for _, rr := range q.Resources {
				res = append(res, fmt.Sprintf("%s %s/%s", rr.Name, rr.Used.String(), rr.Hard.String()))
			}
			rows = append(rows, row{ID: q.Name, Cells: []string{q.Name, strings.Join(res, "; "), age(q.Created)}})
		}
		return []string{"Name", "Used/Hard", "Created"}, rows, err
	}
	res, err := s.api.CustomResources(p, entity)
	if err != nil {
		return nil, nil, err
	}
	pg, err := res.List(ctx)
	kind, _ := platform.KindOf(res.GroupVersionKind().GroupKind())
	notes := tenancyDeleteNotes(ctx, p, entity)
	headers := []string{"Name"}
	for _, c := range kind.Columns {
		headers = append(headers, c.Header)
	}
	headers = append(headers, "State", "Created")
	var rows []row
	for _, u := range pg.Items {
		cells := []string{u.GetName()}
		for _, c := range kind.Columns {
			cells = append(cells, columnText(kind, c, u))
		}
		readiness := readinessOf(kind, u)
		cells = append(cells, readiness.State, age(u.GetCreationTimestamp().Time))
		r := row{ID: u.GetName(), Cells: cells, StateMessage: readiness.Message}
		if notes != nil {
			if r.Delete = notes(u); r.Delete != nil {
				r.Delete.API = "/api/" + entity + "/" + u.GetName()
			}
		}
		rows = append(rows, r)
	}
	return headers, rows, err
}

// fieldText shows the field at path ("spec.database") of u: a list joined
// by commas, nothing for a field u has not set.
func fieldText(u *unstructured.Unstructured, path string) string {
	v, found, err := unstructured.NestedFieldNoCopy(u.Object, strings.Split(path, ".")...)
	if !found || err != nil || v == nil {
		return ""
	}
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, item := range list {
			parts[i] = fmt.Sprint(item)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// columnText shows u in the column c of a list of kind: the field at its
// path, or what its Value computes from u as its domain type (nothing when
// u does not convert to it).
func columnText(kind hub.Kind, c hub.Column, u *unstructured.Unstructured) string {
	if c.Value == nil {
		return fieldText(u, c.Path)
	}
	obj, ok := typedObject(kind, u)
	if !ok {
		return ""
	}
	return c.Value(obj)
}

// typedObject converts u to its kind's domain type; false for a kind no
// domain registers, or an object that does not convert.
func typedObject(kind hub.Kind, u *unstructured.Unstructured) (client.Object, bool) {
	if kind.Object == nil {
		return nil, false
	}
	obj, ok := kind.Object.DeepCopyObject().(client.Object)
	if !ok || runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj) != nil {
		return nil, false
	}
	return obj, true
}

// readinessOf reads u's status through its domain type's Readiness
// method: the one reading of a status there is. A kind no domain
// registers shows none.
func readinessOf(kind hub.Kind, u *unstructured.Unstructured) hub.Readiness {
	obj, ok := typedObject(kind, u)
	if !ok {
		return hub.Readiness{}
	}
	reporter, ok := obj.(hub.ReadinessReporter)
	if !ok {
		return hub.Readiness{}
	}
	return reporter.Readiness()
}

func (s *server) page(w http.ResponseWriter, r *http.Request, name string, v view) {
	user, ok := s.identify(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", challenge)
		http.Error(w, signIn, http.StatusUnauthorized)
		return
	}
	v.User, v.Embedded, v.Nav = user, s.embedded, s.nav()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'")
	if err := pages.ExecuteTemplate(w, name, v); err != nil {
		s.logger.Error("rendering a page", "page", name, "error", err)
	}
}

// registerUI adds the web UI to mux.
func (s *server) registerUI(mux *http.ServeMux) {
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ui/k8s_pvc", http.StatusFound)
	})
	mux.HandleFunc("GET /ui/"+compositionsEntity, s.compositionsPage)
	mux.HandleFunc("GET /ui/"+compositionsEntity+"/{crd}/{version}/{id}", s.compositionPage)
	mux.HandleFunc("GET /ui/{entity}", s.listPage)
	mux.HandleFunc("GET /ui/{entity}/{id}", s.detailPage)
}

// listPage shows the objects of an entity and its create form.
func (s *server) listPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.platformFor(r)
	entity := r.PathValue("entity")
	v := view{Entity: entity, Title: entity}
	for _, n := range s.nav() {
		if n.ID == entity {
			v.Title = n.Label
		}
	}
	if err == nil {
		v.Columns, v.Rows, err = s.rows(r.Context(), p, entity)
	}
	if err != nil {
		v.Error = err.Error()
	}
	v.Deletable = deletable(entity)
	switch {
	case entity == "k8s_pvc":
		v.Form = "pvc"
		v.Classes = storageClassNames(r.Context(), p)
	case entity == "k8s_secret":
		v.Form = "secret"
	case customResource(entity):
		if crd := s.crdNamed(entity); crd != nil {
			v.ClusterWide = crd.Spec.Scope == apiextensionsv1.ClusterScoped
		}
		if fields, ok := s.createForm(r.Context(), p, entity); ok {
			v.Form, v.Fields = "cr", fields
			v.Singular = s.crdNamed(entity).Spec.Names.Kind
		}
		if entity == schemaKindID && v.Form == "cr" {
			v.Post, v.Fields, v.Singular = "/api/crs", s.schemaFields(p), "custom schema"
		}
	}
	s.page(w, r, "list.html", v)
}

// storageClassNames lists the storage classes the PVC form offers; none
// when they cannot be read (the form then lets the cluster choose).
func storageClassNames(ctx context.Context, p *platform.Platform) []string {
	if p == nil {
		return nil
	}
	classes, err := p.Storage().StorageClasses(ctx)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(classes))
	for _, c := range classes {
		names = append(names, c.Name)
	}
	return names
}

// detailPage shows one object, with its edit form when it is a custom
// resource, a database's users, and the URL of a data service or of an
// API gateway.
func (s *server) detailPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.platformFor(r)
	entity, id := r.PathValue("entity"), r.PathValue("id")
	v := view{Entity: entity, Title: id}
	if err == nil {
		v.Detail, v.Keys, err = s.detail(r.Context(), p, entity, id)
		v.Deletable = err == nil && deletable(entity)
	}
	if err == nil && customResource(entity) {
		if fields, ok := s.createForm(r.Context(), p, entity); ok {
			v.Fields = fillFields(fields, v.Detail)
			editGatewayFields(entity, v.Fields)
			editTenancyFields(entity, v.Detail, v.Fields)
		}
		if entity == databaseKindID {
			v.Database, err = databasePage(r.Context(), p, id)
		}
		v.Service = serviceURL(entity, id, p.Hub().Namespace())
		v.Gateway = gatewayURL(entity, v.Detail)
		if v.Deletable {
			v.Delete = pageDeleteNote(r.Context(), p, entity, id, v.Detail)
		}
	}
	if err != nil {
		v.Error = err.Error()
	}
	s.page(w, r, "detail.html", v)
}

// customResource says whether entity names a custom resource's CRD
// ("postgres.db.movetokube.com") rather than a built-in kind (k8s_pvc).
func customResource(entity string) bool { return strings.Contains(entity, ".") }

// deletable says whether the API deletes objects of entity: its pages
// have Delete buttons.
func deletable(entity string) bool {
	switch entity {
	case "k8s_pvc", "k8s_secret", "k8s_job":
		return true
	}
	return customResource(entity)
}

// createForm returns the create form of the custom resources of the CRD
// the API serves whose name is crdID, drawn from the schema writes are
// checked against (its custom schema when one is set, else its storage
// version's own: crs.Client.SchemaFor), with the fields its domain
// declares secret typed unseen, and the object store's, the data
// services', the gateways' and the tenancy kinds' dedicated fields
// (objectStoreFields, dataServiceFields, gatewayFields, tenancyFields);
// false for a CRD the API does not serve.
func (s *server) createForm(ctx context.Context, p *platform.Platform, crdID string) ([]formField, bool) {
	if crd := s.crdNamed(crdID); crd != nil {
		var props *apiextensionsv1.JSONSchemaProps
		if v, err := crs.StorageVersion(crd); err == nil {
			var info crs.SchemaInfo
			if p != nil {
				info, err = p.CustomResources().SchemaFor(ctx, crd.Name, v.Name)
			}
			switch {
			case p != nil && err == nil:
				props = info.Schema
			case v.Schema != nil:
				props = v.Schema.OpenAPIV3Schema
			}
		}
		fields := formFields(props)
		markSecret(fields, platform.SecretFields(schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}))
		objectStoreFields(ctx, p, crd.Name, fields)
		gatewayFields(ctx, p, crd.Name, s.domain, fields)
		return tenancyFields(ctx, p, crd.Name, dataServiceFields(ctx, p, crd.Name, fields)), true
	}
	return nil, false
}

// crdNamed returns the CRD the API serves whose name is crdID; nil when it
// serves none.
func (s *server) crdNamed(crdID string) *apiextensionsv1.CustomResourceDefinition {
	for _, crd := range s.api.CRDs() {
		if crd.Name == crdID {
			return crd
		}
	}
	return nil
}

// detail reads one object for its page, as the API shows it (restapi.Item:
// secrets masked, the fields a domain declares secret too); a Secret comes
// with its keys, for the Decode buttons.
func (s *server) detail(ctx context.Context, p *platform.Platform, entity, id string) (map[string]any, []string, error) {
	var obj runtime.Object
	var err error
	switch entity {
	case "k8s_service":
		obj, err = hub.For[*corev1.Service](p.Hub()).Get(ctx, id)
	case "k8s_deployment":
		obj, err = hub.For[*appsv1.Deployment](p.Hub()).Get(ctx, id)
	case "k8s_job":
		obj, err = hub.For[*batchv1.Job](p.Hub()).Get(ctx, id)
	case "k8s_pvc":
		obj, err = hub.For[*corev1.PersistentVolumeClaim](p.Hub()).Get(ctx, id)
	case "k8s_quota":
		obj, err = hub.For[*corev1.ResourceQuota](p.Hub()).Get(ctx, id)
	case "k8s_secret":
		d, err := p.Secrets().Get(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		return map[string]any{"name": d.Name, "type": d.Type, "labels": d.Labels, "data": d.Masked()}, d.Keys, nil
	default:
		res, resErr := s.api.CustomResources(p, entity)
		if resErr != nil {
			return nil, nil, resErr
		}
		obj, err = res.Get(ctx, id)
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := restapi.Item(obj)
	return m, nil, err
}
