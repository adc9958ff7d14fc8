package reconcile

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/source"
)

// NewController returns the reconciler as a controller of mgr that mgr
// does not start: the caller runs it with Start and stops it by cancelling
// the context, as an operator does for a kind that exists only while
// something defines it (a chart published as an API). It is woken as
// SetupWithManager's controller is. Its name may be used again by a later
// controller of the same kind.
func (m *Managed[T]) NewController(mgr manager.Manager) (controller.Controller, error) {
	m.expectations = newExpectations()
	if m.settings.recorder == nil {
		m.settings.recorder = mgr.GetEventRecorder(m.settings.name)
	}
	opts := controller.Options{Reconciler: m, SkipNameValidation: new(true)}
	if m.settings.workers > 0 {
		opts.MaxConcurrentReconciles = m.settings.workers
	}
	c, err := controller.NewUnmanaged(m.settings.name, opts)
	if err != nil {
		return nil, fmt.Errorf("making the %s controller: %w", m.settings.name, err)
	}
	sources := []source.Source{source.Kind(mgr.GetCache(), client.Object(m.newObject()), &handler.EnqueueRequestForObject{}, IntentChanged())}
	for _, owned := range m.kind.Owns {
		sources = append(sources, source.Kind(mgr.GetCache(), owned,
			handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), m.newObject(), handler.OnlyControllerOwner())))
	}
	for _, w := range m.kind.Watches {
		sources = append(sources, source.Kind(mgr.GetCache(), w.Object, handler.EnqueueRequestsFromMapFunc(w.Map)))
	}
	for _, src := range sources {
		if err := c.Watch(src); err != nil {
			return nil, fmt.Errorf("watching for the %s controller: %w", m.settings.name, err)
		}
	}
	return c, nil
}

// ConditionsOf returns u as a Conditioned object whose conditions are
// status.conditions, for the kinds that have no Go type.
func ConditionsOf(u *unstructured.Unstructured) Conditioned { return unstructuredConditions{u} }

// conditionedOf returns obj as a Conditioned object, when it is one or is
// unstructured.
func conditionedOf(obj client.Object) (Conditioned, bool) {
	if c, ok := obj.(Conditioned); ok {
		return c, true
	}
	if u, ok := obj.(*unstructured.Unstructured); ok {
		return ConditionsOf(u), true
	}
	return nil, false
}

type unstructuredConditions struct{ *unstructured.Unstructured }

// GetConditions reads status.conditions; malformed entries are skipped.
func (u unstructuredConditions) GetConditions() []metav1.Condition {
	raw, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	out := make([]metav1.Condition, 0, len(raw))
	for _, item := range raw {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		var c metav1.Condition
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &c); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// SetConditions writes status.conditions.
func (u unstructuredConditions) SetConditions(conditions []metav1.Condition) {
	out := make([]any, 0, len(conditions))
	for i := range conditions {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&conditions[i])
		if err == nil {
			out = append(out, m)
		}
	}
	_ = unstructured.SetNestedSlice(u.Object, out, "status", "conditions")
}
