package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// A fieldKind says how a create form draws a field.
type fieldKind string

// The kinds of field a custom resource's create form has.
const (
	textField     fieldKind = "text"     // a string
	selectField   fieldKind = "select"   // a string or number of an enum
	numberField   fieldKind = "number"   // an integer or a number
	checkboxField fieldKind = "checkbox" // a boolean
	listField     fieldKind = "list"     // an array of scalars, as a comma-separated list
	jsonField     fieldKind = "json"     // anything else, as JSON
	objectField   fieldKind = "fieldset" // an object, as its own fields

	// The kinds of the dedicated fields of some kinds' forms
	// (objectStoreFields).
	sizeField        fieldKind = "size"        // a number of bytes, as a number and a unit
	jsonTextField    fieldKind = "jsontext"    // a string holding a JSON object, typed in an editor
	multiSelectField fieldKind = "multiselect" // a list of strings picked from Options
	// The kinds of the tenancy forms' dedicated fields (tenancyFields).
	quantityField fieldKind = "quantity" // a Kubernetes quantity ("4", "500m", "8Gi"), sent as a string
	rowsField     fieldKind = "rows"     // an array of objects, or a map, as rows of cells added and removed
)

// rowIndex stands for the index of a row in the paths of the cells of a
// rows field's row to add ("spec.workspaces[#].role"): the browser
// numbers the row it adds, and renumbers the rows when one is removed.
const rowIndex = "[#]"

// The bounds of a drawn form: an object deeper than maxFormDepth, or whose
// fields would take the form past maxFormFields, is one JSON field.
const (
	maxFormDepth  = 8
	maxFormFields = 200
	// maxHintRunes bounds a description shown as a hint.
	maxHintRunes = 400
)

// listSeparator joins a list field's items.
const listSeparator = ", "

// The JSON types of the values a field holds.
const (
	typeString  = "string"
	typeInteger = "integer"
	typeNumber  = "number"
	typeBoolean = "boolean"
	typeArray   = "array"
	typeObject  = "object"
)

// dns1123Subdomain is metadata.name's pattern, as an HTML pattern attribute
// (anchored by the browser; valid with the u and v regexp flags).
const dns1123Subdomain = `[a-z0-9]([\-a-z0-9.]*[a-z0-9])?`

// fieldName is the property name a drawn field may have: one that makes an
// unambiguous dotted path. An object with another name is a JSON field.
var fieldName = regexp.MustCompile(`^[A-Za-z0-9_$-]{1,253}$`)

// A formField is one field of a custom resource's create form, drawn from
// its kind's schema.
type formField struct {
	// Path names the field as the API server does: "spec.database".
	Path string
	// Label is the property's name.
	Label string
	Kind  fieldKind
	// Type is the JSON type of the value (of a list's items): string,
	// integer, number or boolean; empty for JSON fields and fieldsets.
	Type string
	// Required says the form cannot be sent without this field: its
	// parent's schema requires it and the parent is itself sent.
	Required bool
	// Secret says the value is a secret: typed unseen.
	Secret bool
	// Default pre-fills the field: the schema's default on a create form,
	// the object's value on an edit form (fillFields); "true" checks a
	// checkbox.
	Default string
	// Description is the schema's, shown under the field.
	Description string
	// Note is the form's own hint: how to type a list, JSON, a name.
	Note string
	// Options are an enum's values, for a select.
	Options []string
	// NoneLabel is the text of the empty option of a select that is not
	// required; empty is "(none)".
	NoneLabel string
	// Join, on a multiple select, sends the items picked as one string
	// joined by it ("SELECT,INSERT"), for a field that is a string listing
	// them; empty sends a list.
	Join string
	// Pattern, MinLength and MaxLength check a string; Min, Max and Step a
	// number. Empty when the schema sets none.
	Pattern, MinLength, MaxLength string
	Min, Max, Step                string
	// Fields are a fieldset's fields.
	Fields []formField
	// ReadOnly shows the value without letting it change: an edit form's
	// name.
	ReadOnly bool
	// Form prefixes the ids of the field's elements ("user-"): set on the
	// fields of a form that shares its page with another.
	Form string
	// Units are a size field's units, and Unit the one its Default is in.
	Units []sizeUnit
	Unit  string
	// Templates are the documents a JSON text field can start from, and
	// TemplatePrompt the first line of their select.
	Templates      []textTemplate
	TemplatePrompt string
	// ErrorPath is the path the API names the field by in its errors, when
	// it is not Path: a form whose body is not the object itself.
	ErrorPath string
	// Ports, on a select of Services, are each option's Service's ports,
	// joined by commas ("3000,8080"), by option; PortsOf, on a select of
	// ports, is the path of the Service select whose picked Service's ports
	// it offers (the browser fills it as the Service changes).
	Ports   map[string]string
	PortsOf string
	// FillFrom is the path of the field that, followed by FillSuffix,
	// fills this one as the user types it, while the user has not typed
	// this one; Placeholder is shown while the field is empty.
	FillFrom, FillSuffix, Placeholder string
	// OptionText, on a select, shows options by these texts rather than by
	// their values, by option ("data-science" as "Data science
	// (data-science)").
	OptionText map[string]string
	// Rows are a rows field's rows, each one its cells: fields whose paths
	// index the array ("spec.workspaces[0].role"). Its Fields are the cells
	// of a row to add, their paths indexed by rowIndex; AddLabel is the
	// text of the button that adds one.
	Rows     [][]formField
	AddLabel string
	// MapKey and MapValue, on a rows field, send its rows as an object
	// (a map such as a quota's extra resources): of each row, the cell at
	// MapKey (its path within the row: "name") is the key, the cell at
	// MapValue the value. Empty sends the rows as an array.
	MapKey, MapValue string
	// ShowIf and ShowValue show a fieldset only while the field at ShowIf
	// holds ShowValue; Hidden says it does not (settleShown). A hidden
	// fieldset's fields are not sent.
	ShowIf, ShowValue string
	Hidden            bool
}

// ErrorFor is the path of the API's errors shown next to the field.
func (f formField) ErrorFor() string {
	if f.ErrorPath != "" {
		return f.ErrorPath
	}
	return f.Path
}

// Picked says whether a multiple select's option is picked: one of the
// items of its Default, a list as valueText shows it.
func (f formField) Picked(option string) bool {
	return slices.Contains(strings.Split(f.Default, listSeparator), option)
}

// formFields draws the create form of a custom resource whose schema (its
// CRD's storage version's openAPIV3Schema) is s: metadata.name, then the
// fields of spec and of the other top-level properties but apiVersion,
// kind, metadata and status. Nested objects are fieldsets; what a form
// cannot draw (maps, arrays of objects, int-or-string, unknown fields,
// objects past the bounds) is typed as JSON. A nil schema, or one without
// spec properties, gives the name and spec as JSON.
func formFields(s *apiextensionsv1.JSONSchemaProps) []formField {
	fields := []formField{nameField()}
	b := &formBuilder{left: maxFormFields - len(fields)}
	specJSON := specJSONField()
	if s == nil {
		return append(fields, specJSON)
	}
	spec, hasSpec := s.Properties["spec"]
	if drawn, ok := b.object("spec", &spec, true, 1); ok {
		// spec's fields are the form's own: no fieldset around them.
		fields = append(fields, drawn...)
	} else if hasSpec {
		b.left--
		fields = append(fields, specJSON)
	}
	for _, name := range sortedNames(s.Properties) {
		if b.left <= 0 {
			break
		}
		switch name {
		case "apiVersion", "kind", "metadata", "status", "spec":
			continue
		}
		if !fieldName.MatchString(name) {
			continue
		}
		prop := s.Properties[name]
		fields = append(fields, b.field(name, name, &prop, slices.Contains(s.Required, name), true, 1))
	}
	if len(fields) == 1 {
		// Nothing drawn: the object is its spec.
		fields = append(fields, specJSON)
	}
	return fields
}

// rowsOf returns the rows field at path, labelled label, with no row:
// each row it adds holds cells, whose paths are within the row ("role").
// add is the text of the button that adds a row.
func rowsOf(path, label, add string, cells ...formField) formField {
	tpl := make([]formField, len(cells))
	for i, c := range cells {
		c.Path = path + rowIndex + "." + c.Path
		tpl[i] = c
	}
	return formField{Path: path, Label: label, Kind: rowsField, AddLabel: add, Fields: tpl}
}

// rowCells returns the cells of row i of the rows field f: its Fields,
// their paths indexed by i.
func (f formField) rowCells(i int) []formField {
	cells := slices.Clone(f.Fields)
	for j := range cells {
		cells[j].Path = strings.Replace(cells[j].Path, f.Path+rowIndex, f.Path+"["+strconv.Itoa(i)+"]", 1)
	}
	return cells
}

// fillRows returns the rows of the rows field f that the object obj (as
// the API shows it) holds: one per item of the array at f's path, or per
// entry of the map, by key, when f sends a map (MapKey); each cell holding
// its item's value, as fillFields fills a field. Anything else at the path
// is no row.
func fillRows(f formField, obj map[string]any) [][]formField {
	v, found, err := unstructured.NestedFieldNoCopy(obj, strings.Split(f.Path, ".")...)
	if !found || err != nil {
		return nil
	}
	var items []any
	switch v := v.(type) {
	case []any:
		if f.MapKey == "" {
			items = v
		}
	case map[string]any:
		if f.MapKey != "" {
			for _, k := range slices.Sorted(maps.Keys(v)) {
				items = append(items, map[string]any{f.MapKey: k, f.MapValue: v[k]})
			}
		}
	}
	rows := make([][]formField, 0, len(items))
	for _, item := range items {
		fields, ok := item.(map[string]any)
		if !ok {
			continue
		}
		// The cells' paths ("spec.workspaces[0].role") lead, through
		// "workspaces[0]", to the item in an object of its own.
		keys := strings.Split(f.Path+"["+strconv.Itoa(len(rows))+"]", ".")
		holder := map[string]any{}
		at := holder
		for _, k := range keys[:len(keys)-1] {
			next := map[string]any{}
			at[k] = next
			at = next
		}
		at[keys[len(keys)-1]] = fields
		rows = append(rows, fillFields(f.rowCells(len(rows)), holder))
	}
	return rows
}

// nameField is the field of an object's metadata.name.
func nameField() formField {
	return formField{
		Path: "metadata.name", Label: "name", Kind: textField, Type: typeString, Required: true,
		Pattern: dns1123Subdomain, MaxLength: "253",
		Note: "Lowercase letters, digits, '-' and '.', starting and ending with a letter or a digit.",
	}
}

// specJSONField is the field of an object's whole spec, as JSON: what a
// form has when it cannot draw spec's fields.
func specJSONField() formField {
	return formField{Path: "spec", Label: "spec", Kind: jsonField, Note: "JSON: an object."}
}

// A formBuilder draws fields within a budget.
type formBuilder struct {
	// left is how many more fields the form may have.
	left int
}

// object draws the fields of the properties of s, an object at path sent
// whenever the form is (enforced), at depth: the required ones first, each
// by name. It fails, using none of the budget, when s has no property, has
// one whose name makes no path, keeps unknown fields, is deeper than the
// bound, or when its fields do not fit the budget.
func (b *formBuilder) object(path string, s *apiextensionsv1.JSONSchemaProps, enforced bool, depth int) ([]formField, bool) {
	if len(s.Properties) == 0 || depth > maxFormDepth || unknownFields(s) {
		return nil, false
	}
	names := sortedNames(s.Properties)
	// The fields to fill first.
	slices.SortStableFunc(names, func(a, b string) int {
		return cmpBool(slices.Contains(s.Required, b), slices.Contains(s.Required, a))
	})
	for _, name := range names {
		if !fieldName.MatchString(name) {
			return nil, false
		}
	}
	left := b.left
	fields := make([]formField, 0, max(0, min(len(names), b.left)))
	for _, name := range names {
		if b.left <= 0 {
			b.left = left
			return nil, false
		}
		prop := s.Properties[name]
		f := b.field(path+"."+name, name, &prop, slices.Contains(s.Required, name), enforced, depth)
		if !f.Required && slices.Contains(s.Required, name) && !enforced {
			f.Note = joinNotes(f.Note, "Required when "+path+" is set.")
		}
		fields = append(fields, f)
	}
	return fields, true
}

// field draws the property name of s at path, at depth: required by its
// parent, which is sent whenever the form is when enforced.
func (b *formBuilder) field(path, name string, s *apiextensionsv1.JSONSchemaProps, required, enforced bool, depth int) formField {
	b.left--
	f := formField{Path: path, Label: name, Required: required && enforced, Description: hint(s.Description)}
	switch {
	case s.XIntOrString:
		f.Kind, f.Note = jsonField, "JSON: a number, or a string in quotes."
	case unknownFields(s) || s.XEmbeddedResource:
		f.Kind, f.Note = jsonField, "JSON."
	case s.Type == typeString:
		f.Kind, f.Type = textField, typeString
		if f.Options = enumOptions(s); len(f.Options) > 0 {
			f.Kind = selectField
		}
		f.Pattern = htmlPattern(s.Pattern)
		f.MinLength, f.MaxLength = length(s.MinLength), length(s.MaxLength)
	case s.Type == typeInteger || s.Type == typeNumber:
		f.Kind, f.Type = numberField, s.Type
		if f.Options = enumOptions(s); len(f.Options) > 0 {
			f.Kind = selectField
			break
		}
		f.Min, f.Max, f.Step = bounds(s)
	case s.Type == typeBoolean:
		f.Kind, f.Type = checkboxField, typeBoolean
	case s.Type == typeArray && scalarItems(s) != nil:
		items := scalarItems(s)
		f.Kind, f.Type, f.Note = listField, items.Type, "A comma-separated list."
		if opts := enumOptions(items); len(opts) > 0 {
			f.Note = "A comma-separated list of: " + strings.Join(opts, ", ") + "."
		}
	case s.Type == typeObject || s.Type == "" && len(s.Properties) > 0:
		fields, ok := b.object(path, s, required && enforced, depth+1)
		if !ok {
			f.Kind, f.Note = jsonField, "JSON: an object."
			break
		}
		f.Kind, f.Fields = objectField, fields
	default:
		f.Kind, f.Note = jsonField, "JSON."
	}
	if s.Default != nil {
		f.Default = defaultText(f.Kind, s.Default.Raw)
	}
	return f
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	default:
		return -1
	}
}

// joinNotes joins two hints.
func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// unknownFields says whether s keeps fields its schema does not name.
func unknownFields(s *apiextensionsv1.JSONSchemaProps) bool {
	return s.XPreserveUnknownFields != nil && *s.XPreserveUnknownFields
}

// scalarItems returns the schema of the items of the array s when they are
// strings, integers, numbers or booleans; nil otherwise.
func scalarItems(s *apiextensionsv1.JSONSchemaProps) *apiextensionsv1.JSONSchemaProps {
	if s.Items == nil || s.Items.Schema == nil {
		return nil
	}
	items := s.Items.Schema
	if items.XIntOrString || unknownFields(items) {
		return nil
	}
	switch items.Type {
	case typeString, typeInteger, typeNumber, typeBoolean:
		return items
	}
	return nil
}

// sortedNames returns the names of props, sorted.
func sortedNames(props map[string]apiextensionsv1.JSONSchemaProps) []string {
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// hint returns a description as one line, shortened.
func hint(description string) string {
	text := strings.Join(strings.Fields(description), " ")
	if runes := []rune(text); len(runes) > maxHintRunes {
		text = string(runes[:maxHintRunes-1]) + "…"
	}
	return text
}

// enumOptions returns the values of the enum of s that are of its type, as a
// form shows them.
func enumOptions(s *apiextensionsv1.JSONSchemaProps) []string {
	var out []string
	for _, e := range s.Enum {
		v, ok := decode(e.Raw)
		if !ok {
			continue
		}
		switch v := v.(type) {
		case string:
			if s.Type == typeString {
				out = append(out, v)
			}
		case json.Number:
			if s.Type == typeInteger || s.Type == typeNumber {
				out = append(out, v.String())
			}
		}
	}
	return out
}

// decode decodes raw JSON, keeping numbers as they are written.
func decode(raw []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// htmlPattern returns a schema's pattern as an HTML pattern attribute. A
// schema's pattern matches anywhere in the value, the attribute the whole
// value: an unanchored pattern may have anything around it.
func htmlPattern(pattern string) string {
	if pattern == "" || strings.HasPrefix(pattern, "^") && strings.HasSuffix(pattern, "$") {
		return pattern
	}
	return ".*(?:" + pattern + ").*"
}

// length returns a schema's length bound as an attribute value, empty when
// unset or negative.
func length(n *int64) string {
	if n == nil || *n < 0 {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

// bounds returns the min, max and step attributes of the number s.
func bounds(s *apiextensionsv1.JSONSchemaProps) (string, string, string) {
	if s.Type != typeInteger {
		return bound(s.Minimum), bound(s.Maximum), "any"
	}
	var lo, hi *float64
	if s.Minimum != nil {
		m := math.Ceil(*s.Minimum)
		if s.ExclusiveMinimum && m == *s.Minimum {
			m++
		}
		lo = &m
	}
	if s.Maximum != nil {
		m := math.Floor(*s.Maximum)
		if s.ExclusiveMaximum && m == *s.Maximum {
			m--
		}
		hi = &m
	}
	return bound(lo), bound(hi), "1"
}

// bound writes a bound as an HTML floating-point number, empty when unset.
func bound(v *float64) string {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return ""
	}
	if math.Abs(*v) < 1e15 {
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	return strconv.FormatFloat(*v, 'e', -1, 64)
}

// defaultText returns the default raw as a field of kind shows it, empty
// when the field cannot show it. JSON is shown compact, as written.
func defaultText(kind fieldKind, raw []byte) string {
	v, ok := decode(raw)
	if !ok {
		return ""
	}
	if kind == jsonField {
		var out bytes.Buffer
		if json.Compact(&out, raw) != nil {
			return ""
		}
		return out.String()
	}
	return valueText(kind, v)
}

// valueText returns the value v as a field of kind shows it: a list's
// items joined by ", ", JSON indented; empty when the field cannot show v.
func valueText(kind fieldKind, v any) string {
	switch kind {
	case jsonField:
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return ""
		}
		return string(data)
	case listField:
		list, ok := v.([]any)
		if !ok {
			return ""
		}
		parts := make([]string, 0, len(list))
		for _, item := range list {
			text, ok := scalarText(item)
			if !ok {
				return ""
			}
			parts = append(parts, text)
		}
		return strings.Join(parts, listSeparator)
	case objectField:
		return ""
	default:
		text, _ := scalarText(v)
		return text
	}
}

// scalarText returns a string, number or boolean as text: numbers as
// decode keeps them (json.Number) or as an object holds them (int64,
// float64).
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case int:
		return strconv.Itoa(v), true
	case float64:
		text := bound(&v)
		return text, text != ""
	}
	return "", false
}

// fillFields returns fields as the edit form of obj (an object as the API
// shows it) draws them: each holding obj's value at its path rather than
// its default, nothing where obj has none or holds what the field cannot
// show; a select offering obj's value even when its schema does not; a
// secret field empty, as obj's secrets are masked; the name read-only, as
// an object keeps it. fields are left as they are.
func fillFields(fields []formField, obj map[string]any) []formField {
	if fields == nil {
		return nil
	}
	out := slices.Clone(fields)
	for i := range out {
		f := &out[i]
		f.Default = ""
		switch {
		case f.Kind == objectField:
			f.Fields = fillFields(f.Fields, obj)
			continue
		case f.Kind == rowsField:
			f.Rows = fillRows(*f, obj)
			continue
		case f.Secret:
			f.Note = joinNotes(f.Note, "Not shown: type it again, or saving removes it.")
			continue
		case f.Path == "metadata.name":
			f.ReadOnly, f.Note = true, "An object's name cannot change."
		}
		v, found, err := unstructured.NestedFieldNoCopy(obj, strings.Split(f.Path, ".")...)
		if !found || err != nil || v == nil {
			continue
		}
		switch f.Kind {
		case sizeField:
			f.Default, f.Unit = sizeText(v)
		case jsonTextField:
			f.Default = valueText(f.Kind, v)
			var out bytes.Buffer
			if json.Indent(&out, []byte(f.Default), "", "  ") == nil {
				f.Default = out.String()
			}
		case multiSelectField:
			f.Default = pickedText(*f, v)
			for item := range strings.SplitSeq(f.Default, listSeparator) {
				if item != "" && !slices.Contains(f.Options, item) {
					f.Options = append(slices.Clip(f.Options), item)
				}
			}
		default:
			f.Default = valueText(f.Kind, v)
			if f.Kind == selectField && f.Default != "" && !slices.Contains(f.Options, f.Default) {
				f.Options = append(slices.Clip(f.Options), f.Default)
			}
		}
	}
	return out
}

// pickedText returns the items of v a multiple select picks, as its
// Default holds them: a list's items or, when the select joins its items
// (Join), the items of the string v, trimmed, each spelt as the option it
// names whatever its case ("select" picks SELECT).
func pickedText(f formField, v any) string {
	if f.Join == "" {
		return valueText(listField, v)
	}
	text, ok := v.(string)
	if !ok {
		return ""
	}
	var items []string
	for item := range strings.SplitSeq(text, f.Join) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if i := slices.IndexFunc(f.Options, func(o string) bool { return strings.EqualFold(o, item) }); i >= 0 {
			item = f.Options[i]
		}
		if !slices.Contains(items, item) {
			items = append(items, item)
		}
	}
	return strings.Join(items, listSeparator)
}

// settleShown hides the fields among fields (and their fieldsets') shown
// only while another field among all holds a value (ShowIf), when it does
// not: its Default, as the form is drawn.
func settleShown(all, fields []formField) {
	for i := range fields {
		f := &fields[i]
		if f.ShowIf != "" {
			var value string
			refine(all, f.ShowIf, func(g *formField) { value = g.Default })
			f.Hidden = value != f.ShowValue
		}
		settleShown(all, f.Fields)
	}
}

// markSecret marks the fields at paths, and those under them, secret.
func markSecret(fields []formField, paths []string) {
	for i := range fields {
		f := &fields[i]
		for _, p := range paths {
			if f.Path == p || strings.HasPrefix(f.Path, p+".") {
				f.Secret = true
			}
		}
		markSecret(f.Fields, paths)
	}
}
