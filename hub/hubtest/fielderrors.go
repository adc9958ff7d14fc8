package hubtest

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

// A FieldError is what a test compares of a field.Error: its type and its
// path, not its wording.
type FieldError struct {
	Type  field.ErrorType
	Field string
}

// FieldErrors returns the type and path of each of errs, in their order.
func FieldErrors(errs field.ErrorList) []FieldError {
	out := make([]FieldError, 0, len(errs))
	for _, e := range errs {
		out = append(out, FieldError{Type: e.Type, Field: e.Field})
	}
	return out
}

// ValidationErrors returns the FieldErrors of err, a *hub.ValidationError
// as a domain client's Create returns it; nil for nil. Any other error
// fails tb.
func ValidationErrors(tb testing.TB, err error) []FieldError {
	tb.Helper()
	if err == nil {
		return nil
	}
	ve, ok := errors.AsType[*hub.ValidationError](err)
	if !ok {
		tb.Fatalf("error %v is not a *hub.ValidationError", err)
		return nil // for a tb whose Fatalf returns
	}
	return FieldErrors(ve.Errors)
}

// ShowsSecret tells whether any of errs shows secret in any form: in its
// text, or in the value it holds.
func ShowsSecret(errs field.ErrorList, secret string) bool {
	for _, e := range errs {
		if strings.Contains(e.Error(), secret) || strings.Contains(e.ErrorBody(), secret) {
			return true
		}
	}
	return false
}
