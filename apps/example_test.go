package apps_test

import (
	"fmt"
	"log"

	"github.com/hubkit-dev/hubkit/apps"
	"github.com/hubkit-dev/hubkit/apps/squonkv2"
)

// A platform marks the notebook kind as an application of two namespaces;
// the Data Manager, and ApplicationOf, then find it there and know where an
// instance's URL is.
func ExampleMarkApplication() {
	crd := squonkv2.CRDs()[0]
	if err := apps.MarkApplication(crd, []string{"team-a", "team-b"}, "jupyter.notebook.url"); err != nil {
		log.Fatal(err)
	}
	a, ok, err := apps.ApplicationOf(crd)
	if err != nil || !ok {
		log.Fatal(ok, err)
	}
	fmt.Println(a.GroupVersionKind.Kind, a.AvailableIn("team-a"), a.AvailableIn("team-c"), a.URLLocation)
	fmt.Println(apps.InstanceLabel("lab"))
	fmt.Println(len(apps.ValidateApplicationCRD(crd)), "problems")
	// Output:
	// JupyterNotebook true false [jupyter notebook url]
	// data-manager.informaticsmatters.com/instance=lab
	// 0 problems
}
