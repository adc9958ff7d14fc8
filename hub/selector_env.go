package hub

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The environment variables in which DigitalHub's resource manager takes
// the relevance selectors of the standard kinds, and the kinds they select.
var selectorEnv = []struct {
	name string
	kind schema.GroupKind
}{
	{"K8S_SELECTOR_SERVICE", schema.GroupKind{Kind: "Service"}},
	{"K8S_SELECTOR_DEPLOYMENT", schema.GroupKind{Group: "apps", Kind: "Deployment"}},
	{"K8S_SELECTOR_JOB", schema.GroupKind{Group: "batch", Kind: "Job"}},
	{"K8S_SELECTOR_PVC", schema.GroupKind{Kind: "PersistentVolumeClaim"}},
	{"K8S_SELECTOR_QUOTA", schema.GroupKind{Kind: "ResourceQuota"}},
}

// SelectorsFromEnv reads relevance selectors the way DigitalHub deploys
// them, from K8S_SELECTOR_SERVICE, K8S_SELECTOR_DEPLOYMENT,
// K8S_SELECTOR_JOB, K8S_SELECTOR_PVC and K8S_SELECTOR_QUOTA, and returns
// the WithSelector options for the kinds whose variable is set. getenv is
// usually os.Getenv. A selector that does not parse is an error naming its
// variable and its bad term.
func SelectorsFromEnv(getenv func(string) string) ([]Option, error) {
	var opts []Option
	for _, v := range selectorEnv {
		value := getenv(v.name)
		if value == "" {
			continue
		}
		sel, err := ParseSelector(value)
		if err != nil {
			return nil, fmt.Errorf("hub: %s: %w", v.name, err)
		}
		opts = append(opts, WithSelector(v.kind, sel))
	}
	return opts, nil
}
