package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// schemaOf reads a schema written in YAML.
func schemaOf(t *testing.T, text string) *apiextensionsv1.JSONSchemaProps {
	t.Helper()
	s := &apiextensionsv1.JSONSchemaProps{}
	if err := yaml.Unmarshal([]byte(text), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// everyType is a schema with a field of every type a form draws.
const everyType = `
type: object
properties:
  apiVersion: {type: string}
  kind: {type: string}
  metadata: {type: object}
  status: {type: object, properties: {ready: {type: boolean}}}
  spec:
    type: object
    required: [size, engine, tls]
    properties:
      size:
        type: string
        enum: [small, large]
        description: |-
          Size is how big
          the thing is.
      engine: {type: string, pattern: '^[a-z]+$', minLength: 2, maxLength: 20, default: postgres}
      owner: {type: string, pattern: '[a-z]'}
      replicas: {type: integer, minimum: 1, maximum: 5, default: 3}
      ratio: {type: number, minimum: 0.5, maximum: 2, exclusiveMaximum: true}
      shards: {type: integer, minimum: 0, exclusiveMinimum: true}
      tier: {type: integer, enum: [1, 2]}
      enabled: {type: boolean, default: true}
      tags: {type: array, items: {type: string}, default: [a, b]}
      ports: {type: array, items: {type: integer, enum: [80, 443]}}
      rules: {type: array, items: {type: object, properties: {host: {type: string}}}, default: [{host: x}]}
      labels: {type: object, additionalProperties: {type: string}}
      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
      port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
      tls:
        type: object
        required: [secret]
        properties:
          secret: {type: string}
      backup:
        type: object
        required: [schedule]
        properties:
          schedule: {type: string}
  data:
    type: object
    properties:
      note: {type: string}
`

func TestFormFields(t *testing.T) {
	specJSON := specJSONField()
	cases := map[string]struct {
		reason string
		schema string // YAML; empty for a nil schema
		want   []formField
	}{
		"NilSchema": {
			reason: "A CRD without a schema gives the name and spec as JSON.",
			want:   []formField{nameField(), specJSON},
		},
		"NoProperties": {
			reason: "A schema without properties gives the name and spec as JSON.",
			schema: `type: object`,
			want:   []formField{nameField(), specJSON},
		},
		"SpecWithoutProperties": {
			reason: "A spec without properties is JSON.",
			schema: `{type: object, properties: {spec: {type: object}, status: {type: object, properties: {x: {type: string}}}}}`,
			want:   []formField{nameField(), specJSON},
		},
		"SpecOfUnknownFields": {
			reason: "A spec that keeps unknown fields is JSON, even with properties: a form could not add the others.",
			schema: `{type: object, properties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true, properties: {a: {type: string}}}}}`,
			want:   []formField{nameField(), specJSON},
		},
		"PropertyNameMakingNoPath": {
			reason: "An object with a property whose name would make an ambiguous path is JSON.",
			schema: `{type: object, properties: {spec: {type: object, properties: {a.b: {type: string}, c: {type: string}}}}}`,
			want:   []formField{nameField(), specJSON},
		},
		"EveryType": {
			reason: "Each type is drawn as its input, with its constraints, default and description; required fields come first; other top-level objects follow spec's fields; apiVersion, kind, metadata and status are no fields.",
			schema: everyType,
			want: []formField{
				nameField(),
				{Path: "spec.engine", Label: "engine", Kind: textField, Type: "string", Required: true, Default: "postgres", Pattern: "^[a-z]+$", MinLength: "2", MaxLength: "20"},
				{Path: "spec.size", Label: "size", Kind: selectField, Type: "string", Required: true, Description: "Size is how big the thing is.", Options: []string{"small", "large"}},
				{Path: "spec.tls", Label: "tls", Kind: objectField, Required: true, Fields: []formField{
					{Path: "spec.tls.secret", Label: "secret", Kind: textField, Type: "string", Required: true},
				}},
				{Path: "spec.backup", Label: "backup", Kind: objectField, Fields: []formField{
					{Path: "spec.backup.schedule", Label: "schedule", Kind: textField, Type: "string", Note: "Required when spec.backup is set."},
				}},
				{Path: "spec.enabled", Label: "enabled", Kind: checkboxField, Type: "boolean", Default: "true"},
				{Path: "spec.extra", Label: "extra", Kind: jsonField, Note: "JSON."},
				{Path: "spec.labels", Label: "labels", Kind: jsonField, Note: "JSON: an object."},
				{Path: "spec.owner", Label: "owner", Kind: textField, Type: "string", Pattern: ".*(?:[a-z]).*"},
				{Path: "spec.port", Label: "port", Kind: jsonField, Note: "JSON: a number, or a string in quotes."},
				{Path: "spec.ports", Label: "ports", Kind: listField, Type: "integer", Note: "A comma-separated list of: 80, 443."},
				{Path: "spec.ratio", Label: "ratio", Kind: numberField, Type: "number", Min: "0.5", Max: "2", Step: "any"},
				{Path: "spec.replicas", Label: "replicas", Kind: numberField, Type: "integer", Default: "3", Min: "1", Max: "5", Step: "1"},
				{Path: "spec.rules", Label: "rules", Kind: jsonField, Default: `[{"host":"x"}]`, Note: "JSON."},
				{Path: "spec.shards", Label: "shards", Kind: numberField, Type: "integer", Min: "1", Step: "1"},
				{Path: "spec.tags", Label: "tags", Kind: listField, Type: "string", Default: "a, b", Note: "A comma-separated list."},
				{Path: "spec.tier", Label: "tier", Kind: selectField, Type: "integer", Options: []string{"1", "2"}},
				{Path: "data", Label: "data", Kind: objectField, Fields: []formField{
					{Path: "data.note", Label: "note", Kind: textField, Type: "string"},
				}},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var s *apiextensionsv1.JSONSchemaProps
			if tc.schema != "" {
				s = schemaOf(t, tc.schema)
			}
			if diff := cmp.Diff(tc.want, formFields(s)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// nested returns a schema whose spec nests objects depth deep, a string at
// the bottom.
func nested(depth int) *apiextensionsv1.JSONSchemaProps {
	inner := apiextensionsv1.JSONSchemaProps{Type: "string"}
	for range depth {
		inner = apiextensionsv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{"a": inner}}
	}
	return &apiextensionsv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{"spec": inner}}
}

// wide returns an object of n strings and, when inner is set, an object
// "inner".
func wide(n int, inner *apiextensionsv1.JSONSchemaProps) apiextensionsv1.JSONSchemaProps {
	s := apiextensionsv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{}}
	for i := range n {
		s.Properties[fmt.Sprintf("f%03d", i)] = apiextensionsv1.JSONSchemaProps{Type: "string"}
	}
	if inner != nil {
		s.Properties["inner"] = *inner
	}
	return s
}

// formShape is what the bounds of a form are about: how many fields it
// has, how deep its fieldsets nest, and its JSON fields.
type formShape struct {
	Fields, Depth int
	JSON          []string
}

func shapeOf(fields []formField, depth int, shape *formShape) {
	for _, f := range fields {
		shape.Fields++
		switch f.Kind {
		case objectField:
			shape.Depth = max(shape.Depth, depth+1)
			shapeOf(f.Fields, depth+1, shape)
		case jsonField:
			shape.JSON = append(shape.JSON, f.Path)
		default:
		}
	}
}

func TestFormFieldsBounds(t *testing.T) {
	big := wide(maxFormFields, nil)
	cases := map[string]struct {
		reason string
		schema *apiextensionsv1.JSONSchemaProps
		want   formShape
	}{
		"DeepWithinBounds": {
			reason: "Objects nest as fieldsets down to the bound (spec is the first level).",
			schema: nested(maxFormDepth),
			want:   formShape{Fields: maxFormDepth + 1, Depth: maxFormDepth - 1},
		},
		"TooDeep": {
			reason: "An object deeper than the bound is JSON.",
			schema: nested(maxFormDepth + 3),
			want:   formShape{Fields: maxFormDepth + 1, Depth: maxFormDepth - 1, JSON: []string{"spec" + strings.Repeat(".a", maxFormDepth)}},
		},
		"TooManyFields": {
			reason: "A spec whose fields do not fit the form is JSON.",
			schema: &apiextensionsv1.JSONSchemaProps{Properties: map[string]apiextensionsv1.JSONSchemaProps{"spec": wide(maxFormFields, nil)}},
			want:   formShape{Fields: 2, JSON: []string{"spec"}},
		},
		"TooManyNestedFields": {
			reason: "A nested object whose fields do not fit is JSON; the fields around it are drawn.",
			schema: &apiextensionsv1.JSONSchemaProps{Properties: map[string]apiextensionsv1.JSONSchemaProps{"spec": wide(3, &big)}},
			want:   formShape{Fields: 5, JSON: []string{"spec.inner"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got formShape
			shapeOf(formFields(tc.schema), 0, &got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestMarkSecret checks that the fields a domain declares secret, and
// those under them, are typed unseen.
func TestMarkSecret(t *testing.T) {
	fields := []formField{
		{Path: "spec.secretKey"},
		{Path: "spec.secretKeyRef"},
		{Path: "spec.auth", Fields: []formField{{Path: "spec.auth.token"}}},
	}
	markSecret(fields, []string{"spec.secretKey", "spec.auth"})
	want := []formField{
		{Path: "spec.secretKey", Secret: true},
		{Path: "spec.secretKeyRef"},
		{Path: "spec.auth", Secret: true, Fields: []formField{{Path: "spec.auth.token", Secret: true}}},
	}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("-want, +got:\n%s", diff)
	}
}

// crdSchemas returns the JSON of the schema of every version of the CRDs
// of the repository's domains and of the conformance suite.
func crdSchemas(tb testing.TB) [][]byte {
	tb.Helper()
	var files []string
	for _, pattern := range []string{"../../databases/crds/*.yaml", "../../objectstore/crds/*.yaml", "../../hub/hubtest/conformance/widget-crd.yaml"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, matches...)
	}
	if len(files) < 6 {
		tb.Fatalf("found %d CRD files, want the databases', the object store's and the conformance widget's", len(files))
	}
	var out [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(data, crd); err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		for _, v := range crd.Spec.Versions {
			if v.Schema == nil {
				continue
			}
			raw, err := json.Marshal(v.Schema.OpenAPIV3Schema)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, raw)
		}
	}
	return out
}

// FuzzSchemaForm draws the form of any schema: it never panics, renders,
// stays within its bounds, and names each field by a path of its own.
func FuzzSchemaForm(f *testing.F) {
	for _, raw := range crdSchemas(f) {
		f.Add(raw)
	}
	f.Add([]byte(`null`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"properties":{"spec":{"type":"string"}}}`))
	f.Add([]byte(`{"properties":{"spec":{"properties":{"a":{"type":"array","items":{"type":"integer","enum":[1,"x",{}]},"default":[1,[2]]}}},"data":{"type":"boolean","default":"yes"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s *apiextensionsv1.JSONSchemaProps
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		fields := formFields(s)
		if len(fields) < 2 || fields[0].Path != "metadata.name" {
			t.Fatalf("the form does not start with the name and have a field more: %+v", fields)
		}
		seen := map[string]bool{}
		var walk func([]formField, int)
		walk = func(fields []formField, depth int) {
			if depth > maxFormDepth {
				t.Fatalf("fieldsets nest deeper than %d", maxFormDepth)
			}
			for _, f := range fields {
				if f.Path == "" {
					t.Fatalf("a field without a path: %+v", f)
				}
				if seen[f.Path] {
					t.Fatalf("two fields at %q", f.Path)
				}
				seen[f.Path] = true
				if (f.Kind == objectField) != (len(f.Fields) > 0) {
					t.Fatalf("%q: a fieldset without fields, or fields outside a fieldset", f.Path)
				}
				if err := pages.ExecuteTemplate(io.Discard, "field", f); err != nil {
					t.Fatalf("%q: rendering: %v", f.Path, err)
				}
				walk(f.Fields, depth+1)
			}
		}
		walk(fields, 0)
		if len(seen) > maxFormFields {
			t.Fatalf("%d fields, more than %d", len(seen), maxFormFields)
		}
	})
}

func TestFillFields(t *testing.T) {
	fields := []formField{
		{Path: "metadata.name", Label: "name", Kind: textField, Type: typeString, Required: true},
		{Path: "spec.database", Label: "database", Kind: textField, Type: typeString, Default: "schema-default"},
		{Path: "spec.replicas", Label: "replicas", Kind: numberField, Type: "integer"},
		{Path: "spec.dropOnDelete", Label: "dropOnDelete", Kind: checkboxField, Type: "boolean"},
		{Path: "spec.schemas", Label: "schemas", Kind: listField, Type: typeString},
		{Path: "spec.tier", Label: "tier", Kind: selectField, Type: typeString, Options: []string{"small", "large"}},
		{Path: "spec.secretKey", Label: "secretKey", Kind: textField, Type: typeString, Secret: true},
		{Path: "spec.labels", Label: "labels", Kind: jsonField},
		{Path: "spec.quota", Label: "quota", Kind: sizeField, Type: typeInteger, Units: sizeUnits, Unit: defaultSizeUnit},
		{Path: "spec.policies", Label: "policies", Kind: multiSelectField, Type: typeString, Options: []string{"read", "write"}},
		{Path: "spec.content", Label: "content", Kind: jsonTextField, Type: typeString},
		{Path: "spec.grants", Label: "grants", Kind: multiSelectField, Type: typeString, Options: []string{"SELECT", "INSERT"}, Join: ","},
	}
	cases := map[string]struct {
		reason string
		obj    map[string]any
		want   map[string]string // path -> Default after filling
	}{
		"Values": {
			reason: "Each field holds the object's value, as its input shows it.",
			obj: map[string]any{
				"metadata": map[string]any{"name": "analytics"},
				"spec": map[string]any{
					"database": "warehouse", "replicas": int64(3), "dropOnDelete": true, "schemas": []any{"raw", "curated"},
					"tier": "huge", "secretKey": "*************", "labels": map[string]any{"team": "data"},
					"quota": int64(3 << 20), "policies": []any{"write", "gone"}, "content": `{"Version":"2012-10-17"}`,
					"grants": " insert,SELECT,,Insert, ALL ",
				},
			},
			want: map[string]string{
				"metadata.name": "analytics", "spec.database": "warehouse", "spec.replicas": "3", "spec.dropOnDelete": "true",
				"spec.schemas": "raw, curated", "spec.tier": "huge", "spec.secretKey": "", "spec.labels": "{\n  \"team\": \"data\"\n}",
				"spec.quota": "3", "spec.policies": "write, gone", "spec.content": "{\n  \"Version\": \"2012-10-17\"\n}",
				"spec.grants": "INSERT, SELECT, ALL",
			},
		},
		"Missing": {
			reason: "A field the object does not set is empty: the schema's default is for new objects only.",
			obj:    map[string]any{"metadata": map[string]any{"name": "bare"}},
			want:   map[string]string{"metadata.name": "bare", "spec.database": ""},
		},
		"WrongShape": {
			reason: "A spec that is no object leaves the fields empty instead of failing.",
			obj:    map[string]any{"metadata": map[string]any{"name": "odd"}, "spec": "not an object"},
			want:   map[string]string{"metadata.name": "odd", "spec.database": ""},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := fillFields(fields, tc.obj)
			values := map[string]string{}
			for _, f := range got {
				if _, asked := tc.want[f.Path]; asked {
					values[f.Path] = f.Default
				}
			}
			if diff := cmp.Diff(tc.want, values); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if !got[0].ReadOnly {
				t.Errorf("\nReason: %s\nthe name must be read-only on an edit form", tc.reason)
			}
			if fields[1].Default != "schema-default" || fields[0].ReadOnly {
				t.Errorf("\nReason: %s\nfillFields changed the fields it was given", tc.reason)
			}
		})
	}
	filled := fillFields(fields, map[string]any{"spec": map[string]any{"tier": "huge", "quota": int64(3 << 20), "policies": []any{"write", "gone"}}})
	if diff := cmp.Diff([]string{"small", "large", "huge"}, filled[5].Options); diff != "" {
		t.Errorf("a select offers the object's value even off its enum: -want, +got:\n%s", diff)
	}
	if filled[8].Unit != "MiB" {
		t.Errorf("a quota of 3 MiB shows in %s, want MiB", filled[8].Unit)
	}
	policies := filled[9]
	if diff := cmp.Diff([]string{"read", "write", "gone"}, policies.Options); diff != "" {
		t.Errorf("a multiple select offers the object's values even when they are not among its choices: -want, +got:\n%s", diff)
	}
	if policies.Picked("read") || !policies.Picked("write") || !policies.Picked("gone") {
		t.Errorf("the multiple select picks %q, want write and gone", policies.Default)
	}
	grants := fillFields(fields, map[string]any{"spec": map[string]any{"grants": "select, ALL"}})[11]
	if diff := cmp.Diff([]string{"SELECT", "INSERT", "ALL"}, grants.Options); diff != "" || !grants.Picked("SELECT") || grants.Picked("INSERT") || !grants.Picked("ALL") {
		t.Errorf("a multiple select joining its items (%q picked) reads them from the string, as its options spell them, and offers those it lacks: -want, +got:\n%s", grants.Default, diff)
	}
	if got := fillFields(fields, map[string]any{"spec": map[string]any{"grants": []any{"SELECT"}}})[11].Default; got != "" {
		t.Errorf("a multiple select joining its items picks %q from a list, want nothing: the field is a string", got)
	}
}

// TestFillRows checks how an edit form fills a rows field: a row per item
// of an array, or per entry of a map by key, each cell holding its item's
// value with its path indexed by its row; nothing for a value of another
// shape.
func TestFillRows(t *testing.T) {
	list := rowsOf("spec.members", "members", "Add a member",
		formField{Path: "name", Label: "name", Kind: selectField, Type: typeString, Required: true, Options: []string{"ada"}},
		formField{Path: "count", Label: "count", Kind: numberField, Type: typeInteger},
	)
	dict := rowsOf("spec.extra", "extra", "Add one",
		formField{Path: "key", Label: "key", Kind: textField, Type: typeString},
		formField{Path: "value", Label: "value", Kind: quantityField, Type: typeString},
	)
	dict.MapKey, dict.MapValue = "key", "value"
	if diff := cmp.Diff([]string{"spec.members[#].name", "spec.members[#].count"}, []string{list.Fields[0].Path, list.Fields[1].Path}); diff != "" {
		t.Errorf("the cells of a row to add are not indexed by %s: -want, +got:\n%s", rowIndex, diff)
	}
	// cells is a row as path=value pairs, with a select's options.
	cells := func(rows [][]formField) [][]string {
		out := make([][]string, 0, len(rows))
		for _, row := range rows {
			var line []string
			for _, c := range row {
				line = append(line, c.Path+"="+c.Default)
				if c.Kind == selectField {
					line = append(line, strings.Join(c.Options, "|"))
				}
			}
			out = append(out, line)
		}
		return out
	}
	cases := map[string]struct {
		reason string
		field  formField
		obj    map[string]any
		want   [][]string
	}{
		"Array": {
			reason: "A row per item that is an object, numbered in order; a select offers an item's value off its options.",
			field:  list,
			obj:    map[string]any{"spec": map[string]any{"members": []any{map[string]any{"name": "ada", "count": int64(2)}, "odd", map[string]any{"name": "bob"}}}},
			want: [][]string{
				{"spec.members[0].name=ada", "ada", "spec.members[0].count=2"},
				{"spec.members[1].name=bob", "ada|bob", "spec.members[1].count="},
			},
		},
		"Map": {
			reason: "A row per entry, by key, the key and value in their cells.",
			field:  dict,
			obj:    map[string]any{"spec": map[string]any{"extra": map[string]any{"nvidia.com/gpu": "2", "example.org/fpga": int64(1)}}},
			want:   [][]string{{"spec.extra[0].key=example.org/fpga", "spec.extra[0].value=1"}, {"spec.extra[1].key=nvidia.com/gpu", "spec.extra[1].value=2"}},
		},
		"ArrayForMap": {
			reason: "An array where a map is expected is no row.",
			field:  dict,
			obj:    map[string]any{"spec": map[string]any{"extra": []any{map[string]any{"key": "a"}}}},
		},
		"MapForArray": {
			reason: "A map where an array is expected is no row.",
			field:  list,
			obj:    map[string]any{"spec": map[string]any{"members": map[string]any{"name": "ada"}}},
		},
		"Missing": {
			reason: "No value, no row.",
			field:  list,
			obj:    map[string]any{"spec": "not an object"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := fillFields([]formField{tc.field}, tc.obj)
			if diff := cmp.Diff(tc.want, cells(got[0].Rows), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if tc.field.Rows != nil || tc.field.Fields[0].Default != "" || strings.Contains(strings.Join(tc.field.Fields[0].Options, "|"), "bob") {
				t.Errorf("\nReason: %s\nfillFields changed the rows field it was given", tc.reason)
			}
		})
	}
}

func TestSizeText(t *testing.T) {
	cases := map[string]struct {
		reason     string
		value      any
		want, unit string
	}{
		"GiB":         {"A whole number of GiB shows in GiB.", int64(50 << 30), "50", "GiB"},
		"TiB":         {"The largest unit that holds it whole wins.", int64(2 << 40), "2", "TiB"},
		"NotWhole":    {"1.5 GiB is 1536 MiB.", int64(3 << 29), "1536", "MiB"},
		"Bytes":       {"An odd number of bytes shows in bytes.", int64(1001), "1001", "B"},
		"Zero":        {"No quota is 0, in the default unit.", int64(0), "0", defaultSizeUnit},
		"Float":       {"A float that is whole reads as its integer.", float64(1 << 20), "1", "MiB"},
		"Fraction":    {"A fraction of a byte is not a size: empty.", 1.5, "", defaultSizeUnit},
		"JSONNumber":  {"A number as the API decodes it.", json.Number("4096"), "4", "KiB"},
		"NotANumber":  {"Anything else is empty.", "ten", "", defaultSizeUnit},
		"NegativeKiB": {"A negative size keeps its sign.", int64(-2048), "-2", "KiB"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, unit := sizeText(tc.value)
			if diff := cmp.Diff([]string{tc.want, tc.unit}, []string{got, unit}); diff != "" {
				t.Errorf("\nReason: %s\nsizeText(%v): -want, +got:\n%s", tc.reason, tc.value, diff)
			}
		})
	}
}

// FuzzFillFields checks that no object makes filling a form panic.
func FuzzFillFields(f *testing.F) {
	schema := []byte(`{"properties":{"spec":{"properties":{"a":{"type":"string"},"n":{"type":"integer"},"b":{"type":"boolean"},
		"l":{"type":"array","items":{"type":"string"}},"o":{"type":"object","properties":{"x":{"type":"string","enum":["p","q"]}}},
		"m":{"type":"object","additionalProperties":{"type":"string"}}}}}}`)
	var s *apiextensionsv1.JSONSchemaProps
	if err := json.Unmarshal(schema, &s); err != nil {
		f.Fatal(err)
	}
	fields := formFields(s)
	extra := rowsOf("spec.m", "m", "Add",
		formField{Path: "k", Label: "k", Kind: textField, Type: typeString}, formField{Path: "v", Label: "v", Kind: quantityField, Type: typeString})
	extra.MapKey, extra.MapValue = "k", "v"
	fields = append(fields, rowsOf("spec.l", "l", "Add", formField{Path: "x", Label: "x", Kind: selectField, Type: typeString, Options: []string{"p"}}), extra)
	f.Add([]byte(`{"metadata":{"name":"x"},"spec":{"a":"v","n":2,"b":true,"l":["p",1,null],"o":{"x":"r"},"m":{"k":"v"}}}`))
	f.Add([]byte(`{"spec":{"a":{"deep":[1]},"n":"two","l":"p,q","o":[]}}`))
	f.Add([]byte(`{"metadata":null,"spec":null}`))
	f.Fuzz(func(_ *testing.T, data []byte) {
		var obj map[string]any
		if json.Unmarshal(data, &obj) != nil {
			return
		}
		_ = fillFields(fields, obj)
	})
}
