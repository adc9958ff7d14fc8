package restapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/restapi"
)

// consoleStep is one request DigitalHub's resource manager console sends
// (kubernetes-resource-manager, frontend/src: its data provider, built on
// react-admin's ra-data-json-server, and its crd, crs and cr pages), and
// what the console reads in the answer.
type consoleStep struct {
	reason, method, path, body string
	want                       int
	// read checks the fields the console reads from the answer.
	read func(t *testing.T, a answer)
}

// nested returns the value at path in an answer's JSON, and whether it is
// there.
func nested(a answer, path ...string) (any, bool) {
	v, found, err := unstructured.NestedFieldNoCopy(a.json, path...)
	return v, found && err == nil
}

// TestResourceManagerConsole replays what the resource manager's console
// sends to open its menu, a CRD's page, its Settings (custom schemas), and
// the list, show, create, edit and delete pages of a custom resource, and
// checks each answer has what the console reads. The console itself cannot
// be built here: its package.json pins @dslab/ra-* 1.x, published only on
// gitlab.fbk.eu's npm registry.
func TestResourceManagerConsole(t *testing.T) {
	srv := serve(t, restapi.WithCRDs(append(platform.CRDs(), platform.DemoCRDs()...)...))
	const (
		crd     = "experiments.demo.hubkit.dev" // the demo's CRD with no structural schema
		buckets = "buckets.minio.scc-digitalhub.github.io"
	)
	page := func(key string, want ...any) func(t *testing.T, a answer) {
		return func(t *testing.T, a answer) {
			t.Helper()
			if _, ok := a.json["totalElements"].(float64); !ok {
				t.Errorf("the page has no totalElements, which the console parses: %s", a.raw)
			}
			got := field(t, a, key)
			for _, w := range want {
				if !cmp.Equal(got, want) && !containsValue(got, w) {
					t.Errorf("the page's %s are %v, want %v among them", key, got, w)
				}
			}
		}
	}
	has := func(want any, path ...string) func(t *testing.T, a answer) {
		return func(t *testing.T, a answer) {
			t.Helper()
			got, ok := nested(a, path...)
			if !ok {
				t.Errorf("the answer has no %v, which the console reads: %s", path, a.raw)
				return
			}
			if want != nil && !cmp.Equal(want, got) {
				t.Errorf("the answer's %v is %v, want %v", path, got, want)
			}
		}
	}
	all := func(checks ...func(t *testing.T, a answer)) func(t *testing.T, a answer) {
		return func(t *testing.T, a answer) {
			t.Helper()
			for _, c := range checks {
				c(t, a)
			}
		}
	}
	storageVersion := func(t *testing.T, a answer) {
		t.Helper()
		versions, _ := nested(a, "spec", "versions")
		list, _ := versions.([]any)
		for _, v := range list {
			m, _ := v.(map[string]any)
			if m["storage"] == true {
				if m["name"] == "" {
					t.Errorf("the storage version has no name, the console's apiVersion: %v", m)
				}
				return
			}
		}
		t.Errorf("no version with storage: true, which useCrTransform and useGetCrdJsonSchema read: %s", a.raw)
	}
	schema, err := json.Marshal(map[string]any{"crdId": buckets, "version": "v1", "schema": `{"type":"object","properties":{"spec":{"type":"object"}}}`})
	if err != nil {
		t.Fatal(err)
	}
	steps := []consoleStep{
		{reason: "The menu: every crdId of the CRDs' and custom schemas (useUpdateCrdIds, fetchResources).",
			method: "GET", path: "/api/crs?all=true&size=1000", want: 200, read: page("crdId", crd, buckets)},
		{reason: "The CRD list page, sorted and paged as react-admin asks.",
			method: "GET", path: "/api/crd?sort=id,ASC&page=0&size=10", want: 200, read: page("id", buckets)},
		{reason: "The Settings' create page lists the CRDs without a schema (filter onlyWithoutSchema).",
			method: "GET", path: "/api/crd?sort=id,ASC&page=0&size=10&onlyWithoutSchema=true", want: 200, read: page("id", buckets)},
		{reason: "A reference field reads the CRDs it shows by id, several at once (getMany: id=a,b).",
			method: "GET", path: "/api/crd?id=" + crd + "," + buckets, want: 200, read: page("id", crd, buckets)},
		{reason: "A CRD's page, and every custom resource page (useCrTransform, useGetCrdJsonSchema): group, kind, versions with storage, the schema's spec.",
			method: "GET", path: "/api/crd/" + buckets, want: 200, read: all(has(nil, "id"), has("minio.scc-digitalhub.github.io", "spec", "group"),
				has("Bucket", "spec", "names", "kind"), has(nil, "metadata", "creationTimestamp"), has(nil, "metadata", "uid"), storageVersion)},
		{reason: "A CRD's page lists its schemas (getManyReference of crs: /api/crd/{id}/schemas).",
			method: "GET", path: "/api/crd/" + crd + "/schemas?sort=id,ASC&page=0&size=10", want: 200, read: page("version", "v1")},
		{reason: "Settings: a schema attached to a CRD (POST crs: crdId, version, schema as a string); the answer carries its id.",
			method: "POST", path: "/api/crs", body: string(schema), want: 200, read: all(has(nil, "id"), has(buckets, "crdId"), has("v1", "version"))},
		{reason: "Settings: the list shows it, with crdId, version and schema.",
			method: "GET", path: "/api/crs?sort=id,ASC&page=0&size=10", want: 200, read: page("crdId", buckets, crd)},
		{reason: "A custom resource list: id, apiVersion and kind of each, paged.",
			method: "GET", path: "/api/" + buckets + "?sort=id,ASC&page=0&size=10", want: 200,
			read: all(page("id", "datasets"), page("apiVersion", "minio.scc-digitalhub.github.io/v1"), page("kind", "Bucket"))},
		{reason: "A custom resource's show page: id, apiVersion, kind and spec.",
			method: "GET", path: "/api/" + buckets + "/datasets", want: 200,
			read: all(has("datasets", "id"), has("Bucket", "kind"), has("datasets", "spec", "name"))},
		{reason: "Its create page sends apiVersion, kind, metadata.name and spec (useCrTransform); react-admin reads the new id.",
			method: "POST", path: "/api/" + buckets,
			body: `{"apiVersion":"minio.scc-digitalhub.github.io/v1","kind":"Bucket","metadata":{"name":"console"},"spec":{"name":"console","quota":1024}}`,
			want: 200, read: has("console", "id")},
		{reason: "Its edit page puts back the whole record it read, with id, status and metadata.",
			method: "PUT", path: "/api/" + buckets + "/console",
			body: `{"id":"console","apiVersion":"minio.scc-digitalhub.github.io/v1","kind":"Bucket","metadata":{"name":"console","resourceVersion":"1"},"spec":{"name":"console","quota":2048},"status":{}}`,
			want: 200, read: has(float64(2048), "spec", "quota")},
		{reason: "A bad edit answers the error JSON the console shows, with the field.",
			method: "PUT", path: "/api/" + buckets + "/console", body: `{"spec":{"name":"console","quota":-1}}`,
			want: 400, read: has(nil, "message")},
		{reason: "A reference field reads custom resources by id, several at once.",
			method: "GET", path: "/api/" + buckets + "?id=console,datasets", want: 200, read: page("id", "console", "datasets")},
		{reason: "Its list's delete button.", method: "DELETE", path: "/api/" + buckets + "/console", want: 200},
		{reason: "It is gone.", method: "GET", path: "/api/" + buckets + "/console", want: 404, read: has(nil, "message")},
	}
	for _, s := range steps {
		a := send(t, srv, s.method, s.path, s.body, http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}})
		if a.status != s.want {
			t.Errorf("\nReason: %s\n%s %s = %d, want %d: %s", s.reason, s.method, s.path, a.status, s.want, a.raw)
			continue
		}
		if s.read != nil {
			t.Run(s.method+" "+s.path, func(t *testing.T) {
				s.read(t, a)
				if t.Failed() {
					t.Logf("Reason: %s", s.reason)
				}
			})
		}
	}
}

// containsValue says whether list holds v.
func containsValue(list []any, v any) bool {
	for _, item := range list {
		if cmp.Equal(item, v) {
			return true
		}
	}
	return false
}
