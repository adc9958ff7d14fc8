package hubtest

import (
	"log"
	"testing"
)

// standaloneTB is a testing.TB for code outside a test.
type standaloneTB struct{ testing.TB }

func (standaloneTB) Helper()                        {}
func (standaloneTB) Cleanup(func())                 {}
func (standaloneTB) Fatalf(format string, a ...any) { log.Fatalf(format, a...) }
func (standaloneTB) Errorf(format string, a ...any) { log.Printf(format, a...) }
func (standaloneTB) Logf(format string, a ...any)   { log.Printf(format, a...) }

// Standalone returns a testing.TB for using a Fake outside a test, as
// Example functions and demo programs do: a setup failure ends the program
// with log.Fatalf, a reported error is logged, and cleanups never run. Its
// other methods are not to be called.
func Standalone() testing.TB { return standaloneTB{} }
