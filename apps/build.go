package apps

import (
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// A TemplateOption sets a field of a TemplateRequest.
type TemplateOption func(*TemplateRequest)

// WithEnvironment makes the template start a container environment.
func WithEnvironment(env Environment) TemplateOption {
	return func(r *TemplateRequest) { r.Spec.Environment = &env }
}

// WithManifests makes the template Karvdash-style manifests with $VAR
// placeholders.
func WithManifests(manifests string) TemplateOption {
	return func(r *TemplateRequest) { r.Spec.Manifests = manifests }
}

// WithVariables declares the variables a user may set.
func WithVariables(vars ...Variable) TemplateOption {
	return func(r *TemplateRequest) { r.Spec.Variables = append(r.Spec.Variables, vars...) }
}

// Singleton allows one instance of the template per tenant.
func Singleton() TemplateOption { return func(r *TemplateRequest) { r.Spec.Singleton = true } }

// Exposed exposes the template's instances through the gateway, with
// basic authentication unless auth is false.
func Exposed(auth bool) TemplateOption {
	return func(r *TemplateRequest) { r.Spec.Exposed, r.Spec.Auth = true, &auth }
}

// A TemplateRequest is a Template to create. Make one with NewTemplate.
type TemplateRequest struct {
	Name string
	Spec TemplateSpec
}

// NewTemplate returns the template called name, shown as prettyName.
func NewTemplate(name, prettyName string, opts ...TemplateOption) TemplateRequest {
	r := TemplateRequest{Name: name, Spec: TemplateSpec{PrettyName: prettyName}}
	for _, opt := range opts {
		opt(&r)
	}
	return r
}

// Validate checks the template with the field paths of its resource: a
// name, a pretty name, an environment or manifests (one of the two), an
// environment's image and ports (each name once), and manifests whose
// placeholders are declared (ValidateTemplate). A container environment
// is named by the platform: it declares no NAME.
func (r TemplateRequest) Validate() field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(r.Name) {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), r.Name, msg))
	}
	spec := field.NewPath("spec")
	if strings.TrimSpace(r.Spec.PrettyName) == "" {
		errs = append(errs, field.Required(spec.Child("prettyName"), "the name users see"))
	}
	switch env := r.Spec.Environment; {
	case env != nil && r.Spec.Manifests != "":
		errs = append(errs, field.Forbidden(spec.Child("manifests"), "a template holds an environment or manifests, one of the two"))
	case env == nil && r.Spec.Manifests == "":
		errs = append(errs, field.Required(spec.Child("environment"), "a template holds an environment or manifests"))
	case env != nil:
		errs = append(errs, validateEnvironment(spec.Child("environment"), env)...)
	default:
		errs = append(errs, ValidateTemplate(r.Spec.Manifests, r.Spec.Variables)...)
	}
	return errs
}

func validateEnvironment(p *field.Path, env *Environment) field.ErrorList {
	var errs field.ErrorList
	if strings.TrimSpace(env.Image) == "" {
		errs = append(errs, field.Required(p.Child("image"), "the container's image"))
	}
	names := make([]string, 0, len(env.Ports))
	for i, port := range env.Ports {
		pp := p.Child("ports").Index(i)
		for _, msg := range validation.IsValidPortName(port.Name) {
			errs = append(errs, field.Invalid(pp.Child("name"), port.Name, msg))
		}
		if slices.Contains(names, port.Name) {
			errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
		}
		names = append(names, port.Name)
		for _, msg := range validation.IsValidPortNum(int(port.Port)) {
			errs = append(errs, field.Invalid(pp.Child("port"), port.Port, msg))
		}
	}
	return errs
}

// Build returns the Template resource in namespace (a workspace's). It
// does not validate.
func (r TemplateRequest) Build(namespace string) *Template {
	return &Template{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "Template"},
		ObjectMeta: metav1.ObjectMeta{Name: r.Name, Namespace: namespace},
		Spec:       *r.Spec.DeepCopy(),
	}
}

// An InstanceOption sets a field of an InstanceRequest.
type InstanceOption func(*InstanceRequest)

// WithValues sets the values of the template's variables.
func WithValues(values map[string]string) InstanceOption {
	return func(r *InstanceRequest) { r.Spec.Variables = values }
}

// Stopped creates the instance stopped.
func Stopped() InstanceOption {
	return func(r *InstanceRequest) { running := false; r.Spec.Running = &running }
}

// An InstanceRequest is an Instance to create. Make one with NewInstance.
type InstanceRequest struct {
	Name string
	Spec InstanceSpec
}

// NewInstance returns the instance called name of the template
// templateName in templateNamespace.
func NewInstance(name, templateNamespace, templateName string, opts ...InstanceOption) InstanceRequest {
	r := InstanceRequest{Name: name, Spec: InstanceSpec{Template: TemplateRef{Name: templateName, Namespace: templateNamespace}}}
	for _, opt := range opts {
		opt(&r)
	}
	return r
}

// Validate checks the instance with the field paths of its resource: a
// name, its template's name and namespace, and no value for a variable the
// platform sets. Whether the template declares each variable is checked
// against the template (RenderTemplate).
func (r InstanceRequest) Validate() field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(r.Name) {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), r.Name, msg))
	}
	tp := field.NewPath("spec", "template")
	for _, msg := range validation.IsDNS1123Subdomain(r.Spec.Template.Name) {
		errs = append(errs, field.Invalid(tp.Child("name"), r.Spec.Template.Name, msg))
	}
	for _, msg := range validation.IsDNS1123Label(r.Spec.Template.Namespace) {
		errs = append(errs, field.Invalid(tp.Child("namespace"), r.Spec.Template.Namespace, msg))
	}
	for _, name := range slices.Sorted(maps.Keys(r.Spec.Variables)) {
		if slices.Contains(PlatformVariables, name) {
			errs = append(errs, field.Forbidden(field.NewPath("spec", "variables").Key(name), name+" is set by the platform"))
		}
	}
	return errs
}

// Build returns the Instance resource in namespace (a tenant's). It does
// not validate.
func (r InstanceRequest) Build(namespace string) *Instance {
	return &Instance{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "Instance"},
		ObjectMeta: metav1.ObjectMeta{Name: r.Name, Namespace: namespace},
		Spec:       *r.Spec.DeepCopy(),
	}
}
