//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/tenancy"
)

// benchTenants is how many tenants BenchmarkTenants makes.
const benchTenants = 100

// writeLog counts the write requests (anything but GET) a client sends,
// by method and path.
type writeLog struct {
	mu     sync.Mutex
	writes map[string]int
}

func (l *writeLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method != http.MethodGet {
			key := r.Method + " " + r.URL.Path
			if r.Method == http.MethodPost {
				key += "/" + createdName(r)
			}
			l.mu.Lock()
			l.writes[key]++
			l.mu.Unlock()
		}
		return rt.RoundTrip(r)
	})
}

// take returns the writes since the last take, without the events'.
func (l *writeLog) take() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for k, n := range l.writes {
		if !strings.Contains(k, "/events") {
			out[k] = n
		}
	}
	l.writes = map[string]int{}
	return out
}

// createdName reads the name of the object a create request sends, and
// puts the body back for the transport.
func createdName(r *http.Request) string {
	if r.Body == nil {
		return ""
	}
	data, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	if strings.Contains(r.Header.Get("Content-Type"), "protobuf") {
		obj, _, err := protobuf.NewSerializer(clientgoscheme.Scheme, clientgoscheme.Scheme).Decode(data, nil, nil)
		if err != nil {
			return ""
		}
		if m, err := meta.Accessor(obj); err == nil {
			return m.GetName()
		}
		return ""
	}
	var obj struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return ""
	}
	return obj.Metadata.Name
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// BenchmarkTenants measures, on the real cluster, how long the tenant
// reconciler takes to converge 100 tenants (every child present: the
// namespace, quota, RoleBinding, ClusterRole and binding, two
// NetworkPolicies and the personal claim) against a bare client loop that
// creates the same objects, and counts the reconciler's writes: at most
// one per child on the way, none on a resync of the converged 100.
//
//	go test -tags e2e -run '^$' -bench BenchmarkTenants -benchtime 1x ./e2e/
func BenchmarkTenants(b *testing.B) {
	kc, err := testenv.EnvConf().NewClient()
	if err != nil {
		b.Fatal(err)
	}
	scheme, err := hub.NewScheme(tenancy.AddToScheme)
	if err != nil {
		b.Fatal(err)
	}
	unlimited := func(wrap func(http.RoundTripper) http.RoundTripper) *rest.Config {
		rc := rest.CopyConfig(kc.RESTConfig())
		rc.QPS, rc.Burst = -1, 0
		rc.WrapTransport = wrap
		return rc
	}
	bare, err := client.New(unlimited(nil), client.Options{Scheme: scheme})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		run := fmt.Sprintf("b%d%s", i, runSuffix())
		writes := &writeLog{writes: map[string]int{}}
		ctx, stop := context.WithCancel(b.Context())
		shared := "bench-drives-" + run
		p, c := startTenancy(ctx, b, unlimited(writes.wrap), shared)
		names := make([]string, benchTenants)
		for j := range names {
			names[j] = fmt.Sprintf("t%s-%03d", run, j)
		}

		start := time.Now()
		for _, name := range names {
			if err := bare.Create(ctx, tenancy.NewTenant(name, "Bench", "Tenant", name+"@hubkit.example").Build()); err != nil {
				b.Fatal(err)
			}
		}
		waitTenantsReady(ctx, b, c, names)
		operator := time.Since(start)
		first := writes.take()

		// The same objects, created by a bare client loop.
		objs := tenantObjects(ctx, b, bare, names, shared)
		start = time.Now()
		for _, obj := range objs {
			if err := bare.Create(ctx, obj); err != nil {
				b.Fatal(err)
			}
		}
		loop := time.Since(start)

		// A resync over the converged tenants.
		for _, name := range names {
			if _, err := p.ReconcileTenant(ctx, name); err != nil {
				b.Fatal(err)
			}
		}
		resync := writes.take()
		stop()

		b.ReportMetric(float64(operator.Milliseconds()), "reconciler-ms")
		b.ReportMetric(float64(loop.Milliseconds()), "bare-loop-ms")
		b.ReportMetric(operator.Seconds()/loop.Seconds(), "reconciler/bare")
		most, childWrites := 0, 0
		prefix := "t" + run + "-"
		for path, n := range first {
			if isChildPath(path) && strings.Contains(path, prefix) {
				childWrites += n
				most = max(most, n)
			}
		}
		b.ReportMetric(float64(childWrites)/float64(len(objs)), "writes/child")
		b.ReportMetric(float64(total(resync)), "resync-writes")
		if most > 1 {
			b.Errorf("a child was written %d times on the way to convergence, want at most once: %v", most, over(first, 1, isChildPath))
		}
		if n := total(resync); n != 0 {
			b.Errorf("a resync of %d converged tenants made %d writes, want none: %v", benchTenants, n, resync)
		}
		cleanupTenants(context.WithoutCancel(b.Context()), bare, names, objs, shared)
	}
}

// runSuffix is a short suffix that differs from run to run.
func runSuffix() string { return strconv.FormatInt(time.Now().UnixNano()%(1<<30), 36) }

// startTenancy runs a tenancy Provisioner on its own manager over rc, its
// personal volumes in the namespace shared, until ctx ends.
func startTenancy(ctx context.Context, b *testing.B, rc *rest.Config, shared string) (*tenancy.Provisioner, *hub.Client) {
	b.Helper()
	scheme, err := hub.NewScheme(tenancy.AddToScheme)
	if err != nil {
		b.Fatal(err)
	}
	mgr, err := ctrl.NewManager(rc, ctrl.Options{
		Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0",
		Logger:     logr.Discard(), // the benchmark's lines stay readable
		Controller: config.Controller{SkipNameValidation: new(true)},
	})
	if err != nil {
		b.Fatal(err)
	}
	c, err := hub.Wrap(mgr.GetClient(), hub.WithScheme(scheme), hub.WithFieldOwner("tenant-operator"))
	if err != nil {
		b.Fatal(err)
	}
	storage := tenancy.DefaultPersonalStorage
	storage.Namespace = shared
	p, err := tenancy.NewProvisioner(c, tenancy.WithStorage(storage), tenancy.WithManagedOptions(reconcile.WithEventRecorder(nil)))
	if err != nil {
		b.Fatal(err)
	}
	if err := p.SetupWithManager(mgr); err != nil {
		b.Fatal(err)
	}
	go func() { _ = mgr.Start(ctx) }()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		b.Fatal("the manager's cache did not sync")
	}
	return p, c
}

// waitTenantsReady waits until every tenant of names is ready.
func waitTenantsReady(ctx context.Context, b *testing.B, c *hub.Client, names []string) {
	b.Helper()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 5*time.Minute, true, func(ctx context.Context) (bool, error) {
		page, err := hub.For[*tenancy.Tenant](c).List(ctx)
		if err != nil {
			return false, nil //nolint:nilerr // the cache may not have started yet
		}
		ready := 0
		for _, t := range page.Items {
			if want[t.Name] && t.Status.Ready {
				ready++
			}
		}
		return ready == len(names), nil
	})
	if err != nil {
		b.Fatalf("waiting for %d tenants to be ready: %v", len(names), err)
	}
}

// tenantObjects reads what the reconciler made for each tenant of names
// and returns the same objects for another tenant of each (prefixed "x"),
// as a bare client would create them: without owner, server fields or
// Hubkit's digest.
func tenantObjects(ctx context.Context, b *testing.B, c client.Client, names []string, shared string) []client.Object {
	b.Helper()
	var out []client.Object
	for _, name := range names {
		objs := tenancy.TenantObjects(name, shared)
		for _, obj := range objs[:len(objs)-1] { // no storage info: the claims stay Pending here
			if err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
				b.Fatalf("%T %s/%s: %v", obj, obj.GetNamespace(), obj.GetName(), err)
			}
			obj.SetName(strings.Replace(obj.GetName(), name, "x"+name, 1))
			if obj.GetNamespace() != shared {
				obj.SetNamespace(strings.Replace(obj.GetNamespace(), name, "x"+name, 1))
			}
			obj.SetResourceVersion("")
			obj.SetUID("")
			obj.SetOwnerReferences(nil)
			obj.SetManagedFields(nil)
			obj.SetCreationTimestamp(metav1.Time{})
			annotations := obj.GetAnnotations()
			delete(annotations, reconcile.AppliedHashAnnotation)
			obj.SetAnnotations(annotations)
			switch o := obj.(type) {
			case *corev1.Namespace:
				o.Status = corev1.NamespaceStatus{}
				o.Spec = corev1.NamespaceSpec{}
			case *corev1.PersistentVolumeClaim:
				o.Status = corev1.PersistentVolumeClaimStatus{}
			case *corev1.ResourceQuota:
				o.Status = corev1.ResourceQuotaStatus{}
			}
			out = append(out, obj)
		}
	}
	return out
}

// isChildPath tells whether a write went to a tenant's child (not to a
// Tenant itself, whose metadata and status the reconciler writes).
func isChildPath(path string) bool {
	return !strings.Contains(path, "/tenants")
}

// over returns the entries of writes above n whose path passes keep.
func over(writes map[string]int, n int, keep func(string) bool) map[string]int {
	out := map[string]int{}
	for k, v := range writes {
		if v > n && keep(k) {
			out[k] = v
		}
	}
	return out
}

func total(writes map[string]int) int {
	n := 0
	for _, v := range writes {
		n += v
	}
	return n
}

// cleanupTenants deletes what a run made.
func cleanupTenants(ctx context.Context, c client.Client, names []string, objs []client.Object, shared string) {
	for _, name := range names {
		_ = c.Delete(ctx, &tenancy.Tenant{ObjectMeta: metav1.ObjectMeta{Name: name}})
	}
	for _, obj := range objs {
		_ = c.Delete(ctx, obj)
	}
	_ = c.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: shared}})
}
