package tenancy_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/tenancy"
)

// storageInfo is a StorageInfoSecret of namespace ns holding data.
func storageInfo(ns string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: tenancy.StorageInfoSecret}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

// nfsInfo is the storage info of a personal volume served over NFS.
var nfsInfo = map[string]string{
	tenancy.KeyVolumeType: tenancy.VolumeTypeNFS, tenancy.KeyServerName: "nfs.hubkit.example", tenancy.KeyPath: "/homes/ada",
}

// mountFieldErrors returns the type and path of each field error of err,
// a *hub.ValidationError, and whether err is one.
func mountFieldErrors(err error) ([]hubtest.FieldError, bool) {
	ve, ok := errors.AsType[*hub.ValidationError](err)
	if !ok {
		return nil, false
	}
	return hubtest.FieldErrors(ve.Errors), true
}

func TestPersonalVolumeSource(t *testing.T) {
	dirOrCreate := corev1.HostPathDirectoryOrCreate
	cases := map[string]struct {
		reason string
		info   *corev1.Secret
		want   corev1.VolumeSource
		// errs are the expected field errors; nil when none.
		errs []hubtest.FieldError
		// message is part of the error's text, hidden are values it must
		// not show.
		message string
		hidden  []string
	}{
		"NFS": {
			reason: "An nfs volume type mounts the server's export.",
			info:   storageInfo("tenant-ada", nfsInfo),
			want:   corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.hubkit.example", Path: "/homes/ada"}},
		},
		"HostPath": {
			reason: "A hostPath volume type mounts the node's directory, made if it is missing; a server is not needed.",
			info:   storageInfo("tenant-ada", map[string]string{tenancy.KeyVolumeType: tenancy.VolumeTypeHostPath, tenancy.KeyPath: "/var/hubkit/ada"}),
			want:   corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/hubkit/ada", Type: &dirOrCreate}},
		},
		"StringData": {
			reason: "A Secret not yet written holds its keys in StringData, and they are read from there.",
			info:   &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: tenancy.StorageInfoSecret}, StringData: nfsInfo},
			want:   corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.hubkit.example", Path: "/homes/ada"}},
		},
		"DataBeforeStringData": {
			reason: "A key of Data wins over the same key of StringData; a key Data lacks comes from StringData.",
			info: &corev1.Secret{
				Data:       map[string][]byte{tenancy.KeyVolumeType: []byte("nfs"), tenancy.KeyPath: []byte("/from/data")},
				StringData: map[string]string{tenancy.KeyPath: "/from/string-data", tenancy.KeyServerName: "nfs.hubkit.example"},
			},
			want: corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.hubkit.example", Path: "/from/data"}},
		},
		"MissingKeys": {
			reason: "An nfs volume needs a server and a path; each missing key has its own error.",
			info:   storageInfo("tenant-ada", map[string]string{tenancy.KeyVolumeType: tenancy.VolumeTypeNFS}),
			errs: []hubtest.FieldError{
				{Type: field.ErrorTypeRequired, Field: "data[server-name]"},
				{Type: field.ErrorTypeRequired, Field: "data[path]"},
			},
			message: `Secret "mydrive-info" is invalid`,
		},
		"EmptyPath": {
			reason: "An empty value is as good as a missing one, in StringData too.",
			info:   &corev1.Secret{StringData: map[string]string{tenancy.KeyVolumeType: tenancy.VolumeTypeHostPath, tenancy.KeyPath: ""}},
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "stringData[path]"}},
		},
		"CrownLabsSecret": {
			reason: "CrownLabs' own Secret has a server and a path and no volume type: it is an NFS one.",
			info:   storageInfo("tenant-ada", map[string]string{tenancy.KeyServerName: "nfs.hubkit.example", tenancy.KeyPath: "/homes/ada"}),
			want:   corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.hubkit.example", Path: "/homes/ada"}},
		},
		"NoVolumeType": {
			reason: "Without a volume type or a server, nothing says what to mount.",
			info:   storageInfo("tenant-ada", map[string]string{tenancy.KeyPath: "/homes/ada"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "data[volume-type]"}},
			hidden: []string{"/homes/ada"},
		},
		"UnknownVolumeType": {
			reason:  "An unknown volume type is named in the error, with the supported ones.",
			info:    storageInfo("tenant-ada", map[string]string{tenancy.KeyVolumeType: "NFS", tenancy.KeyServerName: "nfs.hubkit.example", tenancy.KeyPath: "/homes/ada"}),
			errs:    []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "data[volume-type]"}},
			message: `data[volume-type]: Unsupported value: "NFS": supported values: "nfs", "hostPath"`,
			hidden:  []string{"nfs.hubkit.example", "/homes/ada"},
		},
		"RelativePath": {
			reason: "A path must be absolute; the error does not show the Secret's value.",
			info:   storageInfo("tenant-ada", map[string]string{tenancy.KeyVolumeType: tenancy.VolumeTypeHostPath, tenancy.KeyPath: "var/private-ada"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "data[path]"}},
			hidden: []string{"var/private-ada"},
		},
		"PathGoesUp": {
			reason: "A path may not go up with '..', as Kubernetes refuses it in a pod.",
			info:   storageInfo("tenant-ada", map[string]string{tenancy.KeyVolumeType: tenancy.VolumeTypeNFS, tenancy.KeyServerName: "nfs", tenancy.KeyPath: "/homes/../etc"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "data[path]"}},
			hidden: []string{"/homes/../etc"},
		},
		"Nil": {
			reason:  "No Secret is an error, not a panic.",
			message: "no storage-info secret",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := tenancy.PersonalVolumeSource(tc.info)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nPersonalVolumeSource(...): -want, +got:\n%s", tc.reason, diff)
			}
			wantErr := tc.errs != nil || tc.message != ""
			if (err != nil) != wantErr {
				t.Fatalf("%s\nPersonalVolumeSource(...): error %v, want an error: %t", tc.reason, err, wantErr)
			}
			if err == nil {
				return
			}
			if tc.errs != nil {
				errs, ok := mountFieldErrors(err)
				if !ok || !hub.IsInvalid(err) {
					t.Fatalf("%s\nPersonalVolumeSource(...): error %v is not a *hub.ValidationError", tc.reason, err)
				}
				if diff := cmp.Diff(tc.errs, errs); diff != "" {
					t.Errorf("%s\nPersonalVolumeSource(...): field errors: -want, +got:\n%s", tc.reason, diff)
				}
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("%s\nPersonalVolumeSource(...): error %q does not say %q", tc.reason, err, tc.message)
			}
			for _, h := range tc.hidden {
				if strings.Contains(err.Error(), h) {
					t.Errorf("%s\nPersonalVolumeSource(...): error %q shows the Secret's value %q", tc.reason, err, h)
				}
			}
		})
	}
}

// FuzzPersonalVolumeSource feeds PersonalVolumeSource Secrets of arbitrary
// keys and values, in Data or StringData: it never panics, and a volume it
// accepts is exactly one NFS or HostPath volume with an absolute path.
func FuzzPersonalVolumeSource(f *testing.F) {
	f.Add(tenancy.KeyVolumeType, "nfs", tenancy.KeyServerName, "nfs.example", tenancy.KeyPath, "/homes/ada", uint8(0))
	f.Add(tenancy.KeyVolumeType, "hostPath", tenancy.KeyPath, "/var/ada", "other", "x", uint8(2))
	f.Add(tenancy.KeyVolumeType, "hostPath", tenancy.KeyPath, "../x", tenancy.KeyPath, "/a/../b", uint8(5))
	f.Add(tenancy.KeyVolumeType, "nfs", tenancy.KeyServerName, "", tenancy.KeyPath, "relative", uint8(7))
	f.Add("", "", "\x00", "\xff", tenancy.KeyVolumeType, "NFS", uint8(1))
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string, inStringData uint8) {
		info := &corev1.Secret{Data: map[string][]byte{}, StringData: map[string]string{}}
		for i, kv := range [][2]string{{k1, v1}, {k2, v2}, {k3, v3}} {
			if inStringData&(1<<i) != 0 {
				info.StringData[kv[0]] = kv[1]
			} else {
				info.Data[kv[0]] = []byte(kv[1])
			}
		}
		src, err := tenancy.PersonalVolumeSource(info)
		if err != nil {
			if _, ok := mountFieldErrors(err); !ok {
				t.Fatalf("PersonalVolumeSource(%v): error %v is not a *hub.ValidationError", info, err)
			}
			if diff := cmp.Diff(corev1.VolumeSource{}, src); diff != "" {
				t.Fatalf("PersonalVolumeSource(%v) failed and returned a volume: %s", info, diff)
			}
			return
		}
		lookup := func(key string) string {
			if v, ok := info.Data[key]; ok {
				return string(v)
			}
			return info.StringData[key]
		}
		var want corev1.VolumeSource
		switch {
		case src.NFS != nil && src.HostPath == nil:
			want.NFS = &corev1.NFSVolumeSource{Server: lookup(tenancy.KeyServerName), Path: lookup(tenancy.KeyPath)}
			if vt := lookup(tenancy.KeyVolumeType); vt != tenancy.VolumeTypeNFS && vt != "" || src.NFS.Server == "" {
				t.Errorf("PersonalVolumeSource(%v) = NFS volume %v", info, src.NFS)
			}
		case src.HostPath != nil && src.NFS == nil:
			want.HostPath = &corev1.HostPathVolumeSource{Path: lookup(tenancy.KeyPath), Type: new(corev1.HostPathDirectoryOrCreate)}
			if lookup(tenancy.KeyVolumeType) != tenancy.VolumeTypeHostPath {
				t.Errorf("PersonalVolumeSource(%v) = hostPath volume %v", info, src.HostPath)
			}
		default:
			t.Fatalf("PersonalVolumeSource(%v) = %v: want exactly one of NFS and HostPath", info, src)
		}
		if diff := cmp.Diff(want, src); diff != "" {
			t.Errorf("PersonalVolumeSource(%v): -want, +got:\n%s", info, diff)
		}
		if p := lookup(tenancy.KeyPath); !strings.HasPrefix(p, "/") || slices.Contains(strings.Split(p, "/"), "..") {
			t.Errorf("PersonalVolumeSource(%v) accepted the path %q", info, p)
		}
	})
}

// The volumes the tests mount.
var (
	personalSource = corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.hubkit.example", Path: "/homes/ada"}}
	sharedSource   = corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.hubkit.example", Path: "/shared"}}
	personalVolume = corev1.Volume{Name: tenancy.PersonalVolumeName, VolumeSource: personalSource}
	sharedVolume   = corev1.Volume{Name: tenancy.SharedVolumeName, VolumeSource: sharedSource}
	personalMount  = corev1.VolumeMount{Name: tenancy.PersonalVolumeName, MountPath: tenancy.PersonalMountPath}
	sharedMount    = corev1.VolumeMount{Name: tenancy.SharedVolumeName, MountPath: tenancy.SharedMountPath}
	sharedMountRO  = corev1.VolumeMount{Name: tenancy.SharedVolumeName, MountPath: tenancy.SharedMountPath, ReadOnly: true}
	scratchVolume  = corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
)

// container is a container called name that mounts mounts.
func container(name string, mounts ...corev1.VolumeMount) corev1.Container {
	return corev1.Container{Name: name, Image: "busybox", VolumeMounts: mounts}
}

func TestMountPersonalStorage(t *testing.T) {
	both := tenancy.Mounts{Personal: &personalSource, Shared: &sharedSource}
	cases := map[string]struct {
		reason string
		spec   corev1.PodSpec
		mounts tenancy.Mounts
		// want is the spec after the call; an erring call leaves it as it
		// was.
		want corev1.PodSpec
		errs []hubtest.FieldError
	}{
		"EveryContainer": {
			reason: "Both volumes go into the spec once and are mounted in every init container and container.",
			spec:   corev1.PodSpec{InitContainers: []corev1.Container{container("init")}, Containers: []corev1.Container{container("app"), container("sidecar")}},
			mounts: both,
			want: corev1.PodSpec{
				Volumes:        []corev1.Volume{personalVolume, sharedVolume},
				InitContainers: []corev1.Container{container("init", personalMount, sharedMount)},
				Containers:     []corev1.Container{container("app", personalMount, sharedMount), container("sidecar", personalMount, sharedMount)},
			},
		},
		"SharedReadOnly": {
			reason: "ReadOnlyShared mounts the shared volume read-only, the personal one stays writable.",
			spec:   corev1.PodSpec{Containers: []corev1.Container{container("app")}},
			mounts: tenancy.Mounts{Personal: &personalSource, Shared: &sharedSource, ReadOnlyShared: true},
			want: corev1.PodSpec{
				Volumes:    []corev1.Volume{personalVolume, sharedVolume},
				Containers: []corev1.Container{container("app", personalMount, sharedMountRO)},
			},
		},
		"PersonalOnly": {
			reason: "A nil shared source mounts nothing at /shared.",
			spec:   corev1.PodSpec{Containers: []corev1.Container{container("app")}},
			mounts: tenancy.Mounts{Personal: &personalSource},
			want:   corev1.PodSpec{Volumes: []corev1.Volume{personalVolume}, Containers: []corev1.Container{container("app", personalMount)}},
		},
		"Nothing": {
			reason: "Mounts with no source change nothing.",
			spec:   corev1.PodSpec{Containers: []corev1.Container{container("app")}},
			want:   corev1.PodSpec{Containers: []corev1.Container{container("app")}},
		},
		"AfterTheOwnVolumes": {
			reason: "The pod's own volumes and mounts stay, first; a volume mounted under /private does not conflict.",
			spec: corev1.PodSpec{
				Volumes:    []corev1.Volume{scratchVolume},
				Containers: []corev1.Container{container("app", corev1.VolumeMount{Name: "scratch", MountPath: "/private/tmp"})},
			},
			mounts: both,
			want: corev1.PodSpec{
				Volumes:    []corev1.Volume{scratchVolume, personalVolume, sharedVolume},
				Containers: []corev1.Container{container("app", corev1.VolumeMount{Name: "scratch", MountPath: "/private/tmp"}, personalMount, sharedMount)},
			},
		},
		"AlreadyMounted": {
			reason: "A volume already there with the same source is not added again, nor a mount at the same path ('/private/' is '/private').",
			spec: corev1.PodSpec{
				Volumes:    []corev1.Volume{sharedVolume, personalVolume},
				Containers: []corev1.Container{container("app", sharedMountRO, corev1.VolumeMount{Name: tenancy.PersonalVolumeName, MountPath: "/private/"})},
			},
			mounts: both,
			want: corev1.PodSpec{
				Volumes:    []corev1.Volume{sharedVolume, personalVolume},
				Containers: []corev1.Container{container("app", sharedMountRO, corev1.VolumeMount{Name: tenancy.PersonalVolumeName, MountPath: "/private/"})},
			},
		},
		"NewContainer": {
			reason: "A container added after an earlier call (by another webhook) gets the mounts; the volumes are not added twice.",
			spec: corev1.PodSpec{
				Volumes:    []corev1.Volume{personalVolume, sharedVolume},
				Containers: []corev1.Container{container("app", personalMount, sharedMount), container("injected")},
			},
			mounts: both,
			want: corev1.PodSpec{
				Volumes:    []corev1.Volume{personalVolume, sharedVolume},
				Containers: []corev1.Container{container("app", personalMount, sharedMount), container("injected", personalMount, sharedMount)},
			},
		},
		"PathTaken": {
			reason: "A container mounting another volume at /private is an error naming its field, and nothing changes.",
			spec: corev1.PodSpec{
				Volumes:    []corev1.Volume{scratchVolume},
				Containers: []corev1.Container{container("app"), container("tool", corev1.VolumeMount{Name: "scratch", MountPath: tenancy.PersonalMountPath})},
			},
			mounts: both,
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.containers[1].volumeMounts[0].mountPath"}},
		},
		"EveryConflict": {
			reason: "Every conflict is reported: an init container's mount at /shared/, a device at /private, a volume of the name with another source.",
			spec: corev1.PodSpec{
				Volumes: []corev1.Volume{scratchVolume, {Name: tenancy.SharedVolumeName, VolumeSource: personalSource}},
				InitContainers: []corev1.Container{container("init", corev1.VolumeMount{Name: "scratch", MountPath: "/data"},
					corev1.VolumeMount{Name: "scratch", MountPath: "/shared/"})},
				Containers: []corev1.Container{{Name: "db", VolumeDevices: []corev1.VolumeDevice{{Name: "disk", DevicePath: tenancy.PersonalMountPath}}}},
			},
			mounts: both,
			errs: []hubtest.FieldError{
				{Type: field.ErrorTypeInvalid, Field: "spec.containers[0].volumeDevices[0].devicePath"},
				{Type: field.ErrorTypeInvalid, Field: "spec.volumes[1].name"},
				{Type: field.ErrorTypeInvalid, Field: "spec.initContainers[0].volumeMounts[1].mountPath"},
			},
		},
		"VolumeNameTaken": {
			reason: "A volume called hubkit-personal with another source is an error, even when nothing mounts it.",
			spec: corev1.PodSpec{
				Volumes:    []corev1.Volume{{Name: tenancy.PersonalVolumeName, VolumeSource: scratchVolume.VolumeSource}},
				Containers: []corev1.Container{container("app")},
			},
			mounts: tenancy.Mounts{Personal: &personalSource},
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.volumes[0].name"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := tc.spec.DeepCopy()
			err := tenancy.MountPersonalStorage(spec, tc.mounts)
			errs, _ := mountFieldErrors(err)
			if diff := cmp.Diff(tc.errs, errs); diff != "" {
				t.Fatalf("%s\nMountPersonalStorage(...): field errors: -want, +got:\n%s\n(error %v)", tc.reason, diff, err)
			}
			want := tc.want
			if tc.errs != nil {
				want = tc.spec
				if !hub.IsInvalid(err) {
					t.Errorf("%s\nMountPersonalStorage(...): error %v is not Invalid", tc.reason, err)
				}
			}
			if diff := cmp.Diff(want, *spec); diff != "" {
				t.Errorf("%s\nMountPersonalStorage(...): spec: -want, +got:\n%s", tc.reason, diff)
			}
			// A second call gives the same answer and the same spec.
			again := spec.DeepCopy()
			err2 := tenancy.MountPersonalStorage(again, tc.mounts)
			errs2, _ := mountFieldErrors(err2)
			if diff := cmp.Diff(tc.errs, errs2); diff != "" {
				t.Errorf("%s\nsecond MountPersonalStorage(...): field errors: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(want, *again); diff != "" {
				t.Errorf("%s\nsecond MountPersonalStorage(...): spec: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMountPersonalStorageErrorNamesTheField(t *testing.T) {
	spec := &corev1.PodSpec{Containers: []corev1.Container{
		container("app"), container("tool", corev1.VolumeMount{Name: "scratch", MountPath: tenancy.PersonalMountPath}),
	}}
	err := tenancy.MountPersonalStorage(spec, tenancy.Mounts{Personal: &personalSource})
	want := `spec.containers[1].volumeMounts[0].mountPath: Invalid value: "/private": volume "scratch" is mounted where Hubkit mounts hubkit-personal`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("MountPersonalStorage(...) = %v, want an error saying %q", err, want)
	}
}

func TestMountPersonalStorageCopiesTheSources(t *testing.T) {
	src := personalSource.DeepCopy()
	spec := &corev1.PodSpec{Containers: []corev1.Container{container("app")}}
	if err := tenancy.MountPersonalStorage(spec, tenancy.Mounts{Personal: src}); err != nil {
		t.Fatal(err)
	}
	src.NFS.Path = "/changed"
	if diff := cmp.Diff([]corev1.Volume{personalVolume}, spec.Volumes); diff != "" {
		t.Errorf("changing the source after the call changed the spec: -want, +got:\n%s", diff)
	}
}

func TestMountPersonalStorageNilSpec(t *testing.T) {
	err := tenancy.MountPersonalStorage(nil, tenancy.Mounts{Personal: &personalSource})
	if err == nil || !strings.Contains(err.Error(), "no pod spec") {
		t.Errorf("MountPersonalStorage(nil, ...) = %v, want an error saying there is no pod spec", err)
	}
}

// patchOp is what a test compares of a JSON patch operation.
type patchOp struct {
	Op, Path string
	Value    any
}

// jsonValue is the JSON value of text, as a decoded patch holds it.
func jsonValue(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("bad JSON in the test %q: %v", text, err)
	}
	return v
}

// patchOps returns the operations of resp, sorted by path, their values
// as decoded JSON.
func patchOps(t *testing.T, resp admission.Response) []patchOp {
	t.Helper()
	encoded, err := json.Marshal(resp.Patches)
	if err != nil {
		t.Fatal(err)
	}
	var ops []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if err := json.Unmarshal(encoded, &ops); err != nil {
		t.Fatal(err)
	}
	out := make([]patchOp, 0, len(ops))
	for _, o := range ops {
		out = append(out, patchOp{Op: o.Op, Path: o.Path, Value: o.Value})
	}
	slices.SortFunc(out, func(a, b patchOp) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// podRequest is the admission request of operation op on the object raw,
// of kind kind, in namespace ns.
func podRequest(op admissionv1.Operation, kind, ns string, raw []byte) admission.Request {
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID:       "0d9f3b4e",
		Kind:      metav1.GroupVersionKind{Version: "v1", Kind: kind},
		Resource:  metav1.GroupVersionResource{Version: "v1", Resource: strings.ToLower(kind) + "s"},
		Namespace: ns,
		Operation: op,
		Object:    runtime.RawExtension{Raw: raw},
	}}
}

// podJSON is the JSON of a pod of namespace ns with spec and labels.
func podJSON(t *testing.T, ns string, spec corev1.PodSpec, labels map[string]string) []byte {
	t.Helper()
	raw, err := json.Marshal(&corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "notebook", Namespace: ns, Labels: labels},
		Spec:       spec,
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// tenantNamespace is a namespace labelled as tenant name's.
func tenantNamespace(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: tenancy.NamespaceOf(name), Labels: map[string]string{tenancy.LabelType: "tenant", tenancy.LabelName: name},
	}}
}

func TestPodMounter(t *testing.T) {
	f := hubtest.NewFake(t, hubtest.WithObjects(
		tenantNamespace("ada"), storageInfo("tenant-ada", nfsInfo),
		tenantNamespace("bob"),
		tenantNamespace("eve"), storageInfo("tenant-eve", map[string]string{tenancy.KeyVolumeType: "ftp", tenancy.KeyServerName: "ftp.hubkit.example", tenancy.KeyPath: "/eve"}),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-x"}},
		storageInfo("team-x", nfsInfo),
	))
	mounter, err := tenancy.NewPodMounter(f.Client(), tenancy.WithSharedVolume(sharedSource, true))
	if err != nil {
		t.Fatal(err)
	}
	app := corev1.PodSpec{Containers: []corev1.Container{container("app")}}
	volumes := `[{"name":"hubkit-personal","nfs":{"server":"nfs.hubkit.example","path":"/homes/ada"}},
		{"name":"hubkit-shared","nfs":{"server":"nfs.hubkit.example","path":"/shared"}}]`
	mounts := `[{"name":"hubkit-personal","mountPath":"/private"},{"name":"hubkit-shared","mountPath":"/shared","readOnly":true}]`

	type verdict struct {
		Allowed  bool
		Code     int32
		Patches  []patchOp
		Warnings []string
	}
	cases := map[string]struct {
		reason string
		req    admission.Request
		want   verdict
		// message is part of the answer's message; hidden are values it
		// must not show.
		message string
		hidden  []string
	}{
		"Mounted": {
			reason: "A pod created in a tenant namespace with its storage info gets both volumes, mounted in its container.",
			req:    podRequest(admissionv1.Create, "Pod", "tenant-ada", podJSON(t, "tenant-ada", app, nil)),
			want: verdict{Allowed: true, Patches: []patchOp{
				{Op: "add", Path: "/spec/containers/0/volumeMounts", Value: jsonValue(t, mounts)},
				{Op: "add", Path: "/spec/volumes", Value: jsonValue(t, volumes)},
			}},
		},
		"Appended": {
			reason: "The pod's own volumes and mounts stay; the new ones are added after them, in init containers too.",
			req: podRequest(admissionv1.Create, "Pod", "tenant-ada", podJSON(t, "tenant-ada", corev1.PodSpec{
				Volumes:        []corev1.Volume{scratchVolume},
				InitContainers: []corev1.Container{container("init")},
				Containers:     []corev1.Container{container("app", corev1.VolumeMount{Name: "scratch", MountPath: "/tmp"})},
			}, nil)),
			want: verdict{Allowed: true, Patches: []patchOp{
				{Op: "add", Path: "/spec/containers/0/volumeMounts/1", Value: jsonValue(t, `{"name":"hubkit-personal","mountPath":"/private"}`)},
				{Op: "add", Path: "/spec/containers/0/volumeMounts/2", Value: jsonValue(t, `{"name":"hubkit-shared","mountPath":"/shared","readOnly":true}`)},
				{Op: "add", Path: "/spec/initContainers/0/volumeMounts", Value: jsonValue(t, mounts)},
				{Op: "add", Path: "/spec/volumes/1", Value: jsonValue(t, `{"name":"hubkit-personal","nfs":{"server":"nfs.hubkit.example","path":"/homes/ada"}}`)},
				{Op: "add", Path: "/spec/volumes/2", Value: jsonValue(t, `{"name":"hubkit-shared","nfs":{"server":"nfs.hubkit.example","path":"/shared"}}`)},
			}},
		},
		"UnknownFieldsKept": {
			reason: "Fields this version of Kubernetes' types does not know are not patched away, nor numbers rewritten.",
			req: podRequest(admissionv1.Create, "Pod", "tenant-ada", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"notebook"},`+
				`"spec":{"futureField":{"on":true},"terminationGracePeriodSeconds":9007199254740993,`+
				`"containers":[{"name":"app","image":"busybox","futureMode":"x"}]}}`)),
			want: verdict{Allowed: true, Patches: []patchOp{
				{Op: "add", Path: "/spec/containers/0/volumeMounts", Value: jsonValue(t, mounts)},
				{Op: "add", Path: "/spec/volumes", Value: jsonValue(t, volumes)},
			}},
		},
		"AlreadyMounted": {
			reason: "A pod that has the volumes at their paths already is allowed without a patch.",
			req: podRequest(admissionv1.Create, "Pod", "tenant-ada", podJSON(t, "tenant-ada", corev1.PodSpec{
				Volumes:    []corev1.Volume{personalVolume, sharedVolume},
				Containers: []corev1.Container{container("app", personalMount, sharedMountRO)},
			}, nil)),
			want: verdict{Allowed: true, Patches: []patchOp{}},
		},
		"NotReady": {
			reason: "A tenant whose volume is not bound yet (no storage info) gets its pod unchanged, with a warning.",
			req:    podRequest(admissionv1.Create, "Pod", "tenant-bob", podJSON(t, "tenant-bob", app, nil)),
			want: verdict{Allowed: true, Code: http.StatusOK, Patches: []patchOp{}, Warnings: []string{
				"the personal volume of namespace tenant-bob is not ready yet: the pod has nothing mounted at /private or /shared",
			}},
		},
		"NotATenant": {
			reason: "A pod of a namespace that is not a tenant's is left alone, storage info or not.",
			req:    podRequest(admissionv1.Create, "Pod", "team-x", podJSON(t, "team-x", app, nil)),
			want:   verdict{Allowed: true, Code: http.StatusOK, Patches: []patchOp{}},
		},
		"NoNamespace": {
			reason: "A namespace that does not exist is no tenant's.",
			req:    podRequest(admissionv1.Create, "Pod", "tenant-ghost", podJSON(t, "tenant-ghost", app, nil)),
			want:   verdict{Allowed: true, Code: http.StatusOK, Patches: []patchOp{}},
		},
		"NoStorageLabel": {
			reason: `A pod labelled no-storage "true" is left alone.`,
			req:    podRequest(admissionv1.Create, "Pod", "tenant-ada", podJSON(t, "tenant-ada", app, map[string]string{tenancy.LabelNoStorage: "true"})),
			want:   verdict{Allowed: true, Code: http.StatusOK, Patches: []patchOp{}},
		},
		"OtherNoStorageValue": {
			reason: `Only "true" opts out.`,
			req:    podRequest(admissionv1.Create, "Pod", "tenant-ada", podJSON(t, "tenant-ada", app, map[string]string{tenancy.LabelNoStorage: "yes"})),
			want: verdict{Allowed: true, Patches: []patchOp{
				{Op: "add", Path: "/spec/containers/0/volumeMounts", Value: jsonValue(t, mounts)},
				{Op: "add", Path: "/spec/volumes", Value: jsonValue(t, volumes)},
			}},
		},
		"Update": {
			reason: "Only a create is mutated: a pod's volumes cannot change afterwards.",
			req:    podRequest(admissionv1.Update, "Pod", "tenant-ada", podJSON(t, "tenant-ada", app, nil)),
			want:   verdict{Allowed: true, Code: http.StatusOK, Patches: []patchOp{}},
		},
		"NotAPod": {
			reason: "Another kind is allowed unchanged, without being decoded.",
			req:    podRequest(admissionv1.Create, "ConfigMap", "tenant-ada", []byte(`{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"b"}}`)),
			want:   verdict{Allowed: true, Code: http.StatusOK, Patches: []patchOp{}},
		},
		"Conflict": {
			reason: "A pod mounting something else at /private is denied, naming the field.",
			req: podRequest(admissionv1.Create, "Pod", "tenant-ada", podJSON(t, "tenant-ada", corev1.PodSpec{
				Volumes:    []corev1.Volume{scratchVolume},
				Containers: []corev1.Container{container("app", corev1.VolumeMount{Name: "scratch", MountPath: "/private"})},
			}, nil)),
			want:    verdict{Code: http.StatusForbidden, Patches: []patchOp{}},
			message: `spec.containers[0].volumeMounts[0].mountPath: Invalid value: "/private"`,
		},
		"Malformed": {
			reason:  "An object that is not a pod's JSON is a bad request.",
			req:     podRequest(admissionv1.Create, "Pod", "tenant-ada", []byte(`{"apiVersion":"v1","kind":"Pod","spec":"nope"}`)),
			want:    verdict{Code: http.StatusBadRequest, Patches: []patchOp{}},
			message: "decoding the pod",
		},
		"NoObject": {
			reason:  "A create without an object is a bad request.",
			req:     podRequest(admissionv1.Create, "Pod", "tenant-ada", nil),
			want:    verdict{Code: http.StatusBadRequest, Patches: []patchOp{}},
			message: "decoding the pod",
		},
		"BadStorageInfo": {
			reason:  "Storage info Hubkit cannot mount is the platform's fault: an internal error naming the key, not the values.",
			req:     podRequest(admissionv1.Create, "Pod", "tenant-eve", podJSON(t, "tenant-eve", app, nil)),
			want:    verdict{Code: http.StatusInternalServerError, Patches: []patchOp{}},
			message: `the storage info of namespace tenant-eve: tenancy: reading the personal volume: Secret "mydrive-info" is invalid: data[volume-type]`,
			hidden:  []string{"ftp.hubkit.example", "/eve"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp := mounter.Handle(t.Context(), tc.req)
			got := verdict{Allowed: resp.Allowed, Patches: patchOps(t, resp), Warnings: resp.Warnings}
			if resp.Result != nil {
				got.Code = resp.Result.Code
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nHandle(...): -want, +got:\n%s", tc.reason, diff)
			}
			if wantPatch := len(tc.want.Patches) > 0; (resp.PatchType != nil) != wantPatch {
				t.Errorf("%s\nHandle(...): patch type %v, want one: %t", tc.reason, resp.PatchType, wantPatch)
			}
			var message string
			if resp.Result != nil {
				message = resp.Result.Message
			}
			if !strings.Contains(message, tc.message) {
				t.Errorf("%s\nHandle(...): message %q does not say %q", tc.reason, message, tc.message)
			}
			for _, h := range tc.hidden {
				if strings.Contains(message, h) {
					t.Errorf("%s\nHandle(...): message %q shows the Secret's value %q", tc.reason, message, h)
				}
			}
		})
	}
}

func TestPodMounterWithoutSharedVolume(t *testing.T) {
	f := hubtest.NewFake(t, hubtest.WithObjects(tenantNamespace("ada"), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "tenant-ada", Name: tenancy.StorageInfoSecret},
		StringData: map[string]string{tenancy.KeyVolumeType: tenancy.VolumeTypeHostPath, tenancy.KeyPath: "/var/hubkit/ada"},
	}))
	mounter, err := tenancy.NewPodMounter(f.Client())
	if err != nil {
		t.Fatal(err)
	}
	resp := mounter.Handle(t.Context(), podRequest(admissionv1.Create, "Pod", "tenant-ada",
		podJSON(t, "tenant-ada", corev1.PodSpec{Containers: []corev1.Container{container("app")}}, nil)))
	want := []patchOp{
		{Op: "add", Path: "/spec/containers/0/volumeMounts", Value: jsonValue(t, `[{"name":"hubkit-personal","mountPath":"/private"}]`)},
		{Op: "add", Path: "/spec/volumes", Value: jsonValue(t, `[{"name":"hubkit-personal","hostPath":{"path":"/var/hubkit/ada","type":"DirectoryOrCreate"}}]`)},
	}
	if diff := cmp.Diff(want, patchOps(t, resp)); diff != "" || !resp.Allowed {
		t.Errorf("Handle(...): allowed %t, patches -want, +got:\n%s", resp.Allowed, diff)
	}
}

func TestNewPodMounterNeedsAReader(t *testing.T) {
	m, err := tenancy.NewPodMounter(nil)
	if err == nil || m != nil {
		t.Errorf("NewPodMounter(nil) = %v, %v; want an error", m, err)
	}
}
