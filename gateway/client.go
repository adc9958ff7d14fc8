package gateway

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

var apiGwKind = schema.GroupKind{Group: GroupVersion.Group, Kind: Kind}

// A Client manages the gateways of one namespace, the hub.Client's. Its
// scheme must know this package's types.
type Client struct {
	gateways *hub.Resource[*ApiGw]
	services *hub.Resource[*corev1.Service]
	domain   string
}

// An Option configures a Client or a Provisioner; one list of options
// serves both, and each ignores the options that are not its concern.
type Option func(*settings)

// settings collects what the Options set.
type settings struct {
	exposure Exposure
	domain   string
	managed  []reconcile.ManagedOption
}

func newSettings(opts []Option) settings {
	s := settings{exposure: Exposure{IngressClass: IngressClassNginx}}
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

// WithExposure sets how a Provisioner exposes gateways (default: Ingresses
// of the nginx class, without TLS).
func WithExposure(e Exposure) Option { return func(s *settings) { s.exposure = e } }

// WithPlatformDomain sets the platform's domain: a Client's Expose puts
// gateways on "<name>.services.<domain>".
func WithPlatformDomain(domain string) Option { return func(s *settings) { s.domain = domain } }

// WithManagedOptions passes options (event recorder, poll interval, ...)
// to a Provisioner's managed reconciler.
func WithManagedOptions(opts ...reconcile.ManagedOption) Option {
	return func(s *settings) { s.managed = append(s.managed, opts...) }
}

// NewClient returns a Client over c.
func NewClient(c *hub.Client, opts ...Option) *Client {
	return &Client{gateways: hub.For[*ApiGw](c), services: hub.For[*corev1.Service](c), domain: newSettings(opts).domain}
}

// checkService checks that the Service spec names exists and has its
// port (picking the first when spec names none), and returns the port.
func checkService(ctx context.Context, services *hub.Resource[*corev1.Service], spec ApiGwSpec) (int32, field.ErrorList, error) {
	svc, err := services.Get(ctx, spec.Service)
	switch {
	case hub.IsNotFound(err):
		return 0, field.ErrorList{field.NotFound(field.NewPath("spec", "service"), spec.Service)}, nil
	case err != nil:
		return 0, nil, fmt.Errorf("reading the Service to expose: %w", err)
	}
	port, bad := servicePort(svc, spec.Port)
	return port, bad, nil
}

// checkApiGw makes CreateApiGw's checks on an ApiGw written whole (by a
// REST API): its spec, and its Service and port.
func checkApiGw(ctx context.Context, services *hub.Resource[*corev1.Service], g *ApiGw) (field.ErrorList, error) {
	if errs := redact(validateSpec(g.Name, g.Spec)); len(errs) > 0 {
		return errs, nil
	}
	_, errs, err := checkService(ctx, services, g.Spec)
	return errs, err
}

// CreateApiGw validates r, checks that its Service exists and has its port
// (picking the Service's first port when r names none, as the resource
// manager's UI does), and creates its resource.
func (c *Client) CreateApiGw(ctx context.Context, r ApiGwRequest) (*ApiGw, error) {
	if r.Domain == "" {
		r.Domain = c.domain
	}
	return c.gateways.CreateBuilt(ctx, apiGwKind, r.Name, r.Validate(), r.Build, func(ctx context.Context, g *ApiGw) (field.ErrorList, error) {
		port, errs, err := checkService(ctx, c.services, g.Spec)
		g.Spec.Port = port
		return errs, err
	})
}

// Expose exposes the Service called service outside the cluster through a
// gateway of the same name, on "<service>.services.<platform domain>" (see
// WithPlatformDomain) unless opts say otherwise, on its first port: what
// another domain calls to publish what it runs (a PostgREST service's
// Service, a notebook's).
func (c *Client) Expose(ctx context.Context, service string, opts ...RequestOption) (*ApiGw, error) {
	return c.CreateApiGw(ctx, NewApiGw(service, service, opts...))
}

// GetApiGw returns the gateway called name.
func (c *Client) GetApiGw(ctx context.Context, name string) (*ApiGw, error) {
	return c.gateways.Get(ctx, name)
}

// ListApiGws lists the gateways.
func (c *Client) ListApiGws(ctx context.Context) ([]*ApiGw, error) {
	page, err := c.gateways.List(ctx)
	return page.Items, err
}

// DeleteApiGw deletes the gateway called name, the one it reads (a UID
// precondition); what it rendered goes with it.
func (c *Client) DeleteApiGw(ctx context.Context, name string) error {
	obj, err := c.gateways.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.gateways.DeleteObject(ctx, obj)
}

// WaitForApiGw waits until the operator reports the gateway called name
// Ready, or ctx ends (give it a deadline), and returns it.
func (c *Client) WaitForApiGw(ctx context.Context, name string) (*ApiGw, error) {
	return hub.WaitReady(ctx, c.gateways, name)
}

// URL is the URL a gateway is reached at: https when its exposure has TLS.
func URL(g *ApiGw, tls bool) string {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://" + g.Spec.Host + g.Spec.Path
}
