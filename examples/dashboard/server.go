package main

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/restapi"
)

// demoUser is who is signed in to the embedded cluster.
const demoUser = "demo"

// What a request that does not sign in is answered: the basic-auth
// challenge and how to sign in.
const (
	challenge = `Basic realm="hubkit"`
	signIn    = "sign in with your user name and password"
)

// server is the dashboard: the resource manager's API (restapi) and a web
// UI over a Platform.
type server struct {
	base     *platform.Platform
	embedded bool
	users    map[string][]byte // user -> bcrypt hash
	logger   *slog.Logger
	api      *restapi.Handler
	// domain is the platform's domain, empty when unknown: a new API
	// gateway's host defaults to "<name>.services.<domain>".
	domain string
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

// platformFor returns the Platform acting as the request's user, or a
// *restapi.AuthenticationError when the request does not sign in. It is
// the function the API takes, and what the UI's pages act through.
func (s *server) platformFor(r *http.Request) (*platform.Platform, error) {
	user, ok := s.identify(r)
	if !ok {
		return nil, &restapi.AuthenticationError{Challenge: challenge, Message: signIn}
	}
	if s.embedded {
		return s.base, nil
	}
	return s.base.As(user)
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter

	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the writer underneath.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logged logs every request: method, path, status, duration. It never logs
// bodies or query strings, where values could be.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		s.logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", status, "duration", time.Since(start).String())
	})
}

// handler returns the dashboard's whole HTTP handler: the resource
// manager's API under /api/, the web UI, and a health check.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("/api/", s.api)
	mux.Handle("/api", s.api)
	s.registerUI(mux)
	return s.logged(restapi.Recover(mux, s.logger))
}
