package hub

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ApplyForm returns obj as Apply sends it to the API server: its JSON form
// with apiVersion and kind set from the scheme, without status (status is
// never applied: use UpdateStatus or a status patch), without the metadata
// the server sets, and without null fields. Fields of typed objects that
// marshal as zero values without `omitempty` are kept, and so become owned
// by the field manager: leave them out by using pointer fields, as the
// Kubernetes API types do.
func ApplyForm(scheme *runtime.Scheme, obj client.Object) (*unstructured.Unstructured, error) {
	gvk, err := GroupVersionKindOf(scheme, obj)
	if err != nil {
		return nil, err
	}
	var content map[string]any
	if u, ok := obj.(runtime.Unstructured); ok {
		// A JSON round trip copies the content and turns any Go types that
		// are not JSON's own (a []string, an int) into JSON's.
		data, err := json.Marshal(u.UnstructuredContent())
		if err != nil {
			return nil, fmt.Errorf("hub: encoding %s %q for apply: %w", gvk.Kind, obj.GetName(), err)
		}
		if err := utiljson.Unmarshal(data, &content); err != nil {
			return nil, fmt.Errorf("hub: decoding %s %q for apply: %w", gvk.Kind, obj.GetName(), err)
		}
	} else {
		content, err = runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return nil, fmt.Errorf("hub: converting %s %q for apply: %w", gvk.Kind, obj.GetName(), err)
		}
	}
	delete(content, "status")
	if gvk.Group == "" && gvk.Kind == "Secret" {
		foldStringData(content)
	}
	if md, ok := content["metadata"].(map[string]any); ok {
		// The API server owns these; an apply request must not carry them.
		for _, f := range []string{
			"resourceVersion", "uid", "creationTimestamp", "generation", "managedFields",
			"deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
		} {
			delete(md, f)
		}
	}
	dropNulls(content)
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(gvk)
	return u, nil
}

// foldStringData moves a Secret's write-only stringData into data, base64
// encoded, as the API server does on every write: applying stringData would
// make the applied form differ from every read of the Secret.
func foldStringData(content map[string]any) {
	stringData, ok := content["stringData"].(map[string]any)
	if !ok {
		return
	}
	delete(content, "stringData")
	data, _ := content["data"].(map[string]any)
	if data == nil {
		data = make(map[string]any, len(stringData))
		content["data"] = data
	}
	for k, v := range stringData {
		if s, ok := v.(string); ok {
			data[k] = base64.StdEncoding.EncodeToString([]byte(s))
		}
	}
}

// dropNulls removes the keys whose value is null, at every depth.
func dropNulls(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if e == nil {
				delete(v, k)
				continue
			}
			dropNulls(e)
		}
	case []any:
		for _, e := range v {
			dropNulls(e)
		}
	}
}

// Apply applies obj with server-side apply under the client's field owner
// and fills obj with what the server returns. A namespaced object without a
// namespace gets the client's default one. Without ForceOwnership, fields
// another manager owns make it fail with a Conflict (see IsConflict).
//
// Resource.Apply is the typed form of this call; Apply serves callers that
// hold objects of many kinds, as reconcile.Ensure does.
func (c *Client) Apply(ctx context.Context, obj client.Object, opts ...ApplyOption) error {
	var s applySettings
	for _, opt := range opts {
		opt(&s)
	}
	form, err := ApplyForm(c.scheme, obj)
	if err != nil {
		return err
	}
	gvk := form.GroupVersionKind()
	namespaced, err := c.IsNamespaced(gvk)
	if err != nil {
		return err
	}
	if namespaced && form.GetNamespace() == "" {
		form.SetNamespace(c.namespace)
	}
	applyOpts := []client.ApplyOption{client.FieldOwner(c.fieldOwner)}
	if s.force {
		applyOpts = append(applyOpts, client.ForceOwnership)
	}
	if err := c.kube.Apply(ctx, client.ApplyConfigurationFromUnstructured(form), applyOpts...); err != nil {
		return fmt.Errorf("applying %s %s: %w", gvk.Kind, objectKey(form), err)
	}
	return fillFrom(obj, form)
}

// fillFrom replaces the content of obj with that of the server's answer.
func fillFrom(obj client.Object, from *unstructured.Unstructured) error {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		u.Object = from.Object
		return nil
	}
	v := reflect.ValueOf(obj).Elem()
	v.Set(reflect.Zero(v.Type()))
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(from.Object, obj); err != nil {
		return fmt.Errorf("hub: reading the applied %s %s back: %w", from.GetKind(), objectKey(from), err)
	}
	return nil
}

// objectKey formats namespace/name, or name for cluster-scoped objects.
func objectKey(obj client.Object) string {
	if obj.GetNamespace() == "" {
		return obj.GetName()
	}
	return obj.GetNamespace() + "/" + obj.GetName()
}
