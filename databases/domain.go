package databases

import (
	"context"
	"flag"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// Domain is the databases domain's registry entry: its types and CRDs, the
// Provisioner as an operator runs it, and a demo database with a user.
var Domain = hub.Domain{
	Name:        "databases",
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Reconcilers: func() hub.Reconcilers { return &reconcilerSettings{} },
	Kinds: []hub.Kind{
		{
			ID: "postgres.db.movetokube.com", Title: "Databases", Object: &Postgres{},
			Columns: []hub.Column{{Header: "Database", Path: "spec.database"}, {Header: "Drop on delete", Path: "spec.dropOnDelete"}},
			Check:   hub.CheckOf(checkPostgres),
		},
		{
			ID: "postgresusers.db.movetokube.com", Title: "Database users", Object: &PostgresUser{},
			Columns: []hub.Column{{Header: "Database", Path: "spec.database"}, {Header: "Privileges", Path: "spec.privileges"}, {Header: "Role", Path: "status.postgresRole"}},
			Check:   hub.CheckOf(checkPostgresUser),
		},
	},
	Demo: func(namespace string) []client.Object {
		return []client.Object{
			NewDatabase("analytics", WithSchemas("raw", "curated")).Build(namespace),
			NewUser("dashboard", "analytics", WithPrivileges(PrivilegeRead)).Build(namespace),
		}
	},
}

// EnvPostgresDSN names the environment variable with the PostgreSQL
// administrator's DSN, which turns the Provisioner on in an operator. It
// holds a password, so it is never a flag.
const EnvPostgresDSN = "HUBKIT_POSTGRES_DSN"

// reconcilerSettings are the Provisioner's settings in an operator, named
// after the postgres-operator's environment.
type reconcilerSettings struct {
	dsn            string
	serviceHost    string
	servicePort    int
	uriArgs        string
	keepSecretName bool
}

func (s *reconcilerSettings) BindFlags(fs *flag.FlagSet, getenv func(string) string) {
	s.dsn = getenv(EnvPostgresDSN)
	fs.StringVar(&s.serviceHost, "postgres-service-host", "", "the host user Secrets point at (default: the DSN's)")
	fs.IntVar(&s.servicePort, "postgres-service-port", 5432, "the port user Secrets point at, with -postgres-service-host")
	fs.StringVar(&s.uriArgs, "postgres-uri-args", getenv("POSTGRES_URI_ARGS"), "the query appended to POSTGRES_URL in user Secrets (POSTGRES_URI_ARGS)")
	fs.BoolVar(&s.keepSecretName, "keep-secret-name", getenv("KEEP_SECRET_NAME") == "true", "name user Secrets <secretName> rather than <secretName>-<name> (KEEP_SECRET_NAME)")
}

func (s *reconcilerSettings) Enabled() bool { return s.dsn != "" }

func (s *reconcilerSettings) SetupWithManager(mgr manager.Manager, c *hub.Client) error {
	var opts []Option
	if s.serviceHost != "" {
		opts = append(opts, WithServiceAddress(s.serviceHost, s.servicePort))
	}
	if s.uriArgs != "" {
		opts = append(opts, WithURIArgs(s.uriArgs))
	}
	if s.keepSecretName {
		opts = append(opts, KeepSecretName())
	}
	p, err := NewProvisioner(c, s.dsn, opts...)
	if err != nil {
		return err
	}
	// Close the PostgreSQL connections when the manager stops.
	return reconcile.SetupClosing(mgr, p.SetupWithManager, p.Close)
}

// checkPostgres makes CreateDatabase's checks on a Postgres resource
// written whole (by a REST API): the fields a DatabaseRequest would
// default must be set.
func checkPostgres(_ context.Context, _ *hub.Client, p *Postgres) (field.ErrorList, error) {
	var errs field.ErrorList
	if p.Spec.Database == "" {
		errs = append(errs, field.Required(field.NewPath("spec", "database"), "name the database in PostgreSQL"))
	}
	return append(errs, checkDatabase(databaseRequestOf(p))...), nil
}

// checkPostgresUser makes CreateUser's checks on a PostgresUser resource
// written whole (by a REST API): the fields a UserRequest would default
// must be set, and its Postgres resource must exist.
func checkPostgresUser(ctx context.Context, c *hub.Client, u *PostgresUser) (field.ErrorList, error) {
	var errs field.ErrorList
	for _, f := range []struct{ path, value string }{{"role", u.Spec.Role}, {"secretName", u.Spec.SecretName}, {"privileges", u.Spec.Privileges}} {
		if f.value == "" {
			errs = append(errs, field.Required(field.NewPath("spec", f.path), ""))
		}
	}
	if len(errs) > 0 {
		return errs, nil
	}
	return NewClient(c).checkUser(ctx, userRequestOf(u))
}
