package databases

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	hubreconcile "github.com/hubkit-dev/hubkit/hub/reconcile"
)

// A Provisioner does the postgres-operator's job on a real PostgreSQL:
// for a Postgres it creates the database, its owner, reader and writer
// group roles, its schemas with the grants of each group, and its
// extensions; for a PostgresUser a login role with a generated password in
// its group, and the Secret with every key the operator writes. It drops
// a database only when dropOnDelete says so. It is idempotent: a
// reconcile over converged objects changes nothing in PostgreSQL or the
// cluster. It never logs or returns a password.
type Provisioner struct {
	hub            *hub.Client
	admin          *pgx.ConnConfig
	host           string
	port           int
	uriArgs        string
	keepSecretName bool
	retry          time.Duration
}

// A ProvisionerOption configures a Provisioner.
type ProvisionerOption func(*Provisioner)

// WithServiceAddress sets the host and port user Secrets point at, such as
// a Service's DNS name, when applications reach PostgreSQL by another
// address than the Provisioner does.
func WithServiceAddress(host string, port int) ProvisionerOption {
	return func(p *Provisioner) { p.host, p.port = host, port }
}

// WithURIArgs sets the query appended to POSTGRES_URL, as
// POSTGRES_URI_ARGS does for the operator (e.g. "sslmode=disable").
func WithURIArgs(args string) ProvisionerOption { return func(p *Provisioner) { p.uriArgs = args } }

// WithKeepSecretName names user Secrets "<secretName>", as the operator's
// KEEP_SECRET_NAME=true does.
func WithKeepSecretName() ProvisionerOption { return func(p *Provisioner) { p.keepSecretName = true } }

// NewProvisioner returns a Provisioner acting on the cluster through c and
// on PostgreSQL as the administrator adminDSN names (a superuser, or a role
// with CREATEDB and CREATEROLE).
func NewProvisioner(c *hub.Client, adminDSN string, opts ...ProvisionerOption) (*Provisioner, error) {
	cfg, err := pgx.ParseConfig(adminDSN)
	if err != nil {
		return nil, errors.New("databases: the administrator's DSN does not parse") // pgx's error may quote the password
	}
	p := &Provisioner{hub: c, admin: cfg, host: cfg.Host, port: int(cfg.Port), retry: 5 * time.Second}
	for _, opt := range opts {
		opt(p)
	}
	return p, nil
}

// connect opens an administrator's connection to database.
func (p *Provisioner) connect(ctx context.Context, database string) (*pgx.Conn, error) {
	cfg := p.admin.Copy()
	cfg.Database = database
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to database %q: %w", database, err)
	}
	return conn, nil
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// exists runs a query that returns a row when something exists.
func exists(ctx context.Context, conn *pgx.Conn, query string, args ...any) (bool, error) {
	var one int
	err := conn.QueryRow(ctx, query, args...).Scan(&one)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("querying the catalog: %w", err)
	}
	return true, nil
}

func ensureRole(ctx context.Context, conn *pgx.Conn, role string) error {
	found, err := exists(ctx, conn, "SELECT 1 FROM pg_roles WHERE rolname = $1", role)
	if err != nil || found {
		return err
	}
	if _, err := conn.Exec(ctx, "CREATE ROLE "+ident(role)); err != nil {
		return fmt.Errorf("creating role %q: %w", role, err)
	}
	return nil
}

// ensureMember grants group to role unless role is a member already.
func ensureMember(ctx context.Context, conn *pgx.Conn, group, role string) error {
	found, err := exists(ctx, conn, `SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
		JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = $1 AND r.rolname = $2`, group, role)
	if err != nil || found {
		return err
	}
	if _, err := conn.Exec(ctx, "GRANT "+ident(group)+" TO "+ident(role)); err != nil {
		return fmt.Errorf("granting %q to %q: %w", group, role, err)
	}
	return nil
}

// ownerRole is the database's owner role: masterRole or "<database>-group".
func ownerRole(spec PostgresSpec) string {
	if spec.MasterRole != "" {
		return spec.MasterRole
	}
	return spec.Database + "-group"
}

// ReconcileDatabase makes PostgreSQL hold the Postgres resource key.
func (p *Provisioner) ReconcileDatabase(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	dbs := hub.For[*Postgres](p.hub).InNamespace(key.Namespace)
	db, err := dbs.Get(ctx, key.Name)
	if err != nil {
		return ctrl.Result{}, ignoreNotFound(err)
	}
	if db.DeletionTimestamp != nil {
		return ctrl.Result{}, p.deleteDatabase(ctx, db)
	}
	if _, err := hubreconcile.AddFinalizer(ctx, p.hub, db, Finalizer); err != nil {
		return ctrl.Result{}, err
	}
	original := db.DeepCopy()
	roles := PostgresRoles{Owner: ownerRole(db.Spec), Reader: db.Spec.Database + "-reader", Writer: db.Spec.Database + "-writer"}
	if err := p.ensureDatabase(ctx, db.Spec, roles); err != nil {
		return ctrl.Result{}, fmt.Errorf("provisioning database %q: %w", db.Spec.Database, err)
	}
	db.Status = PostgresStatus{Succeeded: true, Roles: roles, Schemas: slices.Clone(db.Spec.Schemas), Extensions: slices.Clone(db.Spec.Extensions)}
	if _, err := hubreconcile.PatchStatus(ctx, p.hub, original, db); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, nil
}

func (p *Provisioner) ensureDatabase(ctx context.Context, spec PostgresSpec, roles PostgresRoles) error {
	admin, err := p.connect(ctx, p.admin.Database)
	if err != nil {
		return err
	}
	defer func() { _ = admin.Close(context.WithoutCancel(ctx)) }()
	var steps hubreconcile.Steps
	for _, role := range []string{roles.Owner, roles.Reader, roles.Writer} {
		steps.Run("role "+role, func() error { return ensureRole(ctx, admin, role) })
	}
	if err := steps.Err(); err != nil {
		return err
	}
	// A non-superuser administrator must belong to the owner role to give
	// it a database.
	if err := ensureMember(ctx, admin, roles.Owner, p.admin.User); err != nil {
		return err
	}
	found, err := exists(ctx, admin, "SELECT 1 FROM pg_database WHERE datname = $1", spec.Database)
	if err != nil {
		return err
	}
	if !found {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident(spec.Database)+" OWNER "+ident(roles.Owner)); err != nil {
			return fmt.Errorf("creating the database: %w", err)
		}
	}
	conn, err := p.connect(ctx, spec.Database)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	for _, schema := range spec.Schemas {
		steps.Run("schema "+schema, func() error { return ensureSchema(ctx, conn, schema, roles) })
	}
	for _, ext := range spec.Extensions {
		steps.Run("extension "+ext, func() error {
			if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS "+ident(ext)); err != nil {
				return fmt.Errorf("creating the extension: %w", err)
			}
			return nil
		})
	}
	return steps.Err()
}

// ensureSchema creates schema and gives the group roles the operator's
// grants on it, on what it holds and on what its owner will create there.
func ensureSchema(ctx context.Context, conn *pgx.Conn, schema string, roles PostgresRoles) error {
	s, owner, reader, writer := ident(schema), ident(roles.Owner), ident(roles.Reader), ident(roles.Writer)
	statements := []string{
		"CREATE SCHEMA IF NOT EXISTS " + s + " AUTHORIZATION " + owner,
		"GRANT USAGE ON SCHEMA " + s + " TO " + reader + ", " + writer,
		"GRANT SELECT ON ALL TABLES IN SCHEMA " + s + " TO " + reader,
		"GRANT SELECT, INSERT, DELETE, UPDATE ON ALL TABLES IN SCHEMA " + s + " TO " + writer,
		"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + s + " TO " + writer,
		"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA " + s + " TO " + writer,
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA " + s + " GRANT SELECT ON TABLES TO " + reader,
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA " + s + " GRANT SELECT, INSERT, DELETE, UPDATE ON TABLES TO " + writer,
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA " + s + " GRANT USAGE, SELECT ON SEQUENCES TO " + writer,
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA " + s + " GRANT EXECUTE ON FUNCTIONS TO " + writer,
	}
	for _, stmt := range statements {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}

func (p *Provisioner) deleteDatabase(ctx context.Context, db *Postgres) error {
	if !controllerutil.ContainsFinalizer(db, Finalizer) {
		return nil
	}
	if db.Spec.DropOnDelete {
		if err := p.dropDatabase(ctx, db.Spec); err != nil {
			return fmt.Errorf("dropping database %q: %w", db.Spec.Database, err)
		}
	}
	_, err := hubreconcile.RemoveFinalizer(ctx, p.hub, db, Finalizer)
	return err
}

func (p *Provisioner) dropDatabase(ctx context.Context, spec PostgresSpec) error {
	admin, err := p.connect(ctx, p.admin.Database)
	if err != nil {
		return err
	}
	defer func() { _ = admin.Close(context.WithoutCancel(ctx)) }()
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", spec.Database); err != nil {
		return fmt.Errorf("closing the database's connections: %w", err)
	}
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(spec.Database)); err != nil {
		return fmt.Errorf("dropping the database: %w", err)
	}
	for _, role := range []string{spec.Database + "-reader", spec.Database + "-writer", ownerRole(spec)} {
		if _, err := admin.Exec(ctx, "DROP ROLE IF EXISTS "+ident(role)); err != nil {
			return fmt.Errorf("dropping role %q: %w", role, err)
		}
	}
	return nil
}

// groupFor returns the group role a user of privileges joins.
func groupFor(privileges string, roles PostgresRoles) string {
	switch Privilege(privileges) {
	case PrivilegeRead:
		return roles.Reader
	case PrivilegeWrite:
		return roles.Writer
	default:
		return roles.Owner
	}
}

// ReconcileUser makes PostgreSQL and the cluster hold the PostgresUser
// resource key: its login role in its group, and its Secret.
func (p *Provisioner) ReconcileUser(ctx context.Context, key types.NamespacedName) (ctrl.Result, error) {
	c := p.hub
	users := hub.For[*PostgresUser](c).InNamespace(key.Namespace)
	u, err := users.Get(ctx, key.Name)
	if err != nil {
		return ctrl.Result{}, ignoreNotFound(err)
	}
	db, dbErr := hub.For[*Postgres](c).InNamespace(key.Namespace).Get(ctx, u.Spec.Database)
	if u.DeletionTimestamp != nil {
		return ctrl.Result{}, p.deleteUser(ctx, u, db)
	}
	if _, err := hubreconcile.AddFinalizer(ctx, c, u, Finalizer); err != nil {
		return ctrl.Result{}, err
	}
	if hub.IsNotFound(dbErr) || dbErr == nil && !db.Status.Succeeded {
		return ctrl.Result{RequeueAfter: p.retry}, nil // the database is not there yet
	}
	if dbErr != nil {
		return ctrl.Result{}, dbErr
	}
	if !metav1.IsControlledBy(u, db) {
		if u, err = users.Update(ctx, u.Name, func(u *PostgresUser) error {
			return controllerutil.SetControllerReference(db, u, c.Scheme())
		}); err != nil {
			return ctrl.Result{}, err
		}
	}
	original := u.DeepCopy()
	role := u.Status.PostgresRole
	if role == "" {
		role = NewRoleName(u.Spec.Role)
	}
	group := groupFor(u.Spec.Privileges, db.Status.Roles)
	if err := p.ensureUser(ctx, u, db, role, group); err != nil {
		return ctrl.Result{}, fmt.Errorf("provisioning postgres user %q: %w", u.Name, err)
	}
	u.Status = PostgresUserStatus{Succeeded: true, PostgresRole: role, PostgresLogin: role, PostgresGroup: group, DatabaseName: db.Spec.Database}
	if _, err := hubreconcile.PatchStatus(ctx, c, original, u); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, nil
}

// ensureUser makes the login role exist in its group with the password of
// the user's Secret, writing a new password (and Secret) only when the
// role or the Secret is new.
func (p *Provisioner) ensureUser(ctx context.Context, u *PostgresUser, db *Postgres, role, group string) error {
	secrets := hub.For[*corev1.Secret](p.hub).InNamespace(u.Namespace)
	secretName := SecretNameFor(u, p.keepSecretName)
	existing, err := secrets.Get(ctx, secretName)
	if err != nil && !hub.IsNotFound(err) {
		return err
	}
	admin, err := p.connect(ctx, p.admin.Database)
	if err != nil {
		return err
	}
	defer func() { _ = admin.Close(context.WithoutCancel(ctx)) }()
	roleExists, err := exists(ctx, admin, "SELECT 1 FROM pg_roles WHERE rolname = $1", role)
	if err != nil {
		return err
	}
	password := ""
	if existing != nil && roleExists && string(existing.Data[KeyRole]) == role {
		password = string(existing.Data[KeyPassword])
	}
	switch {
	case !roleExists:
		password = NewPassword().Reveal()
		if _, err := admin.Exec(ctx, "CREATE ROLE "+ident(role)+" WITH LOGIN PASSWORD "+literal(password)); err != nil {
			return fmt.Errorf("creating login role %q failed", role) // the statement holds the password: never wrap it
		}
	case password == "":
		password = NewPassword().Reveal()
		if _, err := admin.Exec(ctx, "ALTER ROLE "+ident(role)+" WITH LOGIN PASSWORD "+literal(password)); err != nil {
			return fmt.Errorf("setting a new password for role %q failed", role)
		}
	}
	if err := ensureMember(ctx, admin, group, role); err != nil {
		return err
	}
	return p.ensureSecret(ctx, u, db, secretName, role, password, existing)
}

// ensureSecret writes the user's Secret when it is missing or differs.
func (p *Provisioner) ensureSecret(ctx context.Context, u *PostgresUser, db *Postgres, name, role, password string, existing *corev1.Secret) error {
	labels := map[string]string{"app": u.Name}
	maps.Copy(labels, u.Spec.Labels)
	want := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: u.Namespace, Name: name, Labels: labels, Annotations: u.Spec.Annotations},
		Type:       corev1.SecretTypeOpaque,
		Data:       SecretData(p.host, p.port, db.Spec.Database, role, password, p.uriArgs),
	}
	if err := controllerutil.SetControllerReference(u, want, p.hub.Scheme()); err != nil {
		return fmt.Errorf("owning the secret: %w", err)
	}
	secrets := hub.For[*corev1.Secret](p.hub).InNamespace(u.Namespace)
	if existing == nil {
		return secrets.Create(ctx, want)
	}
	if equality.Semantic.DeepEqual(existing.Data, want.Data) && equality.Semantic.DeepEqual(existing.Labels, want.Labels) &&
		metav1.IsControlledBy(existing, u) {
		return nil
	}
	_, err := secrets.Update(ctx, name, func(s *corev1.Secret) error {
		s.Data, s.Labels, s.Annotations, s.OwnerReferences = want.Data, want.Labels, want.Annotations, want.OwnerReferences
		return nil
	})
	return err
}

func (p *Provisioner) deleteUser(ctx context.Context, u *PostgresUser, db *Postgres) error {
	if !controllerutil.ContainsFinalizer(u, Finalizer) {
		return nil
	}
	if role := u.Status.PostgresRole; role != "" {
		if err := p.dropLoginRole(ctx, role, db); err != nil {
			return fmt.Errorf("dropping role %q: %w", role, err)
		}
	}
	_, err := hubreconcile.RemoveFinalizer(ctx, p.hub, u, Finalizer)
	return err
}

// dropLoginRole hands what role owns in its database to the owner group,
// then drops it.
func (p *Provisioner) dropLoginRole(ctx context.Context, role string, db *Postgres) error {
	if db != nil {
		conn, err := p.connect(ctx, db.Spec.Database)
		if err == nil {
			_, err = conn.Exec(ctx, "REASSIGN OWNED BY "+ident(role)+" TO "+ident(ownerRole(db.Spec)))
			if err == nil {
				_, err = conn.Exec(ctx, "DROP OWNED BY "+ident(role))
			}
			_ = conn.Close(context.WithoutCancel(ctx))
		}
		if err != nil && !strings.Contains(err.Error(), "does not exist") {
			return fmt.Errorf("handing over what the role owns: %w", err)
		}
	}
	admin, err := p.connect(ctx, p.admin.Database)
	if err != nil {
		return err
	}
	defer func() { _ = admin.Close(context.WithoutCancel(ctx)) }()
	if _, err := admin.Exec(ctx, "DROP ROLE IF EXISTS "+ident(role)); err != nil {
		return fmt.Errorf("dropping the role: %w", err)
	}
	return nil
}

// ignoreNotFound drops a NotFound error: the object is gone, nothing to do.
func ignoreNotFound(err error) error {
	if hub.IsNotFound(err) {
		return nil
	}
	return err
}

// DatabaseReconciler adapts ReconcileDatabase to controller-runtime.
func (p *Provisioner) DatabaseReconciler() ctrl.Reconciler {
	return ctrl.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
		return p.ReconcileDatabase(ctx, req.NamespacedName)
	})
}

// UserReconciler adapts ReconcileUser to controller-runtime.
func (p *Provisioner) UserReconciler() ctrl.Reconciler {
	return ctrl.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
		return p.ReconcileUser(ctx, req.NamespacedName)
	})
}

// SetupWithManager runs the Provisioner's two controllers in mgr: one for
// Postgres, one for PostgresUser (and the Secrets it owns).
func (p *Provisioner) SetupWithManager(mgr manager.Manager) error {
	if err := builder.ControllerManagedBy(mgr).For(&Postgres{}).Named("postgres").Complete(p.DatabaseReconciler()); err != nil {
		return fmt.Errorf("setting up the postgres controller: %w", err)
	}
	if err := builder.ControllerManagedBy(mgr).For(&PostgresUser{}).Owns(&corev1.Secret{}).Named("postgresuser").Complete(p.UserReconciler()); err != nil {
		return fmt.Errorf("setting up the postgresuser controller: %w", err)
	}
	return nil
}
