package reconcile_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// BenchmarkEnsureConvergedResync measures a resync over 50 converged
// children: one read and one comparison per child, no write.
func BenchmarkEnsureConvergedResync(b *testing.B) {
	ctx := context.Background()
	wc := newWriteCountingCluster(b, owner())
	desired := make([]client.Object, 0, 50)
	for i := range 50 {
		desired = append(desired, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("child-%02d", i), Labels: map[string]string{"app": "bench"}},
			Data:       map[string]string{"index": strconv.Itoa(i), "payload": "some settings a child carries"},
		})
	}
	if _, err := reconcile.Ensure(ctx, wc.client, owner(), desired...); err != nil {
		b.Fatal(err)
	}
	wc.takeWrites()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := reconcile.Ensure(ctx, wc.client, owner(), desired...); err != nil {
			b.Fatal(err)
		}
	}
	if n := wc.takeWrites(); n != 0 {
		b.Fatalf("converged resyncs made %d writes", n)
	}
}
