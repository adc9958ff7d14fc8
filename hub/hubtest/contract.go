package hubtest

import (
	"context"
	"testing"
)

// A ContractCase is one scenario of a contract suite: behaviour that every
// implementation of an interface (an in-memory one and the real system's
// client) must show.
type ContractCase[S any] struct {
	Name string
	Run  func(ctx context.Context, t *testing.T, subject S)
}

// RunContract runs every case as a subtest of t, each on a fresh subject
// from newSubject. The domains' `<domain>test` packages run their
// external-system contracts with it, once on the in-memory system and once
// on the real one.
func RunContract[S any](t *testing.T, newSubject func(t *testing.T) S, cases ...ContractCase[S]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { c.Run(t.Context(), t, newSubject(t)) })
	}
}
