// Package objectstoretest runs the objectstore Provisioner in a hubtest
// fake cluster over an in-memory MinIO (InMemoryMinIO), so that tests see
// what scc-digitalhub's minio-operator, or Hubkit's own Provisioner, does.
// It also starts throwaway real MinIO servers (StartMinIO) and holds the
// contract suite (RunServerContract) that proves the in-memory server and a
// real one answer alike.
package objectstoretest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hubkit-dev/hubkit/internal/loopback"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/secrets"
)

// EnvMinIOBin names the minio server binary; by default it is bin/minio of
// the repository, which `make tools` builds.
const EnvMinIOBin = "HUBKIT_MINIO_BIN"

// A MinIO is a throwaway MinIO server for tests, on a loopback port with
// its data in a temporary directory.
type MinIO struct {
	// Endpoint is host:port.
	Endpoint string
	// AccessKey and SecretKey are the root user's keys.
	AccessKey string
	SecretKey secrets.Value
}

// StartMinIO starts a MinIO server for the test and stops it when the test
// ends. A machine without the binary fails the test with how to build it.
func StartMinIO(tb testing.TB) *MinIO {
	tb.Helper()
	bin, err := minioBin()
	if err != nil {
		tb.Fatalf("objectstoretest: %v", err)
	}
	port, err := loopback.FreePort()
	if err != nil {
		tb.Fatalf("objectstoretest: %v", err)
	}
	consolePort, err := loopback.FreePort()
	if err != nil {
		tb.Fatalf("objectstoretest: %v", err)
	}
	m := &MinIO{Endpoint: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), AccessKey: "hubkit-root", SecretKey: secrets.Plain("hubkit-root-secret")}
	dir := tb.TempDir()
	logFile, err := os.Create(filepath.Join(dir, "minio.log"))
	if err != nil {
		tb.Fatalf("objectstoretest: %v", err)
	}
	server := exec.CommandContext(context.Background(), bin, "server", filepath.Join(dir, "data"),
		"--address", m.Endpoint, "--console-address", net.JoinHostPort("127.0.0.1", strconv.Itoa(consolePort)), "--quiet")
	server.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.AccessKey, "MINIO_ROOT_PASSWORD="+m.SecretKey.Reveal(),
		"MINIO_BROWSER=off", "MINIO_UPDATE=off")
	server.Stdout, server.Stderr = logFile, logFile
	if err := server.Start(); err != nil {
		tb.Fatalf("objectstoretest: starting minio: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	tb.Cleanup(func() {
		_ = server.Process.Signal(syscall.SIGTERM)
		select {
		case werr := <-exited:
			_ = werr // a server stopped by a signal exits with an error; that is expected
		case <-time.After(30 * time.Second):
			_ = server.Process.Kill()
		}
		_ = logFile.Close()
	})
	if err := waitLive(m.Endpoint, exited); err != nil {
		log, _ := os.ReadFile(logFile.Name())
		tb.Fatalf("objectstoretest: minio did not start: %v\n%s", err, log)
	}
	if err := waitIAM(m); err != nil {
		log, _ := os.ReadFile(logFile.Name())
		tb.Fatalf("objectstoretest: minio's IAM did not load: %v\n%s", err, log)
	}
	return m
}

// waitIAM waits until MinIO serves its built-in policies: it answers ready
// before its IAM subsystem has loaded them, and a policy read in between
// finds none.
func waitIAM(m *MinIO) error {
	server, err := objectstore.NewMinIOServer(m.Endpoint, false, m.AccessKey, m.SecretKey)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	var last error
	err = wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := server.Policy(ctx, objectstore.BuiltinPolicies[0])
		last = err
		return err == nil && got.Exists, nil
	})
	if err != nil {
		return fmt.Errorf("the built-in policy %s never appeared: %w", objectstore.BuiltinPolicies[0], errors.Join(err, last))
	}
	return nil
}

func minioBin() (string, error) {
	if bin := os.Getenv(EnvMinIOBin); bin != "" {
		return bin, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(dir, "bin", "minio")
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(candidate); err == nil {
				return candidate, nil
			}
			return "", fmt.Errorf("no minio binary at %s: run `make tools` (hack/tools/build.sh) or set %s", candidate, EnvMinIOBin)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no minio binary: run `make tools` or set %s", EnvMinIOBin)
		}
		dir = parent
	}
}

// waitLive waits until MinIO's liveness endpoint answers.
func waitLive(endpoint string, exited <-chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	url := "http://" + endpoint + "/minio/health/ready"
	for {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("the server exited: %w", werr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer in time (last error: %w)", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
