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
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/hubkit-dev/hubkit/hub"
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
}).ParseFS(assets, "templates/*.html"))

// A row is one line of a list page.
type row struct {
	ID    string
	Cells []string
}

// A view is what a page shows.
type view struct {
	Title     string
	User      string
	Embedded  bool
	Nav       []navItem
	Entity    string // the API id, e.g. k8s_pvc
	Columns   []string
	Rows      []row
	Deletable bool
	Form      string // which create form to show: pvc, secret, cr
	Detail    any
	Keys      []string // a secret's keys, for the Decode buttons
	Classes   []string // storage classes, for the PVC form
	Error     string
}

type navItem struct{ ID, Label string }

func (s *server) nav() []navItem {
	crds := s.api.CRDs()
	items := make([]navItem, 0, 6+len(crds))
	items = append(items,
		navItem{"k8s_service", "Services"}, navItem{"k8s_deployment", "Deployments"}, navItem{"k8s_job", "Jobs"},
		navItem{"k8s_pvc", "Volumes"}, navItem{"k8s_secret", "Secrets"}, navItem{"k8s_quota", "Quotas"})
	for _, crd := range crds {
		items = append(items, navItem{crd.Name, crd.Spec.Names.Kind})
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
			rows = append(rows, row{svc.Name, []string{svc.Name, string(svc.Type), strings.Join(ports, ", "), age(svc.Created)}})
		}
		return []string{"Name", "Type", "Ports", "Created"}, rows, err
	case "k8s_deployment":
		list, err := p.Workloads().Deployments(ctx)
		var rows []row
		for _, d := range list {
			rows = append(rows, row{d.Name, []string{d.Name, fmt.Sprintf("%d/%d", d.Ready, d.Desired), strconv.Itoa(int(d.Available)), strings.Join(d.Images, ", "), age(d.Created)}})
		}
		return []string{"Name", "Ready", "Available", "Images", "Created"}, rows, err
	case "k8s_job":
		list, err := p.Workloads().Jobs(ctx)
		var rows []row
		for _, j := range list {
			rows = append(rows, row{j.Name, []string{j.Name, string(j.Phase), fmt.Sprintf("%d/%d/%d", j.Active, j.Succeeded, j.Failed), age(j.Created)}})
		}
		return []string{"Name", "Status", "Active/Succeeded/Failed", "Created"}, rows, err
	case "k8s_pvc":
		list, err := p.Storage().List(ctx)
		var rows []row
		for _, c := range list {
			rows = append(rows, row{c.Name, []string{c.Name, string(c.Phase), c.Volume, c.StorageClass, fmt.Sprintf("%d Gi", c.SizeGi), age(c.Created)}})
		}
		return []string{"Name", "Status", "Volume", "Storage class", "Size", "Created"}, rows, err
	case "k8s_secret":
		list, err := p.Secrets().List(ctx)
		var rows []row
		for _, sec := range list {
			rows = append(rows, row{sec.Name, []string{sec.Name, string(sec.Type), strconv.Itoa(len(sec.Keys)), age(sec.Created)}})
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
			rows = append(rows, row{q.Name, []string{q.Name, strings.Join(res, "; "), age(q.Created)}})
		}
		return []string{"Name", "Used/Hard", "Created"}, rows, err
	}
	res, err := s.api.CustomResources(p, entity)
	if err != nil {
		return nil, nil, err
	}
	pg, err := res.List(ctx)
	var rows []row
	for _, u := range pg.Items {
		rows = append(rows, row{u.GetName(), []string{u.GetName(), crState(u), age(u.GetCreationTimestamp().Time)}})
	}
	return []string{"Name", "State", "Created"}, rows, err
}

// crState summarises a custom resource's status: its state, or whether it
// succeeded.
func crState(u *unstructured.Unstructured) string {
	if state, found, _ := unstructured.NestedString(u.Object, "status", "state"); found {
		return state
	}
	if ok, found, _ := unstructured.NestedBool(u.Object, "status", "succeeded"); found {
		if ok {
			return "Ready"
		}
		return "Pending"
	}
	return "Pending"
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
	mux.HandleFunc("GET /ui/{entity}", func(w http.ResponseWriter, r *http.Request) {
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
		switch {
		case entity == "k8s_pvc":
			v.Form, v.Deletable = "pvc", true
			if p != nil {
				if classes, err := p.Storage().StorageClasses(r.Context()); err == nil {
					for _, c := range classes {
						v.Classes = append(v.Classes, c.Name)
					}
				}
			}
		case entity == "k8s_secret":
			v.Form, v.Deletable = "secret", true
		case entity == "k8s_job":
			v.Deletable = true
		case strings.Contains(entity, "."):
			v.Form, v.Deletable = "cr", true
		}
		s.page(w, r, "list.html", v)
	})
	mux.HandleFunc("GET /ui/{entity}/{id}", func(w http.ResponseWriter, r *http.Request) {
		p, err := s.platformFor(r)
		entity, id := r.PathValue("entity"), r.PathValue("id")
		v := view{Entity: entity, Title: id}
		if err == nil {
			v.Detail, v.Keys, err = s.detail(r.Context(), p, entity, id)
		}
		if err != nil {
			v.Error = err.Error()
		}
		s.page(w, r, "detail.html", v)
	})
}

// detail reads one object for its page, as the API shows it (restapi.Item:
// secrets masked, the fields a domain declares secret too); a Secret comes
// with its keys, for the Decode buttons.
func (s *server) detail(ctx context.Context, p *platform.Platform, entity, id string) (any, []string, error) {
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
