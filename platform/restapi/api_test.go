package restapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/platformtest"
	"github.com/hubkit-dev/hubkit/platform/restapi"
)

// newTestServer serves the API over a new embedded demo cluster, as the
// dashboard does: with simulated logs.
func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	return serve(t, restapi.WithSimulatedLogs())
}

// serve serves the API over a new embedded demo cluster, with opts.
func serve(t *testing.T, opts ...restapi.Option) *httptest.Server {
	t.Helper()
	p, _, err := platformtest.NewEmbedded(t.Context(), platform.DemoNamespace, true)
	if err != nil {
		t.Fatal(err)
	}
	h, err := restapi.New(func(*http.Request) (*platform.Platform, error) { return p, nil },
		append([]restapi.Option{restapi.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// An answer is what the API answered.
type answer struct {
	status int
	header http.Header
	raw    string
	json   map[string]any // the body, when it is a JSON object
}

// send sends a request with header and returns the answer.
func send(t *testing.T, srv *httptest.Server, method, path, body string, header http.Header) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(req.Header, header)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.json)
	return a
}

// call sends a request as an API client does: no browser headers.
func call(t *testing.T, srv *httptest.Server, method, path, body string) (int, map[string]any, string) {
	t.Helper()
	a := send(t, srv, method, path, body, nil)
	return a.status, a.json, a.raw
}

func ids(t *testing.T, page map[string]any) []string {
	t.Helper()
	content, ok := page["content"].([]any)
	if !ok {
		t.Fatalf("no content in %v", page)
	}
	out := make([]string, 0, len(content))
	for _, c := range content {
		item, _ := c.(map[string]any)
		out = append(out, item["id"].(string))
	}
	return out
}

func TestListsPageAndSort(t *testing.T) {
	srv := newTestServer(t)
	cases := map[string]struct {
		reason string
		path   string
		want   []string
		total  float64
	}{
		"Services":      {reason: "Services through DigitalHub's default selector.", path: "/api/k8s_service", want: []string{"classifier", "dremiorestserver-lake-api", "jupyter", "postgrest-analytics"}, total: 4},
		"Deployments":   {reason: "Deployments, sorted by id.", path: "/api/k8s_deployment", want: []string{"dremiorestserver-lake-api", "jupyter", "postgrest-analytics", "vscode"}, total: 4},
		"SortDesc":      {reason: "sort=id,DESC reverses.", path: "/api/k8s_deployment?sort=id,DESC", want: []string{"vscode", "postgrest-analytics", "jupyter", "dremiorestserver-lake-api"}, total: 4},
		"SortByPath":    {reason: "sort takes a dotted field path.", path: "/api/k8s_pvc?sort=metadata.name,DESC", want: []string{"scratch", "datasets"}, total: 2},
		"Paging":        {reason: "size and page select a page.", path: "/api/k8s_service?size=3&page=1", want: []string{"postgrest-analytics"}, total: 4},
		"IDFilter":      {reason: "id filters, comma lists allowed.", path: "/api/k8s_service?id=jupyter,classifier", want: []string{"classifier", "jupyter"}, total: 2},
		"PVCs":          {reason: "Claims with the managed-by label.", path: "/api/k8s_pvc", want: []string{"datasets", "scratch"}, total: 2},
		"StorageClass":  {reason: "Storage classes.", path: "/api/k8s_storageclass", want: []string{"local-nvme", "standard"}, total: 2},
		"Jobs":          {reason: "Jobs.", path: "/api/k8s_job", want: []string{"train-model"}, total: 1},
		"Quotas":        {reason: "Quotas.", path: "/api/k8s_quota", want: []string{"compute"}, total: 1},
		"CustomKind":    {reason: "Custom resources by crdId.", path: "/api/postgres.db.movetokube.com", want: []string{"analytics"}, total: 1},
		"CustomBuckets": {reason: "Another custom kind.", path: "/api/buckets.minio.scc-digitalhub.github.io", want: []string{"datasets"}, total: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, page, raw := call(t, srv, http.MethodGet, tc.path, "")
			if status != http.StatusOK {
				t.Fatalf("\nReason: %s\nstatus %d: %s", tc.reason, status, raw)
			}
			if diff := cmp.Diff(tc.want, ids(t, page)); diff != "" {
				t.Errorf("\nReason: %s\nids: -want, +got:\n%s", tc.reason, diff)
			}
			if page["totalElements"] != tc.total {
				t.Errorf("\nReason: %s\ntotalElements = %v, want %v", tc.reason, page["totalElements"], tc.total)
			}
			for _, key := range []string{"totalPages", "size", "number", "numberOfElements", "first", "last", "empty", "sort"} {
				if _, ok := page[key]; !ok {
					t.Errorf("\nReason: %s\nthe page JSON lacks %q", tc.reason, key)
				}
			}
		})
	}
}

func TestSecretsMaskedAndDecoded(t *testing.T) {
	srv := newTestServer(t)
	_, page, raw := call(t, srv, http.MethodGet, "/api/k8s_secret", "")
	if strings.Contains(raw, "demo-token-123") || strings.Contains(raw, "demo-password-not-real") {
		t.Fatalf("the secret list shows a value: %s", raw)
	}
	if !strings.Contains(raw, `"token":"*************"`) || len(ids(t, page)) < 2 {
		t.Errorf("the list must mask every value: %s", raw)
	}
	if _, _, raw := call(t, srv, http.MethodGet, "/api/k8s_secret/api-token", ""); strings.Contains(raw, "demo-token-123") {
		t.Errorf("the detail shows a value: %s", raw)
	}
	status, m, _ := call(t, srv, http.MethodGet, "/api/k8s_secret/api-token/decode/token", "")
	if status != http.StatusOK || m["token"] != "demo-token-123" {
		t.Errorf("decode = %d %v; want the value", status, m)
	}
	status, m, _ = call(t, srv, http.MethodGet, "/api/k8s_secret/api-token/decode/missing", "")
	if status != http.StatusNotFound || m["status"] != float64(404) || m["path"] != "/api/k8s_secret/api-token/decode/missing" {
		t.Errorf("decoding a missing key = %d %v; want the 404 error JSON", status, m)
	}
}

func TestWrites(t *testing.T) {
	srv := newTestServer(t)
	cases := map[string]struct {
		reason     string
		method     string
		path, body string
		want       int
		message    string
		// absent, when set, must still be NotFound afterwards: a refused
		// write makes nothing.
		absent string
		// field, when set, must be named in the error JSON's fields, for a
		// form to show the message next to it.
		field string
	}{
		"UserOfMissingDatabase": {
			reason: "A PostgresUser is checked as databases.Client.CreateUser checks it: its database must exist.",
			method: "POST", path: "/api/postgresusers.db.movetokube.com",
			body: `{"metadata":{"name":"ghost"},"spec":{"role":"ghost","database":"nowhere","secretName":"ghost","privileges":"READ"}}`,
			want: 400, message: "spec.database", absent: "/api/postgresusers.db.movetokube.com/ghost", field: "spec.database",
		},
		"UserWithoutRole": {
			reason: "A PostgresUser written whole must name its role, which the builder would default.",
			method: "POST", path: "/api/postgresusers.db.movetokube.com",
			body: `{"metadata":{"name":"nameless"},"spec":{"role":"","database":"analytics","secretName":"nameless","privileges":"READ"}}`,
			want: 400, message: "spec.role", absent: "/api/postgresusers.db.movetokube.com/nameless",
		},
		"UserOfMissingPolicy": {
			reason: "An object store User is checked as objectstore.Client.CreateUser checks it: its policies must exist; the secret key never shows.",
			method: "POST", path: "/api/users.minio.scc-digitalhub.github.io",
			body: `{"metadata":{"name":"loader"},"spec":{"accessKey":"loader","secretKey":"hunter2-secret","policies":["nope"]}}`,
			want: 400, message: "spec.policies[0]", absent: "/api/users.minio.scc-digitalhub.github.io/loader",
		},
		"PolicyNotJSON": {
			reason: "A Policy's content is parsed as an IAM policy.",
			method: "POST", path: "/api/policies.minio.scc-digitalhub.github.io",
			body: `{"metadata":{"name":"broken"},"spec":{"name":"broken","content":"{not json"}}`,
			want: 400, message: "spec.content", absent: "/api/policies.minio.scc-digitalhub.github.io/broken",
		},
		"UpdateToMissingDatabase": {
			reason: "An edit is checked too: moving the demo user to a database that does not exist is refused.",
			method: "PUT", path: "/api/postgresusers.db.movetokube.com/dashboard",
			body: `{"spec":{"role":"dashboard","database":"nowhere","secretName":"dashboard","privileges":"READ"}}`,
			want: 400, message: "spec.database",
		},
		"SchemaOfMissingCRD": {
			reason: "A custom schema written as a custom resource passes the checks of crs.Client.SetSchema: its CRD must exist.",
			method: "POST", path: "/api/customresourceschemas.hubkit.dev",
			body: `{"metadata":{"name":"ghost-schema"},"spec":{"crdId":"gadgets.example.dev","version":"v1","schema":{"type":"object"}}}`,
			want: 400, field: "spec.crdId", absent: "/api/customresourceschemas.hubkit.dev/ghost-schema",
		},
		"CreatePVC":     {reason: "The resource manager's PVC body creates a claim.", method: "POST", path: "/api/k8s_pvc", body: `{"name":"models","accessModes":["ReadWriteOnce"],"resourceAmount":3,"storageClassName":"standard","volumeMode":"Filesystem"}`, want: 200},
		"BadPVC":        {reason: "An invalid claim is a 400 naming the field.", method: "POST", path: "/api/k8s_pvc", body: `{"name":"Bad Name","resourceAmount":0}`, want: 400, message: "metadata.name", field: "metadata.name"},
		"UnknownField":  {reason: "Unknown body fields are refused.", method: "POST", path: "/api/k8s_pvc", body: `{"name":"x","size":3}`, want: 400, message: "unknown field"},
		"CreateSecret":  {reason: "A secret from plain text.", method: "POST", path: "/api/k8s_secret", body: `{"name":"new-secret","data":{"k":"plain"}}`, want: 200},
		"BadSecretKey":  {reason: "An invalid key is a 400 naming it, never the value.", method: "POST", path: "/api/k8s_secret", body: `{"name":"s","data":{"bad key":"hunter2"}}`, want: 400, message: "data[bad key]"},
		"DeleteMounted": {reason: "Deleting a missing claim is a 404.", method: "DELETE", path: "/api/k8s_pvc/missing", want: 404},
		"DeleteScratch": {reason: "An unmounted claim is deleted.", method: "DELETE", path: "/api/k8s_pvc/scratch", want: 200},
		"BadID":         {reason: "Ids follow the resource manager's pattern.", method: "GET", path: "/api/k8s_pvc/Bad_ID", want: 400, message: "id"},
		"UnknownCRD":    {reason: "An unknown crdId is a 404.", method: "GET", path: "/api/widgets.example.dev", want: 404},
		"CreateCR":      {reason: "A custom resource from its JSON.", method: "POST", path: "/api/buckets.minio.scc-digitalhub.github.io", body: `{"metadata":{"name":"logs"},"spec":{"name":"logs-bucket"}}`, want: 200},
		"InvalidCR":     {reason: "A custom resource the CRD refuses is a 400 with the field.", method: "POST", path: "/api/buckets.minio.scc-digitalhub.github.io", body: `{"metadata":{"name":"bad"},"spec":{"name":"Bad_Bucket"}}`, want: 400, message: "spec.name", field: "spec.name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, m, raw := call(t, srv, tc.method, tc.path, tc.body)
			if status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, status, tc.want, raw)
			}
			if tc.message != "" && !strings.Contains(m["message"].(string), tc.message) {
				t.Errorf("\nReason: %s\nmessage %q does not mention %q", tc.reason, m["message"], tc.message)
			}
			if tc.field != "" {
				fields, _ := m["fields"].([]any)
				found := false
				for _, f := range fields {
					if entry, ok := f.(map[string]any); ok && entry["field"] == tc.field && entry["message"] != "" {
						found = true
					}
				}
				if !found {
					t.Errorf("\nReason: %s\nthe error's fields %v do not name %s", tc.reason, m["fields"], tc.field)
				}
			}
			if strings.Contains(raw, "hunter2") {
				t.Errorf("\nReason: %s\nthe answer shows a secret value: %s", tc.reason, raw)
			}
			if tc.absent != "" {
				if status, _, raw := call(t, srv, "GET", tc.absent, ""); status != 404 {
					t.Errorf("\nReason: %s\nthe refused write made %s: %d %s", tc.reason, tc.absent, status, raw)
				}
			}
		})
	}
}

func TestQuotaStatusHasHardAndUsed(t *testing.T) {
	srv := newTestServer(t)
	cases := map[string]struct {
		reason string
		path   string
		quota  func(a answer) map[string]any
	}{
		"List": {reason: "The console reads status.hard and status.used of every listed quota; the embedded cluster leaves status empty.", path: "/api/k8s_quota", quota: func(a answer) map[string]any {
			content, _ := a.json["content"].([]any)
			if len(content) != 1 {
				return nil
			}
			q, _ := content[0].(map[string]any)
			return q
		}},
		"Detail": {reason: "The console's quota page reads status.hard and status.used.", path: "/api/k8s_quota/compute", quota: func(a answer) map[string]any { return a.json }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := send(t, srv, http.MethodGet, tc.path, "", nil)
			if a.status != http.StatusOK {
				t.Fatalf("\nReason: %s\nstatus %d: %s", tc.reason, a.status, a.raw)
			}
			q := tc.quota(a)
			if q == nil {
				t.Fatalf("\nReason: %s\nno quota in %s", tc.reason, a.raw)
			}
			want := map[string]any{"hard": map[string]any{}, "used": map[string]any{}}
			if diff := cmp.Diff(want, q["status"]); diff != "" {
				t.Errorf("\nReason: %s\nstatus: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(map[string]any{"pods": "20", "requests.cpu": "8", "requests.memory": "32Gi"}, q["spec"].(map[string]any)["hard"]); diff != "" {
				t.Errorf("\nReason: %s\nspec.hard is kept: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestQuotaItem(t *testing.T) {
	cases := map[string]struct {
		reason string
		status corev1.ResourceQuotaStatus
		want   map[string]any
	}{
		"Empty": {reason: "An empty status gets empty hard and used maps.", want: map[string]any{"hard": map[string]any{}, "used": map[string]any{}}},
		"HardOnly": {
			reason: "A status with hard only gets an empty used map; hard is kept.",
			status: corev1.ResourceQuotaStatus{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("4")}},
			want:   map[string]any{"hard": map[string]any{"pods": "4"}, "used": map[string]any{}},
		},
		"Both": {
			reason: "A filled status is kept as it is.",
			status: corev1.ResourceQuotaStatus{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("4")}, Used: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")}},
			want:   map[string]any{"hard": map[string]any{"pods": "4"}, "used": map[string]any{"pods": "1"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := restapi.Item(&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q"}, Status: tc.status})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, m["status"]); diff != "" {
				t.Errorf("\nReason: %s\nstatus: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
