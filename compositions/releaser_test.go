package compositions_test

import (
	"strings"
	"testing"

	"slices"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"helm.sh/helm/v3/pkg/release"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/compositions/compositionstest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

const webappRegistry = "oci://registry.hubkit.example/charts/webapp"

var (
	webappV1 = schema.GroupVersionKind{Group: compositions.DefaultGroup, Version: "v1-0-0", Kind: "Webapp"}
	webappV2 = schema.GroupVersionKind{Group: compositions.DefaultGroup, Version: "v2-0-0", Kind: "Webapp"}
)

type releaseScene struct {
	fake     *hubtest.Fake
	operator *compositionstest.Operator
}

// newReleaseScene is a fake cluster whose operator serves webapp 1.0.0
// and 2.0.0 from definitions in "platform", and a namespace "team-a".
func newReleaseScene(t *testing.T) *releaseScene {
	t.Helper()
	scheme, err := hub.NewScheme(compositions.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	charts := compositionstest.NewCharts()
	charts.Add(webappRegistry, "", compositionstest.NewChart(t, "webapp", "1.0.0", compositionstest.WebappSchema("1.0.0"), compositionstest.WebappTemplates("1.0.0")))
	charts.Add(webappRegistry, "", compositionstest.NewChart(t, "webapp", "2.0.0", compositionstest.WebappSchema("2.0.0"), compositionstest.WebappTemplates("2.0.0")))
	operator := compositionstest.NewOperator(charts)
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(compositions.CRDs()...),
		hubtest.WithSimulators(operator),
		hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "platform"}},
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	s := &releaseScene{fake: f, operator: operator}
	for _, v := range []string{"1.0.0", "2.0.0"} {
		d := &compositions.CompositionDefinition{
			ObjectMeta: metav1.ObjectMeta{Name: "webapp-" + v[:1], Namespace: "platform"},
			Spec:       compositions.CompositionDefinitionSpec{Chart: compositions.ChartSpec{URL: webappRegistry, Version: v}},
		}
		if err := f.Client().Create(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := operator.Composer().Releaser(webappV2); !ok {
		t.Fatalf("no Releaser of %s after its definition", webappV2)
	}
	return s
}

// shop is the Webapp team-a/shop at v1-0-0 with spec.
func shop(spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetGroupVersionKind(webappV1)
	u.SetNamespace("team-a")
	u.SetName("shop")
	return u
}

func (s *releaseScene) get(t *testing.T, gvk schema.GroupVersionKind) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	if err := s.fake.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: "shop"}, u); err != nil {
		t.Fatal(err)
	}
	return u
}

// update changes the composition shop as edit says.
func (s *releaseScene) update(t *testing.T, edit func(u *unstructured.Unstructured)) {
	t.Helper()
	u := s.get(t, webappV1)
	edit(u)
	if err := s.fake.Client().Update(t.Context(), u); err != nil {
		t.Fatal(err)
	}
}

// history is the chart version of each revision of the release.
func (s *releaseScene) history(t *testing.T, releaseName string) []string {
	t.Helper()
	store, err := s.operator.Releases.Releases("team-a")
	if err != nil {
		t.Fatal(err)
	}
	revisions, err := store.History(releaseName)
	if err != nil {
		return nil
	}
	out := make([]string, len(revisions))
	for _, rel := range revisions {
		out[rel.Version-1] = rel.Chart.Metadata.Version + " " + string(rel.Info.Status)
	}
	return out
}

// condition is the status, reason and message of u's condition condType.
func condition(u *unstructured.Unstructured, condType string) (string, string, string) {
	c := meta.FindStatusCondition(reconcile.ConditionsOf(u).GetConditions(), condType)
	if c == nil {
		return "", "", ""
	}
	return string(c.Status), c.Reason, c.Message
}

func releaseOf(t *testing.T, u *unstructured.Unstructured) string {
	t.Helper()
	name, _, _ := unstructured.NestedString(u.Object, "status", "releaseName")
	if name == "" {
		t.Fatalf("no status.releaseName: %v", u.Object["status"])
	}
	return name
}

func TestCompositionIsInstalledAsARelease(t *testing.T) {
	s := newReleaseScene(t)
	if err := s.fake.Client().Create(t.Context(), shop(map[string]any{"replicas": int64(2), "message": "hi"})); err != nil {
		t.Fatal(err)
	}
	u := s.get(t, webappV1)
	name := compositions.DefaultReleaseName(u)
	if got := u.GetLabels(); got[compositions.LabelReleaseName] != name || got[compositions.LabelVersion] != "v1-0-0" {
		t.Errorf("labels %v: want the release name %s and the version v1-0-0 set once", got, name)
	}
	if !strings.HasPrefix(name, "shop-") || len(name) != len("shop-")+8 {
		t.Errorf("release name %q: want shop-<8 characters of the UID>", name)
	}
	if diff := cmp.Diff([]string{"1.0.0 deployed"}, s.history(t, name)); diff != "" {
		t.Errorf("history: -want, +got:\n%s", diff)
	}
	deploy := &appsv1.Deployment{}
	if err := s.fake.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: name}, deploy); err != nil {
		t.Fatalf("the chart's Deployment: %v", err)
	}
	if *deploy.Spec.Replicas != 2 || deploy.Labels["app.kubernetes.io/managed-by"] != "Helm" || deploy.Annotations["meta.helm.sh/release-name"] != name {
		t.Errorf("Deployment replicas %d, labels %v, annotations %v: want 2 replicas, managed by Helm, in release %s", *deploy.Spec.Replicas, deploy.Labels, deploy.Annotations, name)
	}
	status, _ := u.Object["status"].(map[string]any)
	digest, _ := status["digest"].(string)
	if !strings.HasPrefix(digest, "sha256:") || len(digest) != len("sha256:")+64 {
		t.Errorf("status.digest %q: want the rendered manifest's sha256", digest)
	}
	wantStatus := map[string]any{
		"releaseName": name, "releaseRevision": int64(1), "helmChartUrl": webappRegistry + ":1.0.0", "helmChartVersion": "1.0.0",
		"managed": []any{
			map[string]any{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "resource": "priorityclasses", "name": "team-a-" + name},
			map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "resource": "configmaps", "name": name + "-message", "namespace": "team-a"},
			map[string]any{"apiVersion": "v1", "kind": "Service", "resource": "services", "name": name, "namespace": "team-a"},
			map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "resource": "deployments", "name": name, "namespace": "team-a"},
		},
	}
	gotStatus := map[string]any{}
	for key := range wantStatus {
		gotStatus[key] = status[key]
	}
	if diff := cmp.Diff(wantStatus, gotStatus); diff != "" {
		t.Errorf("status: -want, +got:\n%s", diff)
	}
	for _, c := range []string{"Ready", compositions.ConditionSynced} {
		if got, reason, message := condition(u, c); got != "True" {
			t.Errorf("%s = %s (%s: %s), want True", c, got, reason, message)
		}
	}
}

func TestCompositionLifecycle(t *testing.T) {
	type step struct {
		what  string
		do    func(t *testing.T, s *releaseScene)
		check func(t *testing.T, s *releaseScene, name string)
	}
	message := func(t *testing.T, s *releaseScene, name string) string {
		t.Helper()
		cm := &corev1.ConfigMap{}
		if err := s.fake.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: name + "-message"}, cm); err != nil {
			return "<" + err.Error() + ">"
		}
		return cm.Data["message"]
	}
	setMessage := func(m string) func(t *testing.T, s *releaseScene) {
		return func(t *testing.T, s *releaseScene) {
			t.Helper()
			s.update(t, func(u *unstructured.Unstructured) { _ = unstructured.SetNestedField(u.Object, m, "spec", "message") })
		}
	}
	annotate := func(key, value string) func(t *testing.T, s *releaseScene) {
		return func(t *testing.T, s *releaseScene) {
			t.Helper()
			s.update(t, func(u *unstructured.Unstructured) {
				a := u.GetAnnotations()
				if a == nil {
					a = map[string]string{}
				}
				if value == "" {
					delete(a, key)
				} else {
					a[key] = value
				}
				u.SetAnnotations(a)
			})
		}
	}
	resync := func(t *testing.T, s *releaseScene) {
		t.Helper()
		r, _ := s.operator.Composer().Releaser(webappV1)
		s.fake.ResetRequests()
		if _, err := r.Reconcile(t.Context(), client.ObjectKey{Namespace: "team-a", Name: "shop"}); err != nil {
			t.Fatal(err)
		}
		if w := s.fake.Writes(); w != 0 {
			t.Errorf("a converged resync wrote %d times, want 0", w)
		}
	}
	history := func(want ...string) func(t *testing.T, s *releaseScene, name string) {
		return func(t *testing.T, s *releaseScene, name string) {
			t.Helper()
			if diff := cmp.Diff(want, s.history(t, name)); diff != "" {
				t.Errorf("history: -want, +got:\n%s", diff)
			}
		}
	}
	cases := map[string][]step{
		"SpecChangeUpgradesOnce": {
			{what: "change the message", do: setMessage("bonjour"), check: func(t *testing.T, s *releaseScene, name string) {
				t.Helper()
				history("1.0.0 superseded", "1.0.0 deployed")(t, s, name)
				if got := message(t, s, name); got != "bonjour" {
					t.Errorf("the ConfigMap says %q, want bonjour", got)
				}
			}},
			{what: "resync", do: resync, check: history("1.0.0 superseded", "1.0.0 deployed")},
		},
		"ALabelChangeRunsNoHelm": {
			{what: "label the composition", do: func(t *testing.T, s *releaseScene) {
				t.Helper()
				s.update(t, func(u *unstructured.Unstructured) { setLabels(u, "team", "shop") })
			}, check: history("1.0.0 deployed")},
		},
		"PausedChangesNothing": {
			{what: "pause", do: annotate(compositions.AnnotationPaused, "true")},
			{what: "change the message while paused", do: setMessage("paused"), check: func(t *testing.T, s *releaseScene, name string) {
				t.Helper()
				history("1.0.0 deployed")(t, s, name)
				if got := message(t, s, name); got != "hi" {
					t.Errorf("the ConfigMap says %q, want hi while paused", got)
				}
				if status, reason, _ := condition(s.get(t, webappV1), compositions.ConditionSynced); status != "False" || reason != compositions.ReasonPaused {
					t.Errorf("Synced = %s (%s), want False (%s)", status, reason, compositions.ReasonPaused)
				}
			}},
			{what: "resume", do: annotate(compositions.AnnotationPaused, ""), check: func(t *testing.T, s *releaseScene, name string) {
				t.Helper()
				history("1.0.0 superseded", "1.0.0 deployed")(t, s, name)
				if got := message(t, s, name); got != "paused" {
					t.Errorf("the ConfigMap says %q, want the change made while paused", got)
				}
			}},
		},
		"DeleteUninstalls": {
			{what: "delete", do: deleteShop, check: func(t *testing.T, s *releaseScene, name string) {
				t.Helper()
				history()(t, s, name)
				if got := message(t, s, name); !strings.Contains(got, "not found") {
					t.Errorf("the ConfigMap: %q, want it uninstalled", got)
				}
				u := &unstructured.Unstructured{}
				u.SetGroupVersionKind(webappV1)
				if err := s.fake.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: "shop"}, u); !hub.IsNotFound(err) {
					t.Errorf("the composition: %v, want it gone once uninstalled", err)
				}
			}},
		},
		"OrphanKeepsTheRelease": {
			{what: "orphan", do: annotate(compositions.AnnotationDeletionPolicy, compositions.DeletionPolicyOrphan)},
			{what: "delete", do: deleteShop, check: func(t *testing.T, s *releaseScene, name string) {
				t.Helper()
				history("1.0.0 deployed")(t, s, name)
				if got := message(t, s, name); got != "hi" {
					t.Errorf("the ConfigMap: %q, want it kept", got)
				}
			}},
		},
		"ObserveOnlyNeverUpgrades": {
			{what: "observe only", do: annotate(compositions.AnnotationManagementPolicy, compositions.ManagementPolicyObserve)},
			{what: "change the message", do: setMessage("observed"), check: func(t *testing.T, s *releaseScene, name string) {
				t.Helper()
				history("1.0.0 deployed")(t, s, name)
				if got := message(t, s, name); got != "hi" {
					t.Errorf("the ConfigMap says %q, want hi: observe only", got)
				}
			}},
			{what: "delete", do: deleteShop, check: history("1.0.0 deployed")},
		},
		"BadPolicyIsAnError": {
			{what: "a policy that does not exist", do: annotate(compositions.AnnotationDeletionPolicy, "shred"), check: func(t *testing.T, s *releaseScene, _ string) {
				t.Helper()
				status, _, msg := condition(s.get(t, webappV1), compositions.ConditionSynced)
				if status != "False" || !strings.Contains(msg, "metadata.annotations["+compositions.AnnotationDeletionPolicy+"]") || !strings.Contains(msg, `"shred"`) {
					t.Errorf("Synced = %s %q: want False naming the annotation and its value", status, msg)
				}
			}},
		},
		"TheReleaseNameIsSetOnce": {
			{what: "rename the release", do: func(t *testing.T, s *releaseScene) {
				t.Helper()
				s.update(t, func(u *unstructured.Unstructured) { setLabels(u, compositions.LabelReleaseName, "other") })
			}, check: func(t *testing.T, s *releaseScene, name string) {
				t.Helper()
				history("1.0.0 deployed")(t, s, name)
				status, _, msg := condition(s.get(t, webappV1), compositions.ConditionSynced)
				if status != "False" || !strings.Contains(msg, "set once") {
					t.Errorf("Synced = %s %q: want False, the release name is set once", status, msg)
				}
			}},
		},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			s := newReleaseScene(t)
			if err := s.fake.Client().Create(t.Context(), shop(map[string]any{"message": "hi"})); err != nil {
				t.Fatal(err)
			}
			release := releaseOf(t, s.get(t, webappV1))
			for _, st := range steps {
				st.do(t, s)
				if st.check != nil {
					t.Run(st.what, func(t *testing.T) { st.check(t, s, release) })
				}
			}
		})
	}
}

func setLabels(u *unstructured.Unstructured, key, value string) {
	labels := u.GetLabels()
	labels[key] = value
	u.SetLabels(labels)
}

func deleteShop(t *testing.T, s *releaseScene) {
	t.Helper()
	u := shop(nil)
	if err := s.fake.Client().Delete(t.Context(), u); err != nil {
		t.Fatal(err)
	}
}

// TestValidateSpec is the check of a move to another version, before
// Helm runs: each field the new schema would drop or refuse, by path.
func TestValidateSpec(t *testing.T) {
	v2, err := compositions.SpecSchema(compositionstest.WebappSchema("2.0.0"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		reason string
		spec   map[string]any
		want   []string
	}{
		"Valid": {
			reason: "A spec the schema accepts, defaults filled in, moves.",
			spec:   map[string]any{"replicas": int64(3)},
		},
		"Empty": {
			reason: "An empty spec gets the defaults.",
			spec:   map[string]any{},
		},
		"DroppedField": {
			reason: "A field the new schema does not know would be dropped: refused.",
			spec:   map[string]any{"legacy": "kept"},
			want:   []string{"spec.legacy: Forbidden: not in the schema: the field would be dropped"},
		},
		"OutOfBounds": {
			reason: "A value over the new maximum is refused with its path.",
			spec:   map[string]any{"replicas": int64(8)},
			want:   []string{"spec.replicas: Invalid value: 8: replicas in body should be less than or equal to 5"},
		},
		"NotInEnum": {
			reason: "A value outside the new enum is refused.",
			spec:   map[string]any{"tier": "huge"},
			want:   []string{`spec.tier: Unsupported value: "huge": supported values: "small", "large"`},
		},
		"WrongType": {
			reason: "A value of another type is refused.",
			spec:   map[string]any{"message": int64(7)},
			want:   []string{`spec.message: Invalid value: "integer": message in body must be of type string: "integer"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := compositions.ValidateSpec(tc.spec, v2)
			got := make([]string, 0, len(errs))
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nValidateSpec: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestReleaseRBAC is the RBAC derived from what the example chart renders:
// a Role in the release's namespace naming each group, resource and verb
// of its namespaced kinds, a ClusterRole for its PriorityClass, never "*";
// the extra kind appears only when the chart renders it.
func TestReleaseRBAC(t *testing.T) {
	mapper := hubtest.NewFake(t).Client().RESTMapper()
	chart := compositionstest.NewChart(t, "webapp", "1.0.0", compositionstest.WebappSchema("1.0.0"), compositionstest.WebappTemplates("1.0.0"))
	for name, values := range map[string]map[string]any{"webapp": {}, "webapp-extra": {"extra": true}} {
		t.Run(name, func(t *testing.T) {
			rendering, err := compositions.Render(chart.Chart, "shop", "team-a", values)
			if err != nil {
				t.Fatal(err)
			}
			p, err := compositions.PermissionsOf(mapper, rendering.Manifest, "team-a")
			if err != nil {
				t.Fatal(err)
			}
			objects := compositions.RBACObjects("team-a", "shop", p)
			hubtest.ExpectGolden(t, "rbac/"+name, objects...)
			for _, obj := range objects {
				var rules []rbacv1.PolicyRule
				switch o := obj.(type) {
				case *rbacv1.Role:
					rules = o.Rules
				case *rbacv1.ClusterRole:
					rules = o.Rules
				}
				for _, r := range rules {
					for _, list := range [][]string{r.APIGroups, r.Resources, r.Verbs} {
						if slices.Contains(list, "*") {
							t.Errorf("%s %s grants %v: no rule may hold *", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), r)
						}
					}
				}
			}
			hasSecrets := slices.ContainsFunc(p.Namespaced["team-a"], func(r rbacv1.PolicyRule) bool { return slices.Contains(r.Resources, "secrets") })
			if hasSecrets != (name == "webapp-extra") {
				t.Errorf("secrets granted: %t, want it only when the chart renders its Secret", hasSecrets)
			}
		})
	}
}

// TestRenderIsStable is what a converged resync relies on: the same chart
// and values render the same digest, other values another.
func TestRenderIsStable(t *testing.T) {
	chart := compositionstest.NewChart(t, "webapp", "1.0.0", compositionstest.WebappSchema("1.0.0"), compositionstest.WebappTemplates("1.0.0"))
	digest := func(values map[string]any) string {
		t.Helper()
		r, err := compositions.Render(chart.Chart, "shop", "team-a", values)
		if err != nil {
			t.Fatal(err)
		}
		return r.Digest
	}
	first, again, other := digest(map[string]any{"message": "hi"}), digest(map[string]any{"message": "hi"}), digest(map[string]any{"message": "ho"})
	if first != again || first == other {
		t.Errorf("digests %s, %s (same values), %s (other values): want the first two equal, the third different", first, again, other)
	}
}

// TestComposerFollowsDefinitions: a version's Releaser runs while a Ready
// definition serves it, and stops when the last one goes.
func TestComposerFollowsDefinitions(t *testing.T) {
	s := newReleaseScene(t)
	composer := s.operator.Composer()
	running := func() []string {
		releasers := composer.Releasers()
		out := make([]string, 0, len(releasers))
		for _, r := range releasers {
			out = append(out, r.GroupVersionKind().Version)
		}
		return out
	}
	if diff := cmp.Diff([]string{"v1-0-0", "v2-0-0"}, running()); diff != "" {
		t.Errorf("Releasers with both definitions: -want, +got:\n%s", diff)
	}
	d := &compositions.CompositionDefinition{}
	if err := s.fake.Client().Get(t.Context(), client.ObjectKey{Namespace: "platform", Name: "webapp-2"}, d); err != nil {
		t.Fatal(err)
	}
	if err := s.fake.Client().Delete(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"v1-0-0"}, running()); diff != "" {
		t.Errorf("Releasers once webapp-2 is deleted: -want, +got:\n%s", diff)
	}
}

// TestAnInterruptedRevisionIsSettled: a revision an operator left pending
// when it stopped mid-way (Helm would refuse every action after it) is
// marked failed, and the next change upgrades.
func TestAnInterruptedRevisionIsSettled(t *testing.T) {
	s := newReleaseScene(t)
	if err := s.fake.Client().Create(t.Context(), shop(map[string]any{"message": "hi"})); err != nil {
		t.Fatal(err)
	}
	name := releaseOf(t, s.get(t, webappV1))
	store, err := s.operator.Releases.Releases("team-a")
	if err != nil {
		t.Fatal(err)
	}
	last, err := store.Last(name)
	if err != nil {
		t.Fatal(err)
	}
	last.SetStatus(release.StatusPendingUpgrade, "the operator stopped here")
	if err := store.Update(last); err != nil {
		t.Fatal(err)
	}
	s.update(t, func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, "again", "spec", "message")
	})
	if diff := cmp.Diff([]string{"1.0.0 superseded", "1.0.0 deployed"}, s.history(t, name)); diff != "" {
		t.Errorf("history: -want, +got:\n%s", diff)
	}
	if status, _, msg := condition(s.get(t, webappV1), compositions.ConditionSynced); status != "True" {
		t.Errorf("Synced = %s %q, want True", status, msg)
	}
}
