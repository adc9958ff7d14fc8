package apps

import (
	"embed"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/hub"
)

//go:embed crds/*.yaml
var crdFiles embed.FS

// CRDs returns the CustomResourceDefinitions of Template and Instance,
// generated from this package's types.
func CRDs() []*apiextensionsv1.CustomResourceDefinition {
	return hub.MustReadCRDs(crdFiles, "crds/*.yaml")
}
