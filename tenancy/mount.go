package tenancy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/hubkit-dev/hubkit/hub"
)

// Where the volumes of a tenant's pods are mounted, in every container,
// as Karvdash mounts a user's private and shared data folders.
const (
	// PersonalMountPath is where a tenant's personal volume is mounted.
	PersonalMountPath = "/private"
	// SharedMountPath is where the platform's shared volume is mounted.
	SharedMountPath = "/shared"
)

// The names of the volumes MountPersonalStorage adds to a pod.
const (
	// PersonalVolumeName is the volume of a tenant's personal storage.
	PersonalVolumeName = "hubkit-personal"
	// SharedVolumeName is the volume of the platform's shared storage.
	SharedVolumeName = "hubkit-shared"
)

// LabelNoStorage is "true" on a pod that PodMounter leaves alone: it gets
// neither the personal nor the shared volume.
const LabelNoStorage = "tenancy.hubkit.dev/no-storage"

// podKind and secretKind are the kinds the field errors of this file are
// about.
var (
	podKind    = schema.GroupKind{Kind: "Pod"}
	secretKind = schema.GroupKind{Kind: "Secret"}
)

// errNoSecret is PersonalVolumeSource's error for a nil Secret.
var errNoSecret = errors.New("tenancy: no storage-info secret")

// PersonalVolumeSource is the volume source a pod of a tenant's namespace
// mounts its personal volume from, read from info, the namespace's
// StorageInfoSecret: an NFS volume of the KeyServerName server and the
// KeyPath export when KeyVolumeType is VolumeTypeNFS, a HostPath volume of
// the KeyPath directory (DirectoryOrCreate) when it is VolumeTypeHostPath.
// Each key is read from the Secret's Data, or from its StringData when
// Data lacks it (a Secret not yet written to the API server). A Secret
// with a server and no volume type, as CrownLabs' operator writes it, is
// an NFS one.
//
// An incomplete Secret gives a *hub.ValidationError (hub.IsInvalid) with a
// path for each problem, "data[path]" or "data[volume-type]": a missing or
// empty key, a path that is not absolute or goes up with "..", a volume
// type that is neither. Only the volume type is shown; the server and the
// path never are. A nil info is an error too.
func PersonalVolumeSource(info *corev1.Secret) (corev1.VolumeSource, error) {
	if info == nil {
		return corev1.VolumeSource{}, errNoSecret
	}
	get := func(key string) (string, *field.Path) {
		if v, ok := info.Data[key]; ok {
			return string(v), field.NewPath("data").Key(key)
		}
		if v, ok := info.StringData[key]; ok {
			return v, field.NewPath("stringData").Key(key)
		}
		return "", field.NewPath("data").Key(key)
	}
	var errs field.ErrorList
	required := func(key string) (string, *field.Path) {
		v, at := get(key)
		if v == "" {
			errs = append(errs, field.Required(at, ""))
		}
		return v, at
	}
	absolute := func(key string) string {
		v, at := required(key)
		if v != "" && !isCleanAbsolute(v) {
			// The path is the Secret's: it is not shown.
			errs = append(errs, field.Invalid(at, field.OmitValueType{}, "must be an absolute path without '..'"))
		}
		return v
	}
	volumeType, at := get(KeyVolumeType)
	if server, _ := get(KeyServerName); volumeType == "" && server != "" {
		volumeType = VolumeTypeNFS // CrownLabs' Secret: NFS, and no volume type
	}
	var src corev1.VolumeSource
	switch volumeType {
	case VolumeTypeNFS:
		server, _ := required(KeyServerName)
		src.NFS = &corev1.NFSVolumeSource{Server: server, Path: absolute(KeyPath)}
	case VolumeTypeHostPath:
		src.HostPath = &corev1.HostPathVolumeSource{Path: absolute(KeyPath), Type: new(corev1.HostPathDirectoryOrCreate)}
	case "":
		errs = append(errs, field.Required(at, "must be "+VolumeTypeNFS+" or "+VolumeTypeHostPath))
	default:
		errs = append(errs, field.NotSupported(at, volumeType, []string{VolumeTypeNFS, VolumeTypeHostPath}))
	}
	if err := hub.NewValidationError(secretKind, info.Name, errs); err != nil {
		return corev1.VolumeSource{}, fmt.Errorf("tenancy: reading the personal volume: %w", err)
	}
	return src, nil
}

// isCleanAbsolute tells whether p is an absolute path with no ".."
// element, as Kubernetes wants the paths of NFS and hostPath volumes.
func isCleanAbsolute(p string) bool {
	return strings.HasPrefix(p, "/") && !slices.Contains(strings.Split(p, "/"), "..")
}

// Mounts are the volumes MountPersonalStorage puts into a pod. A nil
// source is not mounted.
type Mounts struct {
	// Personal is the tenant's personal volume (see PersonalVolumeSource),
	// mounted read-write at PersonalMountPath.
	Personal *corev1.VolumeSource
	// Shared is the platform's shared volume, mounted at SharedMountPath.
	Shared *corev1.VolumeSource
	// ReadOnlyShared mounts the shared volume read-only.
	ReadOnlyShared bool
}

// mountSpec is one volume to put into a pod, and where.
type mountSpec struct {
	name, path string
	src        *corev1.VolumeSource
	readOnly   bool
}

// specs are the volumes of m that are mounted.
func (m Mounts) specs() []mountSpec {
	var out []mountSpec
	if m.Personal != nil {
		out = append(out, mountSpec{name: PersonalVolumeName, path: PersonalMountPath, src: m.Personal})
	}
	if m.Shared != nil {
		out = append(out, mountSpec{name: SharedVolumeName, path: SharedMountPath, src: m.Shared, readOnly: m.ReadOnlyShared})
	}
	return out
}

// MountPersonalStorage puts the volumes of m into the pod spec: the volume
// PersonalVolumeName of m.Personal, mounted at PersonalMountPath, and the
// volume SharedVolumeName of m.Shared, mounted at SharedMountPath (read-only
// if m.ReadOnlyShared), in every init container and container.
//
// It only appends: a volume of that name with the same source is kept and
// not added again, and a container that already mounts it at its path is
// left as it is, so a second call changes nothing and a call after another
// mutating webhook added containers mounts the volumes into those only.
//
// It changes nothing and returns a *hub.ValidationError (hub.IsInvalid)
// when spec has a volume of one of those names with another source, or a
// container mounts another volume (or a block device) at one of those
// paths. Its field paths are those of a Pod, as
// "spec.containers[1].volumeMounts[0].mountPath" and "spec.volumes[2].name".
func MountPersonalStorage(spec *corev1.PodSpec, m Mounts) error {
	if spec == nil {
		return errors.New("tenancy: no pod spec to mount the personal storage into")
	}
	specs := m.specs()
	if errs := mountConflicts(spec, specs); len(errs) > 0 {
		return fmt.Errorf("tenancy: mounting the personal storage: %w", hub.NewValidationError(podKind, "", errs))
	}
	for _, s := range specs {
		if !slices.ContainsFunc(spec.Volumes, func(v corev1.Volume) bool { return v.Name == s.name }) {
			spec.Volumes = append(spec.Volumes, corev1.Volume{Name: s.name, VolumeSource: *s.src.DeepCopy()})
		}
		for i := range spec.InitContainers {
			addMount(&spec.InitContainers[i], s)
		}
		for i := range spec.Containers {
			addMount(&spec.Containers[i], s)
		}
	}
	return nil
}

// mountConflicts lists what in spec stands in the way of specs: a volume
// of the same name with another source, another volume or a device at the
// same path.
func mountConflicts(spec *corev1.PodSpec, specs []mountSpec) field.ErrorList {
	var errs field.ErrorList
	at := field.NewPath("spec")
	for _, s := range specs {
		for i, v := range spec.Volumes {
			if v.Name == s.name && !equality.Semantic.DeepEqual(v.VolumeSource, *s.src) {
				errs = append(errs, field.Invalid(at.Child("volumes").Index(i).Child("name"), v.Name,
					"is the name of the volume Hubkit mounts at "+s.path+", and this one has another source"))
			}
		}
		errs = append(errs, containerConflicts(spec.InitContainers, at.Child("initContainers"), s)...)
		errs = append(errs, containerConflicts(spec.Containers, at.Child("containers"), s)...)
	}
	return errs
}

// containerConflicts lists the mounts and devices of containers, at path
// at, that take the path of s.
func containerConflicts(containers []corev1.Container, at *field.Path, s mountSpec) field.ErrorList {
	var errs field.ErrorList
	for i, c := range containers {
		for j, vm := range c.VolumeMounts {
			if samePath(vm.MountPath, s.path) && vm.Name != s.name {
				errs = append(errs, field.Invalid(at.Index(i).Child("volumeMounts").Index(j).Child("mountPath"), vm.MountPath,
					fmt.Sprintf("volume %q is mounted where Hubkit mounts %s", vm.Name, s.name)))
			}
		}
		for j, d := range c.VolumeDevices {
			if samePath(d.DevicePath, s.path) {
				errs = append(errs, field.Invalid(at.Index(i).Child("volumeDevices").Index(j).Child("devicePath"), d.DevicePath,
					fmt.Sprintf("device %q is where Hubkit mounts %s", d.Name, s.name)))
			}
		}
	}
	return errs
}

// samePath tells whether the container paths a and b are the same
// directory ("/private/" is "/private").
func samePath(a, b string) bool { return a != "" && path.Clean(a) == path.Clean(b) }

// addMount mounts s into c, unless c mounts it at its path already.
func addMount(c *corev1.Container, s mountSpec) {
	if slices.ContainsFunc(c.VolumeMounts, func(vm corev1.VolumeMount) bool {
		return vm.Name == s.name && samePath(vm.MountPath, s.path)
	}) {
		return
	}
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: s.name, MountPath: s.path, ReadOnly: s.readOnly})
}

// A MounterOption configures a PodMounter.
type MounterOption func(*PodMounter)

// WithSharedVolume mounts src, the platform's shared volume, into every
// pod the PodMounter mounts a personal volume into, read-only if readOnly
// (by default there is no shared volume).
func WithSharedVolume(src corev1.VolumeSource, readOnly bool) MounterOption {
	return func(m *PodMounter) {
		m.shared = src.DeepCopy()
		m.readOnlyShared = readOnly
	}
}

// A PodMounter is a mutating admission handler that mounts a tenant's
// personal volume, and the platform's shared one if WithSharedVolume says
// which, into every pod created in a tenant namespace (a namespace
// labelled LabelType "tenant"), with MountPersonalStorage: the Karvdash way
// of giving every workload of a user its private and shared folders. It is
// opt-in: nothing calls it unless a MutatingWebhookConfiguration does.
//
// Handle answers:
//   - a pod created in a tenant namespace: a JSON patch that appends the
//     volumes and their mounts (nothing else of the pod is rewritten,
//     fields unknown to this version of Hubkit included); no patch if
//     the pod has them already;
//   - such a pod labelled LabelNoStorage "true", a request about another
//     kind or another operation, a pod in another namespace: allowed
//     unchanged;
//   - a tenant namespace without its StorageInfoSecret (the personal
//     volume is not bound yet): allowed unchanged, with a warning;
//   - a pod that mounts something else at PersonalMountPath or
//     SharedMountPath, or has a volume of the same name with another
//     source: denied, with the field path of each conflict;
//   - an object that is not a pod: 400; a failed read or a
//     StorageInfoSecret it cannot make a volume of: 500.
//
// Serve it from a manager's webhook server:
//
//	mounter, err := tenancy.NewPodMounter(mgr.GetAPIReader(),
//		tenancy.WithSharedVolume(corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.example", Path: "/shared"}}, true))
//	if err != nil { ... }
//	mgr.GetWebhookServer().Register("/mutate-pods", &webhook.Admission{Handler: mounter})
//
// mgr.GetAPIReader reads straight from the API server; the manager's
// cached client would watch every Secret of the cluster. Its identity
// needs get on namespaces and on secrets (in the tenant namespaces). The
// API server calls it once this configuration is applied (the service
// serving the manager's webhook server and its CA bundle are the
// deployment's):
//
//	apiVersion: admissionregistration.k8s.io/v1
//	kind: MutatingWebhookConfiguration
//	metadata:
//	  name: hubkit-personal-storage
//	webhooks:
//	  - name: personal-storage.tenancy.hubkit.dev
//	    admissionReviewVersions: ["v1"]
//	    sideEffects: None
//	    failurePolicy: Fail
//	    reinvocationPolicy: IfNeeded
//	    timeoutSeconds: 5
//	    clientConfig:
//	      service: {namespace: hubkit-system, name: hubkit-webhooks, path: /mutate-pods}
//	      caBundle: <the serving certificate's CA, base64>
//	    rules:
//	      - operations: ["CREATE"]
//	        apiGroups: [""]
//	        apiVersions: ["v1"]
//	        resources: ["pods"]
//	        scope: Namespaced
//	    namespaceSelector:
//	      matchLabels: {tenancy.hubkit.dev/type: tenant}
//	    objectSelector:
//	      matchExpressions:
//	        - {key: tenancy.hubkit.dev/no-storage, operator: NotIn, values: ["true"]}
//
// The selectors spare the API server a call for the pods Handle would let
// through unchanged; Handle checks the same itself. failurePolicy Fail
// keeps a tenant's pods from starting without their personal volume while
// the webhook is down (their writes to /private would be lost); Ignore
// lets them start without it. reinvocationPolicy IfNeeded mounts the
// volumes into the containers a later webhook adds.
type PodMounter struct {
	reader         client.Reader
	decoder        admission.Decoder
	shared         *corev1.VolumeSource
	readOnlyShared bool
}

var _ admission.Handler = (*PodMounter)(nil)

// NewPodMounter returns a PodMounter that reads namespaces and
// StorageInfoSecrets through c.
func NewPodMounter(c client.Reader, opts ...MounterOption) (*PodMounter, error) {
	if c == nil {
		return nil, errors.New("tenancy: a PodMounter needs a client.Reader")
	}
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		return nil, fmt.Errorf("tenancy: a scheme for pods: %w", err)
	}
	m := &PodMounter{reader: c, decoder: admission.NewDecoder(scheme)}
	for _, opt := range opts {
		opt(m)
	}
	return m, nil
}

// Handle mounts the personal and shared volumes into a pod created in a
// tenant namespace; see PodMounter for every answer.
func (m *PodMounter) Handle(ctx context.Context, req admission.Request) admission.Response {
	if req.Operation != admissionv1.Create || req.Kind.Group != "" || req.Kind.Kind != "Pod" || req.SubResource != "" {
		return admission.Allowed("")
	}
	pod := &corev1.Pod{}
	if err := m.decoder.Decode(req, pod); err != nil {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("tenancy: decoding the pod: %w", err))
	}
	if pod.Labels[LabelNoStorage] == labelTrue {
		return admission.Allowed("")
	}
	ns := req.Namespace
	if ns == "" {
		ns = pod.Namespace
	}
	namespace := &corev1.Namespace{}
	if err := m.reader.Get(ctx, client.ObjectKey{Name: ns}, namespace); err != nil {
		if hub.IsNotFound(err) {
			return admission.Allowed("")
		}
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("tenancy: reading namespace %s: %w", ns, err))
	}
	if namespace.Labels[LabelType] != typeTenant {
		return admission.Allowed("")
	}
	info := &corev1.Secret{}
	if err := m.reader.Get(ctx, client.ObjectKey{Namespace: ns, Name: StorageInfoSecret}, info); err != nil {
		if hub.IsNotFound(err) {
			return admission.Allowed("").WithWarnings(fmt.Sprintf(
				"the personal volume of namespace %s is not ready yet: the pod has nothing mounted at %s or %s", ns, PersonalMountPath, SharedMountPath))
		}
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("tenancy: reading the storage info of namespace %s: %w", ns, err))
	}
	personal, err := PersonalVolumeSource(info)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("the storage info of namespace %s: %w", ns, err))
	}
	mounted := pod.Spec.DeepCopy()
	if err := MountPersonalStorage(mounted, Mounts{Personal: &personal, Shared: m.shared, ReadOnlyShared: m.readOnlyShared}); err != nil {
		return admission.Denied(err.Error())
	}
	return patchAppended(req.Object.Raw, &pod.Spec, mounted)
}

// patchAppended answers with the patch from raw, a pod whose spec is
// before, to the same pod with the volumes and volume mounts that after
// appends to before. Only those lists are rewritten, so that no field of
// raw that Go's types do not know is patched away.
func patchAppended(raw []byte, before, after *corev1.PodSpec) admission.Response {
	var pod map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers stay as they were written
	if err := dec.Decode(&pod); err != nil {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("tenancy: decoding the pod: %w", err))
	}
	spec, ok := pod["spec"].(map[string]any)
	if !ok {
		spec = map[string]any{}
		pod["spec"] = spec
	}
	err := appendTo(spec, "volumes", after.Volumes[len(before.Volumes):])
	for _, list := range []struct {
		key           string
		before, after []corev1.Container
	}{{"initContainers", before.InitContainers, after.InitContainers}, {"containers", before.Containers, after.Containers}} {
		containers, _ := spec[list.key].([]any)
		for i, c := range list.after {
			var added []corev1.VolumeMount
			if i < len(list.before) { // MountPersonalStorage adds no container
				added = c.VolumeMounts[len(list.before[i].VolumeMounts):]
			}
			if len(added) == 0 {
				continue
			}
			container, ok := containerAt(containers, i)
			if !ok {
				err = errors.Join(err, fmt.Errorf("spec.%s[%d] is not an object", list.key, i))
				continue
			}
			err = errors.Join(err, appendTo(container, "volumeMounts", added))
		}
	}
	if err != nil {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("tenancy: patching the pod: %w", err))
	}
	patched, err := json.Marshal(pod)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("tenancy: encoding the pod: %w", err))
	}
	return admission.PatchResponseFromRaw(raw, patched)
}

// containerAt is the i-th of containers, as an object.
func containerAt(containers []any, i int) (map[string]any, bool) {
	if i >= len(containers) {
		return nil, false
	}
	c, ok := containers[i].(map[string]any)
	return c, ok
}

// appendTo appends items to the list obj[key], making it if need be.
func appendTo[T any](obj map[string]any, key string, items []T) error {
	if len(items) == 0 {
		return nil
	}
	encoded, err := json.Marshal(items)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", key, err)
	}
	var generic []any
	if err := json.Unmarshal(encoded, &generic); err != nil {
		return fmt.Errorf("decoding %s: %w", key, err)
	}
	list, _ := obj[key].([]any)
	obj[key] = append(list, generic...)
	return nil
}
