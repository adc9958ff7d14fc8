package restapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/platformtest"
	"github.com/hubkit-dev/hubkit/platform/restapi"
)

func TestCrossOriginProtection(t *testing.T) {
	srv := newTestServer(t)
	const crossSiteMessage = "cross-origin request detected"
	cases := map[string]struct {
		reason  string
		method  string
		path    string
		body    string
		header  http.Header
		want    int
		message string
		// after, when set, is read once the request is answered: the
		// status it must have shows whether the write happened.
		after     string
		afterWant int
	}{
		"SameOriginBrowser": {
			reason: "A page of the API's own origin (the dashboard's, or the console's) writes with nothing extra.",
			method: http.MethodPost, path: "/api/k8s_secret", body: `{"name":"from-page","data":{"k":"v"}}`,
			header: http.Header{"Sec-Fetch-Site": {"same-origin"}, "Content-Type": {"application/json"}},
			want:   http.StatusOK, after: "/api/k8s_secret/from-page", afterWant: http.StatusOK,
		},
		"APIClient": {
			reason: "A client that is no browser sends neither Sec-Fetch-Site nor Origin, and needs no token.",
			method: http.MethodPost, path: "/api/k8s_secret", body: `{"name":"from-client","data":{"k":"v"}}`,
			want: http.StatusOK, after: "/api/k8s_secret/from-client", afterWant: http.StatusOK,
		},
		"SameOriginOldBrowser": {
			reason: "An Origin naming the API's own host is same-origin.",
			method: http.MethodPost, path: "/api/k8s_secret", body: `{"name":"from-old-browser","data":{"k":"v"}}`,
			header: http.Header{"Origin": {srv.URL}},
			want:   http.StatusOK, after: "/api/k8s_secret/from-old-browser", afterWant: http.StatusOK,
		},
		"APIClientDelete": {
			reason: "An API client deletes with nothing extra.",
			method: http.MethodDelete, path: "/api/k8s_pvc/scratch",
			want: http.StatusOK, after: "/api/k8s_pvc/scratch", afterWant: http.StatusNotFound,
		},
		"CrossSiteFormPost": {
			reason: "A form on another site posting here is refused, with the error JSON.",
			method: http.MethodPost, path: "/api/k8s_secret", body: `name=evil`,
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Content-Type": {"application/x-www-form-urlencoded"}},
			want:   http.StatusForbidden, message: crossSiteMessage, after: "/api/k8s_secret/evil", afterWant: http.StatusNotFound,
		},
		"SameSiteOtherOrigin": {
			reason: "Another origin of the same site is another origin.",
			method: http.MethodPost, path: "/api/k8s_secret", body: `{"name":"same-site","data":{"k":"v"}}`,
			header: http.Header{"Sec-Fetch-Site": {"same-site"}},
			want:   http.StatusForbidden, message: crossSiteMessage, after: "/api/k8s_secret/same-site", afterWant: http.StatusNotFound,
		},
		"ForeignOrigin": {
			reason: "Without Sec-Fetch-Site, an Origin of another host is refused.",
			method: http.MethodPost, path: "/api/k8s_secret", body: `{"name":"foreign","data":{"k":"v"}}`,
			header: http.Header{"Origin": {"https://evil.example"}},
			want:   http.StatusForbidden, message: "Origin does not match Host", after: "/api/k8s_secret/foreign", afterWant: http.StatusNotFound,
		},
		"CrossSiteDelete": {
			reason: "A cross-site DELETE deletes nothing.",
			method: http.MethodDelete, path: "/api/k8s_pvc/datasets",
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}},
			want:   http.StatusForbidden, message: crossSiteMessage, after: "/api/k8s_pvc/datasets", afterWant: http.StatusOK,
		},
		"CrossSitePut": {
			reason: "A cross-site PUT of a custom resource is refused.",
			method: http.MethodPut, path: "/api/buckets.minio.scc-digitalhub.github.io/datasets", body: `{"spec":{"name":"datasets"}}`,
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}},
			want:   http.StatusForbidden, message: crossSiteMessage,
		},
		"CrossSiteRead": {
			reason: "Reads are safe: a cross-site GET is answered (the browser keeps the answer from the other site).",
			method: http.MethodGet, path: "/api/k8s_pvc",
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}},
			want:   http.StatusOK,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := send(t, srv, tc.method, tc.path, tc.body, tc.header)
			if a.status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, a.status, tc.want, a.raw)
			}
			if tc.message != "" {
				checkErrorJSON(t, tc.reason, a, tc.want, tc.path)
				if msg, _ := a.json["message"].(string); !strings.Contains(msg, tc.message) {
					t.Errorf("\nReason: %s\nmessage %q does not say %q", tc.reason, msg, tc.message)
				}
			}
			if tc.after != "" {
				if status, _, raw := call(t, srv, http.MethodGet, tc.after, ""); status != tc.afterWant {
					t.Errorf("\nReason: %s\nafterwards GET %s = %d, want %d: %s", tc.reason, tc.after, status, tc.afterWant, raw)
				}
			}
		})
	}
}

// checkErrorJSON fails unless a is the error JSON of status for path.
func checkErrorJSON(t *testing.T, reason string, a answer, status int, path string) {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("\nReason: %s\nContent-Type %q, want application/json: %s", reason, ct, a.raw)
	}
	if a.json == nil {
		t.Fatalf("\nReason: %s\nthe body is no JSON object: %q", reason, a.raw)
	}
	got := map[string]any{"status": a.json["status"], "error": a.json["error"], "path": a.json["path"]}
	want := map[string]any{"status": float64(status), "error": http.StatusText(status), "path": path}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("\nReason: %s\nerror JSON: -want, +got:\n%s", reason, diff)
	}
	if msg, _ := a.json["message"].(string); msg == "" {
		t.Errorf("\nReason: %s\nthe error JSON has no message: %s", reason, a.raw)
	}
	if ts, _ := a.json["timestamp"].(string); ts == "" {
		t.Errorf("\nReason: %s\nthe error JSON has no timestamp: %s", reason, a.raw)
	} else if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
		t.Errorf("\nReason: %s\ntimestamp %q: %v", reason, ts, err)
	}
}

func TestErrorsAreJSON(t *testing.T) {
	srv := newTestServer(t)
	cases := map[string]struct {
		reason string
		method string
		path   string
		header http.Header
		want   int
		allow  string // the Allow header a 405 must carry
	}{
		"UnknownRoute":        {reason: "A path no route serves is a 404.", method: http.MethodGet, path: "/api/nothing/here/at/all", want: http.StatusNotFound},
		"APIRoot":             {reason: "/api itself is no route.", method: http.MethodGet, path: "/api", want: http.StatusNotFound},
		"UnderConfig":         {reason: "/api/config has nothing under it, and is no custom resource.", method: http.MethodGet, path: "/api/config/x", want: http.StatusNotFound},
		"UnderUserOtherVerb":  {reason: "No method has a route under /api/user.", method: http.MethodPatch, path: "/api/user/x", want: http.StatusNotFound},
		"MethodNotAllowed":    {reason: "A route for other methods is a 405 listing them.", method: http.MethodPatch, path: "/api/k8s_pvc", want: http.StatusMethodNotAllowed, allow: "GET, HEAD, POST"},
		"NoServiceLog":        {reason: "Services have no log path.", method: http.MethodGet, path: "/api/k8s_service/jupyter/log", want: http.StatusNotFound},
		"LogWrite":            {reason: "A log is read-only.", method: http.MethodDelete, path: "/api/k8s_deployment/jupyter/log", want: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		"ReservedWrite":       {reason: "POST /api/crd is not POST /api/{crdId}.", method: http.MethodPost, path: "/api/crd", want: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		"ReservedOtherVerb":   {reason: "The Allow header does not list the writes routed only to refuse them.", method: http.MethodPut, path: "/api/crd", want: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		"ReservedDetailWrite": {reason: "PUT /api/crd/{id} is not PUT /api/{crdId}/{id}.", method: http.MethodPut, path: "/api/crd/postgres.db.movetokube.com", want: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		"ReservedDetailPost":  {reason: "POST on a reserved detail path lists only what it serves.", method: http.MethodPost, path: "/api/crs/abc", want: http.StatusMethodNotAllowed, allow: "DELETE, GET, HEAD, PUT"},
		"SchemasWrite":        {reason: "The schemas of a CRD are read-only.", method: http.MethodPost, path: "/api/crd/postgres.db.movetokube.com/schemas", want: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		"CrossOrigin":         {reason: "The cross-origin refusal.", method: http.MethodPost, path: "/api/k8s_pvc", header: http.Header{"Sec-Fetch-Site": {"cross-site"}}, want: http.StatusForbidden},
		"BadID":               {reason: "An id off the pattern.", method: http.MethodGet, path: "/api/k8s_pvc/Bad_ID", want: http.StatusBadRequest},
		"BadPage":             {reason: "A page size off the range.", method: http.MethodGet, path: "/api/k8s_pvc?size=0", want: http.StatusBadRequest},
		"UnknownCRD":          {reason: "A crdId the API does not serve.", method: http.MethodGet, path: "/api/widgets.example.dev", want: http.StatusNotFound},
		"MissingObject":       {reason: "An object that does not exist.", method: http.MethodGet, path: "/api/k8s_secret/missing", want: http.StatusNotFound},
		"YAMLAskedError":      {reason: "Errors are JSON even to a client asking for YAML.", method: http.MethodGet, path: "/api/k8s_secret/missing", header: http.Header{"Accept": {"application/x-yaml"}}, want: http.StatusNotFound},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := send(t, srv, tc.method, tc.path, "", tc.header)
			if a.status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, a.status, tc.want, a.raw)
			}
			path, _, _ := strings.Cut(tc.path, "?")
			checkErrorJSON(t, tc.reason, a, tc.want, path)
			if got := a.header.Get("Allow"); got != tc.allow {
				t.Errorf("\nReason: %s\nAllow %q, want %q", tc.reason, got, tc.allow)
			}
		})
	}
}

func TestPanicsAnswerErrorJSON(t *testing.T) {
	cases := map[string]struct {
		reason    string
		handler   http.HandlerFunc
		want      int
		wantPanic any
	}{
		"BeforeWriting": {
			reason:  "A panic before anything is written is a 500 with the error JSON, which does not show the panic's value.",
			handler: func(http.ResponseWriter, *http.Request) { panic("secret-panic-value") },
			want:    http.StatusInternalServerError,
		},
		"AfterWriting": {
			reason: "A panic once the answer has begun cuts the connection: net/http's ErrAbortHandler.",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte("partial"))
				panic("late")
			},
			want: http.StatusOK, wantPanic: http.ErrAbortHandler,
		},
		"Abort": {
			reason:  "ErrAbortHandler goes through as it is.",
			handler: func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) },
			want:    http.StatusOK, wantPanic: http.ErrAbortHandler,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/k8s_pvc", nil)
			var panicked any
			func() {
				defer func() { panicked = recover() }()
				restapi.Recover(tc.handler, slog.New(slog.DiscardHandler)).ServeHTTP(rec, req)
			}()
			if panicked != tc.wantPanic {
				t.Fatalf("\nReason: %s\npanicked with %v, want %v", tc.reason, panicked, tc.wantPanic)
			}
			if rec.Code != tc.want {
				t.Errorf("\nReason: %s\nstatus %d, want %d", tc.reason, rec.Code, tc.want)
			}
			if tc.want == http.StatusInternalServerError {
				a := answer{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
				_ = json.Unmarshal(rec.Body.Bytes(), &a.json)
				checkErrorJSON(t, tc.reason, a, tc.want, "/api/k8s_pvc")
				if strings.Contains(a.raw, "secret-panic-value") {
					t.Errorf("\nReason: %s\nthe answer shows the panic's value: %s", tc.reason, a.raw)
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	p, _, err := platformtest.NewEmbedded(t.Context(), platform.DemoNamespace, true)
	if err != nil {
		t.Fatal(err)
	}
	platformFor := func(*http.Request) (*platform.Platform, error) { return p, nil }
	var postgres, noStorage *apiextensionsv1.CustomResourceDefinition
	for _, crd := range platform.CRDs() {
		if crd.Name == "postgres.db.movetokube.com" {
			postgres = crd
			noStorage = crd.DeepCopy()
			for i := range noStorage.Spec.Versions {
				noStorage.Spec.Versions[i].Storage = false
			}
		}
	}
	cases := map[string]struct {
		reason      string
		platformFor func(*http.Request) (*platform.Platform, error)
		opts        []restapi.Option
		wantErr     bool
		// wantCRDs are the ids /api/crd lists.
		wantCRDs []any
	}{
		"NoPlatformFor": {reason: "The API needs a Platform for each request.", wantErr: true},
		"NoStorageVersion": {
			reason: "A CRD without a storage version cannot be served.", platformFor: platformFor,
			opts: []restapi.Option{restapi.WithCRDs(noStorage)}, wantErr: true,
		},
		"OneCRD": {
			reason: "WithCRDs serves those CRDs only.", platformFor: platformFor,
			opts: []restapi.Option{restapi.WithCRDs(postgres)}, wantCRDs: []any{"postgres.db.movetokube.com"},
		},
		"NoCRDs": {
			reason: "WithCRDs with none serves no custom kind.", platformFor: platformFor,
			opts: []restapi.Option{restapi.WithCRDs()}, wantCRDs: []any{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h, err := restapi.New(tc.platformFor, tc.opts...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("\nReason: %s\nerror %v, want one: %t", tc.reason, err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			if diff := cmp.Diff(tc.wantCRDs, field(t, send(t, srv, http.MethodGet, "/api/crd", "", nil), "id")); diff != "" {
				t.Errorf("\nReason: %s\n/api/crd ids: -want, +got:\n%s", tc.reason, diff)
			}
			if a := send(t, srv, http.MethodGet, "/api/buckets.minio.scc-digitalhub.github.io", "", nil); a.status != http.StatusNotFound {
				t.Errorf("\nReason: %s\na CRD not served answered %d, want 404: %s", tc.reason, a.status, a.raw)
			}
		})
	}
}

func TestPlatformForErrors(t *testing.T) {
	cases := map[string]struct {
		reason        string
		err           error
		want          int
		wantChallenge string
	}{
		"Unauthenticated": {
			reason: "An *AuthenticationError is a 401 with its challenge.",
			err:    &restapi.AuthenticationError{Challenge: `Basic realm="team"`, Message: "sign in"}, want: http.StatusUnauthorized, wantChallenge: `Basic realm="team"`,
		},
		"Wrapped": {
			reason: "Also wrapped, and without a challenge.",
			err:    fmt.Errorf("checking the token: %w", &restapi.AuthenticationError{}), want: http.StatusUnauthorized,
		},
		"Forbidden": {
			reason: "The cluster's Forbidden is a 403.",
			err:    apierrors.NewForbidden(schema.GroupResource{Resource: "persistentvolumeclaims"}, "", errors.New("no")), want: http.StatusForbidden,
		},
		"Other": {reason: "Anything else is a 400.", err: errors.New("no platform"), want: http.StatusBadRequest},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h, err := restapi.New(func(*http.Request) (*platform.Platform, error) { return nil, tc.err })
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			a := send(t, srv, http.MethodGet, "/api/k8s_pvc", "", nil)
			checkErrorJSON(t, tc.reason, a, tc.want, "/api/k8s_pvc")
			if got := a.header.Get("WWW-Authenticate"); got != tc.wantChallenge {
				t.Errorf("\nReason: %s\nWWW-Authenticate %q, want %q", tc.reason, got, tc.wantChallenge)
			}
		})
	}
}
