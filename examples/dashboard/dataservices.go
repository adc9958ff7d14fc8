package main

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/dataservices"
	"github.com/hubkit-dev/hubkit/platform"
)

// The IDs of the data services' kinds (dataservices.Domain): their forms
// are the schema-drawn ones with dedicated fields (dataServiceFields), and
// their pages show the URL of their Service (serviceURL).
const (
	postgrestKindID = "postgrests.operator.postgrest.org"
	dremioKindID    = "dremiorestservers.operator.dremiorestserver.com"
)

// errNoSecrets says a form's Secrets cannot be listed: there is no
// platform.
var errNoSecrets = errors.New("no secrets client")

// grantsJoin joins the privileges of a PostgREST service's spec.grants, a
// string, as the resource manager's UI does.
const grantsJoin = ","

// connectByFields is the empty option of a connection's Secret: none,
// connect with the user and password.
const connectByFields = "(none: connect with the fields below)"

// dataServiceFields makes the schema-drawn form of a data service kind its
// dedicated one, as the resource manager has it. A PostgREST service: its
// name and schema, then what it serves as, an existing role or tables with
// the privileges (spec.grants, one comma-separated string) picked among
// PostgreSQL's, then its connection. A Dremio REST server: its name and
// tables (one comma-separated string), then its connection. A connection's
// Secret is picked among the namespace's (a text field when they cannot be
// listed), its port is the UI's default on a create form, and the fields
// in the order a user fills them. Other kinds' fields are returned as
// they are.
func dataServiceFields(ctx context.Context, p *platform.Platform, crdID string, fields []formField) []formField {
	switch crdID {
	case postgrestKindID:
		refine(fields, "spec.grants", func(f *formField) {
			f.Kind, f.Type, f.Options, f.Join = multiSelectField, typeString, slices.Clone(databases.TablePrivilegeNames), grantsJoin
			f.Note = "Only with tables: the privileges the generated role gets on them. None picked is " + dataservices.DefaultGrants + "; Ctrl or ⌘ picks more than one."
			f.Description = ""
		})
		connectionFields(ctx, p, fields, dataservices.DefaultPostgresPort)
		order(fields, "metadata.name", "spec.schema", "spec.anonRole", "spec.tables", "spec.grants", "spec.connection",
			"spec.connection.secretName", "spec.connection.host", "spec.connection.port", "spec.connection.database",
			"spec.connection.user", "spec.connection.password", "spec.connection.extraParams")
		return group(fields, "access", "An existing role, or tables exposed through a generated role with the grants picked: one or the other.",
			"spec.anonRole", "spec.tables", "spec.grants")
	case dremioKindID:
		refine(fields, "spec.tables", func(f *formField) {
			f.Required = true
			f.Note = "The tables to expose, in one text, comma separated: lake.sales,lake.customers."
			f.Description = ""
		})
		refine(fields, "spec.connection.host", func(f *formField) { f.Required = true })
		connectionFields(ctx, p, fields, dataservices.DefaultDremioPort)
		order(fields, "metadata.name", "spec.tables", "spec.connection",
			"spec.connection.secretName", "spec.connection.host", "spec.connection.port",
			"spec.connection.user", "spec.connection.password", "spec.connection.jdbcProperties")
	}
	return fields
}

// connectionFields refines the fields of a data service's connection: its
// Secret a choice of the namespace's, its port defaultPort unless an
// object says otherwise.
func connectionFields(ctx context.Context, p *platform.Platform, fields []formField, defaultPort int) {
	refine(fields, "spec.connection", func(f *formField) {
		f.Note = "By a Secret, or by a user and password."
	})
	refine(fields, "spec.connection.port", func(f *formField) {
		f.Default = strconv.Itoa(defaultPort)
		if f.Min == "" {
			f.Min, f.Max = "0", "65535"
		}
	})
	names, err := secretNames(ctx, p)
	if err != nil {
		return
	}
	refine(fields, "spec.connection.secretName", func(f *formField) {
		f.Kind, f.Type, f.Options, f.NoneLabel = selectField, typeString, names, connectByFields
	})
}

// secretNames returns the names of the namespace's Secrets, sorted.
func secretNames(ctx context.Context, p *platform.Platform) ([]string, error) {
	if p == nil || p.Secrets() == nil {
		return nil, errNoSecrets
	}
	list, err := p.Secrets().List(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(list))
	for _, s := range list {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	return names, nil
}

// order puts the fields at paths first among their siblings, in the order
// of paths, the others after them as they were; in fieldsets too.
func order(fields []formField, paths ...string) {
	rank := func(f formField) int {
		if i := slices.Index(paths, f.Path); i >= 0 {
			return i
		}
		return len(paths)
	}
	slices.SortStableFunc(fields, func(a, b formField) int { return cmp.Compare(rank(a), rank(b)) })
	for i := range fields {
		order(fields[i].Fields, paths...)
	}
}

// group returns fields with those at paths among them (not in fieldsets)
// in one fieldset of their own, labelled label with the hint note, where
// the first of them was. Its fields keep their paths: the fieldset, of no
// path, only draws them together, with no error place of its own.
func group(fields []formField, label, note string, paths ...string) []formField {
	set := formField{Label: label, Kind: objectField, Note: note}
	out := make([]formField, 0, len(fields))
	at := -1
	for _, f := range fields {
		if !slices.Contains(paths, f.Path) {
			out = append(out, f)
			continue
		}
		if at < 0 {
			at = len(out)
			out = append(out, formField{})
		}
		set.Fields = append(set.Fields, f)
	}
	if at < 0 {
		return fields
	}
	out[at] = set
	return out
}

// serviceURL returns the URL the data service called name of the kind
// crdID is reached at inside the cluster, through the Service its
// operator renders in namespace; empty for another kind.
func serviceURL(crdID, name, namespace string) string {
	switch crdID {
	case postgrestKindID:
		return dataservices.ServiceURL(dataservices.PostgrestObjectName(name), namespace)
	case dremioKindID:
		return dataservices.ServiceURL(dataservices.DremioObjectName(name), namespace)
	}
	return ""
}
