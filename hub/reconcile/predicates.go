package reconcile

import (
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/hubkit-dev/hubkit/hub"
)

// SelectorPredicate passes the events of objects that sel selects. An update
// passes when the object matched before or matches after, so a controller
// also hears of an object that leaves the selection.
func SelectorPredicate(sel hub.Selector) predicate.Predicate {
	matches := func(obj client.Object) bool { return obj != nil && sel.MatchesLabels(obj.GetLabels()) }
	return predicate.Funcs{
		CreateFunc:  func(e event.CreateEvent) bool { return matches(e.Object) },
		DeleteFunc:  func(e event.DeleteEvent) bool { return matches(e.Object) },
		GenericFunc: func(e event.GenericEvent) bool { return matches(e.Object) },
		UpdateFunc:  func(e event.UpdateEvent) bool { return matches(e.ObjectOld) || matches(e.ObjectNew) },
	}
}

// GenerationOrLabelsChanged passes creates, deletes and generic events, and
// the updates that change the spec (metadata.generation) or the labels; it
// drops status-only updates, which a controller writing status would
// otherwise hear as its own echo.
func GenerationOrLabelsChanged() predicate.Predicate {
	return predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{})
}
