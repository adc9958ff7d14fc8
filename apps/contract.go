package apps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

// The annotations and label of the Data Manager's application contract.
const (
	// AnnotationApplication is "yes" on the CRD of an application kind.
	AnnotationApplication = "data-manager.informaticsmatters.com/application"
	// AnnotationApplicationNamespaces lists, separated by ":", the
	// namespaces the kind's instances may run in; empty or absent means
	// any.
	AnnotationApplicationNamespaces = "data-manager.informaticsmatters.com/application-namespaces"
	// AnnotationApplicationURLLocation is the path under an instance's
	// status where its URL is ("jupyter.notebook.url").
	AnnotationApplicationURLLocation = "data-manager.informaticsmatters.com/application-url-location"
	// LabelInstance names, on an instance's pods, the instance they run.
	LabelInstance = "data-manager.informaticsmatters.com/instance"
)

// markYes is the value of the contract's marks that says yes.
const markYes = "yes"

// namespaceSeparator joins the namespaces of AnnotationApplicationNamespaces.
const namespaceSeparator = ":"

// An Application is an application kind: a CRD marked by the contract.
type Application struct {
	// CRD names the kind's CRD.
	CRD string
	// GroupVersionKind is the kind, at its storage version.
	GroupVersionKind schema.GroupVersionKind
	// Namespaces are those its instances may run in; none means any.
	Namespaces []string
	// URLLocation is the path of an instance's URL under its status, as
	// dotted names ("jupyter.notebook.url").
	URLLocation []string
}

// AvailableIn tells whether the application's instances may run in
// namespace.
func (a Application) AvailableIn(namespace string) bool {
	return len(a.Namespaces) == 0 || slices.Contains(a.Namespaces, namespace)
}

// MarkApplication marks crd as an application kind whose instances may run
// in namespaces (any when none) and keep their URL at urlLocation under
// their status ("jupyter.notebook.url"). It checks both first: a namespace
// must be a valid name, and the location dotted names of fields.
func MarkApplication(crd *apiextensionsv1.CustomResourceDefinition, namespaces []string, urlLocation string) error {
	var errs field.ErrorList
	annotations := field.NewPath("metadata", "annotations")
	for i, ns := range namespaces {
		for _, msg := range validation.IsDNS1123Label(ns) {
			errs = append(errs, field.Invalid(annotations.Key(AnnotationApplicationNamespaces).Index(i), ns, msg))
		}
	}
	if _, err := parseLocation(urlLocation); err != nil {
		errs = append(errs, field.Invalid(annotations.Key(AnnotationApplicationURLLocation), urlLocation, err.Error()))
	}
	if len(errs) > 0 {
		return fmt.Errorf("marking %s as an application: %w", crd.Name, errs.ToAggregate())
	}
	if crd.Annotations == nil {
		crd.Annotations = map[string]string{}
	}
	crd.Annotations[AnnotationApplication] = markYes
	crd.Annotations[AnnotationApplicationNamespaces] = strings.Join(namespaces, namespaceSeparator)
	crd.Annotations[AnnotationApplicationURLLocation] = urlLocation
	return nil
}

// maxLocationDepth bounds a URL location: a status is not nested deeper.
const maxLocationDepth = 32

// parseLocation reads a URL location: dotted, non-empty field names.
func parseLocation(location string) ([]string, error) {
	if location == "" {
		return nil, errors.New("the URL location is empty: want the dotted path of a status field, as jupyter.notebook.url")
	}
	parts := strings.Split(location, ".")
	if len(parts) > maxLocationDepth {
		return nil, fmt.Errorf("the URL location has %d parts, more than %d", len(parts), maxLocationDepth)
	}
	for i, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("part %d of the URL location %q is empty", i+1, location)
		}
	}
	return parts, nil
}

// ApplicationOf reads the contract's marks on crd: false when crd is not an
// application kind, an error when it is but its marks are unusable.
func ApplicationOf(crd *apiextensionsv1.CustomResourceDefinition) (Application, bool, error) {
	if crd.Annotations[AnnotationApplication] != markYes {
		return Application{}, false, nil
	}
	location, err := parseLocation(crd.Annotations[AnnotationApplicationURLLocation])
	if err != nil {
		return Application{}, true, fmt.Errorf("the application %s: %w", crd.Name, err)
	}
	a := Application{CRD: crd.Name, URLLocation: location}
	for _, v := range crd.Spec.Versions {
		if v.Storage {
			a.GroupVersionKind = schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
		}
	}
	if a.GroupVersionKind.Version == "" {
		return Application{}, true, fmt.Errorf("the application %s has no storage version", crd.Name)
	}
	for ns := range strings.SplitSeq(crd.Annotations[AnnotationApplicationNamespaces], namespaceSeparator) {
		if ns = strings.TrimSpace(ns); ns != "" {
			a.Namespaces = append(a.Namespaces, ns)
		}
	}
	return a, true, nil
}

// ApplicationKinds lists the application kinds whose instances may run in
// namespace, by CRD name. A marked CRD whose marks are unusable is left
// out and named in the error, next to the kinds that are usable.
func ApplicationKinds(ctx context.Context, c *hub.Client, namespace string) ([]Application, error) {
	crds, err := hub.For[*apiextensionsv1.CustomResourceDefinition](c).List(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the CRDs: %w", err)
	}
	var out []Application
	var errs []error
	for _, crd := range crds.Items {
		a, ok, err := ApplicationOf(crd)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok && a.AvailableIn(namespace):
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Application) int { return strings.Compare(a.CRD, b.CRD) })
	return out, errors.Join(errs...)
}

// InstanceURL reads the URL of an instance of application a at the
// application's URL location under its status; "" while the operator has
// not written it.
func InstanceURL(a Application, instance *unstructured.Unstructured) (string, error) {
	path := append([]string{"status"}, a.URLLocation...)
	url, found, err := unstructured.NestedString(instance.Object, path...)
	if err != nil {
		return "", fmt.Errorf("the URL of %s %q at status.%s: %w", a.GroupVersionKind.Kind, instance.GetName(), strings.Join(a.URLLocation, "."), err)
	}
	if !found {
		return "", nil
	}
	return url, nil
}

// InstanceLabel is the label the contract asks for on the pods of the
// instance called name, as "key=value", the form spec.imDataManager.labels
// holds.
func InstanceLabel(name string) string { return LabelInstance + "=" + name }

// dataManagerField is the field of an instance's spec under which the
// Data Manager sets everything.
const dataManagerField = "imDataManager"

// requiredFields are the fields the Data Manager sets on every instance of
// an application, as paths in its CRD's schema.
var requiredFields = func() [][]string {
	under := func(path ...string) []string { return append([]string{"spec", dataManagerField}, path...) }
	return [][]string{
		under("securityContext", "runAsUser"), under("securityContext", "runAsGroup"),
		under("project", "claimName"), under("project", "id"),
	}
}()

// ValidateApplicationCRD checks that crd, an application kind, takes the
// fields the Data Manager sets on every instance, in its storage version's
// schema: the security context (spec.imDataManager.securityContext
// runAsUser and runAsGroup) and the project volume
// (spec.imDataManager.project claimName and id). A field is taken when the
// schema declares it or keeps unknown fields where it would be.
func ValidateApplicationCRD(crd *apiextensionsv1.CustomResourceDefinition) field.ErrorList {
	var errs field.ErrorList
	if _, ok, err := ApplicationOf(crd); !ok {
		return field.ErrorList{field.Required(field.NewPath("metadata", "annotations").Key(AnnotationApplication), `an application CRD is annotated "yes"`)}
	} else if err != nil {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "annotations"), crd.Annotations, err.Error()))
	}
	var root *apiextensionsv1.JSONSchemaProps
	for _, v := range crd.Spec.Versions {
		if v.Storage && v.Schema != nil {
			root = v.Schema.OpenAPIV3Schema
		}
	}
	schemaPath := field.NewPath("spec", "versions").Key("storage").Child("schema", "openAPIV3Schema")
	for _, path := range requiredFields {
		if !takes(root, path) {
			errs = append(errs, field.Required(schemaPath.Child("properties").Child(strings.Join(path, ".")),
				"the Data Manager sets "+strings.Join(path, ".")+" on every instance: the schema must declare it"))
		}
	}
	return errs
}

// takes tells whether schema s accepts a value at path: declared, or kept
// as an unknown field of an object on the way.
func takes(s *apiextensionsv1.JSONSchemaProps, path []string) bool {
	for _, name := range path {
		if s == nil {
			return false
		}
		if s.XPreserveUnknownFields != nil && *s.XPreserveUnknownFields {
			return true
		}
		prop, ok := s.Properties[name]
		if !ok {
			return false
		}
		s = &prop
	}
	return s != nil
}
