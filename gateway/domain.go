package gateway

import (
	"context"
	"flag"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/secrets"
)

// Domain is the gateway domain's registry entry: its type and CRD, the
// Provisioner as an operator runs it, and a demo gateway with basic
// authentication in front of the data services domain's demo PostgREST
// service.
var Domain = hub.Domain{
	Name:        "gateway",
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Reconcilers: func() hub.Reconcilers { return &reconcilerSettings{} },
	Kinds: []hub.Kind{{
		ID: "apigws.operator.scc-digitalhub.github.io", Title: "API gateways", Object: &ApiGw{},
		Columns: []hub.Column{
			{Header: "Host and path", Value: func(obj client.Object) string {
				g, ok := obj.(*ApiGw)
				if !ok {
					return ""
				}
				return g.Spec.Host + g.Spec.Path
			}},
			{Header: "Service", Value: func(obj client.Object) string {
				g, ok := obj.(*ApiGw)
				if !ok {
					return ""
				}
				return fmt.Sprintf("%s:%d", g.Spec.Service, g.Spec.Port)
			}},
			{Header: "Auth", Path: "spec.auth.type"},
		},
		SecretFields: []string{"spec.auth.basic.password"},
		Check:        hub.CheckOf(checkApiGwObject),
	}},
	Demo: func(namespace string) []client.Object {
		return []client.Object{
			NewApiGw("analytics-api", "postgrest-analytics", WithPort(3000), WithDomain("hubkit.example"),
				WithBasicAuth("analyst", secrets.Plain("demo-gateway-password"))).Build(namespace),
		}
	},
}

// checkApiGwObject makes CreateApiGw's checks on an ApiGw written whole (by
// a REST API).
func checkApiGwObject(ctx context.Context, c *hub.Client, g *ApiGw) (field.ErrorList, error) {
	return checkApiGw(ctx, hub.For[*corev1.Service](c), g)
}

// reconcilerSettings are the Provisioner's settings in an operator, named
// after the apigw-operator's environment, with Hubkit's HTTPRoute and
// one-endpoint modes.
type reconcilerSettings struct {
	enabled                 bool
	ingressClass, tlsSecret string
	tls                     bool
	gateway, domain         string
}

func (s *reconcilerSettings) BindFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.BoolVar(&s.enabled, "gateway", getenv("HUBKIT_GATEWAY") == "true", "reconcile ApiGw resources (HUBKIT_GATEWAY)")
	fs.StringVar(&s.ingressClass, "ingress-class", getenv("INGRESS_CLASS_NAME"), "the Ingresses' class; basic authentication needs nginx (INGRESS_CLASS_NAME)")
	fs.BoolVar(&s.tls, "ingress-tls", strings.EqualFold(getenv("ENABLE_TLS"), "true"), "put each gateway's host in its Ingress's TLS (ENABLE_TLS)")
	fs.StringVar(&s.tlsSecret, "ingress-tls-secret", getenv("TLS_SECRET_NAME"), "the TLS certificate's Secret (TLS_SECRET_NAME)")
	fs.StringVar(&s.gateway, "httproute-gateway", "", "render Gateway API HTTPRoutes attached to this Gateway, namespace/name, instead of Ingresses")
	fs.StringVar(&s.domain, "gateway-domain", "", "one endpoint: every gateway's host directly under this domain, TLS with -ingress-tls-secret's wildcard certificate")
}

func (s *reconcilerSettings) Enabled() bool { return s.enabled }

// exposure reads the settings.
func (s *reconcilerSettings) exposure() (Exposure, error) {
	e := Exposure{IngressClass: s.ingressClass, TLS: s.tls, TLSSecret: s.tlsSecret, Domain: s.domain}
	if s.gateway != "" {
		ns, name, ok := strings.Cut(s.gateway, "/")
		if !ok || ns == "" || name == "" {
			return Exposure{}, fmt.Errorf("-httproute-gateway %q: want namespace/name", s.gateway)
		}
		e.Gateway = &ParentGateway{Namespace: ns, Name: name}
	}
	return e, nil
}

func (s *reconcilerSettings) SetupWithManager(mgr manager.Manager, c *hub.Client) error {
	e, err := s.exposure()
	if err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	p, err := NewProvisioner(c, WithExposure(e))
	if err != nil {
		return err
	}
	return p.SetupWithManager(mgr)
}
