package hubtest

import (
	"context"
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// crSchema is what the fake knows of one served version of a custom
// resource: its scope, whether it has a status subresource, and the
// structural schema with the API server's own validators.
type crSchema struct {
	gvk        schema.GroupVersionKind
	plural     string
	namespaced bool
	hasStatus  bool
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// schemasOf compiles every served version of crd.
func schemasOf(crd *apiextensionsv1.CustomResourceDefinition) ([]*crSchema, error) {
	var out []*crSchema
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		s := &crSchema{
			gvk:        schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind},
			plural:     crd.Spec.Names.Plural,
			namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
			hasStatus:  v.Subresources != nil && v.Subresources.Status != nil,
		}
		if v.Schema != nil && v.Schema.OpenAPIV3Schema != nil {
			internal := &apiextensions.JSONSchemaProps{}
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, internal, nil); err != nil {
				return nil, fmt.Errorf("CRD %s version %s: converting the schema: %w", crd.Name, v.Name, err)
			}
			structural, err := structuralschema.NewStructural(internal)
			if err != nil {
				return nil, fmt.Errorf("CRD %s version %s: the schema is not structural: %w", crd.Name, v.Name, err)
			}
			if errs := structuralschema.ValidateStructural(field.NewPath("spec", "versions").Key(v.Name).Child("schema", "openAPIV3Schema"), structural); len(errs) > 0 {
				return nil, fmt.Errorf("CRD %s version %s: the schema is not structural: %w", crd.Name, v.Name, errs.ToAggregate())
			}
			validator, _, err := apiservervalidation.NewSchemaValidator(internal)
			if err != nil {
				return nil, fmt.Errorf("CRD %s version %s: building the validator: %w", crd.Name, v.Name, err)
			}
			s.structural = structural
			s.validator = validator
			s.cel = cel.NewValidator(structural, true, celconfig.PerCallLimit)
		}
		out = append(out, s)
	}
	return out, nil
}

// admit does to a custom resource what the API server does on a write:
// it prunes the fields the schema does not know and the nulls it does not
// allow, applies the schema's defaults, and validates metadata, schema, list types and CEL rules. old
// is the stored object on an update, nil on a create. The returned errors
// carry the API server's field paths.
func (s *crSchema) admit(ctx context.Context, obj, old map[string]any) field.ErrorList {
	var errs field.ErrorList
	if s.structural != nil {
		pruning.Prune(obj, s.structural, true)
		structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, s.structural)
		structuraldefaulting.Default(obj, s.structural)
	}
	u := &unstructured.Unstructured{Object: obj}
	errs = append(errs, validation.ValidateObjectMetaAccessor(u, s.namespaced, validation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	if s.structural == nil {
		return errs
	}
	if old == nil {
		errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, s.validator)...)
	} else {
		errs = append(errs, apiservervalidation.ValidateCustomResourceUpdate(nil, obj, old, s.validator)...)
	}
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, s.structural, obj)...)
	var oldObj any
	if old != nil {
		oldObj = old
	}
	celErrs, _ := s.cel.Validate(ctx, nil, s.structural, obj, oldObj, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

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
