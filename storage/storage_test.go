package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/storage"
)

func fieldPaths(errs field.ErrorList) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, string(e.Type)+" "+e.Field)
	}
	return out
}

func TestClaimValidate(t *testing.T) {
	cases := map[string]struct {
		reason string
		claim  storage.ClaimRequest
		want   []string
	}{
		"Valid": {
			reason: "A named claim of positive size with known modes is valid.",
			claim:  storage.NewClaim("data", storage.Gi(5), storage.WithAccessModes(corev1.ReadWriteMany), storage.WithVolumeMode(corev1.PersistentVolumeBlock), storage.WithStorageClass("fast")),
		},
		"BadName": {
			reason: "The name must be a DNS subdomain.",
			claim:  storage.NewClaim("Data_1", storage.Gi(1)),
			want:   []string{"FieldValueInvalid metadata.name"},
		},
		"EmptyName": {
			reason: "A claim needs a name.",
			claim:  storage.NewClaim("", storage.Gi(1)),
			want:   []string{"FieldValueInvalid metadata.name", "FieldValueRequired metadata.name"},
		},
		"ZeroSize": {
			reason: "A size of zero is refused.",
			claim:  storage.NewClaim("data", resource.MustParse("0")),
			want:   []string{"FieldValueInvalid spec.resources.requests.storage"},
		},
		"NegativeSize": {
			reason: "A negative size is refused.",
			claim:  storage.NewClaim("data", resource.MustParse("-1Gi")),
			want:   []string{"FieldValueInvalid spec.resources.requests.storage"},
		},
		"UnknownAccessMode": {
			reason: "Only the four standard access modes exist.",
			claim:  storage.NewClaim("data", storage.Gi(1), storage.WithAccessModes(corev1.ReadWriteOnce, "WriteSometimes")),
			want:   []string{"FieldValueNotSupported spec.accessModes[1]"},
		},
		"DuplicateAccessMode": {
			reason: "An access mode is named once.",
			claim:  storage.NewClaim("data", storage.Gi(1), storage.WithAccessModes(corev1.ReadOnlyMany, corev1.ReadOnlyMany)),
			want:   []string{"FieldValueDuplicate spec.accessModes[1]"},
		},
		"ReadWriteOncePodAlone": {
			reason: "ReadWriteOncePod excludes the others, as the API server says.",
			claim:  storage.NewClaim("data", storage.Gi(1), storage.WithAccessModes(corev1.ReadWriteOncePod, corev1.ReadWriteOnce)),
			want:   []string{"FieldValueForbidden spec.accessModes"},
		},
		"UnknownVolumeMode": {
			reason: "Volume modes are Filesystem and Block.",
			claim:  storage.NewClaim("data", storage.Gi(1), storage.WithVolumeMode("Tape")),
			want:   []string{"FieldValueNotSupported spec.volumeMode"},
		},
		"BadVolumeAndClass": {
			reason: "Every bad field is reported, not just the first.",
			claim:  storage.NewClaim("data", storage.Gi(1), storage.WithVolumeName("Vol!"), storage.WithStorageClass("Gold Class")),
			want:   []string{"FieldValueInvalid spec.volumeName", "FieldValueInvalid spec.storageClassName"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, fieldPaths(tc.claim.Validate()), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// FuzzClaim checks that no claim makes Validate or Build panic, and that a
// claim Validate accepts builds a PVC with its size and a name.
func FuzzClaim(f *testing.F) {
	f.Add("data", "5Gi", "fast", "ReadWriteOnce", "Filesystem", "")
	f.Add("", "0", "", "Nope", "Tape", "Vol!")
	f.Add("a.b-c", "1e3", "x", "ReadWriteOncePod", "Block", "pv-1")
	f.Fuzz(func(t *testing.T, name, size, class, mode, volumeMode, volume string) {
		q, err := resource.ParseQuantity(size)
		if err != nil {
			return
		}
		claim := storage.NewClaim(name, q, storage.WithStorageClass(class), storage.WithAccessModes(corev1.PersistentVolumeAccessMode(mode)),
			storage.WithVolumeMode(corev1.PersistentVolumeMode(volumeMode)), storage.WithVolumeName(volume))
		errs := claim.Validate()
		pvc := claim.Build("ns")
		if len(errs) == 0 {
			got := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
			if pvc.Name != name || got.Cmp(q) != 0 || q.Sign() <= 0 {
				t.Fatalf("a valid claim built %+v", pvc)
			}
		}
	})
}

func fixture(extra ...client.Object) []client.Object {
	wffc := storagev1.VolumeBindingWaitForFirstConsumer
	return append([]client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "fast", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}}, Provisioner: "fast.csi"},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "local"}, Provisioner: "local.csi", VolumeBindingMode: &wffc},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "archive"}, Provisioner: "tape.csi"},
	}, extra...)
}

func newClient(t *testing.T, objs []client.Object, opts ...storage.Option) (*storage.Client, *hubtest.Fake) {
	t.Helper()
	f := hubtest.NewFake(t, hubtest.WithObjects(objs...))
	c := f.Hub(hub.WithNamespace("team-a"),
		hub.WithSelector(schema.GroupKind{Kind: "PersistentVolumeClaim"}, hub.MustParseSelector("app.kubernetes.io/managed-by=krm")))
	return storage.NewClient(c, opts...), f
}

func TestCreateAndList(t *testing.T) {
	cases := map[string]struct {
		reason    string
		opts      []storage.Option
		claim     storage.ClaimRequest
		want      storage.ClaimInfo
		wantField string
	}{
		"BindsImmediately": {
			reason: "A claim of an Immediate class binds, and is listed Bound with its volume and size.",
			claim:  storage.NewClaim("data", storage.Gi(5), storage.WithStorageClass("fast")),
			want:   storage.ClaimInfo{Name: "data", Phase: corev1.ClaimBound, StorageClass: "fast", SizeGi: 5},
		},
		"DefaultClass": {
			reason: "Without a class the cluster's default applies.",
			claim:  storage.NewClaim("data", resource.MustParse("1500Mi")),
			want:   storage.ClaimInfo{Name: "data", Phase: corev1.ClaimBound, StorageClass: "fast", SizeGi: 2},
		},
		"WaitsForConsumer": {
			reason: "A WaitForFirstConsumer claim is listed Pending without a volume.",
			claim:  storage.NewClaim("data", storage.Gi(3), storage.WithStorageClass("local")),
			want:   storage.ClaimInfo{Name: "data", Phase: corev1.ClaimPending, StorageClass: "local", SizeGi: 3},
		},
		"MissingClass": {
			reason:    "A class the cluster does not have is refused before anything is sent.",
			claim:     storage.NewClaim("data", storage.Gi(1), storage.WithStorageClass("gold")),
			wantField: "spec.storageClassName",
		},
		"ClassNotAllowed": {
			reason:    "A class outside the allow-list is refused.",
			opts:      []storage.Option{storage.WithStorageClasses("fast", "local")},
			claim:     storage.NewClaim("data", storage.Gi(1), storage.WithStorageClass("archive")),
			wantField: "spec.storageClassName",
		},
		"InvalidClaim": {
			reason:    "An invalid claim is a ValidationError with its fields.",
			claim:     storage.NewClaim("data", resource.MustParse("0")),
			wantField: "spec.resources.requests.storage",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c, f := newClient(t, fixture(), tc.opts...)
			_, err := c.Create(ctx, tc.claim)
			if tc.wantField != "" {
				var ve *hub.ValidationError
				if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Field != tc.wantField {
					t.Fatalf("\nReason: %s\nCreate = %v, want a ValidationError on %s", tc.reason, err, tc.wantField)
				}
				var pvcs corev1.PersistentVolumeClaimList
				if err := f.Client().List(ctx, &pvcs); err != nil || len(pvcs.Items) != 0 {
					t.Errorf("\nReason: %s\na refused claim left %d objects behind", tc.reason, len(pvcs.Items))
				}
				return
			}
			if err != nil {
				t.Fatalf("\nReason: %s\nCreate: %v", tc.reason, err)
			}
			list, err := c.List(ctx)
			if err != nil || len(list) != 1 {
				t.Fatalf("\nReason: %s\nList = %v, %v", tc.reason, list, err)
			}
			got := list[0]
			if (got.Volume != "") != (tc.want.Phase == corev1.ClaimBound) {
				t.Errorf("\nReason: %s\nvolume %q for phase %s", tc.reason, got.Volume, got.Phase)
			}
			if got.Labels[hub.ManagedByLabel] != hub.DefaultManagedBy || got.Created.IsZero() {
				t.Errorf("\nReason: %s\nlabels %v, created %v; want the managed-by label and a creation time", tc.reason, got.Labels, got.Created)
			}
			ignore := cmpopts.IgnoreFields(storage.ClaimInfo{}, "Volume", "Labels", "Created", "AccessModes", "VolumeMode")
			if diff := cmp.Diff(tc.want, got, ignore); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if got.VolumeMode != corev1.PersistentVolumeFilesystem || !cmp.Equal(got.AccessModes, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}) {
				t.Errorf("\nReason: %s\nthe defaults: mode %q, access %v", tc.reason, got.VolumeMode, got.AccessModes)
			}
		})
	}
}

func TestListShowsOnlyRelevantClaims(t *testing.T) {
	foreign := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "foreign"},
		Spec:       corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: storage.Gi(1)}}},
	}
	c, _ := newClient(t, fixture(foreign))
	ctx := t.Context()
	if _, err := c.Create(ctx, storage.NewClaim("mine", storage.Gi(1))); err != nil {
		t.Fatal(err)
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "mine" {
		t.Errorf("List = %v; want only the claim the selector selects", list)
	}
	if _, err := c.Get(ctx, "foreign"); !hub.IsNotFound(err) {
		t.Errorf("Get of an unmanaged claim = %v, want NotFound", err)
	}
	if err := c.Delete(ctx, "foreign"); !hub.IsNotFound(err) {
		t.Errorf("Delete of an unmanaged claim = %v, want NotFound", err)
	}
}

func TestStorageClasses(t *testing.T) {
	cases := map[string]struct {
		reason string
		opts   []storage.Option
		want   []string
	}{
		"All":       {reason: "Without an allow-list every class is offered.", want: []string{"archive", "fast", "local"}},
		"AllowList": {reason: "The allow-list narrows the offer.", opts: []storage.Option{storage.WithStorageClasses("local", "fast", "missing")}, want: []string{"fast", "local"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := newClient(t, fixture(), tc.opts...)
			classes, err := c.StorageClasses(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			names := make([]string, 0, len(classes))
			for _, class := range classes {
				names = append(names, class.Name)
				if class.Name == "fast" && !class.Default {
					t.Errorf("\nReason: %s\nthe default class is not marked default", tc.reason)
				}
				if class.Name == "local" && class.VolumeBindingMode != storagev1.VolumeBindingWaitForFirstConsumer {
					t.Errorf("\nReason: %s\nlocal's binding mode is %q", tc.reason, class.VolumeBindingMode)
				}
			}
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func podMounting(name, claim string, phase corev1.PodPhase) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: name},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Image: "busybox"}},
			Volumes:    []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}}},
		},
		Status: corev1.PodStatus{Phase: phase},
	}
}

func jobMounting(name, claim string) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: name},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "c", Image: "busybox"}},
			Volumes:       []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}}},
		}}},
	}
}

func TestDeleteRefusesMountedClaims(t *testing.T) {
	cases := map[string]struct {
		reason   string
		users    []client.Object
		finish   func(t *testing.T, f *hubtest.Fake)
		force    bool
		wantPods []string
		wantJobs []string
	}{
		"Unused": {
			reason: "An unused claim is deleted.",
		},
		"MountedByPod": {
			reason:   "A running pod that mounts the claim blocks the delete and is named.",
			users:    []client.Object{podMounting("notebook", "data", "")},
			wantPods: []string{"notebook"},
		},
		"MountedByJob": {
			reason:   "An unfinished job that mounts the claim blocks the delete and is named.",
			users:    []client.Object{jobMounting("train", "data")},
			wantJobs: []string{"train"},
		},
		"FinishedJob": {
			reason: "A finished job no longer holds the claim.",
			users:  []client.Object{jobMounting("train", "data")},
			finish: func(t *testing.T, f *hubtest.Fake) {
				t.Helper()
				if err := f.CompleteJob(t.Context(), "team-a", "train"); err != nil {
					t.Fatal(err)
				}
			},
		},
		"OtherClaim": {
			reason: "Pods mounting other claims do not matter.",
			users:  []client.Object{podMounting("other", "scratch", "")},
		},
		"Forced": {
			reason: "Force deletes a mounted claim.",
			users:  []client.Object{podMounting("notebook", "data", ""), jobMounting("train", "data")},
			force:  true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c, f := newClient(t, fixture())
			if _, err := c.Create(ctx, storage.NewClaim("data", storage.Gi(1))); err != nil {
				t.Fatal(err)
			}
			for _, u := range tc.users {
				if err := f.Client().Create(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			if tc.finish != nil {
				tc.finish(t, f)
			}
			var opts []storage.DeleteOption
			if tc.force {
				opts = append(opts, storage.Force())
			}
			err := c.Delete(ctx, "data", opts...)
			if len(tc.wantPods)+len(tc.wantJobs) > 0 {
				var inUse *storage.InUseError
				if !errors.As(err, &inUse) {
					t.Fatalf("\nReason: %s\nDelete = %v, want an InUseError", tc.reason, err)
				}
				if diff := cmp.Diff(&storage.InUseError{Claim: "data", Pods: tc.wantPods, Jobs: tc.wantJobs}, inUse); diff != "" {
					t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
				}
				for _, n := range append(tc.wantPods, tc.wantJobs...) {
					if !strings.Contains(err.Error(), n) {
						t.Errorf("\nReason: %s\nthe error %q does not name %s", tc.reason, err, n)
					}
				}
				if _, err := c.Get(ctx, "data"); err != nil {
					t.Errorf("\nReason: %s\nthe refused claim is gone: %v", tc.reason, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("\nReason: %s\nDelete: %v", tc.reason, err)
			}
			if _, err := c.Get(ctx, "data"); !hub.IsNotFound(err) {
				t.Errorf("\nReason: %s\nthe claim survived: %v", tc.reason, err)
			}
		})
	}
}

func TestWaitAndReadiness(t *testing.T) {
	c, _ := newClient(t, fixture())
	ctx := t.Context()
	for _, claim := range []storage.ClaimRequest{
		storage.NewClaim("bound", storage.Gi(1), storage.WithStorageClass("fast")),
		storage.NewClaim("pending", storage.Gi(1), storage.WithStorageClass("local")),
	} {
		if _, err := c.Create(ctx, claim); err != nil {
			t.Fatal(err)
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	got, err := c.Wait(waitCtx, "bound")
	if err != nil {
		t.Fatalf("Wait for a claim of an Immediate class: %v", err)
	}
	if r := got.Readiness(); !r.Ready || r.State != string(corev1.ClaimBound) || !strings.Contains(r.Message, got.Volume) {
		t.Errorf("Readiness of a bound claim = %+v, want Ready, Bound, naming volume %q", r, got.Volume)
	}
	pending, err := c.Get(ctx, "pending")
	if err != nil {
		t.Fatal(err)
	}
	if r := pending.Readiness(); r.Ready || r.State != string(corev1.ClaimPending) {
		t.Errorf("Readiness of a claim waiting for its first consumer = %+v, want Pending, not ready", r)
	}
	shortCtx, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	if _, err := c.Wait(shortCtx, "pending"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait for a claim that never binds = %v, want the context's deadline", err)
	}
	if _, err := c.Wait(ctx, "missing"); !hub.IsNotFound(err) {
		t.Errorf("Wait for a claim that does not exist = %v, want NotFound at once", err)
	}
}

func TestOptionsFromEnv(t *testing.T) {
	cases := map[string]struct {
		reason        string
		env           map[string]string
		wantManagedBy string
		wantClasses   []string
	}{
		"Unset": {
			reason:        "Without the resource manager's settings the defaults stay: krm, every class.",
			wantManagedBy: hub.DefaultManagedBy, wantClasses: []string{"archive", "fast", "local"},
		},
		"Both": {
			reason:        "K8S_PVC_MANAGED_BY labels the claims; K8S_PVC_STORAGE_CLASSES, comma-separated with blanks, narrows the classes.",
			env:           map[string]string{storage.EnvManagedBy: "dhcore", storage.EnvStorageClasses: " local , ,missing"},
			wantManagedBy: "dhcore", wantClasses: []string{"local"},
		},
		"EmptyList": {
			reason:        "An empty list allows every class, as in the resource manager.",
			env:           map[string]string{storage.EnvStorageClasses: " , "},
			wantManagedBy: hub.DefaultManagedBy, wantClasses: []string{"archive", "fast", "local"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c, _ := newClient(t, fixture(), storage.OptionsFromEnv(func(k string) string { return tc.env[k] })...)
			classes, err := c.StorageClasses(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, 0, len(classes))
			for _, class := range classes {
				got = append(got, class.Name)
			}
			if diff := cmp.Diff(tc.wantClasses, got); diff != "" {
				t.Errorf("\nReason: %s\nclasses: -want, +got:\n%s", tc.reason, diff)
			}
			info, err := c.Create(ctx, storage.NewClaim("data", storage.Gi(1), storage.WithStorageClass("local")))
			if err != nil {
				t.Fatal(err)
			}
			if info.Labels[hub.ManagedByLabel] != tc.wantManagedBy {
				t.Errorf("\nReason: %s\nmanaged-by %q, want %q", tc.reason, info.Labels[hub.ManagedByLabel], tc.wantManagedBy)
			}
		})
	}
}
