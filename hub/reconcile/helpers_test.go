package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

func TestFinalizers(t *testing.T) {
	const finalizer = "hubkit.dev/cleanup"
	ctx := context.Background()
	stored := func(wc *writeCountingCluster) []string {
		var cm corev1.ConfigMap
		if err := wc.raw.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "workspace"}, &cm); err != nil {
			t.Fatal(err)
		}
		return cm.Finalizers
	}
	cases := map[string]struct {
		reason     string
		start      []string
		op         func(context.Context, *hub.Client, client.Object, string) (bool, error)
		stale      bool
		wantChange bool
		wantWrites int64
		wantStored []string
		wantErr    func(error) bool
	}{
		"Add": {
			reason: "A missing finalizer is added with one patch, next to the others.",
			start:  []string{"other/keep"}, op: reconcile.AddFinalizer,
			wantChange: true, wantWrites: 1, wantStored: []string{"other/keep", finalizer},
		},
		"AddPresent": {
			reason: "A present finalizer costs no request.",
			start:  []string{finalizer}, op: reconcile.AddFinalizer,
			wantChange: false, wantWrites: 0, wantStored: []string{finalizer},
		},
		"Remove": {
			reason: "A present finalizer is removed with one patch; the others stay.",
			start:  []string{"other/keep", finalizer}, op: reconcile.RemoveFinalizer,
			wantChange: true, wantWrites: 1, wantStored: []string{"other/keep"},
		},
		"RemoveAbsent": {
			reason: "An absent finalizer costs no request.",
			start:  []string{"other/keep"}, op: reconcile.RemoveFinalizer,
			wantChange: false, wantWrites: 0, wantStored: []string{"other/keep"},
		},
		"StaleCopy": {
			reason: "A patch from a stale copy is a Conflict, so another writer's finalizer is never dropped.",
			start:  []string{"other/keep"}, op: reconcile.AddFinalizer, stale: true,
			wantWrites: 1, wantStored: []string{"other/keep", "someone/else"}, wantErr: hub.IsConflict,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			start := owner()
			start.Finalizers = tc.start
			wc := newWriteCountingCluster(t, start)
			var obj corev1.ConfigMap
			if err := wc.raw.Get(ctx, client.ObjectKeyFromObject(start), &obj); err != nil {
				t.Fatal(err)
			}
			if tc.stale {
				fresh := obj.DeepCopy()
				fresh.Finalizers = append(fresh.Finalizers, "someone/else")
				if err := wc.raw.Update(ctx, fresh); err != nil {
					t.Fatal(err)
				}
			}
			changed, err := tc.op(ctx, wc.client, &obj, finalizer)
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Errorf("\nReason: %s\nerror = %v", tc.reason, err)
				}
			} else if err != nil {
				t.Fatalf("\nReason: %s\n%v", tc.reason, err)
			}
			if changed != tc.wantChange {
				t.Errorf("\nReason: %s\nchanged = %v, want %v", tc.reason, changed, tc.wantChange)
			}
			if n := wc.takeWrites(); n != tc.wantWrites {
				t.Errorf("\nReason: %s\n%d writes, want %d", tc.reason, n, tc.wantWrites)
			}
			if diff := cmp.Diff(tc.wantStored, stored(wc), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nstored finalizers: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// conditionedConfigMap gives a ConfigMap conditions, as a stand-in for a
// Hubkit API type.
type conditionedConfigMap struct {
	*corev1.ConfigMap

	conditions []metav1.Condition
}

func (c *conditionedConfigMap) GetConditions() []metav1.Condition   { return c.conditions }
func (c *conditionedConfigMap) SetConditions(cs []metav1.Condition) { c.conditions = cs }

func TestConditions(t *testing.T) {
	obj := &conditionedConfigMap{ConfigMap: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Generation: 4}}}
	earlier := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))

	if !reconcile.SetCondition(obj, metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: "Provisioning", LastTransitionTime: earlier}) {
		t.Fatal("setting a new condition reported no change")
	}
	if got := obj.conditions[0]; got.ObservedGeneration != 4 || !got.LastTransitionTime.Equal(&earlier) {
		t.Errorf("new condition: observedGeneration %d, lastTransitionTime %v; want 4 and the given time", got.ObservedGeneration, got.LastTransitionTime)
	}
	if reconcile.MarkFalse(obj, "Ready", "Provisioning", "") {
		t.Error("setting the same condition again reported a change")
	}
	if !reconcile.MarkFalse(obj, "Ready", "WaitingForDatabase", "the database is not ready") {
		t.Error("a new reason reported no change")
	}
	if got := obj.conditions[0].LastTransitionTime; !got.Equal(&earlier) {
		t.Errorf("a reason change moved lastTransitionTime to %v; only a status change may", got)
	}
	if reconcile.IsCurrentAndTrue(obj, "Ready") {
		t.Error("a False condition reads as true")
	}
	if !reconcile.MarkTrue(obj, "Ready", "Available", "") || !reconcile.IsCurrentAndTrue(obj, "Ready") {
		t.Error("MarkTrue did not make the condition current and true")
	}
	if got := obj.conditions[0].LastTransitionTime; got.Equal(&earlier) {
		t.Error("a status change kept the old lastTransitionTime")
	}
	obj.Generation = 5
	if reconcile.IsCurrentAndTrue(obj, "Ready") {
		t.Error("a condition from an older generation reads as current")
	}
	if !reconcile.MarkUnknown(obj, "Synced", "Pending", "") || len(obj.conditions) != 2 || obj.conditions[1].ObservedGeneration != 5 {
		t.Errorf("MarkUnknown must add a second condition at the current generation, got %+v", obj.conditions)
	}
}

func TestPatchStatus(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		reason     string
		mutate     func(*corev1.Namespace)
		wantSent   bool
		wantPhase  corev1.NamespacePhase
		wantWrites int64
	}{
		"Unchanged": {
			reason:   "No status change, no request.",
			mutate:   func(ns *corev1.Namespace) { ns.Labels = map[string]string{"not": "status"} },
			wantSent: false, wantPhase: corev1.NamespaceActive, wantWrites: 0,
		},
		"Changed": {
			reason:   "A status change is patched once.",
			mutate:   func(ns *corev1.Namespace) { ns.Status.Phase = corev1.NamespaceTerminating },
			wantSent: true, wantPhase: corev1.NamespaceTerminating, wantWrites: 1,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			start := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}}
			wc := newWriteCountingCluster(t, start)
			var ns corev1.Namespace
			if err := wc.raw.Get(ctx, client.ObjectKeyFromObject(start), &ns); err != nil {
				t.Fatal(err)
			}
			original := ns.DeepCopy()
			tc.mutate(&ns)
			sent, err := reconcile.PatchStatus(ctx, wc.client, original, &ns)
			if err != nil {
				t.Fatalf("PatchStatus: %v", err)
			}
			if sent != tc.wantSent {
				t.Errorf("\nReason: %s\nsent = %v, want %v", tc.reason, sent, tc.wantSent)
			}
			if n := wc.takeWrites(); n != tc.wantWrites {
				t.Errorf("\nReason: %s\n%d writes, want %d", tc.reason, n, tc.wantWrites)
			}
			var stored corev1.Namespace
			if err := wc.raw.Get(ctx, client.ObjectKeyFromObject(start), &stored); err != nil {
				t.Fatal(err)
			}
			if stored.Status.Phase != tc.wantPhase || stored.Labels["not"] != "" {
				t.Errorf("\nReason: %s\nstored phase %q labels %v; want phase %q and no label written", tc.reason, stored.Status.Phase, stored.Labels, tc.wantPhase)
			}
		})
	}
}

func TestRequeueAfter(t *testing.T) {
	const d = 10 * time.Second
	cases := map[string]struct {
		reason   string
		jitter   float64
		min, max time.Duration
		spread   bool
	}{
		"Jitter":     {reason: "Jitter adds up to jitter*d.", jitter: 0.5, min: d, max: d + d/2, spread: true},
		"NoJitter":   {reason: "Zero jitter requeues after exactly d.", jitter: 0, min: d, max: d},
		"Negative":   {reason: "Negative jitter is none.", jitter: -1, min: d, max: d},
		"FullJitter": {reason: "Jitter 1 stays below 2d.", jitter: 1, min: d, max: 2 * d, spread: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 1000 {
				got := reconcile.RequeueAfter(d, tc.jitter).RequeueAfter
				if got < tc.min || got > tc.max || (tc.spread && got == tc.max) {
					t.Fatalf("\nReason: %s\nRequeueAfter = %v, outside [%v, %v)", tc.reason, got, tc.min, tc.max)
				}
				seen[got] = true
			}
			if tc.spread && len(seen) < 2 {
				t.Errorf("\nReason: %s\n1000 requeues all came back after %v: no jitter", tc.reason, tc.min)
			}
		})
	}
}

func TestSteps(t *testing.T) {
	errQuota, errRBAC := errors.New("quota refused"), errors.New("rbac refused")
	var steps reconcile.Steps
	var ran []string
	for _, step := range []struct {
		name string
		err  error
	}{{"namespace", nil}, {"quota", errQuota}, {"rbac", errRBAC}, {"storage", nil}} {
		steps.Run(step.name, func() error { ran = append(ran, step.name); return step.err })
	}
	steps.Add(nil)
	if diff := cmp.Diff([]string{"namespace", "quota", "rbac", "storage"}, ran); diff != "" {
		t.Errorf("every step must run, failures or not: -want, +got:\n%s", diff)
	}
	err := steps.Err()
	if !errors.Is(err, errQuota) || !errors.Is(err, errRBAC) || steps.Failed() != 2 {
		t.Errorf("Err() = %v (failed %d); want both step errors", err, steps.Failed())
	}
	if !strings.Contains(err.Error(), "quota: quota refused") {
		t.Errorf("Err() = %q; want each error prefixed with its step", err)
	}
	var clean reconcile.Steps
	clean.Run("ok", func() error { return nil })
	if clean.Err() != nil {
		t.Errorf("Err() with no failure = %v, want nil", clean.Err())
	}
	clean.Add(fmt.Errorf("late: %w", errQuota))
	if !errors.Is(clean.Err(), errQuota) {
		t.Errorf("Add must record the error")
	}
}

func TestSelectorPredicate(t *testing.T) {
	p := reconcile.SelectorPredicate(hub.MustParseSelector("app=db|team=data"))
	obj := func(labels map[string]string) client.Object {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Labels: labels}}
	}
	in, out := obj(map[string]string{"team": "data"}), obj(map[string]string{"app": "web"})
	cases := map[string]struct {
		reason string
		got    bool
		want   bool
	}{
		"CreateIn":     {reason: "A selected object's create passes.", got: p.Create(event.CreateEvent{Object: in}), want: true},
		"CreateOut":    {reason: "Another object's create is dropped.", got: p.Create(event.CreateEvent{Object: out}), want: false},
		"DeleteIn":     {reason: "A selected object's delete passes.", got: p.Delete(event.DeleteEvent{Object: in}), want: true},
		"GenericOut":   {reason: "Another object's generic event is dropped.", got: p.Generic(event.GenericEvent{Object: out}), want: false},
		"UpdateLeaves": {reason: "An object leaving the selection still passes.", got: p.Update(event.UpdateEvent{ObjectOld: in, ObjectNew: out}), want: true},
		"UpdateJoins":  {reason: "An object joining the selection passes.", got: p.Update(event.UpdateEvent{ObjectOld: out, ObjectNew: in}), want: true},
		"UpdateOut":    {reason: "An object outside before and after is dropped.", got: p.Update(event.UpdateEvent{ObjectOld: out, ObjectNew: out}), want: false},
		"NilObject":    {reason: "A malformed event is dropped, not a panic.", got: p.Create(event.CreateEvent{}), want: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("\nReason: %s\ngot %v, want %v", tc.reason, tc.got, tc.want)
			}
		})
	}
}

func TestGenerationOrLabelsChanged(t *testing.T) {
	p := reconcile.GenerationOrLabelsChanged()
	base := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Generation: 1, Labels: map[string]string{"a": "b"}}}
	with := func(f func(*corev1.ConfigMap)) client.Object { o := base.DeepCopy(); f(o); return o }
	cases := map[string]struct {
		reason string
		newObj client.Object
		want   bool
	}{
		"Generation":  {reason: "A spec change passes.", newObj: with(func(o *corev1.ConfigMap) { o.Generation = 2 }), want: true},
		"Labels":      {reason: "A label change passes.", newObj: with(func(o *corev1.ConfigMap) { o.Labels["a"] = "c" }), want: true},
		"StatusOnly":  {reason: "A change of neither is dropped.", newObj: with(func(o *corev1.ConfigMap) { o.ResourceVersion = "9" }), want: false},
		"Annotations": {reason: "An annotation change alone is dropped.", newObj: with(func(o *corev1.ConfigMap) { o.Annotations = map[string]string{"x": "y"} }), want: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := p.Update(event.UpdateEvent{ObjectOld: base, ObjectNew: tc.newObj}); got != tc.want {
				t.Errorf("\nReason: %s\ngot %v, want %v", tc.reason, got, tc.want)
			}
		})
	}
	if !p.Create(event.CreateEvent{Object: base}) {
		t.Error("creates must pass")
	}
}
