package main

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"golang.org/x/crypto/bcrypt"

	"github.com/hubkit-dev/hubkit/platform"
)

// csrfCookie and csrfHeader carry the double-submit CSRF token: every
// mutating request must send in the header the value of the cookie.
const (
	csrfCookie = "hubkit_csrf"
	csrfHeader = "X-Csrf-Token"
)

// demoUser is who is signed in to the embedded cluster.
const demoUser = "demo"

// server is the dashboard: the resource manager's API and a web UI over a
// Platform.
type server struct {
	base     *platform.Platform
	embedded bool
	users    map[string][]byte // user -> bcrypt hash
	crds     []*apiextensionsv1.CustomResourceDefinition
	logger   *slog.Logger
}

// loadUsers reads a user file: one "name:bcrypt-hash" per line, as
// htpasswd -B writes them; blank lines and # comments are skipped.
func loadUsers(path string) (map[string][]byte, error) {
	f, err := os.Open(path) //nolint:gosec // the operator names the user file
	if err != nil {
		return nil, fmt.Errorf("reading the user file: %w", err)
	}
	defer func() { _ = f.Close() }()
	users := map[string][]byte{}
	scanner := bufio.NewScanner(f)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok || name == "" || !strings.HasPrefix(hash, "$2") {
			return nil, fmt.Errorf("the user file, line %d: want name:bcrypt-hash", n)
		}
		users[name] = []byte(hash)
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("reading the user file: %w", err)
	}
	return users, nil
}

// identify returns the request's user: the demo user on the embedded
// cluster, the basic-auth user whose password matches otherwise.
func (s *server) identify(r *http.Request) (string, bool) {
	if s.embedded {
		return demoUser, true
	}
	name, password, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	hash, known := s.users[name]
	if !known {
		// Spend the same time as for a known user.
		_ = bcrypt.CompareHashAndPassword([]byte("$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z8Y1k6m3CZ3TSV8IR0aUhkCS"), []byte(password))
		return "", false
	}
	return name, bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// platformFor returns the Platform acting as user.
func (s *server) platformFor(user string) (*platform.Platform, error) {
	if s.embedded {
		return s.base, nil
	}
	return s.base.As(user)
}

// csrfToken returns the request's CSRF token, setting a new one when the
// browser has none.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	token := hex.EncodeToString(buf)
	// Not HttpOnly: the page's script sends the token back in a header.
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil}) //nolint:gosec // see above
	return token
}

// checkCSRF refuses a mutating request whose header does not carry the
// cookie's token.
func checkCSRF(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.Header.Get(csrfHeader))) == 1
}

// authenticated wraps an API handler: it identifies the user, checks CSRF
// for mutating requests, and runs the handler with the Platform acting as
// the user.
func (s *server) authenticated(fn func(http.ResponseWriter, *http.Request, *platform.Platform)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, ok := s.identify(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="hubkit"`)
			writeErrorStatus(w, r, http.StatusUnauthorized, "sign in with your user name and password")
			return
		}
		if !checkCSRF(r) {
			writeErrorStatus(w, r, http.StatusForbidden, "missing or wrong "+csrfHeader+" header: send the value of the "+csrfCookie+" cookie")
			return
		}
		p, err := s.platformFor(user)
		if err != nil {
			writeError(w, r, err)
			return
		}
		fn(w, r, p)
	}
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter

	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// logged logs every request: method, path, status, duration. It never logs
// bodies or query strings, where values could be.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start).String())
	})
}

// handler returns the dashboard's whole HTTP handler.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	s.registerAPI(mux)
	s.registerUI(mux)
	return s.logged(mux)
}
