package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/hubkit-dev/hubkit/hub"
)

// impersonationServer answers configmap lists in namespace team-a the way an
// API server with RBAC would: alice (or members of group data) may list,
// everybody else is forbidden. It records the identities it was asked for.
type impersonationServer struct {
	*httptest.Server

	mu   sync.Mutex
	seen []string
}

func newImpersonationServer(t *testing.T) *impersonationServer {
	t.Helper()
	s := &impersonationServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, groups := r.Header.Get("Impersonate-User"), r.Header.Values("Impersonate-Group")
		s.mu.Lock()
		s.seen = append(s.seen, user)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/api/v1/namespaces/team-a/configmaps" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		allowed := user == "alice"
		for _, g := range groups {
			allowed = allowed || g == "data"
		}
		if !allowed {
			w.WriteHeader(http.StatusForbidden)
			_ = json.NewEncoder(w).Encode(metav1.Status{
				TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
				Status:   metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden,
				Message: `configmaps is forbidden: User "` + user + `" cannot list resource "configmaps"`,
			})
			return
		}
		_ = json.NewEncoder(w).Encode(corev1.ConfigMapList{
			TypeMeta: metav1.TypeMeta{Kind: "ConfigMapList", APIVersion: "v1"},
			Items:    []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: "team-a"}}},
		})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *impersonationServer) identities() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func TestAsImpersonates(t *testing.T) {
	srv := newImpersonationServer(t)
	scheme := testScheme(t)
	admin, err := hub.New(&rest.Config{Host: srv.URL}, hub.WithScheme(scheme), hub.WithNamespace("team-a"),
		hub.WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	type want struct {
		names     []string
		forbidden bool
	}
	cases := map[string]struct {
		reason string
		user   string
		groups []string
		want   want
	}{
		"AllowedUser": {
			reason: "The user the server allows sees the list.",
			user:   "alice",
			want:   want{names: []string{"settings"}},
		},
		"ForbiddenUser": {
			reason: "A user without RBAC gets Forbidden, not the caller's own view.",
			user:   "mallory",
			want:   want{forbidden: true},
		},
		"AllowedGroup": {
			reason: "Groups are sent with the user, so group RBAC applies.",
			user:   "bob",
			groups: []string{"data"},
			want:   want{names: []string{"settings"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			as, err := admin.As(tc.user, tc.groups...)
			if err != nil {
				t.Fatalf("As: %v", err)
			}
			if as.User() != tc.user || as.Namespace() != "team-a" {
				t.Errorf("\nReason: %s\nAs(%q) = user %q namespace %q, want the user and the parent's namespace", tc.reason, tc.user, as.User(), as.Namespace())
			}
			page, err := hub.For[*corev1.ConfigMap](as).List(context.Background())
			got := want{forbidden: hub.IsForbidden(err)}
			if err != nil && !got.forbidden {
				t.Fatalf("List: %v", err)
			}
			for _, cm := range page.Items {
				got.names = append(got.names, cm.Name)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	if _, err := hub.For[*corev1.ConfigMap](admin).List(context.Background()); !hub.IsForbidden(err) {
		t.Errorf("the admin client itself must not impersonate anybody: got %v", err)
	}
	sortStrings := cmpopts.SortSlices(func(a, b string) bool { return a < b })
	if diff := cmp.Diff([]string{"alice", "mallory", "bob", ""}, srv.identities(), sortStrings); diff != "" {
		t.Errorf("identities the server saw: -want, +got:\n%s", diff)
	}
}

func TestAsRefusesWhatItCannotDo(t *testing.T) {
	scheme := testScheme(t)
	wrapped, err := hub.Wrap(fake.NewClientBuilder().WithScheme(scheme).Build())
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	withConfig, err := hub.New(&rest.Config{Host: "https://127.0.0.1:1"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	cases := map[string]struct {
		reason string
		c      *hub.Client
		user   string
		want   error
	}{
		"WrappedWithoutConfig": {
			reason: "A wrapped client cannot impersonate and must say so, not act as itself.",
			c:      wrapped, user: "alice", want: hub.ErrNoRESTConfig,
		},
		"EmptyUser": {
			reason: "An empty user name would silently mean no impersonation.",
			c:      withConfig, user: "",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := tc.c.As(tc.user)
			if err == nil || got != nil {
				t.Fatalf("\nReason: %s\nAs(%q) = %v, %v; want an error and no client", tc.reason, tc.user, got, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("\nReason: %s\nAs(%q) error %v is not %v", tc.reason, tc.user, err, tc.want)
			}
		})
	}
}

func TestWrapWithRESTConfigCanImpersonate(t *testing.T) {
	srv := newImpersonationServer(t)
	scheme := testScheme(t)
	wrapped, err := hub.Wrap(fake.NewClientBuilder().WithScheme(scheme).Build(),
		hub.WithRESTConfig(&rest.Config{Host: srv.URL}), hub.WithNamespace("team-a"),
		hub.WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme)))
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	alice, err := wrapped.As("alice")
	if err != nil {
		t.Fatalf("As: %v", err)
	}
	page, err := hub.For[*corev1.ConfigMap](alice).List(context.Background())
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("List as alice = %d items, %v; want the server's one item", len(page.Items), err)
	}
	if got := srv.identities(); !cmp.Equal(got, []string{"alice"}) {
		t.Errorf("the server saw %q, want [alice]", got)
	}
}

func TestConstructorsRefuseNil(t *testing.T) {
	if c, err := hub.New(nil); err == nil || c != nil {
		t.Errorf("New(nil) = %v, %v; want an error", c, err)
	}
	if c, err := hub.Wrap(nil); err == nil || c != nil {
		t.Errorf("Wrap(nil) = %v, %v; want an error", c, err)
	}
}

func TestClientSettings(t *testing.T) {
	scheme := testScheme(t)
	sel := hub.MustParseSelector("app=db|team=data")
	svc := schema.GroupKind{Kind: "Service"}
	cfg := &rest.Config{Host: "https://127.0.0.1:1", Impersonate: rest.ImpersonationConfig{UserName: "carol"}}
	c, err := hub.New(cfg, hub.WithScheme(scheme), hub.WithNamespace("ns"), hub.WithFieldOwner("me"),
		hub.WithSelector(svc, sel), hub.WithHTTPClient(http.DefaultClient))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	cfg.Host = "changed-after-New"
	type settings struct {
		Namespace, FieldOwner, User, Host, Selector string
		HasSelector, HasDeploySelector, SameScheme  bool
	}
	gotSel, ok := c.Selector(svc)
	_, okDeploy := c.Selector(schema.GroupKind{Group: "apps", Kind: "Deployment"})
	got := settings{c.Namespace(), c.FieldOwner(), c.User(), c.RESTConfig().Host, gotSel.String(), ok, okDeploy, c.Scheme() == scheme}
	want := settings{"ns", "me", "carol", "https://127.0.0.1:1", "app=db|team=data", true, false, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings: -want, +got:\n%s", diff)
	}

	d, err := hub.New(&rest.Config{Host: "https://127.0.0.1:1"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defaults := settings{d.Namespace(), d.FieldOwner(), d.User(), "", "", false, false, false}
	if diff := cmp.Diff(settings{Namespace: hub.DefaultNamespace, FieldOwner: hub.DefaultFieldOwner}, defaults); diff != "" {
		t.Errorf("defaults: -want, +got:\n%s", diff)
	}
	w, _ := hub.Wrap(fake.NewClientBuilder().WithScheme(scheme).Build())
	if w.RESTConfig() != nil || w.Scheme() != scheme || w.Kube() == nil {
		t.Errorf("a wrapped client must have no rest config, the wrapped client's scheme, and expose the wrapped client")
	}
}

func TestNewScheme(t *testing.T) {
	called := false
	addWidget := func(s *runtime.Scheme) error {
		called = true
		s.AddKnownTypeWithName(schema.GroupVersionKind{Group: "example.dev", Version: "v1", Kind: "Widget"}, &corev1.ConfigMap{})
		return nil
	}
	scheme, err := hub.NewScheme(addWidget)
	if err != nil || !called {
		t.Fatalf("NewScheme = %v (called %v)", err, called)
	}
	for _, gvk := range []schema.GroupVersionKind{
		{Version: "v1", Kind: "Secret"},
		{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"},
		{Group: "example.dev", Version: "v1", Kind: "Widget"},
	} {
		if !scheme.Recognizes(gvk) {
			t.Errorf("the scheme does not know %s", gvk)
		}
	}
	boom := errors.New("boom")
	if _, err := hub.NewScheme(func(*runtime.Scheme) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("NewScheme with a failing AddToScheme = %v, want it wrapped", err)
	}
	if _, err := hub.NewScheme(nil); err == nil {
		t.Errorf("NewScheme(nil) succeeded, want an error naming the nil argument")
	}
}
