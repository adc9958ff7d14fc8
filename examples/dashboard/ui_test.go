package main

import (
	"net/http"
	"strings"
	"testing"

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
