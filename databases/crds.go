package databases

import (
	"embed"
	"fmt"
	"io/fs"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

//go:embed crds/*.yaml
var crdFiles embed.FS

// CRDs returns the CustomResourceDefinitions of Postgres and PostgresUser,
// generated from this package's types. They accept every object the
// upstream operator's CRDs accept.
func CRDs() []*apiextensionsv1.CustomResourceDefinition {
	crds, err := readCRDs(crdFiles)
	if err != nil {
		// The files are embedded at build time and checked by the tests.
		panic(err)
	}
	return crds
}

func readCRDs(files fs.FS) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	paths, err := fs.Glob(files, "crds/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("databases: listing the embedded CRDs: %w", err)
	}
	crds := make([]*apiextensionsv1.CustomResourceDefinition, 0, len(paths))
	for _, p := range paths {
		data, err := fs.ReadFile(files, p)
		if err != nil {
			return nil, fmt.Errorf("databases: reading embedded CRD %s: %w", p, err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			return nil, fmt.Errorf("databases: embedded CRD %s: %w", p, err)
		}
		crds = append(crds, crd)
	}
	return crds, nil
}
