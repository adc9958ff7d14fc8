package compositions_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/hubkit-dev/hubkit/compositions"
)

// A chart's values.schema.json as the spec of a CRD version: the nested
// object that Krateo's generator drops (krateo#43) stays, with its default
// and the required field.
func ExampleSpecSchema() {
	spec, err := compositions.SpecSchema([]byte(`{
	  "type": "object",
	  "required": ["app"],
	  "properties": {"app": {"type": "object", "properties": {"service": {"type": "object",
	    "properties": {"port": {"type": "integer", "default": 80}}}}}}
	}`))
	if err != nil {
		log.Fatal(err)
	}
	out, err := json.Marshal(spec)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))

	_, err = compositions.SpecSchema([]byte(`{"type":"object","properties":{"replicas":{"type":"integer","default":"three"}}}`))
	fmt.Println(err)
	// Output:
	// {"type":"object","required":["app"],"properties":{"app":{"type":"object","properties":{"service":{"type":"object","properties":{"port":{"type":"integer","default":80}}}}}}}
	// values.schema.json: replicas.default: Invalid value: "string":  in body must be of type integer: "string"
}

// The kind a chart becomes, named as Krateo names it.
func ExampleGroupVersionKindOf() {
	gvk := compositions.GroupVersionKindOf(compositions.DefaultGroup, "fireworks-app", "1.1.10")
	fmt.Println(gvk.GroupVersion(), gvk.Kind, compositions.CRDName(gvk))
	// Output:
	// composition.hubkit.dev/v1-1-10 FireworksApp fireworksapps.composition.hubkit.dev
}
