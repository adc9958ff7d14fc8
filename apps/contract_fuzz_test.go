package apps_test

import (
	"strings"
	"testing"

	"github.com/hubkit-dev/hubkit/apps"
	"github.com/hubkit-dev/hubkit/apps/squonkv2"
)

// FuzzApplicationMarks feeds any namespaces and URL location to
// MarkApplication and reads them back with ApplicationOf: no panic, and
// what is accepted reads back as written.
func FuzzApplicationMarks(f *testing.F) {
	f.Add("team-a:team-b", "jupyter.notebook.url")
	f.Add("", "url")
	f.Add("::", "a..b")
	f.Add("Bad_NS", ".")
	f.Add("x", strings.Repeat("a.", 40))
	f.Fuzz(func(t *testing.T, namespaces, location string) {
		crd := squonkv2.CRDs()[0].DeepCopy()
		var list []string
		if namespaces != "" {
			list = strings.Split(namespaces, ":")
		}
		if err := apps.MarkApplication(crd, list, location); err != nil {
			return
		}
		a, ok, err := apps.ApplicationOf(crd)
		if !ok || err != nil {
			t.Fatalf("marked with %q, %q: ApplicationOf = %v, %v", namespaces, location, ok, err)
		}
		if got := strings.Join(a.URLLocation, "."); got != location {
			t.Errorf("URL location %q read back as %q", location, got)
		}
		if got := strings.Join(a.Namespaces, ":"); got != namespaces {
			t.Errorf("namespaces %q read back as %q", namespaces, got)
		}
	})
}
