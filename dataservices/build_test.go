package dataservices_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/databases/databasestest"
	"github.com/hubkit-dev/hubkit/dataservices"
	"github.com/hubkit-dev/hubkit/dataservices/dremiov1"
	"github.com/hubkit-dev/hubkit/dataservices/postgrestv1"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// password is the password of every test connection: no error may show it.
const password = "Sup3r-s3cret!"

func TestPostgrestValidate(t *testing.T) {
	creds := []dataservices.PostgrestOption{
		dataservices.WithHost("postgres.databases.svc", 0), dataservices.WithDatabase("shop"),
		dataservices.WithCredentials("api", secrets.Plain(password)),
	}
	with := func(opts ...dataservices.PostgrestOption) []dataservices.PostgrestOption {
		return append(append([]dataservices.PostgrestOption{}, creds...), opts...)
	}
	cases := map[string]struct {
		reason string
		req    dataservices.PostgrestRequest
		want   []hubtest.FieldError
	}{
		"Tables": {
			reason: "Tables with grants over a host, database, user and password.",
			req:    dataservices.NewPostgrest("items-api", with(dataservices.WithTables("items"), dataservices.WithGrants("select", "insert"))...),
		},
		"Secret": {
			reason: "Tables over a connection Secret.",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithTables("items"), dataservices.WithConnectionSecret("pg-api")),
		},
		"AnonRole": {
			reason: "An existing role, in a schema.",
			req:    dataservices.NewPostgrest("items-api", with(dataservices.WithAnonRole("web_anon"), dataservices.WithSchema("api"))...),
		},
		"BadName": {
			reason: "The resource name is a DNS subdomain, and the Service's a DNS-1035 label: both say so.",
			req:    dataservices.NewPostgrest("Items_API", with(dataservices.WithTables("items"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "metadata.name"}, {Type: field.ErrorTypeInvalid, Field: "metadata.name"}},
		},
		"NoName": {
			reason: "A name is required.",
			req:    dataservices.NewPostgrest("", with(dataservices.WithTables("items"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "metadata.name"}, {Type: field.ErrorTypeInvalid, Field: "metadata.name"}},
		},
		"RoleAndTables": {
			reason: "An existing role or tables, not both.",
			req:    dataservices.NewPostgrest("items-api", with(dataservices.WithAnonRole("web_anon"), dataservices.WithTables("items"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.tables"}},
		},
		"GrantsWithRole": {
			reason: "Grants only go to a generated role.",
			req:    dataservices.NewPostgrest("items-api", with(dataservices.WithAnonRole("web_anon"), dataservices.WithGrants("SELECT"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.grants"}},
		},
		"BadGrant": {
			reason: "Grants are table privileges.",
			req:    dataservices.NewPostgrest("items-api", with(dataservices.WithTables("items"), dataservices.WithGrants("SELECT", "EXECUTE"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.grants"}},
		},
		"SecretAndCredentials": {
			reason: "A Secret or credentials, not both; the password's error does not show it.",
			req:    dataservices.NewPostgrest("items-api", with(dataservices.WithTables("items"), dataservices.WithConnectionSecret("pg-api"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.connection.user"}, {Type: field.ErrorTypeForbidden, Field: "spec.connection.password"}},
		},
		"NoConnection": {
			reason: "Without a Secret, host, database, user and password.",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithTables("items")),
			want: []hubtest.FieldError{
				{Type: field.ErrorTypeRequired, Field: "spec.connection.host"}, {Type: field.ErrorTypeRequired, Field: "spec.connection.database"},
				{Type: field.ErrorTypeRequired, Field: "spec.connection.user"}, {Type: field.ErrorTypeRequired, Field: "spec.connection.password"},
			},
		},
		"BadPort": {
			reason: "A port above 65535 is refused (0 or less is the default).",
			req:    dataservices.NewPostgrest("items-api", with(dataservices.WithTables("items"), dataservices.WithHost("db", 70000))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.port"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := tc.req.Validate()
			if diff := cmp.Diff(tc.want, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if hubtest.ShowsSecret(errs, password) {
				t.Errorf("\nReason: %s\nan error shows the password: %v", tc.reason, errs)
			}
		})
	}
}

func TestPostgrestBuild(t *testing.T) {
	cases := map[string]struct {
		reason string
		req    dataservices.PostgrestRequest
		want   dataservices.PostgrestSpec
	}{
		"DefaultPort": {
			reason: "No port is the UI's 5432; grants are joined with commas as given; the password is the spec's.",
			req: dataservices.NewPostgrest("items-api", dataservices.WithHost("db", 0), dataservices.WithDatabase("shop"),
				dataservices.WithCredentials("api", secrets.Plain(password)), dataservices.WithConnectionParams("sslmode=disable"),
				dataservices.WithTables("items", "orders"), dataservices.WithGrants("SELECT", "insert")),
			want: dataservices.PostgrestSpec{
				Tables: []string{"items", "orders"}, Grants: "SELECT,insert",
				Connection: postgrestv1.ConnectionProperties{Host: "db", Port: 5432, Database: "shop", User: "api", Password: password, ExtraParams: "sslmode=disable"},
			},
		},
		"NegativePort": {
			reason: "A negative port is the default too, as in the UI.",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithHost("db", -1), dataservices.WithTables("items")),
			want:   dataservices.PostgrestSpec{Tables: []string{"items"}, Connection: postgrestv1.ConnectionProperties{Host: "db", Port: 5432}},
		},
		"Port": {
			reason: "A port is kept; options add up.",
			req: dataservices.NewPostgrest("items-api", dataservices.WithHost("db", 6543), dataservices.WithTables("items"), dataservices.WithTables("orders"),
				dataservices.WithGrants("SELECT"), dataservices.WithGrants("UPDATE")),
			want: dataservices.PostgrestSpec{Tables: []string{"items", "orders"}, Grants: "SELECT,UPDATE", Connection: postgrestv1.ConnectionProperties{Host: "db", Port: 6543}},
		},
		"AnonRole": {
			reason: "A role and a schema, over a Secret; no grants is an empty string (the operator's SELECT).",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithAnonRole("web_anon"), dataservices.WithSchema("api"), dataservices.WithConnectionSecret("pg-api")),
			want:   dataservices.PostgrestSpec{Schema: "api", AnonRole: "web_anon", Connection: postgrestv1.ConnectionProperties{Port: 5432, SecretName: "pg-api"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := tc.req.Build("team-a")
			if diff := cmp.Diff(tc.want, p.Spec, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nspec: -want, +got:\n%s", tc.reason, diff)
			}
			meta := []string{p.APIVersion, p.Kind, p.Namespace, p.Name}
			if diff := cmp.Diff([]string{"operator.postgrest.org/v1", "Postgrest", "team-a", "items-api"}, meta); diff != "" {
				t.Errorf("\nReason: %s\nmetadata: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDremioValidate(t *testing.T) {
	creds := []dataservices.DremioOption{dataservices.WithHost("dremio.dremio.svc", 0), dataservices.WithCredentials("reporter", secrets.Plain(password))}
	with := func(opts ...dataservices.DremioOption) []dataservices.DremioOption {
		return append(append([]dataservices.DremioOption{}, creds...), opts...)
	}
	cases := map[string]struct {
		reason string
		req    dataservices.DremioRequest
		want   []hubtest.FieldError
	}{
		"Credentials": {reason: "Tables, a host, a user and a password.", req: dataservices.NewDremioRestServer("lake-api", with(dataservices.WithDremioTables("lake.sales"))...)},
		"Secret": {reason: "A Secret instead of credentials.", req: dataservices.NewDremioRestServer("lake-api",
			dataservices.WithDremioTables("lake.sales"), dataservices.WithHost("dremio", 0), dataservices.WithConnectionSecret("dremio-creds"))},
		"NoTables": {
			reason: "Tables are required.",
			req:    dataservices.NewDremioRestServer("lake-api", creds...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.tables"}},
		},
		"EmptyTable": {
			reason: "Each table has a name.",
			req:    dataservices.NewDremioRestServer("lake-api", with(dataservices.WithDremioTables("lake.sales", ""))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.tables"}},
		},
		"Database": {
			reason: "A Dremio connection names no database.",
			req:    dataservices.NewDremioRestServer("lake-api", with(dataservices.WithDremioTables("lake.sales"), dataservices.WithDatabase("shop"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.connection.database"}},
		},
		"SecretAndCredentials": {
			reason: "A Secret or credentials, not both.",
			req:    dataservices.NewDremioRestServer("lake-api", with(dataservices.WithDremioTables("lake.sales"), dataservices.WithConnectionSecret("dremio-creds"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.connection.user"}, {Type: field.ErrorTypeForbidden, Field: "spec.connection.password"}},
		},
		"NoHost": {
			reason: "The host is required; the user and password too without a Secret.",
			req:    dataservices.NewDremioRestServer("lake-api", dataservices.WithDremioTables("lake.sales")),
			want: []hubtest.FieldError{
				{Type: field.ErrorTypeRequired, Field: "spec.connection.host"}, {Type: field.ErrorTypeRequired, Field: "spec.connection.user"}, {Type: field.ErrorTypeRequired, Field: "spec.connection.password"},
			},
		},
		"DottedName": {
			reason: "The Service's name is a DNS-1035 label.",
			req:    dataservices.NewDremioRestServer("lake.api", with(dataservices.WithDremioTables("lake.sales"))...),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "metadata.name"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := tc.req.Validate()
			if diff := cmp.Diff(tc.want, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if hubtest.ShowsSecret(errs, password) {
				t.Errorf("\nReason: %s\nan error shows the password: %v", tc.reason, errs)
			}
		})
	}
}

func TestDremioBuild(t *testing.T) {
	cases := map[string]struct {
		reason string
		req    dataservices.DremioRequest
		want   dataservices.DremioRestServerSpec
	}{
		"DefaultPort": {
			reason: "Tables joined with commas; no port is the UI's 32010; JDBC properties as the params.",
			req: dataservices.NewDremioRestServer("lake-api", dataservices.WithDremioTables("lake.sales", "lake.customers"),
				dataservices.WithHost("dremio", 0), dataservices.WithCredentials("reporter", secrets.Plain(password)),
				dataservices.WithConnectionParams("useEncryption=false")),
			want: dataservices.DremioRestServerSpec{
				Tables:     "lake.sales,lake.customers",
				Connection: dremiov1.ConnectionProperties{Host: "dremio", Port: 32010, User: "reporter", Password: password, JDBCProperties: "useEncryption=false"},
			},
		},
		"Port": {
			reason: "A port is kept; a Secret is named.",
			req: dataservices.NewDremioRestServer("lake-api", dataservices.WithDremioTables("lake.sales"),
				dataservices.WithHost("dremio", 9047), dataservices.WithConnectionSecret("dremio-creds")),
			want: dataservices.DremioRestServerSpec{Tables: "lake.sales", Connection: dremiov1.ConnectionProperties{Host: "dremio", Port: 9047, SecretName: "dremio-creds"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d := tc.req.Build("team-a")
			if diff := cmp.Diff(tc.want, d.Spec); diff != "" {
				t.Errorf("\nReason: %s\nspec: -want, +got:\n%s", tc.reason, diff)
			}
			meta := []string{d.APIVersion, d.Kind, d.Namespace, d.Name}
			if diff := cmp.Diff([]string{"operator.dremiorestserver.com/v1", "DremioRestServer", "team-a", "lake-api"}, meta); diff != "" {
				t.Errorf("\nReason: %s\nmetadata: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// newFake returns a fake cluster with namespace team-a, the databases and
// dataservices CRDs and the simulators given, and the clients of both
// domains in team-a.
func newFake(t *testing.T, sims ...hubtest.Simulator) (*dataservices.Client, *databases.Client, *hubtest.Fake) {
	t.Helper()
	scheme, err := hub.NewScheme(databases.AddToScheme, dataservices.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(append(databases.CRDs(), dataservices.CRDs()...)...),
		hubtest.WithSimulators(sims...), hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	h := f.Hub(hub.WithNamespace("team-a"))
	return dataservices.NewClient(h), databases.NewClient(h), f
}

// secret is an Opaque Secret of team-a.
func secret(name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a"}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func TestClientCreatePostgrest(t *testing.T) {
	existing := []*corev1.Secret{
		secret("by-url", map[string]string{"POSTGRES_URL": "postgresql://api:" + password + "@db:5432/shop"}),
		secret("by-user", map[string]string{"USER": "api", "PASSWORD": password}),
		secret("no-keys", map[string]string{"username": "api", "password": password}),
		secret("bad-url", map[string]string{"POSTGRES_URL": "postgresql://api:" + password + "@db:5432/shop%zz"}),
	}
	cases := map[string]struct {
		reason string
		req    dataservices.PostgrestRequest
		want   []hubtest.FieldError
	}{
		"MissingSecret": {
			reason: "The Secret must exist.",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithTables("items"), dataservices.WithConnectionSecret("ghost")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeNotFound, Field: "spec.connection.secretName"}},
		},
		"SecretWithoutKeys": {
			reason: "The Secret must hold POSTGRES_URL, or USER and PASSWORD.",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithTables("items"), dataservices.WithConnectionSecret("no-keys")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
		"SecretWithBadURL": {
			reason: "A POSTGRES_URL that does not parse is refused without showing it.",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithTables("items"), dataservices.WithConnectionSecret("bad-url")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
		"UserWithoutHost": {
			reason: "USER and PASSWORD need the spec's host.",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithTables("items"), dataservices.WithDatabase("shop"), dataservices.WithConnectionSecret("by-user")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.connection.host"}},
		},
		"InvalidSpec": {
			reason: "An invalid spec is refused before the Secret is read.",
			req:    dataservices.NewPostgrest("items-api", dataservices.WithConnectionSecret("ghost")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.tables"}},
		},
		"ByURL": {
			reason: "A Secret with POSTGRES_URL is enough.",
			req:    dataservices.NewPostgrest("by-url", dataservices.WithTables("items"), dataservices.WithConnectionSecret("by-url")),
		},
		"ByUser": {
			reason: "A Secret with USER and PASSWORD, with a host and database.",
			req: dataservices.NewPostgrest("by-user", dataservices.WithTables("items"), dataservices.WithHost("db", 0), dataservices.WithDatabase("shop"),
				dataservices.WithConnectionSecret("by-user")),
		},
		"ByCredentials": {
			reason: "No Secret to check.",
			req: dataservices.NewPostgrest("by-credentials", dataservices.WithAnonRole("web_anon"), dataservices.WithHost("db", 0), dataservices.WithDatabase("shop"),
				dataservices.WithCredentials("api", secrets.Plain(password))),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c, _, f := newFake(t)
			for _, s := range existing {
				if err := f.Client().Create(ctx, s.DeepCopy()); err != nil {
					t.Fatal(err)
				}
			}
			_, err := c.CreatePostgrest(ctx, tc.req)
			if diff := cmp.Diff(tc.want, hubtest.ValidationErrors(t, err), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if err != nil && strings.Contains(err.Error(), password) {
				t.Errorf("\nReason: %s\nthe error shows the password: %v", tc.reason, err)
			}
			items, lerr := c.ListPostgrests(ctx)
			if lerr != nil {
				t.Fatal(lerr)
			}
			if created := len(items) == 1; created != (tc.want == nil) {
				t.Errorf("\nReason: %s\n%d Postgrests exist after CreatePostgrest = %v", tc.reason, len(items), err)
			}
		})
	}
}

func TestClientCreateDremioRestServer(t *testing.T) {
	cases := map[string]struct {
		reason string
		secret *corev1.Secret
		req    dataservices.DremioRequest
		want   []hubtest.FieldError
	}{
		"MissingSecret": {
			reason: "The Secret must exist.",
			req:    dataservices.NewDremioRestServer("lake-api", dataservices.WithDremioTables("lake.sales"), dataservices.WithHost("dremio", 0), dataservices.WithConnectionSecret("ghost")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeNotFound, Field: "spec.connection.secretName"}},
		},
		"SecretWithoutKeys": {
			reason: "A Dremio Secret must hold USER and PASSWORD; a POSTGRES_URL is no use.",
			secret: secret("creds", map[string]string{"POSTGRES_URL": "postgresql://a:" + password + "@b/c"}),
			req:    dataservices.NewDremioRestServer("lake-api", dataservices.WithDremioTables("lake.sales"), dataservices.WithHost("dremio", 0), dataservices.WithConnectionSecret("creds")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
		"InvalidSpec": {
			reason: "An invalid spec is refused before the Secret is read.",
			req:    dataservices.NewDremioRestServer("lake-api", dataservices.WithHost("dremio", 0), dataservices.WithConnectionSecret("ghost")),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.tables"}},
		},
		"Secret": {
			reason: "A Secret with USER and PASSWORD.",
			secret: secret("creds", map[string]string{"USER": "reporter", "PASSWORD": password}),
			req:    dataservices.NewDremioRestServer("lake-api", dataservices.WithDremioTables("lake.sales"), dataservices.WithHost("dremio", 0), dataservices.WithConnectionSecret("creds")),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c, _, f := newFake(t)
			if tc.secret != nil {
				if err := f.Client().Create(ctx, tc.secret); err != nil {
					t.Fatal(err)
				}
			}
			_, err := c.CreateDremioRestServer(ctx, tc.req)
			if diff := cmp.Diff(tc.want, hubtest.ValidationErrors(t, err), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if err != nil && strings.Contains(err.Error(), password) {
				t.Errorf("\nReason: %s\nthe error shows the password: %v", tc.reason, err)
			}
			items, lerr := c.ListDremioRestServers(ctx)
			if lerr != nil {
				t.Fatal(lerr)
			}
			if created := len(items) == 1; created != (tc.want == nil) {
				t.Errorf("\nReason: %s\n%d DremioRestServers exist after CreateDremioRestServer = %v", tc.reason, len(items), err)
			}
		})
	}
}

// waitForUser creates a database and a user through the databases
// simulator and waits until the user's Secret is written. The database
// lists the schema public, so that its reader and writer groups get their
// grants there, on the tables created afterwards too.
func waitForUser(ctx context.Context, t *testing.T, c *databases.Client, database, user string, opts ...databases.UserOption) *databases.PostgresUser {
	t.Helper()
	if _, err := c.CreateDatabase(ctx, databases.NewDatabase(database, databases.WithSchemas("public"))); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, databases.NewUser(user, database, opts...)); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	u, err := c.WaitForUser(wctx, user)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestClientCreatePostgrestForUser(t *testing.T) {
	cases := map[string]struct {
		reason     string
		keep       bool
		secretName string
	}{
		"SecretPerUser": {reason: "The postgres-operator names a user's Secret <secretName>-<user>.", secretName: "pg-api"},
		"KeepSecretName": {
			reason: "With KEEP_SECRET_NAME the Secret is <secretName>, and WithDatabases tells the client so.",
			keep:   true, secretName: "pg",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			op := databasestest.NewOperator()
			op.KeepSecretName = tc.keep
			_, users, f := newFake(t, op)
			var opts []dataservices.Option
			if tc.keep {
				opts = append(opts, dataservices.WithDatabases(databases.KeepSecretName()))
				users = databases.NewClient(f.Hub(hub.WithNamespace("team-a")), databases.KeepSecretName())
			}
			c := dataservices.NewClient(f.Hub(hub.WithNamespace("team-a")), opts...)
			waitForUser(ctx, t, users, "shop", "api", databases.WithSecretName("pg"))

			p, err := c.CreatePostgrestForUser(ctx, "items-api", "api", dataservices.WithTables("items"), dataservices.WithGrants("SELECT"))
			if err != nil {
				t.Fatalf("\nReason: %s\n%v", tc.reason, err)
			}
			want := postgrestv1.ConnectionProperties{Port: dataservices.DefaultPostgresPort, SecretName: tc.secretName}
			if diff := cmp.Diff(want, p.Spec.Connection); diff != "" {
				t.Errorf("\nReason: %s\nconnection: -want, +got:\n%s", tc.reason, diff)
			}
			got, err := c.GetPostgrest(ctx, "items-api")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(p.Spec, got.Spec); diff != "" {
				t.Errorf("\nReason: %s\nstored spec: -returned, +stored:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestClientCreatePostgrestForUserRefuses(t *testing.T) {
	ctx := t.Context()
	c, users, f := newFake(t) // no databases simulator: the user's Secret never comes
	_, err := c.CreatePostgrestForUser(ctx, "items-api", "ghost", dataservices.WithTables("items"))
	if !hub.IsNotFound(err) || !strings.Contains(err.Error(), "ghost") {
		t.Errorf("a PostgREST service for a missing user = %v; want NotFound naming it", err)
	}
	if _, err := users.CreateDatabase(ctx, databases.NewDatabase("shop")); err != nil {
		t.Fatal(err)
	}
	if _, err := users.CreateUser(ctx, databases.NewUser("api", "shop", databases.WithSecretName("pg"))); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreatePostgrestForUser(ctx, "items-api", "api", dataservices.WithTables("items"))
	if diff := cmp.Diff([]hubtest.FieldError{{Type: field.ErrorTypeNotFound, Field: "spec.connection.secretName"}}, hubtest.ValidationErrors(t, err)); diff != "" {
		t.Errorf("a PostgREST service for a user whose Secret is not written yet: -want, +got:\n%s", diff)
	}
	var list dataservices.PostgrestList
	if err := f.Client().List(ctx, &list); err != nil || len(list.Items) != 0 {
		t.Errorf("Postgrests after refusals: %d, %v; want none", len(list.Items), err)
	}
}
