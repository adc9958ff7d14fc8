package hub_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

var postgresKind = schema.GroupKind{Group: "db.movetokube.com", Kind: "Postgres"}

func TestValidationError(t *testing.T) {
	errs := field.ErrorList{
		field.Required(field.NewPath("spec", "database"), "name the database to create"),
		field.NotSupported(field.NewPath("spec", "dropOnDelete"), "maybe", []string{"true", "false"}),
	}
	err := fmt.Errorf("creating the database: %w", hub.NewValidationError(postgresKind, "analytics", errs))

	var ve *hub.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("errors.As(%v) found no *ValidationError", err)
	}
	if diff := cmp.Diff(errs, ve.Errors); diff != "" {
		t.Errorf("the error lost field errors: -want, +got:\n%s", diff)
	}
	if !hub.IsInvalid(err) || !apierrors.IsInvalid(err) {
		t.Errorf("a wrapped *ValidationError is not Invalid to hub.IsInvalid or apierrors.IsInvalid")
	}
	for _, path := range []string{"spec.database", "spec.dropOnDelete", `"analytics"`, "Postgres.db.movetokube.com"} {
		if msg := err.Error(); !strings.Contains(msg, path) {
			t.Errorf("error %q does not name %s", msg, path)
		}
	}

	status := ve.Status()
	want := metav1.Status{
		Status: metav1.StatusFailure,
		Code:   422,
		Reason: metav1.StatusReasonInvalid,
		Details: &metav1.StatusDetails{
			Name:  "analytics",
			Group: "db.movetokube.com",
			Kind:  "Postgres",
			Causes: []metav1.StatusCause{
				{Type: metav1.CauseTypeFieldValueRequired, Field: "spec.database", Message: "Required value: name the database to create"},
				{Type: metav1.CauseTypeFieldValueNotSupported, Field: "spec.dropOnDelete", Message: `Unsupported value: "maybe": supported values: "true", "false"`},
			},
		},
	}
	if diff := cmp.Diff(want, status, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Message" }, cmp.Ignore())); diff != "" {
		t.Errorf("Status() is not the API server's Invalid status: -want, +got:\n%s", diff)
	}
	if got := ve.APIStatus().Error(); got != status.Message {
		t.Errorf("APIStatus().Error() = %q, want the status message %q", got, status.Message)
	}
}

func TestNewValidationErrorWithoutErrors(t *testing.T) {
	if err := hub.NewValidationError(postgresKind, "x", nil); err != nil {
		t.Errorf("NewValidationError with no field errors = %v, want nil", err)
	}
}

func TestErrorPredicates(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	wrap := func(err error) error { return fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", err)) }
	cases := map[string]struct {
		reason string
		err    error
		want   map[string]bool
	}{
		"NotFound": {
			reason: "A wrapped NotFound is seen through two layers.",
			err:    wrap(apierrors.NewNotFound(gr, "x")),
			want:   map[string]bool{"NotFound": true},
		},
		"Conflict": {
			reason: "A wrapped Conflict is seen.",
			err:    wrap(apierrors.NewConflict(gr, "x", errors.New("stale"))),
			want:   map[string]bool{"Conflict": true},
		},
		"Forbidden": {
			reason: "A wrapped Forbidden is seen.",
			err:    wrap(apierrors.NewForbidden(gr, "x", errors.New("no rbac"))),
			want:   map[string]bool{"Forbidden": true},
		},
		"AlreadyExists": {
			reason: "A wrapped AlreadyExists is seen.",
			err:    wrap(apierrors.NewAlreadyExists(gr, "x")),
			want:   map[string]bool{"AlreadyExists": true},
		},
		"Invalid": {
			reason: "A wrapped ValidationError is Invalid and nothing else.",
			err:    wrap(hub.NewValidationError(postgresKind, "x", field.ErrorList{field.Required(field.NewPath("spec"), "")})),
			want:   map[string]bool{"Invalid": true},
		},
		"Plain": {
			reason: "An error without a status is none of them.",
			err:    errors.New("boom"),
			want:   map[string]bool{},
		},
		"Nil": {
			reason: "No error is none of them.",
			err:    nil,
			want:   map[string]bool{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := map[string]bool{}
			for pname, pred := range map[string]func(error) bool{
				"NotFound": hub.IsNotFound, "Conflict": hub.IsConflict, "Forbidden": hub.IsForbidden,
				"AlreadyExists": hub.IsAlreadyExists, "Invalid": hub.IsInvalid,
			} {
				if pred(tc.err) {
					got[pname] = true
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestValidateName(t *testing.T) {
	p := field.NewPath("metadata", "name")
	cases := map[string]struct {
		reason string
		name   string
		want   []field.ErrorType
	}{
		"Valid": {reason: "A DNS subdomain is a name.", name: "analytics.v2"},
		"Empty": {reason: "A name is required.", name: "", want: []field.ErrorType{field.ErrorTypeRequired}},
		"Upper": {reason: "Upper case is refused.", name: "Analytics", want: []field.ErrorType{field.ErrorTypeInvalid}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := hub.ValidateName(p, tc.name)
			var got []field.ErrorType
			if len(errs) > 0 {
				got = make([]field.ErrorType, 0, len(errs))
			}
			for _, e := range errs {
				got = append(got, e.Type)
				if e.Field != "metadata.name" {
					t.Errorf("\nReason: %s\nfield %q, want metadata.name", tc.reason, e.Field)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
