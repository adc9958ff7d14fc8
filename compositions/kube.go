package compositions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/kube"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	yamlutil "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// helmKeepPolicy is the value of Helm's helm.sh/resource-policy annotation
// that keeps an object when its release no longer renders it.
const (
	helmResourcePolicy = "helm.sh/resource-policy"
	helmKeepPolicy     = "keep"
)

// pollInterval is how often the waits of Helm hooks look again.
const pollInterval = 500 * time.Millisecond

// releaseKube is Helm's view of the cluster (kube.Interface) over a
// controller-runtime client: the client of the composition's
// ServiceAccount, so that the API server's RBAC decides what a release may
// touch. Objects are created as rendered, updated by server-side apply
// under fieldOwner (forced: the release owns what it renders), and deleted
// in the background. It works alike on a cluster and on a hubtest fake.
type releaseKube struct {
	ctx        context.Context //nolint:containedctx // Helm's interface takes no context: the reconcile's is kept for its calls
	kube       client.Client
	namespace  string
	fieldOwner string
}

var (
	_ kube.Interface                    = (*releaseKube)(nil)
	_ kube.InterfaceExt                 = (*releaseKube)(nil)
	_ kube.InterfaceDeletionPropagation = (*releaseKube)(nil)
)

// Build reads a YAML stream of objects into Helm's resource list, each
// with its mapping and, when namespaced without a namespace, the
// release's namespace.
func (k *releaseKube) Build(reader io.Reader, _ bool) (kube.ResourceList, error) {
	objects, err := decodeManifest(reader)
	if err != nil {
		return nil, err
	}
	list := make(kube.ResourceList, 0, len(objects))
	for _, u := range objects {
		gvk := u.GroupVersionKind()
		mapping, err := k.kube.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return nil, fmt.Errorf("the chart renders a %s %q, which the cluster does not serve: %w", gvk.Kind, u.GetName(), err)
		}
		if mapping.Scope.Name() == meta.RESTScopeNameNamespace && u.GetNamespace() == "" {
			u.SetNamespace(k.namespace)
		}
		if mapping.Scope.Name() == meta.RESTScopeNameRoot {
			u.SetNamespace("")
		}
		list = append(list, &resource.Info{
			Client: &getClient{kube: k.kube, mapping: mapping}, Mapping: mapping,
			Namespace: u.GetNamespace(), Name: u.GetName(), Object: u,
		})
	}
	return list, nil
}

// decodeManifest reads the objects of a YAML stream, skipping empty
// documents and unfolding lists.
func decodeManifest(reader io.Reader) ([]*unstructured.Unstructured, error) {
	decoder := yamlutil.NewYAMLOrJSONDecoder(reader, 4096)
	var out []*unstructured.Unstructured
	for {
		var doc map[string]any
		if err := decoder.Decode(&doc); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("reading the rendered manifest: %w", err)
		}
		if len(doc) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: doc}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				return nil, fmt.Errorf("reading a rendered list: %w", err)
			}
			for i := range list.Items {
				out = append(out, &list.Items[i])
			}
			continue
		}
		if u.GetKind() == "" || u.GetName() == "" {
			return nil, fmt.Errorf("the chart renders an object without kind or name: %v", doc)
		}
		out = append(out, u)
	}
}

func objectOf(info *resource.Info) (*unstructured.Unstructured, error) {
	u, ok := info.Object.(*unstructured.Unstructured)
	if !ok {
		content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(info.Object)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", info.Mapping.GroupVersionKind.Kind, info.Name, err)
		}
		u = &unstructured.Unstructured{Object: content}
	}
	return u.DeepCopy(), nil
}

// describeInfo names an object in errors: Deployment "web" in "team-a".
func describeInfo(info *resource.Info) string {
	if info.Namespace == "" {
		return fmt.Sprintf("%s %q", info.Mapping.GroupVersionKind.Kind, info.Name)
	}
	return fmt.Sprintf("%s %q in %q", info.Mapping.GroupVersionKind.Kind, info.Name, info.Namespace)
}

// Create creates each object.
func (k *releaseKube) Create(resources kube.ResourceList) (*kube.Result, error) {
	result := &kube.Result{}
	for _, info := range resources {
		u, err := objectOf(info)
		if err != nil {
			return result, err
		}
		if err := k.kube.Create(k.ctx, u, client.FieldOwner(k.fieldOwner)); err != nil {
			return result, fmt.Errorf("creating %s: %w", describeInfo(info), err)
		}
		info.Object, info.ResourceVersion = u, u.GetResourceVersion()
		result.Created.Append(info)
	}
	return result, nil
}

// Update applies each target object (creating the missing ones) and
// deletes the originals the target no longer holds, except those Helm's
// resource policy keeps.
func (k *releaseKube) Update(original, target kube.ResourceList, _ bool) (*kube.Result, error) {
	result := &kube.Result{}
	for _, info := range target {
		u, err := objectOf(info)
		if err != nil {
			return result, err
		}
		current := &unstructured.Unstructured{}
		current.SetGroupVersionKind(u.GroupVersionKind())
		err = k.kube.Get(k.ctx, client.ObjectKeyFromObject(u), current)
		switch {
		case apierrors.IsNotFound(err):
			if err := k.kube.Create(k.ctx, u, client.FieldOwner(k.fieldOwner)); err != nil {
				return result, fmt.Errorf("creating %s: %w", describeInfo(info), err)
			}
			result.Created.Append(info)
		case err != nil:
			return result, fmt.Errorf("reading %s: %w", describeInfo(info), err)
		default:
			u.SetResourceVersion("")
			if err := k.kube.Apply(k.ctx, client.ApplyConfigurationFromUnstructured(u), client.ForceOwnership, client.FieldOwner(k.fieldOwner)); err != nil {
				return result, fmt.Errorf("updating %s: %w", describeInfo(info), err)
			}
			result.Updated.Append(info)
		}
		info.Object = u
	}
	for _, info := range original.Difference(target) {
		if u, ok := info.Object.(*unstructured.Unstructured); ok && u.GetAnnotations()[helmResourcePolicy] == helmKeepPolicy {
			continue
		}
		if err := k.delete(info, metav1.DeletePropagationBackground); err != nil {
			return result, err
		}
		result.Deleted.Append(info)
	}
	return result, nil
}

// Delete deletes each object in the background; those already gone are
// counted as deleted.
func (k *releaseKube) Delete(resources kube.ResourceList) (*kube.Result, []error) {
	return k.DeleteWithPropagationPolicy(resources, metav1.DeletePropagationBackground)
}

// DeleteWithPropagationPolicy deletes each object with policy.
func (k *releaseKube) DeleteWithPropagationPolicy(resources kube.ResourceList, policy metav1.DeletionPropagation) (*kube.Result, []error) {
	result := &kube.Result{}
	var errs []error
	for _, info := range resources {
		if err := k.delete(info, policy); err != nil {
			errs = append(errs, err)
			continue
		}
		result.Deleted.Append(info)
	}
	return result, errs
}

func (k *releaseKube) delete(info *resource.Info, policy metav1.DeletionPropagation) error {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(info.Mapping.GroupVersionKind)
	u.SetNamespace(info.Namespace)
	u.SetName(info.Name)
	if err := k.kube.Delete(k.ctx, u, client.PropagationPolicy(policy)); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s: %w", describeInfo(info), err)
	}
	return nil
}

// Wait is not used: Hubkit never asks Helm to wait, and reports readiness
// in the composition's status.
func (k *releaseKube) Wait(kube.ResourceList, time.Duration) error { return nil }

// WaitWithJobs is not used; see Wait.
func (k *releaseKube) WaitWithJobs(kube.ResourceList, time.Duration) error { return nil }

// WatchUntilReady waits, for the hooks of a chart, until each Job has
// completed and each Pod has succeeded; other kinds are ready once they
// exist. A failed Job or Pod is an error.
func (k *releaseKube) WatchUntilReady(resources kube.ResourceList, timeout time.Duration) error {
	for _, info := range resources {
		var done func() (bool, error)
		key := types.NamespacedName{Namespace: info.Namespace, Name: info.Name}
		switch info.Mapping.GroupVersionKind.GroupKind() {
		case batchv1.SchemeGroupVersion.WithKind("Job").GroupKind():
			done = func() (bool, error) {
				job := &batchv1.Job{}
				if err := k.kube.Get(k.ctx, key, job); err != nil {
					return false, client.IgnoreNotFound(err)
				}
				for _, c := range job.Status.Conditions {
					if c.Status == corev1.ConditionTrue && c.Type == batchv1.JobComplete {
						return true, nil
					}
					if c.Status == corev1.ConditionTrue && c.Type == batchv1.JobFailed {
						return false, fmt.Errorf("the hook %s failed: %s", describeInfo(info), c.Message)
					}
				}
				return false, nil
			}
		case corev1.SchemeGroupVersion.WithKind("Pod").GroupKind():
			done = func() (bool, error) {
				phase, err := k.podPhase(key)
				if phase == corev1.PodFailed {
					return false, fmt.Errorf("the hook %s failed", describeInfo(info))
				}
				return phase == corev1.PodSucceeded, err
			}
		default:
			continue
		}
		if err := k.poll(timeout, done); err != nil {
			return err
		}
	}
	return nil
}

// WaitAndGetCompletedPodPhase waits until the pod name has succeeded or
// failed, and returns which.
func (k *releaseKube) WaitAndGetCompletedPodPhase(name string, timeout time.Duration) (corev1.PodPhase, error) {
	var phase corev1.PodPhase
	err := k.poll(timeout, func() (bool, error) {
		var err error
		phase, err = k.podPhase(types.NamespacedName{Namespace: k.namespace, Name: name})
		return phase == corev1.PodSucceeded || phase == corev1.PodFailed, err
	})
	return phase, err
}

func (k *releaseKube) podPhase(key types.NamespacedName) (corev1.PodPhase, error) {
	pod := &corev1.Pod{}
	if err := k.kube.Get(k.ctx, key, pod); client.IgnoreNotFound(err) != nil {
		return "", fmt.Errorf("reading the pod %s: %w", key, err)
	}
	return pod.Status.Phase, nil
}

// WaitForDelete waits until every object is gone.
func (k *releaseKube) WaitForDelete(resources kube.ResourceList, timeout time.Duration) error {
	return k.poll(timeout, func() (bool, error) {
		for _, info := range resources {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(info.Mapping.GroupVersionKind)
			err := k.kube.Get(k.ctx, types.NamespacedName{Namespace: info.Namespace, Name: info.Name}, u)
			if err == nil {
				return false, nil
			}
			if !apierrors.IsNotFound(err) {
				return false, fmt.Errorf("reading %s: %w", describeInfo(info), err)
			}
		}
		return true, nil
	})
}

func (k *releaseKube) poll(timeout time.Duration, done func() (bool, error)) error {
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	if err := wait.PollUntilContextTimeout(k.ctx, pollInterval, timeout, true, func(context.Context) (bool, error) { return done() }); err != nil {
		return fmt.Errorf("waiting: %w", err)
	}
	return nil
}

// IsReachable is always true: the client's errors tell otherwise.
func (k *releaseKube) IsReachable() error { return nil }

// getClient is the REST client of one object as Helm's conflict checks
// use it (a GET of the object before an install or upgrade creates it),
// answered through the controller-runtime client, with the API server's
// errors (NotFound, Forbidden) as they are. Other verbs are refused.
type getClient struct {
	kube    client.Client
	mapping *meta.RESTMapping
}

var _ resource.RESTClient = (*getClient)(nil)

func (g *getClient) request(verb string) *rest.Request {
	content := resource.UnstructuredPlusDefaultContentConfig()
	gv := g.mapping.GroupVersionKind.GroupVersion()
	cfg := rest.ClientContentConfig{
		AcceptContentTypes: content.AcceptContentTypes, ContentType: content.ContentType, GroupVersion: gv,
		Negotiator: runtime.NewClientNegotiator(content.NegotiatedSerializer, gv),
	}
	base := &url.URL{Scheme: "http", Host: "compositions.hubkit.invalid"}
	return rest.NewRequestWithClient(base, "", cfg, &http.Client{Transport: g}).Verb(verb)
}

func (g *getClient) Get() *rest.Request                  { return g.request(http.MethodGet) }
func (g *getClient) Post() *rest.Request                 { return g.request(http.MethodPost) }
func (g *getClient) Patch(types.PatchType) *rest.Request { return g.request(http.MethodPatch) }
func (g *getClient) Delete() *rest.Request               { return g.request(http.MethodDelete) }
func (g *getClient) Put() *rest.Request                  { return g.request(http.MethodPut) }

// RoundTrip answers a GET of .../<resource>/<name> with the object.
func (g *getClient) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		return statusResponse(apierrors.NewMethodNotSupported(g.mapping.Resource.GroupResource(), req.Method)), nil
	}
	namespace, name := objectKeyOfPath(req.URL.Path, g.mapping)
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(g.mapping.GroupVersionKind)
	if err := g.kube.Get(req.Context(), types.NamespacedName{Namespace: namespace, Name: name}, u); err != nil {
		var status apierrors.APIStatus
		if !errors.As(err, &status) {
			status = apierrors.NewInternalError(err)
		}
		return statusResponse(status), nil
	}
	body, err := json.Marshal(u.Object)
	if err != nil {
		return nil, fmt.Errorf("encoding %s %q: %w", g.mapping.GroupVersionKind.Kind, name, err)
	}
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": []string{"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: req,
	}, nil
}

// objectKeyOfPath reads the namespace and name of a REST path:
// .../namespaces/<ns>/<resource>/<name> or .../<resource>/<name>.
func objectKeyOfPath(path string, mapping *meta.RESTMapping) (string, string) {
	parts := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	namespace, name := "", ""
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "namespaces" && i+2 < len(parts) {
			namespace = parts[i+1]
		}
		if parts[i] == mapping.Resource.Resource {
			name = parts[i+1]
		}
	}
	return namespace, name
}

func statusResponse(status apierrors.APIStatus) *http.Response {
	s := status.Status()
	s.APIVersion, s.Kind = "v1", "Status"
	body, err := json.Marshal(s)
	if err != nil {
		body = []byte(`{"kind":"Status","apiVersion":"v1","status":"Failure"}`)
	}
	return &http.Response{
		StatusCode: int(s.Code), Header: http.Header{"Content-Type": []string{"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)),
	}
}
