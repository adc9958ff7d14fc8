package gateway

import (
	"embed"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/hub"
)

//go:embed crds/*.yaml
var crdFiles embed.FS

// CRDs returns the CustomResourceDefinition of ApiGw, generated from this
// package's types. Like the operator's own, it requires and defaults
// nothing, so it accepts every object the upstream CRD accepts.
func CRDs() []*apiextensionsv1.CustomResourceDefinition {
	return hub.MustReadCRDs(crdFiles, "crds/*.yaml")
}
