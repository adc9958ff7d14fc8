//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/storage"
)

// buildExample builds one of the example commands into the test's
// directory and returns the binary's path.
func buildExample(ctx context.Context, t *testing.T, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./examples/"+name)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building examples/%s: %v\n%s", name, err, out)
	}
	return bin
}

// startProcess runs bin with args and env until the test ends, and returns
// a channel that delivers the first line it prints.
func startProcess(ctx context.Context, t *testing.T, bin string, env []string, args ...string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &strings.Builder{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s logged:\n%s", filepath.Base(bin), logs.String())
		}
	})
	lines := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		if scanner.Scan() {
			lines <- scanner.Text()
		}
		_, _ = io.Copy(io.Discard, stdout)
		close(lines)
	}()
	return lines
}

// TestDashboardFollowsRBAC runs the dashboard binary against the real
// cluster with two users: the one a RoleBinding allows lists the volumes,
// the other is refused by Kubernetes itself.
func TestDashboardFollowsRBAC(t *testing.T) {
	f := inOwnNamespace("the dashboard acts as each user").
		Assess("each user sees what its RoleBindings allow", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			ns := namespaceOf(ctx)
			admin := mustAdmin(t, cfg, ns)
			if _, err := storage.NewClient(admin).Create(ctx, storage.NewClaim("shared-data", storage.Gi(1))); err != nil {
				t.Fatal(err)
			}
			role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "volume-viewer"}, Rules: []rbacv1.PolicyRule{{
				APIGroups: []string{""}, Resources: []string{"persistentvolumeclaims"}, Verbs: []string{"get", "list"},
			}}}
			binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "alice-views-volumes"},
				Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "alice"}},
				RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name}}
			if err := hub.For[*rbacv1.Role](admin).Create(ctx, role); err != nil {
				t.Fatal(err)
			}
			if err := hub.For[*rbacv1.RoleBinding](admin).Create(ctx, binding); err != nil {
				t.Fatal(err)
			}
			var users strings.Builder
			for _, u := range []string{"alice", "bob"} {
				hash, err := bcrypt.GenerateFromPassword([]byte(u+"-password"), bcrypt.MinCost)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&users, "%s:%s\n", u, hash)
			}
			usersFile := filepath.Join(t.TempDir(), "users")
			if err := os.WriteFile(usersFile, []byte(users.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			bin := buildExample(ctx, t, "dashboard")
			var line string
			select {
			case line = <-startProcess(ctx, t, bin, nil, "--addr", "127.0.0.1:0", "--kubeconfig", cfg.KubeconfigFile(), "--namespace", ns, "--users", usersFile):
			case <-time.After(time.Minute):
				t.Fatal("the dashboard printed no URL within a minute")
			}
			fields := strings.Fields(strings.TrimPrefix(line, "Hubkit dashboard on "))
			if len(fields) == 0 {
				t.Fatalf("the dashboard printed %q, want its URL", line)
			}
			url := fields[0]

			get := func(user string) (int, map[string]any) {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"api/k8s_pvc", nil)
				if err != nil {
					t.Fatal(err)
				}
				req.SetBasicAuth(user, user+"-password")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = resp.Body.Close() }()
				var body map[string]any
				_ = json.NewDecoder(resp.Body).Decode(&body)
				return resp.StatusCode, body
			}
			var status int
			var body map[string]any
			eventually(ctx, t, "alice's RoleBinding takes effect", 30*time.Second, func(context.Context) (bool, error) {
				status, body = get("alice")
				return status == http.StatusOK, nil
			})
			if body["totalElements"] != float64(1) {
				t.Errorf("alice sees %v, want the one volume", body)
			}
			if status, body = get("bob"); status != http.StatusForbidden || !strings.Contains(fmt.Sprint(body["message"]), "bob") {
				t.Errorf("bob = %d %v; want 403 from Kubernetes' RBAC, naming bob", status, body)
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"api/k8s_pvc", nil)
			req.SetBasicAuth("alice", "wrong")
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("a wrong password = %v, %v; want 401", resp, err)
			} else {
				_ = resp.Body.Close()
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

// TestOperatorBinary runs the operator binary as a process against the real
// cluster and a real PostgreSQL, and checks that it reconciles a database
// and a user.
func TestOperatorBinary(t *testing.T) {
	f := inOwnNamespace("the operator binary").
		Assess("it reconciles the databases that exist", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			ns := namespaceOf(ctx)
			pg := databasestest.StartPostgreSQL(t)
			scheme, err := hub.NewScheme(databases.AddToScheme)
			if err != nil {
				t.Fatal(err)
			}
			kc, err := cfg.NewClient()
			if err != nil {
				t.Fatal(err)
			}
			c, err := hub.New(kc.RESTConfig(), hub.WithScheme(scheme), hub.WithNamespace(ns))
			if err != nil {
				t.Fatal(err)
			}
			dbs := databases.NewClient(c)
			if _, err := dbs.CreateDatabase(ctx, databases.NewDatabase("inventory")); err != nil {
				t.Fatal(err)
			}
			if _, err := dbs.CreateUser(ctx, databases.NewUser("reporter", "inventory")); err != nil {
				t.Fatal(err)
			}
			bin := buildExample(ctx, t, "operator")
			startProcess(ctx, t, bin, []string{"HUBKIT_POSTGRES_DSN=" + pg.DSN("postgres")},
				"--kubeconfig", cfg.KubeconfigFile(), "--namespace", ns, "--health-probe-bind-address", "0", "--metrics-bind-address", "0")
			u, err := waitFor(ctx, 2*time.Minute, "reporter", dbs.WaitForUser)
			if err != nil {
				t.Fatal(err)
			}
			if u.Status.PostgresGroup != "inventory-reader" {
				t.Errorf("the user's group is %q, want inventory-reader", u.Status.PostgresGroup)
			}
			if _, err := dbs.ConnectionInfo(ctx, "reporter"); err != nil {
				t.Errorf("the operator wrote no usable secret: %v", err)
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}
