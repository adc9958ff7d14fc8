//go:build e2e

package e2e

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/e2e-framework/pkg/envconf"
	"sigs.k8s.io/e2e-framework/pkg/features"

	"github.com/hubkit-dev/hubkit/hub"
)

// namespaceKey is the context key under which a feature's namespace is kept.
type namespaceKey struct{}

// inOwnNamespace gives a feature a namespace of its own: created before its
// first assessment, deleted after its last.
func inOwnNamespace(name string) *features.FeatureBuilder {
	return features.New(name).
		WithSetup("create the feature's namespace", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			t.Helper()
			ns := envconf.RandomName("e2e", 12)
			c := mustAdmin(t, cfg, "")
			if err := hub.For[*corev1.Namespace](c).Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
				t.Fatalf("creating namespace %s: %v", ns, err)
			}
			return context.WithValue(ctx, namespaceKey{}, ns)
		}).
		WithTeardown("delete the feature's namespace", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			t.Helper()
			c := mustAdmin(t, cfg, "")
			if err := hub.For[*corev1.Namespace](c).Delete(ctx, namespaceOf(ctx)); err != nil && !hub.IsNotFound(err) {
				t.Errorf("deleting namespace %s: %v", namespaceOf(ctx), err)
			}
			return ctx
		})
}

// namespaceOf returns the namespace inOwnNamespace made for the feature.
func namespaceOf(ctx context.Context) string {
	ns, _ := ctx.Value(namespaceKey{}).(string)
	return ns
}

// mustAdmin is adminClient for use inside a feature.
func mustAdmin(t *testing.T, cfg *envconf.Config, namespace string) *hub.Client {
	t.Helper()
	c, err := adminClient(cfg, namespace)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// eventually polls condition until it reports true, an error, or timeout.
func eventually(ctx context.Context, t *testing.T, what string, timeout time.Duration, condition func(context.Context) (bool, error)) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, condition); err != nil {
		t.Fatalf("waiting until %s: %v", what, err)
	}
}

// waitFor calls a client's WaitFor verb (such as databases.Client.WaitForUser)
// for name with a deadline timeout from now.
func waitFor[T any](ctx context.Context, timeout time.Duration, name string, wait func(context.Context, string) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return wait(ctx, name)
}
