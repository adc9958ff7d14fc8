package compositions_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"

	"github.com/hubkit-dev/hubkit/compositions"
)

// specJSON converts schema and returns the spec schema as JSON, for
// comparing.
func specJSON(t *testing.T, schema string) map[string]any {
	t.Helper()
	spec, err := compositions.SpecSchema([]byte(schema))
	if err != nil {
		t.Fatalf("SpecSchema: %v", err)
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSpecSchemaKeywords(t *testing.T) {
	cases := map[string]struct {
		schema string
		want   string
	}{
		"Nested objects (krateo#43)": {
			schema: `{"type":"object","properties":{"app":{"type":"object","properties":{"service":{"type":"object","properties":{"port":{"type":"integer"}}}}}}}`,
			want:   `{"type":"object","properties":{"app":{"type":"object","properties":{"service":{"type":"object","properties":{"port":{"type":"integer"}}}}}}}`,
		},
		"Required, default, enum, bounds": {
			schema: `{"type":"object","required":["mode"],"properties":{"mode":{"type":"string","enum":["a","b"],"default":"a","description":"The mode."},"replicas":{"type":"integer","minimum":0,"maximum":10,"exclusiveMaximum":true,"multipleOf":1},"name":{"type":"string","minLength":1,"maxLength":63,"pattern":"^[a-z]+$"}}}`,
			want:   `{"type":"object","required":["mode"],"properties":{"mode":{"type":"string","description":"The mode.","enum":["a","b"],"default":"a"},"replicas":{"type":"integer","minimum":0,"maximum":10,"exclusiveMaximum":true,"multipleOf":1},"name":{"type":"string","minLength":1,"maxLength":63,"pattern":"^[a-z]+$"}}}`,
		},
		"Draft 2020-12 exclusive bounds, const, nullable": {
			schema: `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"ratio":{"type":"number","exclusiveMinimum":0},"kind":{"const":"web"},"tag":{"type":["string","null"]}}}`,
			want:   `{"type":"object","properties":{"kind":{"x-kubernetes-preserve-unknown-fields":true,"enum":["web"]},"ratio":{"type":"number","minimum":0,"exclusiveMinimum":true},"tag":{"type":"string","nullable":true}}}`,
		},
		"Refs to $defs and definitions, inlined": {
			schema: `{"type":"object","$defs":{"port":{"type":"integer","minimum":1}},"definitions":{"svc":{"type":"object","properties":{"port":{"$ref":"#/$defs/port"}}}},"properties":{"service":{"$ref":"#/definitions/svc"}}}`,
			want:   `{"type":"object","properties":{"service":{"type":"object","properties":{"port":{"type":"integer","minimum":1}}}}}`,
		},
		"Maps and open objects": {
			schema: `{"type":"object","properties":{"labels":{"type":"object","additionalProperties":{"type":"string"}},"podAnnotations":{"type":"object"},"extra":{"type":"object","additionalProperties":true}}}`,
			want:   `{"type":"object","properties":{"extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"labels":{"type":"object","additionalProperties":{"type":"string"}},"podAnnotations":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}`,
		},
		"Arrays of objects, unique scalars": {
			schema: `{"type":"object","properties":{"hosts":{"type":"array","items":{"type":"object","required":["name"],"properties":{"name":{"type":"string","format":"hostname"}}}},"tags":{"type":"array","uniqueItems":true,"items":{"type":"string","format":"uri-reference"}}}}`,
			want:   `{"type":"object","properties":{"hosts":{"type":"array","items":{"type":"object","required":["name"],"properties":{"name":{"type":"string","format":"hostname"}}}},"tags":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"set"}}}`,
		},
		"oneOf whose branches agree with the node": {
			schema: `{"type":"object","properties":{"size":{"oneOf":[{"type":"string","pattern":"^[0-9]+Gi$"},{"type":"string","enum":["small","large"]}]}}}`,
			want:   `{"type":"object","properties":{"size":{"type":"string","oneOf":[{"pattern":"^[0-9]+Gi$"},{"enum":["small","large"]}]}}}`,
		},
		"Empty schema": {schema: ``, want: `{"type":"object","x-kubernetes-preserve-unknown-fields":true}`},
		"Unions of types": {
			schema: `{"type":"object","properties":{"cpu":{"type":["string","number"]},"flag":{"type":["string","boolean"]},"n":{"type":["integer","number","null"]}}}`,
			want:   `{"type":"object","properties":{"cpu":{"x-kubernetes-int-or-string":true},"flag":{"x-kubernetes-preserve-unknown-fields":true},"n":{"type":"number","nullable":true}}}`,
		},
		"allOf, anyOf, not, titles, item and property bounds": {
			schema: `{"type":"object","properties":{"a":{"title":"A list","type":"array","minItems":1,"maxItems":3,"items":{"type":"string"},"allOf":[{"minItems":2}]},"m":{"type":"object","minProperties":1,"maxProperties":5,"additionalProperties":{"type":"string"},"anyOf":[{"required":["x"]},{"required":["y"]}]},"s":{"type":"string","not":{"enum":["root"]}}}}`,
			want:   `{"type":"object","properties":{"a":{"type":"array","description":"A list","minItems":1,"maxItems":3,"items":{"type":"string"},"allOf":[{"minItems":2}]},"m":{"type":"object","minProperties":1,"maxProperties":5,"additionalProperties":{"type":"string"},"anyOf":[{"required":["x"]},{"required":["y"]}]},"s":{"type":"string","not":{"enum":["root"]}}}}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var want map[string]any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, specJSON(t, tc.schema)); diff != "" {
				t.Errorf("-want, +got:\n%s", diff)
			}
		})
	}
}

func TestSpecSchemaErrors(t *testing.T) {
	cases := map[string]struct {
		schema, want string
	}{
		"Recursive $ref":           {schema: `{"type":"object","$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},"properties":{"tree":{"$ref":"#/$defs/node"}}}`, want: `tree.children.items: $ref "#/$defs/node" is recursive`},
		"Ref outside the document": {schema: `{"type":"object","properties":{"a":{"$ref":"https://example.org/s.json"}}}`, want: `a: $ref "https://example.org/s.json": only references into the same document`},
		"Missing ref":              {schema: `{"type":"object","properties":{"a":{"$ref":"#/$defs/nope"}}}`, want: `a: $ref "#/$defs/nope" does not point into the document`},
		"Default against its type": {schema: `{"type":"object","properties":{"replicas":{"type":"integer","default":"three"}}}`, want: `replicas.default`},
		"Branches of two types":    {schema: `{"type":"object","properties":{"port":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}`, want: `port.oneOf[1]: a branch of type "integer" under a node of type "string"`},
		"Unique objects":           {schema: `{"type":"object","properties":{"l":{"type":"array","uniqueItems":true,"items":{"type":"object"}}}}`, want: `l.uniqueItems`},
		"Not JSON":                 {schema: `type: object`, want: `values.schema.json: not JSON`},
		"Not an object":            {schema: `{"type":"string"}`, want: `the values are an object`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := compositions.SpecSchema([]byte(tc.schema))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("SpecSchema = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// The API server's own validator, with the converted schema: the nested
// field of krateo#43 is neither pruned nor refused, and a wrong value is
// refused with its path.
func TestConvertedSchemaValidatesLikeTheAPIServer(t *testing.T) {
	spec, err := compositions.SpecSchema([]byte(`{"type":"object","required":["app"],"properties":{"app":{"type":"object","properties":{"service":{"type":"object","properties":{"port":{"type":"integer"}}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]any{"app": map[string]any{"service": map[string]any{"port": int64(80)}}}
	if paths := validate(t, spec, good); len(paths) > 0 {
		t.Errorf("a valid object refused at %v", paths)
	}
	if port := good["app"].(map[string]any)["service"].(map[string]any)["port"]; port != int64(80) {
		t.Errorf("spec.app.service.port after pruning = %v, want 80 (krateo#43 lost it)", port)
	}
	bad := map[string]any{"app": map[string]any{"service": map[string]any{"port": "eighty"}}}
	if diff := cmp.Diff([]string{"spec.app.service.port"}, validate(t, spec, bad)); diff != "" {
		t.Errorf("a string port: paths refused: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]string{"spec.app"}, validate(t, spec, map[string]any{})); diff != "" {
		t.Errorf("no app: paths refused: -want, +got:\n%s", diff)
	}
}

// validate checks spec against the version schema of a converted chart
// schema with the API server's own validator, after pruning, and returns
// the paths of its errors.
func validate(t *testing.T, spec *apiextensionsv1.JSONSchemaProps, values map[string]any) []string {
	t.Helper()
	internal := &apiextensions.JSONSchemaProps{}
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(compositions.VersionSchema(spec).OpenAPIV3Schema, internal, nil); err != nil {
		t.Fatal(err)
	}
	structural, err := structuralschema.NewStructural(internal)
	if err != nil {
		t.Fatal(err)
	}
	validator, _, err := apiservervalidation.NewSchemaValidator(internal)
	if err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{"apiVersion": "composition.hubkit.dev/v1-0-0", "kind": "Chart", "metadata": map[string]any{"name": "a"}, "spec": values}
	pruning.Prune(obj, structural, true)
	errs := apiservervalidation.ValidateCustomResource(nil, obj, validator)
	paths := make([]string, 0, len(errs))
	for _, e := range errs {
		paths = append(paths, e.Field)
	}
	return paths
}

// The corpus: schemas as Bitnami-style charts write them, converted,
// checked with the API server's whole CRD validation, and validating
// values as the chart means.
func TestChartSchemaCorpus(t *testing.T) {
	cases := map[string]struct {
		valid, invalid map[string]any
		wantPaths      []string
	}{
		"postgresql.schema.json": {
			valid: map[string]any{"auth": map[string]any{"database": "shop"}, "primary": map[string]any{"persistence": map[string]any{"size": "20Gi"},
				"resources": map[string]any{"limits": map[string]any{"cpu": "500m", "memory": 1e9}}}, "readReplicas": map[string]any{"replicaCount": int64(2)}},
			invalid:   map[string]any{"auth": map[string]any{}, "architecture": "cluster", "primary": map[string]any{"persistence": map[string]any{"size": "lots"}}},
			wantPaths: []string{"spec.architecture", "spec.auth.database", "spec.primary.persistence.size"},
		},
		"nginx.schema.json": {
			valid:     map[string]any{"containerPorts": map[string]any{"http": int64(8080)}, "ingress": map[string]any{"extraHosts": []any{map[string]any{"name": "shop.example.org"}}}, "autoscaling": map[string]any{"minReplicas": nil}},
			invalid:   map[string]any{"containerPorts": map[string]any{"http": int64(70000)}, "ingress": map[string]any{"extraHosts": []any{map[string]any{"path": "/"}}}},
			wantPaths: []string{"spec.containerPorts.http", "spec.ingress.extraHosts[0].name"},
		},
		"redis.schema.json": {
			valid:     map[string]any{"sentinel": map[string]any{"downAfterMilliseconds": int64(5000)}, "extraDeploy": []any{map[string]any{"kind": "ConfigMap"}}, "commonLabels": map[string]any{"team": "a"}},
			invalid:   map[string]any{"sentinel": map[string]any{"downAfterMilliseconds": int64(1500)}, "master": map[string]any{"count": int64(0)}},
			wantPaths: []string{"spec.master.count", "spec.sentinel.downAfterMilliseconds"},
		},
	}
	for file, tc := range cases {
		t.Run(file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "schemas", file))
			if err != nil {
				t.Fatal(err)
			}
			spec, err := compositions.SpecSchema(raw)
			if err != nil {
				t.Fatalf("SpecSchema: %v", err)
			}
			if err := compositions.CheckVersionSchema(t.Context(), compositions.VersionSchema(spec)); err != nil {
				t.Fatalf("the API server's CRD validation: %v", err)
			}
			if paths := validate(t, spec, tc.valid); len(paths) != 0 {
				t.Errorf("valid values refused at %v", paths)
			}
			paths := validate(t, spec, tc.invalid)
			slices.Sort(paths)
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("invalid values: the paths refused: -want, +got:\n%s", diff)
			}
		})
	}
}
