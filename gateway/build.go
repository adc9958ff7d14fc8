package gateway

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A RequestOption sets a field of an ApiGwRequest.
type RequestOption func(*ApiGwRequest)

// WithHost sets the DNS name the service is reached at.
func WithHost(host string) RequestOption { return func(r *ApiGwRequest) { r.Host = host } }

// WithDomain sets the platform's domain: without WithHost, the host is
// "<name>.services.<domain>".
func WithDomain(domain string) RequestOption { return func(r *ApiGwRequest) { r.Domain = domain } }

// WithPath sets the path prefix the service is reached at (default "/").
func WithPath(path string) RequestOption { return func(r *ApiGwRequest) { r.Path = path } }

// WithPort sets the Service's port to expose; without it, Client's
// CreateApiGw picks the Service's first port.
func WithPort(port int32) RequestOption { return func(r *ApiGwRequest) { r.Port = port } }

// WithBasicAuth lets in only user with password.
func WithBasicAuth(user string, password secrets.Value) RequestOption {
	return func(r *ApiGwRequest) { r.User, r.Password = user, password }
}

// An ApiGwRequest is an ApiGw to create. Make one with NewApiGw. Its
// password redacts itself when printed.
type ApiGwRequest struct {
	// Name is the resource's name.
	Name string
	// Service names the Service of the namespace to expose, and Port the
	// port of it (0: its first, picked by Client.CreateApiGw).
	Service string
	Port    int32
	// Host is the DNS name; empty is "<name>.services.<Domain>".
	Host, Domain string
	// Path is the path prefix; empty is "/".
	Path string
	// User and Password, when either is set, ask for basic
	// authentication (and Validate requires both).
	User     string
	Password secrets.Value
}

// NewApiGw returns the gateway called name that exposes service.
func NewApiGw(name, service string, opts ...RequestOption) ApiGwRequest {
	r := ApiGwRequest{Name: name, Service: service}
	for _, opt := range opts {
		opt(&r)
	}
	return r
}

// DefaultHost is the host of the gateway called name on the platform of
// domain: "<name>.services.<domain>".
func DefaultHost(name, domain string) string { return name + ".services." + domain }

// spec returns the request's spec, with its defaults.
func (r ApiGwRequest) spec() ApiGwSpec {
	spec := ApiGwSpec{Host: r.Host, Path: r.Path, Service: r.Service, Port: r.Port, Auth: Auth{Type: AuthNone}}
	if spec.Host == "" && r.Domain != "" {
		spec.Host = DefaultHost(r.Name, r.Domain)
	}
	if spec.Path == "" {
		spec.Path = DefaultPath
	}
	if r.User != "" || !r.Password.IsEmpty() {
		spec.Auth = Auth{Type: AuthBasic, Basic: BasicAuth{User: r.User, Password: r.Password.Reveal()}}
	}
	return spec
}

// Validate checks the gateway with the field paths of its resource: a host
// that is a DNS name, a path starting with "/", a Service, basic
// authentication with a user and a password. A Port of 0 passes: the
// Client picks the Service's first. That the Service exists and has the
// port is checked by Client.CreateApiGw. No error shows the password.
func (r ApiGwRequest) Validate() field.ErrorList {
	errs := hub.ValidateName(field.NewPath("metadata", "name"), r.Name)
	spec := r.spec()
	if spec.Port == 0 {
		spec.Port = 1 // picked later
	}
	return append(errs, redact(validateSpec(r.Name, spec))...)
}

// Build returns the ApiGw resource in namespace. It does not validate.
func (r ApiGwRequest) Build(namespace string) *ApiGw {
	return &ApiGw{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: Kind},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: r.Name},
		Spec:       r.spec(),
	}
}

// redact masks the password in errs.
func redact(errs field.ErrorList) field.ErrorList {
	return secrets.RedactErrors(errs, "spec.auth.basic.password")
}
