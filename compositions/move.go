package compositions

import (
	"context"
	"fmt"
	"strings"

	"helm.sh/helm/v3/pkg/release"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ValidateSpec checks a composition's spec as the API server would under
// the spec schema of a version: defaults applied, then every field that
// the schema would drop (an unknown field, pruned) and every value it
// would refuse, each with its path (spec.replicas, spec.app.service).
func ValidateSpec(spec map[string]any, specSchema *apiextensionsv1.JSONSchemaProps) field.ErrorList {
	root := field.NewPath("spec")
	internal, structural, err := structuralOf(specSchema)
	if err != nil {
		return field.ErrorList{field.InternalError(root, err)}
	}
	obj := runtime.DeepCopyJSONValue(spec)
	structuraldefaulting.Default(obj, structural)
	var errs field.ErrorList
	pruned := structuralpruning.PruneWithOptions(obj, structural, false, structuralschema.UnknownFieldPathOptions{
		TrackUnknownFieldPaths: true, ParentPath: []string{fieldSpec},
	})
	for _, path := range pruned {
		errs = append(errs, field.Forbidden(pathOf(path), "not in the schema: the field would be dropped"))
	}
	validator, _, err := apiservervalidation.NewSchemaValidator(internal)
	if err != nil {
		return append(errs, field.InternalError(root, err))
	}
	return append(errs, apiservervalidation.ValidateCustomResource(root, obj, validator)...)
}

// structuralOf is a spec schema in the API server's internal and
// structural forms.
func structuralOf(specSchema *apiextensionsv1.JSONSchemaProps) (*apiextensions.JSONSchemaProps, *structuralschema.Structural, error) {
	internal := &apiextensions.JSONSchemaProps{}
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(specSchema, internal, nil); err != nil {
		return nil, nil, fmt.Errorf("converting the spec schema: %w", err)
	}
	structural, err := structuralschema.NewStructural(internal)
	if err != nil {
		return nil, nil, fmt.Errorf("the spec schema is not structural: %w", err)
	}
	return internal, structural, nil
}

// structuralSpec is the structural schema of the spec a chart's
// values.schema.json makes.
func structuralSpec(valuesSchema []byte) (*structuralschema.Structural, error) {
	spec, err := SpecSchema(valuesSchema)
	if err != nil {
		return nil, fmt.Errorf("the chart's values.schema.json: %w", err)
	}
	_, structural, err := structuralOf(spec)
	return structural, err
}

// pathOf turns a pruned field's path (spec.a.b, spec.list[0].c) into a
// field path.
func pathOf(path string) *field.Path {
	var p *field.Path
	for part := range strings.SplitSeq(path, ".") {
		name, index, hasIndex := strings.Cut(part, "[")
		if p == nil {
			p = field.NewPath(name)
		} else {
			p = p.Child(name)
		}
		if hasIndex {
			p = p.Key(strings.TrimSuffix(index, "]"))
		}
	}
	return p
}

// checkMove refuses a move of the composition u from the chart version of
// its release last to chart when its spec, as stored (read through the
// version it moves from, which still shows every field that version
// knows), would not be valid under chart's schema: Helm never runs for a
// move that would fail or drop fields.
func (r *Releaser) checkMove(ctx context.Context, u *unstructured.Unstructured, last *release.Release, chart *Chart) error {
	from := last.Chart.Metadata.Version
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	stored := &unstructured.Unstructured{}
	stored.SetGroupVersionKind(r.gvk.GroupKind().WithVersion(VersionOf(from)))
	if err := r.hub.Kube().Get(ctx, client.ObjectKeyFromObject(u), stored); err == nil {
		spec, _, _ = unstructured.NestedMap(stored.Object, "spec")
	}
	if spec == nil {
		spec = map[string]any{}
	}
	specSchema, err := SpecSchema(chart.ValuesSchema) //nolint:contextcheck // CPU only: nothing to cancel
	if err != nil {
		return fmt.Errorf("the chart's values.schema.json: %w", err)
	}
	if errs := ValidateSpec(spec, specSchema); len(errs) > 0 {
		return fmt.Errorf("moving from chart %s to %s (%s) is refused before Helm runs: %w", from, chart.Version, r.gvk.Version, errs.ToAggregate())
	}
	return nil
}
