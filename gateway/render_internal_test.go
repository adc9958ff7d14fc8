package gateway

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/crypto/bcrypt"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// The credentials of the rendered gateways: the bcrypt line is a real
// hash of the password at the operator's cost, made once.
const (
	testUser     = "analyst"
	testPassword = "Sup3r-s3cret!"
	testLine     = testUser + ":$2a$10$y6qgehS1g5uynsAHcPaiDeevfwYH.o5j3V.vVrzBCeBazat4Ctvvi"
	// testHash is printf 'analyst:Sup3r-s3cret!' | sha256sum.
	testHash = "70504a9ce7a94e3b06d6c09338f816d0b7a1f6ab46d9a56dfaa1fba5e5997289"
)

// apiGw is a gateway of team-a with auth, on items.services.hubkit.example.
func apiGw(auth Auth) *ApiGw {
	return &ApiGw{
		ObjectMeta: metav1.ObjectMeta{Name: "items", Namespace: "team-a"},
		Spec:       ApiGwSpec{Host: "items.services.hubkit.example", Path: "/api", Service: "items-svc", Port: 3000, Auth: auth},
	}
}

var basic = Auth{Type: AuthBasic, Basic: BasicAuth{User: testUser, Password: testPassword}}

// The rendered objects are kept as golden files (update them with
// HUBKIT_UPDATE_GOLDEN=1), checked field by field against the operator's
// code once; TestRenderMatchesTheOperator keeps those facts as assertions.
func TestRenderGolden(t *testing.T) {
	nginx := Exposure{IngressClass: IngressClassNginx}
	cases := map[string][]client.Object{
		"ingress-no-auth":          {renderIngress(apiGw(Auth{Type: AuthNone}), nginx)},
		"ingress-basic-auth":       {renderIngress(apiGw(basic), nginx)},
		"ingress-tls-secret":       {renderIngress(apiGw(Auth{}), Exposure{IngressClass: "nginx", TLS: true, TLSSecret: "ingresssecret"})},
		"ingress-tls-no-secret":    {renderIngress(apiGw(Auth{}), Exposure{IngressClass: "nginx", TLS: true})},
		"ingress-one-endpoint":     {renderIngress(apiGw(basic), Exposure{IngressClass: "nginx", Domain: "services.hubkit.example", TLSSecret: "wildcard-services"})},
		"auth-secret":              {renderAuthSecret(apiGw(basic), testLine, testHash)},
		"httproute-parent-section": {renderRoute(apiGw(Auth{}), Exposure{Gateway: &ParentGateway{Namespace: "infra", Name: "public", SectionName: "https"}})},
		"httproute-parent-only":    {renderRoute(apiGw(Auth{}), Exposure{Gateway: &ParentGateway{Name: "public"}})},
	}
	for name, objs := range cases {
		t.Run(name, func(t *testing.T) {
			hubtest.ExpectGolden(t, name, objs...)
		})
	}
}

// What the operator renders, as its code has it (the fact sheet's §2):
// the facts the golden files were checked against, as assertions that
// survive an update of the golden files.
func TestRenderMatchesTheOperator(t *testing.T) {
	wantLabels := map[string]string{
		"app.kubernetes.io/name": "ApiGw", "app.kubernetes.io/instance": "items",
		"app.kubernetes.io/managed-by": "apigw-operator", "app.kubernetes.io/part-of": "apigw",
	}
	prefix := networkingv1.PathTypePrefix
	rule := func(host string) []networkingv1.IngressRule {
		return []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
			Paths: []networkingv1.HTTPIngressPath{{Path: "/api", PathType: &prefix, Backend: networkingv1.IngressBackend{
				Service: &networkingv1.IngressServiceBackend{Name: "items-svc", Port: networkingv1.ServiceBackendPort{Number: 3000}},
			}}},
		}}}}
	}
	nginxAuth := map[string]string{
		"nginx.ingress.kubernetes.io/auth-type":   "basic",
		"nginx.ingress.kubernetes.io/auth-secret": "apigw-items",
	}
	cases := map[string]struct {
		reason          string
		ing             *networkingv1.Ingress
		wantTLS         []networkingv1.IngressTLS
		wantAnnotations map[string]string
	}{
		"NoAuth": {
			reason: "apigw-<name>, the four labels, the class, one rule of one Prefix path to the port's number; no TLS, no annotations at all.",
			ing:    renderIngress(apiGw(Auth{Type: AuthNone}), Exposure{IngressClass: "nginx"}),
		},
		"EmptyAuth": {
			reason: "An empty auth type is none.",
			ing:    renderIngress(apiGw(Auth{}), Exposure{IngressClass: "nginx"}),
		},
		"Basic": {
			reason:          "Basic authentication adds exactly ingress-nginx's two annotations, the Secret being apigw-<name>; no realm.",
			ing:             renderIngress(apiGw(basic), Exposure{IngressClass: "nginx"}),
			wantAnnotations: nginxAuth,
		},
		"TLSWithSecret": {
			reason:  "ENABLE_TLS: one TLS entry of the host, with TLS_SECRET_NAME.",
			ing:     renderIngress(apiGw(Auth{}), Exposure{IngressClass: "nginx", TLS: true, TLSSecret: "ingresssecret"}),
			wantTLS: []networkingv1.IngressTLS{{Hosts: []string{"items.services.hubkit.example"}, SecretName: "ingresssecret"}},
		},
		"TLSWithoutSecret": {
			reason:  "Without TLS_SECRET_NAME the secret name is left out.",
			ing:     renderIngress(apiGw(Auth{}), Exposure{IngressClass: "nginx", TLS: true}),
			wantTLS: []networkingv1.IngressTLS{{Hosts: []string{"items.services.hubkit.example"}}},
		},
		"OneEndpoint": {
			reason:          "A domain turns TLS on, with the wildcard certificate.",
			ing:             renderIngress(apiGw(basic), Exposure{IngressClass: "nginx", Domain: "services.hubkit.example", TLSSecret: "wildcard"}),
			wantTLS:         []networkingv1.IngressTLS{{Hosts: []string{"items.services.hubkit.example"}, SecretName: "wildcard"}},
			wantAnnotations: nginxAuth,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ing := tc.ing
			got := []any{ing.APIVersion, ing.Kind, ing.Namespace, ing.Name, ing.Labels, ing.Spec.IngressClassName, ing.Spec.DefaultBackend}
			want := []any{"networking.k8s.io/v1", "Ingress", "team-a", "apigw-items", wantLabels, new("nginx"), (*networkingv1.IngressBackend)(nil)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("\nReason: %s\nmetadata and class: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(rule("items.services.hubkit.example"), ing.Spec.Rules); diff != "" {
				t.Errorf("\nReason: %s\nrules: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantTLS, ing.Spec.TLS); diff != "" {
				t.Errorf("\nReason: %s\nTLS: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantAnnotations, ing.Annotations); diff != "" {
				t.Errorf("\nReason: %s\nannotations: -want, +got:\n%s", tc.reason, diff)
			}
			if s := ing.String(); strings.Contains(s, testPassword) {
				t.Errorf("\nReason: %s\nthe Ingress shows the password: %s", tc.reason, s)
			}
		})
	}

	t.Run("Secret", func(t *testing.T) {
		s := renderAuthSecret(apiGw(basic), testLine, testHash)
		got := []any{s.APIVersion, s.Kind, s.Namespace, s.Name, s.Labels, s.Annotations, s.Type, s.Data}
		want := []any{"v1", "Secret", "team-a", "apigw-items", wantLabels,
			map[string]string{"nginx.ingress.kubernetes.io/hash": CredentialHash(testUser, testPassword)},
			corev1.SecretTypeOpaque, map[string][]byte{"auth": []byte(testLine)}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("the basic-auth Secret: apigw-<name>, the labels, one annotation of the SHA-256, Opaque, one key auth: -want, +got:\n%s", diff)
		}
		user, hashed, ok := strings.Cut(string(s.Data[KeyAuth]), ":")
		if !ok || user != testUser || bcrypt.CompareHashAndPassword([]byte(hashed), []byte(testPassword)) != nil {
			t.Errorf("the auth line %q is not %s:<bcrypt of the password>", s.Data[KeyAuth], testUser)
		}
		if cost, err := bcrypt.Cost([]byte(hashed)); err != nil || cost != bcrypt.DefaultCost {
			t.Errorf("the line's cost is %d (%v), want the operator's %d", cost, err, bcrypt.DefaultCost)
		}
	})

	t.Run("HTTPRoute", func(t *testing.T) {
		r := renderRoute(apiGw(Auth{}), Exposure{Gateway: &ParentGateway{Namespace: "infra", Name: "public", SectionName: "https"}})
		ns, section, pathPrefix, port := gatewayv1.Namespace("infra"), gatewayv1.SectionName("https"), gatewayv1.PathMatchPathPrefix, gatewayv1.PortNumber(3000)
		want := gatewayv1.HTTPRouteSpec{
			CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "public", Namespace: &ns, SectionName: &section}}},
			Hostnames:       []gatewayv1.Hostname{"items.services.hubkit.example"},
			Rules: []gatewayv1.HTTPRouteRule{{
				Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{Type: &pathPrefix, Value: new("/api")}}},
				BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{
					Name: "items-svc", Port: &port,
				}}}},
			}},
		}
		if diff := cmp.Diff(want, r.Spec); diff != "" {
			t.Errorf("the HTTPRoute: the host, a PathPrefix match, the Service's port, attached to the Gateway's listener: -want, +got:\n%s", diff)
		}
		meta := []any{r.APIVersion, r.Kind, r.Namespace, r.Name, r.Labels}
		if diff := cmp.Diff([]any{"gateway.networking.k8s.io/v1", "HTTPRoute", "team-a", "apigw-items", wantLabels}, meta); diff != "" {
			t.Errorf("the HTTPRoute's metadata, the Ingress's: -want, +got:\n%s", diff)
		}
	})
}

func TestRenderChildren(t *testing.T) {
	details := reconcile.Details{}.With(detailAuthLine, testLine).With(detailHash, testHash)
	gw := &ParentGateway{Namespace: "infra", Name: "public"}
	kinds := func(objs []client.Object) []string {
		out := make([]string, 0, len(objs))
		for _, o := range objs {
			out = append(out, o.GetObjectKind().GroupVersionKind().Kind+"/"+o.GetName())
		}
		return out
	}
	cases := map[string]struct {
		reason   string
		g        *ApiGw
		exposure Exposure
		want     []string
	}{
		"None":         {reason: "No auth: the Ingress alone.", g: apiGw(Auth{Type: AuthNone}), exposure: Exposure{IngressClass: "nginx"}, want: []string{"Ingress/apigw-items"}},
		"Basic":        {reason: "Basic auth: the Ingress and its Secret.", g: apiGw(basic), exposure: Exposure{IngressClass: "nginx"}, want: []string{"Ingress/apigw-items", "Secret/apigw-items"}},
		"Route":        {reason: "A Gateway: an HTTPRoute instead of the Ingress.", g: apiGw(Auth{}), exposure: Exposure{Gateway: gw}, want: []string{"HTTPRoute/apigw-items"}},
		"BasicTraefik": {reason: "A problem renders nothing (the operator's Error deletes it).", g: apiGw(basic), exposure: Exposure{IngressClass: "traefik"}, want: []string{}},
		"BasicRoute":   {reason: "Basic auth through an HTTPRoute is a problem too.", g: apiGw(basic), exposure: Exposure{Gateway: gw}, want: []string{}},
		"OutsideDomain": {
			reason: "So is a host outside the one endpoint.", g: apiGw(Auth{}), exposure: Exposure{IngressClass: "nginx", Domain: "example.org"}, want: []string{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			objs := renderChildren(tc.g, tc.exposure, details)
			if diff := cmp.Diff(tc.want, kinds(objs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nchildren: -want, +got:\n%s", tc.reason, diff)
			}
			if i := slices.IndexFunc(objs, func(o client.Object) bool { _, ok := o.(*corev1.Secret); return ok }); i >= 0 {
				if got := string(objs[i].(*corev1.Secret).Data[KeyAuth]); got != testLine {
					t.Errorf("\nReason: %s\nthe Secret's line %q, want the details' %q", tc.reason, got, testLine)
				}
			}
		})
	}
}
