package databasestest_test

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
)

// The contract suite on both servers: where they disagree, the in-memory
// one is wrong.
func TestServerContract(t *testing.T) {
	t.Run("InMemory", func(t *testing.T) {
		databasestest.RunServerContract(t, func(*testing.T) databasestest.ServerUnderTest {
			m := databasestest.NewInMemoryPostgreSQL()
			createTable := func(t *testing.T, database, schema, table string) {
				t.Helper()
				if err := m.CreateTable(database, schema, table); err != nil {
					t.Fatal(err)
				}
			}
			return databasestest.ServerUnderTest{Server: m, CreateTable: createTable}
		})
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		databasestest.RunServerContract(t, func(t *testing.T) databasestest.ServerUnderTest {
			t.Helper()
			pg := databasestest.StartPostgreSQL(t)
			s, err := databases.NewPostgreSQLServer(pg.DSN("postgres"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			createTable := func(t *testing.T, database, schema, table string) {
				t.Helper()
				conn, err := pgx.Connect(t.Context(), pg.DSN(database))
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = conn.Close(t.Context()) }()
				// As the schema's owner, as InMemoryPostgreSQL.CreateTable
				// does: the table is the owner's, and the owner's default
				// privileges apply.
				var owner string
				if err := conn.QueryRow(t.Context(), "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1", schema).Scan(&owner); err != nil {
					t.Fatalf("the owner of schema %q: %v", schema, err)
				}
				if _, err := conn.Exec(t.Context(), "SET ROLE "+pgx.Identifier{owner}.Sanitize()+"; CREATE TABLE "+
					pgx.Identifier{schema, table}.Sanitize()+" (); RESET ROLE"); err != nil {
					t.Fatal(err)
				}
			}
			return databasestest.ServerUnderTest{Server: s, CreateTable: createTable}
		})
	})
}
