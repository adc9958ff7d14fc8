package databases_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

func paths(errs field.ErrorList) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, string(e.Type)+" "+e.Field)
	}
	return out
}

func TestDatabaseValidate(t *testing.T) {
	cases := map[string]struct {
		reason string
		db     databases.DatabaseRequest
		want   []string
	}{
		"Valid": {
			reason: "A database with schemas and extensions from comma-separated input is valid.",
			db:     databases.NewDatabase("analytics", databases.WithSchemas("raw", "curated"), databases.WithExtensions("postgis"), databases.DropOnDelete()),
		},
		"BadName":   {reason: "The resource name is a DNS subdomain.", db: databases.NewDatabase("Analytics!"), want: []string{"FieldValueInvalid metadata.name"}},
		"LongDB":    {reason: "A database name is at most 63 bytes.", db: databases.NewDatabase("a", databases.WithDatabaseName(strings.Repeat("d", 64))), want: []string{"FieldValueTooLong spec.database"}},
		"NULRole":   {reason: "Identifiers cannot hold NUL.", db: databases.NewDatabase("a", databases.WithMasterRole("own\x00er")), want: []string{"FieldValueInvalid spec.masterRole"}},
		"DupSchema": {reason: "Schemas are a set.", db: databases.NewDatabase("a", databases.WithSchemas("raw", "raw")), want: []string{"FieldValueDuplicate spec.schemas[1]"}},
		"EmptyExt":  {reason: "An extension needs a name.", db: databases.NewDatabase("a", databases.WithExtensions("")), want: []string{"FieldValueRequired spec.extensions[0]"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, paths(tc.db.Validate()), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestUserValidate(t *testing.T) {
	cases := map[string]struct {
		reason string
		user   databases.UserRequest
		want   []string
	}{
		"Valid":         {reason: "A user of a database with a privilege is valid.", user: databases.NewUser("reporting", "analytics", databases.WithPrivileges(databases.PrivilegeWrite))},
		"NoDatabase":    {reason: "A user names its Postgres resource.", user: databases.NewUser("reporting", ""), want: []string{"FieldValueRequired spec.database"}},
		"BadPrivilege":  {reason: "Privileges are OWNER, READ or WRITE.", user: databases.NewUser("r", "a", databases.WithPrivileges("ADMIN")), want: []string{"FieldValueNotSupported spec.privileges"}},
		"RoleTooLong":   {reason: "The role leaves room for the operator's suffix.", user: databases.NewUser("r", "a", databases.WithRole(strings.Repeat("r", 57))), want: []string{"FieldValueTooLong spec.role"}},
		"RoleFits":      {reason: "56 bytes plus the suffix fit in 63.", user: databases.NewUser("r", "a", databases.WithRole(strings.Repeat("r", 56)))},
		"BadSecretName": {reason: "The secret name is a DNS subdomain.", user: databases.NewUser("r", "a", databases.WithSecretName("Creds_1")), want: []string{"FieldValueInvalid spec.secretName"}},
		"SecretTooLong": {reason: "<secretName>-<name> must fit a name.", user: databases.NewUser(strings.Repeat("n", 200), "a", databases.WithSecretName(strings.Repeat("s", 60))), want: []string{"FieldValueTooLong spec.role", "FieldValueInvalid spec.secretName"}},
		"BadLabel":      {reason: "Secret labels must be valid labels.", user: databases.NewUser("r", "a", databases.WithSecretLabels(map[string]string{"bad key!": "v"})), want: []string{"FieldValueInvalid spec.labels"}},
		"BadAnnotation": {reason: "Secret annotations need valid keys.", user: databases.NewUser("r", "a", databases.WithSecretAnnotations(map[string]string{"-x": "v"})), want: []string{"FieldValueInvalid spec.annotations"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, paths(tc.user.Validate()), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func newFake(t *testing.T, op *databasestest.Operator) (*databases.Client, *hubtest.Fake) {
	t.Helper()
	scheme, err := hub.NewScheme(databases.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(databases.CRDs()...), hubtest.WithSimulators(op),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	var opts []databases.Option
	if op.KeepSecretName {
		opts = append(opts, databases.KeepSecretName())
	}
	return databases.NewClient(f.Hub(hub.WithNamespace("team-a")), opts...), f
}

func TestDatabasesAndUsers(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("KeepSecretName=%v", keep), func(t *testing.T) {
			ctx := t.Context()
			op := databasestest.NewOperator()
			op.KeepSecretName = keep
			c, f := newFake(t, op)
			if _, err := c.CreateDatabase(ctx, databases.NewDatabase("analytics", databases.WithSchemas("raw"))); err != nil {
				t.Fatal(err)
			}
			db, err := c.GetDatabase(ctx, "analytics")
			if err != nil {
				t.Fatal(err)
			}
			if r := db.Readiness(); !r.Ready || !strings.Contains(r.Message, "analytics-group/analytics-reader/analytics-writer") {
				t.Errorf("database readiness = %+v", r)
			}
			if _, err := c.CreateUser(ctx, databases.NewUser("reporting", "analytics", databases.WithPrivileges(databases.PrivilegeRead), databases.WithSecretName("creds"))); err != nil {
				t.Fatal(err)
			}
			if _, err := c.CreateUser(ctx, databases.NewUser("loader", "analytics", databases.WithPrivileges(databases.PrivilegeWrite))); err != nil {
				t.Fatal(err)
			}
			waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			u, err := c.WaitForUser(waitCtx, "reporting")
			if err != nil {
				t.Fatal(err)
			}
			if u.Status.PostgresGroup != "analytics-reader" || !strings.HasPrefix(u.Status.PostgresRole, "reporting-") || len(u.Status.PostgresRole) != len("reporting-")+6 {
				t.Errorf("user status = %+v", u.Status)
			}
			ci, err := c.ConnectionInfo(ctx, "reporting")
			if err != nil {
				t.Fatal(err)
			}
			if ci.Database != "analytics" || ci.Port != 5432 || ci.Login != u.Status.PostgresRole || len(ci.Password.Reveal()) != 15 ||
				!strings.HasPrefix(ci.URL.Reveal(), "postgresql://"+ci.Login+":") || ci.JDBCURL != "jdbc:postgresql://postgres.databases.svc:5432/analytics" {
				t.Errorf("connection info = %s (jdbc %s)", ci, ci.JDBCURL)
			}
			if out := fmt.Sprintf("%v %+v %#v %s", ci, ci, ci, ci); strings.Contains(out, ci.Password.Reveal()) {
				t.Errorf("printing connection info shows the password: %s", out)
			}
			wantSecret := "creds-reporting"
			if keep {
				wantSecret = "creds"
			}
			checkSecretKeys(t, f, wantSecret)
			users, err := c.ListUsers(ctx, "analytics")
			if err != nil || len(users) != 2 {
				t.Errorf("Users(analytics) = %d, %v", len(users), err)
			}
			if others, _ := c.ListUsers(ctx, "other"); len(others) != 0 {
				t.Errorf("Users(other) = %d users", len(others))
			}
			if err := c.DeleteUser(ctx, "reporting"); err != nil {
				t.Fatal(err)
			}
			if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "team-a", Name: wantSecret}, &corev1.Secret{}); !hub.IsNotFound(err) {
				t.Errorf("the user's secret outlived the user: %v", err)
			}
			if err := c.DeleteDatabase(ctx, "analytics"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetUser(ctx, "loader"); !hub.IsNotFound(err) {
				t.Errorf("a user outlived its database resource (it is owned by it): %v", err)
			}
		})
	}
}

// checkSecretKeys checks that the user secret name holds every key the
// operator writes.
func checkSecretKeys(t *testing.T, f *hubtest.Fake, name string) {
	t.Helper()
	secret := &corev1.Secret{}
	if err := f.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: name}, secret); err != nil {
		t.Fatalf("the user's secret %s: %v", name, err)
	}
	keys := make([]string, 0, len(secret.Data))
	for k := range secret.Data {
		keys = append(keys, k)
	}
	want := []string{"DATABASE_NAME", "HOST", "HOSTNAME", "LOGIN", "PASSWORD", "PORT", "POSTGRES_DOTNET_URL", "POSTGRES_JDBC_URL", "POSTGRES_URL", "ROLE", "URI_ARGS"}
	if diff := cmp.Diff(want, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("secret keys: -want, +got:\n%s", diff)
	}
}

func TestCreateRefusals(t *testing.T) {
	ctx := t.Context()
	c, _ := newFake(t, databasestest.NewOperator())
	_, err := c.CreateUser(ctx, databases.NewUser("reporting", "missing"))
	ve, ok := errors.AsType[*hub.ValidationError](err)
	if !ok || len(ve.Errors) != 1 || ve.Errors[0].Field != "spec.database" || ve.Errors[0].Type != field.ErrorTypeNotFound {
		t.Errorf("a user of a missing database = %v, want NotFound on spec.database", err)
	}
	if _, err := c.CreateDatabase(ctx, databases.NewDatabase("Bad!")); !hub.IsInvalid(err) {
		t.Errorf("an invalid database = %v, want Invalid", err)
	}
	dbs, _ := c.ListDatabases(ctx)
	if len(dbs) != 0 {
		t.Errorf("refused creates left %d databases", len(dbs))
	}
}

func TestCRDsAcceptUpstreamObjects(t *testing.T) {
	ctx := t.Context()
	_, f := newFake(t, &databasestest.Operator{})
	// A PostgresUser as the upstream README writes it: no privileges, aws
	// without enableIamAuth.
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "db.movetokube.com/v1alpha1", "kind": "PostgresUser",
		"metadata": map[string]any{"name": "my-db-user", "namespace": "team-a"},
		"spec":     map[string]any{"role": "username", "database": "my-db", "secretName": "my-secret", "aws": map[string]any{}},
	}}
	if err := f.Client().Create(ctx, u); err != nil {
		t.Fatalf("the CRD refused an upstream object: %v", err)
	}
	enabled, found, _ := unstructured.NestedBool(u.Object, "spec", "aws", "enableIamAuth")
	if !found || enabled {
		t.Errorf("aws.enableIamAuth was not defaulted to false: %v %v", enabled, found)
	}
	missing := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "db.movetokube.com/v1alpha1", "kind": "Postgres",
		"metadata": map[string]any{"name": "x", "namespace": "team-a"}, "spec": map[string]any{},
	}}
	if err := f.Client().Create(ctx, missing); !hub.IsInvalid(err) {
		t.Errorf("a Postgres without spec.database = %v, want Invalid", err)
	}
}

func TestConnectionInfoFromSecretNamesMissingKeys(t *testing.T) {
	// Every key of a user Secret but PASSWORD.
	data := map[string][]byte{
		databases.KeyURL: []byte("postgresql://r-abcdef:pw@db.example:5432/analytics"), databases.KeyJDBCURL: []byte("jdbc:postgresql://db.example:5432/analytics"),
		databases.KeyDotnetURL: []byte("User ID=r-abcdef;Password=pw;Host=db.example;Port=5432;Database=analytics;"),
		databases.KeyHost:      []byte("db.example:5432"), databases.KeyDatabaseName: []byte("analytics"), databases.KeyURIArgs: []byte(""),
		databases.KeyRole: []byte("r-abcdef"), databases.KeyLogin: []byte("r-abcdef"), databases.KeyPort: []byte("5432"), databases.KeyHostname: []byte("db.example"),
	}
	_, err := databases.ConnectionInfoFromSecret(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "s"}, Data: data})
	if err == nil || !strings.Contains(err.Error(), "PASSWORD") {
		t.Errorf("a secret without PASSWORD = %v, want an error naming the key", err)
	}
}
