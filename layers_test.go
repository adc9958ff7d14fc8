package hubkit_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/hubkit-dev/hubkit"

// layers gives each top-level directory its layer (DESIGN.md, "Module and
// layout"): a package imports only packages on its own layer or below. A
// package's sub-packages (its `<domain>test` simulator among them) share its
// layer.
var layers = map[string]int{
	"hub": 0, "internal": 0,
	"storage": 1, "secrets": 1,
	"databases": 2, "objectstore": 2,
	"dataservices": 3, "gateway": 3,
	"tenancy": 4, "compositions": 4, "apps": 4,
	"platform": 5, "examples": 5,
	"e2e": 6, "": 6, // the end-to-end suites and the module root's dependency pin
}

func layerOf(t *testing.T, pkg string) int {
	t.Helper()
	dir, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/"), "/")
	layer, ok := layers[dir]
	if !ok {
		t.Fatalf("package %s is in no layer: add its directory %q to layers in layers_test.go", pkg, dir)
	}
	return layer
}

type listedPackage struct {
	ImportPath   string   `json:"ImportPath"`   //nolint:tagliatelle // go list's names
	Imports      []string `json:"Imports"`      //nolint:tagliatelle // go list's names
	TestImports  []string `json:"TestImports"`  //nolint:tagliatelle // go list's names
	XTestImports []string `json:"XTestImports"` //nolint:tagliatelle // go list's names
}

// listPackages lists every package of the module with its imports, tests'
// included, for the e2e build tag too.
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-tags", "e2e", "-json=ImportPath,Imports,TestImports,XTestImports", "./...")
	out, err := cmd.Output()
	if err != nil {
		if exit, ok := errors.AsType[*exec.ExitError](err); ok {
			t.Fatalf("go list: %v\n%s", err, exit.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return pkgs
		} else if err != nil {
			t.Fatalf("reading go list's output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
}

// TestLayers fails on an upward import: a package, or its tests, importing
// a package of a higher layer.
func TestLayers(t *testing.T) {
	for _, p := range listPackages(t) {
		own := layerOf(t, p.ImportPath)
		for _, imports := range [][]string{p.Imports, p.TestImports, p.XTestImports} {
			for _, imp := range imports {
				if !strings.HasPrefix(imp, module+"/") && imp != module {
					continue
				}
				if layer := layerOf(t, imp); layer > own {
					t.Errorf("%s (layer %d) imports %s (layer %d): a package imports only its own layer or below", p.ImportPath, own, imp, layer)
				}
			}
		}
	}
}

// testCode tells whether a package is test code that production programs
// must not link: the testing package, controller-runtime's fake client, or
// one of Hubkit's test packages (hubtest, <domain>test, platformtest).
func testCode(pkg string) bool {
	if pkg == "testing" || pkg == "sigs.k8s.io/controller-runtime/pkg/client/fake" {
		return true
	}
	last := pkg[strings.LastIndex(pkg, "/")+1:]
	return strings.HasPrefix(pkg, module+"/") && strings.HasSuffix(last, "test")
}

// TestProductionCodeLinksNoTestCode keeps test code out of what production
// programs link: every library package but the test packages, and the
// mini operator. (The dashboard serves an in-memory cluster by default, so
// it links hubtest on purpose.)
func TestProductionCodeLinksNoTestCode(t *testing.T) {
	var roots []string
	for _, p := range listPackages(t) {
		if testCode(p.ImportPath) || p.ImportPath == module || strings.Contains(p.ImportPath, "/hubtest/") ||
			strings.HasPrefix(p.ImportPath, module+"/e2e") || strings.HasPrefix(p.ImportPath, module+"/examples/") {
			continue
		}
		roots = append(roots, p.ImportPath)
	}
	roots = append(roots, module+"/examples/operator")
	for _, root := range roots {
		out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", root).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", root, err)
		}
		for dep := range strings.Lines(string(out)) {
			if dep = strings.TrimSpace(dep); testCode(dep) {
				t.Errorf("%s links %s: production code must not import test code", root, dep)
			}
		}
	}
}
