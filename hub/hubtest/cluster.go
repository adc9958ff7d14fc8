package hubtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
)

// A Cluster is what tests program against, so that one test can run on the
// in-memory Fake and on a real cluster (Real) alike; the conformance suite
// proves that the two behave the same.
type Cluster interface {
	// Client returns a controller-runtime client of the cluster.
	Client() client.WithWatch
	// Hub returns a hub.Client of the cluster with opts.
	Hub(opts ...hub.Option) *hub.Client
	// RESTConfig returns the cluster's rest config, or nil for the Fake.
	RESTConfig() *rest.Config
	// InstallCRDs installs CRDs and returns once they are served.
	InstallCRDs(ctx context.Context, crds ...*apiextensionsv1.CustomResourceDefinition) error
	// WaitFor polls condition until it holds, fails, or timeout passes.
	WaitFor(ctx context.Context, what string, timeout time.Duration, condition func(context.Context) (bool, error)) error
	// CreateNamespace creates a namespace named prefix plus a random
	// suffix, deleted when the test ends.
	CreateNamespace(ctx context.Context, prefix string) (string, error)
	// IsReal tells whether the cluster has a real API server.
	IsReal() bool
}

// createNamespace is CreateNamespace for any client.
func createNamespace(ctx context.Context, tb testing.TB, c client.Client, prefix string) (string, error) {
	tb.Helper()
	name := fmt.Sprintf("%s-%s", prefix, rand.String(6))
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		return "", fmt.Errorf("hubtest: creating namespace %s: %w", name, err)
	}
	tb.Cleanup(func() {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if err := c.Delete(context.WithoutCancel(ctx), ns); client.IgnoreNotFound(err) != nil {
			tb.Errorf("hubtest: deleting namespace %s: %v", name, err)
		}
	})
	return name, nil
}

// Real is a Cluster over a real API server.
type Real struct {
	tb     testing.TB
	config *rest.Config
	client client.WithWatch
	opts   []hub.Option
}

var _ Cluster = (*Real)(nil)

// A RealOption configures NewReal.
type RealOption func(*realSettings)

type realSettings struct {
	scheme  *runtime.Scheme
	hubOpts []hub.Option
}

// WithRealScheme sets the scheme; by default it is hub.NewScheme's.
func WithRealScheme(s *runtime.Scheme) RealOption {
	return func(o *realSettings) { o.scheme = s }
}

// WithRealHubOptions sets the options of the hub.Client that Hub returns.
func WithRealHubOptions(opts ...hub.Option) RealOption {
	return func(o *realSettings) { o.hubOpts = append(o.hubOpts, opts...) }
}

// NewReal returns a Cluster over the API server cfg points at, such as the
// one the e2e suite starts. It raises cfg's client-side rate limit, which
// would otherwise make tests wait on themselves.
func NewReal(tb testing.TB, cfg *rest.Config, opts ...RealOption) *Real {
	tb.Helper()
	var s realSettings
	for _, opt := range opts {
		opt(&s)
	}
	if s.scheme == nil {
		scheme, err := hub.NewScheme()
		if err != nil {
			tb.Fatalf("hubtest: %v", err)
		}
		s.scheme = scheme
	}
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = 50, 100
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: s.scheme})
	if err != nil {
		tb.Fatalf("hubtest: connecting to the cluster: %v", err)
	}
	return &Real{tb: tb, config: cfg, client: c, opts: append([]hub.Option{hub.WithRESTConfig(cfg)}, s.hubOpts...)}
}

// Client returns a controller-runtime client of the cluster.
func (r *Real) Client() client.WithWatch { return r.client }

// Hub returns a hub.Client of the cluster; it can impersonate (As).
func (r *Real) Hub(opts ...hub.Option) *hub.Client {
	c, err := hub.Wrap(r.client, append(append([]hub.Option(nil), r.opts...), opts...)...)
	if err != nil {
		r.tb.Fatalf("hubtest: %v", err)
	}
	return c
}

// RESTConfig returns the cluster's rest config.
func (r *Real) RESTConfig() *rest.Config { return rest.CopyConfig(r.config) }

// IsReal reports true.
func (r *Real) IsReal() bool { return true }

// InstallCRDs applies the CRDs and waits until they are established and
// their kinds resolve.
func (r *Real) InstallCRDs(ctx context.Context, crds ...*apiextensionsv1.CustomResourceDefinition) error {
	return InstallCRDs(ctx, r.Hub(hub.WithFieldOwner("hubtest")), crds...)
}

// InstallCRDs applies crds to the cluster of c with server-side apply and
// waits until the API server has established them and c resolves their
// kinds: what a test or an e2e setup needs before it writes custom
// resources.
func InstallCRDs(ctx context.Context, c *hub.Client, crds ...*apiextensionsv1.CustomResourceDefinition) error {
	crdClient := hub.For[*apiextensionsv1.CustomResourceDefinition](c)
	for _, crd := range crds {
		if err := crdClient.Apply(ctx, crd.DeepCopy(), hub.ForceOwnership()); err != nil {
			return fmt.Errorf("hubtest: installing CRD %s: %w", crd.Name, err)
		}
	}
	for _, crd := range crds {
		err := poll(ctx, "CRD "+crd.Name+" is established", 100*time.Millisecond, time.Minute, func(ctx context.Context) (bool, error) {
			got, err := crdClient.Get(ctx, crd.Name)
			if err != nil {
				return false, err
			}
			for _, cond := range got.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return err
		}
		for _, v := range crd.Spec.Versions {
			gk := crd.Spec.Names.Kind
			err := poll(ctx, "kind "+gk+" resolves", 100*time.Millisecond, time.Minute, func(context.Context) (bool, error) {
				_, err := c.Kube().RESTMapper().RESTMapping(schemaGroupKind(crd.Spec.Group, gk), v.Name)
				return err == nil, nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// WaitFor polls condition every 100ms until it holds, fails, or timeout
// passes.
func (r *Real) WaitFor(ctx context.Context, what string, timeout time.Duration, condition func(context.Context) (bool, error)) error {
	return poll(ctx, what, 100*time.Millisecond, timeout, condition)
}

// poll calls condition every interval until it holds, fails, or timeout
// passes; the error says what was awaited.
func poll(ctx context.Context, what string, interval, timeout time.Duration, condition func(context.Context) (bool, error)) error {
	if err := wait.PollUntilContextTimeout(ctx, interval, timeout, true, condition); err != nil {
		return fmt.Errorf("hubtest: waiting until %s: %w", what, err)
	}
	return nil
}

// CreateNamespace creates a namespace named after prefix, deleted when the
// test ends.
func (r *Real) CreateNamespace(ctx context.Context, prefix string) (string, error) {
	return createNamespace(ctx, r.tb, r.client, prefix)
}
