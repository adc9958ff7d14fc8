package platform

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/secrets"
)

// ReconcilerSettings switches Hubkit's reconcilers on and gives them what
// they need. A reconciler whose settings are empty stays off, leaving its
// kinds to the upstream operator.
type ReconcilerSettings struct {
	// PostgresDSN is a PostgreSQL administrator's DSN; it turns the
	// databases Provisioner on.
	PostgresDSN string
	// PostgresServiceHost and PostgresServicePort are what user Secrets
	// point at, when applications reach PostgreSQL at another address.
	PostgresServiceHost string
	PostgresServicePort int
	// MinIOEndpoint (host:port) turns the objectstore Provisioner on, with
	// the administrator's MinIOAccessKey and MinIOSecretKey.
	MinIOEndpoint  string
	MinIOAccessKey string
	MinIOSecretKey secrets.Value
	MinIOTLS       bool
}

// Enabled names the reconcilers the settings turn on.
func (s ReconcilerSettings) Enabled() []string {
	var on []string
	if s.PostgresDSN != "" {
		on = append(on, "databases")
	}
	if s.MinIOEndpoint != "" {
		on = append(on, "objectstore")
	}
	return on
}

// SetupReconcilers registers every reconciler the settings turn on with
// mgr, acting through c (whose scheme must be NewScheme's).
func SetupReconcilers(mgr manager.Manager, c *hub.Client, s ReconcilerSettings) error {
	if s.PostgresDSN != "" {
		var opts []databases.ProvisionerOption
		if s.PostgresServiceHost != "" {
			opts = append(opts, databases.WithServiceAddress(s.PostgresServiceHost, s.PostgresServicePort))
		}
		p, err := databases.NewProvisioner(c, s.PostgresDSN, opts...)
		if err != nil {
			return fmt.Errorf("platform: the databases reconciler: %w", err)
		}
		// Close the PostgreSQL connections when the manager stops.
		if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
			<-ctx.Done()
			p.Close()
			return nil
		})); err != nil {
			return fmt.Errorf("platform: %w", err)
		}
		if err := p.SetupWithManager(mgr); err != nil {
			return fmt.Errorf("platform: %w", err)
		}
	}
	if s.MinIOEndpoint != "" {
		var opts []objectstore.ProvisionerOption
		if s.MinIOTLS {
			opts = append(opts, objectstore.WithTLS())
		}
		p, err := objectstore.NewProvisioner(c, s.MinIOEndpoint, s.MinIOAccessKey, s.MinIOSecretKey, opts...)
		if err != nil {
			return fmt.Errorf("platform: the objectstore reconciler: %w", err)
		}
		if err := p.SetupWithManager(mgr); err != nil {
			return fmt.Errorf("platform: %w", err)
		}
	}
	return nil
}
