package restapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/platform"
)

// The reserved paths: /api/crd (the CRDs the API serves), /api/crs (the
// custom resource schemas, "Settings" in the console), /api/config and
// /api/user.
//
// The resource manager keeps custom schemas in a database table; this
// API has no such store yet, so it answers what holds without one:
//   - /api/crs lists the stored schemas: none. With all=true it also lists,
//     for every CRD the API serves with no stored schema, the schema of the
//     CRD's storage version, id null, as the resource manager does; the
//     console builds its menu from the crdId of these. (Not the CRDs
//     themselves: the console reads crdId from each item.)
//   - /api/crs/{id} finds no stored schema: 404.
//   - /api/crd/{id}/schemas lists the schemas stored for that CRD: an empty
//     page. The resource manager does not fill this list from the CRD, and
//     the console offers to create a schema when it is empty; items without
//     an id would show broken links there.
//   - /api/crd/{id}/schema is the storage version's schema, taken from the
//     CRD, as the resource manager does when none is stored.

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

// crdSchemaItem is the resource manager's CustomResourceSchemaDTO for the
// schema of crd's storage version: id null (it is not stored), and the
// openAPIV3Schema as a JSON string, as the DTO sends it.
func crdSchemaItem(crd *apiextensionsv1.CustomResourceDefinition) (map[string]any, error) {
	v, err := storageVersion(crd)
	if err != nil {
		return nil, err
	}
	var schemaJSON any // null without a schema
	if v.Schema != nil && v.Schema.OpenAPIV3Schema != nil {
		data, err := json.Marshal(v.Schema.OpenAPIV3Schema)
		if err != nil {
			return nil, fmt.Errorf("crd %s: encoding its schema: %w", crd.Name, err)
		}
		schemaJSON = string(data)
	}
	return map[string]any{"id": nil, "crdId": crd.Name, "version": v.Name, "schema": schemaJSON}, nil
}

func (h *Handler) listCRDs(w http.ResponseWriter, r *http.Request, _ *platform.Platform) {
	// onlyWithoutSchema=true changes nothing: no CRD has a stored schema.
	items := make([]map[string]any, 0, len(h.crds))
	for _, crd := range h.crds {
		m, err := Item(crd)
		if err != nil {
			writeError(w, r, err)
			return
		}
		items = append(items, m)
	}
	writePage(w, r, items)
}

func (h *Handler) getCRD(w http.ResponseWriter, r *http.Request, _ *platform.Platform) {
	crd, err := h.crd(r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeItem(w, r, crd)
}

func (h *Handler) crdSchema(w http.ResponseWriter, r *http.Request, _ *platform.Platform) {
	crd, err := h.crd(r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	m, err := crdSchemaItem(crd)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeOK(w, r, m)
}

func (h *Handler) crdSchemas(w http.ResponseWriter, r *http.Request, _ *platform.Platform) {
	if _, err := h.crd(r.PathValue("id")); err != nil {
		writeError(w, r, err)
		return
	}
	writePage(w, r, []map[string]any{})
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

func (h *Handler) listSchemas(w http.ResponseWriter, r *http.Request, _ *platform.Platform) {
	all, err := springBool("all", r.URL.Query().Get("all"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	items := []map[string]any{}
	if all {
		for _, crd := range h.crds {
			m, err := crdSchemaItem(crd)
			if err != nil {
				writeError(w, r, err)
				return
			}
			items = append(items, m)
		}
	}
	// An id filter asks for stored schemas by id: paginate matches none of
	// the CRDs' schemas, whose id is null, as the resource manager does.
	writePage(w, r, items)
}

func getSchema(w http.ResponseWriter, r *http.Request, _ *platform.Platform) {
	id := r.PathValue("id")
	if !schemaIDPattern.MatchString(id) {
		writeError(w, r, fmt.Errorf("schema id %q: want lowercase letters, digits and '-'", id))
		return
	}
	writeError(w, r, notFoundError{what: "schema " + id})
}

// config answers the resource manager's /api/config: a flat map of
// configuration names to string values (its console reads it as
// Record<string, string>). The names are the resource manager's own
// settings: the namespace every call uses and the allowed CRDs, a comma
// list.
func (h *Handler) config(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	names := make([]string, 0, len(h.crds))
	for _, crd := range h.crds {
		names = append(names, crd.Name)
	}
	writeOK(w, r, map[string]string{
		"K8S_NAMESPACE":   p.Hub().Namespace(),
		"K8S_CRD_ALLOWED": strings.Join(names, ","),
	})
}
