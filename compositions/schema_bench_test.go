package compositions_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/hubkit-dev/hubkit/compositions"
)

// FuzzSpecSchema checks that no input makes the converter panic, and that
// what it returns passes the API server's CRD validation.
func FuzzSpecSchema(f *testing.F) {
	f.Add([]byte(`{"type":"object","properties":{"app":{"type":"object","properties":{"service":{"type":"object","properties":{"port":{"type":"integer","default":80}}}}}}}`))
	f.Add([]byte(`{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"type":"object","properties":{"x":{"$ref":"#/$defs/a"}}}`))
	f.Add([]byte(`{"type":"object","properties":{"s":{"anyOf":[{"type":"integer"},{"type":"string"}]},"m":{"additionalProperties":{"type":"array","items":{"type":["number","null"]}}}}}`))
	f.Add([]byte(`{"type":"object","properties":{"e":{"enum":[1,"a",null,{"b":[]}]},"d":{"type":"integer","default":1.5,"exclusiveMinimum":2,"minimum":1}}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := compositions.SpecSchema(data)
		if err != nil {
			return
		}
		if err := compositions.CheckVersionSchema(t.Context(), compositions.VersionSchema(spec)); err != nil {
			t.Fatalf("SpecSchema returned a schema the API server refuses: %v", err)
		}
	})
}

// bigSchema is a chart schema of about size bytes: many sections of
// nested objects with descriptions, defaults and enums, as large charts
// (a database's, with primary, replicas, persistence, metrics...) have.
// Every property has a description of a sentence or two, as the schemas
// that Bitnami's readme generator writes do; dense is false for those, true
// for a schema of short descriptions (about four times as many nodes in
// the same bytes).
func bigSchema(size int, dense bool) []byte {
	props := map[string]any{}
	long := "Value of the chart: it is passed to the templates as it is, see the chart's README for what each setting does and its default, and the upgrade notes."
	for i := 0; ; i++ {
		section := map[string]any{"type": "object", "description": "Section " + strconv.Itoa(i) + " of the chart's values.", "properties": map[string]any{
			"enabled":   map[string]any{"type": "boolean", "default": false, "description": "Whether the section is on."},
			"replicas":  map[string]any{"type": "integer", "minimum": 0, "default": 1},
			"image":     map[string]any{"type": "object", "properties": map[string]any{"repository": map[string]any{"type": "string"}, "tag": map[string]any{"type": "string", "pattern": "^[a-z0-9.-]+$"}, "pullPolicy": map[string]any{"type": "string", "enum": []string{"Always", "IfNotPresent", "Never"}}}},
			"resources": map[string]any{"type": "object", "properties": map[string]any{"limits": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}, "requests": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}},
			"service":   map[string]any{"type": "object", "properties": map[string]any{"type": map[string]any{"type": "string", "enum": []string{"ClusterIP", "NodePort", "LoadBalancer"}, "default": "ClusterIP"}, "ports": map[string]any{"type": "array", "items": map[string]any{"type": "object", "required": []string{"port"}, "properties": map[string]any{"name": map[string]any{"type": "string"}, "port": map[string]any{"type": "integer", "minimum": 1, "maximum": 65535}}}}}},
		}}
		if !dense {
			describe(section, long)
		}
		props[fmt.Sprintf("section%03d", i)] = section
		raw, err := json.Marshal(map[string]any{"type": "object", "properties": props})
		if err != nil {
			panic(err)
		}
		if len(raw) >= size {
			return raw
		}
	}
}

// describe gives every property under node the description text.
func describe(node map[string]any, text string) {
	props, _ := node["properties"].(map[string]any)
	for _, p := range props {
		child, _ := p.(map[string]any)
		child["description"] = text
		describe(child, text)
		if items, ok := child["items"].(map[string]any); ok {
			describe(items, text)
		}
	}
}

// BenchmarkSpecSchema converts a 200 KB schema, the API server's
// structural checks included (the bar: under 10 ms), described as
// charts describe their values, and dense.
func BenchmarkSpecSchema(b *testing.B) {
	for _, dense := range []bool{false, true} {
		schema := bigSchema(200<<10, dense)
		b.Run(fmt.Sprintf("dense=%v", dense), func(b *testing.B) {
			b.SetBytes(int64(len(schema)))
			for b.Loop() {
				if _, err := compositions.SpecSchema(schema); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
