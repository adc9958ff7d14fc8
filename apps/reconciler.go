package apps

import (
	"context"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/apps/squonkv2"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// detailToken is the notebook's token among its External's details, which
// never print their values.
const detailToken = "token"

// A NotebookReconciler does the job of the Squonk2 Jupyter operator for
// JupyterNotebooks: it renders NotebookObjects, owned by the notebook (so
// they go with it), and writes status.jupyter with the URL and its token.
// The token is made once and kept in the notebook's configuration
// ConfigMap, so a retry, a resync or another operator's restart keeps it;
// it is never logged (the reconciler's details print their keys only).
// Unlike the operator, which acts on create only, a changed spec is
// rendered again.
type NotebookReconciler struct {
	hub      *hub.Client
	settings NotebookSettings
	managed  *reconcile.Managed[*squonkv2.JupyterNotebook]
}

// NewNotebookReconciler returns a NotebookReconciler acting through c,
// whose scheme knows squonkv2's types, with settings.
func NewNotebookReconciler(c *hub.Client, settings NotebookSettings, opts ...reconcile.ManagedOption) (*NotebookReconciler, error) {
	if c == nil {
		return nil, errors.New("apps: a NotebookReconciler needs a hub.Client")
	}
	if settings.IngressDomain == "" {
		return nil, errors.New("apps: a NotebookReconciler needs the domain notebooks are reached at (NotebookSettings.IngressDomain, the operator's INGRESS_DOMAIN)")
	}
	r := &NotebookReconciler{hub: c, settings: settings}
	var err error
	r.managed, err = reconcile.NewManaged(c, reconcile.ManagedKind[*squonkv2.JupyterNotebook]{
		Connector: reconcile.ConnectorFunc[*squonkv2.JupyterNotebook](r.connect),
		Children: func(nb *squonkv2.JupyterNotebook, d reconcile.Details) ([]client.Object, error) {
			return NotebookObjects(nb, r.settings, d.Get(detailToken))
		},
		Owns:   []client.Object{&corev1.ConfigMap{}, &appsv1.Deployment{}, &corev1.Service{}, &networkingv1.Ingress{}},
		Status: r.status,
	}, append([]reconcile.ManagedOption{reconcile.WithName("jupyternotebook"), reconcile.WithStatusInObject()}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("apps: %w", err)
	}
	return r, nil
}

// Controller returns the managed reconciler of notebooks.
func (r *NotebookReconciler) Controller() *reconcile.Managed[*squonkv2.JupyterNotebook] {
	return r.managed
}

// Reconcile makes the cluster hold the notebook key.
func (r *NotebookReconciler) Reconcile(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return r.managed.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// SetupWithManager runs the reconciler in mgr.
func (r *NotebookReconciler) SetupWithManager(mgr manager.Manager) error {
	if err := r.managed.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("apps: %w", err)
	}
	return nil
}

// connect finds the notebook's token in its configuration ConfigMap, or
// makes one.
func (r *NotebookReconciler) connect(ctx context.Context, nb *squonkv2.JupyterNotebook) (reconcile.External[*squonkv2.JupyterNotebook], error) {
	cm, err := hub.For[*corev1.ConfigMap](r.hub).InNamespace(nb.Namespace).Get(ctx, notebookConfigName(nb.Name))
	if err != nil && !hub.IsNotFound(err) {
		return nil, fmt.Errorf("reading the notebook's configuration: %w", err)
	}
	token, ok := TokenOf(cm)
	if !ok {
		if token, err = NewNotebookToken(); err != nil {
			return nil, err
		}
	}
	return tokenExternal{details: reconcile.Details{}.With(detailToken, token)}, nil
}

// status writes status.jupyter once the notebook's objects are applied.
func (r *NotebookReconciler) status(nb *squonkv2.JupyterNotebook, o reconcile.Outcome) {
	token := o.Details.Get(detailToken)
	if o.Err != nil || o.Paused || token == "" || o.Children == nil {
		return
	}
	nb.Status.Jupyter = NotebookStatus(nb, r.settings, token)
}

// tokenExternal is a notebook's token: nothing outside the cluster, only
// what its objects are rendered with.
type tokenExternal struct{ details reconcile.Details }

func (e tokenExternal) Observe(context.Context, *squonkv2.JupyterNotebook) (reconcile.Observation, error) {
	return reconcile.Observation{Exists: true, UpToDate: true, Details: e.details}, nil
}

func (e tokenExternal) Apply(context.Context, *squonkv2.JupyterNotebook, reconcile.Observation) (reconcile.Details, error) {
	return e.details, nil
}

func (e tokenExternal) Delete(context.Context, *squonkv2.JupyterNotebook) error { return nil }
