package hub

import (
	"errors"
	"fmt"
	"maps"
	"net/http"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// DefaultNamespace is the namespace a Client uses when WithNamespace is not
// given, as in DigitalHub's resource manager (K8S_NAMESPACE defaults to it).
const DefaultNamespace = "default"

// DefaultFieldOwner is the server-side apply field manager a Client uses when
// WithFieldOwner is not given.
const DefaultFieldOwner = "hubkit"

// ErrNoRESTConfig is returned by (*Client).As when the client was made by
// Wrap without WithRESTConfig: impersonation is a property of the transport,
// so it cannot be added to a client that Hubkit did not build.
var ErrNoRESTConfig = errors.New("hub: the client has no rest config: make it with hub.New, or pass hub.WithRESTConfig to hub.Wrap, to act as another user")

// A Client is Hubkit's entry point to a cluster. It wraps a controller-runtime
// client with what every Hubkit package needs: the scheme, a default
// namespace, the server-side apply field owner, and the relevance selectors
// that decide which objects of a kind the platform shows.
//
// A Client is safe for concurrent use. Its settings are fixed at construction;
// derive a client acting as another user with As.
type Client struct {
	kube       client.Client
	config     *rest.Config
	scheme     *runtime.Scheme
	mapper     meta.RESTMapper
	namespace  string
	fieldOwner string
	selectors  map[schema.GroupKind]Selector
	user       string
}

// settings collects what the Options set before a Client is built.
type settings struct {
	scheme     *runtime.Scheme
	mapper     meta.RESTMapper
	httpClient *http.Client
	config     *rest.Config
	namespace  string
	fieldOwner string
	selectors  map[schema.GroupKind]Selector
}

// An Option configures a Client made by New or Wrap.
type Option func(*settings)

// WithScheme sets the scheme that maps Go types to kinds. Build one with
// NewScheme. Without it, New uses a scheme with client-go's and
// apiextensions' types, and Wrap uses the wrapped client's scheme.
func WithScheme(s *runtime.Scheme) Option {
	return func(o *settings) { o.scheme = s }
}

// WithNamespace sets the namespace that namespaced calls use when the caller
// names none. It defaults to DefaultNamespace.
func WithNamespace(namespace string) Option {
	return func(o *settings) { o.namespace = namespace }
}

// WithFieldOwner sets the field manager under which the client applies
// objects with server-side apply. It defaults to DefaultFieldOwner.
func WithFieldOwner(owner string) Option {
	return func(o *settings) { o.fieldOwner = owner }
}

// WithSelector sets the relevance selector of a kind: the objects of that kind
// that the platform considers its own (see Selector). Resource.ListRelevant
// lists through it. Kinds without a selector treat every object as relevant.
func WithSelector(kind schema.GroupKind, sel Selector) Option {
	return func(o *settings) {
		if o.selectors == nil {
			o.selectors = map[schema.GroupKind]Selector{}
		}
		o.selectors[kind] = sel
	}
}

// WithRESTMapper sets the REST mapper, which New otherwise discovers lazily
// from the API server. Share one mapper between clients to share discovery.
func WithRESTMapper(m meta.RESTMapper) Option {
	return func(o *settings) { o.mapper = m }
}

// WithHTTPClient sets the HTTP client New uses; by default it is built from
// the rest config.
func WithHTTPClient(c *http.Client) Option {
	return func(o *settings) { o.httpClient = c }
}

// WithRESTConfig gives a client made by Wrap the rest config of the cluster
// it talks to, so that As can build impersonating clients. New ignores it.
func WithRESTConfig(cfg *rest.Config) Option {
	return func(o *settings) { o.config = cfg }
}

func newSettings(opts []Option) settings {
	s := settings{namespace: DefaultNamespace, fieldOwner: DefaultFieldOwner}
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

// New makes a Client that talks to the cluster cfg points at. It does not
// contact the API server: discovery happens on first use.
func New(cfg *rest.Config, opts ...Option) (*Client, error) {
	if cfg == nil {
		return nil, errors.New("hub: New needs a rest config, got nil")
	}
	s := newSettings(opts)
	if s.scheme == nil {
		scheme, err := NewScheme()
		if err != nil {
			return nil, err
		}
		s.scheme = scheme
	}
	cfg = rest.CopyConfig(cfg)
	kube, mapper, err := newKubeClient(cfg, s)
	if err != nil {
		return nil, err
	}
	s.mapper = mapper
	s.config = cfg
	return newClient(kube, s, cfg.Impersonate.UserName), nil
}

func newKubeClient(cfg *rest.Config, s settings) (client.WithWatch, meta.RESTMapper, error) {
	httpClient := s.httpClient
	if httpClient == nil {
		var err error
		httpClient, err = rest.HTTPClientFor(cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("hub: building the HTTP client: %w", err)
		}
	}
	mapper := s.mapper
	if mapper == nil {
		var err error
		mapper, err = apiutil.NewDynamicRESTMapper(cfg, httpClient)
		if err != nil {
			return nil, nil, fmt.Errorf("hub: building the REST mapper: %w", err)
		}
	}
	kube, err := client.NewWithWatch(cfg, client.Options{HTTPClient: httpClient, Scheme: s.scheme, Mapper: mapper})
	if err != nil {
		return nil, nil, fmt.Errorf("hub: building the client: %w", err)
	}
	return kube, mapper, nil
}

// Wrap makes a Client around an existing controller-runtime client, such as
// a manager's client or a fake one. Without WithScheme it uses c's scheme.
func Wrap(c client.Client, opts ...Option) (*Client, error) {
	if c == nil {
		return nil, errors.New("hub: Wrap needs a controller-runtime client, got nil")
	}
	s := newSettings(opts)
	if s.scheme == nil {
		s.scheme = c.Scheme()
	}
	if s.mapper == nil {
		s.mapper = c.RESTMapper()
	}
	if s.config != nil {
		s.config = rest.CopyConfig(s.config)
	}
	user := ""
	if s.config != nil {
		user = s.config.Impersonate.UserName
	}
	return newClient(c, s, user), nil
}

func newClient(kube client.Client, s settings, user string) *Client {
	selectors := make(map[schema.GroupKind]Selector, len(s.selectors))
	maps.Copy(selectors, s.selectors)
	return &Client{
		kube:       kube,
		config:     s.config,
		scheme:     s.scheme,
		mapper:     s.mapper,
		namespace:  s.namespace,
		fieldOwner: s.fieldOwner,
		selectors:  selectors,
		user:       user,
	}
}

// As returns a client that acts as user, member of groups, through Kubernetes
// impersonation: every request carries the Impersonate-User and
// Impersonate-Group headers, so the API server's RBAC decides what it may see
// and do. The caller's own identity must be allowed to impersonate.
//
// The new client keeps the settings of c. As fails with ErrNoRESTConfig when c
// has no rest config, rather than returning a client that would silently act
// with c's own rights.
func (c *Client) As(user string, groups ...string) (*Client, error) {
	if user == "" {
		return nil, errors.New("hub: As needs a user name, got an empty one")
	}
	if c.config == nil {
		return nil, fmt.Errorf("acting as %q: %w", user, ErrNoRESTConfig)
	}
	cfg := rest.CopyConfig(c.config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: append([]string(nil), groups...)}
	s := settings{
		scheme:     c.scheme,
		mapper:     c.mapper,
		config:     cfg,
		namespace:  c.namespace,
		fieldOwner: c.fieldOwner,
		selectors:  c.selectors,
	}
	kube, _, err := newKubeClient(cfg, s)
	if err != nil {
		return nil, fmt.Errorf("acting as %q: %w", user, err)
	}
	return newClient(kube, s, user), nil
}

// User returns the user this client impersonates, or "" when it acts with
// its own credentials.
func (c *Client) User() string { return c.user }

// Kube returns the controller-runtime client underneath, for calls Hubkit
// does not wrap.
func (c *Client) Kube() client.Client { return c.kube }

// RESTConfig returns a copy of the rest config the client was made from, or
// nil for a wrapped client without one.
func (c *Client) RESTConfig() *rest.Config {
	if c.config == nil {
		return nil
	}
	return rest.CopyConfig(c.config)
}

// Scheme returns the client's scheme.
func (c *Client) Scheme() *runtime.Scheme { return c.scheme }

// Namespace returns the namespace used when a call names none.
func (c *Client) Namespace() string { return c.namespace }

// FieldOwner returns the field manager used for server-side apply.
func (c *Client) FieldOwner() string { return c.fieldOwner }

// Selector returns the relevance selector configured for kind, and whether
// one was configured.
func (c *Client) Selector(kind schema.GroupKind) (Selector, bool) {
	sel, ok := c.selectors[kind]
	return sel, ok
}

// GroupVersionKindOf returns the kind of obj according to scheme, or of its
// own type meta for unstructured objects.
func GroupVersionKindOf(scheme *runtime.Scheme, obj runtime.Object) (schema.GroupVersionKind, error) {
	gvk, err := apiutil.GVKForObject(obj, scheme)
	if err != nil {
		return schema.GroupVersionKind{}, fmt.Errorf("hub: %T is not a kind the scheme knows (add its AddToScheme to hub.NewScheme): %w", obj, err)
	}
	return gvk, nil
}

// IsNamespaced tells whether objects of gvk live in a namespace, according to
// the client's REST mapper.
func (c *Client) IsNamespaced(gvk schema.GroupVersionKind) (bool, error) {
	if c.mapper == nil {
		return false, fmt.Errorf("hub: no REST mapper to tell whether %s is namespaced (pass hub.WithRESTMapper)", gvk.Kind)
	}
	mapping, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return false, fmt.Errorf("hub: cannot tell whether %s is namespaced: %w", gvk.Kind, err)
	}
	return mapping.Scope.Name() == meta.RESTScopeNameNamespace, nil
}

// watcher returns the wrapped client's watch capability, if it has one.
func (c *Client) watcher() (client.WithWatch, error) {
	w, ok := c.kube.(client.WithWatch)
	if !ok {
		return nil, errors.New("hub: the wrapped client cannot watch: wrap a client.WithWatch, or make the client with hub.New")
	}
	return w, nil
}
