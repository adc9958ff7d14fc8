package crs

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

// CreatedByLabel is the label the resource manager puts on the custom
// resources it creates, and by which it scopes what it shows.
const CreatedByLabel = "app.kubernetes.io/created-by"

// DefaultCreatedBy is the resource manager's created-by value
// (K8S_CR_CREATED_BY).
const DefaultCreatedBy = "krm"

// The resource manager's settings OptionsFromEnv reads.
const (
	EnvAllowed   = "K8S_CRD_ALLOWED"
	EnvDenied    = "K8S_CRD_DENIED"
	EnvCreatedBy = "K8S_CR_CREATED_BY"
)

// A Policy says which CRDs a platform may show, by name, with the resource
// manager's rule: a CRD is allowed if Allowed lists it, or if Allowed is
// empty and Denied does not list it.
type Policy struct {
	Allowed, Denied []string
}

// Allows tells whether the CRD called name may be shown.
func (p Policy) Allows(name string) bool {
	if len(p.Allowed) > 0 {
		return slices.Contains(p.Allowed, name)
	}
	return !slices.Contains(p.Denied, name)
}

// A Client serves the custom resources of one namespace, the hub.Client's.
type Client struct {
	hub       *hub.Client
	policy    Policy
	createdBy string
}

// An Option configures a Client.
type Option func(*Client)

// WithPolicy sets which CRDs the Client serves; by default all.
func WithPolicy(p Policy) Option { return func(c *Client) { c.policy = p } }

// WithCreatedBy sets the created-by value the Client puts on what it
// creates and by which it scopes what it shows; empty (the default) puts
// and checks none, as the resource manager before 1.4.
func WithCreatedBy(value string) Option { return func(c *Client) { c.createdBy = value } }

// OptionsFromEnv returns the options the resource manager is configured
// with, read through getenv: K8S_CRD_ALLOWED and K8S_CRD_DENIED (comma
// lists) and K8S_CR_CREATED_BY (krm when unset or empty; WithCreatedBy("")
// after these options scopes nothing).
func OptionsFromEnv(getenv func(string) string) []Option {
	list := func(v string) []string {
		var out []string
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
		return out
	}
	createdBy := DefaultCreatedBy
	if v := strings.TrimSpace(getenv(EnvCreatedBy)); v != "" {
		createdBy = v
	}
	return []Option{
		WithPolicy(Policy{Allowed: list(getenv(EnvAllowed)), Denied: list(getenv(EnvDenied))}),
		WithCreatedBy(createdBy),
	}
}

// NewClient returns a Client over c, whose scheme must know
// CustomResourceSchema (AddToScheme) and apiextensions' types.
func NewClient(c *hub.Client, opts ...Option) *Client {
	cl := &Client{hub: c}
	for _, opt := range opts {
		opt(cl)
	}
	return cl
}

// Allows tells whether the Client's policy lets it serve the CRD called
// name.
func (c *Client) Allows(name string) bool { return c.policy.Allows(name) }

// ListCRDs returns the CRDs installed on the cluster that the policy
// allows, sorted by name.
func (c *Client) ListCRDs(ctx context.Context) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	page, err := hub.For[*apiextensionsv1.CustomResourceDefinition](c.hub).List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, crd := range page.Items {
		if c.policy.Allows(crd.Name) {
			out = append(out, crd)
		}
	}
	return out, nil
}

// GetCRD returns the CRD called name; one the policy does not allow is
// NotFound, as one the cluster does not have.
func (c *Client) GetCRD(ctx context.Context, name string) (*apiextensionsv1.CustomResourceDefinition, error) {
	return hub.For[*apiextensionsv1.CustomResourceDefinition](c.hub).GetMatching(ctx, name, func(crd *apiextensionsv1.CustomResourceDefinition) bool {
		return c.policy.Allows(crd.Name)
	})
}

// StorageVersion returns the version of crd that the cluster stores.
func StorageVersion(crd *apiextensionsv1.CustomResourceDefinition) (*apiextensionsv1.CustomResourceDefinitionVersion, error) {
	for i := range crd.Spec.Versions {
		if crd.Spec.Versions[i].Storage {
			return &crd.Spec.Versions[i], nil
		}
	}
	return nil, fmt.Errorf("CRD %s has no storage version", crd.Name)
}

// SchemaInfo is the schema custom resources of a CRD version are written
// against.
type SchemaInfo struct {
	// ID is the name of the CustomResourceSchema it comes from; empty for
	// the CRD's own schema.
	ID      string
	CRD     string
	Version string
	// Schema is nil for a CRD version without a schema and no custom one.
	Schema *apiextensionsv1.JSONSchemaProps
}

// Custom tells whether the schema is a custom one rather than the CRD's.
func (s SchemaInfo) Custom() bool { return s.ID != "" }

// SchemaFor returns the schema of version of the CRD called crdName: its
// custom schema when one is set, else the CRD's own.
func (c *Client) SchemaFor(ctx context.Context, crdName, version string) (SchemaInfo, error) {
	crd, err := c.GetCRD(ctx, crdName)
	if err != nil {
		return SchemaInfo{}, err
	}
	idx := slices.IndexFunc(crd.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Name == version })
	if idx < 0 {
		return SchemaInfo{}, fmt.Errorf("CRD %s has no version %s: %w", crdName, version,
			apierrors.NewNotFound(schema.GroupResource{Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}, crdName+"/"+version))
	}
	custom, err := c.ListSchemas(ctx, crdName)
	if err != nil {
		return SchemaInfo{}, err
	}
	for _, s := range custom {
		if s.Spec.Version == version {
			return InfoOf(s)
		}
	}
	info := SchemaInfo{CRD: crdName, Version: version}
	if v := crd.Spec.Versions[idx]; v.Schema != nil {
		info.Schema = v.Schema.OpenAPIV3Schema
	}
	return info, nil
}

// InfoOf reads a stored custom schema.
func InfoOf(s *CustomResourceSchema) (SchemaInfo, error) {
	props := &apiextensionsv1.JSONSchemaProps{}
	if err := json.Unmarshal(s.Spec.Schema.Raw, props); err != nil {
		return SchemaInfo{}, fmt.Errorf("custom schema %s: %w", s.Name, err)
	}
	return SchemaInfo{ID: s.Name, CRD: s.Spec.CRD, Version: s.Spec.Version, Schema: props}, nil
}

// ListSchemas returns the custom schemas of the namespace, of the CRDs
// named (all when none is), sorted by name.
func (c *Client) ListSchemas(ctx context.Context, crdNames ...string) ([]*CustomResourceSchema, error) {
	page, err := hub.For[*CustomResourceSchema](c.hub).List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*CustomResourceSchema
	for _, s := range page.Items {
		if len(crdNames) == 0 || slices.Contains(crdNames, s.Spec.CRD) {
			out = append(out, s)
		}
	}
	return out, nil
}

// GetSchema returns the custom schema called id.
func (c *Client) GetSchema(ctx context.Context, id string) (*CustomResourceSchema, error) {
	return hub.For[*CustomResourceSchema](c.hub).Get(ctx, id)
}

// SchemaName is the name a custom schema of crdName's version gets when
// none is given: the resource manager's schema ids are [a-z0-9-]+.
func SchemaName(crdName, version string) string {
	return strings.ReplaceAll(crdName, ".", "-") + "-" + version
}

// A SchemaRequest is a custom schema to set.
type SchemaRequest struct {
	// ID names the schema; empty gives SchemaName.
	ID      string
	CRD     string
	Version string
	// Schema is the JSON schema; empty takes the CRD version's own, for
	// an administrator to edit.
	Schema json.RawMessage
}

var schemaKind = schema.GroupKind{Group: GroupVersion.Group, Kind: "CustomResourceSchema"}

// SetSchema stores a custom schema, replacing the one of the same CRD and
// version if there is one. The CRD must exist, be allowed and have that
// version; the schema must be a JSON schema the API server's validator can
// use: anything else is a *hub.ValidationError naming the field.
func (c *Client) SetSchema(ctx context.Context, req SchemaRequest) (*CustomResourceSchema, error) {
	name, raw, errs, err := c.checkSchema(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := hub.NewValidationError(schemaKind, name, errs); err != nil {
		return nil, err
	}
	ns, err := hub.For[*CustomResourceSchema](c.hub).Namespace()
	if err != nil {
		return nil, err
	}
	desired := &CustomResourceSchema{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       CustomResourceSchemaSpec{CRD: req.CRD, Version: req.Version, Schema: apiextensionsv1.JSON{Raw: raw}},
	}
	schemas := hub.For[*CustomResourceSchema](c.hub)
	err = schemas.Create(ctx, desired)
	if !hub.IsAlreadyExists(err) {
		return desired, err
	}
	return schemas.Update(ctx, name, func(s *CustomResourceSchema) error {
		s.Spec = desired.Spec
		return nil
	})
}

// checkSchema makes SetSchema's checks: it returns the schema's name and
// its JSON (the CRD version's own when req has none), and the field errors
// of a request to refuse.
func (c *Client) checkSchema(ctx context.Context, req SchemaRequest) (string, json.RawMessage, field.ErrorList, error) {
	var errs field.ErrorList
	specPath := field.NewPath("spec")
	crd, err := c.GetCRD(ctx, req.CRD)
	switch {
	case hub.IsNotFound(err):
		errs = append(errs, field.NotFound(specPath.Child("crdId"), req.CRD))
	case err != nil:
		return "", nil, nil, err
	}
	name := req.ID
	if name == "" {
		name = SchemaName(req.CRD, req.Version)
	}
	errs = append(errs, hub.ValidateName(field.NewPath("metadata", "name"), name)...)
	raw := req.Schema
	if crd != nil {
		idx := slices.IndexFunc(crd.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Name == req.Version })
		switch {
		case idx < 0:
			errs = append(errs, field.NotFound(specPath.Child("version"), req.Version))
		case len(raw) == 0 || string(raw) == "null" || string(raw) == "{}":
			raw, err = json.Marshal(crd.Spec.Versions[idx].Schema.OpenAPIV3Schema)
			if err != nil {
				return "", nil, nil, fmt.Errorf("encoding the schema of CRD %s: %w", req.CRD, err)
			}
		}
	}
	if len(errs) == 0 {
		errs = append(errs, validateSchemaJSON(specPath.Child("schema"), raw, crd)...)
	}
	return name, raw, errs, nil
}

// validateSchemaJSON checks that raw is a JSON schema the API server's
// validator can use.
func validateSchemaJSON(p *field.Path, raw json.RawMessage, crd *apiextensionsv1.CustomResourceDefinition) field.ErrorList {
	props := &apiextensionsv1.JSONSchemaProps{}
	if err := json.Unmarshal(raw, props); err != nil {
		return field.ErrorList{field.Invalid(p, string(raw), "not a JSON schema: "+err.Error())}
	}
	errs := checkSchemaProps(p, props, 0)
	if len(errs) > 0 {
		return errs
	}
	gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}
	if _, err := CompileSchema(gvk, true, props); err != nil {
		return field.ErrorList{field.Invalid(p, "(schema)", err.Error())}
	}
	return nil
}

// maxSchemaDepth bounds how deep checkSchemaProps walks a schema.
const maxSchemaDepth = 32

// schemaTypes are the types a schema may name.
var schemaTypes = []string{"", "object", "array", "string", "integer", "number", "boolean"}

// checkSchemaProps finds what the validator would only trip on later: an
// unknown type or a pattern that is no regular expression, with its path
// in the schema.
func checkSchemaProps(p *field.Path, props *apiextensionsv1.JSONSchemaProps, depth int) field.ErrorList {
	if props == nil {
		return nil
	}
	if depth > maxSchemaDepth {
		return field.ErrorList{field.TooMany(p, depth, maxSchemaDepth)}
	}
	var errs field.ErrorList
	if !slices.Contains(schemaTypes, props.Type) {
		errs = append(errs, field.NotSupported(p.Child("type"), props.Type, schemaTypes[1:]))
	}
	if props.Pattern != "" {
		if _, err := regexp.Compile(props.Pattern); err != nil {
			errs = append(errs, field.Invalid(p.Child("pattern"), props.Pattern, err.Error()))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(props.Properties)) {
		child := props.Properties[name]
		errs = append(errs, checkSchemaProps(p.Child("properties").Key(name), &child, depth+1)...)
	}
	if props.Items != nil {
		errs = append(errs, checkSchemaProps(p.Child("items"), props.Items.Schema, depth+1)...)
	}
	if props.AdditionalProperties != nil {
		errs = append(errs, checkSchemaProps(p.Child("additionalProperties"), props.AdditionalProperties.Schema, depth+1)...)
	}
	return errs
}

// DeleteSchema removes the custom schema called id; the CRD's own schema
// applies again.
func (c *Client) DeleteSchema(ctx context.Context, id string) error {
	schemas := hub.For[*CustomResourceSchema](c.hub)
	s, err := schemas.Get(ctx, id)
	if err != nil {
		return err
	}
	return schemas.DeleteObject(ctx, s)
}

// Resources returns the custom resources of the CRD called crdName, in its
// storage version, as the Client serves them.
func (c *Client) Resources(ctx context.Context, crdName string) (*Resources, error) {
	crd, err := c.GetCRD(ctx, crdName)
	if err != nil {
		return nil, err
	}
	v, err := StorageVersion(crd)
	if err != nil {
		return nil, err
	}
	gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
	return &Resources{
		client: c, crd: crd, gvk: gvk,
		res: hub.For[*unstructured.Unstructured](c.hub, hub.OfKind(gvk)),
	}, nil
}

// Resources are the custom resources of one CRD.
type Resources struct {
	client *Client
	crd    *apiextensionsv1.CustomResourceDefinition
	gvk    schema.GroupVersionKind
	res    *hub.Resource[*unstructured.Unstructured]
}

// GroupVersionKind returns the kind and storage version served.
func (r *Resources) GroupVersionKind() schema.GroupVersionKind { return r.gvk }

// scoped tells whether obj carries the client's created-by label.
func (r *Resources) scoped(obj *unstructured.Unstructured) bool {
	return r.client.createdBy == "" || obj.GetLabels()[CreatedByLabel] == r.client.createdBy
}

// List returns the custom resources, those of the client's created-by
// value only when one is set.
func (r *Resources) List(ctx context.Context) ([]*unstructured.Unstructured, error) {
	var opts []hub.ListOption
	if r.client.createdBy != "" {
		opts = append(opts, hub.MatchingLabels(map[string]string{CreatedByLabel: r.client.createdBy}))
	}
	page, err := r.res.List(ctx, opts...)
	return page.Items, err
}

// Get returns the custom resource called name; one without the client's
// created-by value is NotFound.
func (r *Resources) Get(ctx context.Context, name string) (*unstructured.Unstructured, error) {
	return r.res.GetMatching(ctx, name, r.scoped)
}

// Validate checks obj as a write of it would be checked: its apiVersion must
// be the storage version (or empty), and it must pass the custom schema
// when one is set, else the CRD's, with the API server's validator; old
// is the stored object on an update. The errors carry field paths.
func (r *Resources) Validate(ctx context.Context, obj, old *unstructured.Unstructured) (field.ErrorList, error) {
	var errs field.ErrorList
	if av := obj.GetAPIVersion(); av != "" && av != r.gvk.GroupVersion().String() {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), av, []string{r.gvk.GroupVersion().String()}))
		return errs, nil
	}
	info, err := r.client.SchemaFor(ctx, r.crd.Name, r.gvk.Version)
	if err != nil {
		return nil, err
	}
	s, err := CompileSchema(r.gvk, r.crd.Spec.Scope == apiextensionsv1.NamespaceScoped, info.Schema)
	if err != nil {
		return nil, err
	}
	content := runtime.DeepCopyJSON(obj.Object)
	content["apiVersion"], content["kind"] = r.gvk.GroupVersion().String(), r.gvk.Kind
	if obj.GetNamespace() == "" {
		ns, err := r.res.Namespace()
		if err != nil {
			return nil, err
		}
		(&unstructured.Unstructured{Object: content}).SetNamespace(ns)
	}
	var oldContent map[string]any
	if old != nil {
		oldContent = runtime.DeepCopyJSON(old.Object)
	}
	return append(errs, s.Admit(ctx, content, oldContent)...), nil
}

// Create validates obj (see Validate), puts the client's created-by label
// on it and creates it.
func (r *Resources) Create(ctx context.Context, obj *unstructured.Unstructured) error {
	errs, err := r.Validate(ctx, obj, nil)
	if err != nil {
		return err
	}
	if err := hub.NewValidationError(r.gvk.GroupKind(), obj.GetName(), errs); err != nil {
		return err
	}
	obj.SetGroupVersionKind(r.gvk)
	if r.client.createdBy != "" {
		labels := obj.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		labels[CreatedByLabel] = r.client.createdBy
		obj.SetLabels(labels)
	}
	return r.res.Create(ctx, obj)
}

// Update reads the custom resource called name, applies mutate and writes
// it back, validated (see Validate), retrying on conflict.
func (r *Resources) Update(ctx context.Context, name string, mutate func(*unstructured.Unstructured) error) (*unstructured.Unstructured, error) {
	if _, err := r.Get(ctx, name); err != nil {
		return nil, err
	}
	return r.res.Update(ctx, name, func(u *unstructured.Unstructured) error {
		old := u.DeepCopy()
		if err := mutate(u); err != nil {
			return err
		}
		errs, err := r.Validate(ctx, u, old)
		if err != nil {
			return err
		}
		return hub.NewValidationError(r.gvk.GroupKind(), name, errs)
	})
}

// Delete deletes the custom resource called name, the one it reads.
func (r *Resources) Delete(ctx context.Context, name string) error {
	obj, err := r.Get(ctx, name)
	if err != nil {
		return err
	}
	return r.res.DeleteObject(ctx, obj)
}
