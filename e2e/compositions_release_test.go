//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v3/pkg/release"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/compositions/compositionstest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// TestCompositionReleases runs compositions as Helm releases on the real
// cluster, with charts from a real OCI registry and releases in Helm's own
// Secrets: install (the Deployment becomes Available), one upgrade per
// spec change, none on a resync, nothing while paused, a move up a chart
// version and back (an upgrade, then a rollback), a move the new schema
// refuses, a kind the release's RBAC does not name refused by the API
// server until the chart renders it, and uninstall on delete.
func TestCompositionReleases(t *testing.T) {
	s := &releaseScene{}
	f := inOwnNamespace("compositions as Helm releases on the real cluster").
		Setup(s.setup).
		Assess("install: the chart's Deployment becomes Available", s.install).
		Assess("one upgrade per spec change, none on a resync, none while paused", s.upgrades).
		Assess("the release's ServiceAccount is refused what its RBAC does not name", s.rbac).
		Assess("a move up and back: an upgrade, then a rollback; a refused move", s.moves).
		Assess("delete: uninstalled", s.uninstall).Feature()
	testenv.Test(t, f)
}

// releaseScene is the state of TestCompositionReleases.
type releaseScene struct {
	t        *testing.T
	c        *hub.Client
	ns       string
	gvk      schema.GroupVersionKind
	composer *compositions.Composer
	releases compositions.ReleaseStore
	name     string // the release's
}

// setup starts the registry and the operator for the whole feature, and
// defines the chart's two versions.
func (s *releaseScene) setup(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
	ns := namespaceOf(ctx)
	reg := compositionstest.StartRegistry(t)
	chartName := "shop" + ns[len(ns)-6:]
	for _, v := range []string{"1.0.0", "2.0.0"} {
		archive := compositionstest.BuildChart(t, chartName, v, compositionstest.WebappSchema(v), compositionstest.WebappTemplates(v))
		compositionstest.PushChart(t, reg, "charts/"+chartName, archive, "", "")
	}
	scheme, err := hub.NewScheme(compositions.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	plainHTTP := compositions.WithFetcher(compositions.ChartFetcherFunc(func(ctx context.Context, src compositions.ChartSource) (*compositions.Chart, error) {
		src.PlainHTTP = true // the test's registry listens on loopback, without TLS
		return compositions.FetchChart(ctx, src)
	}))
	s.t, s.ns, s.gvk = t, ns, compositions.GroupVersionKindOf(compositions.DefaultGroup, chartName, "1.0.0")
	s.c = runManager(ctx, t, cfg, scheme, "composition-operator", func(c *hub.Client, mgr manager.Manager) error {
		p, err := compositions.NewProvisioner(c, plainHTTP)
		if err != nil {
			return err
		}
		if err := p.SetupWithManager(mgr); err != nil {
			return err
		}
		s.composer, err = compositions.NewComposer(c, plainHTTP)
		if err != nil {
			return err
		}
		return s.composer.SetupWithManager(mgr)
	})
	if s.releases, err = compositions.SecretReleases(s.c.RESTConfig()); err != nil {
		t.Fatal(err)
	}
	crds := hub.For[*apiextensionsv1.CustomResourceDefinition](s.c)
	t.Cleanup(func() { _ = crds.Delete(context.WithoutCancel(ctx), compositions.CRDName(s.gvk)) })
	defs := hub.For[*compositions.CompositionDefinition](s.c)
	for _, v := range []string{"1.0.0", "2.0.0"} {
		name := "shop-" + v[:1]
		if err := defs.Create(ctx, &compositions.CompositionDefinition{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: compositions.CompositionDefinitionSpec{Chart: compositions.ChartSpec{URL: reg.URL("charts/" + chartName), Version: v}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := waitFor(ctx, 2*time.Minute, name, func(ctx context.Context, name string) (*compositions.CompositionDefinition, error) {
			return hub.WaitReady(ctx, defs, name)
		}); err != nil {
			t.Fatalf("definition %s: %v", name, err)
		}
	}

	return ctx
}

// install: a release of chart 1.0.0, its Deployment Available.
func (s *releaseScene) install(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
	s.t = t
	ns := s.ns
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"message": "hi"}}}
	u.SetGroupVersionKind(s.gvk)
	u.SetNamespace(ns)
	u.SetName("shop")
	if err := s.c.Kube().Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "the composition is Ready", 2*time.Minute, func(ctx context.Context) (bool, error) {
		status, _, _ := s.condition(ctx, "Ready")
		return status == "True", nil
	})
	s.name = s.get(ctx).GetLabels()[compositions.LabelReleaseName]
	s.expectHistory(ctx, "1.0.0 deployed")
	eventually(ctx, t, "the chart's Deployment is Available", 2*time.Minute, func(ctx context.Context) (bool, error) {
		d, err := hub.For[*appsv1.Deployment](s.c).Get(ctx, s.name)
		if err != nil {
			return false, client.IgnoreNotFound(err)
		}
		return d.Status.AvailableReplicas == 1, nil
	})
	if got, _, _ := unstructured.NestedString(s.get(ctx).Object, "status", "digest"); !strings.HasPrefix(got, "sha256:") {
		t.Errorf("status.digest %q, want the rendered manifest's", got)
	}
	return ctx
}

func (s *releaseScene) upgrades(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
	s.t = t
	ns := s.ns

	// A spec change: one upgrade; a resync: none.
	s.edit(ctx, func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, "bonjour", "spec", "message")
	})
	s.waitHistory(ctx, "1.0.0 superseded", "1.0.0 deployed")
	s.expectMessage(ctx, "bonjour")
	releaser, ok := s.composer.Releaser(s.gvk)
	if !ok {
		t.Fatalf("no Releaser of %s", s.gvk)
	}
	if _, err := releaser.Reconcile(ctx, client.ObjectKey{Namespace: ns, Name: "shop"}); err != nil {
		t.Fatal(err)
	}
	s.expectHistory(ctx, "1.0.0 superseded", "1.0.0 deployed")

	// Paused: nothing changes, and the status says so.
	s.edit(ctx, func(u *unstructured.Unstructured) {
		setMeta(u.SetAnnotations, u.GetAnnotations(), compositions.AnnotationPaused, "true")
	})
	s.edit(ctx, func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, "paused", "spec", "message")
	})
	eventually(ctx, t, "the status says the composition is paused", time.Minute, func(ctx context.Context) (bool, error) {
		status, reason, _ := s.condition(ctx, compositions.ConditionSynced)
		return status == "False" && reason == compositions.ReasonPaused, nil
	})
	if _, err := releaser.Reconcile(ctx, client.ObjectKey{Namespace: ns, Name: "shop"}); err != nil {
		t.Fatal(err)
	}
	s.expectHistory(ctx, "1.0.0 superseded", "1.0.0 deployed")
	s.expectMessage(ctx, "bonjour")
	s.edit(ctx, func(u *unstructured.Unstructured) {
		setMeta(u.SetAnnotations, u.GetAnnotations(), compositions.AnnotationPaused, "")
	})
	s.waitHistory(ctx, "1.0.0 superseded", "1.0.0 superseded", "1.0.0 deployed")
	s.expectMessage(ctx, "paused")

	return ctx
}

// rbac: a kind the release's RBAC does not name is refused by the API
// server, as the release's ServiceAccount, until the chart renders it.
func (s *releaseScene) rbac(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
	s.t = t
	ns := s.ns
	sa, err := s.c.As(compositions.ServiceAccountUser(ns, compositions.ServiceAccountName(s.name)), "system:serviceaccounts", "system:serviceaccounts:"+ns)
	if err != nil {
		t.Fatal(err)
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: s.name + "-extra", Namespace: ns}, StringData: map[string]string{"note": "by hand"}}
	if err := sa.Kube().Create(ctx, secret); !hub.IsForbidden(err) {
		t.Errorf("the release's ServiceAccount creating a Secret: %v, want Forbidden: its RBAC names no Secret", err)
	}
	if err := sa.Kube().Get(ctx, client.ObjectKey{Namespace: ns, Name: s.name + "-message"}, &corev1.ConfigMap{}); err != nil {
		t.Errorf("the release's ServiceAccount reading its ConfigMap: %v, want allowed", err)
	}
	if err := sa.Kube().Get(ctx, client.ObjectKey{Namespace: ns, Name: "kube-root-ca.crt"}, &corev1.Secret{}); !hub.IsForbidden(err) {
		t.Errorf("the release's ServiceAccount reading a Secret: %v, want Forbidden", err)
	}
	s.expectNoWildcard(ctx)
	s.edit(ctx, func(u *unstructured.Unstructured) { _ = unstructured.SetNestedField(u.Object, true, "spec", "extra") })
	s.waitHistory(ctx, "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "1.0.0 deployed")
	if err := s.c.Kube().Get(ctx, client.ObjectKeyFromObject(secret), &corev1.Secret{}); err != nil {
		t.Errorf("the chart's Secret once rendered: %v", err)
	}
	if err := sa.Kube().Get(ctx, client.ObjectKeyFromObject(secret), &corev1.Secret{}); err != nil {
		t.Errorf("the release's ServiceAccount reading the Secret its chart renders: %v, want allowed now", err)
	}
	s.expectNoWildcard(ctx)

	return ctx
}

// moves: a move up a chart version upgrades; a move back rolls back; a
// move the new schema refuses runs nothing and names the fields.
func (s *releaseScene) moves(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
	s.t = t
	s.edit(ctx, func(u *unstructured.Unstructured) {
		setMeta(u.SetLabels, u.GetLabels(), compositions.LabelVersion, "v2-0-0")
	})
	s.waitHistory(ctx, "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "2.0.0 deployed")
	if d, err := hub.For[*appsv1.Deployment](s.c).Get(ctx, s.name); err != nil || d.Labels["tier"] != "small" {
		t.Errorf("the Deployment after the move: labels %v (%v), want version 2's tier", d.GetLabels(), err)
	}
	s.edit(ctx, func(u *unstructured.Unstructured) {
		setMeta(u.SetLabels, u.GetLabels(), compositions.LabelVersion, "v1-0-0")
	})
	s.waitHistory(ctx, "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "2.0.0 superseded", "1.0.0 deployed")
	if last := s.history(ctx); last[len(last)-1].Info.Description != "Rollback to 4" {
		t.Errorf("the last revision: %q, want a rollback to revision 4", last[len(last)-1].Info.Description)
	}

	// A move the new schema refuses: nothing runs, the status names the fields.
	s.edit(ctx, func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, "kept", "spec", "legacy")
		_ = unstructured.SetNestedField(u.Object, int64(8), "spec", "replicas")
	})
	s.waitHistory(ctx, "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "2.0.0 superseded", "1.0.0 superseded", "1.0.0 deployed")
	s.edit(ctx, func(u *unstructured.Unstructured) {
		setMeta(u.SetLabels, u.GetLabels(), compositions.LabelVersion, "v2-0-0")
	})
	var synced string
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the last Synced condition seen: %s", synced)
		}
	})
	eventually(ctx, t, "the refused move names the offending fields", time.Minute, func(ctx context.Context) (bool, error) {
		status, reason, message := s.condition(ctx, compositions.ConditionSynced)
		if status != "" {
			synced = status + " " + reason + ": " + message
		}
		return status == "False" && strings.Contains(message, "spec.legacy") && strings.Contains(message, "spec.replicas"), nil
	})
	s.expectHistory(ctx, "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "1.0.0 superseded", "2.0.0 superseded", "1.0.0 superseded", "1.0.0 deployed")

	return ctx
}

// uninstall: the release is uninstalled, its objects and RBAC go.
func (s *releaseScene) uninstall(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
	s.t = t
	ns := s.ns
	u := s.get(ctx)
	if err := s.c.Kube().Delete(ctx, u); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "the composition is gone once uninstalled", 2*time.Minute, func(ctx context.Context) (bool, error) {
		err := s.c.Kube().Get(ctx, client.ObjectKey{Namespace: ns, Name: "shop"}, u.DeepCopy())
		return hub.IsNotFound(err), client.IgnoreNotFound(err)
	})
	if got := s.history(ctx); len(got) != 0 {
		t.Errorf("the release after the delete: %d revisions, want none", len(got))
	}
	for _, obj := range []client.Object{&appsv1.Deployment{}, &corev1.ConfigMap{}, &rbacv1.Role{}} {
		name := s.name
		switch obj.(type) {
		case *corev1.ConfigMap:
			name += "-message"
		case *rbacv1.Role:
			name = compositions.ServiceAccountName(s.name)
		}
		if err := s.c.Kube().Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj); !hub.IsNotFound(err) {
			t.Errorf("%T %s after the uninstall: %v, want NotFound", obj, name, err)
		}
	}
	if err := s.c.Kube().Get(ctx, client.ObjectKey{Name: "composition:" + ns + ":" + s.name}, &rbacv1.ClusterRole{}); !hub.IsNotFound(err) {
		t.Errorf("the release's ClusterRole after the uninstall: %v, want NotFound", err)
	}
	return ctx
}

func setMeta(set func(map[string]string), current map[string]string, key, value string) {
	if current == nil {
		current = map[string]string{}
	}
	if value == "" {
		delete(current, key)
	} else {
		current[key] = value
	}
	set(current)
}

func (s *releaseScene) get(ctx context.Context) *unstructured.Unstructured {
	s.t.Helper()
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(s.gvk)
	if err := s.c.Kube().Get(ctx, client.ObjectKey{Namespace: s.ns, Name: "shop"}, u); err != nil {
		s.t.Fatal(err)
	}
	return u
}

// edit changes the composition, again after a conflict with the operator.
func (s *releaseScene) edit(ctx context.Context, change func(*unstructured.Unstructured)) {
	s.t.Helper()
	eventually(ctx, s.t, "editing the composition", time.Minute, func(ctx context.Context) (bool, error) {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(s.gvk)
		if err := s.c.Kube().Get(ctx, client.ObjectKey{Namespace: s.ns, Name: "shop"}, u); err != nil {
			return false, err
		}
		change(u)
		err := s.c.Kube().Update(ctx, u)
		return err == nil, ignoreConflict(err)
	})
}

func ignoreConflict(err error) error {
	if hub.IsConflict(err) {
		return nil
	}
	return err
}

// condition is the status, reason and message of the composition's
// condition condType; empty while the composition cannot be read.
func (s *releaseScene) condition(ctx context.Context, condType string) (string, string, string) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(s.gvk)
	if err := s.c.Kube().Get(ctx, client.ObjectKey{Namespace: s.ns, Name: "shop"}, u); err != nil {
		return "", "", err.Error()
	}
	c := meta.FindStatusCondition(reconcile.ConditionsOf(u).GetConditions(), condType)
	if c == nil {
		return "", "", ""
	}
	return string(c.Status), c.Reason, c.Message
}

func (s *releaseScene) history(_ context.Context) []*release.Release {
	s.t.Helper()
	store, err := s.releases.Releases(s.ns)
	if err != nil {
		s.t.Fatal(err)
	}
	history, err := store.History(s.name)
	if err != nil {
		return nil
	}
	slices.SortFunc(history, func(a, b *release.Release) int { return a.Version - b.Version })
	return history
}

func describeHistory(history []*release.Release) []string {
	out := make([]string, 0, len(history))
	for _, r := range history {
		out = append(out, r.Chart.Metadata.Version+" "+string(r.Info.Status))
	}
	return out
}

func (s *releaseScene) expectHistory(ctx context.Context, want ...string) {
	s.t.Helper()
	if diff := cmp.Diff(want, describeHistory(s.history(ctx))); diff != "" {
		s.t.Errorf("the release's history (Helm's Secrets): -want, +got:\n%s", diff)
	}
}

func (s *releaseScene) waitHistory(ctx context.Context, want ...string) {
	s.t.Helper()
	eventually(ctx, s.t, fmt.Sprintf("the release's history is %v", want), 2*time.Minute, func(ctx context.Context) (bool, error) {
		return cmp.Equal(want, describeHistory(s.history(ctx))), nil
	})
}

func (s *releaseScene) expectMessage(ctx context.Context, want string) {
	s.t.Helper()
	cm, err := hub.For[*corev1.ConfigMap](s.c).Get(ctx, s.name+"-message")
	if err != nil {
		s.t.Errorf("the chart's ConfigMap: %v", err)
		return
	}
	if got := cm.Data["message"]; got != want {
		s.t.Errorf("the chart's ConfigMap says %q, want %q", got, want)
	}
}

// expectNoWildcard checks the release's Role and ClusterRole name each
// group, resource and verb.
func (s *releaseScene) expectNoWildcard(ctx context.Context) {
	s.t.Helper()
	role, err := hub.For[*rbacv1.Role](s.c).Get(ctx, compositions.ServiceAccountName(s.name))
	if err != nil {
		s.t.Fatalf("the release's Role: %v", err)
	}
	cluster := &rbacv1.ClusterRole{}
	if err := s.c.Kube().Get(ctx, client.ObjectKey{Name: "composition:" + s.ns + ":" + s.name}, cluster); err != nil {
		s.t.Fatalf("the release's ClusterRole (its chart renders a PriorityClass): %v", err)
	}
	for _, r := range append(role.Rules, cluster.Rules...) {
		if slices.Contains(r.Verbs, "*") || slices.Contains(r.Resources, "*") || slices.Contains(r.APIGroups, "*") {
			s.t.Errorf("a rule with *: %v", r)
		}
	}
}
