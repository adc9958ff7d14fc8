package hub

import (
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// A ValidationError reports an object that Hubkit refused before sending it
// to the API server, with the path of every invalid field.
//
// It implements the API server's status error interface, so
// apierrors.IsInvalid and IsInvalid see it as an Invalid error, also through
// wrapping, and APIStatus converts it to the error the API server would give.
type ValidationError struct {
	// Kind is the group and kind of the refused object.
	Kind schema.GroupKind
	// Name is the name of the refused object; it may be empty.
	Name string
	// Errors lists every invalid field, with its path.
	Errors field.ErrorList
}

// NewValidationError returns a *ValidationError for errs, or nil when errs is
// empty, so that it can end a validation function directly:
//
//	return hub.NewValidationError(gk, name, errs)
func NewValidationError(kind schema.GroupKind, name string, errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Kind: kind, Name: name, Errors: errs}
}

// Error names the object and every invalid field.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	if e.Name != "" {
		fmt.Fprintf(&b, " %q", e.Name)
	}
	b.WriteString(" is invalid: ")
	b.WriteString(e.Errors.ToAggregate().Error())
	return b.String()
}

// APIStatus converts the error to the Invalid status error the API server
// returns for the same fields.
func (e *ValidationError) APIStatus() *apierrors.StatusError {
	return apierrors.NewInvalid(e.Kind, e.Name, e.Errors)
}

// Status implements the API server's status error interface (see
// apierrors.APIStatus): it reports StatusReasonInvalid with one cause per
// field.
func (e *ValidationError) Status() metav1.Status {
	return e.APIStatus().Status()
}

// IsNotFound tells whether err, or an error it wraps, says that an object
// does not exist.
func IsNotFound(err error) bool { return apierrors.IsNotFound(err) }

// IsConflict tells whether err, or an error it wraps, is an optimistic
// concurrency or server-side apply conflict.
func IsConflict(err error) bool { return apierrors.IsConflict(err) }

// IsInvalid tells whether err, or an error it wraps, rejects an object as
// invalid; a *ValidationError is one.
func IsInvalid(err error) bool { return apierrors.IsInvalid(err) }

// IsForbidden tells whether err, or an error it wraps, says that the caller
// may not perform the request.
func IsForbidden(err error) bool { return apierrors.IsForbidden(err) }

// IsAlreadyExists tells whether err, or an error it wraps, says that an
// object of that name exists already.
func IsAlreadyExists(err error) bool { return apierrors.IsAlreadyExists(err) }
