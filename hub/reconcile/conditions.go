package reconcile

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
)

// A Conditioned object reports its state with metav1.Condition values in
// its status. Hubkit's API types implement it.
type Conditioned interface {
	client.Object
	// GetConditions returns the object's conditions.
	GetConditions() []metav1.Condition
	// SetConditions replaces the object's conditions.
	SetConditions(conditions []metav1.Condition)
}

// SetCondition sets cond on obj and reports whether anything changed. The
// condition's observedGeneration becomes obj's generation, so readers can
// tell whether it speaks of the current spec; its lastTransitionTime moves
// only when its status changes (or is set to now for a new condition without
// one).
func SetCondition(obj Conditioned, cond metav1.Condition) bool {
	cond.ObservedGeneration = obj.GetGeneration()
	conditions := obj.GetConditions()
	changed := meta.SetStatusCondition(&conditions, cond)
	if changed {
		obj.SetConditions(conditions)
	}
	return changed
}

// MarkTrue sets the condition condType of obj to True; see SetCondition.
func MarkTrue(obj Conditioned, condType, reason, message string) bool {
	return SetCondition(obj, metav1.Condition{Type: condType, Status: metav1.ConditionTrue, Reason: reason, Message: message})
}

// MarkFalse sets the condition condType of obj to False; see SetCondition.
func MarkFalse(obj Conditioned, condType, reason, message string) bool {
	return SetCondition(obj, metav1.Condition{Type: condType, Status: metav1.ConditionFalse, Reason: reason, Message: message})
}

// MarkUnknown sets the condition condType of obj to Unknown; see
// SetCondition.
func MarkUnknown(obj Conditioned, condType, reason, message string) bool {
	return SetCondition(obj, metav1.Condition{Type: condType, Status: metav1.ConditionUnknown, Reason: reason, Message: message})
}

// ReadinessFrom reads obj's Ready condition as a hub.Readiness: Pending
// (with the message waiting) while it is missing or speaks of an older
// generation, Ready (with the message ready) when it is True, else its
// reason and message.
func ReadinessFrom(obj Conditioned, waiting, ready string) hub.Readiness {
	c := meta.FindStatusCondition(obj.GetConditions(), ReadyCondition)
	switch {
	case c == nil || c.ObservedGeneration != obj.GetGeneration():
		return hub.Readiness{State: "Pending", Message: waiting}
	case c.Status == metav1.ConditionTrue:
		return hub.Readiness{Ready: true, State: ReadyCondition, Message: ready}
	}
	return hub.Readiness{State: c.Reason, Message: c.Message}
}

// IsCurrentAndTrue tells whether obj's condition condType is True and was
// set for obj's current generation.
func IsCurrentAndTrue(obj Conditioned, condType string) bool {
	cond := meta.FindStatusCondition(obj.GetConditions(), condType)
	return cond != nil && cond.Status == metav1.ConditionTrue && cond.ObservedGeneration == obj.GetGeneration()
}
