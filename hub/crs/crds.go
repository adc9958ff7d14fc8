package crs

import (
	"embed"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/hub"
)

//go:embed crds/*.yaml
var crdFiles embed.FS

// CRDs returns the CustomResourceDefinition of CustomResourceSchema,
// generated from this package's types.
func CRDs() []*apiextensionsv1.CustomResourceDefinition {
	crds, err := hub.ReadCRDs(crdFiles, "crds/*.yaml")
	if err != nil {
		panic(err) // the files are embedded at build time and read by the tests
	}
	return crds
}
