package hubtest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// volatileFields are the fields the API server sets differently on every
// run, and the annotation of reconcile.Ensure's digest (which covers the
// owner's UID); comparisons and golden files leave them out.
var volatileFields = map[string]bool{
	"uid": true, "resourceVersion": true, "managedFields": true, "creationTimestamp": true,
	"deletionTimestamp": true, "lastTransitionTime": true, "lastUpdateTime": true, "lastProbeTime": true,
	"startTime": true, "completionTime": true, "startedAt": true,
	"hubkit.dev/applied-hash": true,
}

// volatileGoFields are the same fields by their Go names.
var volatileGoFields = map[string]bool{
	"UID": true, "ResourceVersion": true, "ManagedFields": true, "CreationTimestamp": true,
	"DeletionTimestamp": true, "LastTransitionTime": true, "LastUpdateTime": true, "LastProbeTime": true,
	"StartTime": true, "CompletionTime": true, "StartedAt": true,
}

// IgnoreVolatile is a cmp.Option that leaves out of a comparison the fields
// the API server sets differently on every run: UIDs, resourceVersions,
// managedFields and timestamps, in typed and unstructured objects alike.
func IgnoreVolatile() cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		switch step := p.Last().(type) {
		case cmp.StructField:
			return volatileGoFields[step.Name()]
		case cmp.MapIndex:
			key, ok := reflect.TypeAssert[string](step.Key())
			return ok && volatileFields[key]
		}
		return false
	}, cmp.Ignore())
}

// Stable returns the JSON form of obj without its volatile fields (see
// IgnoreVolatile), the form golden files hold.
func Stable(obj client.Object) (map[string]any, error) {
	content, err := toMap(obj)
	if err != nil {
		return nil, err
	}
	dropVolatile(content)
	return content, nil
}

func dropVolatile(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if volatileFields[k] {
				delete(v, k)
				continue
			}
			dropVolatile(e)
		}
	case []any:
		for _, e := range v {
			dropVolatile(e)
		}
	}
}

// EnvUpdateGolden names the environment variable that, set to "1" or
// "true", makes ExpectGolden write golden files with what the tests produce
// instead of comparing:
//
//	HUBKIT_UPDATE_GOLDEN=1 go test ./...
//
// hubtest registers no command-line flag, so a program or a test binary
// that imports it may define its own -update.
const EnvUpdateGolden = "HUBKIT_UPDATE_GOLDEN"

func updating() bool {
	v := os.Getenv(EnvUpdateGolden)
	return v == "1" || v == "true"
}

// ExpectGolden compares objs, without their volatile fields, with the
// golden file testdata/<name>.golden.yaml and fails the test on any
// difference. Run the tests with HUBKIT_UPDATE_GOLDEN=1 to write the file instead.
func ExpectGolden(tb testing.TB, name string, objs ...client.Object) {
	tb.Helper()
	stable := make([]map[string]any, 0, len(objs))
	for _, obj := range objs {
		s, err := Stable(obj)
		if err != nil {
			tb.Fatalf("hubtest: %v", err)
		}
		stable = append(stable, s)
	}
	got, err := yaml.Marshal(stable)
	if err != nil {
		tb.Fatalf("hubtest: %v", err)
	}
	path := filepath.Join("testdata", name+".golden.yaml")
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			tb.Fatalf("hubtest: %v", err)
		}
		if err := os.WriteFile(path, got, 0o600); err != nil {
			tb.Fatalf("hubtest: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("hubtest: reading the golden file (run the test with HUBKIT_UPDATE_GOLDEN=1 to write it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		tb.Errorf("%s differs from what the test produced (-golden, +got); run with HUBKIT_UPDATE_GOLDEN=1 if the change is right:\n%s", path, diff)
	}
}
