package databasestest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/secrets"
)

// Every new database has the schema publicSchema, owned by
// publicSchemaOwner as in PostgreSQL 15 and later.
const (
	publicSchema      = "public"
	publicSchemaOwner = "pg_database_owner"
)

// availableExtensions are the extensions the in-memory server can create:
// those of PostgreSQL's contrib modules that platforms ask for.
var availableExtensions = []string{
	"btree_gin", "btree_gist", "citext", "cube", "earthdistance", "fuzzystrmatch", "hstore", "intarray",
	"ltree", "pg_stat_statements", "pg_trgm", "pgcrypto", "postgres_fdw", "tablefunc", "unaccent", "uuid-ossp", //nolint:goconst // a list of names
}

// An InMemoryPostgreSQL is a databases.Server that keeps a PostgreSQL
// catalogue in memory: roles with their passwords and memberships,
// databases with their owners, schemas with their grants, tables with
// their privileges, and extensions.
// Its administrator is a superuser. A grant on TABLES in a schema
// applies, as GRANT … ON ALL TABLES IN SCHEMA does, to the tables there at
// the time and, as the schema owner's default privileges do, to those the
// schema's owner creates later: CreateTable creates them as that owner.
// It answers as a real PostgreSQL does (the contract suite, RunServerContract,
// proves it), including its errors. It is safe for concurrent use.
type InMemoryPostgreSQL struct {
	mu        sync.Mutex
	admin     string
	roles     map[string]*memoryRole
	databases map[string]*memoryDatabase
}

type memoryRole struct {
	login    bool
	password string
	memberOf map[string]bool
}

type memoryDatabase struct {
	owner      string
	schemas    map[string]*memorySchema
	extensions map[string]bool
}

type memorySchema struct {
	owner  string
	grants map[grantKey]map[string]bool
	tables map[string]*memoryTable
}

// A memoryTable is a table's owner and the privileges granted on it, by
// role: those of a role that holds none are deleted.
type memoryTable struct {
	owner  string
	grants map[string]map[string]bool
}

func newMemorySchema(owner string) *memorySchema {
	return &memorySchema{owner: owner, grants: map[grantKey]map[string]bool{}, tables: map[string]*memoryTable{}}
}

type grantKey struct{ on, to string }

var _ databases.Server = (*InMemoryPostgreSQL)(nil)

// NewInMemoryPostgreSQL returns an empty server administered as the
// superuser "postgres".
func NewInMemoryPostgreSQL() *InMemoryPostgreSQL {
	return &InMemoryPostgreSQL{
		admin:     Superuser,
		roles:     map[string]*memoryRole{Superuser: {login: true, memberOf: map[string]bool{}}},
		databases: map[string]*memoryDatabase{},
	}
}

func missing(what string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(what, args...), databases.ErrMissing)
}

// Admin names the administrator.
func (m *InMemoryPostgreSQL) Admin() string { return m.admin }

// Password returns a login role's password, for tests that check what a
// user's Secret holds.
func (m *InMemoryPostgreSQL) Password(role string) (secrets.Value, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.roles[role]
	if !ok || !r.login {
		return secrets.Value{}, false
	}
	return secrets.Plain(r.password), true
}

// Role reports a role.
func (m *InMemoryPostgreSQL) Role(_ context.Context, name string) (databases.RoleState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.roles[name]
	if !ok {
		return databases.RoleState{}, nil
	}
	return databases.RoleState{Exists: true, Login: r.login, MemberOf: slices.Sorted(maps.Keys(r.memberOf))}, nil
}

// CreateRole creates a group or login role.
func (m *InMemoryPostgreSQL) CreateRole(_ context.Context, name string, password secrets.Value) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.roles[name]; ok {
		return fmt.Errorf("creating role %q: role %q %w", name, name, databases.ErrExists)
	}
	m.roles[name] = &memoryRole{login: !password.IsEmpty(), password: password.Reveal(), memberOf: map[string]bool{}}
	return nil
}

// SetPassword sets a role's password; it can log in afterwards.
func (m *InMemoryPostgreSQL) SetPassword(_ context.Context, name string, password secrets.Value) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.roles[name]
	if !ok {
		return missing("setting the password of role %q: role %q", name, name)
	}
	r.login, r.password = true, password.Reveal()
	return nil
}

// GrantRole makes member a member of group.
func (m *InMemoryPostgreSQL) GrantRole(_ context.Context, group, member string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, role := range []string{group, member} {
		if _, ok := m.roles[role]; !ok {
			return missing("granting %q to %q: role %q", group, member, role)
		}
	}
	m.roles[member].memberOf[group] = true
	return nil
}

// DropRole drops a role, refusing, as PostgreSQL does, while it owns a
// database or a schema or holds privileges in one.
func (m *InMemoryPostgreSQL) DropRole(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.roles[name]; !ok {
		return nil
	}
	for dbName, db := range m.databases {
		if db.owner == name {
			return fmt.Errorf("dropping role %q: role %q cannot be dropped because some objects depend on it: owner of database %s", name, name, dbName)
		}
		for schemaName, s := range db.schemas {
			if s.owner == name || slices.ContainsFunc(slices.Collect(maps.Keys(s.grants)), func(k grantKey) bool { return k.to == name }) {
				return fmt.Errorf("dropping role %q: role %q cannot be dropped because some objects depend on it: schema %s in database %s", name, name, schemaName, dbName)
			}
			for tableName, tbl := range s.tables {
				if tbl.owner == name || len(tbl.grants[name]) > 0 {
					return fmt.Errorf("dropping role %q: role %q cannot be dropped because some objects depend on it: privileges for table %s.%s in database %s", name, name, schemaName, tableName, dbName)
				}
			}
		}
	}
	delete(m.roles, name)
	for _, r := range m.roles {
		delete(r.memberOf, name)
	}
	return nil
}

// HandOver gives the schemas and tables from owns in database to to, and
// revokes what from was granted there.
func (m *InMemoryPostgreSQL) HandOver(_ context.Context, database, from, to string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	db, ok := m.databases[database]
	if !ok {
		return nil
	}
	if _, ok := m.roles[from]; !ok {
		return nil
	}
	if _, ok := m.roles[to]; !ok {
		return missing("handing over what %q owns in database %q: role %q", from, database, to)
	}
	for _, s := range db.schemas {
		if s.owner == from {
			s.owner = to
		}
		for k := range s.grants {
			if k.to == from {
				delete(s.grants, k)
			}
		}
		for _, tbl := range s.tables {
			if tbl.owner == from {
				tbl.owner = to
			}
			delete(tbl.grants, from)
		}
	}
	return nil
}

// Database reports a database.
func (m *InMemoryPostgreSQL) Database(_ context.Context, name string) (databases.DatabaseState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	db, ok := m.databases[name]
	if !ok {
		return databases.DatabaseState{}, nil
	}
	state := databases.DatabaseState{Exists: true, Owner: db.owner, Schemas: map[string]databases.SchemaState{},
		Extensions: slices.Sorted(maps.Keys(db.extensions))}
	for schemaName, s := range db.schemas {
		var grants []databases.Grant
		for k, privileges := range s.grants {
			grants = append(grants, databases.Grant{On: k.on, To: k.to, Privileges: slices.Sorted(maps.Keys(privileges))})
		}
		sort.Slice(grants, func(i, j int) bool {
			if grants[i].On != grants[j].On {
				return grants[i].On < grants[j].On
			}
			return grants[i].To < grants[j].To
		})
		state.Schemas[schemaName] = databases.SchemaState{Owner: s.owner, Grants: grants}
	}
	return state, nil
}

// CreateDatabase creates a database with its public schema.
func (m *InMemoryPostgreSQL) CreateDatabase(_ context.Context, name, owner string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.databases[name]; ok {
		return fmt.Errorf("creating database %q: database %q %w", name, name, databases.ErrExists)
	}
	if _, ok := m.roles[owner]; !ok {
		return missing("creating database %q: role %q", name, owner)
	}
	m.databases[name] = &memoryDatabase{owner: owner, extensions: map[string]bool{},
		schemas: map[string]*memorySchema{publicSchema: newMemorySchema(publicSchemaOwner)}}
	return nil
}

// DropDatabase drops a database.
func (m *InMemoryPostgreSQL) DropDatabase(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.databases, name)
	return nil
}

// CreateSchema creates a schema unless it exists.
func (m *InMemoryPostgreSQL) CreateSchema(_ context.Context, database, schema, owner string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	db, ok := m.databases[database]
	if !ok {
		return missing("creating schema %q: database %q", schema, database)
	}
	if _, ok := m.roles[owner]; !ok {
		return missing("creating schema %q: role %q", schema, owner)
	}
	if _, ok := db.schemas[schema]; !ok {
		db.schemas[schema] = newMemorySchema(owner)
	}
	return nil
}

// Grant gives g in schema.
func (m *InMemoryPostgreSQL) Grant(_ context.Context, database, schema string, g databases.Grant) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	db, ok := m.databases[database]
	if !ok {
		return missing("granting in schema %q: database %q", schema, database)
	}
	s, ok := db.schemas[schema]
	if !ok {
		return missing("granting in schema %q: schema %q", schema, schema)
	}
	if _, ok := m.roles[g.To]; !ok {
		return missing("granting in schema %q: role %q", schema, g.To)
	}
	if !slices.Contains([]string{databases.OnSchema, databases.OnTables, databases.OnSequences, databases.OnFunctions}, g.On) {
		return fmt.Errorf("granting %s in schema %q: no such kind of object", g.On, schema)
	}
	if g.To == s.owner {
		return nil // an owner's own privileges are implicit
	}
	key := grantKey{on: g.On, to: g.To}
	if s.grants[key] == nil {
		s.grants[key] = map[string]bool{}
	}
	for _, p := range g.Privileges {
		s.grants[key][p] = true
	}
	if g.On == databases.OnTables {
		// GRANT … ON ALL TABLES IN SCHEMA: the tables there now. Those
		// the owner creates later get it from the default privileges
		// (see CreateTable).
		for _, tbl := range s.tables {
			tbl.grant(g.Privileges, g.To)
		}
	}
	return nil
}

// grant gives role privileges on the table, unless it owns it: an owner's
// own privileges are implicit.
func (t *memoryTable) grant(privileges []string, role string) {
	if role == t.owner {
		return
	}
	if t.grants[role] == nil {
		t.grants[role] = map[string]bool{}
	}
	for _, p := range privileges {
		t.grants[role][p] = true
	}
}

// CreateExtension creates an extension unless it exists.
func (m *InMemoryPostgreSQL) CreateExtension(_ context.Context, database, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	db, ok := m.databases[database]
	if !ok {
		return missing("creating extension %q: database %q", name, database)
	}
	if !slices.Contains(availableExtensions, name) {
		return missing("creating extension %q: extension %q is not available, its control file", name, name)
	}
	db.extensions[name] = true
	return nil
}

// CreateTable creates an empty table schema.table in database as the
// schema's owner, as an application deploying its schema would through
// SQL (SET ROLE <schema owner>; CREATE TABLE …): the table is the schema
// owner's, and the owner's default privileges in the schema (the grants on
// TABLES of Grant) apply to it. In the public schema that owner is
// pg_database_owner, whose member is the database's owner. A Server
// creates no tables, it only grants on them: this is not part of
// databases.Server. ErrMissing if the database or schema does not exist,
// ErrExists if the table does.
func (m *InMemoryPostgreSQL) CreateTable(database, schema, table string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	db, ok := m.databases[database]
	if !ok {
		return missing("creating table %q.%q: database %q", schema, table, database)
	}
	s, ok := db.schemas[schema]
	if !ok {
		return missing("creating table %q.%q: schema %q", schema, table, schema)
	}
	if _, ok := s.tables[table]; ok {
		return fmt.Errorf("creating table %q.%q: relation %q %w", schema, table, table, databases.ErrExists)
	}
	tbl := &memoryTable{owner: s.owner, grants: map[string]map[string]bool{}}
	for k, privileges := range s.grants {
		if k.on == databases.OnTables {
			tbl.grant(slices.Collect(maps.Keys(privileges)), k.to)
		}
	}
	s.tables[table] = tbl
	return nil
}

// checkTablePrivileges refuses, as PostgreSQLServer does, an empty list
// and any word not in databases.TablePrivilegeNames.
func checkTablePrivileges(privileges []string) error {
	if len(privileges) == 0 {
		return errors.New("no privileges named")
	}
	for _, p := range privileges {
		if !slices.Contains(databases.TablePrivilegeNames, p) {
			return fmt.Errorf("%q is not a table privilege", p)
		}
	}
	return nil
}

// table returns schema.table in database (ErrMissing, naming what is
// missing, if any of them does not exist).
func (m *InMemoryPostgreSQL) table(database, schema, table string) (*memoryTable, error) {
	db, ok := m.databases[database]
	if !ok {
		return nil, missing("database %q", database)
	}
	s, ok := db.schemas[schema]
	if !ok {
		return nil, missing("schema %q", schema)
	}
	tbl, ok := s.tables[table]
	if !ok {
		return nil, missing("relation %q.%q", schema, table)
	}
	return tbl, nil
}

// TablePrivileges lists the privileges role was granted on tables of
// database, sorted by schema, table, privilege.
func (m *InMemoryPostgreSQL) TablePrivileges(_ context.Context, database, role string) ([]databases.TablePrivilege, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	db, ok := m.databases[database]
	if !ok {
		return nil, nil
	}
	var privileges []databases.TablePrivilege
	for schemaName, s := range db.schemas {
		for tableName, tbl := range s.tables {
			if tbl.owner == role {
				continue // an owner's own privileges are implicit
			}
			for p := range tbl.grants[role] {
				privileges = append(privileges, databases.TablePrivilege{Schema: schemaName, Table: tableName, Privilege: p})
			}
		}
	}
	slices.SortFunc(privileges, func(a, b databases.TablePrivilege) int {
		return cmp.Or(cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Table, b.Table), cmp.Compare(a.Privilege, b.Privilege))
	})
	return privileges, nil
}

// TablePrivilegesHeld lists the privileges role holds on schema.table, in
// databases.TablePrivilegeNames order: all of them for the administrator
// (a superuser) and for the table's owner and its members, else those
// granted to role or to a role it is a member of, transitively (the
// database's owner is a member of pg_database_owner, the owner of public).
func (m *InMemoryPostgreSQL) TablePrivilegesHeld(_ context.Context, database, role, schema, table string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tbl, err := m.table(database, schema, table)
	if err != nil {
		return nil, fmt.Errorf("reading the privileges %q holds on table %q.%q: %w", role, schema, table, err)
	}
	if _, ok := m.roles[role]; !ok {
		return nil, missing("reading the privileges %q holds on table %q.%q: role %q", role, schema, table, role)
	}
	roles := m.memberships(m.databases[database], role)
	if role == m.admin || roles[tbl.owner] {
		return slices.Clone(databases.TablePrivilegeNames), nil
	}
	var held []string
	for _, p := range databases.TablePrivilegeNames {
		for r := range roles {
			if tbl.grants[r][p] {
				held = append(held, p)
				break
			}
		}
	}
	return held, nil
}

// memberships returns role and every role whose privileges it has in db:
// the roles it is a member of, transitively, and pg_database_owner for the
// database's owner and its members.
func (m *InMemoryPostgreSQL) memberships(db *memoryDatabase, role string) map[string]bool {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(r string) {
		if seen[r] {
			return
		}
		seen[r] = true
		if r == db.owner {
			visit(publicSchemaOwner)
		}
		if mr, ok := m.roles[r]; ok {
			for group := range mr.memberOf {
				visit(group)
			}
		}
	}
	visit(role)
	return seen
}

// GrantTable grants privileges on schema.table to role.
func (m *InMemoryPostgreSQL) GrantTable(_ context.Context, database, schema, table string, privileges []string, role string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := checkTablePrivileges(privileges); err != nil {
		return fmt.Errorf("granting on table %q.%q in database %q to %q: %w", schema, table, database, role, err)
	}
	tbl, err := m.table(database, schema, table)
	if err != nil {
		return fmt.Errorf("granting on table %q.%q to %q: %w", schema, table, role, err)
	}
	if _, ok := m.roles[role]; !ok {
		return missing("granting on table %q.%q to %q: role %q", schema, table, role, role)
	}
	tbl.grant(privileges, role)
	return nil
}

// RevokeTable revokes privileges on schema.table from role.
func (m *InMemoryPostgreSQL) RevokeTable(_ context.Context, database, schema, table string, privileges []string, role string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := checkTablePrivileges(privileges); err != nil {
		return fmt.Errorf("revoking on table %q.%q in database %q from %q: %w", schema, table, database, role, err)
	}
	// A missing database, schema, table or role holds nothing to revoke.
	if tbl, err := m.table(database, schema, table); err == nil {
		for _, p := range privileges {
			delete(tbl.grants[role], p)
		}
		if len(tbl.grants[role]) == 0 {
			delete(tbl.grants, role)
		}
	}
	return nil
}
