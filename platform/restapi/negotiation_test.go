package restapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

func TestYAMLAnswers(t *testing.T) {
	srv := newTestServer(t)
	cases := map[string]struct {
		reason string
		path   string
		accept string
		want   string
	}{
		"List":           {reason: "A list.", path: "/api/k8s_service", accept: "application/x-yaml", want: "application/x-yaml"},
		"Detail":         {reason: "A detail, as the console's YAML view asks.", path: "/api/k8s_pvc/datasets", accept: "application/x-yaml", want: "application/x-yaml"},
		"SecretMasked":   {reason: "A secret, masked in YAML too.", path: "/api/k8s_secret/api-token", accept: "application/x-yaml", want: "application/x-yaml"},
		"CustomResource": {reason: "A custom resource.", path: "/api/postgres.db.movetokube.com/analytics", accept: "application/x-yaml", want: "application/x-yaml"},
		"CRD":            {reason: "A reserved path.", path: "/api/crd/postgres.db.movetokube.com", accept: "application/x-yaml", want: "application/x-yaml"},
		"Log":            {reason: "A log, a list of lines.", path: "/api/k8s_deployment/jupyter/log", accept: "application/x-yaml", want: "application/x-yaml"},
		"TextYAML":       {reason: "text/yaml answers text/yaml.", path: "/api/k8s_quota/compute", accept: "text/yaml", want: "text/yaml"},
		"DefaultJSON":    {reason: "No Accept: JSON.", path: "/api/k8s_pvc/datasets", want: "application/json"},
		"AskedJSON":      {reason: "Accept: application/json: JSON.", path: "/api/k8s_service", accept: "application/json", want: "application/json"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			jsonAnswer := send(t, srv, http.MethodGet, tc.path, "", nil)
			header := http.Header{}
			if tc.accept != "" {
				header.Set("Accept", tc.accept)
			}
			a := send(t, srv, http.MethodGet, tc.path, "", header)
			if a.status != http.StatusOK || jsonAnswer.status != http.StatusOK {
				t.Fatalf("\nReason: %s\nstatus %d and %d: %s", tc.reason, a.status, jsonAnswer.status, a.raw)
			}
			if got := a.header.Get("Content-Type"); got != tc.want {
				t.Errorf("\nReason: %s\nContent-Type %q, want %q", tc.reason, got, tc.want)
			}
			if got := a.header.Get("Vary"); got != "Accept" {
				t.Errorf("\nReason: %s\nVary %q, want Accept", tc.reason, got)
			}
			if isJSON := json.Valid([]byte(a.raw)); isJSON != (tc.want == "application/json") {
				t.Errorf("\nReason: %s\nthe body is JSON: %t, want %t:\n%s", tc.reason, isJSON, !isJSON, a.raw)
			}
			var fromYAML, fromJSON any
			if err := yaml.Unmarshal([]byte(a.raw), &fromYAML); err != nil {
				t.Fatalf("\nReason: %s\nthe body is no YAML: %v", tc.reason, err)
			}
			if err := json.Unmarshal([]byte(jsonAnswer.raw), &fromJSON); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(fromJSON, fromYAML); diff != "" {
				t.Errorf("\nReason: %s\nthe YAML says something else than the JSON: -json, +yaml:\n%s", tc.reason, diff)
			}
			if strings.Contains(a.raw, "demo-token-123") {
				t.Errorf("\nReason: %s\nthe answer shows a secret value", tc.reason)
			}
		})
	}
}

func TestYAMLBodies(t *testing.T) {
	srv := newTestServer(t)
	const buckets = "/api/buckets.minio.scc-digitalhub.github.io"
	yamlType := http.Header{"Content-Type": {"application/x-yaml"}}

	// The console's YAML editor: read the object as YAML, change it, put it back.
	got := send(t, srv, http.MethodGet, buckets+"/datasets", "", http.Header{"Accept": {"application/x-yaml"}})
	if got.status != http.StatusOK {
		t.Fatalf("reading the bucket as YAML: %d %s", got.status, got.raw)
	}
	var bucket map[string]any
	if err := yaml.Unmarshal([]byte(got.raw), &bucket); err != nil {
		t.Fatal(err)
	}
	bucket["spec"].(map[string]any)["quota"] = 7
	edited, err := yaml.Marshal(bucket)
	if err != nil {
		t.Fatal(err)
	}

	cases := map[string]struct {
		reason string
		method string
		path   string
		body   string
		header http.Header
		want   int
		// check reads this back to see the write.
		check      string
		checkField func(m map[string]any) any
		wantField  any
	}{
		"PutEdited": {
			reason: "The console puts back the YAML it read, edited.", method: http.MethodPut, path: buckets + "/datasets", body: string(edited), header: yamlType,
			want: http.StatusOK, check: buckets + "/datasets", checkField: func(m map[string]any) any { return m["spec"].(map[string]any)["quota"] }, wantField: float64(7),
		},
		"CreateCR": {
			reason: "A custom resource from YAML.", method: http.MethodPost, path: buckets, body: "metadata:\n  name: from-yaml\nspec:\n  name: from-yaml\n", header: yamlType,
			want: http.StatusOK, check: buckets + "/from-yaml", checkField: func(m map[string]any) any { return m["spec"].(map[string]any)["name"] }, wantField: "from-yaml",
		},
		"CreatePVC": {
			reason: "A PVC from the resource manager's body, in YAML.", method: http.MethodPost, path: "/api/k8s_pvc", body: "name: yaml-claim\nresourceAmount: 2\naccessModes: [ReadWriteOnce]\n", header: http.Header{"Content-Type": {"text/yaml"}},
			want: http.StatusOK, check: "/api/k8s_pvc/yaml-claim", checkField: func(m map[string]any) any {
				return m["spec"].(map[string]any)["resources"].(map[string]any)["requests"].(map[string]any)["storage"]
			}, wantField: "2Gi",
		},
		"BadYAML": {
			reason: "YAML that does not parse is a 400.", method: http.MethodPost, path: buckets, body: "metadata: [unclosed\n", header: yamlType,
			want: http.StatusBadRequest,
		},
		"YAMLUnknownField": {
			reason: "Unknown fields are refused in YAML as in JSON.", method: http.MethodPost, path: "/api/k8s_pvc", body: "name: x\nsize: 3\n", header: yamlType,
			want: http.StatusBadRequest,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := send(t, srv, tc.method, tc.path, tc.body, tc.header)
			if a.status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, a.status, tc.want, a.raw)
			}
			if tc.check == "" {
				return
			}
			_, m, raw := call(t, srv, http.MethodGet, tc.check, "")
			if m == nil {
				t.Fatalf("\nReason: %s\nreading back: %s", tc.reason, raw)
			}
			if diff := cmp.Diff(tc.wantField, tc.checkField(m)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
