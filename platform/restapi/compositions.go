package restapi

import (
	"encoding/json"
	"fmt"
	"net/http"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/platform"
)

// The compositions' routes (charts published as APIs, see the
// compositions package): their kinds are generated at run time and stored
// in a version no client reads through, so they are served by version,
// apart from /api/{crdId}:
//
//   - GET /api/compositions lists the versions the namespace's Ready
//     definitions serve, each with its definition, chart, schema and
//     compositions;
//   - POST /api/compositions/{crdId}/{version} creates a composition at
//     that version ({"metadata": {"name"}, "spec": {...}});
//   - GET, PUT (the spec) and DELETE /api/compositions/{crdId}/{version}/{id}.
func (h *Handler) registerCompositions(mux *apiMux) {
	with := h.withPlatform
	mux.HandleFunc("GET /api/compositions", with(listCompositions))
	mux.refuse("POST /api/compositions", methodNotAllowed)
	mux.HandleFunc("POST /api/compositions/{crdId}/{version}", with(createComposition))
	mux.HandleFunc("GET /api/compositions/{crdId}/{version}/{id}", with(getComposition))
	mux.HandleFunc("PUT /api/compositions/{crdId}/{version}/{id}", with(updateComposition))
	mux.HandleFunc("DELETE /api/compositions/{crdId}/{version}/{id}", with(deleteComposition))
}

// servedVersion is the version the request's path names, when the
// platform's custom resources policy allows its CRD.
func servedVersion(r *http.Request, p *platform.Platform) (*compositions.Client, compositions.ServedVersion, error) {
	c := compositions.NewClient(p.Hub())
	crd := r.PathValue("crdId")
	if !crdIDPattern.MatchString(crd) || !p.CustomResources().Allows(crd) {
		return nil, compositions.ServedVersion{}, notFoundError{what: "crd " + crd}
	}
	v, err := c.Version(r.Context(), crd, r.PathValue("version"))
	if err != nil {
		return nil, v, notFoundError{what: err.Error()}
	}
	return c, v, nil
}

func listCompositions(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	c := compositions.NewClient(p.Hub())
	versions, err := c.Versions(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(versions))
	for _, v := range versions {
		if !p.CustomResources().Allows(v.CRD) {
			continue
		}
		items, err := c.List(r.Context(), v)
		if err != nil {
			writeError(w, r, err)
			return
		}
		listed, err := itemsOf(items)
		if err != nil {
			writeError(w, r, err)
			return
		}
		out = append(out, map[string]any{
			"crdId": v.CRD, "apiVersion": v.GroupVersionKind.GroupVersion().String(), "kind": v.GroupVersionKind.Kind,
			"version": v.GroupVersionKind.Version, "chartVersion": v.ChartVersion, "chartUrl": v.Definition.Spec.Chart.URL,
			"definition": v.Definition.Name, "schema": v.Schema, "items": listed,
		})
	}
	writeOK(w, r, out)
}

// compositionBody reads a composition's name and spec from the request.
func compositionBody(r *http.Request) (string, map[string]any, error) {
	body, err := requestJSON(r)
	if err != nil {
		return "", nil, err
	}
	var m struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec map[string]any `json:"spec"`
	}
	if err := json.NewDecoder(body).Decode(&m); err != nil {
		return "", nil, fmt.Errorf("the request body: %w", err)
	}
	if m.Spec == nil {
		m.Spec = map[string]any{}
	}
	return m.Metadata.Name, m.Spec, nil
}

// compositionRoute answers with the composition do returns (nothing when
// it returns none), or its error: do gets the version the path names and,
// when withID, the path's {id}.
func compositionRoute(withID bool, do func(r *http.Request, c *compositions.Client, v compositions.ServedVersion, id string) (*unstructured.Unstructured, error)) func(http.ResponseWriter, *http.Request, *platform.Platform) {
	return func(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
		c, v, err := servedVersion(r, p)
		id := ""
		if err == nil && withID {
			id, err = pathID(r)
		}
		var u *unstructured.Unstructured
		if err == nil {
			u, err = do(r, c, v, id)
		}
		switch {
		case err != nil:
			writeError(w, r, err)
		case u == nil:
			w.WriteHeader(http.StatusOK)
		default:
			writeItem(w, r, u)
		}
	}
}

var (
	createComposition = compositionRoute(false, func(r *http.Request, c *compositions.Client, v compositions.ServedVersion, _ string) (*unstructured.Unstructured, error) {
		name, spec, err := compositionBody(r)
		if err != nil {
			return nil, err
		}
		return c.Create(r.Context(), v, name, spec)
	})
	getComposition = compositionRoute(true, func(r *http.Request, c *compositions.Client, v compositions.ServedVersion, id string) (*unstructured.Unstructured, error) {
		return c.Get(r.Context(), v, id)
	})
	updateComposition = compositionRoute(true, func(r *http.Request, c *compositions.Client, v compositions.ServedVersion, id string) (*unstructured.Unstructured, error) {
		_, spec, err := compositionBody(r)
		if err != nil {
			return nil, err
		}
		return c.UpdateSpec(r.Context(), v, id, spec)
	})
	deleteComposition = compositionRoute(true, func(r *http.Request, c *compositions.Client, v compositions.ServedVersion, id string) (*unstructured.Unstructured, error) {
		return nil, c.Delete(r.Context(), v, id)
	})
)
