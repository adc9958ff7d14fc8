package main

import (
	"net/http"
	"strings"
	"testing"

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
// shows its domain's columns and the state its type's Readiness reports.
func TestCustomResourceListColumns(t *testing.T) {
	h := newTestHandler(t)
	_, _, raw := get(t, h, "/ui/postgresusers.db.movetokube.com", nil)
	for _, want := range []string{"<th>Database</th>", "<th>Privileges</th>", "<th>Role</th>", "<th>State</th>", "<td>analytics</td>", "<td>READ</td>", "<td>Ready</td>", "<td>dashboard-"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the database users page lacks %s:\n%s", want, raw)
		}
	}
}
