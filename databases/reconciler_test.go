package databases_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// failingServer is an in-memory PostgreSQL whose login roles cannot be
// created, like a server whose administrator lacks CREATEROLE.
type failingServer struct {
	*databasestest.InMemoryPostgreSQL
}

var errRefused = errors.New("permission denied to create role (SQLSTATE 42501)")

func (s failingServer) CreateRole(ctx context.Context, name string, password secrets.Value) error {
	if !password.IsEmpty() {
		return errRefused
	}
	return s.InMemoryPostgreSQL.CreateRole(ctx, name, password)
}

// The reconcilers' error paths need no real server: a failing Server is
// enough.
func TestProvisionerReportsServerErrors(t *testing.T) {
	ctx := t.Context()
	scheme, err := hub.NewScheme(databases.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(databases.CRDs()...),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	h := f.Hub(hub.WithNamespace("team-a"))
	p, err := databases.NewProvisionerOn(h, failingServer{databasestest.NewInMemoryPostgreSQL()})
	if err != nil {
		t.Fatal(err)
	}
	c := databases.NewClient(h)
	if _, err := c.CreateDatabase(ctx, databases.NewDatabase("shop")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, databases.NewUser("loader", "shop")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReconcileDatabase(ctx, types.NamespacedName{Namespace: "team-a", Name: "shop"}); err != nil {
		t.Fatalf("the database's reconcile = %v; its group roles can be created", err)
	}
	_, err = p.ReconcileUser(ctx, types.NamespacedName{Namespace: "team-a", Name: "loader"})
	if !errors.Is(err, errRefused) || !strings.Contains(err.Error(), "team-a/loader") {
		t.Errorf("the user's reconcile = %v; want the server's error, naming the object", err)
	}
	u, err := c.GetUser(ctx, "loader")
	if err != nil {
		t.Fatal(err)
	}
	if u.Status.Succeeded {
		t.Errorf("user status = %+v; want not succeeded", u.Status)
	}
	if secrets, _ := hub.For[*corev1.Secret](h).List(ctx); len(secrets.Items) != 0 {
		t.Errorf("a user whose role failed got %d secrets; want none", len(secrets.Items))
	}
}

// The simulator is the Provisioner: an existing user Secret follows its
// user's spec, as the operator's does.
func TestSimulatorUpdatesTheUserSecret(t *testing.T) {
	ctx := t.Context()
	c, f := newFake(t, databasestest.NewOperator())
	if _, err := c.CreateDatabase(ctx, databases.NewDatabase("shop")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, databases.NewUser("loader", "shop", databases.WithSecretName("pg"))); err != nil {
		t.Fatal(err)
	}
	users := hub.For[*databases.PostgresUser](f.Hub(hub.WithNamespace("team-a")))
	if _, err := users.Update(ctx, "loader", func(u *databases.PostgresUser) error {
		u.Spec.Labels = map[string]string{"team": "analytics"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	secret, err := hub.For[*corev1.Secret](f.Hub(hub.WithNamespace("team-a"))).Get(ctx, "pg-loader")
	if err != nil {
		t.Fatal(err)
	}
	if secret.Labels["team"] != "analytics" || secret.Labels["app"] != "loader" {
		t.Errorf("secret labels = %v; want app=loader and the user's new team=analytics", secret.Labels)
	}
}

// A PostgresUser with an empty role (the CRD lets it through) is refused
// with the field to fix; no login role "-xxxxxx" is made.
func TestProvisionerRefusesAnEmptyRole(t *testing.T) {
	ctx := t.Context()
	op := databasestest.NewOperator()
	_, f := newFake(t, op)
	c := databases.NewClient(f.Hub(hub.WithNamespace("team-a")))
	if _, err := c.CreateDatabase(ctx, databases.NewDatabase("shop")); err != nil {
		t.Fatal(err)
	}
	u := databases.NewUser("loader", "shop").Build("team-a")
	u.Spec.Role = ""
	if err := f.Client().Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(ctx, "loader")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.Succeeded || got.Status.PostgresRole != "" {
		t.Errorf("a user without a role = %+v; want it not provisioned", got.Status)
	}
	p, err := databases.NewProvisionerOn(f.Hub(), op.Server)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.ReconcileUser(ctx, types.NamespacedName{Namespace: "team-a", Name: "loader"})
	if err == nil || !strings.Contains(err.Error(), "spec.role") {
		t.Errorf("reconciling a user without a role = %v; want an error naming spec.role", err)
	}
}

// A status the upstream operator wrote keeps enableIamAuth: false through a
// round trip in Hubkit's type, as the upstream type has no omitempty.
func TestUserStatusKeepsEnableIamAuth(t *testing.T) {
	upstream := `{"succeeded":true,"postgresRole":"r-abcdef","postgresLogin":"r-abcdef","postgresGroup":"g","databaseName":"d","enableIamAuth":false}`
	var status databases.PostgresUserStatus
	if err := json.Unmarshal([]byte(upstream), &status); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(status)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(upstream, string(out)); diff != "" {
		t.Errorf("round trip: -upstream, +Hubkit:\n%s", diff)
	}
}
