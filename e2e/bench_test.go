//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
)

// benchClient returns a client of the real cluster without client-go's
// rate limiter, so that the benchmarks measure the API server, not the
// client's throttle.
func benchClient(b *testing.B) client.WithWatch {
	b.Helper()
	kc, err := testenv.EnvConf().NewClient()
	if err != nil {
		b.Fatal(err)
	}
	rc := rest.CopyConfig(kc.RESTConfig())
	rc.QPS, rc.Burst = -1, 0
	scheme, err := hub.NewScheme()
	if err != nil {
		b.Fatal(err)
	}
	c, err := client.NewWithWatch(rc, client.Options{Scheme: scheme})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchNamespace makes a fresh namespace for one iteration and deletes it
// when the benchmark ends.
func benchNamespace(b *testing.B, c client.Client) string {
	b.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "bench-"}}
	if err := c.Create(b.Context(), ns); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Delete(context.WithoutCancel(b.Context()), ns) })
	return ns.Name
}

// BenchmarkRound runs the README's round on the real cluster (kube-apiserver
// and etcd, started by kwokctl), at the sizes hubtest's BenchmarkRound runs
// it: `make bench-fake-vs-real` shows both side by side.
func BenchmarkRound(b *testing.B) {
	c := benchClient(b)
	for _, n := range conformance.RoundSizes {
		b.Run("real-cluster/n="+strconv.Itoa(n), func(b *testing.B) {
			conformance.BenchmarkRound(b, n, func(b *testing.B) (client.Client, string) {
				b.Helper()
				return c, benchNamespace(b, c)
			})
		})
	}
}

// BenchmarkWatch measures the events per second a watch of the real
// cluster delivers while objects are created.
func BenchmarkWatch(b *testing.B) {
	c := benchClient(b)
	b.Run("real-cluster", func(b *testing.B) {
		conformance.BenchmarkWatch(b, 1000, func(b *testing.B) (client.WithWatch, string) {
			b.Helper()
			return c, benchNamespace(b, c)
		})
	})
}
