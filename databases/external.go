package databases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hubkit-dev/hubkit/secrets"
)

// A Server is the PostgreSQL the reconcilers work on: the few catalog
// reads and writes the postgres-operator makes, and the table grants of a
// PostgREST's role. PostgreSQLServer speaks to a
// real one through pgx; databasestest has an in-memory one, and its contract
// suite proves that both answer alike. Errors wrap ErrMissing or ErrExists
// where the catalog says so, and never hold a password.
//
//nolint:interfacebloat // every call the operator makes: implemented twice, proven alike by the contract suite
type Server interface {
	// Admin names the role the server is administered as.
	Admin() string
	// Role reports a role: whether it exists, can log in, and the groups
	// it belongs to (sorted).
	Role(ctx context.Context, name string) (RoleState, error)
	// CreateRole creates a group role (NOLOGIN) when password is empty, a
	// login role with password otherwise (ErrExists if it exists).
	CreateRole(ctx context.Context, name string, password secrets.Value) error
	// SetPassword sets a login role's password (ErrMissing if no such role).
	SetPassword(ctx context.Context, name string, password secrets.Value) error
	// GrantRole makes member a member of group (ErrMissing if either role
	// does not exist); granting again changes nothing.
	GrantRole(ctx context.Context, group, member string) error
	// DropRole drops a role; a missing role is not an error.
	DropRole(ctx context.Context, name string) error
	// HandOver gives what role from owns in database to role to and
	// revokes what from was granted there; a missing database or role is
	// not an error.
	HandOver(ctx context.Context, database, from, to string) error
	// Database reports a database: its owner, schemas (but the system's)
	// and extensions (sorted).
	Database(ctx context.Context, name string) (DatabaseState, error)
	// CreateDatabase creates a database owned by owner (ErrExists if it
	// exists, ErrMissing if owner does not).
	CreateDatabase(ctx context.Context, name, owner string) error
	// DropDatabase closes a database's connections and drops it; a missing
	// database is not an error.
	DropDatabase(ctx context.Context, name string) error
	// CreateSchema creates a schema owned by owner, unless it exists
	// (ErrMissing if the database or owner does not).
	CreateSchema(ctx context.Context, database, schema, owner string) error
	// Grant gives g in schema: on the schema, or on every object of g.On in
	// it and, as default privileges of the schema's owner, on those it will
	// create. Granting again changes nothing.
	Grant(ctx context.Context, database, schema string, g Grant) error
	// CreateExtension creates an extension unless it exists (ErrMissing if
	// the server has no such extension).
	CreateExtension(ctx context.Context, database, name string) error
	// TablePrivileges lists the privileges role holds directly on tables
	// of database (not through a group, not the owner's implicit ones),
	// sorted by schema, table, privilege. A missing database or role gives
	// none.
	TablePrivileges(ctx context.Context, database, role string) ([]TablePrivilege, error)
	// TablePrivilegesHeld lists the privileges of TablePrivilegeNames role
	// effectively holds on schema.table in database, in TablePrivilegeNames
	// order: granted to it, to PUBLIC or to a role it is a member of
	// (transitively), or all of them as the table's owner, a member of the
	// owner, or a superuser. It is PostgreSQL's has_table_privilege: what
	// the role could pass on. ErrMissing if the database, schema, table or
	// role does not exist.
	TablePrivilegesHeld(ctx context.Context, database, role, schema, table string) ([]string, error)
	// GrantTable grants privileges (of TablePrivilegeNames) on schema.table
	// in database to role (ErrMissing if the database, schema, table or
	// role does not exist). Granting again changes nothing.
	GrantTable(ctx context.Context, database, schema, table string, privileges []string, role string) error
	// RevokeTable revokes privileges (of TablePrivilegeNames) on
	// schema.table in database from role; a missing database, schema,
	// table or role is not an error.
	RevokeTable(ctx context.Context, database, schema, table string, privileges []string, role string) error
}

// Errors a Server's errors wrap.
var (
	// ErrMissing says a role, database, schema, table or extension does
	// not exist.
	ErrMissing = errors.New("does not exist")
	// ErrExists says a role or database exists already.
	ErrExists = errors.New("already exists")
)

// A RoleState is what a Server knows of a role.
type RoleState struct {
	Exists   bool
	Login    bool
	MemberOf []string
}

// A DatabaseState is what a Server knows of a database.
type DatabaseState struct {
	Exists     bool
	Owner      string
	Schemas    map[string]SchemaState
	Extensions []string
}

// A TablePrivilege is one privilege a role holds on one table.
type TablePrivilege struct {
	Schema, Table, Privilege string
}

// TablePrivilegeNames are the privileges a role can be granted on a table,
// in PostgreSQL's (15) order, spelled as PostgreSQL lists them. GrantTable
// and RevokeTable refuse any other word, "ALL" and lower case included.
var TablePrivilegeNames = []string{"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}

// tablePrivilegeList checks privileges against TablePrivilegeNames and
// joins them for a GRANT or REVOKE: only checked words reach SQL.
func tablePrivilegeList(privileges []string) (string, error) {
	if len(privileges) == 0 {
		return "", errors.New("no privileges named")
	}
	for _, p := range privileges {
		if !slices.Contains(TablePrivilegeNames, p) {
			return "", fmt.Errorf("%q is not a table privilege (want one of %s)", p, strings.Join(TablePrivilegeNames, ", "))
		}
	}
	return strings.Join(privileges, ", "), nil
}

// A SchemaState is a schema's owner and the grants to other roles in it,
// each (On, To) once with its privileges sorted, sorted by On then To.
type SchemaState struct {
	Owner  string
	Grants []Grant
}

// PostgreSQLServer is a Server on a real PostgreSQL, administered through
// a pool of connections per database.
type PostgreSQLServer struct {
	admin *pgxpool.Config
	mu    sync.Mutex
	pools map[string]*pgxpool.Pool
}

var _ Server = (*PostgreSQLServer)(nil)

// NewPostgreSQLServer returns a Server on the PostgreSQL adminDSN names, as
// its administrator (a superuser, or a role with CREATEDB and CREATEROLE).
// It connects on first use. Close it when done.
func NewPostgreSQLServer(adminDSN string) (*PostgreSQLServer, error) {
	cfg, err := pgxpool.ParseConfig(adminDSN)
	if err != nil {
		return nil, errors.New("databases: the administrator's DSN does not parse") // pgx's error may quote the password
	}
	cfg.MaxConns = 4
	return &PostgreSQLServer{admin: cfg, pools: map[string]*pgxpool.Pool{}}, nil
}

// Admin names the administrator's role.
func (p *PostgreSQLServer) Admin() string { return p.admin.ConnConfig.User }

// Address returns the host and port the server is reached at.
func (p *PostgreSQLServer) Address() (string, int) {
	return p.admin.ConnConfig.Host, int(p.admin.ConnConfig.Port)
}

// Close closes every connection.
func (p *PostgreSQLServer) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for name, pool := range p.pools {
		pool.Close()
		delete(p.pools, name)
	}
}

// pool returns the pool of connections to database ("" for the
// administrator's own).
func (p *PostgreSQLServer) pool(ctx context.Context, database string) (*pgxpool.Pool, error) {
	if database == "" {
		database = p.admin.ConnConfig.Database
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if pool, ok := p.pools[database]; ok {
		return pool, nil
	}
	cfg := p.admin.Copy()
	cfg.ConnConfig.Database = database
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to database %q: %w", database, sqlError(err))
	}
	p.pools[database] = pool
	return pool, nil
}

// forget closes and drops the pool of database.
func (p *PostgreSQLServer) forget(database string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pool, ok := p.pools[database]; ok {
		pool.Close()
		delete(p.pools, database)
	}
}

func (p *PostgreSQLServer) exec(ctx context.Context, database, what, statement string, args ...any) error {
	pool, err := p.pool(ctx, database)
	if err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, statement, args...); err != nil {
		return fmt.Errorf("%s: %w", what, sqlError(err))
	}
	return nil
}

// sqlError classifies err by its SQLSTATE and keeps only PostgreSQL's
// message and code: never the statement, which may hold a password.
func sqlError(err error) error {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	if !ok {
		return err
	}
	msg := fmt.Sprintf("%s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
	switch pgErr.Code {
	case "42704", "42P01", "3D000", "3F000", "58P01": // undefined_object, undefined_table, invalid_catalog_name, invalid_schema_name, undefined_file
		return fmt.Errorf("%s: %w", msg, ErrMissing)
	case "0A000": // feature_not_supported: "extension ... is not available"
		if strings.Contains(pgErr.Message, "is not available") {
			return fmt.Errorf("%s: %w", msg, ErrMissing)
		}
	case "42710", "42P04": // duplicate_object, duplicate_database
		return fmt.Errorf("%s: %w", msg, ErrExists)
	}
	return errors.New(msg)
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Role reports a role.
func (p *PostgreSQLServer) Role(ctx context.Context, name string) (RoleState, error) {
	pool, err := p.pool(ctx, "")
	if err != nil {
		return RoleState{}, err
	}
	var state RoleState
	err = pool.QueryRow(ctx, `SELECT r.rolcanlogin, coalesce(array_agg(g.rolname ORDER BY g.rolname) FILTER (WHERE g.rolname IS NOT NULL), '{}')
		FROM pg_roles r LEFT JOIN pg_auth_members m ON m.member = r.oid LEFT JOIN pg_roles g ON g.oid = m.roleid
		WHERE r.rolname = $1 GROUP BY r.rolcanlogin`, name).Scan(&state.Login, &state.MemberOf)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return RoleState{}, nil
	case err != nil:
		return RoleState{}, fmt.Errorf("reading role %q: %w", name, sqlError(err))
	}
	state.Exists = true
	return state, nil
}

// CreateRole creates a group or login role.
func (p *PostgreSQLServer) CreateRole(ctx context.Context, name string, password secrets.Value) error {
	if password.IsEmpty() {
		return p.exec(ctx, "", fmt.Sprintf("creating role %q", name), "CREATE ROLE "+ident(name))
	}
	return p.exec(ctx, "", fmt.Sprintf("creating login role %q", name), "CREATE ROLE "+ident(name)+" WITH LOGIN PASSWORD "+literal(password.Reveal()))
}

// SetPassword sets a role's password.
func (p *PostgreSQLServer) SetPassword(ctx context.Context, name string, password secrets.Value) error {
	return p.exec(ctx, "", fmt.Sprintf("setting the password of role %q", name), "ALTER ROLE "+ident(name)+" WITH LOGIN PASSWORD "+literal(password.Reveal()))
}

// GrantRole makes member a member of group.
func (p *PostgreSQLServer) GrantRole(ctx context.Context, group, member string) error {
	state, err := p.Role(ctx, member)
	if err != nil {
		return err
	}
	if slices.Contains(state.MemberOf, group) {
		return nil
	}
	return p.exec(ctx, "", fmt.Sprintf("granting %q to %q", group, member), "GRANT "+ident(group)+" TO "+ident(member))
}

// DropRole drops a role.
func (p *PostgreSQLServer) DropRole(ctx context.Context, name string) error {
	return p.exec(ctx, "", fmt.Sprintf("dropping role %q", name), "DROP ROLE IF EXISTS "+ident(name))
}

// HandOver gives what from owns in database to to.
func (p *PostgreSQLServer) HandOver(ctx context.Context, database, from, to string) error {
	db, err := p.Database(ctx, database)
	if err != nil || !db.Exists {
		return err
	}
	what := fmt.Sprintf("handing over what %q owns in database %q", from, database)
	err = p.exec(ctx, database, what, "REASSIGN OWNED BY "+ident(from)+" TO "+ident(to))
	if err == nil {
		err = p.exec(ctx, database, what, "DROP OWNED BY "+ident(from))
	}
	if errors.Is(err, ErrMissing) {
		return nil
	}
	return err
}

// Database reports a database.
func (p *PostgreSQLServer) Database(ctx context.Context, name string) (DatabaseState, error) {
	admin, err := p.pool(ctx, "")
	if err != nil {
		return DatabaseState{}, err
	}
	state := DatabaseState{Schemas: map[string]SchemaState{}}
	err = admin.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", name).Scan(&state.Owner)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return DatabaseState{}, nil
	case err != nil:
		return DatabaseState{}, fmt.Errorf("reading database %q: %w", name, sqlError(err))
	}
	state.Exists = true
	pool, err := p.pool(ctx, name)
	if err != nil {
		return DatabaseState{}, err
	}
	if err := pool.QueryRow(ctx, "SELECT coalesce(array_agg(extname ORDER BY extname), '{}') FROM pg_extension WHERE extname <> 'plpgsql'").Scan(&state.Extensions); err != nil {
		return DatabaseState{}, fmt.Errorf("reading the extensions of %q: %w", name, sqlError(err))
	}
	// Grants to roles other than the schema's owner: on the schema itself,
	// and the owner's default privileges in it.
	rows, err := pool.Query(ctx, `
		SELECT n.nspname, pg_get_userbyid(n.nspowner), g.kind, g.grantee, g.privileges FROM pg_namespace n
		LEFT JOIN LATERAL (
			SELECT 'SCHEMA' AS kind, pg_get_userbyid(a.grantee) AS grantee, array_agg(a.privilege_type ORDER BY a.privilege_type) AS privileges
			FROM aclexplode(n.nspacl) a WHERE a.grantee NOT IN (n.nspowner, 0) GROUP BY a.grantee
			UNION ALL
			SELECT CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' ELSE d.defaclobjtype::text END,
				pg_get_userbyid(a.grantee), array_agg(a.privilege_type ORDER BY a.privilege_type)
			FROM pg_default_acl d, aclexplode(d.defaclacl) a
			WHERE d.defaclnamespace = n.oid AND d.defaclrole = n.nspowner AND a.grantee <> 0 GROUP BY d.defaclobjtype, a.grantee
		) g ON true
		WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
		ORDER BY 1, 3, 4`)
	if err != nil {
		return DatabaseState{}, fmt.Errorf("reading the schemas of %q: %w", name, sqlError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var schema, owner string
		var kind, grantee *string
		var privileges []string
		if err := rows.Scan(&schema, &owner, &kind, &grantee, &privileges); err != nil {
			return DatabaseState{}, fmt.Errorf("reading the schemas of %q: %w", name, sqlError(err))
		}
		s := state.Schemas[schema]
		s.Owner = owner
		if kind != nil && grantee != nil {
			s.Grants = append(s.Grants, Grant{On: *kind, Privileges: privileges, To: *grantee})
		}
		state.Schemas[schema] = s
	}
	if err := rows.Err(); err != nil {
		return DatabaseState{}, fmt.Errorf("reading the schemas of %q: %w", name, sqlError(err))
	}
	return state, nil
}

// CreateDatabase creates a database.
func (p *PostgreSQLServer) CreateDatabase(ctx context.Context, name, owner string) error {
	return p.exec(ctx, "", fmt.Sprintf("creating database %q", name), "CREATE DATABASE "+ident(name)+" OWNER "+ident(owner))
}

// DropDatabase drops a database.
func (p *PostgreSQLServer) DropDatabase(ctx context.Context, name string) error {
	p.forget(name)
	what := fmt.Sprintf("dropping database %q", name)
	if err := p.exec(ctx, "", what, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name); err != nil {
		return err
	}
	return p.exec(ctx, "", what, "DROP DATABASE IF EXISTS "+ident(name))
}

// CreateSchema creates a schema.
func (p *PostgreSQLServer) CreateSchema(ctx context.Context, database, schema, owner string) error {
	return p.exec(ctx, database, fmt.Sprintf("creating schema %q", schema), "CREATE SCHEMA IF NOT EXISTS "+ident(schema)+" AUTHORIZATION "+ident(owner))
}

// Grant gives g in schema.
func (p *PostgreSQLServer) Grant(ctx context.Context, database, schema string, g Grant) error {
	what := fmt.Sprintf("granting %s on %s in schema %q to %q", strings.Join(g.Privileges, ", "), g.On, schema, g.To)
	privileges := strings.Join(g.Privileges, ", ")
	if g.On == OnSchema {
		return p.exec(ctx, database, what, "GRANT "+privileges+" ON SCHEMA "+ident(schema)+" TO "+ident(g.To))
	}
	if !slices.Contains([]string{OnTables, OnSequences, OnFunctions}, g.On) {
		return fmt.Errorf("%s: no such kind of object", what)
	}
	owner, err := p.schemaOwner(ctx, database, schema)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := p.exec(ctx, database, what, "GRANT "+privileges+" ON ALL "+g.On+" IN SCHEMA "+ident(schema)+" TO "+ident(g.To)); err != nil {
		return err
	}
	return p.exec(ctx, database, what, "ALTER DEFAULT PRIVILEGES FOR ROLE "+ident(owner)+" IN SCHEMA "+ident(schema)+
		" GRANT "+privileges+" ON "+g.On+" TO "+ident(g.To))
}

// schemaOwner names the owner of schema in database (ErrMissing if either
// does not exist).
func (p *PostgreSQLServer) schemaOwner(ctx context.Context, database, schema string) (string, error) {
	pool, err := p.pool(ctx, database)
	if err != nil {
		return "", err
	}
	var owner string
	err = pool.QueryRow(ctx, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1", schema).Scan(&owner)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", fmt.Errorf("schema %q %w", schema, ErrMissing)
	case err != nil:
		return "", fmt.Errorf("reading the owner of schema %q: %w", schema, sqlError(err))
	}
	return owner, nil
}

// CreateExtension creates an extension.
func (p *PostgreSQLServer) CreateExtension(ctx context.Context, database, name string) error {
	return p.exec(ctx, database, fmt.Sprintf("creating extension %q", name), "CREATE EXTENSION IF NOT EXISTS "+ident(name))
}

// TablePrivileges lists the privileges role holds directly on tables of
// database: those in the tables' ACLs, but the owner's.
func (p *PostgreSQLServer) TablePrivileges(ctx context.Context, database, role string) ([]TablePrivilege, error) {
	admin, err := p.pool(ctx, "")
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", database).Scan(&exists); err != nil {
		return nil, fmt.Errorf("reading database %q: %w", database, sqlError(err))
	}
	if !exists {
		return nil, nil
	}
	pool, err := p.pool(ctx, database)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("reading the table privileges of %q in database %q", role, database)
	// Tables, partitioned tables, views, materialized views and foreign
	// tables: the relations GRANT ... ON TABLE applies to.
	rows, err := pool.Query(ctx, `
		SELECT n.nspname::text, c.relname::text, a.privilege_type FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
		WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.grantee <> c.relowner
			AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1)
		ORDER BY n.nspname, c.relname, a.privilege_type COLLATE "C"`, role)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, sqlError(err))
	}
	privileges, err := pgx.CollectRows(rows, pgx.RowToStructByPos[TablePrivilege])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, sqlError(err))
	}
	return privileges, nil
}

// TablePrivilegesHeld lists the privileges role holds on schema.table,
// as has_table_privilege answers.
func (p *PostgreSQLServer) TablePrivilegesHeld(ctx context.Context, database, role, schema, table string) ([]string, error) {
	what := fmt.Sprintf("reading the privileges %q holds on table %q.%q in database %q", role, schema, table, database)
	admin, err := p.pool(ctx, "")
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", database).Scan(&exists); err != nil {
		return nil, fmt.Errorf("%s: %w", what, sqlError(err))
	}
	if !exists {
		return nil, fmt.Errorf("%s: database %q %w", what, database, ErrMissing)
	}
	pool, err := p.pool(ctx, database)
	if err != nil {
		return nil, err
	}
	// format('%I.%I') quotes the names as ident does; has_table_privilege
	// fails on a missing role, schema or table (ErrMissing, by SQLSTATE).
	rows, err := pool.Query(ctx, `
		SELECT t.privilege FROM unnest($4::text[]) WITH ORDINALITY AS t(privilege, n)
		WHERE has_table_privilege($1::text::name, format('%I.%I', $2::text, $3::text), t.privilege)
		ORDER BY t.n`, role, schema, table, TablePrivilegeNames)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, sqlError(err))
	}
	held, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, sqlError(err))
	}
	return held, nil
}

// GrantTable grants privileges on schema.table to role.
func (p *PostgreSQLServer) GrantTable(ctx context.Context, database, schema, table string, privileges []string, role string) error {
	list, err := tablePrivilegeList(privileges)
	if err != nil {
		return fmt.Errorf("granting on table %q.%q in database %q to %q: %w", schema, table, database, role, err)
	}
	return p.exec(ctx, database, fmt.Sprintf("granting %s on table %q.%q in database %q to %q", list, schema, table, database, role),
		"GRANT "+list+" ON TABLE "+ident(schema)+"."+ident(table)+" TO "+ident(role))
}

// RevokeTable revokes privileges on schema.table from role.
func (p *PostgreSQLServer) RevokeTable(ctx context.Context, database, schema, table string, privileges []string, role string) error {
	list, err := tablePrivilegeList(privileges)
	if err != nil {
		return fmt.Errorf("revoking on table %q.%q in database %q from %q: %w", schema, table, database, role, err)
	}
	err = p.exec(ctx, database, fmt.Sprintf("revoking %s on table %q.%q in database %q from %q", list, schema, table, database, role),
		"REVOKE "+list+" ON TABLE "+ident(schema)+"."+ident(table)+" FROM "+ident(role))
	if errors.Is(err, ErrMissing) {
		return nil
	}
	return err
}
