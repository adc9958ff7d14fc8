package hub_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hubkit-dev/hubkit/hub"
)

func TestReadCRDs(t *testing.T) {
	crd := "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.dev\nspec:\n  group: example.dev\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: []\n"
	cases := map[string]struct {
		reason string
		files  fstest.MapFS
		names  []string
		err    string
	}{
		"One":      {reason: "A CRD file reads.", files: fstest.MapFS{"crds/w.yaml": {Data: []byte(crd)}}, names: []string{"widgets.example.dev"}},
		"Other":    {reason: "Files outside the pattern are ignored.", files: fstest.MapFS{"crds/w.yaml": {Data: []byte(crd)}, "README.md": {Data: []byte("x")}}, names: []string{"widgets.example.dev"}},
		"NotACRD":  {reason: "A file of another kind is named.", files: fstest.MapFS{"crds/cm.yaml": {Data: []byte("apiVersion: v1\nkind: ConfigMap\n")}}, err: "crds/cm.yaml"},
		"BadField": {reason: "Unknown fields are refused, with the file's name.", files: fstest.MapFS{"crds/w.yaml": {Data: []byte(crd + "bogus: 1\n")}}, err: "crds/w.yaml"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			crds, err := hub.ReadCRDs(tc.files, "crds/*.yaml")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("\nReason: %s\nerror %v, want one naming %s", tc.reason, err, tc.err)
				}
				return
			}
			if err != nil || len(crds) != len(tc.names) || crds[0].Name != tc.names[0] {
				t.Errorf("\nReason: %s\nReadCRDs = %v, %v", tc.reason, crds, err)
			}
		})
	}
}

func TestMustReadCRDsPanicsOnABadFile(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustReadCRDs of a file that is no CRD did not panic")
		}
	}()
	hub.MustReadCRDs(fstest.MapFS{"crds/bad.yaml": {Data: []byte("kind: [not a CRD")}}, "crds/*.yaml")
}
