package gateway_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// password is the password of every test gateway: no error, event or
// rendered object but the Secret's bcrypt line may show it.
const password = "Sup3r-s3cret!"

func TestApiGwBuild(t *testing.T) {
	basic := gateway.WithBasicAuth("analyst", secrets.Plain(password))
	cases := map[string]struct {
		reason string
		req    gateway.ApiGwRequest
		want   gateway.ApiGwSpec
	}{
		"Defaults": {
			reason: "The host is <name>.services.<domain>, the path /, auth none (written out, as the UI writes it); the port is left to the Client.",
			req:    gateway.NewApiGw("items", "items-svc", gateway.WithDomain("hubkit.example")),
			want:   gateway.ApiGwSpec{Host: "items.services.hubkit.example", Path: "/", Service: "items-svc", Auth: gateway.Auth{Type: gateway.AuthNone}},
		},
		"NoDomain": {
			reason: "Without a domain or a host there is no host.",
			req:    gateway.NewApiGw("items", "items-svc"),
			want:   gateway.ApiGwSpec{Path: "/", Service: "items-svc", Auth: gateway.Auth{Type: gateway.AuthNone}},
		},
		"Host": {
			reason: "A host wins over the domain; a path and a port are kept.",
			req: gateway.NewApiGw("items", "items-svc", gateway.WithDomain("hubkit.example"), gateway.WithHost("api.example.org"),
				gateway.WithPath("/v1"), gateway.WithPort(8080)),
			want: gateway.ApiGwSpec{Host: "api.example.org", Path: "/v1", Service: "items-svc", Port: 8080, Auth: gateway.Auth{Type: gateway.AuthNone}},
		},
		"Basic": {
			reason: "A user and a password are basic authentication; the password goes into the spec in plain text, as upstream has it.",
			req:    gateway.NewApiGw("items", "items-svc", gateway.WithDomain("hubkit.example"), basic),
			want: gateway.ApiGwSpec{Host: "items.services.hubkit.example", Path: "/", Service: "items-svc",
				Auth: gateway.Auth{Type: gateway.AuthBasic, Basic: gateway.BasicAuth{User: "analyst", Password: password}}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := tc.req.Build("team-a")
			if diff := cmp.Diff(tc.want, g.Spec); diff != "" {
				t.Errorf("\nReason: %s\nspec: -want, +got:\n%s", tc.reason, diff)
			}
			meta := []string{g.APIVersion, g.Kind, g.Namespace, g.Name}
			if diff := cmp.Diff([]string{"operator.scc-digitalhub.github.io/v1", "ApiGw", "team-a", "items"}, meta); diff != "" {
				t.Errorf("\nReason: %s\nmetadata: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestApiGwRequestRedactsThePassword(t *testing.T) {
	r := gateway.NewApiGw("items", "items-svc", gateway.WithBasicAuth("analyst", secrets.Plain(password)))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if form := fmt.Sprintf(verb, r); strings.Contains(form, password) || !strings.Contains(form, secrets.Mask) {
			t.Errorf("the request prints with %s as %q; want the password masked", verb, form)
		}
	}
}

func TestApiGwValidate(t *testing.T) {
	domain := gateway.WithDomain("hubkit.example")
	cases := map[string]struct {
		reason string
		req    gateway.ApiGwRequest
		want   []hubtest.FieldError
	}{
		"Valid": {
			reason: "A domain, a Service, basic authentication; no port, which the Client picks.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithBasicAuth("analyst", secrets.Plain(password))),
		},
		"ValidHost": {
			reason: "A host instead of the domain, a path and a port.",
			req:    gateway.NewApiGw("items", "items-svc", gateway.WithHost("api.example.org"), gateway.WithPath("/v1"), gateway.WithPort(443)),
		},
		"NoHost": {
			reason: "Without a domain a host is required.",
			req:    gateway.NewApiGw("items", "items-svc"),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.host"}},
		},
		"NoName": {
			reason: "A name is required; the host made of it is then no DNS name either.",
			req:    gateway.NewApiGw("", "items-svc", domain),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "metadata.name"}, {Type: field.ErrorTypeInvalid, Field: "spec.host"}},
		},
		"BadName": {
			reason: "The name is a DNS subdomain, and so is the host made of it.",
			req:    gateway.NewApiGw("Items_API", "items-svc", domain),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "metadata.name"}, {Type: field.ErrorTypeInvalid, Field: "spec.host"}},
		},
		"LongName": {
			reason: "apigw-<name> must be a name too.",
			req:    gateway.NewApiGw(strings.Repeat("n", 250), "items-svc", gateway.WithHost("api.example.org")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "metadata.name"}},
		},
		"BadPath": {
			reason: "A path starts with /.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithPath("v1")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.path"}},
		},
		"NoService": {
			reason: "The Service is required.",
			req:    gateway.NewApiGw("items", "", domain),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.service"}},
		},
		"BadPort": {
			reason: "A port above 65535 is refused (0 is the Service's first).",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithPort(70000)),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.port"}},
		},
		"NegativePort": {
			reason: "A negative port too.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithPort(-1)),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.port"}},
		},
		"UserWithColon": {
			reason: "A user holds no colon.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithBasicAuth("team:analyst", secrets.Plain(password))),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.auth.basic.user"}},
		},
		"NoPassword": {
			reason: "Basic authentication needs a password.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithBasicAuth("analyst", secrets.Value{})),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.auth.basic.password"}},
		},
		"NoUser": {
			reason: "Asked for basic authentication without a user, the gateway is refused, not left open.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithBasicAuth("", secrets.Plain(password))),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.auth.basic.user"}},
		},
		"LongPassword": {
			reason: "A password bcrypt cannot hash is refused, without showing it.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithBasicAuth("analyst", secrets.Plain(strings.Repeat(password, 6)))),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "spec.auth.basic.password"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := tc.req.Validate()
			if diff := cmp.Diff(tc.want, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if hubtest.ShowsSecret(errs, password) {
				t.Errorf("\nReason: %s\nan error shows the password: %v", tc.reason, errs)
			}
		})
	}
}

// newClient returns a Client of team-a, with opts, on a fake cluster
// knowing the gateway types and their CRD, holding the namespace and
// services, and no operator.
func newClient(t *testing.T, opts []gateway.Option, services ...*corev1.Service) *gateway.Client {
	t.Helper()
	scheme, err := hub.NewScheme(gateway.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(gateway.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	for _, svc := range services {
		if err := f.Client().Create(t.Context(), svc); err != nil {
			t.Fatal(err)
		}
	}
	return gateway.NewClient(f.Hub(hub.WithNamespace("team-a")), opts...)
}

// service is a Service of team-a with ports, each named after its number
// as a Service with several ports must.
func service(name string, ports ...int32) *corev1.Service {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a"}}
	for _, p := range ports {
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: fmt.Sprintf("port-%d", p), Port: p})
	}
	return svc
}

func TestClientCreateApiGw(t *testing.T) {
	domain := gateway.WithDomain("hubkit.example")
	cases := map[string]struct {
		reason   string
		req      gateway.ApiGwRequest
		want     []hubtest.FieldError
		wantPort int32
	}{
		"FirstPort": {
			reason: "No port picks the Service's first, as the resource manager's UI does.",
			req:    gateway.NewApiGw("items", "items-svc", domain), wantPort: 3000,
		},
		"Port": {
			reason: "A port of the Service is kept.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithPort(8080)), wantPort: 8080,
		},
		"MissingService": {
			reason: "The Service must exist (the operator's \"non-existing service\").",
			req:    gateway.NewApiGw("items", "ghost", domain),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeNotFound, Field: "spec.service"}},
		},
		"PortNotOfTheService": {
			reason: "The port must be one of the Service's.",
			req:    gateway.NewApiGw("items", "items-svc", domain, gateway.WithPort(9090)),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.port"}},
		},
		"ServiceWithoutPorts": {
			reason: "A Service without ports has no first.",
			req:    gateway.NewApiGw("items", "headless", domain),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.port"}},
		},
		"Invalid": {
			reason: "An invalid request is refused before the Service is looked at, without its password.",
			req:    gateway.NewApiGw("items", "ghost", domain, gateway.WithPath("api"), gateway.WithBasicAuth("a:b", secrets.Plain(password))),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.path"}, {Type: field.ErrorTypeInvalid, Field: "spec.auth.basic.user"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c := newClient(t, nil, service("items-svc", 3000, 8080), service("headless"))
			g, err := c.CreateApiGw(ctx, tc.req)
			if diff := cmp.Diff(tc.want, hubtest.ValidationErrors(t, err), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nerrors: -want, +got:\n%s", tc.reason, diff)
			}
			if err != nil {
				if strings.Contains(err.Error(), password) {
					t.Errorf("\nReason: %s\nthe error shows the password: %v", tc.reason, err)
				}
				if _, gerr := c.GetApiGw(ctx, "items"); !hub.IsNotFound(gerr) {
					t.Errorf("\nReason: %s\na refused gateway was created: %v", tc.reason, gerr)
				}
				return
			}
			stored, err := c.GetApiGw(ctx, "items")
			if err != nil {
				t.Fatal(err)
			}
			if stored.Spec.Port != tc.wantPort || g.Spec.Port != tc.wantPort {
				t.Errorf("\nReason: %s\nport %d (returned %d), want %d", tc.reason, stored.Spec.Port, g.Spec.Port, tc.wantPort)
			}
		})
	}
}

func TestClientExpose(t *testing.T) {
	cases := map[string]struct {
		reason string
		client []gateway.Option
		opts   []gateway.RequestOption
		want   gateway.ApiGwSpec
		errs   []hubtest.FieldError
	}{
		"PlatformDomain": {
			reason: "A Service is exposed under its own name on <service>.services.<platform domain>, on its first port, without auth.",
			client: []gateway.Option{gateway.WithPlatformDomain("hubkit.example")},
			want:   gateway.ApiGwSpec{Host: "items.services.hubkit.example", Path: "/", Service: "items", Port: 3000, Auth: gateway.Auth{Type: gateway.AuthNone}},
		},
		"Options": {
			reason: "The request's options win: a host, a port, basic authentication.",
			client: []gateway.Option{gateway.WithPlatformDomain("hubkit.example")},
			opts:   []gateway.RequestOption{gateway.WithHost("api.example.org"), gateway.WithPort(8080), gateway.WithBasicAuth("analyst", secrets.Plain(password))},
			want: gateway.ApiGwSpec{Host: "api.example.org", Path: "/", Service: "items", Port: 8080,
				Auth: gateway.Auth{Type: gateway.AuthBasic, Basic: gateway.BasicAuth{User: "analyst", Password: password}}},
		},
		"NoDomain": {
			reason: "Without a platform domain or a host there is nowhere to expose it.",
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.host"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c := newClient(t, tc.client, service("items", 3000, 8080))
			g, err := c.Expose(ctx, "items", tc.opts...)
			if diff := cmp.Diff(tc.errs, hubtest.ValidationErrors(t, err), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nerrors: -want, +got:\n%s", tc.reason, diff)
			}
			if err != nil {
				return
			}
			stored, err := c.GetApiGw(ctx, "items")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, stored.Spec); diff != "" {
				t.Errorf("\nReason: %s\nstored spec: -want, +got:\n%s", tc.reason, diff)
			}
			if g.Name != "items" {
				t.Errorf("\nReason: %s\nthe gateway is called %q, want the Service's name", tc.reason, g.Name)
			}
		})
	}
}

func TestClientListAndDelete(t *testing.T) {
	ctx := t.Context()
	c := newClient(t, []gateway.Option{gateway.WithPlatformDomain("hubkit.example")}, service("items", 3000), service("orders", 80))
	for _, svc := range []string{"items", "orders"} {
		if _, err := c.Expose(ctx, svc); err != nil {
			t.Fatal(err)
		}
	}
	list, err := c.ListApiGws(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(list))
	for _, g := range list {
		names = append(names, g.Name)
	}
	if diff := cmp.Diff([]string{"items", "orders"}, names, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("listed gateways: -want, +got:\n%s", diff)
	}
	if err := c.DeleteApiGw(ctx, "items"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetApiGw(ctx, "items"); !hub.IsNotFound(err) {
		t.Errorf("the deleted gateway: %v, want NotFound", err)
	}
	if err := c.DeleteApiGw(ctx, "items"); !hub.IsNotFound(err) {
		t.Errorf("deleting it again: %v, want NotFound", err)
	}
}

func TestURL(t *testing.T) {
	g := gateway.NewApiGw("items", "items", gateway.WithDomain("hubkit.example"), gateway.WithPath("/v1")).Build("team-a")
	cases := map[string]struct {
		reason string
		tls    bool
		want   string
	}{
		"HTTP":  {reason: "Without TLS, http.", want: "http://items.services.hubkit.example/v1"},
		"HTTPS": {reason: "With TLS, https.", tls: true, want: "https://items.services.hubkit.example/v1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, gateway.URL(g, tc.tls)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// The domain's Check makes CreateApiGw's checks on an ApiGw written whole,
// as a REST API receives it: the spec, then the Service and its port.
func TestDomainCheck(t *testing.T) {
	check := gateway.Domain.Kinds[0].Check
	valid := gateway.NewApiGw("items", "items", gateway.WithDomain("hubkit.example"), gateway.WithPort(3000),
		gateway.WithBasicAuth("analyst", secrets.Plain(password))).Build("team-a")
	cases := map[string]struct {
		reason string
		change func(*gateway.ApiGw)
		want   []hubtest.FieldError
	}{
		"Valid":     {reason: "A valid spec over an existing Service and port.", change: func(*gateway.ApiGw) {}},
		"NoPort":    {reason: "Written whole, a gateway names its port: nothing picks it.", change: func(g *gateway.ApiGw) { g.Spec.Port = 0 }, want: []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.port"}}},
		"OtherPort": {reason: "The port must be the Service's.", change: func(g *gateway.ApiGw) { g.Spec.Port = 80 }, want: []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.port"}}},
		"NoService": {reason: "The Service must exist.", change: func(g *gateway.ApiGw) { g.Spec.Service = "ghost" }, want: []hubtest.FieldError{{Type: field.ErrorTypeNotFound, Field: "spec.service"}}},
		"BadSpec": {
			reason: "An invalid spec is refused first, its password masked.",
			change: func(g *gateway.ApiGw) {
				g.Spec.Service, g.Spec.Auth.Basic.Password = "ghost", strings.Repeat(password, 6)
			},
			want: []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "spec.auth.basic.password"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			scheme, err := hub.NewScheme(gateway.AddToScheme)
			if err != nil {
				t.Fatal(err)
			}
			f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(gateway.CRDs()...),
				hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, service("items", 3000)))
			g := valid.DeepCopy()
			tc.change(g)
			errs, err := check(t.Context(), f.Hub(hub.WithNamespace("team-a")), g)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if hubtest.ShowsSecret(errs, password) {
				t.Errorf("\nReason: %s\nan error shows the password: %v", tc.reason, errs)
			}
		})
	}
}

func TestReadiness(t *testing.T) {
	cases := map[string]struct {
		reason string
		status gateway.ApiGwStatus
		want   hub.Readiness
	}{
		"NoState":  {reason: "No state yet: the operator has not seen it.", want: hub.Readiness{State: "Pending", Message: "waiting for the operator"}},
		"Ready":    {reason: "Ready is ready.", status: gateway.ApiGwStatus{State: gateway.StateReady, Hash: "h"}, want: hub.Readiness{Ready: true, State: gateway.StateReady}},
		"Updating": {reason: "Updating is not ready yet.", status: gateway.ApiGwStatus{State: gateway.StateUpdating}, want: hub.Readiness{State: gateway.StateUpdating}},
		"Error": {
			reason: "An Error says why.", status: gateway.ApiGwStatus{State: gateway.StateError, Message: "no ingress class is set"},
			want: hub.Readiness{State: gateway.StateError, Message: "no ingress class is set"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := &gateway.ApiGw{Status: tc.status}
			if diff := cmp.Diff(tc.want, g.Readiness()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
