package dataservices

import (
	"embed"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/hub"
)

//go:embed crds/*.yaml
var crdFiles embed.FS

// CRDs returns the CustomResourceDefinitions of Postgrest and
// DremioRestServer, generated from postgrestv1's and dremiov1's types.
// Like the operators' own, they require and default nothing, so they
// accept every object the upstream CRDs accept.
func CRDs() []*apiextensionsv1.CustomResourceDefinition {
	return hub.MustReadCRDs(crdFiles, "crds/*.yaml")
}
