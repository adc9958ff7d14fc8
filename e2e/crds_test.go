//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/e2e-framework/pkg/envconf"
	"sigs.k8s.io/yaml"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/objectstore"
)

// hubkitCRDs lists the CRDs that Hubkit's packages embed. The suite installs
// them all before any feature runs, so a package that gains CRDs only adds
// its CRDs() here.
func hubkitCRDs() []*apiextensionsv1.CustomResourceDefinition {
	return slices.Concat(
		databases.CRDs(),
		objectstore.CRDs(),
	)
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
	crdClient := hub.For[*apiextensionsv1.CustomResourceDefinition](c)
	for _, crd := range crds {
		if err := crdClient.Apply(ctx, crd.DeepCopy(), hub.ForceOwnership()); err != nil {
			return fmt.Errorf("installing CRD %s: %w", crd.Name, err)
		}
	}
	for _, crd := range crds {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			got, err := crdClient.Get(ctx, crd.Name)
			if err != nil {
				return false, err
			}
			for _, cond := range got.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("waiting for CRD %s to be established: %w", crd.Name, err)
		}
	}
	return nil
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
