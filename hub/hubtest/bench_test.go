package hubtest_test

import (
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
)

// BenchmarkRound runs the README's round (create, get, update n
// ConfigMaps, list them) on hubtest's fake and, side by side, on
// controller-runtime's bare fake client, at each of conformance.RoundSizes;
// the e2e suite's BenchmarkRound runs it on the real cluster. Compare with
// benchstat; the figure to read is ns/req.
func BenchmarkRound(b *testing.B) {
	scheme, err := hub.NewScheme()
	if err != nil {
		b.Fatal(err)
	}
	mapper := testrestmapper.TestOnlyStaticRESTMapper(scheme)
	namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}
	for _, n := range conformance.RoundSizes {
		size := "n=" + strconv.Itoa(n)
		b.Run("hubtest/"+size, func(b *testing.B) {
			conformance.BenchmarkRound(b, n, func(b *testing.B) (client.Client, string) {
				b.Helper()
				return hubtest.NewFake(b, hubtest.WithObjects(namespace.DeepCopy())).Client(), "bench"
			})
		})
		b.Run("controller-runtime-fake/"+size, func(b *testing.B) {
			conformance.BenchmarkRound(b, n, func(*testing.B) (client.Client, string) {
				return fake.NewClientBuilder().WithScheme(scheme).WithRESTMapper(mapper).WithObjects(namespace.DeepCopy()).Build(), "bench"
			})
		})
	}
}

// BenchmarkWatch measures how many events a watch delivers per second
// while objects are created, on hubtest's fake and on controller-runtime's.
func BenchmarkWatch(b *testing.B) {
	scheme, err := hub.NewScheme()
	if err != nil {
		b.Fatal(err)
	}
	mapper := testrestmapper.TestOnlyStaticRESTMapper(scheme)
	namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}
	const n = 1000
	b.Run("hubtest", func(b *testing.B) {
		conformance.BenchmarkWatch(b, n, func(b *testing.B) (client.WithWatch, string) {
			b.Helper()
			return hubtest.NewFake(b, hubtest.WithObjects(namespace.DeepCopy())).Client(), "bench"
		})
	})
	b.Run("controller-runtime-fake", func(b *testing.B) {
		conformance.BenchmarkWatch(b, n, func(*testing.B) (client.WithWatch, string) {
			return fake.NewClientBuilder().WithScheme(scheme).WithRESTMapper(mapper).WithObjects(namespace.DeepCopy()).Build(), "bench"
		})
	})
}
