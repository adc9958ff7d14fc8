package main

import (
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/bcrypt"
)

// newTestHandler returns the handler of the dashboard main builds for the
// embedded demo cluster, after edits.
func newTestHandler(t *testing.T, edits ...func(*server)) http.Handler {
	t.Helper()
	s, err := newServer(t.Context(), options{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range edits {
		edit(s)
	}
	return s.handler()
}

// get serves a GET of path with header and returns the status, the header
// and the body.
func get(t *testing.T, h http.Handler, path string, header http.Header) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
	maps.Copy(req.Header, header)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.String()
}

// TestAPIMounted checks that the dashboard serves the API under /api (the
// API's own tests are platform/restapi's).
func TestAPIMounted(t *testing.T) {
	h := newTestHandler(t)
	cases := map[string]struct {
		reason string
		path   string
		want   int
		// wantJSON are fields the JSON answer must have, with their values.
		wantJSON map[string]any
	}{
		"List":      {reason: "A list is the API's page JSON.", path: "/api/k8s_pvc", want: http.StatusOK, wantJSON: map[string]any{"totalElements": float64(2)}},
		"Simulated": {reason: "The embedded cluster's logs are simulated.", path: "/api/k8s_job/train-model/log", want: http.StatusOK},
		"NoRoute":   {reason: "A path under /api the API has no route for is its 404 error JSON.", path: "/api/nothing/here/at/all", want: http.StatusNotFound, wantJSON: map[string]any{"status": float64(404), "path": "/api/nothing/here/at/all"}},
		"APIRoot":   {reason: "/api itself is the API's too.", path: "/api", want: http.StatusNotFound, wantJSON: map[string]any{"status": float64(404), "path": "/api"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, header, body := get(t, h, tc.path, nil)
			if status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, status, tc.want, body)
			}
			if ct := header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("\nReason: %s\nContent-Type %q, want application/json", tc.reason, ct)
			}
			if tc.wantJSON == nil {
				return
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatalf("\nReason: %s\nno JSON object: %v: %s", tc.reason, err, body)
			}
			got := map[string]any{}
			for k := range tc.wantJSON {
				got[k] = m[k]
			}
			if diff := cmp.Diff(tc.wantJSON, got); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestSignIn checks the basic-auth sign-in of a real cluster: without a
// user that signs in, the API answers 401 with its error JSON and the UI a
// plain 401, both with the challenge; a user who signs in is acted as.
func TestSignIn(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("alice-password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	// The embedded platform stands in for a real cluster's: it has no rest
	// config, so acting as a user fails, naming the user.
	h := newTestHandler(t, func(s *server) { s.embedded, s.users = false, map[string][]byte{"alice": hash} })
	basic := func(user, password string) http.Header {
		r := &http.Request{Header: http.Header{}}
		r.SetBasicAuth(user, password)
		return r.Header
	}
	cases := map[string]struct {
		reason      string
		path        string
		header      http.Header
		want        int
		wantType    string
		wantMessage string
		challenged  bool
	}{
		"APINoCredentials": {
			reason: "The API refuses a request that does not sign in, with the error JSON.", path: "/api/k8s_pvc",
			want: http.StatusUnauthorized, wantType: "application/json", wantMessage: signIn, challenged: true,
		},
		"APIWrongPassword": {
			reason: "And one with a wrong password.", path: "/api/k8s_pvc", header: basic("alice", "wrong"),
			want: http.StatusUnauthorized, wantType: "application/json", wantMessage: signIn, challenged: true,
		},
		"APIUnknownUser": {
			reason: "And one of a user the file does not name.", path: "/api/k8s_pvc", header: basic("mallory", "alice-password"),
			want: http.StatusUnauthorized, wantType: "application/json", wantMessage: signIn, challenged: true,
		},
		"APISignedIn": {
			reason: "A user who signs in is acted as, through impersonation.", path: "/api/k8s_pvc", header: basic("alice", "alice-password"),
			// The error JSON escapes the quotes.
			want: http.StatusBadRequest, wantType: "application/json", wantMessage: `acting as \"alice\"`,
		},
		"UINoCredentials": {
			reason: "A page refuses a request that does not sign in, in plain text.", path: "/ui/k8s_pvc",
			want: http.StatusUnauthorized, wantType: "text/plain; charset=utf-8", wantMessage: signIn, challenged: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, header, body := get(t, h, tc.path, tc.header)
			if status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, status, tc.want, body)
			}
			if ct := header.Get("Content-Type"); ct != tc.wantType {
				t.Errorf("\nReason: %s\nContent-Type %q, want %q", tc.reason, ct, tc.wantType)
			}
			if !strings.Contains(body, tc.wantMessage) {
				t.Errorf("\nReason: %s\nthe answer does not say %q: %s", tc.reason, tc.wantMessage, body)
			}
			wantChallenge := ""
			if tc.challenged {
				wantChallenge = challenge
			}
			if got := header.Get("WWW-Authenticate"); got != wantChallenge {
				t.Errorf("\nReason: %s\nWWW-Authenticate %q, want %q", tc.reason, got, wantChallenge)
			}
			if strings.Contains(body, "alice-password") {
				t.Errorf("\nReason: %s\nthe answer shows the password", tc.reason)
			}
		})
	}
}

// TestCustomResourcesFromEnv checks that the dashboard takes the resource
// manager's custom resources settings from the environment: a denied CRD
// is not served.
func TestCustomResourcesFromEnv(t *testing.T) {
	t.Setenv("K8S_CRD_DENIED", "buckets.minio.scc-digitalhub.github.io")
	h := newTestHandler(t)
	if status, _, raw := get(t, h, "/api/buckets.minio.scc-digitalhub.github.io", nil); status != http.StatusNotFound {
		t.Errorf("a denied CRD's objects = %d, want 404: %s", status, raw)
	}
	if status, _, raw := get(t, h, "/api/policies.minio.scc-digitalhub.github.io", nil); status != http.StatusOK {
		t.Errorf("another CRD's objects = %d, want 200: %s", status, raw)
	}
	if _, _, raw := get(t, h, "/ui/k8s_pvc", nil); strings.Contains(raw, `href="/ui/buckets.minio.scc-digitalhub.github.io"`) || !strings.Contains(raw, `href="/ui/policies.minio.scc-digitalhub.github.io"`) {
		t.Errorf("the menu must leave out the denied CRD and keep the others")
	}
}
