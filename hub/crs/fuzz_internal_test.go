package crs

import (
	"context"
	"encoding/json"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// FuzzSchema checks that no schema and no object make the schema checks,
// the compiler or admission panic, and that a schema the checks pass
// compiles.
func FuzzSchema(f *testing.F) {
	f.Add(`{"type":"object","properties":{"spec":{"type":"object","required":["image"],"properties":{"image":{"type":"string","pattern":"^[a-z]+$"},"cpu":{"type":"integer","minimum":1}}}}}`,
		`{"metadata":{"name":"lab","namespace":"ns"},"spec":{"image":"jupyter","cpu":2}}`)
	f.Add(`{"type":"object","x-kubernetes-preserve-unknown-fields":true}`, `{"spec":{"anything":[1,2,{"x":null}]}}`)
	f.Add(`{"type":"nonsense","pattern":"(","items":{"type":"array"}}`, `{}`)
	f.Add(`{"type":"object","properties":{"a":{"type":"array","items":{"type":"object","additionalProperties":{"type":"string","default":"x"}}}}}`, `{"a":[{"k":1}]}`)
	gvk := schema.GroupVersionKind{Group: "example.hubkit.dev", Version: "v1", Kind: "Notebook"}
	f.Fuzz(func(_ *testing.T, schemaJSON, objJSON string) {
		props := &apiextensionsv1.JSONSchemaProps{}
		if json.Unmarshal([]byte(schemaJSON), props) != nil {
			return
		}
		if errs := checkSchemaProps(field.NewPath("schema"), props, 0); len(errs) > 0 {
			return
		}
		s, err := CompileSchema(gvk, true, props)
		if err != nil {
			return
		}
		var obj map[string]any
		if json.Unmarshal([]byte(objJSON), &obj) != nil || obj == nil {
			return
		}
		_ = s.Admit(context.Background(), obj, nil)
	})
}
