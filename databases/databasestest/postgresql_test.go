package databasestest_test

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hubkit-dev/hubkit/databases/databasestest"
)

func TestStartPostgreSQL(t *testing.T) {
	pg := databasestest.StartPostgreSQL(t)
	conn, err := pgx.Connect(t.Context(), pg.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(t.Context()) }()
	var version string
	if err := conn.QueryRow(t.Context(), "SHOW server_version").Scan(&version); err != nil || version == "" {
		t.Fatalf("server_version = %q, %v", version, err)
	}
	wrong := *pg
	wrong.Password = "not-the-password"
	if c, err := pgx.Connect(t.Context(), wrong.DSN("postgres")); err == nil {
		_ = c.Close(t.Context())
		t.Error("a wrong password was accepted: the server must check passwords")
	}
}
