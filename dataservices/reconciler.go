package dataservices

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// AnnotationAnonRoleDatabase is the annotation in which the Provisioner
// records the database a Postgrest's generated role has its grants in, so
// that it can drop the role even when the connection Secret is gone first.
// It is removed once the role is dropped because the Postgrest was
// switched to an existing role (spec.anonRole).
const AnnotationAnonRoleDatabase = "dataservices.hubkit.dev/anon-role-database"

// A Provisioner does the PostgREST and Dremio REST server operators' job:
// for a Postgrest the Secret with its connection URI, the Deployment and the
// Service, named and labelled as the operator names and labels them, and,
// for tables, the generated role in PostgreSQL with exactly the grants asked
// for (granted and revoked as the spec changes, dropped on delete or when
// the Postgrest switches to an existing role), which the connecting role
// may switch to; for a DremioRestServer the same three
// objects. Each service reports the operator's states, Running once its
// Deployment has a ready replica. It is two reconcile.Managed controllers: a
// reconcile over converged objects changes nothing in PostgreSQL or the
// cluster. It never logs or returns a password.
//
// Where Hubkit differs from the operators, it is on purpose: a spec change
// is applied in place (the operators delete and recreate everything, and
// loop forever on an empty schema or on grants ALL); Error is not a dead
// end; the generated role cannot log in (NOLOGIN) and is granted to the
// connecting role, so that PostgREST can switch to it; user and password
// are escaped in the connection URI. The operator runs its GRANTs as the
// connecting role, so PostgreSQL lets it pass on only what that role may;
// Hubkit grants as the administrator, so it first checks that the
// connecting role holds each privilege asked (see grantsToCheck) and
// refuses, with an Error naming them, those it does not.
type Provisioner struct {
	hub       *hub.Client
	server    databases.Server
	set       settings
	postgrest *reconcile.Managed[*Postgrest]
	dremio    *reconcile.Managed[*DremioRestServer]
	close     func()
}

// NewProvisioner returns a Provisioner acting on the cluster through c and
// on the PostgreSQL adminDSN names as its administrator (a superuser, or a
// role with CREATEROLE that may grant on the exposed tables): the server
// PostgREST services connect to. Close it when done.
func NewProvisioner(c *hub.Client, adminDSN string, opts ...Option) (*Provisioner, error) {
	server, err := databases.NewPostgreSQLServer(adminDSN)
	if err != nil {
		return nil, fmt.Errorf("dataservices: %w", err)
	}
	p, err := NewProvisionerOn(c, server, opts...)
	if err != nil {
		server.Close()
		return nil, err
	}
	p.close = server.Close
	return p, nil
}

// NewProvisionerOn returns a Provisioner acting on the cluster through c
// and on server: the real PostgreSQL, or databasestest's in-memory one. A
// nil server serves Dremio REST servers and PostgREST services with an
// existing role only: a Postgrest with tables is then an error.
func NewProvisionerOn(c *hub.Client, server databases.Server, opts ...Option) (*Provisioner, error) {
	if c == nil {
		return nil, errors.New("dataservices: a Provisioner needs a hub.Client")
	}
	p := &Provisioner{hub: c, server: server, set: newSettings(opts)}
	owns := []client.Object{&corev1.Secret{}, &appsv1.Deployment{}, &corev1.Service{}}
	var err error
	p.postgrest, err = reconcile.NewManaged(c, reconcile.ManagedKind[*Postgrest]{
		Connector: reconcile.ConnectorFunc[*Postgrest](p.connectPostgrest),
		Children: func(obj *Postgrest, d reconcile.Details) ([]client.Object, error) {
			return renderPostgrest(obj, p.set.postgrest, d.Get(detailURI), d.Get(detailAnonRole)), nil
		},
		Owns: owns,
		Watches: []reconcile.Watch{{Object: &corev1.Secret{}, Map: reconcile.Dependents(c, func(s client.Object, obj *Postgrest) bool {
			return obj.Spec.Connection.SecretName == s.GetName()
		})}},
		Status: func(obj *Postgrest, o reconcile.Outcome) { obj.Status = postgrestStatus(obj, o) },
	}, append([]reconcile.ManagedOption{reconcile.WithName("postgrest"), reconcile.WithFinalizer(PostgrestFinalizer)}, p.set.managed...)...)
	if err != nil {
		return nil, fmt.Errorf("dataservices: %w", err)
	}
	p.dremio, err = reconcile.NewManaged(c, reconcile.ManagedKind[*DremioRestServer]{
		Connector: reconcile.ConnectorFunc[*DremioRestServer](p.connectDremio),
		Children: func(obj *DremioRestServer, d reconcile.Details) ([]client.Object, error) {
			return renderDremio(obj, p.set.dremio, d.Get(detailURI)), nil
		},
		Owns: owns,
		Watches: []reconcile.Watch{{Object: &corev1.Secret{}, Map: reconcile.Dependents(c, func(s client.Object, obj *DremioRestServer) bool {
			return obj.Spec.Connection.SecretName == s.GetName()
		})}},
		Status: func(obj *DremioRestServer, o reconcile.Outcome) { obj.Status = dremioStatus(o) },
	}, append([]reconcile.ManagedOption{reconcile.WithName("dremiorestserver")}, p.set.managed...)...)
	if err != nil {
		return nil, fmt.Errorf("dataservices: %w", err)
	}
	return p, nil
}

// Close closes the Provisioner's connections to PostgreSQL.
func (p *Provisioner) Close() {
	if p.close != nil {
		p.close()
	}
}

// PostgrestController returns the managed reconciler of Postgrests.
func (p *Provisioner) PostgrestController() *reconcile.Managed[*Postgrest] { return p.postgrest }

// DremioController returns the managed reconciler of DremioRestServers.
func (p *Provisioner) DremioController() *reconcile.Managed[*DremioRestServer] { return p.dremio }

// ReconcilePostgrest makes PostgreSQL and the cluster hold the Postgrest
// key.
func (p *Provisioner) ReconcilePostgrest(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.postgrest.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// ReconcileDremio makes the cluster hold the DremioRestServer key.
func (p *Provisioner) ReconcileDremio(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	return p.dremio.Reconcile(ctx, ctrl.Request{NamespacedName: key})
}

// SetupWithManager runs the Provisioner's two controllers in mgr, each
// woken by the objects it renders and by the Secrets its objects connect
// with.
func (p *Provisioner) SetupWithManager(mgr manager.Manager) error {
	if err := p.postgrest.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("dataservices: %w", err)
	}
	if err := p.dremio.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("dataservices: %w", err)
	}
	return nil
}

// readSecret reads the Secret a connection names; while it does not exist
// the service waits for it.
func (p *Provisioner) readSecret(ctx context.Context, namespace, name string) (*corev1.Secret, error) {
	if name == "" {
		return nil, nil //nolint:nilnil // no Secret named, none read
	}
	secret, err := hub.For[*corev1.Secret](p.hub).InNamespace(namespace).Get(ctx, name)
	if hub.IsNotFound(err) {
		return nil, reconcile.Wait("the connection Secret %q does not exist yet", name)
	}
	return secret, err
}

// connectPostgrest checks obj's spec and resolves its connection; for
// tables, it records the database the generated role has its grants in;
// for an existing role, it drops the role generated before, if any. On
// deletion it needs neither: it drops the generated role (generatedRoleOf)
// in the database the annotation names.
func (p *Provisioner) connectPostgrest(ctx context.Context, obj *Postgrest) (reconcile.External[*Postgrest], error) {
	if obj.DeletionTimestamp != nil {
		return &postgrestExternal{server: p.server, role: generatedRoleOf(obj), database: obj.Annotations[AnnotationAnonRoleDatabase]}, nil
	}
	if errs := validatePostgrestSpec(obj.Name, obj.Spec); len(errs) > 0 {
		return nil, fmt.Errorf("the spec: %w", redact(errs).ToAggregate())
	}
	secret, err := p.readSecret(ctx, obj.Namespace, obj.Spec.Connection.SecretName)
	if err != nil {
		return nil, err
	}
	conn, bad := resolvePostgres(obj.Spec.Connection, secret)
	if len(bad) > 0 {
		return nil, fmt.Errorf("the connection: %w", bad.ToAggregate())
	}
	ext := &postgrestExternal{server: p.server, conn: conn, spec: obj.Spec}
	if obj.Spec.AnonRole != "" {
		if err := p.dropGeneratedRole(ctx, obj, conn.database); err != nil {
			return nil, err
		}
		return ext, nil
	}
	if p.server == nil {
		return nil, errors.New("a role for tables needs a PostgreSQL administrator, and this reconciler has none: name an existing role in spec.anonRole")
	}
	ext.role, ext.database = AnonRoleName(obj.Name), conn.database
	if old := obj.Annotations[AnnotationAnonRoleDatabase]; old != conn.database {
		// The connection moved to another database: first take back what
		// the role holds in the one the annotation names, which nothing
		// would track afterwards and which would keep the role from being
		// dropped.
		if old != "" {
			if err := p.server.HandOver(ctx, old, ext.role, p.server.Admin()); err != nil {
				return nil, fmt.Errorf("revoking what the role %q holds in the database %q: %w", ext.role, old, err)
			}
		}
		if obj.Annotations == nil {
			obj.Annotations = map[string]string{}
		}
		obj.Annotations[AnnotationAnonRoleDatabase] = conn.database
	}
	return ext, nil
}

// dropGeneratedRole drops the role generated for the tables obj exposed
// before it was switched to an existing role, as the operator does: what
// the role holds in the database the annotation names (else in the
// connection's, where a role the operator generated has its grants) first,
// then the role, which takes its members' membership along; then it
// removes the annotation. Until then, the status keeps reporting the role
// (see postgrestStatus), so that a failed drop is tried again.
func (p *Provisioner) dropGeneratedRole(ctx context.Context, obj *Postgrest, database string) error {
	role := generatedRoleOf(obj)
	if role == "" {
		return nil
	}
	if p.server == nil {
		return fmt.Errorf("the role %q generated for the tables before must be dropped, which needs a PostgreSQL administrator, and this reconciler has none", role)
	}
	if recorded := obj.Annotations[AnnotationAnonRoleDatabase]; recorded != "" {
		database = recorded
	}
	if err := p.server.HandOver(ctx, database, role, p.server.Admin()); err != nil {
		return fmt.Errorf("revoking what the generated role %q holds in the database %q: %w", role, database, err)
	}
	if err := p.server.DropRole(ctx, role); err != nil {
		return fmt.Errorf("dropping the generated role %q: %w", role, err)
	}
	delete(obj.Annotations, AnnotationAnonRoleDatabase)
	return nil
}

// postgrestExternal is the PostgreSQL side of one Postgrest: its generated
// role, or the existing one it serves as.
type postgrestExternal struct {
	server         databases.Server
	conn           postgresConnection
	spec           PostgrestSpec
	role, database string
	plan           []roleStep
}

// Observe finds the existing role, or plans what the generated one lacks,
// once the connecting user is found to hold every privilege to be passed
// on (grantsToCheck); otherwise it fails with what the user may not do,
// and nothing is granted.
func (e *postgrestExternal) Observe(ctx context.Context, _ *Postgrest) (reconcile.Observation, error) {
	details := reconcile.Details{}.With(detailURI, e.conn.uri)
	if e.spec.AnonRole != "" {
		if err := e.checkAnonRole(ctx); err != nil {
			return reconcile.Observation{}, err
		}
		return reconcile.Observation{Exists: true, UpToDate: true, Details: details.With(detailAnonRole, e.spec.AnonRole)}, nil
	}
	grants, _ := ParseGrants(nil, e.spec.Grants)
	want := anonRoleWant{
		role: e.role, user: e.conn.user, database: e.database, schema: schemaOf(e.spec), tables: e.spec.Tables, privileges: grants,
	}
	have, err := observeAnonRole(ctx, e.server, want)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if err := refusedGrants(want.user, grantsToCheck(want, have), have.connecting); err != nil {
		return reconcile.Observation{}, err
	}
	e.plan = planAnonRole(want, have)
	return reconcile.Observation{Exists: have.exists, UpToDate: len(e.plan) == 0, Details: details.With(detailAnonRole, e.role)}, nil
}

// checkAnonRole checks that the existing role of spec.anonRole exists,
// when there is a server to ask.
func (e *postgrestExternal) checkAnonRole(ctx context.Context) error {
	if e.server == nil {
		return nil
	}
	state, err := e.server.Role(ctx, e.spec.AnonRole)
	switch {
	case err != nil:
		return err
	case !state.Exists:
		return fmt.Errorf("the role %q of spec.anonRole does not exist: create it, or name tables for a role to be generated", e.spec.AnonRole)
	}
	return nil
}

// Apply carries out the plan, each step failing on its own once the role
// exists.
func (e *postgrestExternal) Apply(ctx context.Context, _ *Postgrest, _ reconcile.Observation) (reconcile.Details, error) {
	var steps reconcile.Steps
	for _, s := range e.plan {
		if s.base && steps.Failed() > 0 {
			continue
		}
		steps.Run(s.name, func() error { return s.do(ctx, e.server) })
	}
	return nil, steps.Err()
}

// Delete drops the generated role: what it was granted in its database
// first, then the role; an existing role is left alone.
func (e *postgrestExternal) Delete(ctx context.Context, _ *Postgrest) error {
	if e.role == "" || e.server == nil {
		return nil
	}
	if e.database != "" {
		if err := e.server.HandOver(ctx, e.database, e.role, e.server.Admin()); err != nil {
			return err
		}
	}
	return e.server.DropRole(ctx, e.role)
}

// observeAnonRole reads what PostgreSQL has of want's generated role:
// whether it exists, whether the connecting user may switch to it, its
// table privileges and the schemas it may use in the database; then what
// the connecting user holds on each table of grantsToCheck.
func observeAnonRole(ctx context.Context, server databases.Server, want anonRoleWant) (anonRoleState, error) {
	role, user, database := want.role, want.user, want.database
	var have anonRoleState
	db, err := server.Database(ctx, database)
	switch {
	case err != nil:
		return have, err
	case !db.Exists:
		return have, reconcile.Wait("the database %q does not exist yet", database)
	}
	state, err := server.Role(ctx, role)
	if err != nil {
		return have, err
	}
	have.exists = state.Exists
	connecting, err := server.Role(ctx, user)
	if err != nil {
		return have, err
	}
	have.switchable = slices.Contains(connecting.MemberOf, role)
	if have.privileges, err = server.TablePrivileges(ctx, database, role); err != nil {
		return have, err
	}
	for name, schema := range db.Schemas {
		for _, g := range schema.Grants {
			if g.On == databases.OnSchema && g.To == role {
				have.usage = append(have.usage, name)
			}
		}
	}
	check := grantsToCheck(want, have)
	have.connecting = make(map[tableName][]string, len(check))
	for _, t := range slices.SortedFunc(maps.Keys(check), tableName.compare) {
		held, err := server.TablePrivilegesHeld(ctx, database, user, t.schema, t.table)
		if err != nil {
			return have, fmt.Errorf("reading what the connecting role %q holds on %s: %w", user, t, err)
		}
		have.connecting[t] = held
	}
	return have, nil
}

// connectDremio checks obj's spec and resolves its connection.
func (p *Provisioner) connectDremio(ctx context.Context, obj *DremioRestServer) (reconcile.External[*DremioRestServer], error) {
	if obj.DeletionTimestamp != nil {
		return nil, nil //nolint:nilnil // nothing outside the cluster to delete
	}
	if errs := validateDremioSpec(obj.Name, obj.Spec); len(errs) > 0 {
		return nil, fmt.Errorf("the spec: %w", redact(errs).ToAggregate())
	}
	secret, err := p.readSecret(ctx, obj.Namespace, obj.Spec.Connection.SecretName)
	if err != nil {
		return nil, err
	}
	uri, bad := resolveDremio(obj.Spec.Connection, secret)
	if len(bad) > 0 {
		return nil, fmt.Errorf("the connection: %w", bad.ToAggregate())
	}
	return reconcile.Known[*DremioRestServer](reconcile.Details{}.With(detailURI, uri)), nil
}
