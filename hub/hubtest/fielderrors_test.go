package hubtest_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// recorder is a testing.TB that records a Fatalf instead of stopping.
type recorder struct {
	testing.TB

	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestValidationErrors(t *testing.T) {
	errs := field.ErrorList{field.Required(field.NewPath("spec", "host"), "a host"), field.NotSupported(field.NewPath("spec", "auth", "type"), "digest", []string{"none", "basic"})}
	want := []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.host"}, {Type: field.ErrorTypeNotSupported, Field: "spec.auth.type"}}
	err := hub.NewValidationError(schema.GroupKind{Kind: "ApiGw"}, "web", errs)
	if diff := cmp.Diff(want, hubtest.ValidationErrors(t, err)); diff != "" {
		t.Errorf("the fields of a ValidationError: -want, +got:\n%s", diff)
	}
	if got := hubtest.ValidationErrors(t, nil); got != nil {
		t.Errorf("no error gives %v, want nil", got)
	}
	r := &recorder{TB: t}
	hubtest.ValidationErrors(r, errors.New("offline"))
	if !r.failed {
		t.Errorf("another error did not fail the test")
	}
}

func TestShowsSecret(t *testing.T) {
	shown := field.ErrorList{field.Invalid(field.NewPath("spec", "password"), "hunter22", "too short")}
	hidden := field.ErrorList{field.Invalid(field.NewPath("spec", "password"), "*****", "too short")}
	if !hubtest.ShowsSecret(shown, "hunter22") || hubtest.ShowsSecret(hidden, "hunter22") {
		t.Errorf("ShowsSecret must tell an error that holds the secret from one that does not")
	}
}
