//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/e2e-framework/pkg/envconf"
	"sigs.k8s.io/yaml"

	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/platform"
)

// hubkitCRDs lists the CRDs of every domain in the platform's registry. The
// suite installs them all before any feature runs.
func hubkitCRDs() []*apiextensionsv1.CustomResourceDefinition {
	return platform.CRDs()
}

// installHubkitCRDs is the setup step that installs hubkitCRDs.
func installHubkitCRDs(ctx context.Context, cfg *envconf.Config) (context.Context, error) {
	return ctx, installCRDs(ctx, cfg, hubkitCRDs()...)
}

// installCRDs applies the CRDs and waits until the API server serves them.
func installCRDs(ctx context.Context, cfg *envconf.Config, crds ...*apiextensionsv1.CustomResourceDefinition) error {
	c, err := adminClient(cfg, "")
	if err != nil {
		return err
	}
	return hubtest.InstallCRDs(ctx, c, crds...)
}

// crdFromFile reads a CRD from a YAML file under testdata/.
func crdFromFile(path string) (*apiextensionsv1.CustomResourceDefinition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(data, crd); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return crd, nil
}
