package reconcile

import (
	"errors"
	"fmt"
)

// Steps collects the errors of independent reconcile steps, in the
// fail-fast:false style of the CrownLabs operators: every step runs, even
// after another one failed, and Err joins the errors of all failed steps.
//
// The zero Steps is ready to use. A Steps is not safe for concurrent use.
type Steps struct {
	errs []error
}

// Run runs step and records its error, if any, prefixed with name.
func (s *Steps) Run(name string, step func() error) {
	if err := step(); err != nil {
		s.errs = append(s.errs, fmt.Errorf("%s: %w", name, err))
	}
}

// Add records err, if it is not nil, as the error of an independent step.
func (s *Steps) Add(err error) {
	if err != nil {
		s.errs = append(s.errs, err)
	}
}

// Failed tells how many steps failed so far.
func (s *Steps) Failed() int { return len(s.errs) }

// Err returns the errors of all failed steps joined (see errors.Join), or
// nil when every step succeeded. errors.Is and errors.As see each of them.
func (s *Steps) Err() error { return errors.Join(s.errs...) }
