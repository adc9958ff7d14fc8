package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/bcrypt"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/gateway/gatewaytest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/secrets"
)

// eventLog is an events.EventRecorder that keeps every event the
// Provisioner records.
type eventLog struct {
	mu     sync.Mutex
	events []string
}

func (l *eventLog) Eventf(_, _ runtime.Object, eventtype, reason, action, note string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, strings.Join([]string{eventtype, reason, action, fmt.Sprintf(note, args...)}, " "))
}

func (l *eventLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// stateLog records every state an ApiGw reports, in order, as a watch of
// the operator's status writes would see them.
type stateLog struct {
	mu     sync.Mutex
	states []string
}

func (l *stateLog) simulator() hubtest.Simulator {
	return hubtest.SimulatorOf(func(_ context.Context, _ *hubtest.Fake, ev hubtest.Event) error {
		g, ok := ev.Object.(*gateway.ApiGw)
		if !ok || ev.Type == hubtest.EventDeleted {
			return nil
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if n := len(l.states); g.Status.State != "" && (n == 0 || l.states[n-1] != g.Status.State) {
			l.states = append(l.states, g.Status.State)
		}
		return nil
	}, schema.GroupKind{Group: gateway.GroupVersion.Group, Kind: gateway.Kind})
}

// since returns the states recorded from the i-th on.
func (l *stateLog) since(i int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.states[min(i, len(l.states)):])
}

func (l *stateLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.states)
}

// gateways is a fake cluster with the simulated apigw-operator, its
// Client in team-a, its events and the states its gateways went through.
type gateways struct {
	c        *gateway.Client
	fake     *hubtest.Fake
	events   *eventLog
	states   *stateLog
	exposure []gateway.Option
}

// newGateways starts a fake with the operator exposing gateways as opts
// say, and the Gateway API's CRDs when withRoutes.
func newGateways(t *testing.T, withRoutes bool, opts ...gateway.Option) *gateways {
	t.Helper()
	g := &gateways{events: &eventLog{}, states: &stateLog{}, exposure: opts}
	op := gatewaytest.NewOperator(append(slices.Clone(opts), gateway.WithManagedOptions(reconcile.WithEventRecorder(g.events)))...)
	scheme, err := hub.NewScheme(gateway.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	crds := gateway.CRDs()
	if withRoutes {
		crds = append(crds, gatewayAPICRDs(t)...)
	}
	g.fake = hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(crds...),
		hubtest.WithSimulators(g.states.simulator(), op),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	g.c = gateway.NewClient(g.fake.Hub(hub.WithNamespace("team-a")), gateway.WithPlatformDomain("hubkit.example"))
	return g
}

// gatewayAPICRDs reads the HTTPRoute CRD of the sigs.k8s.io/gateway-api
// module Hubkit builds with: the fake serves only the kinds of installed
// CRDs, and checks HTTPRoutes against their own schema.
func gatewayAPICRDs(t *testing.T) []*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		t.Fatalf("finding the sigs.k8s.io/gateway-api module: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard")
	crds, err := hub.ReadCRDs(os.DirFS(dir), "gateway.networking.k8s.io_httproutes.yaml")
	if err != nil || len(crds) != 1 {
		t.Fatalf("reading the HTTPRoute CRD in %s: %v (%d CRDs)", dir, err, len(crds))
	}
	return crds
}

func (g *gateways) createService(t *testing.T, name string, ports ...int32) {
	t.Helper()
	if err := g.fake.Client().Create(t.Context(), service(name, ports...)); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits until the ApiGw called name satisfies cond.
func (g *gateways) waitFor(t *testing.T, name, what string, cond func(*gateway.ApiGw) bool) *gateway.ApiGw {
	t.Helper()
	var got *gateway.ApiGw
	err := g.fake.WaitFor(t.Context(), "ApiGw "+name+" "+what, 10*time.Second, func(ctx context.Context) (bool, error) {
		var err error
		got, err = g.c.GetApiGw(ctx, name)
		return err == nil && cond(got), err
	})
	if err != nil {
		status := "none"
		if got != nil {
			status = fmt.Sprintf("%+v", got.Status)
		}
		t.Fatalf("%v; the status is %s", err, status)
	}
	return got
}

func (g *gateways) waitForState(t *testing.T, name, state string) *gateway.ApiGw {
	t.Helper()
	return g.waitFor(t, name, state, func(a *gateway.ApiGw) bool { return a.Status.State == state })
}

// update changes the spec of the ApiGw called name.
func (g *gateways) update(t *testing.T, name string, change func(*gateway.ApiGwSpec)) {
	t.Helper()
	if _, err := hub.For[*gateway.ApiGw](g.fake.Hub(hub.WithNamespace("team-a"))).Update(t.Context(), name, func(a *gateway.ApiGw) error {
		change(&a.Spec)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// object reads a rendered object of team-a.
func object[T client.Object](t *testing.T, g *gateways, name string) (T, error) {
	t.Helper()
	return hub.For[T](g.fake.Hub(hub.WithNamespace("team-a"))).Get(t.Context(), name)
}

// mustObject reads a rendered object of team-a, which must exist.
func mustObject[T client.Object](t *testing.T, g *gateways, name string) T {
	t.Helper()
	obj, err := object[T](t, g, name)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// checkResync reconciles the gateway "items" once more with a Provisioner
// of its own, under the operator's field owner, and checks that nothing
// was written: no request, and the ApiGw and the objects of the kinds of
// rendered keep their resourceVersions.
func (g *gateways) checkResync(t *testing.T, rendered ...client.Object) {
	t.Helper()
	ctx := t.Context()
	const name = "items"
	prov, err := gateway.NewProvisioner(g.fake.Hub(hub.WithFieldOwner("apigw-operator")), g.exposure...)
	if err != nil {
		t.Fatal(err)
	}
	versions := func() []string {
		out := make([]string, 0, 1+len(rendered))
		for _, obj := range append([]client.Object{&gateway.ApiGw{}}, rendered...) {
			key := types.NamespacedName{Namespace: "team-a", Name: gateway.ObjectName(name)}
			if _, ok := obj.(*gateway.ApiGw); ok {
				key.Name = name
			}
			if err := g.fake.Client().Get(ctx, key, obj); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%T %s", obj, obj.GetResourceVersion()))
		}
		return out
	}
	before := versions()
	g.fake.ResetRequests()
	if _, err := prov.Reconcile(ctx, types.NamespacedName{Namespace: "team-a", Name: name}); err != nil {
		t.Fatal(err)
	}
	if g.fake.Writes() != 0 {
		t.Errorf("a resync wrote to the cluster: %v", g.fake.Requests())
	}
	if diff := cmp.Diff(before, versions()); diff != "" {
		t.Errorf("a resync changed resourceVersions: -before, +after:\n%s", diff)
	}
}

// checkNoPassword checks that the password is in no event, no status
// message, and not in the Ingress (or HTTPRoute) rendered for name.
func (g *gateways) checkNoPassword(t *testing.T, name string, secret string) {
	t.Helper()
	for _, ev := range g.events.all() {
		if strings.Contains(ev, secret) {
			t.Errorf("the event %q shows the password", ev)
		}
	}
	if a, err := g.c.GetApiGw(t.Context(), name); err == nil && strings.Contains(a.Status.Message, secret) {
		t.Errorf("the status message %q shows the password", a.Status.Message)
	}
	for _, obj := range []client.Object{&networkingv1.Ingress{}, &gatewayv1.HTTPRoute{}} {
		err := g.fake.Client().Get(t.Context(), types.NamespacedName{Namespace: "team-a", Name: gateway.ObjectName(name)}, obj)
		if err != nil {
			continue
		}
		data, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), secret) {
			t.Errorf("the %T shows the password: %s", obj, data)
		}
	}
}

// authLine returns the user and the bcrypt hash of a basic-auth Secret.
func authLine(t *testing.T, s *corev1.Secret) (string, string) {
	t.Helper()
	user, hashed, ok := strings.Cut(string(s.Data[gateway.KeyAuth]), ":")
	if !ok || strings.Contains(string(s.Data[gateway.KeyAuth]), "\n") {
		t.Fatalf("the Secret's auth %q is not one user:hash line", s.Data[gateway.KeyAuth])
	}
	return user, hashed
}

// checkOwned checks that obj is controlled by the ApiGw, as the operator's
// SetControllerReference makes it.
func checkOwned(t *testing.T, obj client.Object, owner *gateway.ApiGw) {
	t.Helper()
	yes := true
	want := []metav1.OwnerReference{{
		APIVersion: "operator.scc-digitalhub.github.io/v1", Kind: "ApiGw", Name: owner.Name, UID: owner.UID,
		Controller: &yes, BlockOwnerDeletion: &yes,
	}}
	if diff := cmp.Diff(want, obj.GetOwnerReferences()); diff != "" {
		t.Errorf("the owner references of %T %s: -want, +got:\n%s", obj, obj.GetName(), diff)
	}
}

// A gateway with basic authentication: the Ingress with ingress-nginx's
// annotations, the Secret with a bcrypt line at the operator's cost and
// the credentials' hash, Ready with that hash; no write on a resync; a new
// password makes a new line; auth none deletes the Secret.
func TestProvisionerBasicAuth(t *testing.T) {
	ctx := t.Context()
	g := newGateways(t, false)
	g.createService(t, "items", 3000, 8080)
	if _, err := g.c.Expose(ctx, "items", gateway.WithBasicAuth("analyst", secrets.Plain(password))); err != nil {
		t.Fatal(err)
	}
	a := g.waitForState(t, "items", gateway.StateReady)
	if diff := cmp.Diff(gateway.ApiGwStatus{State: gateway.StateReady, Hash: gateway.CredentialHash("analyst", password)}, a.Status); diff != "" {
		t.Errorf("status: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]string{gateway.StateReady}, g.states.since(0)); diff != "" {
		t.Errorf("states of a new gateway: -want, +got:\n%s", diff)
	}

	ing := mustObject[*networkingv1.Ingress](t, g, "apigw-items")
	checkOwned(t, ing, a)
	rule := ing.Spec.Rules[0]
	backend := rule.HTTP.Paths[0].Backend.Service
	got := []any{*ing.Spec.IngressClassName, rule.Host, rule.HTTP.Paths[0].Path, *rule.HTTP.Paths[0].PathType, backend.Name, backend.Port.Number,
		ing.Annotations[gateway.AnnotationAuthType], ing.Annotations[gateway.AnnotationAuthSecret]}
	want := []any{"nginx", "items.services.hubkit.example", "/", networkingv1.PathTypePrefix, "items", int32(3000), "basic", "apigw-items"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the Ingress: -want, +got:\n%s", diff)
	}

	secret := mustObject[*corev1.Secret](t, g, "apigw-items")
	checkOwned(t, secret, a)
	if got := []any{secret.Type, secret.Annotations[gateway.AnnotationHash], len(secret.Data)}; !cmp.Equal(got, []any{corev1.SecretTypeOpaque, a.Status.Hash, 1}) {
		t.Errorf("the Secret's type, hash annotation and number of keys are %v; want Opaque, the status's hash, one key", got)
	}
	user, hashed := authLine(t, secret)
	if user != "analyst" {
		t.Errorf("the line's user is %q, want analyst", user)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hashed), []byte(password)); err != nil {
		t.Errorf("the line's hash does not verify the password: %v", err)
	}
	if cost, err := bcrypt.Cost([]byte(hashed)); err != nil || cost != 10 {
		t.Errorf("the line's cost is %d (%v), want the operator's 10", cost, err)
	}
	g.checkResync(t, &networkingv1.Ingress{}, &corev1.Secret{})
	if again := mustObject[*corev1.Secret](t, g, "apigw-items"); string(again.Data[gateway.KeyAuth]) != string(secret.Data[gateway.KeyAuth]) {
		t.Errorf("a resync made a new bcrypt line")
	}

	// A new password: a new line, the Secret updated, a new hash; the
	// operator reports Updating, then Ready.
	const newPassword = "An0ther-s3cret!"
	mark := g.states.len()
	g.update(t, "items", func(s *gateway.ApiGwSpec) { s.Auth.Basic.Password = newPassword })
	newHash := gateway.CredentialHash("analyst", newPassword)
	g.waitFor(t, "items", "Ready with the new hash", func(a *gateway.ApiGw) bool {
		return a.Status.State == gateway.StateReady && a.Status.Hash == newHash
	})
	if diff := cmp.Diff([]string{gateway.StateUpdating, gateway.StateReady}, g.states.since(mark)); diff != "" {
		t.Errorf("states after the password change: -want, +got:\n%s", diff)
	}
	changed := mustObject[*corev1.Secret](t, g, "apigw-items")
	_, newHashed := authLine(t, changed)
	if newHashed == hashed || changed.ResourceVersion == secret.ResourceVersion {
		t.Errorf("the Secret kept its line or its version after the password changed")
	}
	if bcrypt.CompareHashAndPassword([]byte(newHashed), []byte(newPassword)) != nil || bcrypt.CompareHashAndPassword([]byte(newHashed), []byte(password)) == nil {
		t.Errorf("the new line does not verify the new password only")
	}
	if changed.Annotations[gateway.AnnotationHash] != newHash {
		t.Errorf("the Secret's hash annotation is %q, want %q", changed.Annotations[gateway.AnnotationHash], newHash)
	}
	g.checkResync(t, &networkingv1.Ingress{}, &corev1.Secret{})

	// Auth none: the Secret goes, and ingress-nginx's annotations.
	g.update(t, "items", func(s *gateway.ApiGwSpec) { s.Auth = gateway.Auth{Type: gateway.AuthNone} })
	g.waitFor(t, "items", "Ready without a hash", func(a *gateway.ApiGw) bool {
		return a.Status.State == gateway.StateReady && a.Status.Hash == ""
	})
	if _, err := object[*corev1.Secret](t, g, "apigw-items"); !hub.IsNotFound(err) {
		t.Errorf("the Secret after auth none: %v, want NotFound", err)
	}
	ing = mustObject[*networkingv1.Ingress](t, g, "apigw-items")
	for _, key := range []string{gateway.AnnotationAuthType, gateway.AnnotationAuthSecret} {
		if v, ok := ing.Annotations[key]; ok {
			t.Errorf("the Ingress kept %s=%q after auth none", key, v)
		}
	}
	g.checkResync(t, &networkingv1.Ingress{})
	g.checkNoPassword(t, "items", password)
	g.checkNoPassword(t, "items", newPassword)
	if len(g.events.all()) == 0 {
		t.Error("no event was recorded: the check of events proves nothing")
	}
}

// A change of the host or the port is applied to the Ingress in place, as
// the operator's Updating does; the Secret's line is kept.
func TestProvisionerUpdatesTheIngress(t *testing.T) {
	ctx := t.Context()
	g := newGateways(t, false)
	g.createService(t, "items", 3000, 8080)
	if _, err := g.c.Expose(ctx, "items", gateway.WithBasicAuth("analyst", secrets.Plain(password))); err != nil {
		t.Fatal(err)
	}
	g.waitForState(t, "items", gateway.StateReady)
	secret := mustObject[*corev1.Secret](t, g, "apigw-items")
	g.update(t, "items", func(s *gateway.ApiGwSpec) { s.Host, s.Port, s.Path = "api.example.org", 8080, "/v1" })
	g.waitForState(t, "items", gateway.StateReady)
	ing := mustObject[*networkingv1.Ingress](t, g, "apigw-items")
	rule := ing.Spec.Rules[0]
	got := []any{rule.Host, rule.HTTP.Paths[0].Path, rule.HTTP.Paths[0].Backend.Service.Port.Number}
	if diff := cmp.Diff([]any{"api.example.org", "/v1", int32(8080)}, got); diff != "" {
		t.Errorf("the updated Ingress: -want, +got:\n%s", diff)
	}
	if again := mustObject[*corev1.Secret](t, g, "apigw-items"); again.ResourceVersion != secret.ResourceVersion {
		t.Errorf("the Secret was written though the credentials did not change")
	}
}

// Basic authentication on another class than nginx is the operator's
// Error, with Hubkit's message naming nginx, and nothing rendered is left.
func TestProvisionerBasicAuthNeedsNginx(t *testing.T) {
	ctx := t.Context()
	g := newGateways(t, false, gateway.WithExposure(gateway.Exposure{IngressClass: "traefik"}))
	g.createService(t, "items", 3000)

	if _, err := g.c.Expose(ctx, "items", gateway.WithBasicAuth("analyst", secrets.Plain(password))); err != nil {
		t.Fatal(err)
	}
	a := g.waitForState(t, "items", gateway.StateError)
	if !strings.Contains(a.Status.Message, `only supported with the nginx ingress class, not "traefik"`) {
		t.Errorf("the message %q does not say nginx is needed", a.Status.Message)
	}
	for what, err := range map[string]error{
		"Ingress": func() error { _, err := object[*networkingv1.Ingress](t, g, "apigw-items"); return err }(),
		"Secret":  func() error { _, err := object[*corev1.Secret](t, g, "apigw-items"); return err }(),
	} {
		if !hub.IsNotFound(err) {
			t.Errorf("the %s of a gateway in Error: %v, want NotFound", what, err)
		}
	}

	// A gateway without auth is served by traefik; asked for basic
	// authentication, its Ingress is deleted, as the operator's Error does.
	g.createService(t, "orders", 80)
	if _, err := g.c.CreateApiGw(ctx, gateway.NewApiGw("orders", "orders", gateway.WithDomain("hubkit.example"))); err != nil {
		t.Fatal(err)
	}
	g.waitForState(t, "orders", gateway.StateReady)
	if ing := mustObject[*networkingv1.Ingress](t, g, "apigw-orders"); *ing.Spec.IngressClassName != "traefik" {
		t.Errorf("the Ingress's class is %q, want traefik", *ing.Spec.IngressClassName)
	}
	g.update(t, "orders", func(s *gateway.ApiGwSpec) {
		s.Auth = gateway.Auth{Type: gateway.AuthBasic, Basic: gateway.BasicAuth{User: "analyst", Password: password}}
	})
	g.waitForState(t, "orders", gateway.StateError)
	if _, err := object[*networkingv1.Ingress](t, g, "apigw-orders"); !hub.IsNotFound(err) {
		t.Errorf("the Ingress of a gateway gone to Error: %v, want it deleted", err)
	}
	g.checkNoPassword(t, "items", password)
	g.checkNoPassword(t, "orders", password)
	warned := slices.ContainsFunc(g.events.all(), func(ev string) bool {
		return strings.HasPrefix(ev, corev1.EventTypeWarning+" "+reconcile.ReasonReconcileError) && strings.Contains(ev, "nginx")
	})
	if !warned {
		t.Errorf("no warning event says nginx is needed: %q", g.events.all())
	}
}

// A gateway written whole before its Service waits for it, Initializing
// with a message naming it; the Service's creation wakes it, and it is
// Ready.
func TestProvisionerWaitsForTheService(t *testing.T) {
	ctx := t.Context()
	g := newGateways(t, false)
	// Written whole, as a REST API or kubectl would: the Client would
	// refuse the missing Service.
	obj := gateway.NewApiGw("items", "items", gateway.WithDomain("hubkit.example"), gateway.WithPort(3000)).Build("team-a")
	if err := g.fake.Client().Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	a := g.waitForState(t, "items", gateway.StateInitializing)
	if !strings.Contains(a.Status.Message, `the Service "items" does not exist yet`) {
		t.Errorf("status %+v; want a message naming the Service", a.Status)
	}
	if _, err := object[*networkingv1.Ingress](t, g, "apigw-items"); !hub.IsNotFound(err) {
		t.Errorf("the Ingress of a waiting gateway: %v, want none yet", err)
	}
	g.createService(t, "items", 3000)
	a = g.waitForState(t, "items", gateway.StateReady)
	if a.Status.Message != "" {
		t.Errorf("status %+v; want no message once Ready", a.Status)
	}
	mustObject[*networkingv1.Ingress](t, g, "apigw-items")
}

// A gateway whose port the Service does not have is an Error saying so.
func TestProvisionerPortNotOfTheService(t *testing.T) {
	ctx := t.Context()
	g := newGateways(t, false)
	g.createService(t, "items", 3000)
	obj := gateway.NewApiGw("items", "items", gateway.WithDomain("hubkit.example"), gateway.WithPort(9090)).Build("team-a")
	if err := g.fake.Client().Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	a := g.waitForState(t, "items", gateway.StateError)
	if !strings.Contains(a.Status.Message, "spec.port") || !strings.Contains(a.Status.Message, `"3000"`) {
		t.Errorf("the message %q does not name spec.port and the Service's ports", a.Status.Message)
	}
}

// A spec the operator could never serve, written whole, is an Error with
// its field paths and without the password; a password too long for
// bcrypt is one.
func TestProvisionerInvalidSpec(t *testing.T) {
	ctx := t.Context()
	g := newGateways(t, false)
	g.createService(t, "items", 3000)
	long := strings.Repeat(password, 6)
	obj := gateway.NewApiGw("items", "items", gateway.WithDomain("hubkit.example"), gateway.WithPort(3000),
		gateway.WithBasicAuth("analyst", secrets.Plain(long))).Build("team-a")
	if err := g.fake.Client().Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	a := g.waitForState(t, "items", gateway.StateError)
	if !strings.Contains(a.Status.Message, "spec.auth.basic.password") {
		t.Errorf("the message %q does not name the password's field", a.Status.Message)
	}
	g.checkNoPassword(t, "items", long)
	if _, err := object[*corev1.Secret](t, g, "apigw-items"); !hub.IsNotFound(err) {
		t.Errorf("the Secret of an invalid gateway: %v, want none", err)
	}
}

// In the HTTPRoute mode a gateway is an HTTPRoute attached to the Gateway,
// and no Ingress; basic authentication there is an Error.
func TestProvisionerHTTPRoute(t *testing.T) {
	ctx := t.Context()
	g := newGateways(t, true, gateway.WithExposure(gateway.Exposure{Gateway: &gateway.ParentGateway{Namespace: "infra", Name: "public"}}))
	g.createService(t, "items", 3000)
	if _, err := g.c.Expose(ctx, "items", gateway.WithPath("/api")); err != nil {
		t.Fatal(err)
	}
	a := g.waitForState(t, "items", gateway.StateReady)
	route := mustObject[*gatewayv1.HTTPRoute](t, g, "apigw-items")
	checkOwned(t, route, a)
	infra, prefix, port := gatewayv1.Namespace("infra"), gatewayv1.PathMatchPathPrefix, gatewayv1.PortNumber(3000)
	want := gatewayv1.HTTPRouteSpec{
		CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "public", Namespace: &infra}}},
		Hostnames:       []gatewayv1.Hostname{"items.services.hubkit.example"},
		Rules: []gatewayv1.HTTPRouteRule{{
			Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{Type: &prefix, Value: new("/api")}}},
			BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{
				Name: "items", Port: &port,
			}}}},
		}},
	}
	// The CRD's schema defaults the group and kind of the references, the
	// weight of the backend: compare what the Provisioner wrote.
	parent := route.Spec.ParentRefs[0]
	parent.Group, parent.Kind = nil, nil
	route.Spec.ParentRefs[0] = parent
	backend := route.Spec.Rules[0].BackendRefs[0]
	backend.Group, backend.Kind, backend.Weight = nil, nil, nil
	route.Spec.Rules[0].BackendRefs[0] = backend
	if diff := cmp.Diff(want, route.Spec); diff != "" {
		t.Errorf("the HTTPRoute: -want, +got:\n%s", diff)
	}
	if _, err := object[*networkingv1.Ingress](t, g, "apigw-items"); !hub.IsNotFound(err) {
		t.Errorf("an Ingress in the HTTPRoute mode: %v, want none", err)
	}
	g.checkResync(t, &gatewayv1.HTTPRoute{})

	g.update(t, "items", func(s *gateway.ApiGwSpec) {
		s.Auth = gateway.Auth{Type: gateway.AuthBasic, Basic: gateway.BasicAuth{User: "analyst", Password: password}}
	})
	a = g.waitForState(t, "items", gateway.StateError)
	if !strings.Contains(a.Status.Message, "basic authentication needs ingress-nginx") {
		t.Errorf("the message %q does not say why", a.Status.Message)
	}
	if _, err := object[*gatewayv1.HTTPRoute](t, g, "apigw-items"); !hub.IsNotFound(err) {
		t.Errorf("the HTTPRoute of a gateway in Error: %v, want it deleted", err)
	}
	g.checkNoPassword(t, "items", password)
}

// Deleting a gateway takes what it rendered along, by the owner
// references alone: the operator has no finalizer.
func TestProvisionerDelete(t *testing.T) {
	ctx := t.Context()
	g := newGateways(t, false)
	g.createService(t, "items", 3000)
	if _, err := g.c.Expose(ctx, "items", gateway.WithBasicAuth("analyst", secrets.Plain(password))); err != nil {
		t.Fatal(err)
	}
	a := g.waitForState(t, "items", gateway.StateReady)
	if len(a.Finalizers) != 0 {
		t.Errorf("finalizers %v; want none, as the operator has none", a.Finalizers)
	}
	if err := g.c.DeleteApiGw(ctx, "items"); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{
		"ApiGw":   func() error { _, err := g.c.GetApiGw(ctx, "items"); return err }(),
		"Ingress": func() error { _, err := object[*networkingv1.Ingress](t, g, "apigw-items"); return err }(),
		"Secret":  func() error { _, err := object[*corev1.Secret](t, g, "apigw-items"); return err }(),
	} {
		if !hub.IsNotFound(err) {
			t.Errorf("the %s after the delete: %v, want it gone", what, err)
		}
	}
	if _, err := object[*corev1.Service](t, g, "items"); err != nil {
		t.Errorf("the exposed Service after the delete: %v, want it left alone", err)
	}
}
