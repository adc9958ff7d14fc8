package hubtest

import (
	"fmt"
	"log/slog"
	"testing"
)

// standaloneTB is a testing.TB for code outside a test.
type standaloneTB struct{ testing.TB }

func (standaloneTB) Helper()        {}
func (standaloneTB) Cleanup(func()) {}
func (standaloneTB) Errorf(format string, a ...any) {
	slog.Error(fmt.Sprintf(format, a...))
}
func (standaloneTB) Logf(format string, a ...any) {
	slog.Debug(fmt.Sprintf(format, a...))
}

// Fatalf panics: outside a test there is no test to end, and a library
// never ends the program.
func (standaloneTB) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }

// Standalone returns a testing.TB for using NewFake outside a test, as
// Example functions do: a setup failure panics with its message, a
// reported error is logged with log/slog, and cleanups never run. Its other
// methods are not to be called. Programs call New instead, which returns
// setup errors.
func Standalone() testing.TB { return standaloneTB{} }
