package main

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"golang.org/x/crypto/bcrypt"

	"github.com/hubkit-dev/hubkit/platform"
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
	// logs reads the log lines of a Deployment's or a Job's pods; nil reads
	// the pods' logs through the cluster (see podLogs). main sets
	// simulatedLogs on the embedded cluster, which runs no pods.
	logs logSource
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

// authenticated wraps an API handler: it identifies the user and runs the
// handler with the Platform acting as the user. Cross-site requests were
// refused before (see handler).
func (s *server) authenticated(fn func(http.ResponseWriter, *http.Request, *platform.Platform)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, ok := s.identify(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="hubkit"`)
			writeErrorStatus(w, r, http.StatusUnauthorized, "sign in with your user name and password")
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

// statusRecorder remembers the status a handler wrote, for the access log
// and for the panic recovery, which may only answer when nothing was written.
type statusRecorder struct {
	http.ResponseWriter

	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	n, err := s.ResponseWriter.Write(b)
	if err != nil {
		return n, fmt.Errorf("writing the answer: %w", err)
	}
	return n, nil
}

// Unwrap gives http.ResponseController the writer underneath.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

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

// recovered turns a handler's panic into a 500 with the error JSON, and
// logs it with its stack. The panic's value stays in the log: it could hold
// anything. When the answer has begun, the connection is cut instead.
func (s *server) recovered(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // net/http panics with the sentinel itself, never wrapped
				panic(v)
			}
			s.logger.Error("a handler panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec.wrote {
				panic(http.ErrAbortHandler)
			}
			writeErrorStatus(w, r, http.StatusInternalServerError, "the dashboard failed on this request; its log says why")
		}()
		next.ServeHTTP(rec, r)
	})
}

// crossOriginProtection refuses cross-site POST, PUT and DELETE requests
// (Go's http.CrossOriginProtection: Sec-Fetch-Site, or Origin against
// Host), with the error JSON. Same-origin pages and API clients, which send
// neither header, need no token.
func crossOriginProtection(next http.Handler) http.Handler {
	protection := http.NewCrossOriginProtection()
	protection.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reason := "cross-origin request refused"
		if err := protection.Check(r); err != nil {
			reason = err.Error()
		}
		writeErrorStatus(w, r, http.StatusForbidden, reason+"; the dashboard takes writes from its own pages and from API clients only")
	}))
	return protection.Handler(next)
}

// apiMux is the dashboard's mux, which knows the patterns registered only
// to refuse a request (see registerAPI): no Allow header lists them.
type apiMux struct {
	*http.ServeMux

	refusing map[string]bool
}

// refuse registers pattern to answer with the error h writes.
func (m *apiMux) refuse(pattern string, h http.HandlerFunc) {
	m.refusing[pattern] = true
	m.HandleFunc(pattern, h)
}

// allowed returns the methods of methods that a route other than a
// refusal takes on r's path.
func (m *apiMux) allowed(r *http.Request, methods []string) []string {
	var out []string
	for _, method := range methods {
		other := r.Clone(r.Context())
		other.Method = method
		if _, pattern := m.Handler(other); pattern != "" && !m.refusing[pattern] {
			out = append(out, method)
		}
	}
	return out
}

// withErrorJSON serves m, answering with the error JSON where m would
// answer a plain-text 404 (no route) or 405 (a route, not for this method)
// under /api/.
func (m *apiMux) withErrorJSON() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") {
			m.ServeHTTP(w, r)
			return
		}
		h, pattern := m.Handler(r)
		if pattern != "" {
			m.ServeHTTP(w, r)
			return
		}
		// No route: h is the mux's 404, 405 or redirect; see which.
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusNotFound:
			noSuchPath(w, r)
		case http.StatusMethodNotAllowed:
			allow := m.allowed(r, strings.Split(probe.header.Get("Allow"), ", "))
			if len(allow) == 0 {
				noSuchPath(w, r)
				return
			}
			list := strings.Join(allow, ", ")
			w.Header().Set("Allow", list)
			writeErrorStatus(w, r, http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, list))
		default:
			m.ServeHTTP(w, r)
		}
	})
}

// headerProbe is a ResponseWriter that keeps the status and headers and
// drops the body.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header { return p.header }

func (p *headerProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}

func (p *headerProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

// handler returns the dashboard's whole HTTP handler.
func (s *server) handler() http.Handler {
	mux := &apiMux{ServeMux: http.NewServeMux(), refusing: map[string]bool{}}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	s.registerAPI(mux)
	s.registerUI(mux.ServeMux)
	return s.logged(s.recovered(crossOriginProtection(mux.withErrorJSON())))
}
