package hub

import (
	"fmt"
	"io/fs"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// MustReadCRDs is ReadCRDs for the CRDs a package embeds at build time
// (its crds/*.yaml): a domain's CRDs function is one call of it. It
// panics if they cannot be read, which the package's own tests catch
// before anyone else could.
func MustReadCRDs(fsys fs.FS, pattern string) []*apiextensionsv1.CustomResourceDefinition {
	crds, err := ReadCRDs(fsys, pattern)
	if err != nil {
		panic(err)
	}
	return crds
}

// ReadCRDs reads the CustomResourceDefinitions in the files of fsys that
// match pattern, such as a domain package's embedded "crds/*.yaml". A file
// that is not a CRD, or has fields a CRD does not, is an error naming it.
func ReadCRDs(fsys fs.FS, pattern string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	paths, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("hub: listing CRD files %q: %w", pattern, err)
	}
	crds := make([]*apiextensionsv1.CustomResourceDefinition, 0, len(paths))
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("hub: reading CRD file %s: %w", p, err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			return nil, fmt.Errorf("hub: CRD file %s: %w", p, err)
		}
		if crd.Kind != "CustomResourceDefinition" {
			return nil, fmt.Errorf("hub: CRD file %s holds a %q, not a CustomResourceDefinition", p, crd.Kind)
		}
		crds = append(crds, crd)
	}
	return crds, nil
}
