package dataservices

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/dataservices/dremiov1"
	"github.com/hubkit-dev/hubkit/dataservices/postgrestv1"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

var (
	postgrestKind = schema.GroupKind{Group: postgrestv1.GroupVersion.Group, Kind: "Postgrest"}
	dremioKind    = schema.GroupKind{Group: dremiov1.GroupVersion.Group, Kind: "DremioRestServer"}
)

// A Client manages the PostgREST and Dremio REST services of one
// namespace, the hub.Client's. Its scheme must know this package's types.
type Client struct {
	postgrests *hub.Resource[*Postgrest]
	dremios    *hub.Resource[*DremioRestServer]
	secrets    *hub.Resource[*corev1.Secret]
	users      *databases.Client
}

// An Option configures a Client or a Provisioner; one list of options
// serves both, and each ignores the options that are not its concern.
type Option func(*settings)

// settings collects what the Options set.
type settings struct {
	databases         []databases.Option
	postgrest, dremio Workload
	managed           []reconcile.ManagedOption
}

func newSettings(opts []Option) settings {
	s := settings{postgrest: DefaultPostgrestWorkload, dremio: DefaultDremioWorkload}
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

// WithDatabases passes options to the databases client a Client reads
// PostgreSQL users through (CreatePostgrestForUser): say
// databases.KeepSecretName when the postgres-operator keeps user Secret
// names.
func WithDatabases(opts ...databases.Option) Option {
	return func(s *settings) { s.databases = append(s.databases, opts...) }
}

// WithPostgrestWorkload sets how a Provisioner runs PostgREST services
// (default DefaultPostgrestWorkload).
func WithPostgrestWorkload(w Workload) Option { return func(s *settings) { s.postgrest = w } }

// WithDremioWorkload sets how a Provisioner runs Dremio REST servers
// (default DefaultDremioWorkload).
func WithDremioWorkload(w Workload) Option { return func(s *settings) { s.dremio = w } }

// WithManagedOptions passes options (event recorder, poll interval, ...)
// to a Provisioner's managed reconcilers.
func WithManagedOptions(opts ...reconcile.ManagedOption) Option {
	return func(s *settings) { s.managed = append(s.managed, opts...) }
}

// NewClient returns a Client over c.
func NewClient(c *hub.Client, opts ...Option) *Client {
	s := newSettings(opts)
	return &Client{
		postgrests: hub.For[*Postgrest](c),
		dremios:    hub.For[*DremioRestServer](c),
		secrets:    hub.For[*corev1.Secret](c),
		users:      databases.NewClient(c, s.databases...),
	}
}

// connectionSecret reads the Secret a connection names, in the client's
// namespace; a Secret that does not exist is a field error of
// spec.connection.secretName.
func connectionSecret(ctx context.Context, secrets *hub.Resource[*corev1.Secret], name string) (*corev1.Secret, field.ErrorList, error) {
	secret, err := secrets.Get(ctx, name)
	switch {
	case hub.IsNotFound(err):
		return nil, field.ErrorList{field.NotFound(connectionPath.Child("secretName"), name)}, nil
	case err != nil:
		return nil, nil, fmt.Errorf("reading the connection Secret: %w", err)
	}
	return secret, nil, nil
}

// checkPostgrest makes CreatePostgrest's checks on a Postgrest written
// whole: its spec, then the Secret it connects with.
func checkPostgrest(ctx context.Context, secrets *hub.Resource[*corev1.Secret], p *Postgrest) (field.ErrorList, error) {
	errs := redact(validatePostgrestSpec(p.Name, p.Spec))
	if len(errs) > 0 || p.Spec.Connection.SecretName == "" {
		return errs, nil
	}
	secret, missing, err := connectionSecret(ctx, secrets, p.Spec.Connection.SecretName)
	switch {
	case err != nil:
		return nil, err
	case len(missing) > 0:
		return missing, nil
	}
	_, bad := resolvePostgres(p.Spec.Connection, secret)
	return bad, nil
}

// checkDremio makes CreateDremioRestServer's checks on a DremioRestServer
// written whole: its spec, then the Secret it connects with.
func checkDremio(ctx context.Context, secrets *hub.Resource[*corev1.Secret], d *DremioRestServer) (field.ErrorList, error) {
	errs := redact(validateDremioSpec(d.Name, d.Spec))
	if len(errs) > 0 || d.Spec.Connection.SecretName == "" {
		return errs, nil
	}
	secret, missing, err := connectionSecret(ctx, secrets, d.Spec.Connection.SecretName)
	switch {
	case err != nil:
		return nil, err
	case len(missing) > 0:
		return missing, nil
	}
	_, bad := resolveDremio(d.Spec.Connection, secret)
	return bad, nil
}

// CreatePostgrest validates r, checks the Secret it connects with (it must
// exist and hold POSTGRES_URL, or USER and PASSWORD with a host and
// database), and creates its resource.
func (c *Client) CreatePostgrest(ctx context.Context, r PostgrestRequest) (*Postgrest, error) {
	return c.postgrests.CreateBuilt(ctx, postgrestKind, r.Name, r.Validate(), r.Build, func(ctx context.Context, p *Postgrest) (field.ErrorList, error) {
		return checkPostgrest(ctx, c.secrets, p)
	})
}

// CreatePostgrestForUser creates the PostgREST service called name that
// connects as the PostgreSQL user called user (a PostgresUser of the
// namespace), through the Secret the postgres-operator writes for it (its
// POSTGRES_URL). opts set the rest: the tables and grants, or the role.
// The Secret must exist: wait for the user first (databases.Client's
// WaitForUser).
func (c *Client) CreatePostgrestForUser(ctx context.Context, name, user string, opts ...PostgrestOption) (*Postgrest, error) {
	u, err := c.users.GetUser(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("the PostgREST service's user: %w", err)
	}
	return c.CreatePostgrest(ctx, NewPostgrest(name, append(opts, WithConnectionSecret(c.users.SecretName(u)))...))
}

// CreateDremioRestServer validates r, checks the Secret it connects with
// (it must exist and hold USER and PASSWORD), and creates its resource.
func (c *Client) CreateDremioRestServer(ctx context.Context, r DremioRequest) (*DremioRestServer, error) {
	return c.dremios.CreateBuilt(ctx, dremioKind, r.Name, r.Validate(), r.Build, func(ctx context.Context, d *DremioRestServer) (field.ErrorList, error) {
		return checkDremio(ctx, c.secrets, d)
	})
}

// GetPostgrest returns the PostgREST service called name.
func (c *Client) GetPostgrest(ctx context.Context, name string) (*Postgrest, error) {
	return c.postgrests.Get(ctx, name)
}

// GetDremioRestServer returns the Dremio REST server called name.
func (c *Client) GetDremioRestServer(ctx context.Context, name string) (*DremioRestServer, error) {
	return c.dremios.Get(ctx, name)
}

// ListPostgrests lists the PostgREST services.
func (c *Client) ListPostgrests(ctx context.Context) ([]*Postgrest, error) {
	page, err := c.postgrests.List(ctx)
	return page.Items, err
}

// ListDremioRestServers lists the Dremio REST servers.
func (c *Client) ListDremioRestServers(ctx context.Context) ([]*DremioRestServer, error) {
	page, err := c.dremios.List(ctx)
	return page.Items, err
}

// DeletePostgrest deletes the PostgREST service called name, the one it
// reads (a UID precondition). Its reconciler drops the generated role.
func (c *Client) DeletePostgrest(ctx context.Context, name string) error {
	obj, err := c.postgrests.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.postgrests.DeleteObject(ctx, obj)
}

// DeleteDremioRestServer deletes the Dremio REST server called name, the
// one it reads (a UID precondition).
func (c *Client) DeleteDremioRestServer(ctx context.Context, name string) error {
	obj, err := c.dremios.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.dremios.DeleteObject(ctx, obj)
}

// WaitForPostgrest waits until the operator reports the PostgREST service
// called name Running, or ctx ends (give it a deadline), and returns it.
func (c *Client) WaitForPostgrest(ctx context.Context, name string) (*Postgrest, error) {
	return hub.WaitReady(ctx, c.postgrests, name)
}

// WaitForDremioRestServer waits until the operator reports the Dremio REST
// server called name Running, or ctx ends (give it a deadline), and
// returns it.
func (c *Client) WaitForDremioRestServer(ctx context.Context, name string) (*DremioRestServer, error) {
	return hub.WaitReady(ctx, c.dremios, name)
}
