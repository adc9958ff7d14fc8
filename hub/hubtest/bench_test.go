package hubtest_test

import (
	"context"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// roundSize is the number of objects one round creates, reads, lists and
// updates.
const roundSize = 1000

// round creates roundSize ConfigMaps, gets each, lists them and updates
// each: the workload the README's performance bar is stated for.
func round(b *testing.B, c client.Client) {
	b.Helper()
	ctx := context.Background()
	for i := range roundSize {
		cm := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Namespace: "bench", Name: "cm-" + strconv.Itoa(i), Labels: map[string]string{"round": "yes"}},
			Data:       map[string]string{"index": strconv.Itoa(i)},
		}
		if err := c.Create(ctx, cm); err != nil {
			b.Fatal(err)
		}
	}
	for i := range roundSize {
		cm := &corev1.ConfigMap{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: "bench", Name: "cm-" + strconv.Itoa(i)}, cm); err != nil {
			b.Fatal(err)
		}
		cm.Data["updated"] = "yes"
		if err := c.Update(ctx, cm); err != nil {
			b.Fatal(err)
		}
	}
	var list corev1.ConfigMapList
	if err := c.List(ctx, &list, client.InNamespace("bench"), client.MatchingLabels{"round": "yes"}); err != nil {
		b.Fatal(err)
	}
	if len(list.Items) != roundSize {
		b.Fatalf("listed %d objects, want %d", len(list.Items), roundSize)
	}
}

// BenchmarkRound compares a round of 1,000 objects on hubtest's fake with
// the same round on controller-runtime's bare fake client; compare the two
// with benchstat. Each iteration starts from an empty cluster.
func BenchmarkRound(b *testing.B) {
	b.Run("controller-runtime-fake", func(b *testing.B) {
		scheme, err := hub.NewScheme()
		if err != nil {
			b.Fatal(err)
		}
		mapper := testrestmapper.TestOnlyStaticRESTMapper(scheme)
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			c := fake.NewClientBuilder().WithScheme(scheme).WithRESTMapper(mapper).
				WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}).Build()
			b.StartTimer()
			round(b, c)
		}
	})
	b.Run("hubtest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			f := hubtest.NewFake(b, hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}))
			b.StartTimer()
			round(b, f.Client())
		}
	})
}
