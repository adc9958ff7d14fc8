package databases

import (
	"context"
	"errors"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// A Provisioner does the postgres-operator's job on a PostgreSQL Server:
// for a Postgres it creates the database, its owner, reader and writer
// group roles, its schemas with the grants of each group, and its
// extensions; for a PostgresUser a login role with a generated password in
// its group, and the Secret with every key the operator writes. It drops a
// database only when dropOnDelete says so. It is two reconcile.Managed
// controllers (one per kind) sharing the Server: a reconcile over
// converged objects changes nothing in PostgreSQL or the cluster. It never
// logs or returns a password.
type Provisioner struct {
	hub      *hub.Client
	server   Server
	secret   SecretSettings
	managed  []reconcile.ManagedOption
	database *reconcile.Managed[*Postgres]
	user     *reconcile.Managed[*PostgresUser]
	close    func()
}

// WithServiceAddress sets the host and port user Secrets point at, such as
// a Service's DNS name, when applications reach PostgreSQL by another
// address than the Provisioner does.
func WithServiceAddress(host string, port int) Option {
	return func(s *settings) { s.secret.Host, s.secret.Port = host, port }
}

// WithURIArgs sets the query appended to POSTGRES_URL, as
// POSTGRES_URI_ARGS does for the operator (e.g. "sslmode=disable").
func WithURIArgs(args string) Option {
	return func(s *settings) { s.secret.URIArgs = args }
}

// WithManagedOptions passes options (event recorder, poll interval, ...)
// to both managed reconcilers.
func WithManagedOptions(opts ...reconcile.ManagedOption) Option {
	return func(s *settings) { s.managed = append(s.managed, opts...) }
}

// NewProvisioner returns a Provisioner acting on the cluster through c and
// on the PostgreSQL adminDSN names, as its administrator (a superuser, or a
// role with CREATEDB and CREATEROLE). User Secrets point at the DSN's host
// and port unless WithServiceAddress says otherwise. Close it when done.
func NewProvisioner(c *hub.Client, adminDSN string, opts ...Option) (*Provisioner, error) {
	server, err := NewPostgreSQLServer(adminDSN)
	if err != nil {
		return nil, err
	}
	host, port := server.Address()
	p, err := NewProvisionerOn(c, server, append([]Option{WithServiceAddress(host, port)}, opts...)...)
	if err != nil {
		server.Close()
		return nil, err
	}
	p.close = server.Close
	return p, nil
}

// NewProvisionerOn returns a Provisioner acting on the cluster through c
// and on server: the real PostgreSQL, or databasestest's in-memory one.
func NewProvisionerOn(c *hub.Client, server Server, opts ...Option) (*Provisioner, error) {
	if c == nil || server == nil {
		return nil, errors.New("databases: a Provisioner needs a hub.Client and a Server")
	}
	set := newSettings(opts)
	p := &Provisioner{hub: c, server: server, secret: set.secret, managed: set.managed}
	var err error
	p.database, err = reconcile.NewManaged(c, reconcile.ManagedKind[*Postgres]{
		Connector: reconcile.ConnectorFunc[*Postgres](func(context.Context, *Postgres) (reconcile.External[*Postgres], error) {
			return &databaseExternal{server: p.server}, nil
		}),
		Status: func(db *Postgres, o reconcile.Outcome) { db.Status = databaseStatus(db, o) },
	}, append([]reconcile.ManagedOption{reconcile.WithName("postgres"), reconcile.WithFinalizer(Finalizer)}, p.managed...)...)
	if err != nil {
		return nil, fmt.Errorf("databases: %w", err)
	}
	p.user, err = reconcile.NewManaged(c, reconcile.ManagedKind[*PostgresUser]{
		Connector: reconcile.ConnectorFunc[*PostgresUser](p.connectUser),
		Children: func(u *PostgresUser, d reconcile.Details) ([]client.Object, error) {
			return []client.Object{userSecret(u, p.secret, d)}, nil
		},
		Owns: []client.Object{&corev1.Secret{}},
		Watches: []reconcile.Watch{{Object: &Postgres{}, Map: reconcile.Dependents(c, func(db client.Object, u *PostgresUser) bool {
			return u.Spec.Database == db.GetName()
		})}},
		Status: func(u *PostgresUser, o reconcile.Outcome) { u.Status = userStatus(u, o) },
	}, append([]reconcile.ManagedOption{reconcile.WithName("postgresuser"), reconcile.WithFinalizer(Finalizer)}, p.managed...)...)
	if err != nil {
		return nil, fmt.Errorf("databases: %w", err)
	}
	return p, nil
}

// Close closes the Provisioner's connections to PostgreSQL.
func (p *Provisioner) Close() {
	if p.close != nil {
		p.close()
	}
}

// DatabaseController returns the managed reconciler of Postgres resources.
func (p *Provisioner) DatabaseController() *reconcile.Managed[*Postgres] { return p.database }

// UserController returns the managed reconciler of PostgresUser resources.
func (p *Provisioner) UserController() *reconcile.Managed[*PostgresUser] { return p.user }

// ReconcileDatabase makes PostgreSQL hold the Postgres resource key.
func (p *Provisioner) ReconcileDatabase(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.database.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// ReconcileUser makes PostgreSQL and the cluster hold the PostgresUser
// resource key: its login role in its group, and its Secret.
func (p *Provisioner) ReconcileUser(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.user.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// SetupWithManager runs the Provisioner's two controllers in mgr: one for
// Postgres, one for PostgresUser (woken by the Secrets it owns and by its
// database's changes).
func (p *Provisioner) SetupWithManager(mgr manager.Manager) error {
	if err := p.database.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("databases: %w", err)
	}
	if err := p.user.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("databases: %w", err)
	}
	return nil
}

// databaseExternal is the PostgreSQL side of one Postgres resource.
type databaseExternal struct {
	server Server
	plan   []step
}

// Observe plans what PostgreSQL lacks for db.
func (e *databaseExternal) Observe(ctx context.Context, db *Postgres) (reconcile.Observation, error) {
	names := rolesOf(db.Spec)
	roles := map[string]RoleState{}
	for _, role := range []string{names.Owner, names.Reader, names.Writer, e.server.Admin()} {
		state, err := e.server.Role(ctx, role)
		if err != nil {
			return reconcile.Observation{}, err
		}
		roles[role] = state
	}
	state, err := e.server.Database(ctx, db.Spec.Database)
	if err != nil {
		return reconcile.Observation{}, err
	}
	e.plan = planDatabase(db.Spec, e.server.Admin(), roles, state)
	return reconcile.Observation{Exists: state.Exists, UpToDate: len(e.plan) == 0}, nil
}

// Apply carries out the plan: the roles and the database first, then every
// schema, grant and extension, each failing on its own.
func (e *databaseExternal) Apply(ctx context.Context, _ *Postgres, _ reconcile.Observation) (reconcile.Details, error) {
	var steps reconcile.Steps
	for _, s := range e.plan {
		if s.base && steps.Failed() > 0 {
			continue
		}
		steps.Run(s.name, func() error { return s.do(ctx, e.server) })
	}
	return nil, steps.Err()
}

// Delete drops the database and its group roles when dropOnDelete says so.
func (e *databaseExternal) Delete(ctx context.Context, db *Postgres) error {
	if !db.Spec.DropOnDelete {
		return nil
	}
	if err := e.server.DropDatabase(ctx, db.Spec.Database); err != nil {
		return err
	}
	names := rolesOf(db.Spec)
	for _, role := range []string{names.Reader, names.Writer, names.Owner} {
		if err := e.server.DropRole(ctx, role); err != nil {
			return err
		}
	}
	return nil
}

// connectUser reads what a user depends on: its database (which must be
// ready, and becomes the user's controller, as with the operator) and the
// Secret of an earlier reconcile.
func (p *Provisioner) connectUser(ctx context.Context, u *PostgresUser) (reconcile.External[*PostgresUser], error) {
	if errs := validateUserSpec(u.Spec); len(errs) > 0 && u.DeletionTimestamp == nil {
		return nil, fmt.Errorf("the user's spec: %w", errs.ToAggregate())
	}
	db, err := hub.For[*Postgres](p.hub).InNamespace(u.Namespace).Get(ctx, u.Spec.Database)
	switch {
	case hub.IsNotFound(err) && u.DeletionTimestamp != nil:
		db = nil
	case hub.IsNotFound(err):
		return nil, reconcile.Wait("database %q does not exist yet", u.Spec.Database)
	case err != nil:
		return nil, err
	case u.DeletionTimestamp == nil && !db.Status.Succeeded:
		return nil, reconcile.Wait("database %q is not ready yet", u.Spec.Database)
	}
	if db != nil && u.DeletionTimestamp == nil && !metav1.IsControlledBy(u, db) {
		if err := controllerutil.SetControllerReference(db, u, p.hub.Scheme()); err != nil {
			return nil, fmt.Errorf("making database %q the user's controller: %w", db.Name, err)
		}
	}
	secret, err := hub.For[*corev1.Secret](p.hub).InNamespace(u.Namespace).Get(ctx, SecretNameFor(u, p.secret.KeepSecretName))
	if err != nil && !hub.IsNotFound(err) {
		return nil, err
	}
	if hub.IsNotFound(err) {
		secret = nil
	}
	return &userExternal{server: p.server, db: db, secret: secret, role: loginRoleOf(u, secret)}, nil
}

// userExternal is the PostgreSQL side of one PostgresUser resource.
type userExternal struct {
	server Server
	db     *Postgres
	secret *corev1.Secret
	role   string
}

// Observe finds the login role, whether it is in its group, and whether
// the user's Secret holds its password.
func (e *userExternal) Observe(ctx context.Context, u *PostgresUser) (reconcile.Observation, error) {
	state, err := e.server.Role(ctx, e.role)
	if err != nil {
		return reconcile.Observation{}, err
	}
	group := groupFor(u.Spec.Privileges, e.db.Status.Roles)
	details := reconcile.Details{}.With(detailRole, e.role).With(detailGroup, group).With(detailDatabase, e.db.Spec.Database)
	known := state.Exists && e.secret != nil && string(e.secret.Data[KeyRole]) == e.role && len(e.secret.Data[KeyPassword]) > 0
	if known {
		details = details.With(detailPassword, string(e.secret.Data[KeyPassword]))
	}
	return reconcile.Observation{
		Exists:   state.Exists,
		UpToDate: known && state.Login && slices.Contains(state.MemberOf, group),
		Details:  details,
	}, nil
}

// Apply creates the login role, or gives it a new password when its Secret
// lost the old one, and puts it in its group.
func (e *userExternal) Apply(ctx context.Context, _ *PostgresUser, observed reconcile.Observation) (reconcile.Details, error) {
	password := observed.Details.Get(detailPassword)
	switch {
	case !observed.Exists:
		pw := newPassword()
		if err := e.server.CreateRole(ctx, e.role, pw); err != nil {
			return nil, err
		}
		password = pw.Reveal()
	case password == "":
		pw := newPassword()
		if err := e.server.SetPassword(ctx, e.role, pw); err != nil {
			return nil, err
		}
		password = pw.Reveal()
	}
	if err := e.server.GrantRole(ctx, observed.Details.Get(detailGroup), e.role); err != nil {
		return nil, err
	}
	return reconcile.Details{}.With(detailPassword, password), nil
}

// Delete hands what the login role owns to the owner group, then drops it.
func (e *userExternal) Delete(ctx context.Context, u *PostgresUser) error {
	role := u.Status.PostgresRole
	if role == "" {
		return nil
	}
	if e.db != nil {
		if err := e.server.HandOver(ctx, e.db.Spec.Database, role, ownerRole(e.db.Spec)); err != nil {
			return err
		}
	}
	return e.server.DropRole(ctx, role)
}
