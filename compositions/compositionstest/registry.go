package compositionstest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"helm.sh/helm/v3/pkg/registry"
	"k8s.io/apimachinery/pkg/util/wait"
)

// A Registry is a real OCI registry (the distribution registry, Debian's
// docker-registry) started by a test on a loopback port, storing in the
// test's temporary directory, stopped when the test ends.
type Registry struct {
	// Host is "127.0.0.1:<port>".
	Host string
}

// URL is the OCI reference of repo in the registry:
// "oci://127.0.0.1:<port>/<repo>".
func (r *Registry) URL(repo string) string { return "oci://" + r.Host + "/" + repo }

// A RegistryOption configures StartRegistry.
type RegistryOption func(*registrySettings)

type registrySettings struct{ user, password string }

// WithHtpasswd makes the registry ask for user and password (htpasswd
// with a bcrypt line, as the distribution registry reads it).
func WithHtpasswd(user, password string) RegistryOption {
	return func(s *registrySettings) { s.user, s.password = user, password }
}

// registryBinary finds the distribution registry: HUBKIT_DOCKER_REGISTRY,
// the PATH, or Debian's /usr/bin/docker-registry.
func registryBinary(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("HUBKIT_DOCKER_REGISTRY"); p != "" {
		return p
	}
	if p, err := exec.LookPath("docker-registry"); err == nil {
		return p
	}
	tb.Fatalf("the distribution registry is missing: run hack/ensure-docker-registry.sh (or make test-servers), or set HUBKIT_DOCKER_REGISTRY")
	return ""
}

// StartRegistry starts a registry for tb, and waits until it answers.
func StartRegistry(tb testing.TB, opts ...RegistryOption) *Registry {
	tb.Helper()
	var s registrySettings
	for _, opt := range opts {
		opt(&s)
	}
	bin := registryBinary(tb)
	dir := tb.TempDir()
	host := freeAddress(tb)
	auth := ""
	if s.user != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(s.password), bcrypt.MinCost)
		if err != nil {
			tb.Fatal(err)
		}
		htpasswd := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(s.user+":"+string(hash)+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
		auth = fmt.Sprintf("auth:\n  htpasswd:\n    realm: hubkit-test\n    path: %s\n", htpasswd)
	}
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n%s",
		filepath.Join(dir, "data"), host, auth)
	configPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		tb.Fatal(err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(bin, "serve", configPath) //nolint:noctx // stopped in Cleanup, after the test's context ends
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting the registry %s: %v", bin, err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	err := wait.PollUntilContextTimeout(context.Background(), 20*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/v2/", nil)
		if err != nil {
			return false, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false, nil //nolint:nilerr // not listening yet
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized, nil
	})
	if err != nil {
		tb.Fatalf("the registry did not answer on %s: %v\n%s", host, err, logs.String())
	}
	return &Registry{Host: host}
}

// freeAddress returns a loopback address nobody listens on.
func freeAddress(tb testing.TB) string {
	tb.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		tb.Fatal(err)
	}
	return addr
}

// PushChart pushes a chart archive to repo in reg, as `helm push` does,
// logged in as user (none when empty); its tag is the chart's version.
func PushChart(tb testing.TB, reg *Registry, repo string, archive []byte, user, password string) {
	tb.Helper()
	opts := []registry.ClientOption{registry.ClientOptPlainHTTP(), registry.ClientOptWriter(io.Discard)}
	if user != "" {
		opts = append(opts, registry.ClientOptBasicAuth(user, password))
	}
	rc, err := registry.NewClient(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := loadArchive(archive)
	if err != nil {
		tb.Fatal(err)
	}
	ref := fmt.Sprintf("%s/%s:%s", reg.Host, repo, c.Metadata.Version)
	if _, err := rc.Push(archive, ref); err != nil {
		tb.Fatalf("pushing %s: %v", ref, err)
	}
}
