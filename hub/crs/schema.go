package crs

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

// A Schema is one served version of a custom resource kind, compiled as
// the API server compiles it: its scope, whether it has a status
// subresource, and its schema with the API server's own validators, pruning
// and defaulting. The fake cluster (hubtest) admits writes with it, and
// Client validates a custom resource with it before sending it.
type Schema struct {
	// GVK is the kind and the version the schema is of.
	GVK schema.GroupVersionKind
	// Plural is the kind's resource name.
	Plural string
	// Namespaced tells whether objects of the kind live in namespaces.
	Namespaced bool
	// HasStatus tells whether the version has a status subresource.
	HasStatus bool

	// structural is nil for a schema that is not structural (a custom
	// schema may not be): then nothing is pruned nor defaulted.
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// CompileCRD compiles every served version of crd. A CRD whose schema the
// API server would refuse (not structural) is an error.
func CompileCRD(crd *apiextensionsv1.CustomResourceDefinition) ([]*Schema, error) {
	var out []*Schema
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		s := &Schema{
			GVK:        schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind},
			Plural:     crd.Spec.Names.Plural,
			Namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
			HasStatus:  v.Subresources != nil && v.Subresources.Status != nil,
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

// Admit does to a custom resource what the API server does on a write:
// it prunes the fields the schema does not know and the nulls it does not
// allow, applies the schema's defaults, and validates metadata, schema, list types and CEL rules. old
// is the stored object on an update, nil on a create. The returned errors
// carry the API server's field paths.
func (s *Schema) Admit(ctx context.Context, obj, old map[string]any) field.ErrorList {
	var errs field.ErrorList
	if s.structural != nil {
		pruning.Prune(obj, s.structural, true)
		structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, s.structural)
		structuraldefaulting.Default(obj, s.structural)
	}
	u := &unstructured.Unstructured{Object: obj}
	errs = append(errs, validation.ValidateObjectMetaAccessor(u, s.Namespaced, validation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	if s.validator == nil {
		return errs
	}
	if old == nil {
		errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, s.validator)...)
	} else {
		errs = append(errs, apiservervalidation.ValidateCustomResourceUpdate(nil, obj, old, s.validator)...)
	}
	if s.structural == nil {
		return errs
	}
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, s.structural, obj)...)
	var oldObj any
	if old != nil {
		oldObj = old
	}
	celErrs, _ := s.cel.Validate(ctx, nil, s.structural, obj, oldObj, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

// CompileSchema compiles props, a custom schema of kind gvk (the resource
// manager's "Settings", which a CRD without a schema of its own needs), for
// Admit. A schema that is not structural still validates, but nothing is
// pruned nor defaulted by it. A schema the API server's validator cannot
// use is an error naming why.
func CompileSchema(gvk schema.GroupVersionKind, namespaced bool, props *apiextensionsv1.JSONSchemaProps) (*Schema, error) {
	s := &Schema{GVK: gvk, Namespaced: namespaced}
	if props == nil {
		return s, nil
	}
	internal := &apiextensions.JSONSchemaProps{}
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(props, internal, nil); err != nil {
		return nil, fmt.Errorf("the schema of %s: %w", gvk.Kind, err)
	}
	validator, _, err := apiservervalidation.NewSchemaValidator(internal)
	if err != nil {
		return nil, fmt.Errorf("the schema of %s is no JSON schema the API server can use: %w", gvk.Kind, err)
	}
	s.validator = validator
	if structural, err := structuralschema.NewStructural(internal); err == nil &&
		len(structuralschema.ValidateStructural(nil, structural)) == 0 {
		s.structural = structural
		s.cel = cel.NewValidator(structural, true, celconfig.PerCallLimit)
	}
	return s, nil
}
