// Package tenancytest runs the tenancy Provisioner in a hubtest fake
// cluster, with an in-memory identity provider, so that tests see exactly
// what Hubkit's tenant and workspace reconcilers (CrownLabs' controllers'
// job) do: each tenant's namespace, quota, roles, network policies and
// personal volume, each workspace's namespace and bindings.
package tenancytest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/tenancy"
)

// An Operator simulates the tenant operator: it is the tenancy Provisioner
// itself, run by hubtest.ControllerSimulator, with the platform's
// ClusterRoles applied first. Add it to a fake with hubtest.WithSimulators;
// the fake's scheme must know the tenancy types.
type Operator struct {
	// Options configure the Provisioner; the identity provider is the
	// Operator's own unless they set another.
	Options []tenancy.Option
	// Identity is the in-memory identity provider the Provisioner keeps
	// the tenants' accounts at.
	Identity *IdentityProvider

	once      sync.Once
	simulator hubtest.Simulator
}

// NewOperator returns an operator with opts and a new identity provider.
func NewOperator(opts ...tenancy.Option) *Operator {
	return &Operator{Options: opts, Identity: NewIdentityProvider()}
}

var _ hubtest.Simulator = (*Operator)(nil)

// Simulate runs the Provisioner's controllers on the change.
func (o *Operator) Simulate(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
	o.once.Do(func() {
		o.simulator = hubtest.ControllerSimulator(func(f *hubtest.Fake) ([]hubtest.Controller, error) {
			h, err := f.NewHub(hub.WithFieldOwner("tenant-operator"))
			if err != nil {
				return nil, err
			}
			opts := append([]tenancy.Option{tenancy.WithIdentityProvider(o.Identity)}, o.Options...)
			p, err := tenancy.NewProvisioner(h, opts...)
			if err != nil {
				return nil, err
			}
			if err := p.EnsurePlatformRoles(ctx); err != nil {
				return nil, err
			}
			return []hubtest.Controller{p.TenantController(), p.WorkspaceController()}, nil
		})
	})
	return o.simulator.Simulate(ctx, f, ev)
}

// An IdentityProvider is an in-memory tenancy.IdentityProvider, with a
// switch that makes it fail as an identity provider that is down does.
// It is safe for concurrent use.
type IdentityProvider struct {
	mu    sync.Mutex
	users map[string]tenancy.Identity
	down  error
	calls int
}

// NewIdentityProvider returns an identity provider with no account.
func NewIdentityProvider() *IdentityProvider {
	return &IdentityProvider{users: map[string]tenancy.Identity{}}
}

var _ tenancy.IdentityProvider = (*IdentityProvider)(nil)

// SetDown makes every call fail with err until it is called with nil.
func (p *IdentityProvider) SetDown(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = err
}

// Users returns the accounts, by name.
func (p *IdentityProvider) Users() map[string]tenancy.Identity {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.users)
}

// Writes tells how many PutUser and DeleteUser calls succeeded so far.
func (p *IdentityProvider) Writes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

// User returns the account called name.
func (p *IdentityProvider) User(_ context.Context, name string) (tenancy.Identity, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down != nil {
		return tenancy.Identity{}, p.down
	}
	id, ok := p.users[name]
	if !ok {
		return tenancy.Identity{}, fmt.Errorf("user %q: %w", name, tenancy.ErrUserNotFound)
	}
	id.Roles = slices.Clone(id.Roles)
	return id, nil
}

// PutUser creates or updates the account.
func (p *IdentityProvider) PutUser(_ context.Context, id tenancy.Identity) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down != nil {
		return p.down
	}
	id.Roles = slices.Clone(id.Roles)
	p.users[id.Name] = id
	p.calls++
	return nil
}

// DeleteUser removes the account, if there is one.
func (p *IdentityProvider) DeleteUser(_ context.Context, name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down != nil {
		return p.down
	}
	if _, ok := p.users[name]; ok {
		delete(p.users, name)
		p.calls++
	}
	return nil
}
