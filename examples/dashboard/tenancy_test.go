package main

import (
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/tenancy"
)

// TestTenancyForms checks the tenants' and workspaces' dedicated forms and
// lists: a tenant's names and email with a hint, its workspaces as rows of
// a workspace picked among the platform's (by the name people read) and a
// role, its quota override as quantities, its personal storage a select
// with a note; a workspace's pretty name and quota; each filled from the
// object on its page; the lists' columns, state and namespace.
func TestTenancyForms(t *testing.T) {
	h := newTestHandler(t)
	const tenants, workspaces = "/ui/" + tenantKindID, "/ui/" + workspaceKindID
	quota := []string{
		`<input id="field-spec.quota.cpu" name="spec.quota.cpu" data-path="spec.quota.cpu" data-field="quantity" data-type="string" type="text"`,
		`<small class="hint" id="hint-spec.quota.cpu">CPUs, for requests and limits alike: 4, or 500m for half of one.`,
		`data-path="spec.quota.memory" data-field="quantity"`, `<small class="hint" id="hint-spec.quota.memory">Memory, for requests and limits alike: 8Gi, 512Mi, or 8G.`,
		`data-path="spec.quota.storage" data-field="quantity"`,
		`data-path="spec.quota.instances" data-field="number" data-type="integer" type="number" min="0" step="1"`,
		`<fieldset class="rows" data-rows="spec.quota.extra" data-map-key="name" data-map-value="quantity">`,
		`<legend>other resources</legend>`, `data-path="spec.quota.extra[#].name" data-field="text"`, `data-path="spec.quota.extra[#].quantity" data-field="quantity"`,
		`<button type="button" class="add" data-add-row>Add a resource</button>`,
		`<small class="field-error" id="error-spec.quota.cpu" data-error-for="spec.quota.cpu"></small>`,
	}
	quotaOrder := []string{`data-path="spec.quota.cpu"`, `data-path="spec.quota.memory"`, `data-path="spec.quota.storage"`, `data-path="spec.quota.instances"`, `data-rows="spec.quota.extra"`}
	cases := map[string]pageCase{
		"TenantCreate": {
			reason: "A new tenant: its name (its namespace's hint), names, email with a hint, workspaces as rows of a workspace select and a role select, its quota override as quantities, its personal storage a select with a note; no JSON textarea.",
			path:   tenants,
			want: append([]string{
				`<h2>New Tenant</h2>`,
				`maxlength="56"`, `Their namespace is tenant-&lt;name&gt;, its dots as dashes.`,
				`<label for="field-spec.firstName" class="required">first name</label>`, `<label for="field-spec.lastName" class="required">last name</label>`,
				`<label for="field-spec.email" class="required">email</label>`,
				`<small class="hint" id="hint-spec.email">The address the person is reached at, such as ada@example.org; the identity provider knows them by it.</small>`,
				`<small class="field-error" id="error-spec.email" data-error-for="spec.email"></small>`,
				`<fieldset class="rows" data-rows="spec.workspaces">`, `<legend>workspaces</legend>`,
				`<select id="field-spec.workspaces[#].name" name="spec.workspaces[#].name" data-path="spec.workspaces[#].name" data-field="select" data-type="string" required`,
				`<option value="">Choose…</option><option value="data-science">Data science (data-science)</option></select>`,
				`<select id="field-spec.workspaces[#].role" name="spec.workspaces[#].role" data-path="spec.workspaces[#].role" data-field="select" data-type="string" required`,
				`<option selected>user</option><option>manager</option></select>`,
				`<small class="field-error" id="error-spec.workspaces[#].role" data-error-for="spec.workspaces[#].role"></small>`,
				`<button type="button" class="add" data-add-row>Add a workspace</button>`,
				`<small class="field-error" data-error-for="spec.workspaces"></small>`,
				`<legend>quota override</legend>`, `Empty takes the sum of the quotas of the tenant&#39;s workspaces`,
				`<label for="field-spec.personalStorage">personal storage</label>`,
				`<option value="">(the operator&#39;s policy: Retain unless it says otherwise)</option><option>Retain</option><option>Delete</option></select>`,
				`What becomes of the tenant&#39;s personal volume (mydrive-pvcs/&lt;name&gt;-drive) when the tenant is deleted. Retain keeps it, and a tenant of the same name gets it back; Delete deletes it with the tenant.`,
			}, quota...),
			inOrder: slices.Concat([]string{
				`data-path="metadata.name"`, `data-path="spec.firstName"`, `data-path="spec.lastName"`, `data-path="spec.email"`,
				`data-rows="spec.workspaces"`, `<legend>quota override</legend>`,
			}, quotaOrder, []string{`data-path="spec.personalStorage"`}),
			absent: []string{`data-field="json"`, `data-path="spec.workspaces" `, `data-path="spec.workspaces[0]`, `data-error-for=""`},
		},
		"TenantsList": {
			reason: "The tenants' list: the columns tenancy.Domain declares, the state its Readiness reports, and that tenants are in no namespace.",
			path:   tenants,
			want: []string{
				`<p class="scope">Cluster-wide: in no namespace`,
				`<th>Name</th><th>Namespace</th><th>Email</th><th>Workspaces</th><th>State</th><th>Created</th>`,
				`<td>tenant-ada-lovelace</td><td>ada@hubkit.example</td><td>data-science (manager)</td><td>Ready</td>`,
			},
		},
		"TenantEdit": {
			reason: "The demo tenant's page: its names and email filled, its workspace row picked, with error places indexed by row, its personal volume named.",
			path:   tenants + "/ada.lovelace",
			want: []string{
				`<h2>Edit ada.lovelace</h2>`, `value="ada.lovelace"`, `readonly`, `value="Ada"`, `value="Lovelace"`, `value="ada@hubkit.example"`,
				`<select id="field-spec.workspaces[0].name" name="spec.workspaces[0].name" data-path="spec.workspaces[0].name" data-field="select" data-type="string" required`,
				`<option value="data-science" selected>Data science (data-science)</option></select>`,
				`<option>user</option><option selected>manager</option></select>`,
				`<small class="field-error" id="error-spec.workspaces[0].role" data-error-for="spec.workspaces[0].role"></small>`,
				`<button type="button" class="remove" data-remove-row>Remove</button>`,
				`What becomes of the tenant&#39;s personal volume mydrive-pvcs/ada-lovelace-drive when the tenant is deleted.`,
			},
			absent: []string{`data-path="spec.workspaces[1]`, `data-field="json"`},
		},
		"WorkspaceCreate": {
			reason: "A new workspace: its name a DNS label (its namespace's), its pretty name, its quota as quantities; no JSON textarea.",
			path:   workspaces,
			want: append([]string{
				`<h2>New Workspace</h2>`,
				`pattern="[a-z0-9]([\-a-z0-9]*[a-z0-9])?"`, `maxlength="53"`, `its namespace is workspace-&lt;name&gt;.`,
				`<label for="field-spec.prettyName" class="required">pretty name</label>`,
				`<small class="hint" id="hint-spec.prettyName">The name people read: Data science.</small>`,
				`<legend>quota</legend>`, `What each tenant of the workspace gets from it`,
			}, quota...),
			inOrder: slices.Concat([]string{`data-path="metadata.name"`, `data-path="spec.prettyName"`, `<legend>quota</legend>`}, quotaOrder),
			absent:  []string{`data-field="json"`},
		},
		"WorkspacesList": {
			reason: "The workspaces' list: its columns, state and namespace.",
			path:   workspaces,
			want: []string{
				`<p class="scope">Cluster-wide: in no namespace`,
				`<th>Name</th><th>Pretty name</th><th>Namespace</th><th>State</th><th>Created</th>`,
				`<td>Data science</td><td>workspace-data-science</td><td>Ready</td>`,
			},
		},
		"WorkspaceEdit": {
			reason: "The demo workspace's page: its pretty name and quota filled.",
			path:   workspaces + "/data-science",
			want: []string{
				`value="Data science"`,
				`data-path="spec.quota.cpu" data-field="quantity" data-type="string" type="text" value="4"`,
				`data-path="spec.quota.memory" data-field="quantity" data-type="string" type="text" value="8Gi"`,
				`data-path="spec.quota.instances" data-field="number" data-type="integer" type="number" value="3"`,
			},
		},
		"NamespacedList": {
			reason: "A namespaced kind's list does not say it is cluster-wide.",
			path:   "/ui/postgres.db.movetokube.com",
			absent: []string{`class="scope"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { tc.check(t, h) })
	}
}

// TestTenancyFormsFillRows checks that a tenant's page draws a row per
// workspace and a quota's extra resources a row each, by name, with their
// error places indexed.
func TestTenancyFormsFillRows(t *testing.T) {
	h := newTestHandler(t)
	send(t, h, http.MethodPost, "/api/"+workspaceKindID, `{"metadata": {"name": "physics"}, "spec": {"prettyName": "Physics"}}`, http.StatusOK)
	send(t, h, http.MethodPost, "/api/"+tenantKindID, `{"metadata": {"name": "alan.turing"}, "spec": {"firstName": "Alan", "lastName": "Turing",
		"email": "alan@example.org", "personalStorage": "Delete",
		"workspaces": [{"name": "physics", "role": "user"}, {"name": "data-science", "role": "manager"}, {"name": "gone", "role": "user"}],
		"quota": {"cpu": "500m", "extra": {"nvidia.com/gpu": "2", "example.org/fpga": 1}}}}`, http.StatusOK)
	pageCase{
		reason: "Each workspace a row, in order, picked (one that does not exist offered as it is); the extra resources a row each, by name; the policy picked.",
		path:   "/ui/" + tenantKindID + "/alan.turing",
		want: []string{
			`data-path="spec.workspaces[0].name"`, `<option value="physics" selected>Physics (physics)</option>`,
			`data-path="spec.workspaces[1].name"`, `<option value="data-science" selected>Data science (data-science)</option>`,
			`data-path="spec.workspaces[2].name"`, `<option selected>gone</option>`,
			`data-error-for="spec.workspaces[2].role"`,
			`data-path="spec.quota.cpu" data-field="quantity" data-type="string" type="text" value="500m"`,
			`data-path="spec.quota.extra[0].name" data-field="text" data-type="string" type="text" value="example.org/fpga"`,
			`data-path="spec.quota.extra[0].quantity" data-field="quantity" data-type="string" type="text" value="1"`,
			`data-path="spec.quota.extra[1].name" data-field="text" data-type="string" type="text" value="nvidia.com/gpu"`,
			`data-path="spec.quota.extra[1].quantity" data-field="quantity" data-type="string" type="text" value="2"`,
			`<option>Retain</option><option selected>Delete</option>`,
		},
		inOrder: []string{`data-path="spec.workspaces[0].name"`, `data-path="spec.workspaces[1].name"`, `data-path="spec.workspaces[2].name"`},
		absent:  []string{`data-path="spec.workspaces[3]`, `data-path="spec.quota.extra[2]`},
	}.check(t, h)
}

// TestTenancyErrorsNextToFields checks that every error the API returns
// for a tenant and a workspace (the kinds' Check: tenancy's validation,
// with field paths) has its place next to its field on the form sent: the
// field's own, or, for a part of a field (an extra resource), the
// field's.
func TestTenancyErrorsNextToFields(t *testing.T) {
	h := newTestHandler(t)
	cases := map[string]struct {
		reason, page, method, api, body string
		// want is each error's field and the place it shows at.
		want map[string]string
	}{
		"TenantEdit": {
			reason: "The demo tenant saved with a bad email, an unknown role in its one workspace, a negative CPU, a policy of neither Retain nor Delete: each error next to its field, the role's in its row.",
			page:   "/ui/" + tenantKindID + "/ada.lovelace", method: http.MethodPut, api: "/api/" + tenantKindID + "/ada.lovelace",
			body: `{"metadata": {"name": "ada.lovelace"}, "spec": {"firstName": "Ada", "lastName": " ", "email": "ada..lovelace@example.org",
				"workspaces": [{"name": "data-science", "role": "owner"}], "quota": {"cpu": "-1"}, "personalStorage": "Keep"}}`,
			want: map[string]string{
				"spec.lastName": "spec.lastName", "spec.email": "spec.email", "spec.workspaces[0].role": "spec.workspaces[0].role",
				"spec.quota.cpu": "spec.quota.cpu", "spec.personalStorage": "spec.personalStorage",
			},
		},
		"TenantCreate": {
			reason: "A new tenant whose name makes no namespace, with a bad extra resource: the name's error next to it, the resource's next to the other resources.",
			page:   "/ui/" + tenantKindID, method: http.MethodPost, api: "/api/" + tenantKindID,
			body: `{"metadata": {"name": "` + strings.Repeat("a", 60) + `"}, "spec": {"firstName": "A", "lastName": "B", "email": "a@example.org",
				"quota": {"extra": {"bad name!": "1"}}}}`,
			want: map[string]string{"metadata.name": "metadata.name", "spec.quota.extra[bad name!]": "spec.quota.extra"},
		},
		"WorkspaceCreate": {
			reason: "A new workspace without a pretty name, with negative instances: each error next to its field.",
			page:   "/ui/" + workspaceKindID, method: http.MethodPost, api: "/api/" + workspaceKindID,
			body: `{"metadata": {"name": "physics"}, "spec": {"prettyName": "", "quota": {"instances": -1}}}`,
			want: map[string]string{"spec.prettyName": "spec.prettyName", "spec.quota.instances": "spec.quota.instances"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, page := get(t, h, tc.page, nil)
			answer := send(t, h, tc.method, tc.api, tc.body, http.StatusBadRequest)
			var refusal struct {
				Fields []struct {
					Field string `json:"field"`
				} `json:"fields"`
			}
			if err := json.Unmarshal([]byte(answer), &refusal); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, f := range refusal.Fields {
				got[f.Field] = errorPlace(page, f.Field)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\nthe errors' places (field: data-error-for), -want, +got:\n%s\nthe API said: %s", tc.reason, diff, answer)
			}
		})
	}
}

// errorAttr finds the error places of a page.
var errorAttr = regexp.MustCompile(`data-error-for="([^"]*)"`)

// errorPlace returns the error place of page an error of field shows at,
// as the browser finds it (app.js's errorPlaceFor): the place for the
// field, else the one for its nearest parent; "" when there is none.
func errorPlace(page, field string) string {
	best := ""
	for _, m := range errorAttr.FindAllStringSubmatch(page, -1) {
		at := html.UnescapeString(m[1])
		if at == field {
			return at
		}
		if at != "" && strings.HasPrefix(field, at) && strings.ContainsAny(field[len(at):len(at)+1], ".[") && len(at) > len(best) {
			best = at
		}
	}
	return best
}

// send serves a request of method to path with the JSON body, checks its
// status is want, and returns the answer.
func send(t *testing.T, h http.Handler, method, path, body string, want int) string {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, rec.Code, want, rec.Body)
	}
	return rec.Body.String()
}

// TestTenancyDeleteConfirmation checks the delete confirmations of the
// demo tenant and workspace, on their lists and pages: a dialog that says
// what goes (the tenant's namespace and everything in it, its roles, its
// account) and what stays (tenancy.Kept: its personal volume), and that a
// workspace leaves every tenant, naming them.
func TestTenancyDeleteConfirmation(t *testing.T) {
	h := newTestHandler(t)
	tenantDialog := []string{
		`<dialog class="confirm" id="delete-ada.lovelace" aria-labelledby="delete-ada.lovelace-title">`,
		`<h2 id="delete-ada.lovelace-title">Delete ada.lovelace?</h2>`,
		`<ul class="deleted"><li>its namespace tenant-ada-lovelace and everything in it: its instances, volumes, secrets, quota and network policies</li>` +
			`<li>its roles: the ClusterRole and ClusterRoleBinding crownlabs-manage-tenant-ada-lovelace and the RoleBinding crownlabs-manage-instances in its namespace</li>` +
			`<li>its account ada.lovelace at the identity provider</li></ul>`,
		`<ul class="kept"><li>the personal volume mydrive-pvcs/ada-lovelace-drive (a tenant of the same name gets it back)</li><li>its workspaces, data-science, which it leaves</li></ul>`,
		`<p class="hint">This cannot be undone.</p>`,
		`<button class="secondary" value="cancel">Cancel</button>`,
		`<button class="danger" data-delete="/api/tenants.tenancy.hubkit.dev/ada.lovelace" data-name="ada.lovelace"`,
	}
	workspaceDialog := []string{
		`<dialog class="confirm" id="delete-data-science"`,
		`<ul class="deleted"><li>its namespace workspace-data-science and everything in it: its templates and shared volumes</li><li>the role bindings of its managers and users</li></ul>`,
		`<ul class="kept"><li>its tenants, ada.lovelace (manager), who stay without it</li></ul>`,
		`<p class="note">It leaves every tenant: each loses the quota and the roles it gave.</p>`,
		`data-delete="/api/workspaces.tenancy.hubkit.dev/data-science"`,
	}
	cases := map[string]pageCase{
		"TenantsList": {
			reason: "The row's Delete opens the dialog, which deletes and reloads the list.",
			path:   "/ui/" + tenantKindID,
			want:   append([]string{`<button class="danger" data-confirm="delete-ada.lovelace">Delete</button>`}, tenantDialog...),
			absent: []string{`data-then=`, `<button class="danger" data-delete="/api/tenants.tenancy.hubkit.dev/ada.lovelace" data-name="ada.lovelace">Delete</button>`},
		},
		"TenantPage": {
			reason: "The page's Delete opens the dialog, which deletes and goes back to the list.",
			path:   "/ui/" + tenantKindID + "/ada.lovelace",
			want: append([]string{
				`<div class="heading"><h1>ada.lovelace</h1><button class="danger" data-confirm="delete-ada.lovelace">Delete</button></div>`,
				`data-then="/ui/tenants.tenancy.hubkit.dev">Delete ada.lovelace</button>`,
			}, tenantDialog...),
		},
		"WorkspacesList": {
			reason: "A workspace's dialog names its tenants, which it leaves.",
			path:   "/ui/" + workspaceKindID,
			want:   append([]string{`<button class="danger" data-confirm="delete-data-science">Delete</button>`}, workspaceDialog...),
		},
		"WorkspacePage": {
			reason: "The same dialog on the workspace's page.",
			path:   "/ui/" + workspaceKindID + "/data-science",
			want:   append([]string{`data-then="/ui/workspaces.tenancy.hubkit.dev">Delete data-science</button>`}, workspaceDialog...),
		},
		"OtherKinds": {
			reason: "Other kinds keep the browser's confirmation.",
			path:   "/ui/postgres.db.movetokube.com",
			want:   []string{`<button class="danger" data-delete="/api/postgres.db.movetokube.com/analytics" data-name="analytics">Delete</button>`},
			absent: []string{`<dialog`, `data-confirm=`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { tc.check(t, h) })
	}
}

// TestTenantDeleteNote checks what a tenant's delete confirmation says
// beyond the demo's: a volume whose policy is Delete goes with it, a
// tenant without an identity provider has no account to delete, and a
// tenant not yet reconciled names its volume as the defaults do.
func TestTenantDeleteNote(t *testing.T) {
	size := resource.MustParse("5Gi")
	cases := map[string]struct {
		reason string
		tenant *tenancy.Tenant
		want   *deleteNote
	}{
		"PolicyDelete": {
			reason: "Its volume, whose reported policy is Delete, goes with it; nothing but its workspace stays.",
			tenant: &tenancy.Tenant{
				ObjectMeta: metav1.ObjectMeta{Name: "grace.hopper"},
				Spec:       tenancy.TenantSpec{Workspaces: []tenancy.WorkspaceRole{{Name: "navy", Role: tenancy.RoleUser}}},
				Status: tenancy.TenantStatus{
					PersonalStorage: &tenancy.PersonalStorageStatus{Namespace: "drives", Claim: "grace-hopper-drive", Phase: corev1.ClaimBound, Size: &size, Policy: tenancy.StorageDelete},
					Subscriptions:   map[string]tenancy.SubscriptionStatus{tenancy.SubscriptionIdentity: tenancy.SubscriptionFailed},
				},
			},
			want: &deleteNote{
				Name: "grace.hopper",
				Deleted: []string{
					"its namespace tenant-grace-hopper and everything in it: its instances, volumes, secrets, quota and network policies",
					"its roles: the ClusterRole and ClusterRoleBinding crownlabs-manage-tenant-grace-hopper and the RoleBinding crownlabs-manage-instances in its namespace",
					"its account grace.hopper at the identity provider",
					"its personal volume drives/grace-hopper-drive (its policy is Delete)",
				},
				Kept: []string{"its workspaces, navy, which it leaves"},
			},
		},
		"NotReconciled": {
			reason: "A tenant the reconciler has not seen: no account to delete, its volume named as the defaults name it, kept.",
			tenant: &tenancy.Tenant{ObjectMeta: metav1.ObjectMeta{Name: "alan"}},
			want: &deleteNote{
				Name: "alan",
				Deleted: []string{
					"its namespace tenant-alan and everything in it: its instances, volumes, secrets, quota and network policies",
					"its roles: the ClusterRole and ClusterRoleBinding crownlabs-manage-tenant-alan and the RoleBinding crownlabs-manage-instances in its namespace",
				},
				Kept: []string{"the personal volume mydrive-pvcs/alan-drive (a tenant of the same name gets it back)"},
			},
		},
		"SpecDelete": {
			reason: "A tenant not reconciled whose spec says Delete: its volume, named as the defaults name it, goes.",
			tenant: &tenancy.Tenant{ObjectMeta: metav1.ObjectMeta{Name: "alan"}, Spec: tenancy.TenantSpec{PersonalStorage: tenancy.StorageDelete}},
			want: &deleteNote{
				Name: "alan",
				Deleted: []string{
					"its namespace tenant-alan and everything in it: its instances, volumes, secrets, quota and network policies",
					"its roles: the ClusterRole and ClusterRoleBinding crownlabs-manage-tenant-alan and the RoleBinding crownlabs-manage-instances in its namespace",
					"its personal volume mydrive-pvcs/alan-drive (its policy is Delete)",
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tenantDeleteNote(tc.tenant)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestWorkspaceDeleteNote checks what a workspace's delete confirmation
// says of its tenants: those in it, with their roles; none; or that they
// could not be read.
func TestWorkspaceDeleteNote(t *testing.T) {
	w := &tenancy.Workspace{ObjectMeta: metav1.ObjectMeta{Name: "physics"}}
	member := func(name string, ws ...tenancy.WorkspaceRole) *tenancy.Tenant {
		return &tenancy.Tenant{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: tenancy.TenantSpec{Workspaces: ws}}
	}
	deleted := []string{"its namespace workspace-physics and everything in it: its templates and shared volumes", "the role bindings of its managers and users"}
	cases := map[string]struct {
		reason  string
		tenants []*tenancy.Tenant
		err     error
		want    *deleteNote
	}{
		"Members": {
			reason: "Its tenants, with their roles, stay without it; a tenant of another workspace is not named.",
			tenants: []*tenancy.Tenant{
				member("ada", tenancy.WorkspaceRole{Name: "physics", Role: tenancy.RoleManager}),
				member("bob", tenancy.WorkspaceRole{Name: "chemistry", Role: tenancy.RoleUser}),
				member("eve", tenancy.WorkspaceRole{Name: "chemistry", Role: tenancy.RoleUser}, tenancy.WorkspaceRole{Name: "physics", Role: tenancy.RoleUser}),
			},
			want: &deleteNote{
				Name: "physics", Deleted: deleted,
				Kept: []string{"its tenants, ada (manager), eve (user), who stay without it"},
				Note: "It leaves every tenant: each loses the quota and the roles it gave.",
			},
		},
		"NoMember": {
			reason:  "A workspace of no tenant says so.",
			tenants: []*tenancy.Tenant{member("bob", tenancy.WorkspaceRole{Name: "chemistry", Role: tenancy.RoleUser})},
			want:    &deleteNote{Name: "physics", Deleted: deleted, Note: "No tenant is in it."},
		},
		"Unreadable": {
			reason: "Tenants that cannot be read: it still says it leaves every tenant, and why it names none.",
			err:    errors.New("tenants are forbidden"),
			want: &deleteNote{
				Name: "physics", Deleted: deleted,
				Note: "It leaves every tenant: they lose its quota and roles. Its tenants could not be read: tenants are forbidden",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, workspaceDeleteNote(w, tc.tenants, tc.err)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
