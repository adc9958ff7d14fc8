package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// What the operator names, labels and annotates, as it does.
const (
	// AnnotationHash is the annotation of the basic-auth Secret holding the
	// hex SHA-256 of "user:password".
	AnnotationHash = "nginx.ingress.kubernetes.io/hash"
	// AnnotationAuthType and AnnotationAuthSecret are ingress-nginx's
	// basic-auth annotations of the Ingress.
	AnnotationAuthType   = "nginx.ingress.kubernetes.io/auth-type"
	AnnotationAuthSecret = "nginx.ingress.kubernetes.io/auth-secret" //nolint:gosec // an annotation's name, not a credential
	// KeyAuth is the basic-auth Secret's key: one htpasswd line,
	// "<user>:<bcrypt hash>", as ingress-nginx reads it.
	KeyAuth = "auth"
	// IngressClassNginx is the only ingress class basic authentication
	// works with.
	IngressClassNginx = "nginx"
	// DefaultPath is the path the resource manager's UI fills in.
	DefaultPath = "/"

	prefix = "apigw-"
)

// ObjectName is the name of the Ingress (or HTTPRoute) and of the
// basic-auth Secret rendered for the ApiGw called name.
func ObjectName(name string) string { return prefix + name }

// labels are the labels the operator puts on what it renders.
func labels(name string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":       Kind,
		"app.kubernetes.io/instance":   name,
		"app.kubernetes.io/managed-by": "apigw-operator",
		"app.kubernetes.io/part-of":    "apigw",
	}
}

// CredentialHash is the hex SHA-256 of "user:password", as the operator
// records the basic authentication it applied (status.hash and the
// Secret's AnnotationHash): a changed password is told by it, without
// hashing with bcrypt again.
func CredentialHash(user, password string) string {
	sum := sha256.Sum256([]byte(user + ":" + password))
	return hex.EncodeToString(sum[:])
}

// basicAuth says whether an ApiGw asks for basic authentication.
func basicAuth(spec ApiGwSpec) bool { return spec.Auth.Type == AuthBasic }

// An Exposure is how an operator exposes gateways: through an Ingress of
// a class (TLS with a Secret when on), or a Gateway API HTTPRoute attached
// to a Gateway; and, in one-endpoint mode, every gateway on a subdomain of
// one domain under one wildcard certificate.
type Exposure struct {
	// IngressClass is the Ingresses' class (INGRESS_CLASS_NAME); basic
	// authentication needs "nginx".
	IngressClass string
	// TLS puts the host in the Ingress's TLS (ENABLE_TLS), with the
	// certificate of TLSSecret when it is set (TLS_SECRET_NAME).
	TLS       bool
	TLSSecret string
	// Gateway, when set, renders HTTPRoutes attached to this Gateway
	// instead of Ingresses.
	Gateway *ParentGateway
	// Domain, when set, is the one endpoint: every gateway's host must be
	// a name directly under it, so that one wildcard certificate
	// ("*.<Domain>", in TLSSecret) covers them all; TLS is then on.
	Domain string
}

// A ParentGateway names the Gateway HTTPRoutes attach to.
type ParentGateway struct {
	Name, Namespace string
	// SectionName names one of the Gateway's listeners; empty for all.
	SectionName string
}

// tls says whether the rendered Ingress has TLS.
func (e Exposure) tls() bool { return e.TLS || e.Domain != "" }

// problem returns why e cannot expose spec ("" when it can), as the
// operator's Error state: no ingress class, or basic authentication on a
// class other than nginx or through an HTTPRoute; a host outside the one
// endpoint's domain.
func (e Exposure) problem(spec ApiGwSpec) string {
	switch {
	case e.Gateway == nil && e.IngressClass == "":
		return "no ingress class is set (INGRESS_CLASS_NAME)"
	case basicAuth(spec) && e.Gateway != nil:
		return "basic authentication needs ingress-nginx: an HTTPRoute has no standard basic authentication"
	case basicAuth(spec) && e.IngressClass != IngressClassNginx:
		return fmt.Sprintf("basic authentication is only supported with the nginx ingress class, not %q", e.IngressClass)
	case e.Domain != "" && !underDomain(spec.Host, e.Domain):
		return fmt.Sprintf("the host %q is not a name directly under %q, the one endpoint's domain its wildcard certificate covers", spec.Host, e.Domain)
	}
	return ""
}

// underDomain says whether host is one DNS label directly under domain.
func underDomain(host, domain string) bool {
	label, ok := strings.CutSuffix(host, "."+domain)
	return ok && label != "" && !strings.Contains(label, ".")
}

// renderIngress returns the Ingress the operator renders for g: one rule
// of its host, a Prefix path to its Service's port, TLS when e says so,
// and ingress-nginx's basic-auth annotations when g asks for it.
func renderIngress(g *ApiGw, e Exposure) *networkingv1.Ingress {
	pathType := networkingv1.PathTypePrefix
	ing := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Name: ObjectName(g.Name), Namespace: g.Namespace, Labels: labels(g.Name)},
		Spec: networkingv1.IngressSpec{
			IngressClassName: new(e.IngressClass),
			Rules: []networkingv1.IngressRule{{
				Host: g.Spec.Host,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
					Path: g.Spec.Path, PathType: &pathType,
					Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
						Name: g.Spec.Service, Port: networkingv1.ServiceBackendPort{Number: g.Spec.Port},
					}},
				}}}},
			}},
		},
	}
	if e.tls() {
		ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{g.Spec.Host}, SecretName: e.TLSSecret}}
	}
	if basicAuth(g.Spec) {
		ing.Annotations = map[string]string{AnnotationAuthType: AuthBasic, AnnotationAuthSecret: ObjectName(g.Name)}
	}
	return ing
}

// renderRoute returns the HTTPRoute that stands for the Ingress when e
// attaches gateways to a Gateway: the host, a PathPrefix match and the
// Service's port as its one backend.
func renderRoute(g *ApiGw, e Exposure) *gatewayv1.HTTPRoute {
	ns := gatewayv1.Namespace(e.Gateway.Namespace)
	parent := gatewayv1.ParentReference{Name: gatewayv1.ObjectName(e.Gateway.Name)}
	if e.Gateway.Namespace != "" {
		parent.Namespace = &ns
	}
	if e.Gateway.SectionName != "" {
		parent.SectionName = new(gatewayv1.SectionName(e.Gateway.SectionName))
	}
	return &gatewayv1.HTTPRoute{
		TypeMeta:   metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: "HTTPRoute"},
		ObjectMeta: metav1.ObjectMeta{Name: ObjectName(g.Name), Namespace: g.Namespace, Labels: labels(g.Name)},
		Spec: gatewayv1.HTTPRouteSpec{
			CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{parent}},
			Hostnames:       []gatewayv1.Hostname{gatewayv1.Hostname(g.Spec.Host)},
			Rules: []gatewayv1.HTTPRouteRule{{
				Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{
					Type: new(gatewayv1.PathMatchPathPrefix), Value: new(g.Spec.Path),
				}}},
				BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{
					Name: gatewayv1.ObjectName(g.Spec.Service), Port: new(g.Spec.Port),
				}}}},
			}},
		},
	}
}

// renderAuthSecret returns the basic-auth Secret of g: its one htpasswd
// line under KeyAuth, and the hash of the credentials it was made from.
func renderAuthSecret(g *ApiGw, line, hash string) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{
			Name: ObjectName(g.Name), Namespace: g.Namespace, Labels: labels(g.Name),
			Annotations: map[string]string{AnnotationHash: hash},
		},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{KeyAuth: []byte(line)},
	}
}

// The details the reconciler passes from its Connector to the rendering.
const (
	detailAuthLine = "authLine"
	detailHash     = "hash"
)

// renderChildren returns what the operator renders for g: the Ingress (or
// the HTTPRoute), and the basic-auth Secret when g asks for it; nothing
// when e cannot expose g.
func renderChildren(g *ApiGw, e Exposure, d reconcile.Details) []client.Object {
	if e.problem(g.Spec) != "" {
		return nil
	}
	var out []client.Object
	if e.Gateway != nil {
		out = append(out, renderRoute(g, e))
	} else {
		out = append(out, renderIngress(g, e))
	}
	if basicAuth(g.Spec) {
		out = append(out, renderAuthSecret(g, d.Get(detailAuthLine), d.Get(detailHash)))
	}
	return out
}

// apiGwStatus is the status the operator reports for g after a reconcile:
// Error with why (Hubkit's message) when it failed, Initializing while it
// waits, Updating when it changed what it rendered, else Ready; the hash
// of the basic authentication applied.
func apiGwStatus(g *ApiGw, o reconcile.Outcome) ApiGwStatus {
	switch {
	case o.Err != nil:
		return ApiGwStatus{State: StateError, Message: o.Err.Error(), Hash: g.Status.Hash}
	case o.Waiting != "":
		return ApiGwStatus{State: StateInitializing, Message: o.Waiting, Hash: g.Status.Hash}
	}
	status := ApiGwStatus{State: StateReady, Hash: o.Details.Get(detailHash)}
	if slices.ContainsFunc(o.Children, func(r reconcile.Result) bool { return r.Operation == reconcile.OperationUpdated }) {
		status.State = StateUpdating
	}
	return status
}

// bcryptMaxPassword is the longest password bcrypt hashes, in bytes.
const bcryptMaxPassword = 72

// validateSpec checks an ApiGw as the operator would need it, with field
// paths: a host that is a DNS name, a path starting with "/", a Service
// and a port, auth none or basic with a user (no ':', no control
// character) and a password bcrypt can hash (at most 72 bytes); and that
// the names rendered for it are valid.
func validateSpec(name string, spec ApiGwSpec) field.ErrorList {
	p := field.NewPath("spec")
	var errs field.ErrorList
	if len(ObjectName(name)) > validation.DNS1123SubdomainMaxLength {
		errs = append(errs, field.TooLong(field.NewPath("metadata", "name"), name, validation.DNS1123SubdomainMaxLength-len(prefix)))
	}
	if spec.Host == "" {
		errs = append(errs, field.Required(p.Child("host"), "the DNS name the service is reached at"))
	} else {
		for _, msg := range validation.IsDNS1123Subdomain(spec.Host) {
			errs = append(errs, field.Invalid(p.Child("host"), spec.Host, msg))
		}
	}
	if !strings.HasPrefix(spec.Path, "/") {
		errs = append(errs, field.Invalid(p.Child("path"), spec.Path, "a path starting with /"))
	}
	if spec.Service == "" {
		errs = append(errs, field.Required(p.Child("service"), "the Service of the namespace to expose"))
	}
	if spec.Port < 1 || spec.Port > 65535 {
		errs = append(errs, field.Invalid(p.Child("port"), spec.Port, "one of the Service's ports, from 1 to 65535"))
	}
	switch spec.Auth.Type {
	case "", AuthNone:
	case AuthBasic:
		bp := p.Child("auth", "basic")
		if spec.Auth.Basic.User == "" {
			errs = append(errs, field.Required(bp.Child("user"), "the user basic authentication lets in"))
		} else if strings.Contains(spec.Auth.Basic.User, ":") || strings.ContainsFunc(spec.Auth.Basic.User, unicode.IsControl) {
			errs = append(errs, field.Invalid(bp.Child("user"), spec.Auth.Basic.User, "a user name holds no ':' and no control character (a line break would split the htpasswd line)"))
		}
		if spec.Auth.Basic.Password == "" {
			errs = append(errs, field.Required(bp.Child("password"), "the user's password"))
		} else if len(spec.Auth.Basic.Password) > bcryptMaxPassword {
			errs = append(errs, field.TooLong(bp.Child("password"), "", bcryptMaxPassword))
		}
	default:
		errs = append(errs, field.NotSupported(p.Child("auth", "type"), spec.Auth.Type, []string{AuthNone, AuthBasic}))
	}
	return errs
}

// servicePort checks that port is one of svc's ports; with port 0 it picks
// the Service's first port, as the resource manager's UI does.
func servicePort(svc *corev1.Service, port int32) (int32, field.ErrorList) {
	p := field.NewPath("spec", "port")
	ports := make([]int32, 0, len(svc.Spec.Ports))
	for _, sp := range svc.Spec.Ports {
		ports = append(ports, sp.Port)
	}
	switch {
	case port == 0 && len(ports) > 0:
		return ports[0], nil
	case port == 0:
		return 0, field.ErrorList{field.Required(p, fmt.Sprintf("the Service %q has no port", svc.Name))}
	case !slices.Contains(ports, port):
		return 0, field.ErrorList{field.NotSupported(p, port, stringsOf(ports))}
	}
	return port, nil
}

func stringsOf(ports []int32) []string {
	out := make([]string, 0, len(ports))
	for _, p := range ports {
		out = append(out, strconv.Itoa(int(p)))
	}
	return out
}
