package secrets

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/hubkit-dev/hubkit/hub"
)

// The environment variables in which DigitalHub's resource manager takes
// its secret filters.
const (
	EnvLabels      = "K8S_SELECTOR_LABELS"
	EnvOwners      = "K8S_SELECTOR_OWNERS"
	EnvAnnotations = "K8S_SELECTOR_ANNOTATIONS"
	EnvNames       = "K8S_SELECTOR_NAMES"
)

// A Filter decides which secrets the platform manages: a secret is
// relevant when any of its four parts selects it. A Filter with no part set
// selects every secret.
type Filter struct {
	// Labels selects by label, with hub's "a=b,c=d|e=f" syntax.
	Labels hub.Selector
	// Owners selects secrets with an owner reference of one of these
	// apiVersions, such as db.movetokube.com/v1alpha1 for the secrets of
	// PostgresUsers.
	Owners []string
	// Annotations selects secrets that carry one of these annotations with
	// that value.
	Annotations []Annotation
	// Names selects secrets whose whole name matches one of these regular
	// expressions.
	Names []*regexp.Regexp
}

// An Annotation is a key and the value it must have.
type Annotation struct {
	Key, Value string
}

// FilterSpec is a Filter as written in configuration: Labels and
// Annotations separated by "|", Owners and Names by ",".
type FilterSpec struct {
	Labels, Owners, Annotations, Names string
}

// A FilterError names the part of a FilterSpec that does not parse.
type FilterError struct {
	// Setting is "labels", "owners", "annotations" or "names".
	Setting string
	// Part is the position of the bad item in its list, from 0.
	Part int
	// Text is the bad item.
	Text string
	// Err says what is wrong with it.
	Err error
}

// Error names the setting, the item and the problem.
func (e *FilterError) Error() string {
	return fmt.Sprintf("secret filter %s, item %d %q: %v", e.Setting, e.Part, e.Text, e.Err)
}

// Unwrap returns the underlying problem.
func (e *FilterError) Unwrap() error { return e.Err }

// ParseFilter parses the four settings of a filter. Empty settings are
// left out; a bad item is a *FilterError naming it.
func ParseFilter(spec FilterSpec) (Filter, error) {
	var f Filter
	if strings.TrimSpace(spec.Labels) != "" {
		sel, err := hub.ParseSelector(spec.Labels)
		if err != nil {
			if se, ok := errors.AsType[*hub.SelectorError](err); ok {
				return Filter{}, &FilterError{Setting: "labels", Part: se.Term, Text: se.Text, Err: se.Err}
			}
			return Filter{}, &FilterError{Setting: "labels", Text: spec.Labels, Err: err}
		}
		f.Labels = sel
	}
	for i, owner := range splitList(spec.Owners, ",") {
		gv, err := schema.ParseGroupVersion(owner)
		if err == nil && gv.Version == "" {
			err = errors.New("want an apiVersion such as db.movetokube.com/v1alpha1")
		}
		if err != nil {
			return Filter{}, &FilterError{Setting: "owners", Part: i, Text: owner, Err: err}
		}
		f.Owners = append(f.Owners, owner)
	}
	for i, item := range splitList(spec.Annotations, "|") {
		key, value, ok := strings.Cut(item, "=")
		key = strings.TrimSpace(key)
		if !ok {
			return Filter{}, &FilterError{Setting: "annotations", Part: i, Text: item, Err: errors.New("want key=value")}
		}
		if msgs := validation.IsQualifiedName(key); len(msgs) > 0 {
			return Filter{}, &FilterError{Setting: "annotations", Part: i, Text: item, Err: fmt.Errorf("bad key: %s", strings.Join(msgs, "; "))}
		}
		f.Annotations = append(f.Annotations, Annotation{Key: key, Value: strings.TrimSpace(value)})
	}
	for i, expr := range splitList(spec.Names, ",") {
		re, err := regexp.Compile("^(?:" + expr + ")$")
		if err != nil {
			return Filter{}, &FilterError{Setting: "names", Part: i, Text: expr, Err: err}
		}
		f.Names = append(f.Names, re)
	}
	return f, nil
}

// FilterFromEnv parses the filter from K8S_SELECTOR_LABELS,
// K8S_SELECTOR_OWNERS, K8S_SELECTOR_ANNOTATIONS and K8S_SELECTOR_NAMES, read
// through getenv (usually os.Getenv).
func FilterFromEnv(getenv func(string) string) (Filter, error) {
	return ParseFilter(FilterSpec{
		Labels: getenv(EnvLabels), Owners: getenv(EnvOwners), Annotations: getenv(EnvAnnotations), Names: getenv(EnvNames),
	})
}

func splitList(s, sep string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, sep)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// IsEmpty tells whether no part of the filter is set, so that it selects
// every secret.
func (f Filter) IsEmpty() bool {
	return f.Labels.SelectsAll() && len(f.Owners) == 0 && len(f.Annotations) == 0 && len(f.Names) == 0
}

// Matches tells whether the filter selects secret.
func (f Filter) Matches(secret *corev1.Secret) bool {
	if f.IsEmpty() {
		return true
	}
	if !f.Labels.SelectsAll() && f.Labels.MatchesLabels(secret.Labels) {
		return true
	}
	for _, ref := range secret.OwnerReferences {
		if slices.Contains(f.Owners, ref.APIVersion) {
			return true
		}
	}
	for _, a := range f.Annotations {
		if v, ok := secret.Annotations[a.Key]; ok && v == a.Value {
			return true
		}
	}
	return slices.ContainsFunc(f.Names, func(re *regexp.Regexp) bool { return re.MatchString(secret.Name) })
}
