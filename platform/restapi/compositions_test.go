package restapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/platformtest"
	"github.com/hubkit-dev/hubkit/platform/restapi"
)

// TestCompositions drives the compositions' routes on the embedded demo:
// its definitions serve webapp 1.0.0 and 2.0.0; a composition is created
// at a version, read, changed, refused with the field the schema refuses,
// and deleted (its release uninstalled by the simulated operator).
func TestCompositions(t *testing.T) {
	p, _, err := platformtest.NewEmbedded(t.Context(), platform.DemoNamespace, true)
	if err != nil {
		t.Fatal(err)
	}
	h, err := restapi.New(func(*http.Request) (*platform.Platform, error) { return p, nil })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	const crd, v1 = "webapps.composition.hubkit.dev", "/api/compositions/webapps.composition.hubkit.dev/v1-0-0"

	groups := func() []map[string]any {
		t.Helper()
		a := send(t, srv, http.MethodGet, "/api/compositions", "", nil)
		var out []map[string]any
		if err := json.Unmarshal([]byte(a.raw), &out); err != nil || a.status != http.StatusOK {
			t.Fatalf("GET /api/compositions: %d %s", a.status, a.raw)
		}
		return out
	}
	listed := groups()
	versions := make([]string, 0, len(listed))
	for _, g := range listed {
		versions = append(versions, g["crdId"].(string)+" "+g["version"].(string)+" "+g["chartVersion"].(string))
	}
	if diff := cmp.Diff([]string{crd + " v2-0-0 2.0.0", crd + " v1-0-0 1.0.0"}, versions); diff != "" {
		t.Errorf("the demo's served versions, newest first: -want, +got:\n%s", diff)
	}

	a := send(t, srv, http.MethodPost, v1, `{"metadata":{"name":"shop"},"spec":{"message":"hi","replicas":2}}`, nil)
	if a.status != http.StatusOK || a.json["id"] != "shop" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	a = send(t, srv, http.MethodGet, v1+"/shop", "", nil)
	status, _ := a.json["status"].(map[string]any)
	if a.status != http.StatusOK || status["helmChartVersion"] != "1.0.0" || status["releaseRevision"] != float64(1) {
		t.Errorf("get: %d, status %v: want the release installed at chart 1.0.0, revision 1", a.status, status)
	}
	for _, g := range groups() {
		items, _ := g["items"].([]any)
		if want := map[bool]int{true: 1, false: 0}[g["version"] == "v1-0-0"]; len(items) != want {
			t.Errorf("version %v lists %d compositions, want %d", g["version"], len(items), want)
		}
	}

	a = send(t, srv, http.MethodPut, v1+"/shop", `{"spec":{"message":"bonjour","replicas":-1}}`, nil)
	if a.status != http.StatusBadRequest || !strings.Contains(a.raw, `"spec.replicas"`) {
		t.Errorf("an update the schema refuses: %d %s, want 400 naming spec.replicas", a.status, a.raw)
	}
	a = send(t, srv, http.MethodPut, v1+"/shop", `{"spec":{"message":"bonjour"}}`, nil)
	if a.status != http.StatusOK {
		t.Errorf("update: %d %s", a.status, a.raw)
	}
	a = send(t, srv, http.MethodGet, v1+"/shop", "", nil)
	status, _ = a.json["status"].(map[string]any)
	if status["releaseRevision"] != float64(2) {
		t.Errorf("after the update: status %v, want revision 2", status)
	}

	for path, want := range map[string]int{
		"/api/compositions/webapps.composition.hubkit.dev/v9-0-0":     http.StatusNotFound,
		"/api/compositions/buckets.minio.scc-digitalhub.github.io/v1": http.StatusNotFound,
	} {
		if a := send(t, srv, http.MethodPost, path, `{"metadata":{"name":"x"}}`, nil); a.status != want {
			t.Errorf("POST %s: %d %s, want %d", path, a.status, a.raw, want)
		}
	}
	if a := send(t, srv, http.MethodPost, v1, `{"metadata":{"name":"Not_A_Name"}}`, nil); a.status != http.StatusBadRequest || !strings.Contains(a.raw, "metadata.name") {
		t.Errorf("a bad name: %d %s, want 400 naming metadata.name", a.status, a.raw)
	}

	if a := send(t, srv, http.MethodDelete, v1+"/shop", "", nil); a.status != http.StatusOK {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	if a := send(t, srv, http.MethodGet, v1+"/shop", "", nil); a.status != http.StatusNotFound {
		t.Errorf("after the delete: %d %s, want 404 once uninstalled", a.status, a.raw)
	}
}
