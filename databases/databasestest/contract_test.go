package databasestest_test

import (
	"testing"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
)

// The contract suite on both servers: where they disagree, the in-memory
// one is wrong.
func TestServerContract(t *testing.T) {
	t.Run("InMemory", func(t *testing.T) {
		databasestest.RunServerContract(t, func(*testing.T) databases.Server { return databasestest.NewInMemoryPostgreSQL() })
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		databasestest.RunServerContract(t, func(t *testing.T) databases.Server {
			t.Helper()
			pg := databasestest.StartPostgreSQL(t)
			s, err := databases.NewPostgreSQLServer(pg.DSN("postgres"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			return s
		})
	})
}
