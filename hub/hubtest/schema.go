package hubtest

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// specEqual reports whether two objects are equal but for metadata (and
// status, where it is a subresource): the API server's test for leaving
// metadata.generation where it is.
func specEqual(obj, old map[string]any, hasStatus bool) bool {
	strip := func(m map[string]any) map[string]any {
		out := make(map[string]any, len(m))
		for k, v := range m {
			if k == "metadata" || k == "apiVersion" || k == "kind" || hasStatus && k == statusSubresource {
				continue
			}
			out[k] = v
		}
		return out
	}
	return equalJSON(strip(obj), strip(old))
}

func schemaGroupKind(group, kind string) schema.GroupKind {
	return schema.GroupKind{Group: group, Kind: kind}
}
