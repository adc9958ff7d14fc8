package conformance

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Round is the workload the README's performance figures are stated for:
// it creates n ConfigMaps in namespace ns, gets and updates each, and lists
// them once; 3n+1 requests. It fails b when a request fails or the list
// misses an object.
func Round(ctx context.Context, b testing.TB, c client.Client, ns string, n int) {
	b.Helper()
	for i := range n {
		cm := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cm-" + strconv.Itoa(i), Labels: map[string]string{"round": "yes"}},
			Data:       map[string]string{"index": strconv.Itoa(i)},
		}
		if err := c.Create(ctx, cm); err != nil {
			b.Fatal(err)
		}
	}
	for i := range n {
		cm := &corev1.ConfigMap{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cm-" + strconv.Itoa(i)}, cm); err != nil {
			b.Fatal(err)
		}
		cm.Data["updated"] = "yes"
		if err := c.Update(ctx, cm); err != nil {
			b.Fatal(err)
		}
	}
	var list corev1.ConfigMapList
	if err := c.List(ctx, &list, client.InNamespace(ns), client.MatchingLabels{"round": "yes"}); err != nil {
		b.Fatal(err)
	}
	if len(list.Items) != n {
		b.Fatalf("listed %d objects, want %d", len(list.Items), n)
	}
}

// RoundSizes are the numbers of objects the round benchmarks run at.
var RoundSizes = []int{100, 1000, 10000}

// BenchmarkRound runs Round of n objects once per iteration, each on the
// client (and namespace) setup returns, outside the timer, and reports
// time, bytes and allocations per request ("ns/req", "B/req",
// "allocs/req"): figures that compare across sizes and clusters.
func BenchmarkRound(b *testing.B, n int, setup func(b *testing.B) (client.Client, string)) {
	ctx := b.Context()
	var elapsed time.Duration
	var requests, bytes, mallocs uint64
	for b.Loop() {
		b.StopTimer()
		c, ns := setup(b)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		start := time.Now()
		Round(ctx, b, c, ns, n)
		elapsed += time.Since(start)
		b.StopTimer()
		runtime.ReadMemStats(&after)
		b.StartTimer()
		requests += uint64(3*n + 1)
		bytes += after.TotalAlloc - before.TotalAlloc
		mallocs += after.Mallocs - before.Mallocs
	}
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(requests), "ns/req")
	b.ReportMetric(float64(bytes)/float64(requests), "B/req")
	b.ReportMetric(float64(mallocs)/float64(requests), "allocs/req")
}

// BenchmarkWatch opens a watch on the ConfigMaps of a namespace and, while a
// reader drains it, creates n ConfigMaps there, until the reader has seen
// each; once per iteration on the client setup returns. It reports the
// events delivered per second ("events/s").
func BenchmarkWatch(b *testing.B, n int, setup func(b *testing.B) (client.WithWatch, string)) {
	ctx := b.Context()
	var elapsed time.Duration
	var events int
	for b.Loop() {
		b.StopTimer()
		c, ns := setup(b)
		w, err := c.Watch(ctx, &corev1.ConfigMapList{}, client.InNamespace(ns), client.MatchingLabels{"watched": "yes"})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		seen := make(chan int, 1)
		go func() {
			count := 0
			timeout := time.NewTimer(time.Minute)
			defer timeout.Stop()
			for count < n {
				select {
				case ev, ok := <-w.ResultChan():
					if !ok {
						seen <- count
						return
					}
					if ev.Type == "ADDED" {
						count++
					}
				case <-timeout.C:
					seen <- count
					return
				}
			}
			seen <- count
		}()
		for i := range n {
			cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "w-" + strconv.Itoa(i), Labels: map[string]string{"watched": "yes"}}}
			if err := c.Create(ctx, cm); err != nil {
				b.Fatal(err)
			}
		}
		if count := <-seen; count != n {
			b.Fatalf("the watch reported %d of %d creations", count, n)
		}
		elapsed += time.Since(start)
		events += n
		b.StopTimer()
		w.Stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
}
