package gateway

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// bcryptCost is the cost of the htpasswd hashes, the operator's
// (bcrypt.DefaultCost).
const bcryptCost = bcrypt.DefaultCost

// A Provisioner does the apigw-operator's job: for each ApiGw the Ingress
// apigw-<name> of the configured class (TLS when on), and for basic
// authentication the Secret ingress-nginx reads, its bcrypt line made again
// only when the credentials' SHA-256 changes, so that a converged resync
// makes no write. It reports the operator's states, with the reason of an
// Error (basic authentication on another class than nginx, say), after
// deleting what it had rendered, as the operator does. Beyond the operator
// it can render Gateway API HTTPRoutes instead of Ingresses, and put every
// gateway under one domain and one wildcard certificate. The password
// never reaches a log, an event, an error or the Ingress.
type Provisioner struct {
	hub      *hub.Client
	exposure Exposure
	managed  *reconcile.Managed[*ApiGw]
}

// NewProvisioner returns a Provisioner acting on the cluster through c.
func NewProvisioner(c *hub.Client, opts ...Option) (*Provisioner, error) {
	if c == nil {
		return nil, errors.New("gateway: a Provisioner needs a hub.Client")
	}
	s := newSettings(opts)
	p := &Provisioner{hub: c, exposure: s.exposure}
	owns := []client.Object{&corev1.Secret{}, &networkingv1.Ingress{}}
	if s.exposure.Gateway != nil {
		owns = append(owns, &gatewayv1.HTTPRoute{})
	}
	var err error
	p.managed, err = reconcile.NewManaged(c, reconcile.ManagedKind[*ApiGw]{
		Connector: reconcile.ConnectorFunc[*ApiGw](p.connect),
		Children: func(g *ApiGw, d reconcile.Details) ([]client.Object, error) {
			return renderChildren(g, p.exposure, d), nil
		},
		Owns: owns,
		Watches: []reconcile.Watch{{Object: &corev1.Service{}, Map: reconcile.Dependents(c, func(svc client.Object, g *ApiGw) bool {
			return g.Spec.Service == svc.GetName()
		})}},
		Status: func(g *ApiGw, o reconcile.Outcome) { g.Status = apiGwStatus(g, o) },
	}, append([]reconcile.ManagedOption{reconcile.WithName("apigw")}, s.managed...)...)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	return p, nil
}

// Controller returns the managed reconciler of ApiGws.
func (p *Provisioner) Controller() *reconcile.Managed[*ApiGw] { return p.managed }

// Reconcile makes the cluster hold the ApiGw key.
func (p *Provisioner) Reconcile(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.managed.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// SetupWithManager runs the Provisioner's controller in mgr, woken by what
// it renders and by the Services gateways name.
func (p *Provisioner) SetupWithManager(mgr manager.Manager) error {
	if err := p.managed.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	return nil
}

// connect checks g and its Service, and makes the basic-auth line: the
// Secret's own while the credentials' hash is the same, a new bcrypt hash
// otherwise.
func (p *Provisioner) connect(ctx context.Context, g *ApiGw) (reconcile.External[*ApiGw], error) {
	if g.DeletionTimestamp != nil {
		return nil, nil //nolint:nilnil // the owner references take the rendered objects away
	}
	ext := &gatewayExternal{hub: p.hub, problem: p.exposure.problem(g.Spec), details: reconcile.Details{}}
	if errs := redact(validateSpec(g.Name, g.Spec)); len(errs) > 0 {
		return nil, fmt.Errorf("the spec: %w", errs.ToAggregate())
	}
	if ext.problem != "" {
		return ext, nil
	}
	services := hub.For[*corev1.Service](p.hub).InNamespace(g.Namespace)
	_, errs, err := checkService(ctx, services, g.Spec)
	switch {
	case err != nil:
		return nil, err
	case len(errs) > 0 && errs[0].Type == "FieldValueNotFound":
		return nil, reconcile.Wait("the Service %q does not exist yet", g.Spec.Service)
	case len(errs) > 0:
		return nil, fmt.Errorf("the spec: %w", errs.ToAggregate())
	}
	secret, err := hub.For[*corev1.Secret](p.hub).InNamespace(g.Namespace).Get(ctx, ObjectName(g.Name))
	if err != nil && !hub.IsNotFound(err) {
		return nil, err
	}
	if err != nil {
		secret = nil
	}
	if !basicAuth(g.Spec) {
		ext.stale = ownedBy(secret, g)
		return ext, nil
	}
	user, password := g.Spec.Auth.Basic.User, g.Spec.Auth.Basic.Password
	hash := CredentialHash(user, password)
	var line string
	if secret != nil && secret.Annotations[AnnotationHash] == hash && len(secret.Data[KeyAuth]) > 0 {
		line = string(secret.Data[KeyAuth])
	} else {
		hashed, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
		if err != nil {
			return nil, errors.New("hashing the password failed") // bcrypt's error may say how long it was
		}
		line = user + ":" + string(hashed)
	}
	ext.details = ext.details.With(detailAuthLine, line).With(detailHash, hash)
	return ext, nil
}

// ownedBy returns secret when g controls it, else nil.
func ownedBy(secret *corev1.Secret, g *ApiGw) client.Object {
	if secret == nil || !metav1.IsControlledBy(secret, g) {
		return nil
	}
	return secret
}

// gatewayExternal is what a gateway stands for beyond its rendered
// objects: the details to render them, what must go (a basic-auth Secret
// left by a gateway that no longer asks for it), and a problem that makes
// the gateway an Error, whose rendered objects go too.
type gatewayExternal struct {
	hub     *hub.Client
	details reconcile.Details
	stale   client.Object
	problem string
}

func (e *gatewayExternal) Observe(_ context.Context, _ *ApiGw) (reconcile.Observation, error) {
	return reconcile.Observation{Exists: true, UpToDate: e.problem == "" && e.stale == nil, Details: e.details}, nil
}

// Apply deletes the stale Secret; for a problem, everything g rendered,
// and reports the problem.
func (e *gatewayExternal) Apply(ctx context.Context, g *ApiGw, _ reconcile.Observation) (reconcile.Details, error) {
	if e.problem == "" {
		return nil, e.delete(ctx, e.stale)
	}
	for _, obj := range []client.Object{&networkingv1.Ingress{}, &corev1.Secret{}, &gatewayv1.HTTPRoute{}} {
		err := e.hub.Kube().Get(ctx, types.NamespacedName{Namespace: g.Namespace, Name: ObjectName(g.Name)}, obj)
		if err != nil && !hub.IsNotFound(err) && !meta.IsNoMatchError(err) && !runtime.IsNotRegisteredError(err) {
			return nil, fmt.Errorf("reading what the gateway rendered: %w", err)
		}
		if err == nil && metav1.IsControlledBy(obj, g) {
			if err := e.delete(ctx, obj); err != nil {
				return nil, err
			}
		}
	}
	return nil, errors.New(e.problem)
}

func (e *gatewayExternal) Delete(context.Context, *ApiGw) error { return nil }

// delete deletes obj unless it is nil or gone.
func (e *gatewayExternal) delete(ctx context.Context, obj client.Object) error {
	if obj == nil {
		return nil
	}
	if err := e.hub.Kube().Delete(ctx, obj); err != nil && !hub.IsNotFound(err) {
		return fmt.Errorf("deleting %s: %w", obj.GetName(), err)
	}
	return nil
}
