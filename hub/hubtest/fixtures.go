package hubtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// LoadFixtures reads the objects in a YAML (or JSON) file, several documents
// separated by "---" allowed. An object of a kind the scheme knows comes
// back typed, any other as *unstructured.Unstructured. Unknown fields of a
// typed object are an error naming the document.
func LoadFixtures(scheme *runtime.Scheme, path string) ([]client.Object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading fixtures: %w", err)
	}
	return DecodeFixtures(scheme, path, data)
}

// DecodeFixtures is LoadFixtures for data in memory; source names it in
// errors.
func DecodeFixtures(scheme *runtime.Scheme, source string, data []byte) ([]client.Object, error) {
	decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []client.Object
	for doc := 1; ; doc++ {
		u := &unstructured.Unstructured{}
		if err := decoder.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return objs, nil
			}
			return nil, fmt.Errorf("%s: document %d: %w", source, doc, err)
		}
		if len(u.Object) == 0 {
			continue
		}
		gvk := u.GroupVersionKind()
		if gvk.Kind == "" || gvk.Version == "" {
			return nil, fmt.Errorf("%s: document %d: apiVersion and kind are required", source, doc)
		}
		if !scheme.Recognizes(gvk) {
			objs = append(objs, u)
			continue
		}
		typed, err := scheme.New(gvk)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", source, doc, err)
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, typed, true); err != nil {
			return nil, fmt.Errorf("%s: document %d (%s %s): %w", source, doc, gvk.Kind, u.GetName(), err)
		}
		obj, ok := typed.(client.Object)
		if !ok {
			return nil, fmt.Errorf("%s: document %d: %s is not an object kind", source, doc, gvk.Kind)
		}
		obj.GetObjectKind().SetGroupVersionKind(gvk)
		objs = append(objs, obj)
	}
}
