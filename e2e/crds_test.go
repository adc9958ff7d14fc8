//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

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

// installGatewayAPICRDs installs the Gateway API's standard channel CRDs,
// from the sigs.k8s.io/gateway-api module Hubkit builds with, so that the
// HTTPRoutes the gateway domain renders are checked by their own schemas.
func installGatewayAPICRDs(ctx context.Context, cfg *envconf.Config) (context.Context, error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		return ctx, fmt.Errorf("finding the sigs.k8s.io/gateway-api module: %w", err)
	}
	// The kinds a route needs.
	dir := filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard")
	var files []string
	for _, plural := range []string{"gatewayclasses", "gateways", "httproutes", "referencegrants"} {
		files = append(files, filepath.Join(dir, "gateway.networking.k8s.io_"+plural+".yaml"))
	}
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, f := range files {
		crd, err := crdFromFile(f)
		if err != nil {
			return ctx, err
		}
		crds = append(crds, crd)
	}
	return ctx, installCRDs(ctx, cfg, crds...)
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
