package reconcile

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
)

// DefaultPausedAnnotation is the annotation that pauses a managed object
// when it is "true", unless WithPausedAnnotation names another.
const DefaultPausedAnnotation = "hubkit.dev/paused"

// ReadyCondition is the condition the managed reconciler maintains on
// objects that implement Conditioned.
const ReadyCondition = "Ready"

// Reasons of the Ready condition and of the events the managed reconciler
// records.
const (
	ReasonAvailable      = "Available"
	ReasonWaiting        = "Waiting"
	ReasonReconcileError = "ReconcileError"
	ReasonCreated        = "CreatedExternal"
	ReasonUpdated        = "UpdatedExternal"
	ReasonDeleted        = "DeletedExternal"
	ReasonDeleteError    = "DeleteError"
)

// An Outcome is how one reconcile of a managed object ended, for the
// domain's Status function to put into the object's status in the
// upstream operator's form.
type Outcome struct {
	// Ready is true when the external system and the children are as the
	// object wants.
	Ready bool
	// Waiting is the reason the object waits (see Wait), or "".
	Waiting string
	// Err is what failed, or nil. Its message holds no secret and may be
	// shown in the status.
	Err error
	// Details are what the External observed and applied.
	Details Details
	// Paused is true when the object is paused (see WithPausedStatus):
	// nothing was observed nor applied.
	Paused bool
	// Children are what Ensure did to each child ManagedKind.Children
	// rendered, with the child as the cluster has it when it was left
	// unchanged (its status too: a Deployment's ready replicas), as applied
	// otherwise; nil when the children were not applied.
	Children Results
}

// Message returns what a status message should say: the waiting reason,
// the error, or "".
func (o Outcome) Message() string {
	switch {
	case o.Err != nil:
		return o.Err.Error()
	default:
		return o.Waiting
	}
}

// A Watch makes changes of another kind wake the managed reconciler: Map
// names the managed objects a change of Object concerns (the users of a
// database, say).
type Watch struct {
	// Object is an empty object of the watched kind.
	Object client.Object
	// Map returns the managed objects obj concerns.
	Map func(ctx context.Context, obj client.Object) []ctrl.Request
}

// A ManagedKind is a domain's part of a managed reconciler: everything that
// is particular to one kind. All of it is optional.
type ManagedKind[T client.Object] struct {
	// GroupVersionKind is the kind of the objects when T is
	// *unstructured.Unstructured, which has no Go type to take it from: a
	// kind generated at run time (a chart published as an API). Typed
	// kinds leave it empty.
	GroupVersionKind schema.GroupVersionKind
	// Claims tells whether this reconciler handles obj; the objects it
	// does not claim are left alone, as if they were of another kind. It
	// lets several reconcilers share one kind: one per version of a
	// generated kind, each claiming the objects labelled with its version.
	// Nil claims every object.
	Claims func(obj T) bool
	// Connector makes the External of each object; nil when the kind
	// stands for nothing outside the cluster.
	Connector Connector[T]
	// Children renders the Kubernetes objects obj owns, from obj and the
	// details its External gave. They are applied with Ensure: server-side
	// apply under the client's field owner, with obj as their controller,
	// and no write when they already are as rendered.
	Children func(obj T, details Details) ([]client.Object, error)
	// Owns lists empty objects of the kinds Children renders, whose changes
	// wake the reconciler for their controller.
	Owns []client.Object
	// Watches lists other kinds whose changes wake it.
	Watches []Watch
	// IndependentChildren says the children do not need the External:
	// when connecting, observing or applying fails or waits, the children
	// are still rendered, from the details found so far, and applied, and
	// the outcome reports the External's error (joined with the
	// children's) or wait. That is the fail-fast:false style of CrownLabs'
	// tenant operator, whose namespace and RBAC do not wait for its
	// identity provider. Without it, a failing External stops the reconcile
	// before the children.
	IndependentChildren bool
	// Status writes the outcome into obj's status in the upstream
	// operator's form. The reconciler writes the status only when it
	// changed.
	Status func(obj T, outcome Outcome)
}

// A Managed reconciles one kind of custom resource that stands for
// something outside Kubernetes, the way an upstream operator does. Each
// reconcile of an object:
//
//  1. reads it; an object that is gone or paused (see WithPausedAnnotation)
//     is left alone;
//  2. when it is being deleted, has its External delete what it stands for,
//     then removes the finalizer;
//  3. otherwise connects (see Connector), adds the finalizer and whatever
//     metadata the Connector set in one conditional patch, asks the External
//     what exists, applies only when something is missing or differs, and
//     applies the children with Ensure;
//  4. writes the status (through ManagedKind.Status, and the Ready
//     condition for Conditioned objects) only when it changed;
//  5. asks to be called again: after the poll interval when ready, after
//     the wait interval while waiting, at once (quietly) after a conflict,
//     with controller-runtime's backoff after an error. Every delay has
//     jitter.
//
// Errors are wrapped with the object's kind and key; events go to the
// recorder of WithEventRecorder; the logger comes from the context. Its
// event filter (IntentChanged) drops the echoes of its own status and
// finalizer writes. Make one with NewManaged and run it with
// SetupWithManager, or call Reconcile directly.
type Managed[T client.Object] struct {
	hub      *hub.Client
	kind     ManagedKind[T]
	objType  reflect.Type
	gvk      schema.GroupVersionKind
	settings managedSettings
	// expectations record the children applied that the manager's cache
	// may not show yet; nil when the reconciler reads the cluster directly.
	expectations *expectations
}

type managedSettings struct {
	name      string
	finalizer string
	paused    string
	poll      time.Duration
	wait      time.Duration
	jitter    float64
	recorder  events.EventRecorder
	workers   int
	// pausedStatus makes a paused object's status say so.
	pausedStatus bool
	// statusInObject writes the status through the object itself: its
	// CRD has no status subresource.
	statusInObject bool
}

// A ManagedOption configures a Managed.
type ManagedOption func(*managedSettings)

// WithName names the controller (by default the kind in lower case).
func WithName(name string) ManagedOption { return func(s *managedSettings) { s.name = name } }

// WithFinalizer sets the finalizer the reconciler keeps on the objects it
// manages, as long as what they stand for exists: the upstream operator's,
// so that both can take over from each other. Without one, deletion does
// not wait for the External.
func WithFinalizer(finalizer string) ManagedOption {
	return func(s *managedSettings) { s.finalizer = finalizer }
}

// WithPausedAnnotation sets the annotation that pauses an object when it is
// "true" (DefaultPausedAnnotation by default): a paused object is neither
// observed, changed nor deleted outside the cluster.
func WithPausedAnnotation(annotation string) ManagedOption {
	return func(s *managedSettings) { s.paused = annotation }
}

// WithPausedStatus makes a paused object's status say that it is paused:
// ManagedKind.Status is called with an Outcome whose Paused is true, and
// the status is written when that changed it. Nothing else is read or
// written. Without it, a paused object is not written at all.
func WithPausedStatus() ManagedOption { return func(s *managedSettings) { s.pausedStatus = true } }

// WithStatusInObject writes the status through the object itself rather
// than its status subresource, for kinds whose CRD has none (the Squonk2
// operator's JupyterNotebook): a merge patch of the status only,
// conditional on the resourceVersion read.
func WithStatusInObject() ManagedOption { return func(s *managedSettings) { s.statusInObject = true } }

// WithPollInterval sets how long after a successful reconcile an object is
// observed again, to find drift outside the cluster (5 minutes by default;
// 0 turns polling off).
func WithPollInterval(d time.Duration) ManagedOption { return func(s *managedSettings) { s.poll = d } }

// WithWaitInterval sets how long a waiting object waits before the next
// look (5 seconds by default).
func WithWaitInterval(d time.Duration) ManagedOption { return func(s *managedSettings) { s.wait = d } }

// WithJitter sets the fraction of random delay added to every requeue (0.2
// by default), so that objects requeued together do not come back together.
func WithJitter(fraction float64) ManagedOption {
	return func(s *managedSettings) { s.jitter = fraction }
}

// WithWorkers sets how many objects the controller reconciles at once (1
// by default): each object is still reconciled by one worker at a time.
// More workers hide the API server's latency when many objects change
// together (an operator starting over a thousand tenants).
func WithWorkers(n int) ManagedOption { return func(s *managedSettings) { s.workers = n } }

// WithEventRecorder records Kubernetes events about the managed objects
// (SetupWithManager uses the manager's recorder when none is set).
func WithEventRecorder(r events.EventRecorder) ManagedOption {
	return func(s *managedSettings) { s.recorder = r }
}

// conflictDelay is how soon an object is looked at again after a
// conflict: another writer changed it, so read it afresh.
const conflictDelay = 100 * time.Millisecond

// NewManaged returns a managed reconciler for the kind T (a pointer to an
// API type registered in c's scheme), acting on the cluster through c.
func NewManaged[T client.Object](c *hub.Client, kind ManagedKind[T], opts ...ManagedOption) (*Managed[T], error) {
	if c == nil {
		return nil, errors.New("reconcile: NewManaged needs a hub.Client")
	}
	objType := reflect.TypeFor[T]()
	if objType.Kind() != reflect.Pointer {
		return nil, fmt.Errorf("reconcile: NewManaged needs a pointer type, not %s", objType)
	}
	m := &Managed[T]{hub: c, kind: kind, objType: objType.Elem(), gvk: kind.GroupVersionKind, settings: managedSettings{
		paused: DefaultPausedAnnotation, poll: 5 * time.Minute, wait: 5 * time.Second, jitter: 0.2,
	}}
	if m.objType == reflect.TypeFor[unstructured.Unstructured]() {
		if kind.GroupVersionKind.Kind == "" {
			return nil, errors.New("reconcile: NewManaged of *unstructured.Unstructured needs ManagedKind.GroupVersionKind")
		}
	} else {
		gvk, err := hub.GroupVersionKindOf(c.Scheme(), m.newObject())
		if err != nil {
			return nil, fmt.Errorf("reconcile: NewManaged: %w", err)
		}
		m.gvk = gvk
	}
	m.settings.name = lowerKind(m.gvk)
	for _, opt := range opts {
		opt(&m.settings)
	}
	return m, nil
}

func lowerKind(gvk schema.GroupVersionKind) string {
	out := []byte(gvk.Kind)
	for i, b := range out {
		if 'A' <= b && b <= 'Z' {
			out[i] = b + 'a' - 'A'
		}
	}
	return string(out)
}

// Name returns the controller's name.
func (m *Managed[T]) Name() string { return m.settings.name }

// GroupVersionKind returns the kind the reconciler manages.
func (m *Managed[T]) GroupVersionKind() schema.GroupVersionKind { return m.gvk }

func (m *Managed[T]) newObject() T {
	obj, _ := reflect.TypeAssert[T](reflect.New(m.objType))
	if u, ok := any(obj).(*unstructured.Unstructured); ok {
		u.SetGroupVersionKind(m.gvk)
	}
	return obj
}

// claims tells whether the reconciler handles obj.
func (m *Managed[T]) claims(obj T) bool { return m.kind.Claims == nil || m.kind.Claims(obj) }

// Reconcile brings the object req names to its desired state; see Managed.
func (m *Managed[T]) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	log := logf.FromContext(ctx).WithValues("controller", m.settings.name, "object", req.NamespacedName)
	obj, err := hub.For[T](m.hub, hub.OfKind(m.gvk)).InNamespace(req.Namespace).Get(ctx, req.Name)
	if hub.IsNotFound(err) {
		return ctrl.Result{}, nil
	}
	if err != nil {
		return ctrl.Result{}, m.wrap(req.NamespacedName, "reading", err)
	}
	if !m.claims(obj) {
		return ctrl.Result{}, nil
	}
	if obj.GetAnnotations()[m.settings.paused] == "true" {
		log.V(1).Info("paused", "annotation", m.settings.paused)
		if m.settings.pausedStatus && m.kind.Status != nil {
			base, _ := obj.DeepCopyObject().(T)
			m.kind.Status(obj, Outcome{Paused: true})
			if _, err := m.patchStatus(ctx, base, obj); err != nil {
				return m.requeueOrFail(log, req.NamespacedName, "writing the status", err)
			}
		}
		return ctrl.Result{}, nil
	}
	if obj.GetDeletionTimestamp() != nil {
		return m.finalize(ctx, log, obj)
	}
	return m.sync(ctx, log, obj)
}

// sync reconciles an object that is not being deleted.
func (m *Managed[T]) sync(ctx context.Context, log logr.Logger, obj T) (ctrl.Result, error) {
	key := client.ObjectKeyFromObject(obj)
	before := obj.DeepCopyObject()
	var ext External[T]
	var connectErr error
	if m.kind.Connector != nil {
		ext, connectErr = m.kind.Connector.Connect(ctx, obj)
	}
	if err := m.patchMetadata(ctx, before, obj); err != nil {
		return m.requeueOrFail(log, key, "writing the finalizer and metadata", err)
	}
	statusBase, _ := obj.DeepCopyObject().(T)

	outcome := m.converge(ctx, log, obj, ext, connectErr)
	if hub.IsConflict(outcome.Err) {
		// Another writer was first: read again, and leave the status alone.
		return m.requeueOrFail(log, key, "reconciling", outcome.Err)
	}
	changed, statusErr := m.writeStatus(ctx, statusBase, obj, outcome)
	if statusErr != nil {
		return m.requeueOrFail(log, key, "writing the status", errors.Join(outcome.Err, statusErr))
	}
	switch {
	case outcome.Err != nil:
		if changed {
			m.event(obj, corev1.EventTypeWarning, ReasonReconcileError, "Reconcile", outcome.Err.Error())
		}
		return ctrl.Result{}, m.wrap(key, "reconciling", outcome.Err)
	case outcome.Waiting != "":
		if changed {
			m.event(obj, corev1.EventTypeNormal, ReasonWaiting, "Reconcile", outcome.Waiting)
		}
		log.V(1).Info("waiting", "reason", outcome.Waiting)
		return RequeueAfter(m.settings.wait, m.settings.jitter), nil
	case outcome.Children.pending():
		// Look again once the cache has caught up with what was applied.
		return RequeueAfter(expectationWindow, m.settings.jitter), nil
	case m.settings.poll > 0:
		return RequeueAfter(m.settings.poll, m.settings.jitter), nil
	}
	return ctrl.Result{}, nil
}

// converge runs the External and the children, collecting the outcome.
func (m *Managed[T]) converge(ctx context.Context, log logr.Logger, obj T, ext External[T], connectErr error) Outcome {
	var outcome Outcome
	record := func(what string, err error) {
		if reason, ok := WaitingFor(err); ok {
			if outcome.Waiting == "" {
				outcome.Waiting = reason
			}
			return
		}
		outcome.Err = errors.Join(outcome.Err, fmt.Errorf("%s: %w", what, err))
	}
	var details Details
	var externalErr *stepError
	switch {
	case connectErr != nil:
		externalErr = &stepError{"connecting", connectErr}
	case ext != nil:
		details, externalErr = m.applyExternal(ctx, log, obj, ext)
	}
	if externalErr != nil {
		record(externalErr.what, externalErr.err)
		if !m.kind.IndependentChildren {
			return outcome
		}
	}
	outcome.Details = details
	if m.kind.Children != nil {
		children, err := m.kind.Children(obj, outcome.Details)
		if err != nil {
			record("rendering the children", err)
			return outcome.settled()
		}
		results, err := ensureAll(ctx, m.hub, obj, children, m.expectations)
		outcome.Children = results
		if err != nil {
			record("applying the children", err)
		}
	}
	return outcome.settled()
}

// settled makes an outcome that failed no longer wait, and one that
// neither failed nor waits ready.
func (o Outcome) settled() Outcome {
	if o.Err != nil {
		o.Waiting = ""
	}
	o.Ready = o.Err == nil && o.Waiting == ""
	return o
}

// stepError is an error of one step of converge, and the step's name.
type stepError struct {
	what string
	err  error
}

// applyExternal observes what obj stands for and applies only when
// something is missing or differs, returning the details of both (those
// found before a failure, too).
func (m *Managed[T]) applyExternal(ctx context.Context, log logr.Logger, obj T, ext External[T]) (Details, *stepError) {
	observed, err := ext.Observe(ctx, obj)
	if err != nil {
		return observed.Details, &stepError{"observing", err}
	}
	if observed.Exists && observed.UpToDate {
		return observed.Details, nil
	}
	applied, err := ext.Apply(ctx, obj, observed)
	if err != nil {
		return observed.Details.merged(applied), &stepError{"applying", err}
	}
	reason, note := ReasonUpdated, "updated what the object stands for"
	if !observed.Exists {
		reason, note = ReasonCreated, "created what the object stands for"
	}
	log.Info(note)
	m.event(obj, corev1.EventTypeNormal, reason, "Apply", note)
	return observed.Details.merged(applied), nil
}

// finalize deletes what a deleted object stands for, then its finalizer.
func (m *Managed[T]) finalize(ctx context.Context, log logr.Logger, obj T) (ctrl.Result, error) {
	key := client.ObjectKeyFromObject(obj)
	if m.settings.finalizer == "" || !controllerutil.ContainsFinalizer(obj, m.settings.finalizer) {
		return ctrl.Result{}, nil
	}
	if err := m.deleteExternal(ctx, obj); err != nil {
		return m.deleteFailed(ctx, log, obj, err)
	}
	if _, err := RemoveFinalizer(ctx, m.hub, obj, m.settings.finalizer); err != nil {
		return m.requeueOrFail(log, key, "removing the finalizer", err)
	}
	log.Info("deleted what the object stood for")
	m.event(obj, corev1.EventTypeNormal, ReasonDeleted, "Delete", "deleted what the object stood for")
	return ctrl.Result{}, nil
}

// deleteExternal has the External delete what obj stands for.
func (m *Managed[T]) deleteExternal(ctx context.Context, obj T) error {
	if m.kind.Connector == nil {
		return nil
	}
	ext, err := m.kind.Connector.Connect(ctx, obj)
	if err != nil || ext == nil {
		return err
	}
	return ext.Delete(ctx, obj)
}

// deleteFailed reports a failed or waiting deletion in the status and an
// event, and asks to be called again.
func (m *Managed[T]) deleteFailed(ctx context.Context, log logr.Logger, obj T, err error) (ctrl.Result, error) {
	statusBase, _ := obj.DeepCopyObject().(T)
	outcome := Outcome{Err: fmt.Errorf("deleting: %w", err)}
	eventType, reason := corev1.EventTypeWarning, ReasonDeleteError
	if waiting, ok := WaitingFor(err); ok {
		outcome = Outcome{Waiting: waiting}
		eventType, reason = corev1.EventTypeNormal, ReasonWaiting
	}
	if changed, serr := m.writeStatus(ctx, statusBase, obj, outcome); serr == nil && changed {
		m.event(obj, eventType, reason, "Delete", outcome.Message())
	}
	if outcome.Waiting != "" {
		return RequeueAfter(m.settings.wait, m.settings.jitter), nil
	}
	return m.requeueOrFail(log, client.ObjectKeyFromObject(obj), "deleting", err)
}

// patchMetadata adds the finalizer and writes it together with whatever
// metadata the Connector set, in one patch conditional on the object's
// resourceVersion, so that nobody else's change is lost.
func (m *Managed[T]) patchMetadata(ctx context.Context, before any, obj T) error {
	original, ok := before.(client.Object)
	if !ok {
		return fmt.Errorf("%T is not a client.Object", before)
	}
	if m.settings.finalizer != "" {
		controllerutil.AddFinalizer(obj, m.settings.finalizer)
	}
	if equality.Semantic.DeepEqual(metaOf(original), metaOf(obj)) {
		return nil
	}
	if err := m.hub.Kube().Patch(ctx, obj, client.MergeFromWithOptions(original, client.MergeFromWithOptimisticLock{})); err != nil {
		return fmt.Errorf("patching the metadata: %w", err)
	}
	return nil
}

// metaOf is the metadata a reconciler may set on its object.
func metaOf(obj client.Object) []any {
	return []any{obj.GetFinalizers(), obj.GetOwnerReferences(), obj.GetLabels(), obj.GetAnnotations()}
}

// writeStatus lets the domain put the outcome into obj's status, sets the
// Ready condition of Conditioned objects, and patches the status when it
// changed.
func (m *Managed[T]) writeStatus(ctx context.Context, base, obj T, outcome Outcome) (bool, error) {
	if m.kind.Status != nil {
		m.kind.Status(obj, outcome)
	}
	if c, ok := conditionedOf(obj); ok {
		switch {
		case outcome.Err != nil:
			MarkFalse(c, ReadyCondition, ReasonReconcileError, outcome.Err.Error())
		case outcome.Waiting != "":
			MarkFalse(c, ReadyCondition, ReasonWaiting, outcome.Waiting)
		default:
			MarkTrue(c, ReadyCondition, ReasonAvailable, "")
		}
	}
	return m.patchStatus(ctx, base, obj)
}

// patchStatus writes obj's status when it differs from base's: through
// the status subresource, or the object itself WithStatusInObject.
func (m *Managed[T]) patchStatus(ctx context.Context, base, obj T) (bool, error) {
	if !m.settings.statusInObject {
		return PatchStatus(ctx, m.hub, base, obj)
	}
	if changed, err := statusChanged(base, obj); err != nil || !changed {
		return false, err
	}
	if err := m.hub.Kube().Patch(ctx, obj, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
		return false, fmt.Errorf("patching the status of %s: %w", client.ObjectKeyFromObject(obj), err)
	}
	return true, nil
}

// requeueOrFail turns a conflict into a quiet, prompt requeue (another
// writer was first: read again), and any other error into a wrapped one.
func (m *Managed[T]) requeueOrFail(log logr.Logger, key types.NamespacedName, what string, err error) (ctrl.Result, error) {
	if hub.IsConflict(err) {
		log.V(1).Info("conflict, requeueing", "while", what)
		return RequeueAfter(conflictDelay, 1), nil
	}
	return ctrl.Result{}, m.wrap(key, what, err)
}

func (m *Managed[T]) wrap(key types.NamespacedName, what string, err error) error {
	return fmt.Errorf("%s %s: %s: %w", m.settings.name, key, what, err)
}

func (m *Managed[T]) event(obj client.Object, eventType, reason, action, note string) {
	if m.settings.recorder != nil {
		m.settings.recorder.Eventf(obj, nil, eventType, reason, action, "%s", note)
	}
}

// SetupWithManager runs the reconciler as a controller of mgr, woken by
// changes of its kind that pass IntentChanged, of the children it owns, and
// of the kinds it watches.
func (m *Managed[T]) SetupWithManager(mgr manager.Manager) error {
	// The manager's client reads from its cache, which may lag behind
	// what the reconciler applied.
	m.expectations = newExpectations()
	if m.settings.recorder == nil {
		m.settings.recorder = mgr.GetEventRecorder(m.settings.name)
	}
	b := builder.ControllerManagedBy(mgr).Named(m.settings.name).
		For(m.newObject(), builder.WithPredicates(IntentChanged()))
	if m.settings.workers > 0 {
		b = b.WithOptions(controller.Options{MaxConcurrentReconciles: m.settings.workers})
	}
	for _, owned := range m.kind.Owns {
		b = b.Owns(owned)
	}
	for _, w := range m.kind.Watches {
		b = b.Watches(w.Object, handler.EnqueueRequestsFromMapFunc(w.Map))
	}
	if err := b.Complete(m); err != nil {
		return fmt.Errorf("setting up the %s controller: %w", m.settings.name, err)
	}
	return nil
}

// Requests returns the requests a change of obj queues for this
// reconciler, as its controller's watches and event filter would: obj
// itself when it is of the managed kind and the change passes
// IntentChanged, the controller of an owned child, and what a Watch maps
// obj to. old is the object before an update, nil for a create or delete.
// hubtest's ControllerSimulator uses it to run the reconciler on a fake
// cluster exactly as a manager would.
func (m *Managed[T]) Requests(ctx context.Context, obj, old client.Object) []ctrl.Request {
	if typed, ok := obj.(T); ok && reflect.TypeOf(obj).Elem() == m.objType && m.isManagedKind(obj) {
		if old != nil && !IntentChanged().Update(event.UpdateEvent{ObjectOld: old, ObjectNew: obj}) {
			return nil
		}
		if !m.claims(typed) {
			return nil
		}
		return []ctrl.Request{{NamespacedName: client.ObjectKeyFromObject(obj)}}
	}
	objType := reflect.TypeOf(obj)
	var out []ctrl.Request
	if slices.ContainsFunc(m.kind.Owns, func(owned client.Object) bool { return reflect.TypeOf(owned) == objType }) {
		out = append(out, m.controllerOf(obj)...)
	}
	for _, w := range m.kind.Watches {
		if reflect.TypeOf(w.Object) == objType {
			out = append(out, w.Map(ctx, obj)...)
		}
	}
	return out
}

// isManagedKind tells whether obj, of the Go type T, is of the managed kind:
// always for typed kinds, by its kind for unstructured objects.
func (m *Managed[T]) isManagedKind(obj client.Object) bool {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return true
	}
	gvk := u.GroupVersionKind()
	return gvk.Group == m.gvk.Group && gvk.Kind == m.gvk.Kind
}

// controllerOf names obj's controller when it is of the managed kind, as
// controller-runtime's owner handler does: by group and kind, in obj's
// namespace unless the managed kind is cluster-scoped.
func (m *Managed[T]) controllerOf(obj client.Object) []ctrl.Request {
	ref := metav1.GetControllerOf(obj)
	if ref == nil {
		return nil
	}
	refGV, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil || ref.Kind != m.gvk.Kind || refGV.Group != m.gvk.Group {
		return nil
	}
	namespace := obj.GetNamespace()
	if namespaced, err := m.hub.Kube().IsObjectNamespaced(m.newObject()); err == nil && !namespaced {
		// A cluster-scoped owner (a Tenant) of namespaced children.
		namespace = ""
	}
	return []ctrl.Request{{NamespacedName: types.NamespacedName{Namespace: namespace, Name: ref.Name}}}
}

// IntentChanged passes creates, deletes and generic events, and the
// updates that change what an object asks for: its spec (its generation),
// labels or annotations, or the start of its deletion. It drops updates of
// the status or the finalizers only, which is what a managed reconciler
// writes itself: its own writes do not wake it.
func IntentChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		if e.ObjectOld == nil || e.ObjectNew == nil {
			return true
		}
		o, n := e.ObjectOld, e.ObjectNew
		return o.GetGeneration() != n.GetGeneration() ||
			!equality.Semantic.DeepEqual(o.GetLabels(), n.GetLabels()) ||
			!equality.Semantic.DeepEqual(o.GetAnnotations(), n.GetAnnotations()) ||
			(o.GetDeletionTimestamp() == nil) != (n.GetDeletionTimestamp() == nil)
	}}
}

// Dependents returns a Watch's Map that names the objects of kind T in the
// changed object's namespace that it concerns: the users of a database, the
// users that ask for a policy.
func Dependents[T client.Object](c *hub.Client, concerns func(changed client.Object, dependent T) bool) func(context.Context, client.Object) []ctrl.Request {
	return func(ctx context.Context, changed client.Object) []ctrl.Request {
		page, err := hub.For[T](c).InNamespace(changed.GetNamespace()).List(ctx)
		if err != nil {
			logf.FromContext(ctx).Error(err, "listing the dependents of a changed object", "object", client.ObjectKeyFromObject(changed))
			return nil
		}
		var out []ctrl.Request
		for _, dependent := range page.Items {
			if concerns(changed, dependent) {
				out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(dependent)})
			}
		}
		return out
	}
}
