//go:build e2e

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/bcrypt"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/e2e-framework/pkg/envconf"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/secrets"
)

// TestGateway runs the gateway Provisioner against the real cluster: a
// Service exposed with basic authentication gets the Ingress and Secret
// ingress-nginx reads, a resync writes nothing, and deleting the ApiGw
// takes both away; in the HTTPRoute mode, the route is accepted by the
// Gateway API's own CRDs.
func TestGateway(t *testing.T) {
	f := inOwnNamespace("gateways on the real cluster").
		Assess("a Service exposed with basic authentication", assessIngressGateway).
		Assess("an HTTPRoute the Gateway API's CRDs accept", assessRouteGateway).Feature()
	testenv.Test(t, f)
}

// exposedService creates the Service "web" on ports 8080 and 9090 in c's
// namespace, unless an earlier assessment did.
func exposedService(ctx context.Context, t *testing.T, c *hub.Client) {
	t.Helper()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}, Ports: []corev1.ServicePort{
			{Name: "http", Port: 8080, TargetPort: intstr.FromInt32(80)}, {Name: "metrics", Port: 9090},
		}},
	}
	if err := hub.For[*corev1.Service](c).Create(ctx, svc); err != nil && !hub.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// runGateway runs a gateway Provisioner with opts and returns its client.
func runGateway(ctx context.Context, t *testing.T, cfg *envconf.Config, opts ...gateway.Option) (*hub.Client, *gateway.Provisioner) {
	t.Helper()
	scheme, err := hub.NewScheme(gateway.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	var p *gateway.Provisioner
	c := runManager(ctx, t, cfg, scheme, "gateway-e2e", func(c *hub.Client, mgr manager.Manager) error {
		var err error
		if p, err = gateway.NewProvisioner(c, opts...); err != nil {
			return err
		}
		return p.SetupWithManager(mgr)
	})
	return c, p
}

func assessIngressGateway(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
	ns := namespaceOf(ctx)
	c, p := runGateway(ctx, t, cfg, gateway.WithExposure(gateway.Exposure{IngressClass: "nginx", TLS: true, TLSSecret: "wildcard"}))
	exposedService(ctx, t, c)
	gateways := gateway.NewClient(c, gateway.WithPlatformDomain("example.org"))
	if _, err := gateways.Expose(ctx, "web", gateway.WithBasicAuth("analyst", secrets.Plain("open sesame"))); err != nil {
		t.Fatal(err)
	}
	g, err := waitFor(ctx, time.Minute, "web", gateways.WaitForApiGw)
	if err != nil {
		t.Fatal(err)
	}
	name := gateway.ObjectName("web")
	ing, err := hub.For[*networkingv1.Ingress](c).Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	rule := ing.Spec.Rules[0]
	delete(ing.Annotations, reconcile.AppliedHashAnnotation)
	got := map[string]any{
		"class": *ing.Spec.IngressClassName, "host": rule.Host, "path": rule.HTTP.Paths[0].Path, "pathType": string(*rule.HTTP.Paths[0].PathType),
		"backend": rule.HTTP.Paths[0].Backend.Service.Name, "port": rule.HTTP.Paths[0].Backend.Service.Port.Number,
		"tls": ing.Spec.TLS, "annotations": ing.Annotations, "owner": metav1.GetControllerOf(ing).Name,
	}
	want := map[string]any{
		"class": "nginx", "host": "web.services.example.org", "path": "/", "pathType": "Prefix", "backend": "web", "port": int32(8080),
		"tls":         []networkingv1.IngressTLS{{Hosts: []string{"web.services.example.org"}, SecretName: "wildcard"}},
		"annotations": map[string]string{gateway.AnnotationAuthType: "basic", gateway.AnnotationAuthSecret: name},
		"owner":       "web",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the Ingress the API server holds: -want, +got:\n%s", diff)
	}
	secret, err := hub.For[*corev1.Secret](c).Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	user, hashed, _ := cutLine(string(secret.Data[gateway.KeyAuth]))
	if user != "analyst" || bcrypt.CompareHashAndPassword([]byte(hashed), []byte("open sesame")) != nil {
		t.Errorf("the Secret's auth line does not let analyst in with the password")
	}
	if secret.Annotations[gateway.AnnotationHash] != gateway.CredentialHash("analyst", "open sesame") || g.Status.Hash != secret.Annotations[gateway.AnnotationHash] {
		t.Errorf("the credentials' hash: Secret %q, status %q", secret.Annotations[gateway.AnnotationHash], g.Status.Hash)
	}

	// A resync over converged objects writes nothing.
	before := versions(ctx, t, c, name)
	if _, err := p.Reconcile(ctx, types.NamespacedName{Namespace: ns, Name: "web"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, versions(ctx, t, c, name)); diff != "" {
		t.Errorf("a resync wrote: -before, +after:\n%s", diff)
	}

	// Deleting the gateway takes the Ingress and the Secret away.
	if err := gateways.DeleteApiGw(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "the Ingress and the Secret are collected", 2*time.Minute, func(ctx context.Context) (bool, error) {
		_, ingErr := hub.For[*networkingv1.Ingress](c).Get(ctx, name)
		_, secErr := hub.For[*corev1.Secret](c).Get(ctx, name)
		return hub.IsNotFound(ingErr) && hub.IsNotFound(secErr), nil
	})
	return ctx
}

// cutLine splits an htpasswd line.
func cutLine(line string) (string, string, bool) {
	for i := range len(line) {
		if line[i] == ':' {
			return line[:i], line[i+1:], true
		}
	}
	return line, "", false
}

// versions are the resourceVersions of the gateway "web" and of what it
// rendered.
func versions(ctx context.Context, t *testing.T, c *hub.Client, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for kind, obj := range map[string]client.Object{"apigw": &gateway.ApiGw{}, "ingress": &networkingv1.Ingress{}, "secret": &corev1.Secret{}} {
		key := name
		if kind == "apigw" {
			key = "web"
		}
		if err := c.Kube().Get(ctx, types.NamespacedName{Namespace: c.Namespace(), Name: key}, obj); err != nil {
			t.Fatal(err)
		}
		out[kind] = obj.GetResourceVersion()
	}
	return out
}

func assessRouteGateway(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
	ns := namespaceOf(ctx)
	c, _ := runGateway(ctx, t, cfg, gateway.WithExposure(gateway.Exposure{Gateway: &gateway.ParentGateway{Namespace: ns, Name: "public", SectionName: "https"}}))
	exposedService(ctx, t, c)
	gateways := gateway.NewClient(c)
	if _, err := gateways.CreateApiGw(ctx, gateway.NewApiGw("metrics", "web", gateway.WithHost("metrics.example.org"), gateway.WithPort(9090), gateway.WithPath("/metrics"))); err != nil {
		t.Fatal(err)
	}
	if _, err := waitFor(ctx, time.Minute, "metrics", gateways.WaitForApiGw); err != nil {
		t.Fatal(err)
	}
	route, err := hub.For[*gatewayv1.HTTPRoute](c).Get(ctx, gateway.ObjectName("metrics"))
	if err != nil {
		t.Fatal(err)
	}
	parent := route.Spec.ParentRefs[0]
	backend := route.Spec.Rules[0].BackendRefs[0]
	got := []any{string(parent.Name), string(*parent.Namespace), string(*parent.SectionName), string(route.Spec.Hostnames[0]),
		*route.Spec.Rules[0].Matches[0].Path.Value, string(backend.Name), *backend.Port}
	want := []any{"public", ns, "https", "metrics.example.org", "/metrics", "web", int32(9090)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the HTTPRoute the API server holds: -want, +got:\n%s", diff)
	}
	return ctx
}
