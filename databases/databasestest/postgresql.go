package databasestest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hubkit-dev/hubkit/internal/loopback"
)

// Superuser is the role the throwaway and the in-memory servers are
// administered as.
const Superuser = "postgres"

// serverBinary is the PostgreSQL server's executable, and systemUser the
// system user it runs as when the tests run as root.
const (
	serverBinary = "postgres"
	systemUser   = "postgres"
)

// EnvPostgresBin names the directory of PostgreSQL's server binaries
// (initdb, postgres); by default the newest /usr/lib/postgresql/*/bin,
// where Debian's postgresql package puts them.
const EnvPostgresBin = "HUBKIT_POSTGRES_BIN"

// A PostgreSQL is a throwaway PostgreSQL server for tests, listening on a
// loopback port with password authentication, its data in a temporary
// directory.
type PostgreSQL struct {
	// Host and Port are where it listens.
	Host string
	Port int
	// User and Password are its superuser's credentials.
	User, Password string
}

// DSN returns the superuser's connection string for database.
func (p *PostgreSQL) DSN(database string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable", p.User, p.Password, net.JoinHostPort(p.Host, strconv.Itoa(p.Port)), database)
}

// StartPostgreSQL starts a PostgreSQL server for the test and stops it,
// deleting its data, when the test ends. As root it runs the server as the
// postgres system user, since PostgreSQL refuses to run as root. A machine
// without PostgreSQL fails the test with what to install.
func StartPostgreSQL(tb testing.TB) *PostgreSQL {
	tb.Helper()
	bin, err := postgresBin()
	if err != nil {
		tb.Fatalf("databasestest: %v", err)
	}
	// Not tb.TempDir: its parent directories are private to the test's
	// user, and the server may run as the postgres system user.
	dir, err := os.MkdirTemp("", "hubkit-postgres-") //nolint:usetesting // see above
	if err != nil {
		tb.Fatalf("databasestest: %v", err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	credential, err := serverCredential(dir)
	if err != nil {
		tb.Fatalf("databasestest: %v", err)
	}
	pg := &PostgreSQL{Host: "127.0.0.1", User: Superuser, Password: "hubkit-test-admin"}
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(pg.Password+"\n"), 0o600); err != nil {
		tb.Fatalf("databasestest: %v", err)
	}
	if credential != nil {
		if err := os.Chown(pwfile, int(credential.Uid), int(credential.Gid)); err != nil {
			tb.Fatalf("databasestest: %v", err)
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(context.Background(), filepath.Join(bin, "initdb"), "-D", data, "-U", pg.User, "--pwfile", pwfile,
		"--auth-host=scram-sha-256", "--auth-local=trust", "--encoding=UTF8", "--locale=C.UTF-8")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: credential}
	if out, err := initdb.CombinedOutput(); err != nil {
		tb.Fatalf("databasestest: initdb: %v\n%s", err, out)
	}
	pg.Port, err = loopback.FreePort()
	if err != nil {
		tb.Fatalf("databasestest: %v", err)
	}
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		tb.Fatalf("databasestest: %v", err)
	}
	server := exec.CommandContext(context.Background(), filepath.Join(bin, serverBinary), "-D", data, "-p", strconv.Itoa(pg.Port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off")
	server.Stdout, server.Stderr = logFile, logFile
	server.SysProcAttr = &syscall.SysProcAttr{Credential: credential}
	if err := server.Start(); err != nil {
		tb.Fatalf("databasestest: starting postgres: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	tb.Cleanup(func() {
		_ = server.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case werr := <-exited:
			_ = werr // a server stopped by a signal exits with an error; that is expected
		case <-time.After(30 * time.Second):
			_ = server.Process.Kill()
		}
		_ = logFile.Close()
	})
	if err := waitReady(pg, exited); err != nil {
		log, _ := os.ReadFile(logFile.Name())
		tb.Fatalf("databasestest: postgres did not start: %v\n%s", err, log)
	}
	return pg
}

// postgresBin finds the server binaries.
func postgresBin() (string, error) {
	if dir := os.Getenv(EnvPostgresBin); dir != "" {
		return dir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, serverBinary)); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server binaries: install Debian's postgresql package (hack/ensure-postgresql.sh does) or set %s", EnvPostgresBin)
}

// serverCredential returns the postgres system user's credential when the
// test runs as root, and hands it dir; nil otherwise.
func serverCredential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil //nolint:nilnil // no credential: run the server as the current user
	}
	u, err := user.Lookup(systemUser)
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres system user to run the server: %w", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	if err := os.Chown(dir, int(uid), int(gid)); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// waitReady waits until the server accepts the superuser's connections.
func waitReady(pg *PostgreSQL, exited <-chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, pg.DSN(Superuser))
		cancel()
		if err == nil {
			_ = conn.Close(context.Background())
			return nil
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("the server exited: %w (last connect error: %w)", werr, err)
		default:
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}
