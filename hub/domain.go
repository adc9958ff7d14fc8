package hub

import (
	"context"
	"flag"
	"fmt"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
)

// A Domain is one domain package's registry entry (its domain.go): what the
// platform layer needs to assemble it with the others. The platform
// package holds the list of every Domain; the scheme, the CRD set, the
// operator's reconcilers and flags, the demo data and the e2e setup all come
// from that list, so adding a domain is its own package, one line in the
// list and a README row. A domain package never imports platform. Every
// field but Name is optional.
type Domain struct {
	// Name names the domain, as its package is named: "databases".
	Name string
	// AddToScheme registers the domain's API types.
	AddToScheme AddToSchemeFunc
	// CRDs returns the CRDs of the domain's kinds.
	CRDs func() []*apiextensionsv1.CustomResourceDefinition
	// Reconcilers returns new, unset settings of the domain's reconcilers,
	// for an operator to bind to its flags and run.
	Reconcilers func() Reconcilers
	// Demo returns objects that show the domain on a demo cluster, in
	// namespace.
	Demo func(namespace string) []client.Object
	// Kinds describes the kinds the domain serves to people: what a REST
	// API and a UI need to list, show, check and mask them.
	Kinds []Kind
}

// A Kind describes one kind a domain serves to people, for a REST API and
// a UI: its id, its menu title, its list columns, its secret fields and the
// checks a write of it must pass.
type Kind struct {
	// ID is the kind's id in DigitalHub's resource manager API: "k8s_pvc"
	// for a built-in kind, the CRD's name ("postgres.db.movetokube.com")
	// for a custom resource.
	ID string
	// Title names the kind in a menu, in the plural: "Volumes".
	Title string
	// Object is an empty object of the kind's API type, such as
	// &databases.PostgresUser{}.
	Object client.Object
	// Columns are what a list of the kind shows besides the name, the
	// state (for a type with a Readiness method) and the creation time.
	Columns []Column
	// SecretFields names the fields that hold a secret in plain text, as
	// field paths ("spec.secretKey"). A REST API or a UI masks them in
	// every answer.
	SecretFields []string
	// Check makes the checks the domain's client makes before it creates
	// an object of the kind: its builder's field validation, and what only
	// the cluster knows (that a database, a policy exists). A REST API that
	// writes the kind from a request body calls it with an object of
	// Object's type, so that its users get the client's field errors.
	Check func(ctx context.Context, c *Client, obj client.Object) (field.ErrorList, error)
}

// A Column is one column of a list: a header and the field path of the
// value it shows ("spec.database"), or the function that computes it from
// an object of the Kind's type (the URL a service is reached at).
type Column struct {
	Header string
	Path   string
	// Value computes the value when no field holds it; it gets an object
	// of the Kind's Object type.
	Value func(obj client.Object) string
}

// Reconcilers are a domain's reconcilers and their settings, as an operator
// runs them.
type Reconcilers interface {
	// BindFlags binds the settings to flags of fs whose defaults come from
	// the upstream operator's environment variables (getenv); settings
	// that are secrets come from getenv only, never from a flag.
	BindFlags(fs *flag.FlagSet, getenv func(string) string)
	// Enabled tells whether the settings turn the reconcilers on; a domain
	// whose reconcilers are off leaves its kinds to the upstream operator.
	Enabled() bool
	// SetupWithManager runs the reconcilers in mgr, acting through c, and
	// releases what they hold when mgr stops.
	SetupWithManager(mgr manager.Manager, c *Client) error
}

// CheckOf makes a Kind's Check from a check of its API type T; an object
// of another type is an error, never a panic.
func CheckOf[T client.Object](check func(ctx context.Context, c *Client, obj T) (field.ErrorList, error)) func(context.Context, *Client, client.Object) (field.ErrorList, error) {
	return func(ctx context.Context, c *Client, obj client.Object) (field.ErrorList, error) {
		typed, ok := obj.(T)
		if !ok {
			var want T
			return nil, fmt.Errorf("hub: a check of %T cannot check a %T", want, obj)
		}
		return check(ctx, c, typed)
	}
}
