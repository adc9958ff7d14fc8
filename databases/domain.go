package databases

import (
	"context"
	"flag"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/hub"
)

// Domain is the databases domain's registry entry: its types and CRDs, the
// Provisioner as an operator runs it, and a demo database with a user.
var Domain = hub.Domain{
	Name:        "databases",
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Reconcilers: func() hub.Reconcilers { return &reconcilerSettings{} },
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
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		<-ctx.Done()
		p.Close()
		return nil
	})); err != nil {
		p.Close()
		return fmt.Errorf("databases: %w", err)
	}
	return p.SetupWithManager(mgr)
}
