package restapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/platformtest"
	"github.com/hubkit-dev/hubkit/platform/restapi"
)

// field returns the values of key in every item of a page.
func field(t *testing.T, a answer, key string) []any {
	t.Helper()
	content, ok := a.json["content"].([]any)
	if !ok {
		t.Fatalf("no page content in %s", a.raw)
	}
	out := make([]any, 0, len(content))
	for _, c := range content {
		m, _ := c.(map[string]any)
		out = append(out, m[key])
	}
	return out
}

// storedSchemaJSON is the openAPIV3Schema of crd's storage version, decoded
// from JSON.
func storedSchemaJSON(t *testing.T, name string) any {
	t.Helper()
	for _, crd := range platform.CRDs() {
		if crd.Name != name {
			continue
		}
		i := slices.IndexFunc(crd.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Storage })
		if i < 0 {
			t.Fatalf("CRD %s has no storage version", name)
		}
		data, err := json.Marshal(crd.Spec.Versions[i].Schema.OpenAPIV3Schema)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Fatalf("no CRD %s", name)
	return nil
}

func TestReservedPaths(t *testing.T) {
	srv := newTestServer(t)
	crds := platform.CRDs()
	names := make([]any, 0, len(crds))
	for _, crd := range crds {
		names = append(names, crd.Name)
	}
	sortedNames := slices.Clone(names)
	slices.SortFunc(sortedNames, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	allowed := make([]string, 0, len(names))
	for _, n := range names {
		allowed = append(allowed, n.(string))
	}
	const postgres = "postgres.db.movetokube.com"
	emptyPage := func(t *testing.T, a answer) {
		t.Helper()
		if diff := cmp.Diff([]any{}, field(t, a, "id")); diff != "" || a.json["totalElements"] != float64(0) {
			t.Errorf("want an empty page, got %s", a.raw)
		}
	}
	cases := map[string]struct {
		reason string
		path   string
		want   int
		check  func(t *testing.T, a answer)
	}{
		"CRDs": {reason: "/api/crd lists the CRDs the API serves, by id.", path: "/api/crd", want: http.StatusOK, check: func(t *testing.T, a answer) {
			t.Helper()
			if diff := cmp.Diff(sortedNames, field(t, a, "id")); diff != "" {
				t.Errorf("ids: -want, +got:\n%s", diff)
			}
		}},
		"CRD": {reason: "/api/crd/{id} is the CRD, with id = metadata.name.", path: "/api/crd/" + postgres, want: http.StatusOK, check: func(t *testing.T, a answer) {
			t.Helper()
			got := map[string]any{"id": a.json["id"], "kind": a.json["kind"], "names": a.json["spec"].(map[string]any)["names"].(map[string]any)["kind"]}
			if diff := cmp.Diff(map[string]any{"id": postgres, "kind": "CustomResourceDefinition", "names": "Postgres"}, got); diff != "" {
				t.Errorf("-want, +got:\n%s", diff)
			}
		}},
		"CRDSchema": {reason: "/api/crd/{id}/schema is the storage version's schema from the CRD, a JSON string, id null.", path: "/api/crd/" + postgres + "/schema", want: http.StatusOK, check: func(t *testing.T, a answer) {
			t.Helper()
			var schema any
			if err := json.Unmarshal([]byte(a.json["schema"].(string)), &schema); err != nil {
				t.Fatalf("schema is no JSON string: %v", err)
			}
			got := map[string]any{"id": a.json["id"], "crdId": a.json["crdId"], "version": a.json["version"], "schema": schema}
			want := map[string]any{"id": nil, "crdId": postgres, "version": "v1alpha1", "schema": storedSchemaJSON(t, postgres)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("-want, +got:\n%s", diff)
			}
		}},
		"CRDSchemas": {reason: "/api/crd/{id}/schemas lists the schemas stored for the CRD: none, no store yet.", path: "/api/crd/" + postgres + "/schemas", want: http.StatusOK, check: emptyPage},
		"Schemas":    {reason: "/api/crs lists the stored schemas: none.", path: "/api/crs", want: http.StatusOK, check: emptyPage},
		"AllSchemas": {reason: "/api/crs?all=true adds each CRD's own schema; the console builds its menu from their crdId.", path: "/api/crs?all=true&size=1000", want: http.StatusOK, check: func(t *testing.T, a answer) {
			t.Helper()
			if diff := cmp.Diff(names, field(t, a, "crdId")); diff != "" {
				t.Errorf("crdIds: -want, +got:\n%s", diff)
			}
			for _, id := range field(t, a, "id") {
				if id != nil {
					t.Errorf("a schema taken from its CRD has id %v, want null", id)
				}
			}
			for _, s := range field(t, a, "schema") {
				if str, _ := s.(string); !strings.HasPrefix(str, "{") {
					t.Errorf("schema %v is not the schema as a JSON string", s)
				}
			}
		}},
		"AllSchemasByID": {reason: "An id filter looks for stored schemas only.", path: "/api/crs?all=true&id=abc", want: http.StatusOK, check: emptyPage},
		"Config": {reason: "/api/config is a flat map of the resource manager's settings to strings.", path: "/api/config", want: http.StatusOK, check: func(t *testing.T, a answer) {
			t.Helper()
			want := map[string]any{"K8S_NAMESPACE": platform.DemoNamespace, "K8S_CRD_ALLOWED": strings.Join(allowed, ",")}
			if diff := cmp.Diff(want, a.json); diff != "" {
				t.Errorf("-want, +got:\n%s", diff)
			}
		}},
		"User": {reason: "/api/user maps every resource to its operations.", path: "/api/user", want: http.StatusOK, check: func(t *testing.T, a answer) {
			t.Helper()
			for _, id := range append([]any{"k8s_pvc", "k8s_secret"}, names...) {
				if diff := cmp.Diff([]any{"all"}, a.json[id.(string)]); diff != "" {
					t.Errorf("%s: -want, +got:\n%s", id, diff)
				}
			}
		}},
		"UnknownCRD":        {reason: "A CRD the API does not serve is a 404.", path: "/api/crd/widgets.example.dev", want: http.StatusNotFound},
		"UnknownCRDSchemas": {reason: "So are its schemas.", path: "/api/crd/widgets.example.dev/schemas", want: http.StatusNotFound},
		"BadCRDID":          {reason: "A CRD id off the pattern is a 400.", path: "/api/crd/nodots", want: http.StatusBadRequest},
		"NoSchema":          {reason: "No schema is stored: /api/crs/{id} is a 404.", path: "/api/crs/abc", want: http.StatusNotFound},
		"BadAll":            {reason: "all is a boolean.", path: "/api/crs?all=maybe", want: http.StatusBadRequest},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := send(t, srv, http.MethodGet, tc.path, "", nil)
			if a.status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, a.status, tc.want, a.raw)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("\nReason: %s\nContent-Type %q, want application/json", tc.reason, ct)
			}
			if msg, _ := a.json["message"].(string); strings.Contains(msg, "want <plural>.<group>") && tc.want != http.StatusBadRequest {
				t.Errorf("\nReason: %s\nthe path was read as a custom resource: %s", tc.reason, msg)
			}
			if tc.check != nil {
				tc.check(t, a)
			}
		})
	}
}

func TestReservedPathsAreNoCustomResources(t *testing.T) {
	srv := newTestServer(t)
	// Each of these would reach a /api/{crdId} route, whose answer for an id
	// without a dot is a 400 naming the crd id, were it not reserved.
	cases := map[string]struct {
		reason string
		method string
		path   string
		want   int
	}{
		"ListSchemas":  {reason: "GET /api/crs.", method: http.MethodGet, path: "/api/crs", want: http.StatusOK},
		"Config":       {reason: "GET /api/config.", method: http.MethodGet, path: "/api/config", want: http.StatusOK},
		"CreateCRD":    {reason: "POST /api/crd.", method: http.MethodPost, path: "/api/crd", want: http.StatusMethodNotAllowed},
		"CreateSchema": {reason: "POST /api/crs is a schema write, not a custom resource of a CRD called crs: without a crdId it is a 400.", method: http.MethodPost, path: "/api/crs", want: http.StatusBadRequest},
		"CreateConfig": {reason: "POST /api/config.", method: http.MethodPost, path: "/api/config", want: http.StatusMethodNotAllowed},
		"CreateUser":   {reason: "POST /api/user.", method: http.MethodPost, path: "/api/user", want: http.StatusMethodNotAllowed},
		"UpdateCRD":    {reason: "PUT /api/crd/{id}.", method: http.MethodPut, path: "/api/crd/" + "postgres.db.movetokube.com", want: http.StatusMethodNotAllowed},
		"DeleteCRD":    {reason: "DELETE /api/crd/{id}.", method: http.MethodDelete, path: "/api/crd/" + "postgres.db.movetokube.com", want: http.StatusMethodNotAllowed},
		"UpdateSchema": {reason: "PUT /api/crs/{id} of a schema that does not exist.", method: http.MethodPut, path: "/api/crs/abc", want: http.StatusNotFound},
		"DeleteSchema": {reason: "DELETE /api/crs/{id} of a schema that does not exist.", method: http.MethodDelete, path: "/api/crs/abc", want: http.StatusNotFound},
		"GetSchema":    {reason: "GET /api/crs/{id}.", method: http.MethodGet, path: "/api/crs/abc", want: http.StatusNotFound},
		"UnderConfig":  {reason: "GET /api/config/{id}.", method: http.MethodGet, path: "/api/config/abc", want: http.StatusNotFound},
		"UnderUser":    {reason: "DELETE /api/user/{id}.", method: http.MethodDelete, path: "/api/user/abc", want: http.StatusNotFound},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := send(t, srv, tc.method, tc.path, `{}`, nil)
			if a.status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, a.status, tc.want, a.raw)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("\nReason: %s\nContent-Type %q, want application/json", tc.reason, ct)
			}
			if strings.Contains(a.raw, "crd id") {
				t.Errorf("\nReason: %s\nthe path was read as a custom resource: %s", tc.reason, a.raw)
			}
		})
	}
}

// TestCustomSchemas walks the resource manager's Settings: a custom schema
// stored for a CRD wins over the CRD's own for the CRD's schema endpoint and
// for every write of its custom resources, and goes again on delete.
func TestCustomSchemas(t *testing.T) {
	srv := newTestServer(t)
	const crd = "postgres.db.movetokube.com"
	// Stricter than the CRD: a database must name its master role.
	strict := `{"type":"object","properties":{"spec":{"type":"object","required":["database","masterRole"],"properties":{"database":{"type":"string"},"masterRole":{"type":"string","pattern":"^[a-z_]+$"}}}}}`
	body, err := json.Marshal(map[string]any{"crdId": crd, "version": "v1alpha1", "schema": strict})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		reason, method, path, body string
		want                       int
		field                      string // named in the error's fields
		has                        string // in the answer
	}{
		{reason: "A schema that is no JSON schema is refused with the field.", method: "POST", path: "/api/crs",
			body: `{"crdId":"` + crd + `","version":"v1alpha1","schema":"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"(\"}}}"}`,
			want: 400, field: "spec.schema.properties[a].pattern"},
		{reason: "A schema of a CRD the API does not serve is refused.", method: "POST", path: "/api/crs",
			body: `{"crdId":"gadgets.example.dev","version":"v1","schema":"{}"}`, want: 400, field: "spec.crdId"},
		{reason: "A schema is stored, under the id given, its schema a JSON string as in the resource manager's DTO.", method: "POST", path: "/api/crs?id=strict-postgres",
			body: string(body), want: 200, has: `"id":"strict-postgres"`},
		{reason: "The list shows it.", method: "GET", path: "/api/crs", want: 200, has: `"strict-postgres"`},
		{reason: "The CRD's schemas list it.", method: "GET", path: "/api/crd/" + crd + "/schemas", want: 200, has: `"strict-postgres"`},
		{reason: "The CRD's schema is the stored one now.", method: "GET", path: "/api/crd/" + crd + "/schema", want: 200, has: `masterRole`},
		{reason: "onlyWithoutSchema leaves the CRD out.", method: "GET", path: "/api/crd?onlyWithoutSchema=true&size=100", want: 200, has: `postgresusers.db.movetokube.com`},
		{reason: "A database the custom schema refuses is a 400 naming the field, though the CRD would take it.", method: "POST", path: "/api/" + crd,
			body: `{"metadata":{"name":"loose"},"spec":{"database":"loose"}}`, want: 400, field: "spec.masterRole"},
		{reason: "A database the custom schema accepts is created.", method: "POST", path: "/api/" + crd,
			body: `{"metadata":{"name":"strict"},"spec":{"database":"strict","masterRole":"owner_role"}}`, want: 200},
		{reason: "Only the storage version is written, as in the resource manager.", method: "POST", path: "/api/" + crd,
			body: `{"apiVersion":"db.movetokube.com/v1beta9","metadata":{"name":"future"},"spec":{"database":"f","masterRole":"r"}}`, want: 400, field: "apiVersion"},
		{reason: "The schema is deleted.", method: "DELETE", path: "/api/crs/strict-postgres", want: 200},
		{reason: "Then the CRD's own schema applies again.", method: "POST", path: "/api/" + crd,
			body: `{"metadata":{"name":"loose"},"spec":{"database":"loose"}}`, want: 200},
		{reason: "And the stored schema is gone.", method: "GET", path: "/api/crs/strict-postgres", want: 404},
	}
	for _, step := range steps {
		a := send(t, srv, step.method, step.path, step.body, http.Header{"Content-Type": {"application/json"}})
		if a.status != step.want {
			t.Fatalf("%s\n%s %s = %d, want %d: %s", step.reason, step.method, step.path, a.status, step.want, a.raw)
		}
		if step.has != "" && !strings.Contains(a.raw, step.has) {
			t.Errorf("%s\n%s %s does not show %s: %s", step.reason, step.method, step.path, step.has, a.raw)
		}
		if step.field != "" && !strings.Contains(a.raw, `"field":"`+step.field+`"`) {
			t.Errorf("%s\n%s %s does not name the field %s: %s", step.reason, step.method, step.path, step.field, a.raw)
		}
		if step.has == `postgresusers.db.movetokube.com` && strings.Contains(a.raw, `"id":"`+crd+`"`) {
			t.Errorf("%s\nthe CRD with a stored schema is listed: %s", step.reason, a.raw)
		}
	}
}

// TestCRDPolicy checks that the API serves only the CRDs its Platform's
// custom resources policy allows (K8S_CRD_ALLOWED, K8S_CRD_DENIED), on
// every path that names CRDs.
func TestCRDPolicy(t *testing.T) {
	const denied = "buckets.minio.scc-digitalhub.github.io"
	p, _, err := platformtest.NewEmbedded(t.Context(), platform.DemoNamespace, true,
		platform.WithCustomResources(crs.WithPolicy(crs.Policy{Denied: []string{denied}})))
	if err != nil {
		t.Fatal(err)
	}
	h, err := restapi.New(func(*http.Request) (*platform.Platform, error) { return p, nil })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cases := map[string]struct {
		reason string
		path   string
		want   int
		absent bool // the answer must not mention the denied CRD
	}{
		"List":    {reason: "The CRD list leaves it out.", path: "/api/crd?size=100", want: 200, absent: true},
		"Get":     {reason: "The CRD is NotFound.", path: "/api/crd/" + denied, want: 404},
		"Objects": {reason: "Its custom resources are NotFound.", path: "/api/" + denied, want: 404},
		"User":    {reason: "The user's operations leave it out.", path: "/api/user", want: 200, absent: true},
		"Config":  {reason: "The configuration's allowed CRDs leave it out.", path: "/api/config", want: 200, absent: true},
		"Other":   {reason: "Another CRD is served.", path: "/api/policies.minio.scc-digitalhub.github.io", want: 200},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := send(t, srv, http.MethodGet, tc.path, "", nil)
			if a.status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, a.status, tc.want, a.raw)
			}
			if tc.absent && strings.Contains(a.raw, denied) {
				t.Errorf("\nReason: %s\nthe answer names the denied CRD: %s", tc.reason, a.raw)
			}
		})
	}
}
