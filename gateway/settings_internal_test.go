package gateway

import (
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReconcilerSettings checks the operator's settings: the
// apigw-operator's environment variables are the flags' defaults (TLS on
// only for "true", in any case), flags win, and the HTTPRoute mode's
// Gateway is namespace/name.
func TestReconcilerSettings(t *testing.T) {
	cases := map[string]struct {
		reason  string
		env     map[string]string
		args    []string
		want    Exposure
		enabled bool
		err     string
	}{
		"Defaults": {
			reason: "Nothing set: no class (the operator's Error for every gateway), no TLS, off.",
		},
		"Environment": {
			reason:  "The operator's deployment.yaml: class nginx, TLS with ingresssecret.",
			env:     map[string]string{"HUBKIT_GATEWAY": "true", "INGRESS_CLASS_NAME": "nginx", "ENABLE_TLS": "TRUE", "TLS_SECRET_NAME": "ingresssecret"},
			want:    Exposure{IngressClass: "nginx", TLS: true, TLSSecret: "ingresssecret"},
			enabled: true,
		},
		"TLSNotTrue": {
			reason: "ENABLE_TLS other than true is off, as the operator compares it.",
			env:    map[string]string{"INGRESS_CLASS_NAME": "nginx", "ENABLE_TLS": "yes"},
			want:   Exposure{IngressClass: "nginx"},
		},
		"FlagsWin": {
			reason: "A flag wins over its environment variable; the one endpoint and the Gateway are flags only.",
			env:    map[string]string{"INGRESS_CLASS_NAME": "nginx"},
			args:   []string{"-ingress-class=traefik", "-httproute-gateway=infra/public", "-gateway-domain=services.hubkit.example", "-ingress-tls-secret=wildcard"},
			want: Exposure{IngressClass: "traefik", TLSSecret: "wildcard", Domain: "services.hubkit.example",
				Gateway: &ParentGateway{Namespace: "infra", Name: "public"}},
		},
		"BadGateway": {
			reason: "A Gateway is namespace/name.",
			args:   []string{"-httproute-gateway=public"},
			err:    `-httproute-gateway "public": want namespace/name`,
		},
		"EmptyGatewayName": {
			reason: "Both parts are needed.",
			args:   []string{"-httproute-gateway=infra/"},
			err:    "want namespace/name",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var s reconcilerSettings
			fs := flag.NewFlagSet("operator", flag.ContinueOnError)
			s.BindFlags(fs, func(k string) string { return tc.env[k] })
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			got, err := s.exposure()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("\nReason: %s\nerror %v, want one with %q", tc.reason, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("\nReason: %s\n%v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\nexposure: -want, +got:\n%s", tc.reason, diff)
			}
			if s.Enabled() != tc.enabled {
				t.Errorf("\nReason: %s\nEnabled() = %t, want %t", tc.reason, s.Enabled(), tc.enabled)
			}
		})
	}
}
