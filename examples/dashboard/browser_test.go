package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// EnvChromium names the browser the browser test drives; by default the
// chromium on PATH (Debian's package, which hack/ensure-chromium.sh installs).
const envChromium = "HUBKIT_CHROMIUM"

// TestInABrowser drives the dashboard in headless Chromium as a user
// would: create a volume through the form, see it listed, decode a
// secret, delete the volume after confirming; create a database user
// through the form drawn from its kind's schema, see the API's refusal of
// a database that does not exist next to that field, then the user
// listed; on a database's page, see its users with links to their
// Secrets, create a user through the New user form, edit the database
// through the form pre-filled from it (the API's refusal next to its
// field first), delete the user; delete a custom resource from its own
// page and land on its list; the object store's and the Settings' forms;
// the data services' forms (dataServiceSteps); the API gateways' form
// (gatewaySteps); the tenants' and workspaces' pages (tenancySteps).
// Screenshots, of the whole page, go to _output/browser/.
func TestInABrowser(t *testing.T) {
	browser := os.Getenv(envChromium)
	if browser == "" {
		var err error
		if browser, err = exec.LookPath("chromium"); err != nil {
			t.Fatalf("no chromium to drive: install Debian's chromium package (hack/ensure-chromium.sh does) or set %s", envChromium)
		}
	}
	shots, err := filepath.Abs(filepath.Join("..", "..", "_output", "browser"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o750); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, options{addr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler), ready)
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("the dashboard did not start: %v", err)
	}

	// Not t.TempDir: Chromium's helper processes may still be writing there
	// when the test ends, which would fail its cleanup.
	profile, err := os.MkdirTemp("", "hubkit-chromium-") //nolint:usetesting // see above
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(profile) }()
	allocator, cancelAllocator := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.NoFirstRun)
	defer cancelAllocator()
	// chromedp logs every DOM event it does not know; Chromium's for a
	// dialog shown (the top layer's) is one, and harmless.
	tab, cancelTab := chromedp.NewContext(allocator, chromedp.WithErrorf(func(format string, args ...any) {
		if !strings.HasPrefix(format, "unhandled node event") {
			log.Printf(format, args...)
		}
	}))
	defer cancelTab()
	tab, cancelTimeout := context.WithTimeout(tab, 2*time.Minute)
	defer cancelTimeout()

	// Accept the delete confirmation when it comes.
	chromedp.ListenTarget(tab, func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			go func() { _ = chromedp.Run(tab, cdppage.HandleJavaScriptDialog(true)) }()
		}
	})
	screenshot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			// Right after a reload the page may have no layout yet; wait for one.
			var buf []byte
			var err error
			for range 50 {
				if err = chromedp.FullScreenshot(&buf, 100).Do(ctx); err == nil {
					return os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o600)
				}
				time.Sleep(50 * time.Millisecond)
			}
			return err
		})
	}

	// A modal dialog's backdrop covers the viewport only: a page showing one
	// is shot as the user sees it.
	viewScreenshot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var buf []byte
			if err := chromedp.CaptureScreenshot(&buf).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o600)
		})
	}

	var decoded, nameMismatch, labelsError, generalError, databaseError string
	var s3 objectStoreSeen
	var data dataServicesSeen
	var gw gatewaySeen
	var ten tenancySeen
	var comp compositionsSeen
	var secretLink, analystPrivileges, schemasError, editedJSON, listURL, sellerPrivileges, sellerState, salesJSON string
	var reportingListed bool
	err = chromedp.Run(tab,
		chromedp.Navigate(base+"ui/k8s_pvc"),
		chromedp.WaitVisible(`tr[data-id="datasets"]`),
		screenshot("01-volumes"),
		chromedp.SetValue(`input[name="name"]`, "notebooks"),
		chromedp.SetValue(`input[name="resourceAmount"]`, "5"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="notebooks"]`),
		screenshot("02-volume-created"),
		chromedp.Navigate(base+"ui/k8s_secret/api-token"),
		chromedp.Click(`button[data-key="token"]`),
		chromedp.Poll(`document.querySelector('td.value[data-key="token"]').textContent !== "*************"`, nil),
		chromedp.Text(`td.value[data-key="token"]`, &decoded),
		screenshot("03-secret-decoded"),
		chromedp.Navigate(base+"ui/k8s_pvc"),
		chromedp.WaitVisible(`tr[data-id="notebooks"]`),
		chromedp.Click(`tr[data-id="notebooks"] button[data-delete]`),
		chromedp.WaitNotPresent(`tr[data-id="notebooks"]`),
		screenshot("04-volume-deleted"),
		// A custom resource's form, drawn from its schema.
		chromedp.Navigate(base+"ui/postgresusers.db.movetokube.com"),
		chromedp.WaitVisible(`input[data-path="spec.database"]`),
		// The browser checks the name's pattern itself.
		chromedp.SetValue(`input[data-path="metadata.name"]`, "Not A Name"),
		chromedp.Evaluate(`String(document.querySelector('input[data-path="metadata.name"]').validity.patternMismatch)`, &nameMismatch),
		chromedp.SetValue(`input[data-path="metadata.name"]`, "reporting"),
		chromedp.SetValue(`input[data-path="spec.role"]`, "reporting"),
		chromedp.SetValue(`input[data-path="spec.database"]`, "nowhere"),
		chromedp.SetValue(`input[data-path="spec.secretName"]`, "reporting"),
		chromedp.SetValue(`input[data-path="spec.privileges"]`, "READ"),
		// JSON the browser cannot parse is shown next to its field; nothing is sent.
		chromedp.SetValue(`textarea[data-path="spec.labels"]`, "{team: data"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`.field-error[data-error-for="spec.labels"]`),
		chromedp.Text(`.field-error[data-error-for="spec.labels"]`, &labelsError),
		chromedp.Text(`form.create [data-error-general]`, &generalError),
		chromedp.SetValue(`textarea[data-path="spec.labels"]`, `{"team": "data"}`),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`.field-error[data-error-for="spec.database"]`),
		chromedp.Text(`.field-error[data-error-for="spec.database"]`, &databaseError),
		chromedp.WaitVisible(`form.create [data-error-general]`),
		screenshot("05-cr-form-error"),
		chromedp.SetValue(`input[data-path="spec.database"]`, "analytics"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="reporting"]`),
		screenshot("06-cr-created"),
		// A database's page: its users, each with a link to its Secret.
		chromedp.Navigate(base+"ui/postgres.db.movetokube.com/analytics"),
		chromedp.WaitVisible(`section.users tr[data-id="dashboard"]`),
		chromedp.AttributeValue(`section.users tr[data-id="dashboard"] a.secret`, "href", &secretLink, nil),
		screenshot("08-database-page"),
		// A user of this database, through the New user form.
		chromedp.SetValue(`form.new-user input[data-path="metadata.name"]`, "analyst"),
		chromedp.SetValue(`form.new-user input[data-path="spec.role"]`, "analyst"),
		chromedp.SetValue(`form.new-user select[data-path="spec.privileges"]`, "READ"),
		chromedp.SetValue(`form.new-user input[data-path="spec.secretName"]`, "analyst"),
		chromedp.Click(`form.new-user button[type="submit"]`),
		chromedp.WaitVisible(`section.users tr[data-id="analyst"]`),
		chromedp.Text(`section.users tr[data-id="analyst"] td:nth-child(3)`, &analystPrivileges),
		// The edit form: the API's refusal next to its field, then a schema
		// more, shown in the object once the page reloads.
		chromedp.SetValue(`form.edit input[data-path="spec.schemas"]`, "raw, curated, raw"),
		chromedp.Click(`form.edit button[type="submit"]`),
		chromedp.WaitVisible(`form.edit .field-error[data-error-for="spec.schemas"]`),
		chromedp.Text(`form.edit .field-error[data-error-for="spec.schemas"]`, &schemasError),
		chromedp.SetValue(`form.edit input[data-path="spec.schemas"]`, "raw, curated, reports"),
		chromedp.Click(`form.edit button[type="submit"]`),
		// The value attribute is the server's: only the reloaded page has it.
		chromedp.WaitVisible(`form.edit input[data-path="spec.schemas"][value="raw, curated, reports"]`),
		chromedp.Text(`pre.object`, &editedJSON),
		screenshot("09-database-edited"),
		chromedp.Click(`section.users tr[data-id="analyst"] button[data-delete]`),
		chromedp.WaitNotPresent(`section.users tr[data-id="analyst"]`),
		chromedp.WaitVisible(`section.users tr[data-id="dashboard"]`),
		// A custom resource deleted from its own page: back to its list.
		chromedp.Navigate(base+"ui/postgresusers.db.movetokube.com/reporting"),
		chromedp.WaitVisible(`form.edit input[data-path="spec.database"][value="analytics"]`),
		screenshot("10-cr-detail"),
		chromedp.Click(`.heading button[data-delete]`),
		chromedp.WaitVisible(`form.create input[data-path="spec.database"]`),
		chromedp.WaitVisible(`tr[data-id="dashboard"]`),
		chromedp.Location(&listURL),
		chromedp.Evaluate(`document.querySelector('tr[data-id="reporting"]') !== null`, &reportingListed),
		screenshot("11-cr-deleted"),
		// A new database through its form (schemas as a comma list), then a
		// user of it through the database's page.
		chromedp.Navigate(base+"ui/postgres.db.movetokube.com"),
		chromedp.WaitVisible(`form.create input[data-path="spec.schemas"]`),
		chromedp.SetValue(`form.create input[data-path="metadata.name"]`, "sales"),
		chromedp.SetValue(`form.create input[data-path="spec.database"]`, "sales"),
		chromedp.SetValue(`form.create input[data-path="spec.schemas"]`, "orders, invoices"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="sales"]`),
		chromedp.Navigate(base+"ui/postgres.db.movetokube.com/sales"),
		chromedp.WaitVisible(`form.new-user input[data-path="metadata.name"]`),
		chromedp.SetValue(`form.new-user input[data-path="metadata.name"]`, "seller"),
		chromedp.SetValue(`form.new-user input[data-path="spec.role"]`, "seller"),
		chromedp.SetValue(`form.new-user select[data-path="spec.privileges"]`, "WRITE"),
		chromedp.SetValue(`form.new-user input[data-path="spec.secretName"]`, "seller"),
		chromedp.Click(`form.new-user button[type="submit"]`),
		chromedp.WaitVisible(`section.users tr[data-id="seller"]`),
		chromedp.Text(`section.users tr[data-id="seller"] td:nth-child(3)`, &sellerPrivileges),
		chromedp.Text(`section.users tr[data-id="seller"] td:nth-child(4)`, &sellerState),
		chromedp.Text(`pre.object`, &salesJSON),
		screenshot("12-database-created"),
		// A bucket: its quota a number and a unit, sent in bytes.
		chromedp.Navigate(base+"ui/buckets.minio.scc-digitalhub.github.io"),
		chromedp.WaitVisible(`form.create input[data-path="spec.quota"]`),
		chromedp.SetValue(`form.create input[data-path="metadata.name"]`, "models"),
		chromedp.SetValue(`form.create input[data-path="spec.name"]`, "models"),
		chromedp.SetValue(`form.create input[data-path="spec.quota"]`, "1.5"),
		chromedp.SetValue(`form.create select[data-unit-for="spec.quota"]`, "1"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`.field-error[data-error-for="spec.quota"]`),
		chromedp.Text(`.field-error[data-error-for="spec.quota"]`, &s3.quotaError),
		chromedp.SetValue(`form.create input[data-path="spec.quota"]`, "2"),
		chromedp.SetValue(`form.create select[data-unit-for="spec.quota"]`, "1073741824"),
		screenshot("13-bucket-form"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="models"]`),
		chromedp.Navigate(base+"ui/buckets.minio.scc-digitalhub.github.io/models"),
		chromedp.WaitVisible(`form.edit input[data-path="spec.quota"][value="2"]`),
		chromedp.Text(`pre.object`, &s3.bucketJSON),
		// A policy: JSON the browser cannot parse, then a document the
		// policy builder's checks refuse, then one started from the
		// read-only policy of the new bucket.
		chromedp.Navigate(base+"ui/policies.minio.scc-digitalhub.github.io"),
		chromedp.WaitVisible(`form.create textarea[data-path="spec.content"]`),
		chromedp.SetValue(`form.create input[data-path="metadata.name"]`, "models-ro"),
		chromedp.SetValue(`form.create input[data-path="spec.name"]`, "models-ro"),
		chromedp.SetValue(`form.create textarea[data-path="spec.content"]`, `{"Version": "2012-10-17",`),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`.field-error[data-error-for="spec.content"]`),
		chromedp.Text(`.field-error[data-error-for="spec.content"]`, &s3.policyParseError),
		chromedp.SetValue(`form.create textarea[data-path="spec.content"]`,
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::models/*"}]}`),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`form.create [data-error-general]`),
		chromedp.Text(`.field-error[data-error-for="spec.content"]`, &s3.policyEffectError),
		screenshot("14-policy-form-error"),
		chromedp.Evaluate(`(() => {
			const pick = document.querySelector('form.create select[data-template-for="spec.content"]');
			pick.value = Array.from(pick.options).find((o) => o.text === "Read-only on bucket models").value;
			pick.dispatchEvent(new Event("change", { bubbles: true }));
		})()`, nil),
		chromedp.WaitVisible(`form.create textarea[data-path="spec.content"]:not([aria-invalid])`),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="models-ro"]`),
		chromedp.Navigate(base+"ui/policies.minio.scc-digitalhub.github.io/models-ro"),
		chromedp.WaitVisible(`form.edit textarea[data-path="spec.content"]`),
		chromedp.Value(`form.edit textarea[data-path="spec.content"]`, &s3.policyJSON),
		screenshot("15-policy-page"),
		// A user: its secret key typed unseen, its policies picked from the
		// namespace's.
		chromedp.Navigate(base+"ui/users.minio.scc-digitalhub.github.io"),
		chromedp.WaitVisible(`form.create select[data-path="spec.policies"]`),
		chromedp.SetValue(`form.create input[data-path="metadata.name"]`, "trainer"),
		chromedp.SetValue(`form.create input[data-path="spec.accessKey"]`, "trainer"),
		chromedp.SetValue(`form.create input[data-path="spec.secretKey"]`, "trainer-secret-key"),
		chromedp.Evaluate(`for (const o of document.querySelector('form.create select[data-path="spec.policies"]').options) o.selected = true`, nil),
		screenshot("16-s3-user-form"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="trainer"]`),
		chromedp.Navigate(base+"ui/users.minio.scc-digitalhub.github.io/trainer"),
		chromedp.WaitVisible(`form.edit select[data-path="spec.policies"]`),
		chromedp.Evaluate(`Array.from(document.querySelector('form.edit select[data-path="spec.policies"]').selectedOptions, (o) => o.value)`, &s3.trainerPicked),
		chromedp.Text(`pre.object`, &s3.trainerJSON),
		screenshot("17-s3-user-page"),
		// Settings: a custom schema for buckets, refused while its pattern
		// is no regular expression, then stored from the CRD's own.
		chromedp.Navigate(base+"ui/customresourceschemas.hubkit.dev"),
		chromedp.WaitVisible(`form.create select[data-path="crdId"]`),
		chromedp.SetValue(`form.create select[data-path="crdId"]`, "buckets.minio.scc-digitalhub.github.io"),
		chromedp.SetValue(`form.create select[data-path="version"]`, "v1"),
		chromedp.SetValue(`form.create textarea[data-path="schema"]`, `{"type": "object", "properties": {"spec": {"type": "object", "properties": {"name": {"type": "string", "pattern": "("}}}}}`),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`form.create [data-error-general]`),
		chromedp.Text(`.field-error[data-error-for="spec.schema"]`, &s3.schemaError),
		chromedp.Evaluate(`document.querySelector('form.create textarea[data-path="schema"]').getAttribute("aria-invalid")`, &s3.schemaInvalid),
		screenshot("18-settings-error"),
		chromedp.Evaluate(`document.querySelector('form.create textarea[data-path="schema"]').value = ""`, nil),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="buckets-minio-scc-digitalhub-github-io-v1"]`),
		chromedp.Navigate(base+"ui/customresourceschemas.hubkit.dev/buckets-minio-scc-digitalhub-github-io-v1"),
		chromedp.WaitVisible(`pre.object`),
		chromedp.Text(`pre.object`, &s3.schemaJSON),
		screenshot("19-settings-stored"),
		dataServiceSteps(base, screenshot, &data),
		gatewaySteps(base, screenshot, &gw),
		tenancySteps(base, screenshot, viewScreenshot, &ten),
		compositionSteps(base, screenshot, &comp),
	)
	if err != nil {
		t.Fatalf("driving the dashboard: %v", err)
	}
	if sellerPrivileges != "WRITE" || sellerState != "Ready" || !strings.Contains(salesJSON, `"succeeded": true`) {
		t.Errorf("the new database sales shows %q and its user seller is %q, %q; want it made by the simulated operator, and the user Ready with WRITE", salesJSON, sellerPrivileges, sellerState)
	}
	if decoded != "demo-token-123" {
		t.Errorf("Decode showed %q, want the secret's value", decoded)
	}
	if nameMismatch != "true" {
		t.Errorf("the browser took %q as a name: the name field's pattern does not check it", "Not A Name")
	}
	if !strings.HasPrefix(labelsError, "Not JSON") || strings.Contains(generalError, "spec.database") {
		t.Errorf("JSON that does not parse: the error next to spec.labels is %q and the form's %q, want the parse error and nothing sent", labelsError, generalError)
	}
	if !strings.Contains(databaseError, "nowhere") {
		t.Errorf("the error next to spec.database is %q, want the API's refusal of the database %q", databaseError, "nowhere")
	}
	s3.check(t)
	data.check(t)
	gw.check(t)
	ten.check(t)
	comp.check(t)
	if secretLink != "/ui/k8s_secret/dashboard-dashboard" {
		t.Errorf("the user dashboard links its Secret as %q, want /ui/k8s_secret/dashboard-dashboard", secretLink)
	}
	if analystPrivileges != "READ" {
		t.Errorf("the user created through the database's page has privileges %q, want READ", analystPrivileges)
	}
	if !strings.Contains(schemasError, "Duplicate") {
		t.Errorf("the error next to spec.schemas is %q, want the API's refusal of a schema listed twice", schemasError)
	}
	if !strings.Contains(editedJSON, `"reports"`) {
		t.Errorf("the database's object after the edit lacks the schema reports:\n%s", editedJSON)
	}
	if listURL != base+"ui/postgresusers.db.movetokube.com" || reportingListed {
		t.Errorf("after deleting reporting from its page, the browser is at %s, the user listed: %t; want its list without it", listURL, reportingListed)
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("the dashboard: %v", err)
	}
}

// objectStoreSeen is what the browser saw of the object store's forms
// and of the Settings form.
type objectStoreSeen struct {
	quotaError, bucketJSON, policyParseError, policyEffectError, policyJSON, trainerJSON string
	trainerPicked                                                                        []string
	// What the Settings form showed: the error next to the schema, whether
	// the editor is marked, and the schema stored.
	schemaError, schemaInvalid, schemaJSON string
}

// check checks what the browser saw of the object store's forms.
func (s objectStoreSeen) check(t *testing.T) {
	t.Helper()
	if !strings.HasPrefix(s.schemaError, "properties[spec].properties[name].pattern: ") || !strings.Contains(s.schemaError, "error parsing regexp") || s.schemaInvalid != "true" {
		t.Errorf("a schema whose pattern is no regular expression: the error next to the schema is %q, the editor marked invalid: %q; want the API's refusal, marked", s.schemaError, s.schemaInvalid)
	}
	if !strings.Contains(s.schemaJSON, "Quota is the bucket") {
		t.Errorf("the schema stored empty is not filled from the CRD's own:\n%s", s.schemaJSON)
	}
	if !strings.HasPrefix(s.quotaError, "Not a whole number of bytes") {
		t.Errorf("a quota of 1.5 B: the error next to spec.quota is %q, want the browser's refusal of a fraction of a byte", s.quotaError)
	}
	if !strings.Contains(s.bucketJSON, `"quota": 2147483648`) {
		t.Errorf("the bucket made with a quota of 2 GiB is, in bytes:\n%s", s.bucketJSON)
	}
	if !strings.HasPrefix(s.policyParseError, "Not JSON") {
		t.Errorf("a policy that is no JSON: the error next to spec.content is %q, want the browser's parse error", s.policyParseError)
	}
	if !strings.HasPrefix(s.policyEffectError, "Statement[0].Effect: ") || !strings.Contains(s.policyEffectError, "Maybe") || !strings.Contains(s.policyEffectError, "Allow") {
		t.Errorf("a policy with an Effect of Maybe: the error next to spec.content is %q, want the policy builder's check of its Effect", s.policyEffectError)
	}
	if !strings.Contains(s.policyJSON, `s3:GetObject`) || strings.Contains(s.policyJSON, `s3:PutObject`) || !strings.Contains(s.policyJSON, `arn:aws:s3:::models/*`) {
		t.Errorf("the policy made from the read-only template of bucket models is:\n%s", s.policyJSON)
	}
	if diff := cmp.Diff([]string{"datasets-rw", "models-ro"}, s.trainerPicked); diff != "" || !strings.Contains(s.trainerJSON, `"models-ro"`) {
		t.Errorf("the user trainer, made with two policies picked, shows %s; its page picks -want, +got:\n%s", s.trainerJSON, diff)
	}
}

// dataServicesSeen is what the browser saw of the data services' forms.
type dataServicesSeen struct {
	// What the PostgREST form showed: the error next to the tables while
	// an anonRole was typed too, the object made, its page's Service URL
	// and grants picked, and whether it is still listed once deleted.
	tablesError, postgrestJSON, serviceURL string
	grantsPicked                           []string
	deletedListed                          bool
	// The new Dremio REST server's row in its list.
	dremioRow string
}

// dataServiceSteps drives the data services' forms: a PostgREST service
// over tables with the grants SELECT and INSERT picked and its connection
// by a Secret, refused while it names an anonRole too, then made, its
// page showing its Service URL, deleted from its page; a Dremio REST
// server made through its form and listed.
func dataServiceSteps(base string, screenshot func(string) chromedp.Action, seen *dataServicesSeen) chromedp.Tasks {
	const postgrest, dremio = "ui/postgrests.operator.postgrest.org", "ui/dremiorestservers.operator.dremiorestserver.com"
	return chromedp.Tasks{
		chromedp.Navigate(base + postgrest),
		chromedp.WaitVisible(`form.create select[data-path="spec.grants"]`),
		chromedp.SetValue(`form.create input[data-path="metadata.name"]`, "orders-api"),
		chromedp.SetValue(`form.create input[data-path="spec.schema"]`, "public"),
		chromedp.SetValue(`form.create input[data-path="spec.anonRole"]`, "analytics-reader"),
		chromedp.SetValue(`form.create input[data-path="spec.tables"]`, "orders, customers"),
		chromedp.Evaluate(`for (const o of document.querySelector('form.create select[data-path="spec.grants"]').options) o.selected = o.value === "SELECT" || o.value === "INSERT"`, nil),
		chromedp.SetValue(`form.create select[data-path="spec.connection.secretName"]`, "dashboard-dashboard"),
		screenshot("20-postgrest-form"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`form.create .field-error[data-error-for="spec.tables"]`),
		chromedp.Text(`form.create .field-error[data-error-for="spec.tables"]`, &seen.tablesError),
		screenshot("21-postgrest-form-error"),
		// SetValue cannot empty a field.
		chromedp.Evaluate(`document.querySelector('form.create input[data-path="spec.anonRole"]').value = ""`, nil),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="orders-api"]`),
		screenshot("22-postgrest-created"),
		chromedp.Navigate(base + postgrest + "/orders-api"),
		chromedp.WaitVisible(`form.edit select[data-path="spec.grants"]`),
		chromedp.Text(`p.service code`, &seen.serviceURL),
		chromedp.Text(`pre.object`, &seen.postgrestJSON),
		chromedp.Evaluate(`Array.from(document.querySelector('form.edit select[data-path="spec.grants"]').selectedOptions, (o) => o.value)`, &seen.grantsPicked),
		screenshot("23-postgrest-page"),
		chromedp.Click(`.heading button[data-delete]`),
		chromedp.WaitVisible(`form.create select[data-path="spec.grants"]`),
		chromedp.WaitVisible(`tr[data-id="analytics"]`),
		chromedp.Evaluate(`document.querySelector('tr[data-id="orders-api"]') !== null`, &seen.deletedListed),
		chromedp.Navigate(base + dremio),
		chromedp.WaitVisible(`form.create input[data-path="spec.tables"]`),
		chromedp.SetValue(`form.create input[data-path="metadata.name"]`, "sales-api"),
		chromedp.SetValue(`form.create input[data-path="spec.tables"]`, "lake.sales,lake.orders"),
		chromedp.SetValue(`form.create input[data-path="spec.connection.host"]`, "dremio.dremio.svc"),
		chromedp.SetValue(`form.create input[data-path="spec.connection.user"]`, "reporter"),
		chromedp.SetValue(`form.create input[data-path="spec.connection.password"]`, "reporter-password"),
		screenshot("24-dremio-form"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="sales-api"]`),
		chromedp.Text(`tr[data-id="sales-api"]`, &seen.dremioRow),
		screenshot("25-dremio-created"),
	}
}

// check checks what the browser saw of the data services' forms.
func (s dataServicesSeen) check(t *testing.T) {
	t.Helper()
	if !strings.Contains(s.tablesError, "anonRole") {
		t.Errorf("a PostgREST service with an anonRole and tables: the error next to spec.tables is %q, want the API's refusal of both", s.tablesError)
	}
	grants := strings.Contains(s.postgrestJSON, `"grants": "SELECT,INSERT"`) || strings.Contains(s.postgrestJSON, `"grants": "INSERT,SELECT"`)
	for _, want := range []string{`"orders"`, `"customers"`, `"secretName": "dashboard-dashboard"`, `"port": 5432`} {
		if !grants || !strings.Contains(s.postgrestJSON, want) || strings.Contains(s.postgrestJSON, `"anonRole"`) {
			t.Errorf("the PostgREST service made with tables, SELECT and INSERT picked and the Secret dashboard-dashboard lacks %s or its grants as one string, or has an anonRole:\n%s", want, s.postgrestJSON)
			break
		}
	}
	if diff := cmp.Diff([]string{"SELECT", "INSERT"}, s.grantsPicked); diff != "" {
		t.Errorf("the PostgREST service's page picks other grants: -want, +got:\n%s", diff)
	}
	if s.serviceURL != "http://postgrest-orders-api.demo.svc:3000" {
		t.Errorf("the PostgREST service's page shows the Service %q, want http://postgrest-orders-api.demo.svc:3000", s.serviceURL)
	}
	if s.deletedListed {
		t.Errorf("the PostgREST service deleted from its page is still listed")
	}
	for _, want := range []string{"lake.sales,lake.orders", "dremio.dremio.svc", "http://dremiorestserver-sales-api.demo.svc:3000"} {
		if !strings.Contains(s.dremioRow, want) {
			t.Errorf("the new Dremio REST server's row %q lacks %s", s.dremioRow, want)
		}
	}
}

// gatewaySeen is what the browser saw of the API gateways' form.
type gatewaySeen struct {
	// What the create form filled by itself: the host once the name was
	// typed, the port once the Service was picked, and whether the user
	// and password showed before and after basic was picked.
	host, port                 string
	basicBefore, basicAfter    bool
	listedRow, url, objectJSON string
	// What the gateway's page picked, and the error next to spec.port of
	// a gateway on a port its Service does not have.
	pickedPort, pickedAuth, portError string
	deletedListed                     bool
}

// gatewaySteps drives the API gateways' form: a gateway sales-gw of the
// demo Service postgrest-analytics, its port and host filled by the form,
// with basic authentication; listed, its page showing its URL; a gateway
// on a port the Service does not have refused next to its port; sales-gw
// deleted from its page.
func gatewaySteps(base string, screenshot func(string) chromedp.Action, seen *gatewaySeen) chromedp.Tasks {
	const gateways = "ui/apigws.operator.scc-digitalhub.github.io"
	const basicShown = `!document.querySelector('form.create fieldset[data-show-if="spec.auth.type"]').hidden`
	return chromedp.Tasks{
		chromedp.Navigate(base + gateways),
		chromedp.WaitVisible(`form.create select[data-path="spec.service"]`),
		chromedp.SendKeys(`form.create input[data-path="metadata.name"]`, "sales-gw"),
		chromedp.Value(`form.create input[data-path="spec.host"]`, &seen.host),
		chromedp.SetValue(`form.create select[data-path="spec.service"]`, "postgrest-analytics"),
		chromedp.Value(`form.create select[data-path="spec.port"]`, &seen.port),
		chromedp.Evaluate(basicShown, &seen.basicBefore),
		chromedp.SetValue(`form.create select[data-path="spec.auth.type"]`, "basic"),
		chromedp.WaitVisible(`form.create input[data-path="spec.auth.basic.user"]`),
		chromedp.Evaluate(basicShown, &seen.basicAfter),
		chromedp.SendKeys(`form.create input[data-path="spec.auth.basic.user"]`, "sales"),
		chromedp.SendKeys(`form.create input[data-path="spec.auth.basic.password"]`, "sales-gw-password"),
		screenshot("26-gateway-form"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="sales-gw"]`),
		chromedp.Text(`tr[data-id="sales-gw"]`, &seen.listedRow),
		screenshot("27-gateway-created"),
		chromedp.Navigate(base + gateways + "/sales-gw"),
		chromedp.WaitVisible(`form.edit select[data-path="spec.port"]`),
		chromedp.Text(`p.gateway a`, &seen.url),
		chromedp.Text(`pre.object`, &seen.objectJSON),
		chromedp.Value(`form.edit select[data-path="spec.port"]`, &seen.pickedPort),
		chromedp.Value(`form.edit select[data-path="spec.auth.type"]`, &seen.pickedAuth),
		screenshot("28-gateway-page"),
		// A port the Service does not have, picked by a script: the API's
		// refusal shows next to the port.
		chromedp.Navigate(base + gateways),
		chromedp.WaitVisible(`form.create select[data-path="spec.service"]`),
		chromedp.SendKeys(`form.create input[data-path="metadata.name"]`, "bogus-gw"),
		chromedp.SetValue(`form.create select[data-path="spec.service"]`, "postgrest-analytics"),
		chromedp.Evaluate(`(() => {
			const pick = document.querySelector('form.create select[data-path="spec.port"]');
			pick.add(new Option("9999", "9999"));
			pick.value = "9999";
		})()`, nil),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`form.create .field-error[data-error-for="spec.port"]`),
		chromedp.Text(`form.create .field-error[data-error-for="spec.port"]`, &seen.portError),
		screenshot("29-gateway-port-error"),
		chromedp.Navigate(base + gateways + "/sales-gw"),
		chromedp.WaitVisible(`.heading button[data-delete]`),
		chromedp.Click(`.heading button[data-delete]`),
		chromedp.WaitVisible(`form.create select[data-path="spec.service"]`),
		chromedp.WaitVisible(`tr[data-id="analytics-api"]`),
		chromedp.Evaluate(`document.querySelector('tr[data-id="sales-gw"]') !== null`, &seen.deletedListed),
		screenshot("30-gateway-deleted"),
	}
}

// check checks what the browser saw of the API gateways' form.
func (s gatewaySeen) check(t *testing.T) {
	t.Helper()
	if s.host != "sales-gw.services.hubkit.example" {
		t.Errorf("the host filled as the name sales-gw was typed is %q, want sales-gw.services.hubkit.example", s.host)
	}
	if s.port != "3000" {
		t.Errorf("the port picked once the Service postgrest-analytics was is %q, want its port 3000", s.port)
	}
	if s.basicBefore || !s.basicAfter {
		t.Errorf("the user and password show before basic is picked: %t, after: %t; want only after", s.basicBefore, s.basicAfter)
	}
	for _, want := range []string{"sales-gw.services.hubkit.example/", "postgrest-analytics:3000", "basic"} {
		if !strings.Contains(s.listedRow, want) {
			t.Errorf("the row of sales-gw %q lacks %s", s.listedRow, want)
		}
	}
	if s.url != "https://sales-gw.services.hubkit.example/" {
		t.Errorf("the page of sales-gw shows the URL %q, want https://sales-gw.services.hubkit.example/", s.url)
	}
	for _, want := range []string{`"port": 3000`, `"service": "postgrest-analytics"`, `"type": "basic"`, `"user": "sales"`, `"path": "/"`} {
		if !strings.Contains(s.objectJSON, want) || strings.Contains(s.objectJSON, "sales-gw-password") {
			t.Errorf("the gateway sales-gw lacks %s, or shows its password:\n%s", want, s.objectJSON)
		}
	}
	if s.pickedPort != "3000" || s.pickedAuth != "basic" {
		t.Errorf("the page of sales-gw picks the port %q and the authentication %q, want 3000 and basic", s.pickedPort, s.pickedAuth)
	}
	if !strings.Contains(s.portError, "9999") || !strings.Contains(s.portError, "3000") {
		t.Errorf("a gateway on the port 9999 of postgrest-analytics: the error next to spec.port is %q, want the API's refusal naming the Service's port 3000", s.portError)
	}
	if s.deletedListed {
		t.Errorf("the gateway sales-gw deleted from its page is still listed")
	}
}

// tenancySeen is what the browser saw of the tenants' and workspaces'
// pages.
type tenancySeen struct {
	// The new workspace physics, as its page shows it.
	workspaceJSON string
	// The error next to the CPU of a quota typed "2 cores".
	cpuError string
	// The demo tenant's row; the errors next to the email and the row of
	// a workspace named twice, and the form's general error; the
	// workspace of the second row once the row before it was removed.
	adaRow, emailError, duplicateError, generalError, renumbered string
	// The new tenant alan.turing as its page shows it, and the workspaces
	// and roles its edit form picks.
	alanJSON                 string
	pickedNames, pickedRoles []string
	// The delete confirmations: the demo tenant's (and whether it is still
	// listed once cancelled), and the workspace physics'.
	adaDelete, physicsDelete string
	adaListedAfterCancel     bool
	// Whether alan.turing is still listed once deleted from its page, and
	// where the browser went.
	alanListed bool
	alanGone   string
}

// tenancySteps drives the tenants' and workspaces' pages: a workspace
// physics made through its form, its quota as quantities with a GPU as an
// other resource (refused first while its CPU is no quantity); the
// tenants' list; a tenant alan.turing refused while its email is not one
// and a workspace is named twice (the errors next to the email and the
// row), then, that row removed, made in data-science as manager and physics
// as user; its page's form picking them; the demo tenant's delete
// confirmation, cancelled; physics' delete confirmation naming its
// tenant; alan.turing deleted from its page through its confirmation.
// Its delete confirmations are shot as the user sees them (viewScreenshot).
func tenancySteps(base string, screenshot, viewScreenshot func(string) chromedp.Action, seen *tenancySeen) chromedp.Tasks {
	const tenants, workspaces = "ui/tenants.tenancy.hubkit.dev", "ui/workspaces.tenancy.hubkit.dev"
	row := func(i int, cell string) string {
		return fmt.Sprintf(`form.create select[data-path="spec.workspaces[%d].%s"]`, i, cell)
	}
	return chromedp.Tasks{
		chromedp.Navigate(base + workspaces),
		chromedp.WaitVisible(`form.create input[data-path="spec.prettyName"]`),
		chromedp.SetValue(`form.create input[data-path="metadata.name"]`, "physics"),
		chromedp.SetValue(`form.create input[data-path="spec.prettyName"]`, "Physics"),
		chromedp.SetValue(`form.create input[data-path="spec.quota.cpu"]`, "2"),
		chromedp.SetValue(`form.create input[data-path="spec.quota.memory"]`, "4Gi"),
		chromedp.SetValue(`form.create input[data-path="spec.quota.instances"]`, "2"),
		chromedp.Click(`form.create fieldset[data-rows="spec.quota.extra"] button[data-add-row]`),
		chromedp.SetValue(`form.create input[data-path="spec.quota.extra[0].name"]`, "nvidia.com/gpu"),
		chromedp.SetValue(`form.create input[data-path="spec.quota.extra[0].quantity"]`, "1"),
		screenshot("31-workspace-form"),
		// A quantity the browser cannot read is refused next to its field.
		chromedp.SetValue(`form.create input[data-path="spec.quota.cpu"]`, "2 cores"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`form.create .field-error[data-error-for="spec.quota.cpu"]`),
		chromedp.Text(`form.create .field-error[data-error-for="spec.quota.cpu"]`, &seen.cpuError),
		screenshot("32-workspace-quantity-error"),
		chromedp.SetValue(`form.create input[data-path="spec.quota.cpu"]`, "2"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="physics"]`),
		chromedp.Navigate(base + workspaces + "/physics"),
		chromedp.WaitVisible(`form.edit input[data-path="spec.quota.extra[0].quantity"][value="1"]`),
		chromedp.Text(`pre.object`, &seen.workspaceJSON),
		chromedp.Navigate(base + tenants),
		chromedp.WaitVisible(`tr[data-id="ada.lovelace"]`),
		chromedp.Text(`tr[data-id="ada.lovelace"]`, &seen.adaRow),
		screenshot("33-tenants-list"),
		chromedp.SetValue(`form.create input[data-path="metadata.name"]`, "alan.turing"),
		chromedp.SetValue(`form.create input[data-path="spec.firstName"]`, "Alan"),
		chromedp.SetValue(`form.create input[data-path="spec.lastName"]`, "Turing"),
		// An address the browser's pattern lets by and the tenant's checks
		// refuse.
		chromedp.SetValue(`form.create input[data-path="spec.email"]`, "alan..turing@example.org"),
		chromedp.Click(`form.create fieldset[data-rows="spec.workspaces"] button[data-add-row]`),
		chromedp.SetValue(row(0, "name"), "data-science"),
		chromedp.SetValue(row(0, "role"), "manager"),
		chromedp.Click(`form.create fieldset[data-rows="spec.workspaces"] button[data-add-row]`),
		chromedp.SetValue(row(1, "name"), "data-science"),
		chromedp.Click(`form.create fieldset[data-rows="spec.workspaces"] button[data-add-row]`),
		chromedp.SetValue(row(2, "name"), "physics"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`form.create .field-error[data-error-for="spec.email"]`),
		chromedp.Text(`form.create .field-error[data-error-for="spec.email"]`, &seen.emailError),
		chromedp.Text(`form.create .field-error[data-error-for="spec.workspaces[1].name"]`, &seen.duplicateError),
		chromedp.Text(`form.create [data-error-general]`, &seen.generalError),
		screenshot("34-tenant-form-error"),
		chromedp.SetValue(`form.create input[data-path="spec.email"]`, "alan.turing@example.org"),
		// The row of the duplicate removed, the row after it is numbered
		// again.
		chromedp.Click(`form.create fieldset[data-rows="spec.workspaces"] [data-row]:nth-of-type(2) button[data-remove-row]`),
		chromedp.WaitNotPresent(row(2, "name")),
		chromedp.Value(row(1, "name"), &seen.renumbered),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="alan.turing"]`),
		chromedp.Navigate(base + tenants + "/alan.turing"),
		chromedp.WaitVisible(`form.edit select[data-path="spec.workspaces[1].role"]`),
		chromedp.Text(`pre.object`, &seen.alanJSON),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('form.edit [data-rows="spec.workspaces"] select[data-path$=".name"]'), (s) => s.value)`, &seen.pickedNames),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('form.edit [data-rows="spec.workspaces"] select[data-path$=".role"]'), (s) => s.value)`, &seen.pickedRoles),
		screenshot("35-tenant-page"),
		// The demo tenant's delete: its confirmation says what goes and
		// what stays; cancelled, the tenant stays.
		chromedp.Navigate(base + tenants),
		chromedp.WaitVisible(`tr[data-id="ada.lovelace"]`),
		chromedp.Click(`tr[data-id="ada.lovelace"] button[data-confirm]`),
		chromedp.WaitVisible(`dialog[id="delete-ada.lovelace"]`),
		chromedp.Text(`dialog[id="delete-ada.lovelace"]`, &seen.adaDelete),
		viewScreenshot("36-tenant-delete-confirm"),
		chromedp.Click(`dialog[id="delete-ada.lovelace"] button.secondary`),
		chromedp.WaitNotVisible(`dialog[id="delete-ada.lovelace"]`),
		chromedp.Evaluate(`document.querySelector('tr[data-id="ada.lovelace"]') !== null`, &seen.adaListedAfterCancel),
		chromedp.Navigate(base + workspaces),
		chromedp.WaitVisible(`tr[data-id="physics"]`),
		chromedp.Click(`tr[data-id="physics"] button[data-confirm]`),
		chromedp.WaitVisible(`dialog[id="delete-physics"]`),
		chromedp.Text(`dialog[id="delete-physics"]`, &seen.physicsDelete),
		viewScreenshot("37-workspace-delete-confirm"),
		// alan.turing deleted from its page, through its confirmation.
		chromedp.Navigate(base + tenants + "/alan.turing"),
		chromedp.WaitVisible(`.heading button[data-confirm]`),
		chromedp.Click(`.heading button[data-confirm]`),
		chromedp.WaitVisible(`dialog[id="delete-alan.turing"]`),
		chromedp.Click(`dialog[id="delete-alan.turing"] button[data-delete]`),
		chromedp.WaitVisible(`tr[data-id="ada.lovelace"]`),
		chromedp.Location(&seen.alanGone),
		chromedp.Evaluate(`document.querySelector('tr[data-id="alan.turing"]') !== null`, &seen.alanListed),
	}
}

// check checks what the browser saw of the tenants' and workspaces'
// pages.
func (s tenancySeen) check(t *testing.T) {
	t.Helper()
	for _, want := range []string{`"prettyName": "Physics"`, `"cpu": "2"`, `"memory": "4Gi"`, `"instances": 2`, `"nvidia.com/gpu": "1"`} {
		if !strings.Contains(s.workspaceJSON, want) {
			t.Errorf("the workspace physics made through its form lacks %s:\n%s", want, s.workspaceJSON)
		}
	}
	for _, want := range []string{"tenant-ada-lovelace", "ada@hubkit.example", "data-science (manager)", "Ready"} {
		if !strings.Contains(s.adaRow, want) {
			t.Errorf("the row of the demo tenant %q lacks %s", s.adaRow, want)
		}
	}
	if !strings.Contains(s.emailError, "alan..turing@example.org") || !strings.Contains(s.emailError, "an email address") {
		t.Errorf("the error next to spec.email is %q, want the tenant's check of the address", s.emailError)
	}
	if !strings.HasPrefix(s.cpuError, "Not a quantity: 2 cores") {
		t.Errorf("the error next to a CPU of 2 cores is %q, want the browser's refusal of a quantity it cannot read", s.cpuError)
	}
	if !strings.Contains(s.duplicateError, "Duplicate") {
		t.Errorf("the error next to the second workspace, data-science again, is %q, want its refusal as a duplicate", s.duplicateError)
	}
	if s.renumbered != "physics" {
		t.Errorf("once the second row was removed, the second is %q, want physics, the third before", s.renumbered)
	}
	if !strings.HasPrefix(s.generalError, "Not created: ") {
		t.Errorf("the form's general error is %q, want the API's refusal", s.generalError)
	}
	for _, want := range []string{`"email": "alan.turing@example.org"`, `"name": "data-science"`, `"role": "manager"`, `"name": "physics"`, `"role": "user"`} {
		if !strings.Contains(s.alanJSON, want) {
			t.Errorf("the tenant alan.turing made through the form lacks %s:\n%s", want, s.alanJSON)
		}
	}
	if diff := cmp.Diff([]string{"data-science", "physics"}, s.pickedNames); diff != "" {
		t.Errorf("alan.turing's page picks other workspaces: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]string{"manager", "user"}, s.pickedRoles); diff != "" {
		t.Errorf("alan.turing's page picks other roles: -want, +got:\n%s", diff)
	}
	for _, want := range []string{"tenant-ada-lovelace and everything in it", "crownlabs-manage-tenant-ada-lovelace", "account", "mydrive-pvcs/ada-lovelace-drive (a tenant of the same name gets it back)"} {
		if !strings.Contains(s.adaDelete, want) {
			t.Errorf("the demo tenant's delete confirmation lacks %q:\n%s", want, s.adaDelete)
		}
	}
	if !s.adaListedAfterCancel {
		t.Errorf("the demo tenant is gone after its delete was cancelled")
	}
	for _, want := range []string{"workspace-physics", "alan.turing (user)", "It leaves every tenant"} {
		if !strings.Contains(s.physicsDelete, want) {
			t.Errorf("the workspace physics' delete confirmation lacks %q:\n%s", want, s.physicsDelete)
		}
	}
	if s.alanListed || !strings.HasSuffix(s.alanGone, "/ui/tenants.tenancy.hubkit.dev") {
		t.Errorf("after deleting alan.turing from its page, the browser is at %s, the tenant listed: %t; want its list without it", s.alanGone, s.alanListed)
	}
}
