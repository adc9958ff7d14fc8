package gateway_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/secrets"
)

// nginxBinary finds nginx: HUBKIT_NGINX, the PATH, or Debian's
// /usr/sbin/nginx (root's PATH only).
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HUBKIT_NGINX"); p != "" {
		return p
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Fatalf("nginx is missing: run hack/ensure-nginx.sh (or make test-servers), or set HUBKIT_NGINX to an nginx binary")
	return ""
}

// freePort returns a loopback port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

// nginxConf is an nginx configuration that keeps everything in dir, with
// one server on listen whose location / is what ingress-nginx generates
// for an Ingress with auth-type basic and an auth-secret (its template's
// auth_basic, auth_basic_user_file and the Authorization header taken off),
// proxying to backend. The operator writes no auth-realm annotation, so
// the realm is ingress-nginx's empty one.
func nginxConf(dir, listen, htpasswd, backend string) string {
	user := ""
	if os.Geteuid() == 0 {
		// nginx runs its workers as nobody when started by root, and nobody
		// cannot read the test's directory.
		user = "user root;"
	}
	return fmt.Sprintf(`%[1]s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log info;
events { worker_connections 64; }
http {
  access_log %[2]s/access.log;
  client_body_temp_path %[2]s/client_body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  server {
    listen %[3]s;
    server_name items.services.hubkit.example;
    location / {
      auth_basic "";
      auth_basic_user_file %[4]s;
      proxy_set_header Authorization "";
      proxy_pass http://%[5]s;
    }
  }
}
`, user, dir, listen, htpasswd, backend)
}

// The basic-auth Secret the Provisioner renders works in a real nginx,
// configured as ingress-nginx configures it for the Ingress the Provisioner
// renders: the user with the password gets the backend's answer, and the
// Authorization header does not reach it; a wrong password, another user
// or no credentials get 401.
func TestNginxAcceptsTheSecret(t *testing.T) {
	bin := nginxBinary(t)
	ctx := t.Context()

	// The real flow: the Provisioner renders the Secret on the fake.
	g := newGateways(t, false)
	g.createService(t, "items", 80)
	if _, err := g.c.Expose(ctx, "items", gateway.WithBasicAuth("analyst", secrets.Plain(password))); err != nil {
		t.Fatal(err)
	}
	g.waitForState(t, "items", gateway.StateReady)
	ing := mustObject[*networkingv1.Ingress](t, g, "apigw-items")
	secret := mustObject[*corev1.Secret](t, g, ing.Annotations[gateway.AnnotationAuthSecret])
	if ing.Annotations[gateway.AnnotationAuthType] != "basic" {
		t.Fatalf("the Ingress asks ingress-nginx for %q authentication, want basic", ing.Annotations[gateway.AnnotationAuthType])
	}

	// ingress-nginx writes the Secret's auth key, as it is, to a file only
	// its user reads.
	dir := t.TempDir()
	htpasswd := filepath.Join(dir, "auth.passwd")
	if err := os.WriteFile(htpasswd, secret.Data[gateway.KeyAuth], 0o600); err != nil {
		t.Fatal(err)
	}

	authorizations := make(chan string, 16)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case authorizations <- r.Header.Get("Authorization"):
		default:
		}
		_, _ = io.WriteString(w, "backend")
	}))
	t.Cleanup(backend.Close)

	listen := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(nginxConf(dir, listen, htpasswd, backend.Listener.Addr().String())), 0o600); err != nil {
		t.Fatal(err)
	}
	startNginx(t, bin, dir, conf, listen)

	cases := map[string]struct {
		reason         string
		user, password string
		noCredentials  bool
		wantCode       int
		wantBody       string
	}{
		"Right":         {reason: "The user with the password gets the backend's answer.", user: "analyst", password: password, wantCode: http.StatusOK, wantBody: "backend"},
		"WrongPassword": {reason: "A wrong password is refused.", user: "analyst", password: password + "x", wantCode: http.StatusUnauthorized},
		"OtherUser":     {reason: "Another user is refused, with the right password.", user: "intruder", password: password, wantCode: http.StatusUnauthorized},
		"NoCredentials": {reason: "No credentials are refused.", noCredentials: true, wantCode: http.StatusUnauthorized},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+listen+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "items.services.hubkit.example"
			if !tc.noCredentials {
				req.SetBasicAuth(tc.user, tc.password)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.wantCode {
				t.Errorf("\nReason: %s\nstatus %d, want %d; body %q", tc.reason, resp.StatusCode, tc.wantCode, body)
			}
			if tc.wantCode == http.StatusOK {
				if string(body) != tc.wantBody {
					t.Errorf("\nReason: %s\nbody %q, want %q", tc.reason, body, tc.wantBody)
				}
				// The backend records the header before it answers.
				select {
				case got := <-authorizations:
					if got != "" {
						t.Errorf("\nReason: %s\nthe backend got the Authorization header %q; ingress-nginx takes it off", tc.reason, got)
					}
				default:
					t.Errorf("\nReason: %s\nthe backend was not reached", tc.reason)
				}
				return
			}
			if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Basic realm=") {
				t.Errorf("\nReason: %s\nWWW-Authenticate %q, want a Basic challenge", tc.reason, got)
			}
		})
	}
}

// startNginx runs nginx in the foreground with conf, waits until it
// answers on listen, and stops it when the test ends.
func startNginx(t *testing.T, bin, dir, conf, listen string) {
	t.Helper()
	output, err := os.Create(filepath.Join(dir, "output.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = output.Close() })
	// Not CommandContext: the test's context ends before its cleanups,
	// and a killed master would leave its worker behind.
	cmd := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf) //nolint:noctx // stopped by its own cleanup, gracefully
	cmd.Stdout, cmd.Stderr = output, output
	stopWithTheTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("nginx did not stop on SIGTERM; killed")
		}
	})
	errorLog := func() string {
		out, _ := os.ReadFile(filepath.Join(dir, "output.log"))
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return string(out) + string(log)
	}
	deadline, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for {
		conn, err := (&net.Dialer{}).DialContext(deadline, "tcp", listen)
		if err == nil {
			_ = conn.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("nginx exited (%v) before it listened:\n%s", waitErr, errorLog())
		case <-deadline.Done():
			t.Fatalf("nginx did not listen on %s within 10s:\n%s", listen, errorLog())
		case <-ticker.C:
		}
	}
}
