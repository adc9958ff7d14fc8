package gateway

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// validSpec is a valid spec with basic authentication the cases change
// one thing of.
func validSpec(change func(*ApiGwSpec)) ApiGwSpec {
	spec := ApiGwSpec{
		Host: "items.services.hubkit.example", Path: "/", Service: "items", Port: 3000,
		Auth: Auth{Type: AuthBasic, Basic: BasicAuth{User: "analyst", Password: "Sup3r-s3cret!"}},
	}
	if change != nil {
		change(&spec)
	}
	return spec
}

func TestValidateSpec(t *testing.T) {
	cases := map[string]struct {
		reason string
		name   string
		spec   ApiGwSpec
		want   []hubtest.FieldError
	}{
		"ValidBasic": {reason: "A host, a path, a Service and its port, a user and a password.", spec: validSpec(nil)},
		"ValidNone": {reason: "Auth none needs no user.", spec: validSpec(func(s *ApiGwSpec) {
			s.Auth = Auth{Type: AuthNone}
		})},
		"ValidEmptyAuth": {reason: "An empty auth type is none, as the operator reads it.", spec: validSpec(func(s *ApiGwSpec) {
			s.Auth = Auth{}
		})},
		"NoneIgnoresTheUser": {reason: "A user left behind by auth none is not checked: the operator ignores it.", spec: validSpec(func(s *ApiGwSpec) {
			s.Auth.Type, s.Auth.Basic.User = AuthNone, "a:b"
		})},
		"LongPath":   {reason: "Any path starting with / is a prefix.", spec: validSpec(func(s *ApiGwSpec) { s.Path = "/api/v1/" })},
		"PortBounds": {reason: "1 and 65535 are ports.", spec: validSpec(func(s *ApiGwSpec) { s.Port = 65535 })},
		"PortOne":    {reason: "1 is a port.", spec: validSpec(func(s *ApiGwSpec) { s.Port = 1 })},
		"NoHost": {
			reason: "The host is required: the operator renders no Ingress without it.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Host = "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.host"}},
		},
		"HostNotDNS": {
			reason: "The host is a DNS name: no capitals, no underscores.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Host = "Items_API.example" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.host"}},
		},
		"HostWithPort": {
			reason: "A host holds no port.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Host = "items.example:8443" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.host"}},
		},
		"HostTooLong": {
			reason: "A DNS name is at most 253 bytes.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Host = strings.Repeat("a.", 127) + "ab" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.host"}},
		},
		"PathWithoutSlash": {
			reason: "A path is a prefix starting with /.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Path = "api" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.path"}},
		},
		"NoPath": {
			reason: "An empty path does not start with / (the builder defaults it; a CR written whole must have one).",
			spec:   validSpec(func(s *ApiGwSpec) { s.Path = "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.path"}},
		},
		"NoService": {
			reason: "The Service is required.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Service = "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.service"}},
		},
		"PortZero": {
			reason: "Port 0 is no port: the operator refuses it.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Port = 0 }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.port"}},
		},
		"PortNegative": {
			reason: "A negative port is no port.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Port = -1 }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.port"}},
		},
		"PortTooHigh": {
			reason: "65536 is no port.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Port = 65536 }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.port"}},
		},
		"OtherAuth": {
			reason: "Only none and basic are auth types.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Type = "jwt" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.auth.type"}},
		},
		"CapitalBasic": {
			reason: "Auth types are compared as they are written, as the operator's annotation copies them.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Type = "Basic" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.auth.type"}},
		},
		"UserWithColon": {
			reason: "The htpasswd line is user:hash: a user holds no colon.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Basic.User = "team:analyst" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.auth.basic.user"}},
		},
		"UserWithNewline": {
			reason: "A user holds no line break: it would split the htpasswd line in two.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Basic.User = "analyst\nintruder" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.auth.basic.user"}},
		},
		"NoUser": {
			reason: "Basic authentication needs a user.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Basic.User = "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.auth.basic.user"}},
		},
		"NoPassword": {
			reason: "Basic authentication needs a password.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Basic.Password = "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.auth.basic.password"}},
		},
		"PasswordTooLong": {
			reason: "bcrypt hashes at most 72 bytes: a longer password could never be hashed.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Basic.Password = strings.Repeat("p", 73) }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "spec.auth.basic.password"}},
		},
		"PasswordOfBcryptsLength": {
			reason: "72 bytes are still hashed.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Basic.Password = strings.Repeat("p", 72) }),
		},
		"NoCredentials": {
			reason: "Both missing are both reported.",
			spec:   validSpec(func(s *ApiGwSpec) { s.Auth.Basic = BasicAuth{} }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.auth.basic.user"}, {Type: field.ErrorTypeRequired, Field: "spec.auth.basic.password"}},
		},
		"NameTooLong": {
			reason: "apigw-<name> must be a valid name: the name is at most 247 bytes.",
			name:   strings.Repeat("n", 248),
			spec:   validSpec(nil),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "metadata.name"}},
		},
		"NameAtTheLimit": {
			reason: "247 bytes make a name of 253 with the prefix.",
			name:   strings.Repeat("n", 247),
			spec:   validSpec(nil),
		},
		"Everything": {
			reason: "Every error is collected, in the order of the fields.",
			spec:   ApiGwSpec{Path: "x", Port: 70000, Auth: Auth{Type: "oauth"}},
			want: []hubtest.FieldError{
				{Type: field.ErrorTypeRequired, Field: "spec.host"}, {Type: field.ErrorTypeInvalid, Field: "spec.path"},
				{Type: field.ErrorTypeRequired, Field: "spec.service"}, {Type: field.ErrorTypeInvalid, Field: "spec.port"},
				{Type: field.ErrorTypeNotSupported, Field: "spec.auth.type"},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			objName := tc.name
			if objName == "" {
				objName = "items"
			}
			errs := validateSpec(objName, tc.spec)
			if diff := cmp.Diff(tc.want, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nvalidateSpec: -want, +got:\n%s", tc.reason, diff)
			}
			for _, e := range redact(errs) {
				if p := tc.spec.Auth.Basic.Password; p != "" && strings.Contains(e.Error(), p) {
					t.Errorf("\nReason: %s\nthe redacted error %q shows the password", tc.reason, e.Error())
				}
			}
		})
	}
}

func TestCredentialHash(t *testing.T) {
	cases := map[string]struct {
		reason         string
		user, password string
		want           string
	}{
		"Sample": {
			reason: "The operator's sample credentials: the hex SHA-256 of \"user:password\" (sha256sum of printf user:password).",
			user:   "user", password: "password",
			want: "c91b1d6acd383c44c4ec20c9723e758c31182a1f4f0231d63d91259a2ea14b9d",
		},
		"ColonInPassword": {
			reason: "The password may hold colons: only the first separates it from the user.",
			user:   "analyst", password: "pa:ss",
			want: "cb60762c0190fd3bd9af28652e72fad47fb01c8d7fa42109477b932b5623cd60",
		},
		"Empty": {
			reason: "Even no credentials hash \":\".",
			want:   "e7ac0786668e0ff0f02b62bd04f45ff636fd82db63b1104601c975dc005f3a67",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, CredentialHash(tc.user, tc.password)); diff != "" {
				t.Errorf("\nReason: %s\nCredentialHash(%q, ...): -want, +got:\n%s", tc.reason, tc.user, diff)
			}
		})
	}
}

func TestExposureProblem(t *testing.T) {
	basic := validSpec(nil)
	none := validSpec(func(s *ApiGwSpec) { s.Auth = Auth{Type: AuthNone} })
	on := func(host string) ApiGwSpec { return validSpec(func(s *ApiGwSpec) { s.Host = host }) }
	gw := &ParentGateway{Namespace: "infra", Name: "public"}
	cases := map[string]struct {
		reason   string
		exposure Exposure
		spec     ApiGwSpec
		want     string // a part of the problem; "" for none
	}{
		"NginxBasic":   {reason: "Basic authentication on nginx is what the operator does.", exposure: Exposure{IngressClass: "nginx"}, spec: basic},
		"TraefikNone":  {reason: "Without authentication any class serves.", exposure: Exposure{IngressClass: "traefik"}, spec: none},
		"GatewayNone":  {reason: "An HTTPRoute needs no ingress class.", exposure: Exposure{Gateway: gw}, spec: none},
		"NoClass":      {reason: "No class is the operator's Error (INGRESS_CLASS_NAME unset).", exposure: Exposure{}, spec: none, want: "no ingress class"},
		"NoClassBasic": {reason: "No class is said first.", exposure: Exposure{}, spec: basic, want: "no ingress class"},
		"BasicOnTraefik": {
			reason: "Basic authentication works with ingress-nginx only, as the operator checks.", exposure: Exposure{IngressClass: "traefik"}, spec: basic,
			want: `only supported with the nginx ingress class, not "traefik"`,
		},
		"BasicWithAGateway": {
			reason: "An HTTPRoute has no standard basic authentication.", exposure: Exposure{IngressClass: "nginx", Gateway: gw}, spec: basic,
			want: "basic authentication needs ingress-nginx",
		},
		"DomainInside": {
			reason:   "A host one label under the one endpoint's domain is covered by its wildcard certificate.",
			exposure: Exposure{IngressClass: "nginx", Domain: "services.hubkit.example"}, spec: basic,
		},
		"DomainOutside": {
			reason: "A host of another domain is not.", exposure: Exposure{IngressClass: "nginx", Domain: "hubkit.example"}, spec: on("items.other.example"),
			want: `the host "items.other.example" is not a name directly under "hubkit.example"`,
		},
		"DomainTwoLabelsDeep": {
			reason: "A wildcard covers one label only.", exposure: Exposure{IngressClass: "nginx", Domain: "hubkit.example"}, spec: on("items.services.hubkit.example"),
			want: "not a name directly under",
		},
		"DomainItself": {
			reason: "The domain itself is not under it.", exposure: Exposure{IngressClass: "nginx", Domain: "hubkit.example"}, spec: on("hubkit.example"),
			want: "not a name directly under",
		},
		"DomainWithAGateway": {
			reason: "The one endpoint holds for HTTPRoutes too.", exposure: Exposure{Gateway: gw, Domain: "hubkit.example"}, spec: validSpec(func(s *ApiGwSpec) {
				s.Host, s.Auth = "items.services.hubkit.example", Auth{}
			}),
			want: "not a name directly under",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := tc.exposure.problem(tc.spec)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("\nReason: %s\nproblem() = %q, want one holding %q", tc.reason, got, tc.want)
			}
			if strings.Contains(got, tc.spec.Auth.Basic.Password) && tc.spec.Auth.Basic.Password != "" {
				t.Errorf("\nReason: %s\nthe problem %q shows the password", tc.reason, got)
			}
		})
	}
}

func TestUnderDomain(t *testing.T) {
	cases := map[string]struct {
		reason       string
		host, domain string
		want         bool
	}{
		"OneLabel":    {reason: "One label under the domain.", host: "items.hubkit.example", domain: "hubkit.example", want: true},
		"TwoLabels":   {reason: "Two labels deep is not directly under.", host: "a.items.hubkit.example", domain: "hubkit.example"},
		"Itself":      {reason: "The domain is not under itself.", host: "hubkit.example", domain: "hubkit.example"},
		"EmptyLabel":  {reason: "An empty label is no name.", host: ".hubkit.example", domain: "hubkit.example"},
		"SuffixOnly":  {reason: "A suffix that is no whole label does not count.", host: "itemshubkit.example", domain: "hubkit.example"},
		"OtherDomain": {reason: "Another domain.", host: "items.example.org", domain: "hubkit.example"},
		"SubOfSub":    {reason: "A deeper domain works the same.", host: "x.services.hubkit.example", domain: "services.hubkit.example", want: true},
		"Empty":       {reason: "Nothing is under nothing.", host: "", domain: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := underDomain(tc.host, tc.domain); got != tc.want {
				t.Errorf("\nReason: %s\nunderDomain(%q, %q) = %v, want %v", tc.reason, tc.host, tc.domain, got, tc.want)
			}
		})
	}
}

func TestServicePort(t *testing.T) {
	svc := func(ports ...int32) *corev1.Service {
		s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "items"}}
		for _, p := range ports {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Port: p})
		}
		return s
	}
	cases := map[string]struct {
		reason    string
		svc       *corev1.Service
		port      int32
		want      int32
		errs      []hubtest.FieldError
		supported []string
	}{
		"PickFirst": {reason: "No port picks the Service's first, as the resource manager's UI does.", svc: svc(3000, 8080), want: 3000},
		"Named":     {reason: "A port of the Service is kept.", svc: svc(3000, 8080), port: 8080, want: 8080},
		"Absent": {
			reason: "A port the Service does not have is NotSupported, listing the Service's ports.",
			svc:    svc(3000, 8080), port: 9090,
			errs: []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.port"}}, supported: []string{"3000", "8080"},
		},
		"NoPorts": {
			reason: "A Service without ports has none to pick.",
			svc:    svc(), errs: []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.port"}},
		},
		"NoPortsNamed": {
			reason: "Nor any to match.",
			svc:    svc(), port: 80, errs: []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.port"}}, supported: []string{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, errs := servicePort(tc.svc, tc.port)
			if got != tc.want {
				t.Errorf("\nReason: %s\nport %d, want %d", tc.reason, got, tc.want)
			}
			if diff := cmp.Diff(tc.errs, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nerrors: -want, +got:\n%s", tc.reason, diff)
			}
			if tc.supported != nil {
				for _, p := range tc.supported {
					if !strings.Contains(errs.ToAggregate().Error(), `"`+p+`"`) {
						t.Errorf("\nReason: %s\nthe error %q does not list the port %s", tc.reason, errs.ToAggregate(), p)
					}
				}
			}
		})
	}
}

func TestApiGwStatus(t *testing.T) {
	const oldHash, newHash = "0ld", "n3w"
	g := &ApiGw{Status: ApiGwStatus{State: StateReady, Hash: oldHash}}
	result := func(op reconcile.Operation) reconcile.Result {
		return reconcile.Result{Object: &networkingv1.Ingress{}, Operation: op}
	}
	details := reconcile.Details{}.With(detailHash, newHash).With(detailAuthLine, "analyst:$2a$10$x")
	cases := map[string]struct {
		reason  string
		outcome reconcile.Outcome
		want    ApiGwStatus
	}{
		"Error": {
			reason:  "An error is the Error state with its message; the hash of what was applied stays.",
			outcome: reconcile.Outcome{Err: errors.New("applying: basic authentication is only supported with the nginx ingress class")},
			want:    ApiGwStatus{State: StateError, Message: "applying: basic authentication is only supported with the nginx ingress class", Hash: oldHash},
		},
		"Waiting": {
			reason:  "Waiting is Initializing, saying for what; the hash stays.",
			outcome: reconcile.Outcome{Waiting: `the Service "items" does not exist yet`},
			want:    ApiGwStatus{State: StateInitializing, Message: `the Service "items" does not exist yet`, Hash: oldHash},
		},
		"Created": {
			reason:  "Children made for the first time are Ready at once, with the hash applied.",
			outcome: reconcile.Outcome{Ready: true, Details: details, Children: reconcile.Results{result(reconcile.OperationCreated), result(reconcile.OperationCreated)}},
			want:    ApiGwStatus{State: StateReady, Hash: newHash},
		},
		"Updated": {
			reason:  "A child changed is Updating, as the operator reports a changed spec.",
			outcome: reconcile.Outcome{Ready: true, Details: details, Children: reconcile.Results{result(reconcile.OperationUnchanged), result(reconcile.OperationUpdated)}},
			want:    ApiGwStatus{State: StateUpdating, Hash: newHash},
		},
		"Unchanged": {
			reason:  "Nothing changed is Ready with the hash.",
			outcome: reconcile.Outcome{Ready: true, Details: details, Children: reconcile.Results{result(reconcile.OperationUnchanged), result(reconcile.OperationUnchanged)}},
			want:    ApiGwStatus{State: StateReady, Hash: newHash},
		},
		"NoAuth": {
			reason:  "Without basic authentication the hash is cleared, as the operator's Updating path clears it.",
			outcome: reconcile.Outcome{Ready: true, Children: reconcile.Results{result(reconcile.OperationUnchanged)}},
			want:    ApiGwStatus{State: StateReady},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, apiGwStatus(g.DeepCopy(), tc.outcome)); diff != "" {
				t.Errorf("\nReason: %s\nstatus: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
