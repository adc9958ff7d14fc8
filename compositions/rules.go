package compositions

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// domainName is the domain's name, the value of LabelManagedBy and a
// category of the generated kinds.
const domainName = "compositions"

// DefaultGroup is the API group of the kinds generated from charts, as
// Krateo's composition.krateo.io.
const DefaultGroup = "composition.hubkit.dev"

// StorageVersion is the version every generated CRD stores its objects
// in: not served, its schema keeping every field. See the package doc.
const StorageVersion = "vacuum"

// Categories are the categories of every generated CRD, as Krateo's:
// `kubectl get compositions` lists every composition of every kind.
var Categories = []string{domainName, "comps"}

// The labels and annotations of generated CRDs.
const (
	// LabelManagedBy marks the CRDs the composition reconciler generated.
	LabelManagedBy = "compositions.hubkit.dev/managed-by"
	// AnnotationChartPrefix followed by a CRD version holds the chart
	// version it was generated from.
	AnnotationChartPrefix = "compositions.hubkit.dev/chart."
)

// VersionOf is the CRD version of a chart version, as Krateo makes it:
// "v" and the version with its dots (and anything else a version name may
// not hold) as dashes, lower case: 1.2.3 → v1-2-3, 2.0.0-rc.1 → v2-0-0-rc-1.
func VersionOf(chartVersion string) string {
	var b strings.Builder
	b.WriteString("v")
	for _, r := range strings.ToLower(strings.TrimPrefix(chartVersion, "v")) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// KindOf is the kind of a chart's objects: its name in Pascal case,
// fireworks-app → FireworksApp (Krateo's generator makes x-app Xapp; here
// each word keeps its capital: XApp).
func KindOf(chartName string) string {
	var b strings.Builder
	upper := true
	for _, r := range chartName {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if upper {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	kind := b.String()
	if kind != "" && unicode.IsDigit(rune(kind[0])) {
		kind = "C" + kind // a kind starts with a letter
	}
	return kind
}

// GroupVersionKindOf is the kind generated from version chartVersion of
// the chart called chartName, in group.
func GroupVersionKindOf(group, chartName, chartVersion string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: group, Version: VersionOf(chartVersion), Kind: KindOf(chartName)}
}

// PluralOf is the resource of a kind, in English as controller-gen makes
// it (Krateo's generator runs it): FireworksApp → fireworksapps, Nginx →
// nginxes, Policy → policies.
func PluralOf(gvk schema.GroupVersionKind) string {
	kind := strings.ToLower(gvk.Kind)
	switch {
	case kind == "":
		return ""
	case strings.HasSuffix(kind, "s"), strings.HasSuffix(kind, "x"), strings.HasSuffix(kind, "z"),
		strings.HasSuffix(kind, "ch"), strings.HasSuffix(kind, "sh"):
		return kind + "es"
	case strings.HasSuffix(kind, "y") && len(kind) > 1 && !strings.ContainsRune("aeiou", rune(kind[len(kind)-2])):
		return kind[:len(kind)-1] + "ies"
	}
	return kind + "s"
}

// CRDName is the name of the CRD of gvk's kind: <plural>.<group>.
func CRDName(gvk schema.GroupVersionKind) string { return PluralOf(gvk) + "." + gvk.Group }

// fieldSpec is the field of an object that holds what it asks for: a
// composition's values.
const fieldSpec = "spec"

// readyColumn shows a composition's Ready condition.
var readyColumn = apiextensionsv1.CustomResourceColumnDefinition{
	Name: reconcile.ReadyCondition, Type: typeString, JSONPath: `.status.conditions[?(@.type=="Ready")].status`,
}

// servedVersion is the CRD version gvk.Version generated from
// chartVersion with the spec schema spec: served, not stored, with the
// status subresource and columns.
func servedVersion(version string, spec *apiextensionsv1.JSONSchemaProps) apiextensionsv1.CustomResourceDefinitionVersion {
	schema := VersionSchema(spec)
	schema.OpenAPIV3Schema.Properties[FieldCreatedAs] = apiextensionsv1.JSONSchemaProps{
		Type: typeString, Default: &apiextensionsv1.JSON{Raw: []byte(strconv.Quote(version))},
		Description: "The version the composition was created through, set by the API server: the version it starts at when it has no " + LabelVersion + " label.",
	}
	return apiextensionsv1.CustomResourceDefinitionVersion{
		Name: version, Served: true, Storage: false,
		Schema:       schema,
		Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
		AdditionalPrinterColumns: []apiextensionsv1.CustomResourceColumnDefinition{
			readyColumn,
			{Name: "Chart", Type: typeString, JSONPath: ".status.helmChartVersion"},
			{Name: "Age", Type: "date", JSONPath: ".metadata.creationTimestamp"},
		},
	}
}

// storageVersion is the version every object is stored in.
func storageVersion() apiextensionsv1.CustomResourceDefinitionVersion {
	preserve := true
	return apiextensionsv1.CustomResourceDefinitionVersion{
		Name: StorageVersion, Served: false, Storage: true,
		Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
			Type: typeObject, XPreserveUnknownFields: &preserve,
		}},
		Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
	}
}

// withVersion returns crd (a new one when nil) serving gvk from the chart
// version chartVersion with the spec schema spec: the version is added,
// or replaced when it exists; the storage version is there and the only
// one stored.
func withVersion(crd *apiextensionsv1.CustomResourceDefinition, gvk schema.GroupVersionKind, chartVersion string,
	spec *apiextensionsv1.JSONSchemaProps,
) *apiextensionsv1.CustomResourceDefinition {
	if crd == nil {
		singular := strings.ToLower(gvk.Kind)
		crd = &apiextensionsv1.CustomResourceDefinition{
			TypeMeta: metav1.TypeMeta{APIVersion: apiextensionsv1.SchemeGroupVersion.String(), Kind: "CustomResourceDefinition"},
			ObjectMeta: metav1.ObjectMeta{
				Name: CRDName(gvk), Labels: map[string]string{LabelManagedBy: domainName},
			},
			Spec: apiextensionsv1.CustomResourceDefinitionSpec{
				Group: gvk.Group, Scope: apiextensionsv1.NamespaceScoped,
				Names: apiextensionsv1.CustomResourceDefinitionNames{
					Kind: gvk.Kind, ListKind: gvk.Kind + "List", Plural: PluralOf(gvk), Singular: singular,
					Categories: slices.Clone(Categories),
				},
				Conversion: &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.NoneConverter},
			},
		}
	} else {
		crd = crd.DeepCopy()
	}
	version := servedVersion(gvk.Version, spec)
	versions := slices.DeleteFunc(crd.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool {
		return v.Name == gvk.Version || v.Name == StorageVersion
	})
	for i := range versions {
		versions[i].Storage = false
	}
	versions = append(versions, version)
	slices.SortFunc(versions, func(a, b apiextensionsv1.CustomResourceDefinitionVersion) int { return strings.Compare(a.Name, b.Name) })
	versions = append(versions, storageVersion())
	crd.Spec.Versions = versions
	if crd.Annotations == nil {
		crd.Annotations = map[string]string{}
	}
	crd.Annotations[AnnotationChartPrefix+gvk.Version] = chartVersion
	return crd
}

// withoutVersion returns crd without version, and how many served
// versions remain.
func withoutVersion(crd *apiextensionsv1.CustomResourceDefinition, version string) (*apiextensionsv1.CustomResourceDefinition, int) {
	out := crd.DeepCopy()
	out.Spec.Versions = slices.DeleteFunc(out.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Name == version })
	delete(out.Annotations, AnnotationChartPrefix+version)
	served := 0
	for _, v := range out.Spec.Versions {
		if v.Served {
			served++
		}
	}
	return out, served
}

// FieldCreatedAs is the top-level field of a composition that the API
// server sets to the version it was created through (each served version's
// schema defaults it to its own name), so that a composition's first
// version is the one its author wrote, without a mutating webhook
// (Krateo's stamps krateo.io/composition-version on create). The stored
// objects of every version are the same, so apiVersion alone cannot tell.
const FieldCreatedAs = "createdAs"

// servesAsDesired tells whether crd serves gvk.Version exactly as desired
// and stores in the storage version.
func servesAsDesired(crd *apiextensionsv1.CustomResourceDefinition, gvk schema.GroupVersionKind, chartVersion string, spec *apiextensionsv1.JSONSchemaProps) bool {
	want := withVersion(crd, gvk, chartVersion, spec)
	return equality.Semantic.DeepEqual(want.Spec.Versions, crd.Spec.Versions) &&
		crd.Annotations[AnnotationChartPrefix+gvk.Version] == chartVersion
}

// established tells whether the API server serves crd.
func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established {
			return c.Status == apiextensionsv1.ConditionTrue
		}
	}
	return false
}

// versionInfo lists crd's versions as a definition's status shows them.
func versionInfo(crd *apiextensionsv1.CustomResourceDefinition) []VersionInfo {
	out := make([]VersionInfo, 0, len(crd.Spec.Versions))
	for _, v := range crd.Spec.Versions {
		out = append(out, VersionInfo{Version: v.Name, Served: v.Served, Stored: v.Storage, Chart: crd.Annotations[AnnotationChartPrefix+v.Name]})
	}
	return out
}

// describe names a chart source in messages, without credentials.
func describe(src ChartSource) string {
	if src.Repo != "" {
		return fmt.Sprintf("%s (chart %s %s)", src.URL, src.Repo, src.Version)
	}
	return fmt.Sprintf("%s %s", src.URL, src.Version)
}
