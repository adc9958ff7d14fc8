// Command dashboard is Hubkit's mini dashboard: the REST API of
// DigitalHub's resource manager (platform/restapi, mounted under /api/) and
// a web UI over it, for PVCs, secrets, services, deployments, jobs, quotas
// and every custom kind Hubkit knows.
//
// By default it runs on an in-memory cluster with simulated operators and
// demo data, signed in as a demo user:
//
//	go run ./examples/dashboard
//
// With --kubeconfig (or KUBECONFIG) it serves a real cluster; users sign in
// with HTTP basic auth against --users (name:bcrypt-hash lines, as
// htpasswd -B writes them) and the dashboard acts as each user through
// impersonation, so Kubernetes RBAC decides what each one sees.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/platformtest"
	"github.com/hubkit-dev/hubkit/platform/restapi"
	"github.com/hubkit-dev/hubkit/secrets"
	"github.com/hubkit-dev/hubkit/storage"
)

type options struct {
	addr, kubeconfig, namespace, users string
	// domain is the platform's domain: a new gateway's host defaults to
	// "<name>.services.<domain>". Empty on the embedded cluster is
	// demoDomain, the demo gateway's.
	domain string
}

// demoDomain is the platform domain of the embedded demo: its gateway's
// host is analytics-api.services.hubkit.example.
const demoDomain = "hubkit.example"

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("dashboard", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "the address to serve on")
	fs.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "serve the cluster of this kubeconfig instead of the embedded in-memory one")
	fs.StringVar(&o.namespace, "namespace", "", "the namespace to show (default: demo on the embedded cluster, K8S_NAMESPACE or default otherwise)")
	fs.StringVar(&o.users, "users", "", "on a real cluster: the user file, name:bcrypt-hash per line")
	fs.StringVar(&o.domain, "domain", os.Getenv("HUBKIT_DOMAIN"), "the platform's domain: a new API gateway's host defaults to <name>.services.<domain> (HUBKIT_DOMAIN; default "+demoDomain+" on the embedded cluster, none otherwise)")
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "Usage: dashboard [flags]\n\nRelevance selectors come from K8S_SELECTOR_SERVICE, _DEPLOYMENT, _JOB, _PVC, _QUOTA; the secret filter from K8S_SELECTOR_LABELS, _OWNERS, _ANNOTATIONS, _NAMES; the claims' settings from K8S_PVC_MANAGED_BY and K8S_PVC_STORAGE_CLASSES; KEEP_SECRET_NAME=true says the postgres-operator keeps user Secret names; K8S_CRD_ALLOWED and K8S_CRD_DENIED choose the custom resources served, K8S_CR_CREATED_BY (krm by default) scopes them.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("parsing flags: %w", err)
	}
	return o, nil
}

func main() { os.Exit(mainCode()) }

func mainCode() int {
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err != nil {
		logger.Error("bad flags", "error", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, logger, nil); err != nil {
		logger.Error("the dashboard stopped", "error", err)
		return 1
	}
	return 0
}

// newServer builds the dashboard for o: embedded, or over the cluster of
// o.kubeconfig.
func newServer(ctx context.Context, o options, logger *slog.Logger) (*server, error) {
	opts, err := hub.SelectorsFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	filter, err := secrets.FilterFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	popts := []platform.Option{
		platform.WithHubOptions(opts...),
		platform.WithSecrets(secrets.WithFilter(filter)),
		platform.WithStorage(storage.OptionsFromEnv(os.Getenv)...),
		// K8S_CRD_ALLOWED/DENIED choose the custom resources served, and
		// K8S_CR_CREATED_BY (krm by default) scopes them, as in the
		// resource manager.
		platform.WithCustomResources(crs.OptionsFromEnv(os.Getenv)...),
	}
	domain := o.domain
	if domain == "" && o.kubeconfig == "" {
		domain = demoDomain
	}
	if domain != "" {
		// The gateway client's Expose puts gateways under it too.
		popts = append(popts, platform.WithGateway(gateway.WithPlatformDomain(domain)))
	}
	s := &server{logger: logger, domain: domain}
	if os.Getenv("KEEP_SECRET_NAME") == "true" {
		// The postgres-operator of this cluster keeps user Secret names.
		popts = append(popts, platform.WithDatabases(databases.KeepSecretName()))
	}
	apiOpts := []restapi.Option{restapi.WithLogger(logger)}
	if o.kubeconfig == "" {
		ns := o.namespace
		if ns == "" {
			ns = platform.DemoNamespace
		}
		if s.base, _, err = platformtest.NewEmbedded(ctx, ns, true, popts...); err != nil {
			return nil, err
		}
		// The embedded cluster runs no pods: its logs are simulated.
		s.embedded = true
		apiOpts = append(apiOpts, restapi.WithSimulatedLogs(),
			// The demo's own CRD (one without a schema of its own, with a
			// custom schema) is served beside the domains'.
			restapi.WithCRDs(append(platform.CRDs(), platform.DemoCRDs()...)...))
	} else if err = s.connect(o, popts); err != nil {
		return nil, err
	}
	s.api, err = restapi.New(s.platformFor, apiOpts...)
	return s, err
}

// connect sets s up to serve the cluster of o.kubeconfig, for the users of
// o.users.
func (s *server) connect(o options, popts []platform.Option) error {
	if o.users == "" {
		return errors.New("a real cluster needs --users: the dashboard never serves it unauthenticated")
	}
	users, err := loadUsers(o.users)
	if err != nil {
		return err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return fmt.Errorf("loading the kubeconfig: %w", err)
	}
	ns := o.namespace
	if ns == "" {
		ns = os.Getenv("K8S_NAMESPACE")
	}
	if ns != "" {
		popts = append(popts, platform.WithHubOptions(hub.WithNamespace(ns)))
	}
	base, err := platform.New(cfg, popts...)
	if err != nil {
		return err
	}
	s.base, s.users = base, users
	return nil
}

// run serves until ctx ends. ready, when given, receives the URL once the
// dashboard listens.
func run(ctx context.Context, o options, logger *slog.Logger, ready chan<- string) error {
	s, err := newServer(ctx, o, logger)
	if err != nil {
		return err
	}
	listener, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", o.addr, err)
	}
	url := "http://" + listener.Addr().String() + "/"
	mode := "the cluster of " + o.kubeconfig
	if s.embedded {
		mode = "an embedded in-memory cluster with demo data"
	}
	_, _ = fmt.Fprintf(os.Stdout, "Hubkit dashboard on %s (%s)\n", url, mode)
	logger.Info("serving", "url", url, "embedded", s.embedded)
	if ready != nil {
		ready <- url
	}
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}
