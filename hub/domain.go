package hub

import (
	"flag"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
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
	// SecretFields names, per kind of the domain, the fields that hold a
	// secret in plain text (as field paths: "spec.secretKey"). A REST API
	// or a UI masks them in every answer.
	SecretFields map[schema.GroupKind][]string
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
