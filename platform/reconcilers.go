package platform

import (
	"flag"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/hub"
)

// Reconcilers are the reconcilers of every domain that has some, with their
// settings, as an operator runs them. Each domain's are switched on by its
// own settings; those left off leave their kinds to the upstream operator.
type Reconcilers struct {
	byDomain []domainReconcilers
}

type domainReconcilers struct {
	hub.Reconcilers

	domain string
}

// NewReconcilers returns the unset settings of every domain's reconcilers.
func NewReconcilers() *Reconcilers {
	r := &Reconcilers{}
	for _, d := range domains {
		if d.Reconcilers != nil {
			r.byDomain = append(r.byDomain, domainReconcilers{Reconcilers: d.Reconcilers(), domain: d.Name})
		}
	}
	return r
}

// BindFlags binds every domain's settings to flags of fs, with defaults
// (and secrets) from getenv, such as os.Getenv.
func (r *Reconcilers) BindFlags(fs *flag.FlagSet, getenv func(string) string) {
	for _, d := range r.byDomain {
		d.BindFlags(fs, getenv)
	}
}

// Domains names the domains that have reconcilers.
func (r *Reconcilers) Domains() []string {
	names := make([]string, 0, len(r.byDomain))
	for _, d := range r.byDomain {
		names = append(names, d.domain)
	}
	return names
}

// Enabled names the domains whose settings turn their reconcilers on.
func (r *Reconcilers) Enabled() []string {
	var on []string
	for _, d := range r.byDomain {
		if d.Enabled() {
			on = append(on, d.domain)
		}
	}
	return on
}

// SetupWithManager registers every reconciler the settings turn on with
// mgr, acting through c (whose scheme must be NewScheme's).
func (r *Reconcilers) SetupWithManager(mgr manager.Manager, c *hub.Client) error {
	for _, d := range r.byDomain {
		if !d.Enabled() {
			continue
		}
		if err := d.SetupWithManager(mgr, c); err != nil {
			return fmt.Errorf("platform: the %s reconcilers: %w", d.domain, err)
		}
	}
	return nil
}
