package restapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/platform"
)

// A Handler serves the resource manager's REST API under /api/ (see the
// package documentation). Make one with New.
type Handler struct {
	platformFor func(*http.Request) (*platform.Platform, error)
	crds        []*apiextensionsv1.CustomResourceDefinition
	// logs reads the log lines of a Deployment's or a Job's pods: podLogs,
	// or simulatedLogs with WithSimulatedLogs.
	logs  logSource
	serve http.Handler
}

// settings collects what the Options set.
type settings struct {
	crds    []*apiextensionsv1.CustomResourceDefinition
	crdsSet bool
	logger  *slog.Logger
	logs    logSource
}

// An Option configures a Handler.
type Option func(*settings)

// WithCRDs sets the CRDs whose custom resources the API serves under
// /api/{crdId} and lists under /api/crd (the resource manager's allowed
// CRDs), instead of every CRD of the platform (platform.CRDs). Each must
// have a storage version; the cluster must serve them.
func WithCRDs(crds ...*apiextensionsv1.CustomResourceDefinition) Option {
	return func(s *settings) { s.crds, s.crdsSet = crds, true }
}

// WithLogger sets where a request's panic is logged, with its stack;
// slog.Default() by default. The handler logs nothing else: no request, no
// body, no value.
func WithLogger(logger *slog.Logger) Option { return func(s *settings) { s.logger = logger } }

// WithSimulatedLogs answers the /log paths of Deployments and Jobs with a
// few lines marked [simulated], the same each time, instead of the pods'
// logs: for a cluster that runs no pods, such as platformtest's embedded
// one. The workload must still exist and be one the platform shows.
func WithSimulatedLogs() Option { return func(s *settings) { s.logs = simulatedLogs } }

// New returns the REST API over the Platform that platformFor gives for
// each request: the Platform acting for the request's user (through
// impersonation, see platform.Platform.As), in the one namespace the API
// serves. When platformFor returns an error the request is answered with
// the error JSON: 401 for an *AuthenticationError, 403 for a Forbidden, 400
// otherwise (see the package documentation). New fails without platformFor,
// and for a CRD to serve whose name is no <plural>.<group> or that has no
// storage version.
func New(platformFor func(*http.Request) (*platform.Platform, error), opts ...Option) (*Handler, error) {
	if platformFor == nil {
		return nil, errors.New("restapi: New needs the function that gives a request's Platform")
	}
	s := settings{logs: podLogs}
	for _, opt := range opts {
		opt(&s)
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if !s.crdsSet {
		s.crds = platform.CRDs()
	}
	for _, crd := range s.crds {
		if !crdIDPattern.MatchString(crd.Name) {
			return nil, fmt.Errorf("restapi: crd %q: its name is no <plural>.<group>", crd.Name)
		}
		if _, err := storageVersion(crd); err != nil {
			return nil, fmt.Errorf("restapi: %w", err)
		}
	}
	h := &Handler{platformFor: platformFor, crds: slices.Clone(s.crds), logs: s.logs}
	mux := &apiMux{ServeMux: http.NewServeMux(), refusing: map[string]bool{}}
	h.register(mux)
	h.serve = Recover(crossOriginProtection(mux.withErrorJSON()), s.logger)
	return h, nil
}

// ServeHTTP serves the API. Paths outside /api/ have no route: 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.serve.ServeHTTP(w, r) }

// CRDs returns the CRDs whose custom resources the API serves.
func (h *Handler) CRDs() []*apiextensionsv1.CustomResourceDefinition { return slices.Clone(h.crds) }

// CustomResources returns the custom resources of the CRD the API serves
// whose id (metadata.name, <plural>.<group>) is crdID, in its storage
// version, through p. It fails for a CRD the API does not serve, with an
// error whose status is 404 (400 for an id off the pattern).
func (h *Handler) CustomResources(p *platform.Platform, crdID string) (*hub.Resource[*unstructured.Unstructured], error) {
	gvk, err := h.kind(crdID)
	if err != nil {
		return nil, err
	}
	return hub.For[*unstructured.Unstructured](p.Hub(), hub.OfKind(gvk)), nil
}

// An AuthenticationError is what the function New takes returns for a
// request that does not sign in, or signs in wrongly: the API answers 401
// with the error JSON, whose message is Message, and with Challenge, when
// set, as the WWW-Authenticate header.
type AuthenticationError struct {
	// Challenge is the WWW-Authenticate header: `Basic realm="hubkit"`.
	Challenge string
	// Message tells how to sign in. It never holds a credential.
	Message string
}

func (e *AuthenticationError) Error() string {
	if e.Message == "" {
		return "sign in first"
	}
	return e.Message
}

// platformHandler is an API handler that acts through the Platform of the
// request's user.
type platformHandler func(http.ResponseWriter, *http.Request, *platform.Platform)

// withPlatform runs fn with the Platform acting for the request's user, or
// answers the error of getting it.
func (h *Handler) withPlatform(fn platformHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := h.platformFor(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		fn(w, r, p)
	}
}

// writeRecorder remembers whether a handler began its answer, for the panic
// recovery, which may only answer when nothing was written.
type writeRecorder struct {
	http.ResponseWriter

	wrote bool
}

func (w *writeRecorder) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *writeRecorder) Write(b []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(b)
	if err != nil {
		return n, fmt.Errorf("writing the answer: %w", err)
	}
	return n, nil
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *writeRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Recover returns next, turning its panics into a 500 with the error JSON,
// logged to logger with the stack. The panic's value stays in the log: it
// could hold anything. When the answer has begun, the connection is cut
// instead (net/http's ErrAbortHandler). A Handler recovers its own panics;
// Recover is for the routes a server serves next to it.
func Recover(next http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &writeRecorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // net/http panics with the sentinel itself, never wrapped
				panic(v)
			}
			logger.Error("a handler panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec.wrote {
				panic(http.ErrAbortHandler)
			}
			writeErrorStatus(w, r, http.StatusInternalServerError, "the server failed on this request; its log says why")
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
		writeErrorStatus(w, r, http.StatusForbidden, reason+"; the API takes writes from pages of its own origin and from API clients only")
	}))
	return protection.Handler(next)
}

// apiMux is the API's mux, which knows the patterns registered only to
// refuse a request (see register): no Allow header lists them.
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
// answer a plain-text 404 (no route) or 405 (a route, not for this method).
func (m *apiMux) withErrorJSON() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
