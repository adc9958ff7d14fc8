package hub_test

import (
	"testing"

	"github.com/hubkit-dev/hubkit/hub"
)

// BenchmarkSelector parses DigitalHub's service selector and matches it
// against an object's labels.
func BenchmarkSelector(b *testing.B) {
	const text = "app.kubernetes.io/part-of=coder,app.kubernetes.io/type=service|nuclio.io/class=function|app.kubernetes.io/managed-by=postgrest-operator|app.kubernetes.io/managed-by=dremiorestserver-operator|com.coder.resource=true"
	labels := map[string]string{"app.kubernetes.io/managed-by": "dremiorestserver-operator", "app.kubernetes.io/name": "DremioRestServer"}
	b.Run("Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := hub.ParseSelector(text); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Match", func(b *testing.B) {
		sel := hub.MustParseSelector(text)
		b.ReportAllocs()
		for b.Loop() {
			if !sel.MatchesLabels(labels) {
				b.Fatal("no match")
			}
		}
	})
}
