package gateway

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// FuzzValidateSpec checks that no spec, given as the JSON a user may
// write (its user and password replaced by the raw ones given, when set,
// which JSON would have to escape), and no exposure make the validation, the exposure's check or the
// rendering panic; that every error has a path of the resource and no
// redacted error shows the password; and that a spec found valid is one
// the Provisioner can serve: bcrypt hashes its password, its htpasswd
// line is one line of its user, its host is a DNS name, and a problem is
// reported for basic authentication off nginx and for a host outside the
// one endpoint.
func FuzzValidateSpec(f *testing.F) {
	f.Add("items", `{"host":"items.services.hubkit.example","path":"/","service":"items","port":3000,"auth":{"type":"basic","basic":{"user":"analyst","password":"Sup3r-s3cret!"}}}`, "nginx", false, "", "", "")
	f.Add("items", `{"host":"items.hubkit.example","path":"/api","service":"items","port":80,"auth":{"type":"none"}}`, "traefik", false, "hubkit.example", "", "")
	f.Add("apigw-sample", `{"host":"foo.bar.com","path":"/","service":"productpage","port":9080,"auth":{"type":"basic","basic":{"user":"user","password":"password"}}}`, "nginx", true, "", "", "")
	f.Add("Bad_Name", `{"host":"Foo_Bar","path":"api","port":-1,"auth":{"type":"jwt"}}`, "", false, "bar.com", "", "")
	f.Add(strings.Repeat("n", 250), `{"host":"a.b.c","path":"/","service":"s","port":65536,"auth":{"type":"basic","basic":{"user":"a:b\n","password":"`+strings.Repeat("p", 80)+`"}}}`, "nginx", false, "b.c", "", "")
	f.Add("x", `{"host":"x.hubkit.example","path":"/","service":"x","port":1,"auth":{"type":"basic"}}`, "nginx", false, "hubkit.example", "ana\nlyst", "pass\x00word")
	f.Add("x", `{}`, "", true, ".", "", "")
	f.Fuzz(func(t *testing.T, name, specJSON, class string, route bool, domain, user, password string) {
		var spec ApiGwSpec
		if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
			return
		}
		if user != "" {
			spec.Auth.Basic.User = user
		}
		if password != "" {
			spec.Auth.Basic.Password = password
		}
		e := Exposure{IngressClass: class, Domain: domain, TLSSecret: "wildcard"}
		if route {
			e.Gateway = &ParentGateway{Namespace: "infra", Name: "public"}
		}
		errs := validateSpec(name, spec)
		for _, err := range redact(errs) {
			if !strings.HasPrefix(err.Field, "spec.") && err.Field != "metadata.name" {
				t.Fatalf("error %v has no path of the resource", err)
			}
			if err.Field == "spec.auth.basic.password" && err.BadValue == spec.Auth.Basic.Password && spec.Auth.Basic.Password != "" {
				t.Fatalf("the redacted error %v shows the password", err)
			}
		}
		problem := e.problem(spec)
		if basicAuth(spec) && (route || class != IngressClassNginx) && problem == "" {
			t.Fatalf("basic authentication with class %q (route %v) is no problem", class, route)
		}
		if problem == "" && domain != "" && !underDomain(spec.Host, domain) {
			t.Fatalf("the host %q outside the domain %q is no problem", spec.Host, domain)
		}
		if len(errs) > 0 {
			return
		}
		if msgs := validation.IsDNS1123Subdomain(spec.Host); len(msgs) > 0 {
			t.Fatalf("a valid spec's host %q is no DNS name: %v", spec.Host, msgs)
		}
		if n := ObjectName(name); len(n) > validation.DNS1123SubdomainMaxLength {
			t.Fatalf("a valid spec renders the name %q, too long", n)
		}
		line := ""
		if basicAuth(spec) {
			hashed, err := bcrypt.GenerateFromPassword([]byte(spec.Auth.Basic.Password), bcrypt.MinCost)
			if err != nil {
				t.Fatalf("bcrypt refuses the password of a valid spec: %v", err)
			}
			line = spec.Auth.Basic.User + ":" + string(hashed)
		}
		g := &ApiGw{Spec: spec}
		g.Name, g.Namespace = name, "team-a"
		d := reconcile.Details{}.With(detailAuthLine, line).With(detailHash, CredentialHash(spec.Auth.Basic.User, spec.Auth.Basic.Password))
		for _, obj := range renderChildren(g, e, d) {
			switch obj := obj.(type) {
			case *corev1.Secret:
				auth := string(obj.Data[KeyAuth])
				user, _, _ := strings.Cut(auth, ":")
				if strings.ContainsAny(auth, "\r\n") || user != spec.Auth.Basic.User {
					t.Fatalf("the htpasswd line %q is not one line of the user %q", auth, spec.Auth.Basic.User)
				}
			case *networkingv1.Ingress:
				// The Ingress owes nothing to the password.
				other := g.DeepCopy()
				other.Spec.Auth.Basic.Password += "-changed"
				if !equality.Semantic.DeepEqual(obj, renderIngress(other, e)) {
					t.Fatalf("the Ingress changes with the password: %s", obj.String())
				}
			}
		}
	})
}
