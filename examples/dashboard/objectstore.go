package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/platform"
)

// The IDs of the object store's kinds (objectstore.Domain): their forms
// are the schema-drawn ones with dedicated fields (objectStoreFields).
const (
	bucketKindID = "buckets.minio.scc-digitalhub.github.io"
	policyKindID = "policies.minio.scc-digitalhub.github.io"
	s3UserKindID = "users.minio.scc-digitalhub.github.io"
)

// errNoObjectStore says a form's choices cannot be read: there is no
// platform, or it has no object store client.
var errNoObjectStore = errors.New("no object store client")

// A sizeUnit is a unit a size field offers: its name and its bytes.
type sizeUnit struct {
	Name  string
	Bytes int64
}

// sizeUnits are the units of a size field, smallest first.
var sizeUnits = []sizeUnit{{"B", 1}, {"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}}

// defaultSizeUnit is the unit a size field offers first.
const defaultSizeUnit = "GiB"

// sizeText returns a number of bytes as a size field shows it: the number
// in the largest unit that holds it whole, and the unit ("10", "GiB").
// Anything but a whole number of bytes is empty, in the default unit.
func sizeText(v any) (string, string) {
	var n int64
	switch v := v.(type) {
	case int64:
		n = v
	case int:
		n = int64(v)
	case float64:
		if v != float64(int64(v)) {
			return "", defaultSizeUnit
		}
		n = int64(v)
	case json.Number:
		i, err := v.Int64()
		if err != nil {
			return "", defaultSizeUnit
		}
		n = i
	default:
		return "", defaultSizeUnit
	}
	if n == 0 {
		return "0", defaultSizeUnit
	}
	for _, u := range slices.Backward(sizeUnits) {
		if n%u.Bytes == 0 {
			return strconv.FormatInt(n/u.Bytes, 10), u.Name
		}
	}
	return strconv.FormatInt(n, 10), "B" // unreachable: every n is whole bytes
}

// A textTemplate is a document a JSON text field can start from: a
// policy made by objectstore's builders.
type textTemplate struct {
	Label, Content string
}

// objectStoreFields makes the schema-drawn form of an object store kind
// its dedicated one: a bucket's quota is a size with units, a policy's
// content a JSON editor that can start from a read-only or read-write
// policy of each bucket, a user's policies a choice of the namespace's
// policies. Other kinds' fields, and fields the schema does not have, are
// left as they are; so are fields whose choices cannot be read (a user's
// policies stay a comma-separated list when the policies cannot be listed).
func objectStoreFields(ctx context.Context, p *platform.Platform, crdID string, fields []formField) {
	switch crdID {
	case bucketKindID, policyKindID:
		// Beside the resource's name, spec.name is the name MinIO knows.
		refine(fields, "spec.name", func(f *formField) { f.Label = "name in MinIO" })
	}
	switch crdID {
	case bucketKindID:
		refine(fields, "spec.quota", func(f *formField) {
			f.Kind, f.Type, f.Units, f.Unit = sizeField, typeInteger, sizeUnits, defaultSizeUnit
			f.Note = "Empty or 0 for no quota."
		})
	case policyKindID:
		templates, err := policyTemplates(ctx, p)
		if err != nil {
			return
		}
		refine(fields, "spec.content", func(f *formField) {
			f.Kind, f.Type, f.Templates, f.TemplatePrompt = jsonTextField, typeString, templates, "Start from a policy of a bucket…"
			f.Note = "An IAM policy document, as JSON: its Version, and Statements with an Effect, Actions and Resources."
		})
	case s3UserKindID:
		names, err := policyNames(ctx, p)
		if err != nil {
			return
		}
		refine(fields, "spec.policies", func(f *formField) {
			f.Kind, f.Type, f.Options = multiSelectField, typeString, names
			f.Note = "The policies of this namespace to attach: pick any number."
		})
	}
}

// refine applies change to the field at path among fields and their
// fieldsets' fields.
func refine(fields []formField, path string, change func(*formField)) {
	for i := range fields {
		if fields[i].Path == path {
			change(&fields[i])
		}
		refine(fields[i].Fields, path, change)
	}
}

// policyTemplates returns the read-only and read-write policies of each
// bucket of the namespace, as objectstore's builders make them.
func policyTemplates(ctx context.Context, p *platform.Platform) ([]textTemplate, error) {
	if p == nil || p.ObjectStore() == nil {
		return nil, errNoObjectStore
	}
	buckets, err := p.ObjectStore().ListBuckets(ctx)
	if err != nil {
		return nil, err
	}
	var out []textTemplate
	for _, b := range buckets {
		for _, t := range []struct {
			label string
			build func(string, ...string) objectstore.PolicyRequest
		}{{"Read-only", objectstore.ReadOnlyPolicy}, {"Read-write", objectstore.ReadWritePolicy}} {
			doc, err := json.MarshalIndent(t.build(b.Name, b.Spec.Name).Document, "", "  ")
			if err != nil {
				return nil, fmt.Errorf("the %s policy of bucket %s: %w", t.label, b.Spec.Name, err)
			}
			out = append(out, textTemplate{Label: t.label + " on bucket " + b.Spec.Name, Content: string(doc)})
		}
	}
	return out, nil
}

// policyNames returns the MinIO names of the namespace's policies, sorted:
// what a user's spec.policies names.
func policyNames(ctx context.Context, p *platform.Platform) ([]string, error) {
	if p == nil || p.ObjectStore() == nil {
		return nil, errNoObjectStore
	}
	policies, err := p.ObjectStore().ListPolicies(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(policies))
	for _, pol := range policies {
		names = append(names, pol.Spec.Name)
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}
