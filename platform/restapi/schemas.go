package restapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/platform"
)

// The reserved paths: /api/crd (the CRDs the API serves), /api/crs (the
// custom resource schemas, "Settings" in the console), /api/config and
// /api/user.
//
// The resource manager keeps custom schemas in a database table; this API
// keeps them in the cluster, as CustomResourceSchema objects (see hub/crs),
// and answers as the resource manager does:
//   - /api/crs lists the stored schemas; with all=true it also lists, for
//     every CRD the API serves with no stored schema, the schema of the
//     CRD's storage version, id null; the console builds its menu from the
//     crdId of these. POST (?id= names it), PUT /{id} and DELETE /{id}
//     write them: the CRD must be served, an empty schema takes the CRD's
//     own, and a schema that is no usable JSON schema is a 400 naming why.
//   - /api/crd/{id}/schemas lists the schemas stored for that CRD.
//   - /api/crd/{id}/schema is the storage version's schema: the stored one
//     when there is one, else the CRD's.

// servedTo returns the CRDs the API serves through p: its own set (the
// registry's, or WithCRDs'), less what p's custom resources policy does not
// allow (K8S_CRD_ALLOWED, K8S_CRD_DENIED).
func (h *Handler) servedTo(p *platform.Platform) []*apiextensionsv1.CustomResourceDefinition {
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, crd := range h.crds {
		if p.CustomResources().Allows(crd.Name) {
			out = append(out, crd)
		}
	}
	return out
}

// servedNames returns the names of servedTo's CRDs.
func (h *Handler) servedNames(p *platform.Platform) []string {
	crds := h.servedTo(p)
	names := make([]string, 0, len(crds))
	for _, crd := range crds {
		names = append(names, crd.Name)
	}
	return names
}

// crdFor finds a CRD the API serves through p by its id.
func (h *Handler) crdFor(p *platform.Platform, id string) (*apiextensionsv1.CustomResourceDefinition, error) {
	crd, err := h.crd(id)
	if err != nil {
		return nil, err
	}
	if !p.CustomResources().Allows(crd.Name) {
		return nil, notFoundError{what: "crd " + id}
	}
	return crd, nil
}

// schemaIDPattern is the resource manager's schema id pattern.
var schemaIDPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// crd finds an allowed CRD by its id (metadata.name).
func (h *Handler) crd(id string) (*apiextensionsv1.CustomResourceDefinition, error) {
	if !crdIDPattern.MatchString(id) {
		return nil, fmt.Errorf("crd id %q: want <plural>.<group>", id)
	}
	for _, crd := range h.crds {
		if crd.Name == id {
			return crd, nil
		}
	}
	return nil, notFoundError{what: "crd " + id}
}

// storageVersion returns the version of crd that is stored.
func storageVersion(crd *apiextensionsv1.CustomResourceDefinition) (*apiextensionsv1.CustomResourceDefinitionVersion, error) {
	for i := range crd.Spec.Versions {
		if crd.Spec.Versions[i].Storage {
			return &crd.Spec.Versions[i], nil
		}
	}
	return nil, fmt.Errorf("crd %s has no storage version", crd.Name)
}

// schemaItem is the resource manager's CustomResourceSchemaDTO: id (null
// for a CRD's own schema, which is not stored), crdId, version and the
// schema as a JSON string, as the DTO sends it.
func schemaItem(info crs.SchemaInfo) (map[string]any, error) {
	var id, schemaJSON any // null for the CRD's own, and without a schema
	if info.ID != "" {
		id = info.ID
	}
	if info.Schema != nil {
		data, err := json.Marshal(info.Schema)
		if err != nil {
			return nil, fmt.Errorf("crd %s: encoding its schema: %w", info.CRD, err)
		}
		schemaJSON = string(data)
	}
	return map[string]any{"id": id, "crdId": info.CRD, "version": info.Version, "schema": schemaJSON}, nil
}

// storedSchemaItems returns the DTOs of stored schemas.
func storedSchemaItems(stored []*crs.CustomResourceSchema) ([]map[string]any, error) {
	items := make([]map[string]any, 0, len(stored))
	for _, s := range stored {
		info, err := crs.InfoOf(s)
		if err != nil {
			return nil, err
		}
		m, err := schemaItem(info)
		if err != nil {
			return nil, err
		}
		items = append(items, m)
	}
	return items, nil
}

func (h *Handler) listCRDs(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	onlyWithout, err := springBool("onlyWithoutSchema", r.URL.Query().Get("onlyWithoutSchema"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	withSchema := map[string]bool{}
	if onlyWithout {
		stored, err := p.CustomResources().ListSchemas(r.Context())
		if err != nil {
			writeError(w, r, err)
			return
		}
		for _, s := range stored {
			withSchema[s.Spec.CRD] = true
		}
	}
	served := h.servedTo(p)
	items := make([]map[string]any, 0, len(served))
	for _, crd := range served {
		if withSchema[crd.Name] {
			continue
		}
		m, err := Item(crd)
		if err != nil {
			writeError(w, r, err)
			return
		}
		items = append(items, m)
	}
	writePage(w, r, items)
}

// getCRD answers a CRD the API serves as the cluster has it, with its
// metadata (uid, creation time, managed fields: the console's CRD page
// shows them); as the API was given it when the cluster's cannot be read
// (not installed, or not readable by the signed-in user).
func (h *Handler) getCRD(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	crd, err := h.crdFor(p, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if live, err := p.CustomResources().GetCRD(r.Context(), crd.Name); err == nil {
		// A typed read leaves the type out; the answer has it.
		live.SetGroupVersionKind(apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"))
		crd = live
	}
	writeItem(w, r, crd)
}

func (h *Handler) crdSchema(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	crd, err := h.crdFor(p, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	v, err := crs.StorageVersion(crd)
	if err != nil {
		writeError(w, r, err)
		return
	}
	info, err := p.CustomResources().SchemaFor(r.Context(), crd.Name, v.Name)
	if err != nil {
		writeError(w, r, err)
		return
	}
	m, err := schemaItem(info)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeOK(w, r, m)
}

func (h *Handler) crdSchemas(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	crd, err := h.crdFor(p, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	stored, err := p.CustomResources().ListSchemas(r.Context(), crd.Name)
	if err != nil {
		writeError(w, r, err)
		return
	}
	items, err := storedSchemaItems(stored)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writePage(w, r, items)
}

// springBool reads a boolean query parameter as Spring does: true, on,
// yes or 1, and their opposites, in any case; empty is false.
func springBool(name, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "false", "off", "no", "0":
		return false, nil
	case "true", "on", "yes", "1":
		return true, nil
	}
	return false, fmt.Errorf("%s %q: want true or false", name, v)
}

func (h *Handler) listSchemas(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	all, err := springBool("all", r.URL.Query().Get("all"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	stored, err := p.CustomResources().ListSchemas(r.Context(), h.servedNames(p)...)
	if err != nil {
		writeError(w, r, err)
		return
	}
	items, err := storedSchemaItems(stored)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if all {
		withSchema := map[string]bool{}
		for _, s := range stored {
			withSchema[s.Spec.CRD] = true
		}
		for _, crd := range h.servedTo(p) {
			if withSchema[crd.Name] {
				continue
			}
			v, err := crs.StorageVersion(crd)
			if err != nil {
				writeError(w, r, err)
				return
			}
			info := crs.SchemaInfo{CRD: crd.Name, Version: v.Name}
			if v.Schema != nil {
				info.Schema = v.Schema.OpenAPIV3Schema
			}
			m, err := schemaItem(info)
			if err != nil {
				writeError(w, r, err)
				return
			}
			items = append(items, m)
		}
	}
	// An id filter asks for stored schemas by id: paginate matches none of
	// the CRDs' own schemas, whose id is null, as the resource manager does.
	writePage(w, r, items)
}

// schemaID reads a schema id from the path.
func schemaID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !schemaIDPattern.MatchString(id) {
		return "", fmt.Errorf("schema id %q: want lowercase letters, digits and '-'", id)
	}
	return id, nil
}

func getSchema(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	id, err := schemaID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeStoredSchema(w, r)(p.CustomResources().GetSchema(r.Context(), id))
}

// writeStoredSchema returns a function that answers with a stored schema's
// DTO, or with the error that came instead.
func writeStoredSchema(w http.ResponseWriter, r *http.Request) func(*crs.CustomResourceSchema, error) {
	return func(s *crs.CustomResourceSchema, err error) {
		if err != nil {
			writeError(w, r, err)
			return
		}
		items, err := storedSchemaItems([]*crs.CustomResourceSchema{s})
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeOK(w, r, items[0])
	}
}

// schemaRequestBody is the resource manager's schema DTO as a request
// sends it: the schema as a JSON string, or (Hubkit accepts both) as an
// object.
type schemaRequestBody struct {
	ID      string          `json:"id"`
	CRD     string          `json:"crdId"`
	Version string          `json:"version"`
	Schema  json.RawMessage `json:"schema"`
}

// schemaRequest reads a schema write's body; id names the schema.
func schemaRequest(r *http.Request, id string) (crs.SchemaRequest, error) {
	var body schemaRequestBody
	if err := decodeBody(r, &body); err != nil {
		return crs.SchemaRequest{}, err
	}
	raw := body.Schema
	var text string
	if json.Unmarshal(raw, &text) == nil {
		raw = json.RawMessage(text)
	}
	if id == "" {
		id = body.ID
	}
	return crs.SchemaRequest{ID: id, CRD: body.CRD, Version: body.Version, Schema: raw}, nil
}

func (h *Handler) writeSchema(w http.ResponseWriter, r *http.Request, p *platform.Platform, id string) {
	req, err := schemaRequest(r, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := h.crdFor(p, req.CRD); err != nil {
		// A schema of a CRD the API does not serve names the field.
		writeError(w, r, hub.NewValidationError(schema.GroupKind{Group: crs.GroupVersion.Group, Kind: "CustomResourceSchema"}, id,
			field.ErrorList{field.NotFound(field.NewPath("spec", "crdId"), req.CRD)}))
		return
	}
	writeStoredSchema(w, r)(p.CustomResources().SetSchema(r.Context(), req))
}

func (h *Handler) createSchema(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	id := r.URL.Query().Get("id")
	if id != "" && !schemaIDPattern.MatchString(id) {
		writeError(w, r, fmt.Errorf("schema id %q: want lowercase letters, digits and '-'", id))
		return
	}
	h.writeSchema(w, r, p, id)
}

func (h *Handler) updateSchema(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	id, err := schemaID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := p.CustomResources().GetSchema(r.Context(), id); err != nil {
		writeError(w, r, err)
		return
	}
	h.writeSchema(w, r, p, id)
}

func deleteSchema(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	if _, err := schemaID(r); err != nil {
		writeError(w, r, err)
		return
	}
	deleteByID(w, r, func(id string) error { return p.CustomResources().DeleteSchema(r.Context(), id) })
}

// config answers the resource manager's /api/config: a flat map of
// configuration names to string values (its console reads it as
// Record<string, string>). The names are the resource manager's own
// settings: the namespace every call uses and the allowed CRDs, a comma
// list.
func (h *Handler) config(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	writeOK(w, r, map[string]string{
		"K8S_NAMESPACE":   p.Hub().Namespace(),
		"K8S_CRD_ALLOWED": strings.Join(h.servedNames(p), ","),
	})
}
