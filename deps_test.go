package hubkit_test

// The blank imports below pin the dependency set that later layers of Hubkit
// build on (Helm charts, e2e suites, CRD validation), so that `go mod tidy`
// keeps them and `go vet ./...` proves that they compile together with the
// Kubernetes libraries at the versions in go.mod.
import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/stretchr/testify/require" //nolint:testifylint // pinned for the suites of later layers
	_ "helm.sh/helm/v3/pkg/action"
	_ "helm.sh/helm/v3/pkg/chart/loader"
	_ "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	_ "sigs.k8s.io/e2e-framework/pkg/env"
	_ "sigs.k8s.io/e2e-framework/support/kwok"
)
