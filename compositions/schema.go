package compositions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
)

// The types of JSON Schema and OpenAPI.
const (
	typeObject  = "object"
	typeArray   = "array"
	typeString  = "string"
	typeInteger = "integer"
	typeNumber  = "number"
	typeBoolean = "boolean"
)

// schemaFile names the chart's schema in errors.
const schemaFile = "values.schema.json"

// maxSchemaDepth bounds the nesting of a schema, $refs inlined.
const maxSchemaDepth = 64

// knownFormats are the formats the API server validates; other formats
// (Helm charts write "uri-reference", "idn-email", ...) are dropped, as
// the API server would ignore them.
var knownFormats = map[string]bool{
	"bsonobjectid": true, "uri": true, "email": true, "hostname": true, "ipv4": true, "ipv6": true, "cidr": true,
	"mac": true, "uuid": true, "uuid3": true, "uuid4": true, "uuid5": true, "isbn": true, "isbn10": true, "isbn13": true,
	"creditcard": true, "ssn": true, "hexcolor": true, "rgbcolor": true, "byte": true, "password": true, "date": true,
	"duration": true, "datetime": true, "date-time": true, "int32": true, "int64": true, "float": true, "double": true,
}

// SpecSchema converts a chart's values.schema.json (JSON Schema draft-07
// or 2020-12, as Helm charts write it) into the OpenAPI schema of a
// generated kind's spec, in-process. It keeps nested objects and arrays of
// objects, required, default, enum and const, pattern, the formats the API
// server knows (others are dropped), numeric, length, item and property
// bounds, descriptions (titles join them), nullable types (["string",
// "null"]), maps (additionalProperties with a schema), x-kubernetes-*
// extensions, and allOf/anyOf/oneOf/not where every branch agrees with the
// node's type. $ref to #/$defs, #/definitions or any JSON pointer of the
// document is inlined; a recursive $ref is an error naming its path. An
// object that declares no property, and additionalProperties: true, keep
// any field (x-kubernetes-preserve-unknown-fields); uniqueItems on a list
// of scalars makes it a set. A node without a type gets one from its
// properties or items, else keeps anything.
//
// Empty input gives a spec that keeps any field. The result passes the
// API server's structural-schema and defaults checks (CheckVersionSchema
// runs its whole CRD validation, as the Provisioner does before it applies
// a version); errors name the path in the chart's schema.
func SpecSchema(values []byte) (*apiextensionsv1.JSONSchemaProps, error) {
	if len(strings.TrimSpace(string(values))) == 0 {
		preserve := true
		return &apiextensionsv1.JSONSchemaProps{Type: typeObject, XPreserveUnknownFields: &preserve}, nil
	}
	var doc any
	if err := json.Unmarshal(values, &doc); err != nil {
		return nil, fmt.Errorf("%s: not JSON: %w", schemaFile, err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: the schema is not an object", schemaFile)
	}
	c := &converter{root: root}
	out, err := c.convert(root, field.NewPath("spec"), nil, 0)
	if err != nil {
		return nil, err
	}
	if out.Type == "" {
		out.Type = typeObject
	}
	if out.Type != typeObject {
		return nil, fmt.Errorf("%s: the values are an object, not %q", schemaFile, out.Type)
	}
	if err := checkStructural(VersionSchema(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// checkStructural checks a version's schema with the API server's own
// structural-schema rules and its check of defaults (each default valid
// under its schema, and pruned), the part of CheckVersionSchema that
// concerns a converted schema, at a fraction of its cost.
func checkStructural(v *apiextensionsv1.CustomResourceValidation) error {
	internal := &apiextensions.JSONSchemaProps{}
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.OpenAPIV3Schema, internal, nil); err != nil {
		return fmt.Errorf("%s: %w", schemaFile, err)
	}
	ss, err := structuralschema.NewStructural(internal)
	if err != nil {
		return fmt.Errorf("%s: %w", schemaFile, err)
	}
	root := field.NewPath("spec", "validation", "openAPIV3Schema")
	errs := structuralschema.ValidateStructural(root, ss)
	if len(errs) == 0 {
		defaultErrs, err := structuraldefaulting.ValidateDefaults(context.Background(), root, ss, true, true)
		if err != nil {
			return fmt.Errorf("%s: %w", schemaFile, err)
		}
		errs = defaultErrs
	}
	return schemaErrors(errs)
}

// converter converts one document.
type converter struct{ root map[string]any }

// errAt is an error about the schema node at p.
func errAt(p *field.Path, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", schemaFile, strings.TrimPrefix(strings.TrimPrefix(p.String(), "spec"), "."), fmt.Sprintf(format, args...))
}

// resolve follows a $ref of the document.
func (c *converter) resolve(ref string, p *field.Path) (map[string]any, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, errAt(p, "$ref %q: only references into the same document (#/...) are supported", ref)
	}
	var node any = c.root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#"), "/")[1:] {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		switch n := node.(type) {
		case map[string]any:
			node = n[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(n) {
				return nil, errAt(p, "$ref %q does not point into the document", ref)
			}
			node = n[i]
		default:
			node = nil
		}
		if node == nil {
			return nil, errAt(p, "$ref %q does not point into the document", ref)
		}
	}
	m, ok := node.(map[string]any)
	if !ok {
		return nil, errAt(p, "$ref %q is not a schema", ref)
	}
	return m, nil
}

// convert converts the schema node at p; refs are the $refs being
// inlined on the way to it.
func (c *converter) convert(node map[string]any, p *field.Path, refs []string, depth int) (*apiextensionsv1.JSONSchemaProps, error) {
	if depth > maxSchemaDepth {
		return nil, errAt(p, "nested deeper than %d levels", maxSchemaDepth)
	}
	if ref, ok := node["$ref"].(string); ok {
		if slices.Contains(refs, ref) {
			return nil, errAt(p, "$ref %q is recursive", ref)
		}
		target, err := c.resolve(ref, p)
		if err != nil {
			return nil, err
		}
		merged := maps.Clone(target)
		for k, v := range node { // siblings of $ref (2020-12) add to the target
			if k != "$ref" {
				merged[k] = v
			}
		}
		delete(merged, "$ref")
		if _, again := target["$ref"]; again {
			merged["$ref"] = target["$ref"]
		}
		return c.convert(merged, p, append(refs, ref), depth+1)
	}
	out := &apiextensionsv1.JSONSchemaProps{}
	if err := c.scalars(node, out, p); err != nil {
		return nil, err
	}
	if err := c.children(node, out, p, refs, depth); err != nil {
		return nil, err
	}
	if err := c.junctors(node, out, p, refs, depth); err != nil {
		return nil, err
	}
	inferType(out)
	return out, nil
}

// scalars converts the keywords of a node that hold values.
func (c *converter) scalars(node map[string]any, out *apiextensionsv1.JSONSchemaProps, p *field.Path) error {
	switch t := node["type"].(type) {
	case string:
		out.Type = t
	case []any:
		types := map[string]bool{}
		for _, v := range t {
			s, _ := v.(string)
			if s == "null" {
				out.Nullable = true
			} else {
				types[s] = true
			}
		}
		out.Type = typeOfUnion(out, types)
	case nil:
	default:
		return errAt(p.Child("type"), "not a type name")
	}
	if out.Type == "null" {
		out.Type, out.Nullable = "", true
	}
	switch out.Type {
	case "", typeObject, typeArray, typeString, typeInteger, typeNumber, typeBoolean:
	default:
		return errAt(p.Child("type"), "unknown type %q", out.Type)
	}
	desc, _ := node["description"].(string)
	if title, _ := node["title"].(string); title != "" && desc == "" {
		desc = title
	}
	out.Description = desc
	if f, _ := node["format"].(string); knownFormats[f] {
		out.Format = f
	}
	out.Pattern, _ = node["pattern"].(string)
	var err error
	for _, kw := range []struct {
		name string
		to   **int64
	}{{"minLength", &out.MinLength}, {"maxLength", &out.MaxLength}, {"minItems", &out.MinItems}, {"maxItems", &out.MaxItems},
		{"minProperties", &out.MinProperties}, {"maxProperties", &out.MaxProperties}} {
		if *kw.to, err = count(node, kw.name, p); err != nil {
			return err
		}
	}
	if out.Minimum, out.ExclusiveMinimum, err = bound(node, "minimum", "exclusiveMinimum", p); err != nil {
		return err
	}
	if out.Maximum, out.ExclusiveMaximum, err = bound(node, "maximum", "exclusiveMaximum", p); err != nil {
		return err
	}
	if v, ok := node["multipleOf"].(float64); ok && v > 0 {
		out.MultipleOf = &v
	}
	if v, ok := node["default"]; ok {
		out.Default = rawJSON(v)
	}
	if values, ok := node["enum"].([]any); ok {
		for _, v := range values {
			out.Enum = append(out.Enum, *rawJSON(v))
		}
	}
	if v, ok := node["const"]; ok {
		out.Enum = []apiextensionsv1.JSON{*rawJSON(v)}
	}
	return extensions(node, out, p)
}

// typeOfUnion is the type of a node whose type is a list of several: the
// one type when there is one; a string or a number (resource quantities
// written "500m" or 0.5) an int-or-string; anything else no type, keeping
// any value.
func typeOfUnion(out *apiextensionsv1.JSONSchemaProps, types map[string]bool) string {
	if types[typeInteger] && types[typeNumber] {
		delete(types, typeInteger)
	}
	switch {
	case len(types) == 1:
		for t := range types {
			return t
		}
	case len(types) == 2 && types[typeString] && (types[typeInteger] || types[typeNumber]):
		out.XIntOrString = true
	case len(types) > 1:
		preserve := true
		out.XPreserveUnknownFields = &preserve
	}
	return ""
}

// count reads a non-negative integer keyword.
func count(node map[string]any, name string, p *field.Path) (*int64, error) {
	v, ok := node[name]
	if !ok {
		return nil, nil //nolint:nilnil // absent
	}
	f, isNumber := v.(float64)
	if !isNumber || f < 0 || f != float64(int64(f)) {
		return nil, errAt(p.Child(name), "want a non-negative integer, not %v", v)
	}
	n := int64(f)
	return &n, nil
}

// bound reads a numeric bound, exclusive as draft-04 writes it (a boolean
// beside it) or as draft-06 and later do (a number of its own).
func bound(node map[string]any, name, exclusiveName string, p *field.Path) (*float64, bool, error) {
	var value *float64
	if v, ok := node[name]; ok {
		f, isNumber := v.(float64)
		if !isNumber {
			return nil, false, errAt(p.Child(name), "want a number, not %v", v)
		}
		value = &f
	}
	switch x := node[exclusiveName].(type) {
	case bool:
		return value, x && value != nil, nil
	case float64:
		if value == nil || x >= *value == (name == "minimum") {
			return &x, true, nil
		}
	}
	return value, false, nil
}

// rawJSON encodes a value decoded from JSON.
func rawJSON(v any) *apiextensionsv1.JSON {
	raw, err := json.Marshal(v)
	if err != nil {
		raw = []byte("null") // not reached: v came from JSON
	}
	return &apiextensionsv1.JSON{Raw: raw}
}

// extensions copies the x-kubernetes-* keywords.
func extensions(node map[string]any, out *apiextensionsv1.JSONSchemaProps, p *field.Path) error {
	flag := func(name string) (*bool, error) {
		v, ok := node[name]
		if !ok {
			return nil, nil //nolint:nilnil // absent
		}
		b, isBool := v.(bool)
		if !isBool {
			return nil, errAt(p.Child(name), "want a boolean")
		}
		return &b, nil
	}
	var err error
	if out.XPreserveUnknownFields, err = flag("x-kubernetes-preserve-unknown-fields"); err != nil {
		return err
	}
	if b, err := flag("x-kubernetes-int-or-string"); err != nil {
		return err
	} else if b != nil {
		out.XIntOrString = *b
	}
	if b, err := flag("x-kubernetes-embedded-resource"); err != nil {
		return err
	} else if b != nil {
		out.XEmbeddedResource = *b
	}
	if s, ok := node["x-kubernetes-list-type"].(string); ok {
		out.XListType = &s
	}
	if keys, ok := node["x-kubernetes-list-map-keys"].([]any); ok {
		for _, k := range keys {
			if s, isString := k.(string); isString {
				out.XListMapKeys = append(out.XListMapKeys, s)
			}
		}
	}
	if s, ok := node["x-kubernetes-map-type"].(string); ok {
		out.XMapType = &s
	}
	return nil
}

// children converts properties, items and additionalProperties.
func (c *converter) children(node map[string]any, out *apiextensionsv1.JSONSchemaProps, p *field.Path, refs []string, depth int) error {
	if err := c.properties(node, out, p, refs, depth); err != nil {
		return err
	}
	if err := c.items(node, out, p, refs, depth); err != nil {
		return err
	}
	return c.additionalProperties(node, out, p, refs, depth)
}

// properties converts properties and required.
func (c *converter) properties(node map[string]any, out *apiextensionsv1.JSONSchemaProps, p *field.Path, refs []string, depth int) error {
	if required, ok := node["required"].([]any); ok {
		for _, r := range required {
			if s, isString := r.(string); isString && !slices.Contains(out.Required, s) {
				out.Required = append(out.Required, s)
			}
		}
	}
	props, ok := node["properties"].(map[string]any)
	if !ok {
		return nil
	}
	out.Properties = make(map[string]apiextensionsv1.JSONSchemaProps, len(props))
	for _, name := range slices.Sorted(maps.Keys(props)) {
		child, isSchema := props[name].(map[string]any)
		if b, isBool := props[name].(bool); isBool && b {
			child, isSchema = map[string]any{}, true
		}
		if !isSchema {
			return errAt(p.Child(name), "not a schema")
		}
		converted, err := c.convert(child, p.Child(name), refs, depth+1)
		if err != nil {
			return err
		}
		out.Properties[name] = *converted
	}
	return nil
}

// items converts items and uniqueItems.
func (c *converter) items(node map[string]any, out *apiextensionsv1.JSONSchemaProps, p *field.Path, refs []string, depth int) error {
	switch items := node["items"].(type) {
	case map[string]any:
		converted, err := c.convert(items, p.Child("items"), refs, depth+1)
		if err != nil {
			return err
		}
		out.Items = &apiextensionsv1.JSONSchemaPropsOrArray{Schema: converted}
	case []any:
		return errAt(p.Child("items"), "a tuple of item schemas has no schema in a CRD")
	}
	if unique, _ := node["uniqueItems"].(bool); unique && out.XListType == nil {
		if out.Items != nil && out.Items.Schema != nil && (out.Items.Schema.Type == typeObject || out.Items.Schema.Type == typeArray) {
			return errAt(p.Child("uniqueItems"), "a list of objects cannot be unique in a CRD; drop uniqueItems or make it a map")
		}
		set := "set"
		out.XListType = &set
	}
	return nil
}

// additionalProperties converts additionalProperties: a schema makes a
// map, true an object that keeps any field.
func (c *converter) additionalProperties(node map[string]any, out *apiextensionsv1.JSONSchemaProps, p *field.Path, refs []string, depth int) error {
	switch ap := node["additionalProperties"].(type) {
	case bool:
		if ap && len(out.Properties) == 0 {
			preserve := true
			out.XPreserveUnknownFields = &preserve
		}
	case map[string]any:
		converted, err := c.convert(ap, p.Child("additionalProperties"), refs, depth+1)
		if err != nil {
			return err
		}
		if len(out.Properties) > 0 {
			return errAt(p.Child("additionalProperties"), "an object with properties cannot have a schema for its other keys in a CRD")
		}
		out.AdditionalProperties = &apiextensionsv1.JSONSchemaPropsOrBool{Allows: true, Schema: converted}
	}
	return nil
}

// junctors converts allOf, anyOf, oneOf and not: structural schemas allow
// them only as validation over what the node itself declares, so each
// branch must not declare a type other than the node's; a node without a
// type takes the one its branches agree on.
func (c *converter) junctors(node map[string]any, out *apiextensionsv1.JSONSchemaProps, p *field.Path, refs []string, depth int) error {
	convertAll := func(name string) ([]apiextensionsv1.JSONSchemaProps, error) {
		list, ok := node[name].([]any)
		if !ok {
			return nil, nil
		}
		var branches []apiextensionsv1.JSONSchemaProps
		for i, b := range list {
			m, ok := b.(map[string]any)
			if !ok {
				return nil, errAt(p.Child(name).Index(i), "not a schema")
			}
			converted, err := c.convert(m, p.Child(name).Index(i), refs, depth+1)
			if err != nil {
				return nil, err
			}
			branches = append(branches, *converted)
		}
		return branches, nil
	}
	var err error
	if out.AllOf, err = convertAll("allOf"); err != nil {
		return err
	}
	if out.AnyOf, err = convertAll("anyOf"); err != nil {
		return err
	}
	if out.OneOf, err = convertAll("oneOf"); err != nil {
		return err
	}
	if n, ok := node["not"].(map[string]any); ok {
		if out.Not, err = c.convert(n, p.Child("not"), refs, depth+1); err != nil {
			return err
		}
	}
	for _, j := range []struct {
		name     string
		branches []apiextensionsv1.JSONSchemaProps
	}{{"allOf", out.AllOf}, {"anyOf", out.AnyOf}, {"oneOf", out.OneOf}} {
		for i := range j.branches {
			if err := c.liftBranch(out, &j.branches[i], p.Child(j.name).Index(i)); err != nil {
				return err
			}
		}
	}
	if out.Not != nil {
		return c.liftBranch(out, out.Not, p.Child("not"))
	}
	return nil
}

// liftBranch moves what a structural schema allows only in the node itself
// (type, properties, items, descriptions, defaults, nullable, extensions)
// from a junctor's branch into the node, and refuses a branch that
// disagrees with it.
func (c *converter) liftBranch(out, b *apiextensionsv1.JSONSchemaProps, p *field.Path) error {
	inferType(b)
	if b.Type != "" {
		switch {
		case out.Type == "":
			out.Type = b.Type
		case out.Type != b.Type && (out.Type != typeNumber || b.Type != typeInteger):
			return errAt(p, "a branch of type %q under a node of type %q has no schema in a CRD", b.Type, out.Type)
		}
		b.Type = ""
	}
	for name, prop := range b.Properties {
		if out.Properties == nil {
			out.Properties = map[string]apiextensionsv1.JSONSchemaProps{}
		}
		if _, ok := out.Properties[name]; !ok {
			lifted := prop
			lifted.Default = nil
			out.Properties[name] = stripValidation(lifted)
		}
	}
	for name, prop := range b.Properties {
		prop.Description, prop.Default, prop.Nullable = "", nil, false
		prop.XPreserveUnknownFields, prop.XEmbeddedResource, prop.XIntOrString = nil, false, false
		prop.XListType, prop.XListMapKeys, prop.XMapType, prop.Type = nil, nil, nil, ""
		prop.Properties, prop.Items, prop.AdditionalProperties = nil, nil, nil
		b.Properties[name] = prop
	}
	if b.Items != nil {
		if out.Items == nil {
			items := stripValidation(*b.Items.Schema)
			out.Items = &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &items}
		}
		b.Items = nil
	}
	if b.AdditionalProperties != nil {
		if out.AdditionalProperties == nil && len(out.Properties) == 0 {
			out.AdditionalProperties = b.AdditionalProperties
		}
		b.AdditionalProperties = nil
	}
	b.Description, b.Default, b.Nullable = "", nil, false
	b.XPreserveUnknownFields, b.XEmbeddedResource, b.XIntOrString = nil, false, false
	b.XListType, b.XListMapKeys, b.XMapType = nil, nil, nil
	return nil
}

// stripValidation keeps what a structural node declares (type, nested
// structure, description), without its value validations, which stay in
// the branch they came from.
func stripValidation(s apiextensionsv1.JSONSchemaProps) apiextensionsv1.JSONSchemaProps {
	out := apiextensionsv1.JSONSchemaProps{
		Type: s.Type, Description: s.Description, Nullable: s.Nullable,
		XPreserveUnknownFields: s.XPreserveUnknownFields, XIntOrString: s.XIntOrString, XEmbeddedResource: s.XEmbeddedResource,
	}
	if len(s.Properties) > 0 {
		out.Properties = map[string]apiextensionsv1.JSONSchemaProps{}
		for k, v := range s.Properties {
			out.Properties[k] = stripValidation(v)
		}
	}
	if s.Items != nil && s.Items.Schema != nil {
		items := stripValidation(*s.Items.Schema)
		out.Items = &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &items}
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		ap := stripValidation(*s.AdditionalProperties.Schema)
		out.AdditionalProperties = &apiextensionsv1.JSONSchemaPropsOrBool{Allows: true, Schema: &ap}
	}
	inferType(&out)
	return out
}

// inferType gives a node without a type the one its structure says, or
// lets it hold anything.
func inferType(s *apiextensionsv1.JSONSchemaProps) {
	preserve := true
	switch {
	case s.XIntOrString || s.XEmbeddedResource:
	case s.Type == "" && (len(s.Properties) > 0 || s.AdditionalProperties != nil):
		s.Type = typeObject
	case s.Type == "" && s.Items != nil:
		s.Type = typeArray
	case s.Type == "" && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Not == nil:
		s.XPreserveUnknownFields = &preserve
	}
	if s.Type == typeObject && len(s.Properties) == 0 && s.AdditionalProperties == nil {
		s.XPreserveUnknownFields = &preserve
	}
	if s.Type == typeArray && s.Items == nil {
		s.Items = &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{XPreserveUnknownFields: &preserve}}
	}
}

// The keys of a condition.
const (
	conditionType   = "type"
	conditionStatus = "status"
)

// StatusSchema is the status every generated kind has: conditions (Ready,
// Synced), the chart's URL and version, the release's name and revision,
// the digest of the rendered manifest (and the previous one), and the
// objects the release manages.
func StatusSchema() *apiextensionsv1.JSONSchemaProps {
	str := apiextensionsv1.JSONSchemaProps{Type: typeString}
	integer := apiextensionsv1.JSONSchemaProps{Type: typeInteger, Format: "int64"}
	mapList := "map"
	return &apiextensionsv1.JSONSchemaProps{
		Type: typeObject,
		Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"conditions": {
				Type: typeArray, XListType: &mapList, XListMapKeys: []string{conditionType},
				Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{
					Type: typeObject, Required: []string{conditionType, conditionStatus},
					Properties: map[string]apiextensionsv1.JSONSchemaProps{
						conditionType: str, conditionStatus: str, "reason": str, "message": str,
						"lastTransitionTime": {Type: typeString, Format: "date-time"}, "observedGeneration": integer,
					},
				}},
			},
			"observedGeneration": integer,
			"helmChartUrl":       str, "helmChartVersion": str,
			"releaseName": str, "releaseRevision": integer,
			"digest": str, "previousDigest": str,
			"managed": {
				Type: typeArray,
				Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{
					Type: typeObject,
					Properties: map[string]apiextensionsv1.JSONSchemaProps{
						"apiVersion": str, "resource": str, "kind": str, "name": str, "namespace": str,
					},
				}},
			},
		},
	}
}

// VersionSchema is the whole schema of a generated kind's version: its
// spec, StatusSchema, and the metadata every object has.
func VersionSchema(spec *apiextensionsv1.JSONSchemaProps) *apiextensionsv1.CustomResourceValidation {
	return &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
		Type: typeObject,
		Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"apiVersion": {Type: typeString}, "kind": {Type: typeString}, "metadata": {Type: typeObject},
			fieldSpec: *spec, "status": *StatusSchema(),
		},
	}}
}

// propertyIndex is how the API server's CRD validation names a property
// in a path: properties[name].
var propertyIndex = regexp.MustCompile(`\.?properties\[([^\]]*)\]`)

// CheckVersionSchema checks a version's schema with the API server's own
// CRD validation (structural schema, defaults, formats), as it would when
// the CRD is applied, and returns its errors with the path in the chart's
// terms.
func CheckVersionSchema(ctx context.Context, v *apiextensionsv1.CustomResourceValidation) error {
	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "checks.compositions.hubkit.dev"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "compositions.hubkit.dev", Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "checks", Singular: "check", Kind: "Check", ListKind: "CheckList"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true, Schema: v,
				Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
			}},
			Conversion: &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.NoneConverter},
		},
		Status: apiextensionsv1.CustomResourceDefinitionStatus{StoredVersions: []string{"v1"}},
	}
	internal := &apiextensions.CustomResourceDefinition{}
	if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(crd, internal, nil); err != nil {
		return fmt.Errorf("%s: %w", schemaFile, err)
	}
	return schemaErrors(apiextensionsvalidation.ValidateCustomResourceDefinition(ctx, internal))
}

// schemaErrors joins the API server's errors about a version's schema,
// with the paths in the chart's terms.
func schemaErrors(errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(errs))
	const prefix = "spec.validation.openAPIV3Schema.properties[spec]"
	for _, e := range errs {
		path := e.Field
		for _, pre := range []string{"spec.versions[0].schema.openAPIV3Schema.properties[spec]", prefix, "spec.validation.openAPIV3Schema.properties.spec"} {
			path = strings.TrimPrefix(path, pre)
		}
		path = strings.TrimPrefix(propertyIndex.ReplaceAllString(path, ".$1"), ".")
		msgs = append(msgs, strings.TrimSpace(path+": "+e.ErrorBody()))
	}
	return fmt.Errorf("%s: %w", schemaFile, errors.New(strings.Join(msgs, "; ")))
}
