// Command operator is Hubkit's mini operator: a controller-runtime manager
// running every Hubkit reconciler that its settings turn on (see
// platform.Reconcilers: every domain of the platform's registry binds its
// own flags). Settings come from flags, whose defaults are the upstream
// operators' environment variables, or, for secrets, from the environment
// only, and are never echoed.
//
//	HUBKIT_POSTGRES_DSN=postgres://admin:...@db:5432/postgres \
//	    go run ./examples/operator --kubeconfig ~/.kube/config --minio-endpoint minio:9000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/platform"
)

// options are the operator's flags.
type options struct {
	kubeconfig, namespace  string
	metricsAddr, probeAddr string
	leaderElect            bool
	reconcilers            *platform.Reconcilers
}

func parseFlags(args []string, getenv func(string) string) (options, error) {
	o := options{reconcilers: platform.NewReconcilers()}
	fs := flag.NewFlagSet("operator", flag.ContinueOnError)
	fs.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig file; empty means in-cluster")
	fs.StringVar(&o.namespace, "namespace", "", "the namespace to watch; empty means all")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", "0", "metrics address; 0 turns metrics off")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "health and readiness probe address")
	fs.BoolVar(&o.leaderElect, "leader-elect", false, "elect a leader, for running several replicas")
	o.reconcilers.BindFlags(fs, getenv)
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "Usage: operator [flags]\n\nReconcilers: %s.\nSecrets come from the environment only: %s (turns the database reconciler on) and %s.\n\nFlags:\n",
			strings.Join(o.reconcilers.Domains(), ", "), databases.EnvPostgresDSN, objectstore.EnvMinIOSecretKey)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("parsing flags: %w", err)
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err != nil {
		logger.Error("bad flags", "error", err)
		os.Exit(2)
	}
	if err := run(o, logger); err != nil {
		logger.Error("the operator stopped", "error", err)
		os.Exit(1)
	}
}

func run(o options, logger *slog.Logger) error {
	log.SetLogger(zap.New())
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return fmt.Errorf("loading the cluster's config: %w", err)
	}
	scheme, err := platform.NewScheme()
	if err != nil {
		return err
	}
	mgrOpts := ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress: o.probeAddr,
		LeaderElection:         o.leaderElect,
		LeaderElectionID:       "hubkit-operator.hubkit.dev",
	}
	if o.namespace != "" {
		mgrOpts.Cache = cache.Options{DefaultNamespaces: map[string]cache.Config{o.namespace: {}}}
	}
	mgr, err := ctrl.NewManager(cfg, mgrOpts)
	if err != nil {
		return fmt.Errorf("making the manager: %w", err)
	}
	c, err := hub.Wrap(mgr.GetClient(), hub.WithScheme(scheme), hub.WithFieldOwner("hubkit-operator"), hub.WithRESTConfig(cfg))
	if err != nil {
		return err
	}
	if err := o.reconcilers.SetupWithManager(mgr, c); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("adding the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return fmt.Errorf("adding the readiness check: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	logger.Info("starting", "reconcilers", o.reconcilers.Enabled(), "namespace", o.namespace, "leaderElect", o.leaderElect)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("running the manager: %w", err)
	}
	return nil
}
