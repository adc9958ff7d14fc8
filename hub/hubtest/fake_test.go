package hubtest_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/hubtest/conformance"
)

func claim(name string, class *string) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: name},
		Spec: corev1.PersistentVolumeClaimSpec{
			StorageClassName: class,
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("5Gi")}},
		},
	}
}

func storageClasses() []client.Object {
	wffc := storagev1.VolumeBindingWaitForFirstConsumer
	return []client.Object{
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "fast", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}}, Provisioner: "fast.csi.example"},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "local"}, Provisioner: "local.csi.example", VolumeBindingMode: &wffc},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
	}
}

func TestStaticVolumeBinding(t *testing.T) {
	for _, volumeFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("VolumeFirst=%v", volumeFirst), func(t *testing.T) {
			ctx := t.Context()
			f := hubtest.NewFake(t, hubtest.WithObjects(storageClasses()...))
			pv := &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "nfs-home"},
				Spec: corev1.PersistentVolumeSpec{
					Capacity:               corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("2Gi")},
					AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
					ClaimRef:               &corev1.ObjectReference{Namespace: "team-a", Name: "data"},
					PersistentVolumeSource: corev1.PersistentVolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.example", Path: "/home"}},
				},
			}
			pvc := claim("data", new("gold"))
			first, second := client.Object(pv), client.Object(pvc)
			if !volumeFirst {
				first, second = second, first
			}
			for _, obj := range []client.Object{first, second} {
				if err := f.Client().Create(ctx, obj); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.Client().Get(ctx, client.ObjectKeyFromObject(pvc), pvc); err != nil {
				t.Fatal(err)
			}
			if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName != "nfs-home" {
				t.Errorf("the claim is %s on %q, want Bound to the volume made for it (nfs-home), whatever its class", pvc.Status.Phase, pvc.Spec.VolumeName)
			}
			if err := f.Client().Get(ctx, client.ObjectKeyFromObject(pv), pv); err != nil {
				t.Fatal(err)
			}
			if pv.Status.Phase != corev1.VolumeBound || pv.Spec.ClaimRef.UID != pvc.UID {
				t.Errorf("the volume is %s, claimRef UID %q; want Bound to the claim %q", pv.Status.Phase, pv.Spec.ClaimRef.UID, pvc.UID)
			}
		})
	}
}

func TestClaimBinding(t *testing.T) {
	cases := map[string]struct {
		reason    string
		class     *string
		withPod   bool
		wantPhase corev1.PersistentVolumeClaimPhase
		wantClass string
	}{
		"Immediate": {
			reason: "A claim of an Immediate class binds at once.",
			class:  new("fast"), wantPhase: corev1.ClaimBound, wantClass: "fast",
		},
		"DefaultClass": {
			reason: "A claim without a class gets the default one and binds.",
			class:  nil, wantPhase: corev1.ClaimBound, wantClass: "fast",
		},
		"WaitForFirstConsumer": {
			reason: "A WaitForFirstConsumer claim waits for a pod.",
			class:  new("local"), wantPhase: corev1.ClaimPending, wantClass: "local",
		},
		"WaitForFirstConsumerWithPod": {
			reason: "A pod that uses a WaitForFirstConsumer claim binds it.",
			class:  new("local"), withPod: true, wantPhase: corev1.ClaimBound, wantClass: "local",
		},
		"MissingClass": {
			reason: "A claim of a class that does not exist stays Pending.",
			class:  new("gold"), wantPhase: corev1.ClaimPending, wantClass: "gold",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			f := hubtest.NewFake(t, hubtest.WithObjects(storageClasses()...))
			pvc := claim("data", tc.class)
			if err := f.Client().Create(ctx, pvc); err != nil {
				t.Fatal(err)
			}
			if tc.withPod {
				pod := &corev1.Pod{
					ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "user"},
					Spec: corev1.PodSpec{
						Containers: []corev1.Container{{Name: "c", Image: "busybox"}},
						Volumes:    []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}},
					},
				}
				if err := f.Client().Create(ctx, pod); err != nil {
					t.Fatal(err)
				}
				if err := f.Client().Get(ctx, client.ObjectKeyFromObject(pod), pod); err != nil || pod.Status.Phase != corev1.PodRunning {
					t.Errorf("\nReason: %s\nthe pod is %s (%v), want Running", tc.reason, pod.Status.Phase, err)
				}
			}
			if err := f.Client().Get(ctx, client.ObjectKeyFromObject(pvc), pvc); err != nil {
				t.Fatal(err)
			}
			if pvc.Status.Phase != tc.wantPhase || ptr.Deref(pvc.Spec.StorageClassName, "") != tc.wantClass {
				t.Errorf("\nReason: %s\nphase %q class %q; want %q %q", tc.reason, pvc.Status.Phase, ptr.Deref(pvc.Spec.StorageClassName, ""), tc.wantPhase, tc.wantClass)
			}
			if tc.wantPhase != corev1.ClaimBound {
				return
			}
			pv := &corev1.PersistentVolume{}
			if err := f.Client().Get(ctx, client.ObjectKey{Name: pvc.Spec.VolumeName}, pv); err != nil {
				t.Fatalf("\nReason: %s\nthe bound volume %q: %v", tc.reason, pvc.Spec.VolumeName, err)
			}
			size := pv.Spec.Capacity[corev1.ResourceStorage]
			if pv.Spec.ClaimRef == nil || pv.Spec.ClaimRef.UID != pvc.UID || size.String() != "5Gi" || pv.Spec.StorageClassName != tc.wantClass || pv.Status.Phase != corev1.VolumeBound {
				t.Errorf("\nReason: %s\nthe volume does not match its claim: %+v", tc.reason, pv.Spec)
			}
			if got := pvc.Status.Capacity[corev1.ResourceStorage]; got.String() != "5Gi" {
				t.Errorf("\nReason: %s\nthe claim's capacity is %s, want 5Gi", tc.reason, got.String())
			}
		})
	}
}

func TestJobs(t *testing.T) {
	ctx := t.Context()
	job := func(name string) *batchv1.Job {
		return &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
			Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "c", Image: "busybox"}},
			}}},
		}
	}
	f := hubtest.NewFake(t, hubtest.WithObjects(job("ok"), job("bad")))
	get := func(name string) *batchv1.Job {
		j := &batchv1.Job{}
		if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, j); err != nil {
			t.Fatal(err)
		}
		return j
	}
	if j := get("ok"); j.Status.Active != 1 || j.Status.StartTime == nil || j.Generation != 1 {
		t.Errorf("a new job: active %d, start %v, generation %d; want it started", j.Status.Active, j.Status.StartTime, j.Generation)
	}
	if err := f.CompleteJob(ctx, "default", "ok"); err != nil {
		t.Fatal(err)
	}
	if err := f.FailJob(ctx, "default", "bad", "BackoffLimitExceeded"); err != nil {
		t.Fatal(err)
	}
	type state struct {
		Active, Succeeded, Failed int32
		Conditions                []batchv1.JobConditionType
	}
	summary := func(j *batchv1.Job) state {
		s := state{Active: j.Status.Active, Succeeded: j.Status.Succeeded, Failed: j.Status.Failed}
		for _, c := range j.Status.Conditions {
			s.Conditions = append(s.Conditions, c.Type)
		}
		return s
	}
	want := map[string]state{
		"ok":  {Succeeded: 1, Conditions: []batchv1.JobConditionType{batchv1.JobSuccessCriteriaMet, batchv1.JobComplete}},
		"bad": {Failed: 7, Conditions: []batchv1.JobConditionType{batchv1.JobFailureTarget, batchv1.JobFailed}},
	}
	for name, w := range want {
		if diff := cmp.Diff(w, summary(get(name))); diff != "" {
			t.Errorf("job %s: -want, +got:\n%s", name, diff)
		}
	}
	if err := f.CompleteJob(ctx, "default", "ok"); err == nil {
		t.Error("completing a finished job succeeded, want an error")
	}
	if err := f.CompleteJob(ctx, "default", "missing"); !hub.IsNotFound(err) {
		t.Errorf("completing a missing job = %v, want NotFound", err)
	}
}

func TestDeploymentGenerationAndStatus(t *testing.T) {
	ctx := t.Context()
	labels := map[string]string{"app": "x"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "x"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "i"}}}},
		},
	}
	f := hubtest.NewFake(t, hubtest.WithObjects(d))
	deployments := hub.For[*appsv1.Deployment](f.Hub())
	got, err := deployments.Update(ctx, "x", func(d *appsv1.Deployment) error { d.Spec.Replicas = ptr.To[int32](3); return nil })
	if err != nil {
		t.Fatal(err)
	}
	got, _ = deployments.Get(ctx, got.Name)
	if got.Generation != 2 || got.Status.ObservedGeneration != 2 || got.Status.AvailableReplicas != 3 {
		t.Errorf("after scaling to 3: generation %d, observed %d, available %d; want 2, 2, 3", got.Generation, got.Status.ObservedGeneration, got.Status.AvailableReplicas)
	}
	if _, err := deployments.Update(ctx, "x", func(d *appsv1.Deployment) error { d.Labels = map[string]string{"l": "v"}; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ = deployments.Get(ctx, "x"); got.Generation != 2 {
		t.Errorf("a label change moved the generation to %d", got.Generation)
	}
}

func TestFinalizersHoldDeletionAndCascade(t *testing.T) {
	ctx := t.Context()
	owner := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "owner", Finalizers: []string{"hubkit.dev/cleanup"}}}
	f := hubtest.NewFake(t, hubtest.WithObjects(owner))
	cms := hub.For[*corev1.ConfigMap](f.Hub())
	stored, err := cms.Get(ctx, "owner")
	if err != nil {
		t.Fatal(err)
	}
	child := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "child", OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "owner", UID: stored.UID}}}}
	if err := cms.Create(ctx, child); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(ctx, "owner"); err != nil {
		t.Fatal(err)
	}
	held, err := cms.Get(ctx, "owner")
	if err != nil || held.DeletionTimestamp == nil {
		t.Fatalf("an owner with a finalizer must stay with a deletionTimestamp: %v, %v", held, err)
	}
	if _, err := cms.Get(ctx, "child"); err != nil {
		t.Errorf("the child went while its owner is held by a finalizer: %v", err)
	}
	if _, err := cms.Update(ctx, "owner", func(cm *corev1.ConfigMap) error { cm.Finalizers = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"owner", "child"} {
		if _, err := cms.Get(ctx, name); !hub.IsNotFound(err) {
			t.Errorf("%s after the last finalizer went: %v, want NotFound", name, err)
		}
	}
}

func TestSharedDependentSurvivesOneOwner(t *testing.T) {
	ctx := t.Context()
	f := hubtest.NewFake(t, hubtest.WithObjects(
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "a"}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "b"}},
	))
	cms := hub.For[*corev1.ConfigMap](f.Hub())
	a, _ := cms.Get(ctx, "a")
	b, _ := cms.Get(ctx, "b")
	shared := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "shared", OwnerReferences: []metav1.OwnerReference{
		{APIVersion: "v1", Kind: "ConfigMap", Name: "a", UID: a.UID},
		{APIVersion: "v1", Kind: "ConfigMap", Name: "b", UID: b.UID},
	}}}
	if err := cms.Create(ctx, shared); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	got, err := cms.Get(ctx, "shared")
	if err != nil {
		t.Fatalf("a dependent with another live owner was deleted: %v", err)
	}
	if len(got.OwnerReferences) != 1 || got.OwnerReferences[0].UID != b.UID {
		t.Errorf("owner references %+v; want only b's", got.OwnerReferences)
	}
	if err := cms.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Get(ctx, "shared"); !hub.IsNotFound(err) {
		t.Errorf("the dependent outlived its last owner: %v", err)
	}
}

func TestNamespaceLifecycle(t *testing.T) {
	ctx := t.Context()
	held := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "held", Finalizers: []string{"x/y"}}}
	f := hubtest.NewFake(t, hubtest.WithObjects(held))
	namespaces := hub.For[*corev1.Namespace](f.Hub())
	if err := namespaces.Delete(ctx, "team-a"); err != nil {
		t.Fatal(err)
	}
	ns, err := namespaces.Get(ctx, "team-a")
	if err != nil || ns.Status.Phase != corev1.NamespaceTerminating {
		t.Fatalf("a namespace whose content is held must stay Terminating: %v, %v", ns, err)
	}
	err = hub.For[*corev1.ConfigMap](f.Hub(hub.WithNamespace("team-a"))).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "late"}})
	if !hub.IsForbidden(err) || !strings.Contains(err.Error(), "being terminated") {
		t.Errorf("a create in a terminating namespace = %v, want Forbidden", err)
	}
	if _, err := hub.For[*corev1.ConfigMap](f.Hub(hub.WithNamespace("team-a"))).Update(ctx, "held", func(cm *corev1.ConfigMap) error { cm.Finalizers = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := namespaces.Get(ctx, "team-a"); !hub.IsNotFound(err) {
		t.Errorf("the namespace outlived its last object: %v", err)
	}
}

func TestWatchHonoursLabelSelectors(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f := hubtest.NewFake(t)
	cms := hub.For[*corev1.ConfigMap](f.Hub())
	events, err := cms.Watch(ctx, hub.MatchingLabels(map[string]string{"watched": "yes"}))
	if err != nil {
		t.Fatal(err)
	}
	for name, label := range map[string]string{"ignored": "no", "seen": "yes"} {
		if err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"watched": label}}}); err != nil {
			t.Fatal(err)
		}
	}
	ev := <-events
	if ev.Err != nil || ev.Object.Name != "seen" {
		t.Errorf("first event: %s %v; want seen", ev.Object.GetName(), ev.Err)
	}
}

func TestFaults(t *testing.T) {
	gk := schema.GroupKind{Kind: "ConfigMap"}
	cases := map[string]struct {
		reason string
		fault  hubtest.Fault
		check  func(error) bool
		calls  int // how many of three Gets fail
	}{
		"ConflictOnce":   {reason: "Times 1 fails one request.", fault: hubtest.Fault{Verb: hubtest.VerbGet, Reason: metav1.StatusReasonConflict, Times: 1}, check: hub.IsConflict, calls: 1},
		"NotFoundAlways": {reason: "Times 0 fails every request.", fault: hubtest.Fault{Verb: hubtest.VerbGet, Kind: gk, Reason: metav1.StatusReasonNotFound}, check: hub.IsNotFound, calls: 3},
		"ForbiddenByName": {reason: "A name selects one object.", fault: hubtest.Fault{Name: "settings", Reason: metav1.StatusReasonForbidden, Times: 2},
			check: hub.IsForbidden, calls: 2},
		"Timeout":       {reason: "Timeouts are the API server's.", fault: hubtest.Fault{Verb: hubtest.VerbGet, Reason: metav1.StatusReasonTimeout, Times: 1}, check: func(err error) bool { return strings.Contains(err.Error(), "injected") }, calls: 1},
		"OtherVerb":     {reason: "A fault on another verb leaves gets alone.", fault: hubtest.Fault{Verb: hubtest.VerbDelete, Reason: metav1.StatusReasonConflict}, calls: 0},
		"OtherKind":     {reason: "A fault on another kind leaves ConfigMaps alone.", fault: hubtest.Fault{Kind: schema.GroupKind{Kind: "Secret"}, Reason: metav1.StatusReasonConflict}, calls: 0},
		"CustomError":   {reason: "Err is returned as given.", fault: hubtest.Fault{Verb: hubtest.VerbGet, Err: errBoom, Times: 1}, check: func(err error) bool { return errors.Is(err, errBoom) }, calls: 1},
		"StatusOnlyOne": {reason: "A status fault leaves the main resource alone.", fault: hubtest.Fault{Subresource: "status", Reason: metav1.StatusReasonConflict}, calls: 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := hubtest.NewFake(t, hubtest.WithObjects(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "settings"}}))
			f.InjectFault(tc.fault)
			failed := 0
			for range 3 {
				err := f.Client().Get(t.Context(), client.ObjectKey{Namespace: "default", Name: "settings"}, &corev1.ConfigMap{})
				if err != nil {
					failed++
					if tc.check != nil && !tc.check(err) {
						t.Errorf("\nReason: %s\nunexpected error %v", tc.reason, err)
					}
				}
			}
			if failed != tc.calls {
				t.Errorf("\nReason: %s\n%d of 3 gets failed, want %d", tc.reason, failed, tc.calls)
			}
			f.ClearFaults()
			if err := f.Client().Get(t.Context(), client.ObjectKey{Namespace: "default", Name: "settings"}, &corev1.ConfigMap{}); err != nil {
				t.Errorf("after ClearFaults: %v", err)
			}
		})
	}
}

var errBoom = errors.New("boom")

func TestClockAndRecorder(t *testing.T) {
	start := time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)
	f := hubtest.NewFake(t, hubtest.WithTime(start))
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "a"}}
	if err := f.Client().Create(t.Context(), cm); err != nil {
		t.Fatal(err)
	}
	f.Clock().Step(time.Hour)
	later := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "b"}}
	if err := f.Client().Create(t.Context(), later); err != nil {
		t.Fatal(err)
	}
	if !cm.CreationTimestamp.Time.Equal(start) || !later.CreationTimestamp.Time.Equal(start.Add(time.Hour)) {
		t.Errorf("creation times %v and %v; want the fake clock's %v and an hour later", cm.CreationTimestamp, later.CreationTimestamp, start)
	}
	f.Recorder().Eventf(cm, corev1.EventTypeWarning, "Degraded", "replica %d is down", 2)
	want := []hubtest.RecordedEvent{{Kind: "ConfigMap", Namespace: "default", Name: "a", Type: "Warning", Reason: "Degraded", Message: "replica 2 is down"}}
	if diff := cmp.Diff(want, f.Recorder().Events()); diff != "" {
		t.Errorf("recorded events: -want, +got:\n%s", diff)
	}
}

func TestFixturesAndGolden(t *testing.T) {
	f := hubtest.NewFake(t, hubtest.WithFixtures("testdata/fixtures.yaml"))
	ctx := t.Context()
	w := &unstructured.Unstructured{}
	w.SetGroupVersionKind(conformance.WidgetKind)
	if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "gizmo"}, w); err != nil {
		t.Fatalf("the fixture's Widget (its CRD in the same file): %v", err)
	}
	cm := &corev1.ConfigMap{}
	if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "settings"}, cm); err != nil {
		t.Fatal(err)
	}
	hubtest.ExpectGolden(t, "fixtures", cm, w)
}

func TestFixtureErrors(t *testing.T) {
	scheme, err := hub.NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		reason, yaml, want string
	}{
		"NoKind":       {reason: "A document needs apiVersion and kind.", yaml: "metadata:\n  name: x\n", want: "document 1: apiVersion and kind are required"},
		"UnknownField": {reason: "A typed object refuses unknown fields.", yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndatta: {}\n", want: "document 1 (ConfigMap x)"},
		"BadYAML":      {reason: "Broken YAML names its document.", yaml: "apiVersion: v1\nkind: ConfigMap\n---\n: : :\n", want: "document 2"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := hubtest.DecodeFixtures(scheme, "inline", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("\nReason: %s\nerror %v, want one containing %q", tc.reason, err, tc.want)
			}
		})
	}
	if _, err := hubtest.LoadFixtures(scheme, filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing fixture file = %v", err)
	}
}

func TestIgnoreVolatile(t *testing.T) {
	a := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x", UID: "1", ResourceVersion: "5", CreationTimestamp: metav1.Now()}, Data: map[string]string{"k": "v"}}
	b := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x", UID: "2", ResourceVersion: "9"}, Data: map[string]string{"k": "v"}}
	if diff := cmp.Diff(a, b, hubtest.IgnoreVolatile()); diff != "" {
		t.Errorf("volatile fields made a difference:\n%s", diff)
	}
	b.Data["k"] = "w"
	if cmp.Equal(a, b, hubtest.IgnoreVolatile()) {
		t.Error("a real difference was ignored")
	}
	ua := map[string]any{"metadata": map[string]any{"uid": "1", "name": "x"}}
	ub := map[string]any{"metadata": map[string]any{"uid": "2", "name": "x"}}
	if !cmp.Equal(ua, ub, hubtest.IgnoreVolatile()) {
		t.Error("volatile keys of unstructured content made a difference")
	}
}

func TestInstallCRDsKeepsObjects(t *testing.T) {
	ctx := t.Context()
	f := hubtest.NewFake(t, hubtest.WithObjects(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "before"}}))
	crd, err := conformance.WidgetCRD()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.InstallCRDs(ctx, crd); err != nil {
		t.Fatal(err)
	}
	if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "default", Name: "before"}, &corev1.ConfigMap{}); err != nil {
		t.Errorf("an object created before InstallCRDs is gone: %v", err)
	}
	namespaced, err := f.Client().IsObjectNamespaced(&unstructured.Unstructured{Object: map[string]any{"apiVersion": "conformance.hubkit.dev/v1", "kind": "Widget"}})
	if err != nil || !namespaced {
		t.Errorf("the Widget kind's scope: %v, %v", namespaced, err)
	}
	bad := crd.DeepCopy()
	bad.Name = "bad.conformance.hubkit.dev"
	spec := bad.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	spec.Type = ""
	bad.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"] = spec
	if err := f.InstallCRDs(ctx, bad); err == nil || !strings.Contains(err.Error(), "structural") {
		t.Errorf("installing a non-structural CRD = %v, want an error saying so", err)
	}
}

func TestInvalidApplyIsUndone(t *testing.T) {
	ctx := t.Context()
	crd, err := conformance.WidgetCRD()
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithCRDs(crd))
	ws := hub.For[*unstructured.Unstructured](f.Hub(), hub.OfKind(conformance.WidgetKind))
	mk := func(size string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "w"}, "spec": map[string]any{"size": size}}}
	}
	if err := ws.Apply(ctx, mk("huge")); !hub.IsInvalid(err) {
		t.Fatalf("an invalid apply that would create = %v, want Invalid", err)
	}
	if _, err := ws.Get(ctx, "w"); !hub.IsNotFound(err) {
		t.Errorf("the invalid apply left an object: %v", err)
	}
	if err := ws.Apply(ctx, mk("small")); err != nil {
		t.Fatal(err)
	}
	if err := ws.Apply(ctx, mk("huge")); !hub.IsInvalid(err) {
		t.Fatalf("an invalid apply that would update = %v, want Invalid", err)
	}
	got, err := ws.Get(ctx, "w")
	if size, _, _ := unstructured.NestedString(got.Object, "spec", "size"); err != nil || size != "small" {
		t.Errorf("after an invalid apply the size is %q (%v), want the valid small", size, err)
	}
	if got.GetUID() == "" || got.GetGeneration() != 1 {
		t.Errorf("an applied object has UID %q and generation %d; want one and 1", got.GetUID(), got.GetGeneration())
	}
}

func TestSimulatorLoopIsReported(t *testing.T) {
	fake := &recordingTB{TB: t}
	flapper := hubtest.SimulatorFunc(func(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
		cm, ok := ev.Object.(*corev1.ConfigMap)
		if !ok || ev.Type == hubtest.EventDeleted {
			return nil
		}
		cm.Data = map[string]string{"n": cm.ResourceVersion}
		return f.Client().Update(ctx, cm)
	})
	f := hubtest.NewFake(fake, hubtest.WithSimulators(flapper))
	_ = f.Client().Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "flap"}})
	if !strings.Contains(strings.Join(fake.errors, "\n"), "writes without a change") {
		t.Errorf("a simulator that always writes was not reported; errors: %q", fake.errors)
	}
}

// recordingTB captures the errors a Fake reports instead of failing.
type recordingTB struct {
	testing.TB

	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func widgetFake(t *testing.T) (*hubtest.Fake, *unstructured.Unstructured) {
	t.Helper()
	crd, err := conformance.WidgetCRD()
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithCRDs(crd))
	w := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "w", "namespace": "default"}, "spec": map[string]any{"size": "small"}}}
	w.SetGroupVersionKind(conformance.WidgetKind)
	if err := f.Client().Create(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	return f, w
}

func TestPatchesAreValidated(t *testing.T) {
	cases := map[string]struct {
		reason  string
		status  bool
		patch   string
		invalid bool
		check   func(*unstructured.Unstructured) bool
	}{
		"SpecPatch": {reason: "A valid merge patch of the spec is stored.", patch: `{"spec":{"size":"large"}}`, check: func(u *unstructured.Unstructured) bool {
			s, _, _ := unstructured.NestedString(u.Object, "spec", "size")
			return s == "large"
		}},
		"InvalidSpecPatch": {reason: "A merge patch that breaks the schema is Invalid and undone.", patch: `{"spec":{"size":"huge"}}`, invalid: true},
		"StatusPatch": {reason: "A valid status patch is stored.", status: true, patch: `{"status":{"phase":"Running"}}`, check: func(u *unstructured.Unstructured) bool {
			s, _, _ := unstructured.NestedString(u.Object, "status", "phase")
			return s == "Running"
		}},
		"InvalidStatusPatch": {reason: "A status patch that breaks the schema is Invalid and undone.", status: true, patch: `{"status":{"ready":"yes"}}`, invalid: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			f, w := widgetFake(t)
			before := w.GetResourceVersion()
			target := &unstructured.Unstructured{}
			target.SetGroupVersionKind(conformance.WidgetKind)
			target.SetNamespace("default")
			target.SetName("w")
			patch := client.RawPatch(types.MergePatchType, []byte(tc.patch))
			var err error
			if tc.status {
				err = f.Client().Status().Patch(ctx, target, patch)
			} else {
				err = f.Client().Patch(ctx, target, patch)
			}
			stored := &unstructured.Unstructured{}
			stored.SetGroupVersionKind(conformance.WidgetKind)
			if gerr := f.Client().Get(ctx, client.ObjectKey{Namespace: "default", Name: "w"}, stored); gerr != nil {
				t.Fatal(gerr)
			}
			if tc.invalid {
				size, _, _ := unstructured.NestedString(stored.Object, "spec", "size")
				_, hasReady, _ := unstructured.NestedFieldNoCopy(stored.Object, "status", "ready")
				if !hub.IsInvalid(err) || size != "small" || hasReady {
					t.Errorf("\nReason: %s\npatch = %v, stored size %q, ready present %v; want Invalid and nothing changed (was rv %s)", tc.reason, err, size, hasReady, before)
				}
				return
			}
			if err != nil || !tc.check(stored) {
				t.Errorf("\nReason: %s\npatch = %v, stored %v", tc.reason, err, stored.Object)
			}
		})
	}
}

func TestDeleteAllOf(t *testing.T) {
	ctx := t.Context()
	f := hubtest.NewFake(t, hubtest.WithObjects(
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "a", Labels: map[string]string{"batch": "1"}}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "b", Labels: map[string]string{"batch": "1"}}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "c"}},
	))
	if err := f.Client().DeleteAllOf(ctx, &corev1.ConfigMap{}, client.InNamespace("default"), client.MatchingLabels{"batch": "1"}); err != nil {
		t.Fatal(err)
	}
	var left corev1.ConfigMapList
	if err := f.Client().List(ctx, &left, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(left.Items))
	for _, cm := range left.Items {
		names = append(names, cm.Name)
	}
	// kube-root-ca.crt is published into every namespace, as on a real
	// cluster, and the selector does not match it.
	if diff := cmp.Diff([]string{"c", "kube-root-ca.crt"}, names); diff != "" {
		t.Errorf("DeleteAllOf with a selector: -want, +got:\n%s", diff)
	}
}

func TestStatusFaults(t *testing.T) {
	f, w := widgetFake(t)
	f.InjectFault(hubtest.Fault{Verb: hubtest.VerbUpdate, Subresource: "status", Reason: metav1.StatusReasonConflict, Times: 1})
	if err := f.Client().Update(t.Context(), w); err != nil {
		t.Errorf("a status fault hit the main resource: %v", err)
	}
	if err := f.Client().Status().Update(t.Context(), w); !hub.IsConflict(err) {
		t.Errorf("the status update = %v, want the injected Conflict", err)
	}
}

// hubtest registers no command-line flag, so a program or a test binary
// that imports it may define its own -update.
func TestRegistersNoFlag(t *testing.T) {
	if f := flag.Lookup("update"); f != nil {
		t.Errorf("a flag -update is registered (%q): hubtest must register none", f.Usage)
	}
}

// New reports setup problems as errors: a program is never ended by it.
func TestNewReturnsSetupErrors(t *testing.T) {
	_, err := hubtest.New(hubtest.WithFixtures(filepath.Join(t.TempDir(), "missing.yaml")))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing fixture = %v; want an error naming it", err)
	}
	f, err := hubtest.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.NewHub(hub.WithNamespace("team-a"))
	if err != nil || c.Namespace() != "team-a" {
		t.Errorf("NewHub = %v, %v; want a client of namespace team-a", c, err)
	}
}

func TestRequestsAreCounted(t *testing.T) {
	ctx := t.Context()
	f := hubtest.NewFake(t)
	f.ResetRequests() // setup made requests of its own
	cms := hub.For[*corev1.ConfigMap](f.Hub())
	if err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "a"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	f.InjectFault(hubtest.Fault{Verb: hubtest.VerbGet, Reason: metav1.StatusReasonNotFound, Times: 1})
	if _, err := cms.Get(ctx, "a"); !hub.IsNotFound(err) {
		t.Fatalf("the injected fault = %v", err)
	}
	if err := cms.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	configMap := schema.GroupKind{Kind: "ConfigMap"}
	want := map[hubtest.RequestKind]int{
		{Verb: hubtest.VerbCreate, Kind: configMap}: 1,
		{Verb: hubtest.VerbGet, Kind: configMap}:    2,
		{Verb: hubtest.VerbDelete, Kind: configMap}: 1,
	}
	if diff := cmp.Diff(want, f.Requests()); diff != "" {
		t.Errorf("requests: -want, +got:\n%s", diff)
	}
	if f.Writes() != 2 {
		t.Errorf("writes = %d, want 2 (the create and the delete)", f.Writes())
	}
	f.ResetRequests()
	if len(f.Requests()) != 0 || f.Writes() != 0 {
		t.Errorf("after a reset: %v", f.Requests())
	}
}

// A kind the scheme knows but no installed CRD defines is refused, as a
// real cluster's clients refuse it: "no matches for kind".
func TestKindsWithoutCRDAreRefused(t *testing.T) {
	ctx := t.Context()
	scheme, err := hub.NewScheme(func(s *runtime.Scheme) error {
		s.AddKnownTypeWithName(conformance.WidgetKind, &unstructured.Unstructured{})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme))
	w := &unstructured.Unstructured{}
	w.SetGroupVersionKind(conformance.WidgetKind)
	w.SetNamespace("default")
	w.SetName("orphan")
	if err := f.Client().Create(ctx, w); !meta.IsNoMatchError(err) {
		t.Errorf("creating a Widget before its CRD = %v; want no matches for kind", err)
	}
	crd, err := conformance.WidgetCRD()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.InstallCRDs(ctx, crd); err != nil {
		t.Fatal(err)
	}
	w.Object["spec"] = map[string]any{"size": "small"}
	if err := f.Client().Create(ctx, w); err != nil {
		t.Errorf("creating a Widget once its CRD is installed = %v", err)
	}
}

// A claim created by server-side apply, as reconcile.Ensure creates its
// children, is defaulted and bound like one made by Create.
func TestApplyKindWithoutStatus(t *testing.T) {
	// A NetworkPolicy has no status in the API server's schema; its Go
	// type's empty status must not make the apply fail.
	ctx := t.Context()
	f := hubtest.NewFake(t, hubtest.WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	policies := hub.For[*networkingv1.NetworkPolicy](f.Hub(hub.WithFieldOwner("test"), hub.WithNamespace("team-a")))
	policy := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: "same-namespace"},
		Spec: networkingv1.NetworkPolicySpec{
			Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}}},
		},
	}
	if err := policies.Apply(ctx, policy); err != nil {
		t.Fatalf("applying a NetworkPolicy: %v", err)
	}
	got, err := policies.Get(ctx, "same-namespace")
	if err != nil || len(got.Spec.Ingress) != 1 || len(got.ManagedFields) != 1 || got.ManagedFields[0].Manager != "test" {
		t.Errorf("the applied NetworkPolicy: %v, %+v; want its ingress rule, managed by test", err, got)
	}
}

func TestAppliedClaimsAreAdmittedAndBound(t *testing.T) {
	ctx := t.Context()
	f := hubtest.NewFake(t, hubtest.WithObjects(&storagev1.StorageClass{
		ObjectMeta:  metav1.ObjectMeta{Name: "standard", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner: "example.com/disk",
	}))
	claims := hub.For[*corev1.PersistentVolumeClaim](f.Hub(hub.WithFieldOwner("test")))
	claim := &corev1.PersistentVolumeClaim{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: metav1.ObjectMeta{Name: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}
	if err := claims.Apply(ctx, claim); err != nil {
		t.Fatal(err)
	}
	got, err := claims.Get(ctx, "data")
	if err != nil {
		t.Fatal(err)
	}
	if ptr.Deref(got.Spec.StorageClassName, "") != "standard" || got.Status.Phase != corev1.ClaimBound || got.Spec.VolumeName == "" {
		t.Errorf("an applied claim: class %q, phase %q, volume %q; want standard, Bound, a volume",
			ptr.Deref(got.Spec.StorageClassName, ""), got.Status.Phase, got.Spec.VolumeName)
	}
}

// Under WithAsyncControllers a controller acts after the write returns: a
// read right after the write sees what a real cluster shows at first, and
// Settle waits for the controller.
func TestAsyncControllers(t *testing.T) {
	ctx := t.Context()
	release := make(chan struct{})
	labeller := hubtest.SimulatorFunc(func(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
		cm, ok := ev.Object.(*corev1.ConfigMap)
		if !ok || ev.Type != hubtest.EventCreated || cm.Name != "gated" {
			return nil
		}
		<-release
		cm.Labels = map[string]string{"seen": "yes"}
		return f.Client().Update(ctx, cm)
	})
	f := hubtest.NewFake(t, hubtest.WithAsyncControllers(), hubtest.WithSimulators(labeller))
	cms := hub.For[*corev1.ConfigMap](f.Hub())
	if err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "gated"}}); err != nil {
		t.Fatal(err)
	}
	got, err := cms.Get(ctx, "gated")
	if err != nil || got.Labels["seen"] != "" {
		t.Fatalf("right after the write = %v, %v; want the object as written, before the controller acted", got.Labels, err)
	}
	close(release)
	if err := f.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := cms.Get(ctx, "gated"); err != nil || got.Labels["seen"] != "yes" {
		t.Errorf("after Settle = %v, %v; want the controller's label", got.Labels, err)
	}
	deployments := hub.For[*appsv1.Deployment](f.Hub())
	replicas := int32(2)
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: appsv1.DeploymentSpec{
		Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}},
	}}
	if err := deployments.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := f.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := deployments.Get(ctx, "web"); err != nil || got.Status.AvailableReplicas != 2 {
		t.Errorf("a deployment after Settle = %+v, %v; want 2 available", got.Status, err)
	}
}

// A simulator made with SimulatorOf sees the events of its kinds only.
func TestSimulatorOfSeesItsKindsOnly(t *testing.T) {
	ctx := t.Context()
	var seen []string
	secretsOnly := hubtest.SimulatorOf(func(_ context.Context, _ *hubtest.Fake, ev hubtest.Event) error {
		seen = append(seen, string(ev.Type)+" "+ev.Kind.Kind+" "+ev.Object.GetName())
		return nil
	}, schema.GroupKind{Kind: "Secret"})
	f := hubtest.NewFake(t, hubtest.WithSimulators(secretsOnly))
	c := f.Client()
	for _, obj := range []client.Object{
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "settings"}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "token"}},
	} {
		if err := c.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]string{"Created Secret token"}, seen); diff != "" {
		t.Errorf("events a Secret simulator saw: -want, +got:\n%s", diff)
	}
}

// A watch whose reader is away while a burst of writes happens neither
// fails a write nor loses an event (client-go's tracker panics once 100
// events wait), and it keeps reporting across a CRD install, which rebuilds
// the store.
func TestWatchQueuesABurst(t *testing.T) {
	ctx := t.Context()
	f := hubtest.NewFake(t)
	w, err := f.Client().Watch(ctx, &corev1.ConfigMapList{}, client.InNamespace("default"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	const burst = 500
	for i := range burst {
		if err := f.Client().Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: fmt.Sprintf("cm-%03d", i)}}); err != nil {
			t.Fatalf("create %d while nobody reads the watch: %v", i, err)
		}
	}
	crd, err := conformance.WidgetCRD()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.InstallCRDs(ctx, crd); err != nil {
		t.Fatal(err)
	}
	if err := f.Client().Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "after-install"}}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for len(names) < burst+1 {
		select {
		case ev := <-w.ResultChan():
			if cm, ok := ev.Object.(*corev1.ConfigMap); ok && ev.Type == "ADDED" && cm.Name != "kube-root-ca.crt" {
				names = append(names, cm.Name)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("the watch delivered %d of %d events", len(names), burst+1)
		}
	}
	if names[0] != "cm-000" || names[burst-1] != fmt.Sprintf("cm-%03d", burst-1) || names[burst] != "after-install" {
		t.Errorf("events out of order: first %s, last of the burst %s, then %s", names[0], names[burst-1], names[burst])
	}
}

// A simulator sees an object in the type the scheme gives its kind, even
// when it was written as unstructured (as a REST API writes custom
// resources), so that a simulated operator reconciles it as a watch would
// have it.
func TestSimulatorsSeeTypedObjects(t *testing.T) {
	ctx := t.Context()
	var seen []string
	typed := hubtest.SimulatorOf(func(_ context.Context, _ *hubtest.Fake, ev hubtest.Event) error {
		if ev.Object.GetName() == "written-unstructured" {
			seen = append(seen, fmt.Sprintf("%s %T", ev.Type, ev.Object))
		}
		return nil
	}, schema.GroupKind{Kind: "ConfigMap"})
	f := hubtest.NewFake(t, hubtest.WithSimulators(typed))
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"namespace": "default", "name": "written-unstructured"},
		"data":     map[string]any{"k": "v"},
	}}
	if err := f.Client().Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Created *v1.ConfigMap"}, seen); diff != "" {
		t.Errorf("what the simulator saw: -want, +got:\n%s", diff)
	}
}
