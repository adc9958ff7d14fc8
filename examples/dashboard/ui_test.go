package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/secrets"
)

func TestPagesRender(t *testing.T) {
	h := newTestHandler(t)
	for _, path := range []string{"/ui/k8s_pvc", "/ui/k8s_secret", "/ui/k8s_secret/api-token", "/ui/k8s_service", "/ui/postgres.db.movetokube.com", "/ui/users.minio.scc-digitalhub.github.io/etl", "/healthz"} {
		status, _, raw := get(t, h, path, nil)
		if status != http.StatusOK {
			t.Errorf("%s: status %d", path, status)
		}
		for _, leak := range []string{"demo-token-123", "demo-secret-key"} {
			if strings.Contains(raw, leak) {
				t.Errorf("%s shows a secret value", path)
			}
		}
	}
	_, header, raw := get(t, h, "/ui/k8s_pvc", nil)
	if !strings.Contains(raw, "Demo mode") || !strings.Contains(raw, "datasets") {
		t.Errorf("the PVC page lacks the demo banner or the claims")
	}
	if strings.Contains(strings.ToLower(raw), "csrf") || header.Get("Set-Cookie") != "" {
		t.Errorf("the page still carries a CSRF token or sets a cookie: Set-Cookie %q", header.Get("Set-Cookie"))
	}
	// The object store User's spec.secretKey, which its domain declares
	// secret, shows masked on the user's page (the template escapes the
	// JSON's quotes).
	if _, _, raw := get(t, h, "/ui/users.minio.scc-digitalhub.github.io/etl", nil); !strings.Contains(raw, "secretKey&#34;: &#34;"+secrets.Mask) {
		t.Errorf("the user's page does not show its secret key masked:\n%s", raw)
	}
}

// TestEveryRegisteredKindIsServed checks that every kind the domains
// register is in the menu, under its title, and has a list page and an API
// list: a new domain needs no edit here.
func TestEveryRegisteredKindIsServed(t *testing.T) {
	h := newTestHandler(t)
	_, _, home := get(t, h, "/ui/k8s_pvc", nil)
	kinds := platform.Kinds()
	if len(kinds) == 0 {
		t.Fatal("the registry has no kinds")
	}
	for _, kind := range kinds {
		t.Run(kind.ID, func(t *testing.T) {
			if link := `<a href="/ui/` + kind.ID + `"`; !strings.Contains(home, link) {
				t.Errorf("the menu has no link %s", link)
			}
			if !strings.Contains(home, ">"+kind.Title+"</a>") {
				t.Errorf("the menu does not title %s %q", kind.ID, kind.Title)
			}
			if status, _, raw := get(t, h, "/ui/"+kind.ID, nil); status != http.StatusOK {
				t.Errorf("GET /ui/%s = %d: %s", kind.ID, status, raw)
			}
			if status, _, raw := get(t, h, "/api/"+kind.ID, nil); status != http.StatusOK {
				t.Errorf("GET /api/%s = %d: %s", kind.ID, status, raw)
			}
		})
	}
}

// TestCustomResourceListColumns checks that a list of custom resources
// shows its domain's columns and the state its type's Readiness reports,
// with its message when pointed at.
func TestCustomResourceListColumns(t *testing.T) {
	h := newTestHandler(t)
	_, _, raw := get(t, h, "/ui/postgresusers.db.movetokube.com", nil)
	for _, want := range []string{"<th>Database</th>", "<th>Privileges</th>", "<th>Role</th>", "<th>State</th>", "<td>analytics</td>", "<td>READ</td>", `<td title="role dashboard-`, ` in analytics-reader of database analytics">Ready</td>`, "<td>dashboard-"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the database users page lacks %s:\n%s", want, raw)
		}
	}
}

// TestCustomResourceForm checks that a custom resource's list page has a
// form drawn from its kind's schema: an input per field, with its label,
// hint and error place, and no raw JSON textarea.
func TestCustomResourceForm(t *testing.T) {
	h := newTestHandler(t)
	cases := map[string]struct {
		reason string
		path   string
		want   []string
		absent []string
	}{
		"DatabaseUser": {
			reason: "A PostgresUser's spec fields are inputs, the required ones required, with their description as hint and a place for their error.",
			path:   "/ui/postgresusers.db.movetokube.com",
			want: []string{
				`data-path="metadata.name"`, `data-path="spec.database"`, `data-path="spec.role"`, `data-path="spec.secretName"`, `data-path="spec.privileges"`,
				`<label for="field-spec.database" class="required">database</label>`,
				`<input id="field-spec.database" name="spec.database" data-path="spec.database" data-field="text" data-type="string" type="text" required`,
				`<small class="hint" id="hint-spec.database">Database is the name of the Postgres resource`,
				`<small class="field-error" id="error-spec.database" data-error-for="spec.database"></small>`,
				`<legend>aws</legend>`, `data-path="spec.aws.enableIamAuth" data-field="checkbox"`,
				`<textarea id="field-spec.labels" name="spec.labels" data-path="spec.labels" data-field="json"`,
				`data-error-general`,
			},
			absent: []string{"Resource (JSON)", `name="body"`, `data-path="status`, `data-path="apiVersion"`},
		},
		"ObjectStoreUser": {
			reason: "An enum is a select with its default chosen, a secret field a password input.",
			path:   "/ui/users.minio.scc-digitalhub.github.io",
			want: []string{
				`<select id="field-spec.accountStatus" name="spec.accountStatus" data-path="spec.accountStatus" data-field="select" data-type="string"`,
				`<option selected>enabled</option><option>disabled</option>`,
				`data-path="spec.secretKey" data-field="text" data-type="string" type="password" required`,
			},
			absent: []string{"Resource (JSON)", `name="body"`},
		},
		"Database": {
			reason: "A list of strings is a comma-separated input.",
			path:   "/ui/postgres.db.movetokube.com",
			want:   []string{`data-path="spec.schemas" data-field="list"`, "A comma-separated list."},
		},
		"Bucket": {
			reason: "A pattern is the input's pattern.",
			path:   "/ui/buckets.minio.scc-digitalhub.github.io",
			want:   []string{`data-path="spec.name"`, `pattern="^[a-z0-9]([a-z0-9\.-]){1,61}[a-z0-9]$"`},
			absent: []string{"Resource (JSON)"},
		},
		"Experiment": {
			reason: "An integer is a number input of step 1, with its minimum and default.",
			path:   "/ui/experiments.demo.hubkit.dev",
			want:   []string{`data-path="spec.gpus" data-field="number" data-type="integer" type="number" value="0" min="0" step="1"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, _, raw := get(t, h, tc.path, nil)
			if status != http.StatusOK {
				t.Fatalf("\nReason: %s\nGET %s = %d", tc.reason, tc.path, status)
			}
			for _, want := range tc.want {
				if !strings.Contains(raw, want) {
					t.Errorf("\nReason: %s\nthe page lacks %s", tc.reason, want)
				}
			}
			for _, absent := range tc.absent {
				if strings.Contains(raw, absent) {
					t.Errorf("\nReason: %s\nthe page has %s", tc.reason, absent)
				}
			}
		})
	}
}

// TestCustomResourceFormFollowsTheCustomSchema checks that once a custom
// schema is stored for a CRD (the resource manager's Settings), the create
// form is drawn from it rather than from the CRD's own schema.
func TestCustomResourceFormFollowsTheCustomSchema(t *testing.T) {
	h := newTestHandler(t)
	const page = "/ui/postgres.db.movetokube.com"
	masterRoleRequired := `<input id="field-spec.masterRole" name="spec.masterRole" data-path="spec.masterRole" data-field="text" data-type="string" type="text" required`
	if _, _, raw := get(t, h, page, nil); strings.Contains(raw, masterRoleRequired) {
		t.Fatal("the CRD's own schema already requires spec.masterRole: the test proves nothing")
	}
	schema := `{"type":"object","properties":{"spec":{"type":"object","required":["database","masterRole"],"properties":{"database":{"type":"string"},"masterRole":{"type":"string"}}}}}`
	body, err := json.Marshal(map[string]string{"crdId": "postgres.db.movetokube.com", "version": "v1alpha1", "schema": schema})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/crs", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("storing the custom schema = %d: %s", rec.Code, rec.Body)
	}
	_, _, raw := get(t, h, page, nil)
	if !strings.Contains(raw, masterRoleRequired) {
		t.Errorf("the form does not follow the custom schema (spec.masterRole required):\n%s", raw)
	}
	if strings.Contains(raw, `data-path="spec.dropOnDelete"`) {
		t.Errorf("the form still shows a field only the CRD's own schema has")
	}
}

// TestDatabasePage checks a database's page: its users with their Secret
// links, the New user form with its privileges select, and the database's
// edit form filled from the object with its name read-only.
func TestDatabasePage(t *testing.T) {
	h := newTestHandler(t)
	status, _, raw := get(t, h, "/ui/postgres.db.movetokube.com/analytics", nil)
	if status != http.StatusOK {
		t.Fatalf("the database page = %d", status)
	}
	for _, want := range []string{
		`href="/ui/postgresusers.db.movetokube.com/dashboard"`,
		`href="/ui/k8s_secret/dashboard-dashboard"`,
		`<option selected>READ</option>`,
		`data-path="spec.database"`,
		`value="raw, curated"`,
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("the database page lacks %s", want)
		}
	}
	if !strings.Contains(raw, `value="analytics"`) || !strings.Contains(raw, "readonly") {
		t.Errorf("the edit form is not filled from the object, with the name read-only")
	}
}

// TestObjectStoreForms checks the object store's dedicated fields: a
// bucket's quota with units, a policy's JSON editor with the builders'
// policies of each bucket to start from, a user's policies picked from the
// namespace's.
func TestObjectStoreForms(t *testing.T) {
	h := newTestHandler(t)
	cases := map[string]struct {
		reason string
		path   string
		want   []string
	}{
		"BucketCreate": {
			reason: "A new bucket's quota is a number and a unit, GiB first.",
			path:   "/ui/buckets.minio.scc-digitalhub.github.io",
			want:   []string{`data-field="size"`, `data-unit-for="spec.quota"`, `<option value="1073741824" selected>GiB</option>`, `<option value="1099511627776">TiB</option>`},
		},
		"BucketEdit": {
			reason: "The demo bucket's quota of 50Gi shows as 50 GiB.",
			path:   "/ui/buckets.minio.scc-digitalhub.github.io/datasets",
			want:   []string{`data-field="size" data-type="integer" type="number" min="0" step="any" value="50"`, `<option value="1073741824" selected>GiB</option>`},
		},
		"PolicyCreate": {
			reason: "A new policy can start from the builders' read-only or read-write policy of the demo bucket.",
			path:   "/ui/policies.minio.scc-digitalhub.github.io",
			want:   []string{`data-template-for="spec.content"`, `>Read-only on bucket datasets</option>`, `>Read-write on bucket datasets</option>`, `arn:aws:s3:::datasets/*`, `data-field="jsontext"`},
		},
		"PolicyEdit": {
			reason: "A policy's content shows indented in its editor.",
			path:   "/ui/policies.minio.scc-digitalhub.github.io/datasets-rw",
			want:   []string{"{\n  &#34;Version&#34;: &#34;2012-10-17&#34;,"},
		},
		"UserCreate": {
			reason: "A new user's policies are picked from the namespace's.",
			path:   "/ui/users.minio.scc-digitalhub.github.io",
			want:   []string{`data-field="multiselect" multiple size="3"`, `<option>datasets-rw</option>`},
		},
		"UserEdit": {
			reason: "A user's page has its policies picked.",
			path:   "/ui/users.minio.scc-digitalhub.github.io/etl",
			want:   []string{`<option selected>datasets-rw</option>`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, _, raw := get(t, h, tc.path, nil)
			if status != http.StatusOK {
				t.Fatalf("\nReason: %s\n%s = %d", tc.reason, tc.path, status)
			}
			for _, want := range tc.want {
				if !strings.Contains(raw, want) {
					t.Errorf("\nReason: %s\n%s lacks %s", tc.reason, tc.path, want)
				}
			}
		})
	}
}

// TestSettingsForm checks the New custom schema form: sent to the resource
// manager's /api/crs, the CRD a select of those served (the schemas' own
// CRD left out), the API's errors shown under the CustomResourceSchema's
// field names.
func TestSettingsForm(t *testing.T) {
	h := newTestHandler(t)
	status, _, raw := get(t, h, "/ui/customresourceschemas.hubkit.dev", nil)
	if status != http.StatusOK {
		t.Fatalf("the Settings page = %d", status)
	}
	for _, want := range []string{
		`data-post="/api/crs"`, `data-path="crdId" data-field="select"`, `<option>buckets.minio.scc-digitalhub.github.io</option>`,
		`data-error-for="spec.crdId"`, `data-error-for="spec.schema"`, `data-path="schema" data-field="jsontext"`,
		`<option selected>v1</option>`,
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("the Settings page lacks %s", want)
		}
	}
	if strings.Contains(raw, `<option>customresourceschemas.hubkit.dev</option>`) {
		t.Errorf("the Settings page offers a schema for custom schemas themselves")
	}
}

// TestDataServiceForms checks the data services' dedicated forms, as the
// resource manager has them: a PostgREST service's grants picked among
// PostgreSQL's table privileges and sent as one string, beside the role or
// the tables they go with; a connection's Secret picked among the
// namespace's, its port the UI's default, its password typed unseen; a
// Dremio REST server's tables one comma-separated text; the lists' columns
// from the registry, and a service's URL inside the cluster on its page.
func TestDataServiceForms(t *testing.T) {
	h := newTestHandler(t)
	cases := map[string]pageCase{
		"PostgrestCreate": {
			reason: "A new PostgREST service: its grants a multiple select of the table privileges, joined with commas, with the hint that they go with tables; its Secret a select of the namespace's; its port 5432; its password unseen.",
			path:   "/ui/postgrests.operator.postgrest.org",
			want: []string{
				`<select id="field-spec.grants" name="spec.grants" data-path="spec.grants" data-field="multiselect" data-join="," multiple size="7"`,
				`<option>SELECT</option><option>INSERT</option><option>UPDATE</option><option>DELETE</option><option>TRUNCATE</option><option>REFERENCES</option><option>TRIGGER</option></select>`,
				`<small class="hint" id="hint-spec.grants">Only with tables`,
				`<legend>access</legend>`,
				`data-path="spec.tables" data-field="list"`,
				`<select id="field-spec.connection.secretName" name="spec.connection.secretName" data-path="spec.connection.secretName" data-field="select" data-type="string"`,
				`<option value="">(none: connect with the fields below)</option>`, `<option>dashboard-dashboard</option>`,
				`data-path="spec.connection.port" data-field="number" data-type="integer" type="number" value="5432"`,
				`data-path="spec.connection.password" data-field="text" data-type="string" type="password"`,
			},
			inOrder: []string{
				`data-path="metadata.name"`, `data-path="spec.schema"`, `data-path="spec.anonRole"`, `data-path="spec.tables"`, `data-path="spec.grants"`,
				`data-path="spec.connection.secretName"`, `data-path="spec.connection.host"`, `data-path="spec.connection.port"`,
				`data-path="spec.connection.database"`, `data-path="spec.connection.user"`, `data-path="spec.connection.password"`, `data-path="spec.connection.extraParams"`,
			},
			absent: []string{`data-path="spec.grants" data-field="text"`, `data-error-for=""`},
		},
		"PostgrestList": {
			reason: "The list shows the registry's columns, the Service URL computed.",
			path:   "/ui/postgrests.operator.postgrest.org",
			want:   []string{`<th>Schema</th><th>Tables</th><th>Role</th><th>Service URL</th><th>State</th>`, `<td>curated</td>`, `<td>http://postgrest-analytics.demo.svc:3000</td>`},
		},
		"PostgrestPage": {
			reason: "The demo service's page: its Service URL, its Secret picked, its role filled, its password not shown, its port the object's.",
			path:   "/ui/postgrests.operator.postgrest.org/analytics",
			want: []string{
				`<p class="service">Service <code>http://postgrest-analytics.demo.svc:3000</code>`,
				`<option selected>dashboard-dashboard</option>`, `value="analytics-reader"`,
				`data-path="spec.connection.password" data-field="text" data-type="string" type="password" autocomplete="new-password"`,
			},
		},
		"DremioCreate": {
			reason: "A new Dremio REST server: its tables one required text with a hint, its Secret a select, its port 32010, its password unseen.",
			path:   "/ui/dremiorestservers.operator.dremiorestserver.com",
			want: []string{
				`<input id="field-spec.tables" name="spec.tables" data-path="spec.tables" data-field="text" data-type="string" type="text" required`,
				`<small class="hint" id="hint-spec.tables">The tables to expose, in one text, comma separated`,
				`data-path="spec.connection.host" data-field="text" data-type="string" type="text" required`,
				`<option value="">(none: connect with the fields below)</option>`, `<option>dashboard-dashboard</option>`,
				`data-path="spec.connection.port" data-field="number" data-type="integer" type="number" value="32010"`,
				`data-path="spec.connection.password" data-field="text" data-type="string" type="password"`,
				`<th>Tables</th><th>Host</th><th>Service URL</th>`, `<td>http://dremiorestserver-lake-api.demo.svc:3000</td>`,
			},
			inOrder: []string{
				`data-path="metadata.name"`, `data-path="spec.tables"`, `data-path="spec.connection.secretName"`, `data-path="spec.connection.host"`,
				`data-path="spec.connection.port"`, `data-path="spec.connection.user"`, `data-path="spec.connection.password"`, `data-path="spec.connection.jdbcProperties"`,
			},
		},
		"DremioPage": {
			reason: "The demo server's page: its Service URL, its tables as the one text they are, no Secret picked.",
			path:   "/ui/dremiorestservers.operator.dremiorestserver.com/lake-api",
			want: []string{
				`<p class="service">Service <code>http://dremiorestserver-lake-api.demo.svc:3000</code>`,
				`data-path="spec.tables" data-field="text" data-type="string" type="text" value="lake.sales,lake.customers"`,
				`<option value="">(none: connect with the fields below)</option><option>api-token</option>`,
			},
			absent: []string{`<option selected>`},
		},
		"OtherKindsPage": {
			reason: "Only data services show a Service line.",
			path:   "/ui/postgres.db.movetokube.com/analytics",
			absent: []string{`class="service"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { tc.check(t, h) })
	}
}

// TestGatewayForms checks the API gateway's dedicated form, as the
// resource manager has it and better: its Service picked among the
// namespace's, each option carrying its Service's ports for the port
// select to offer; its host filled from its name under the platform's
// domain; its path "/"; its authentication none or basic, the user and
// password in a fieldset shown only for basic. A gateway's page shows its
// URL, its Service and port picked (the port among its Service's), its
// authentication basic with the user and password shown.
func TestGatewayForms(t *testing.T) {
	const kind = "/ui/apigws.operator.scc-digitalhub.github.io"
	h := newTestHandler(t, func(s *server) {
		// A Service of two ports, and a gateway of its second.
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "events"},
			Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 8080}, {Name: "admin", Port: 9090}}},
		}
		if err := hub.For[*corev1.Service](s.base.Hub()).Create(t.Context(), svc); err != nil {
			t.Fatal(err)
		}
	})
	gw := `{"metadata": {"name": "events-admin"}, "spec": {"host": "admin.example.org", "path": "/admin", "service": "events", "port": 9090, "auth": {"type": "none"}}}`
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/apigws.operator.scc-digitalhub.github.io", strings.NewReader(gw))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("creating the gateway events-admin = %d: %s", rec.Code, rec.Body)
	}
	cases := map[string]pageCase{
		"Create": {
			reason: "A new gateway: its Service a required select whose options carry their ports, its port a select the browser fills, its host filled from the name under hubkit.example, its path /, its authentication none with the user and password hidden.",
			path:   kind,
			want: []string{
				`<select id="field-spec.service" name="spec.service" data-path="spec.service" data-field="select" data-type="string" required`,
				`<option value="">Choose…</option>`,
				`<option data-ports="3000">postgrest-analytics</option>`, `<option data-ports="8080,9090">events</option>`,
				`<select id="field-spec.port" name="spec.port" data-path="spec.port" data-field="select" data-type="integer" data-ports-of="spec.service" required`,
				`<option value="">Pick a Service first</option></select>`,
				`data-path="spec.host" data-field="text" data-type="string" type="text" required pattern="[a-z0-9]([\-a-z0-9.]*[a-z0-9])?"`,
				`data-fill-from="metadata.name" data-fill-suffix=".services.hubkit.example" placeholder="&lt;name&gt;.services.hubkit.example"`,
				`By default &lt;name&gt;.services.hubkit.example, filled as you type the name`,
				`data-path="spec.path" data-field="text" data-type="string" type="text" value="/" required`,
				`<legend>authentication</legend>`,
				`data-path="spec.auth.type" data-field="select" data-type="string" required aria-describedby="hint-spec.auth.type error-spec.auth.type"><option selected>none</option><option>basic</option></select>`,
				`<fieldset data-show-if="spec.auth.type" data-show-value="basic" hidden disabled>`,
				`data-path="spec.auth.basic.user" data-field="text" data-type="string" type="text" required`,
				`data-path="spec.auth.basic.password" data-field="text" data-type="string" type="password" required autocomplete="new-password"`,
			},
			inOrder: []string{
				`data-path="metadata.name"`, `data-path="spec.host"`, `data-path="spec.path"`, `data-path="spec.service"`, `data-path="spec.port"`,
				`data-path="spec.auth.type"`, `data-show-if="spec.auth.type"`, `data-path="spec.auth.basic.user"`, `data-path="spec.auth.basic.password"`,
			},
			absent: []string{`data-path="spec.port" data-field="number"`, `<p class="service`},
		},
		"List": {
			reason: "The list shows the registry's columns.",
			path:   kind,
			want:   []string{`<td>analytics-api.services.hubkit.example/</td><td>postgrest-analytics:3000</td><td>basic</td><td>Ready</td>`},
		},
		"DemoPage": {
			reason: "The demo gateway's page: its URL, its Service and port picked, basic authentication picked with its user shown, its password not shown, its host no longer following the name.",
			path:   kind + "/analytics-api",
			want: []string{
				`<p class="service gateway">URL <a href="https://analytics-api.services.hubkit.example/">https://analytics-api.services.hubkit.example/</a>`,
				`<option selected data-ports="3000">postgrest-analytics</option>`,
				`data-ports-of="spec.service" required aria-describedby="hint-spec.port error-spec.port"><option selected>3000</option></select>`,
				`<option>none</option><option selected>basic</option>`,
				`<fieldset data-show-if="spec.auth.type" data-show-value="basic">`,
				`value="analyst"`,
				`data-path="spec.auth.basic.password" data-field="text" data-type="string" type="password" required autocomplete="new-password"`,
				`Not shown: type it again to save the gateway.`,
				`value="analytics-api.services.hubkit.example"`,
			},
			absent: []string{`demo-gateway-password`, `data-fill-from`, `Pick a Service first`},
		},
		"PortPage": {
			reason: "A gateway of a Service's second port: its page offers the Service's ports, the gateway's picked; no authentication, the user and password hidden.",
			path:   kind + "/events-admin",
			want: []string{
				`<p class="service gateway">URL <a href="https://admin.example.org/admin">https://admin.example.org/admin</a>`,
				`<option selected data-ports="8080,9090">events</option>`,
				`data-ports-of="spec.service" required aria-describedby="hint-spec.port error-spec.port"><option>8080</option><option selected>9090</option></select>`,
				`<option selected>none</option><option>basic</option>`,
				`<fieldset data-show-if="spec.auth.type" data-show-value="basic" hidden disabled>`,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { tc.check(t, h) })
	}
}

// TestGatewayDomain checks the platform domain's setting: -domain (or
// HUBKIT_DOMAIN) is the suffix a new gateway's host is filled with; a real
// cluster's dashboard without one fills nothing.
func TestGatewayDomain(t *testing.T) {
	t.Setenv("HUBKIT_DOMAIN", "")
	o, err := parseFlags([]string{"-domain", "data.example.org"})
	if err != nil || o.domain != "data.example.org" {
		t.Fatalf("-domain data.example.org: %+v, %v", o, err)
	}
	t.Setenv("HUBKIT_DOMAIN", "env.example.org")
	if o, err := parseFlags(nil); err != nil || o.domain != "env.example.org" {
		t.Fatalf("HUBKIT_DOMAIN=env.example.org: %+v, %v", o, err)
	}
	h := newTestHandler(t, func(s *server) { s.domain = "data.example.org" })
	_, _, raw := get(t, h, "/ui/apigws.operator.scc-digitalhub.github.io", nil)
	if !strings.Contains(raw, `data-fill-suffix=".services.data.example.org"`) {
		t.Errorf("with the domain data.example.org, the host is not filled under it")
	}
	h = newTestHandler(t, func(s *server) { s.domain = "" })
	_, _, raw = get(t, h, "/ui/apigws.operator.scc-digitalhub.github.io", nil)
	if strings.Contains(raw, "data-fill-from") || !strings.Contains(raw, `<small class="hint" id="hint-spec.host">The DNS name the Service is reached at.</small>`) {
		t.Errorf("without a domain, the host is still filled, or its hint names a default")
	}
}

// A pageCase is what a page of the dashboard must show: parts it must
// have, some in order, and parts it must not.
type pageCase struct {
	reason string
	path   string
	want   []string
	// inOrder are parts of the page that must come in this order.
	inOrder []string
	absent  []string
}

// check gets the page of c from h and checks it.
func (c pageCase) check(t *testing.T, h http.Handler) {
	t.Helper()
	status, _, raw := get(t, h, c.path, nil)
	if status != http.StatusOK {
		t.Fatalf("\nReason: %s\n%s = %d", c.reason, c.path, status)
	}
	for _, want := range c.want {
		if !strings.Contains(raw, want) {
			t.Errorf("\nReason: %s\n%s lacks %s", c.reason, c.path, want)
		}
	}
	for _, absent := range c.absent {
		if strings.Contains(raw, absent) {
			t.Errorf("\nReason: %s\n%s has %s", c.reason, c.path, absent)
		}
	}
	at := 0
	for _, part := range c.inOrder {
		i := strings.Index(raw[at:], part)
		if i < 0 {
			t.Errorf("\nReason: %s\n%s lacks %s after the fields before it", c.reason, c.path, part)
			break
		}
		at += i
	}
}
