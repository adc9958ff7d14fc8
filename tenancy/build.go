package tenancy

import (
	"net/mail"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

// NamespaceOf is the namespace of the tenant called name, named as
// CrownLabs names it: "tenant-<name>", its dots as dashes.
func NamespaceOf(name string) string { return "tenant-" + strings.ReplaceAll(name, ".", "-") }

// WorkspaceNamespaceOf is the namespace of the workspace called name:
// "workspace-<name>".
func WorkspaceNamespaceOf(name string) string { return "workspace-" + name }

// A TenantOption sets a field of a TenantRequest.
type TenantOption func(*TenantRequest)

// InWorkspace makes the tenant a member of the workspace called name, with
// role.
func InWorkspace(name string, role Role) TenantOption {
	return func(r *TenantRequest) { r.Workspaces = append(r.Workspaces, WorkspaceRole{Name: name, Role: role}) }
}

// WithTenantQuota overrides the sum of the tenant's workspaces' quotas.
func WithTenantQuota(q Quota) TenantOption { return func(r *TenantRequest) { r.Quota = &q } }

// WithPersonalStorage says what becomes of the tenant's personal volume
// when the tenant is deleted (default StorageRetain).
func WithPersonalStorage(p StoragePolicy) TenantOption {
	return func(r *TenantRequest) { r.PersonalStorage = p }
}

// A TenantRequest is a Tenant to create. Make one with NewTenant.
type TenantRequest struct {
	Name                       string
	FirstName, LastName, Email string
	Workspaces                 []WorkspaceRole
	Quota                      *Quota
	PersonalStorage            StoragePolicy
}

// NewTenant returns the tenant called name, the person firstName lastName
// reached at email.
func NewTenant(name, firstName, lastName, email string, opts ...TenantOption) TenantRequest {
	r := TenantRequest{Name: name, FirstName: firstName, LastName: lastName, Email: email}
	for _, opt := range opts {
		opt(&r)
	}
	return r
}

// spec returns the request's spec.
func (r TenantRequest) spec() TenantSpec {
	return TenantSpec{
		FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
		Workspaces: r.Workspaces, Quota: r.Quota, PersonalStorage: r.PersonalStorage,
	}
}

// Validate checks the tenant with the field paths of its resource: a name
// its namespace can be made of, the person's names, an email address, each
// workspace once with the role manager or user, quota quantities that are
// not negative, a storage policy of Retain or Delete.
func (r TenantRequest) Validate() field.ErrorList { return validateTenant(r.Name, r.spec()) }

// Build returns the Tenant resource. It does not validate. A tenant is
// cluster-scoped: it has no namespace.
func (r TenantRequest) Build() *Tenant {
	return &Tenant{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "Tenant"},
		ObjectMeta: metav1.ObjectMeta{Name: r.Name},
		Spec:       r.spec(),
	}
}

// validateTenant checks a tenant's name and spec.
func validateTenant(name string, spec TenantSpec) field.ErrorList {
	p := field.NewPath("spec")
	errs := validateNamespaced(name, NamespaceOf(name))
	for _, f := range []struct{ name, value string }{{"firstName", spec.FirstName}, {"lastName", spec.LastName}} {
		if strings.TrimSpace(f.value) == "" {
			errs = append(errs, field.Required(p.Child(f.name), ""))
		}
	}
	if addr, err := mail.ParseAddress(spec.Email); err != nil || addr.Address != spec.Email || !strings.Contains(spec.Email[strings.LastIndex(spec.Email, "@")+1:], ".") {
		errs = append(errs, field.Invalid(p.Child("email"), spec.Email, "an email address such as ada@example.org"))
	}
	seen := map[string]bool{}
	for i, w := range spec.Workspaces {
		wp := p.Child("workspaces").Index(i)
		switch {
		case w.Name == "":
			errs = append(errs, field.Required(wp.Child("name"), "the workspace's name"))
		case seen[w.Name]:
			errs = append(errs, field.Duplicate(wp.Child("name"), w.Name))
		default:
			for _, msg := range validation.IsDNS1123Label(WorkspaceNamespaceOf(w.Name)) {
				errs = append(errs, field.Invalid(wp.Child("name"), w.Name, "its namespace "+WorkspaceNamespaceOf(w.Name)+": "+msg))
			}
		}
		seen[w.Name] = true
		if w.Role != RoleManager && w.Role != RoleUser {
			errs = append(errs, field.NotSupported(wp.Child("role"), w.Role, []Role{RoleManager, RoleUser}))
		}
	}
	if spec.Quota != nil {
		errs = append(errs, validateQuota(p.Child("quota"), *spec.Quota)...)
	}
	switch spec.PersonalStorage {
	case "", StorageRetain, StorageDelete:
	default:
		errs = append(errs, field.NotSupported(p.Child("personalStorage"), spec.PersonalStorage, []StoragePolicy{StorageRetain, StorageDelete}))
	}
	return errs
}

// validateNamespaced checks that the object called name is a valid
// resource name, and that ns, its namespace, is a valid namespace name.
func validateNamespaced(name, ns string) field.ErrorList {
	p := field.NewPath("metadata", "name")
	errs := hub.ValidateName(p, name)
	if len(errs) > 0 {
		return errs
	}
	for _, msg := range validation.IsDNS1123Label(ns) {
		errs = append(errs, field.Invalid(p, name, "its namespace "+ns+": "+msg))
	}
	return errs
}

// validateQuota checks a quota: no negative quantity, extra resources named
// as Kubernetes names them.
func validateQuota(p *field.Path, q Quota) field.ErrorList {
	var errs field.ErrorList
	for _, f := range []struct {
		name string
		q    *resource.Quantity
	}{{"cpu", q.CPU}, {"memory", q.Memory}, {"storage", q.Storage}} {
		if f.q != nil && f.q.Sign() < 0 {
			errs = append(errs, field.Invalid(p.Child(f.name), f.q.String(), "a quota is not negative"))
		}
	}
	if q.Instances != nil && *q.Instances < 0 {
		errs = append(errs, field.Invalid(p.Child("instances"), *q.Instances, "a quota is not negative"))
	}
	for name, v := range q.Extra {
		for _, msg := range validation.IsQualifiedName(name) {
			errs = append(errs, field.Invalid(p.Child("extra").Key(name), name, msg))
		}
		if v.Sign() < 0 {
			errs = append(errs, field.Invalid(p.Child("extra").Key(name), v.String(), "a quota is not negative"))
		}
	}
	return errs
}

// A WorkspaceOption sets a field of a WorkspaceRequest.
type WorkspaceOption func(*WorkspaceRequest)

// WithWorkspaceQuota sets what each tenant gets from the workspace.
func WithWorkspaceQuota(q Quota) WorkspaceOption { return func(r *WorkspaceRequest) { r.Quota = q } }

// A WorkspaceRequest is a Workspace to create. Make one with NewWorkspace.
type WorkspaceRequest struct {
	Name, PrettyName string
	Quota            Quota
}

// NewWorkspace returns the workspace called name, shown as prettyName.
func NewWorkspace(name, prettyName string, opts ...WorkspaceOption) WorkspaceRequest {
	r := WorkspaceRequest{Name: name, PrettyName: prettyName}
	for _, opt := range opts {
		opt(&r)
	}
	return r
}

// Validate checks the workspace with the field paths of its resource: a
// name its namespace can be made of, a pretty name, its quota.
func (r WorkspaceRequest) Validate() field.ErrorList {
	return validateWorkspace(r.Name, WorkspaceSpec{PrettyName: r.PrettyName, Quota: r.Quota})
}

// validateWorkspace checks a workspace's name and spec.
func validateWorkspace(name string, spec WorkspaceSpec) field.ErrorList {
	errs := validateNamespaced(name, WorkspaceNamespaceOf(name))
	if strings.TrimSpace(spec.PrettyName) == "" {
		errs = append(errs, field.Required(field.NewPath("spec", "prettyName"), "the name people read"))
	}
	return append(errs, validateQuota(field.NewPath("spec", "quota"), spec.Quota)...)
}

// Build returns the Workspace resource. It does not validate.
func (r WorkspaceRequest) Build() *Workspace {
	return &Workspace{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "Workspace"},
		ObjectMeta: metav1.ObjectMeta{Name: r.Name},
		Spec:       WorkspaceSpec{PrettyName: r.PrettyName, Quota: r.Quota},
	}
}
