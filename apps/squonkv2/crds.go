package squonkv2

import (
	"embed"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/hub"
)

//go:embed crds/*.yaml
var crdFiles embed.FS

// CRDs returns the CustomResourceDefinition of JupyterNotebook, generated
// from this package's types: squonk.it/v2 as the Squonk2 operator installs
// it, with the application contract's annotations (its namespaces are
// the platform's to set: apps.MarkApplication).
func CRDs() []*apiextensionsv1.CustomResourceDefinition {
	return hub.MustReadCRDs(crdFiles, "crds/*.yaml")
}
