package main

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/tenancy"
)

// The IDs of the tenancy domain's kinds (tenancy.Domain), both
// cluster-scoped: their forms are the schema-drawn ones with dedicated
// fields (tenancyFields), and their delete confirmations say what goes and
// what stays (tenancyDeleteNotes).
const (
	tenantKindID    = "tenants.tenancy.hubkit.dev"
	workspaceKindID = "workspaces.tenancy.hubkit.dev"
)

// errNoHub says a form's workspaces cannot be listed: there is no
// platform.
var errNoHub = errors.New("no hub client")

// The longest names of a tenant and of a workspace: their namespaces,
// "tenant-<name>" and "workspace-<name>", are DNS labels of at most 63.
var (
	maxTenantName    = strconv.Itoa(63 - len(tenancy.NamespaceOf("")))
	maxWorkspaceName = strconv.Itoa(63 - len(tenancy.WorkspaceNamespaceOf("")))
)

// dns1123Label is a workspace name's pattern, as an HTML pattern
// attribute: its namespace is a DNS label, without dots.
const dns1123Label = `[a-z0-9]([\-a-z0-9]*[a-z0-9])?`

// The paths of the tenancy forms' fields the refinements name.
const (
	tenantWorkspacesPath = "spec.workspaces"
	personalStoragePath  = "spec.personalStorage"
	quotaPath            = "spec.quota"
)

// tenancyFields makes the schema-drawn form of a tenancy kind its
// dedicated one. A tenant: its user name (its namespace is made of it),
// the person's names and email, its workspaces as rows of a workspace
// picked among the platform's and a role (manager or user), its quota
// override as quantities, and what becomes of its personal volume. A
// workspace: its name, the name people read, and the quota each of its
// tenants gets. When the workspaces cannot be listed, a row's workspace is
// a text. Other kinds' fields are returned as they are.
func tenancyFields(ctx context.Context, p *platform.Platform, crdID string, fields []formField) []formField {
	switch crdID {
	case tenantKindID:
		refine(fields, "metadata.name", func(f *formField) {
			f.MaxLength = maxTenantName
			f.Note = "The person's user name: lowercase letters, digits, '-' and '.'. Their namespace is " +
				tenancy.NamespaceOf("<name>") + ", its dots as dashes."
		})
		for path, label := range map[string]string{"spec.firstName": "first name", "spec.lastName": "last name"} {
			refine(fields, path, func(f *formField) { f.Label, f.Description = label, "" })
		}
		refine(fields, "spec.email", func(f *formField) {
			f.Description = ""
			f.Note = "The address the person is reached at, such as ada@example.org; the identity provider knows them by it."
		})
		refine(fields, tenantWorkspacesPath, func(f *formField) { *f = workspaceRows(ctx, p) })
		quotaFields(fields, "quota override",
			"Empty takes the sum of the quotas of the tenant's workspaces; any value set here replaces that sum. The operator caps CPU, memory and instances either way.")
		refine(fields, personalStoragePath, func(f *formField) {
			f.Label, f.Description, f.NoneLabel = "personal storage", "", "(the operator's policy: Retain unless it says otherwise)"
			f.Options = []string{string(tenancy.StorageRetain), string(tenancy.StorageDelete)}
			f.Note = "What becomes of the tenant's personal volume (" + tenancy.DefaultPersonalStorage.Namespace + "/" + tenancy.ClaimName("<name>") +
				") when the tenant is deleted. Retain keeps it, and a tenant of the same name gets it back; Delete deletes it with the tenant."
		})
		order(fields, append([]string{"metadata.name", "spec.firstName", "spec.lastName", "spec.email", tenantWorkspacesPath, quotaPath},
			append(quotaOrder, personalStoragePath)...)...)
	case workspaceKindID:
		refine(fields, "metadata.name", func(f *formField) {
			f.Pattern, f.MaxLength = dns1123Label, maxWorkspaceName
			f.Note = "Lowercase letters, digits and '-': its namespace is " + tenancy.WorkspaceNamespaceOf("<name>") + "."
		})
		refine(fields, "spec.prettyName", func(f *formField) {
			f.Label, f.Description = "pretty name", ""
			f.Note = "The name people read: Data science."
		})
		quotaFields(fields, "quota",
			"What each tenant of the workspace gets from it: a tenant's quota is the sum of its workspaces' (unless the tenant overrides it), capped by the operator.")
		order(fields, append([]string{"metadata.name", "spec.prettyName", quotaPath}, quotaOrder...)...)
	}
	return fields
}

// editTenancyFields makes the create form of a tenant, filled from obj (as
// the API shows it: fillFields), its edit form: the hint of its personal
// storage names its volume. Other kinds' fields are left as they are.
func editTenancyFields(crdID string, obj map[string]any, fields []formField) {
	if crdID != tenantKindID {
		return
	}
	t := &tenancy.Tenant{}
	if !fromUnstructured(&unstructured.Unstructured{Object: obj}, t) {
		return
	}
	refine(fields, personalStoragePath, func(f *formField) {
		f.Note = "What becomes of the tenant's personal volume " + claimOf(t) +
			" when the tenant is deleted. Retain keeps it, and a tenant of the same name gets it back; Delete deletes it with the tenant."
	})
}

// claimOf names tenant t's personal volume claim, namespace/name: as its
// reconciler reported it, else as the operator's defaults name it.
func claimOf(t *tenancy.Tenant) string {
	if ps := t.Status.PersonalStorage; ps != nil && ps.Claim != "" {
		return ps.Namespace + "/" + ps.Claim
	}
	return tenancy.DefaultPersonalStorage.Namespace + "/" + tenancy.ClaimName(t.Name)
}

// quotaOrder is the order of a quota's fields.
var quotaOrder = []string{quotaPath + ".cpu", quotaPath + ".memory", quotaPath + ".storage", quotaPath + ".instances", quotaPath + ".extra"}

// quotaFields refines the fields of a tenancy.Quota at spec.quota,
// labelled label with the hint note: CPU, memory and storage quantities,
// the number of instances, and the extra resources as rows of a name and a
// quantity.
func quotaFields(fields []formField, label, note string) {
	refine(fields, quotaPath, func(f *formField) { f.Label, f.Note, f.Description = label, note, "" })
	quantity := func(path, note string) {
		refine(fields, path, func(f *formField) { f.Kind, f.Type, f.Note, f.Description = quantityField, typeString, note, "" })
	}
	quantity(quotaPath+".cpu", "CPUs, for requests and limits alike: 4, or 500m for half of one. Empty sets no bound.")
	quantity(quotaPath+".memory", "Memory, for requests and limits alike: 8Gi, 512Mi, or 8G. Empty sets no bound.")
	quantity(quotaPath+".storage", "What the namespace's volume claims may request in all: 100Gi. Empty sets no bound.")
	refine(fields, quotaPath+".instances", func(f *formField) {
		f.Description = ""
		f.Note = "How many application instances may run at once. Empty sets no bound."
	})
	refine(fields, quotaPath+".extra", func(f *formField) {
		*f = rowsOf(quotaPath+".extra", "other resources", "Add a resource",
			formField{Path: "name", Label: "resource", Kind: textField, Type: typeString, Required: true, MaxLength: "253"},
			formField{Path: "quantity", Label: "quantity", Kind: quantityField, Type: typeString, Required: true},
		)
		f.MapKey, f.MapValue = "name", "quantity"
		f.Note = "Resources as Kubernetes names them, each with its bound: nvidia.com/gpu and 1 bound the GPUs the namespace's pods request."
	})
}

// workspaceRows is a tenant's spec.workspaces: rows of a workspace, picked
// among the platform's (shown by the name people read), and the tenant's
// role there. When the workspaces cannot be listed, the workspace is a
// name to type.
func workspaceRows(ctx context.Context, p *platform.Platform) formField {
	name := formField{
		Path: "name", Label: "workspace", Kind: textField, Type: typeString, Required: true,
		Pattern: dns1123Label, MaxLength: maxWorkspaceName,
	}
	if names, texts, err := workspaceOptions(ctx, p); err == nil {
		name.Kind, name.Options, name.OptionText = selectField, names, texts
	}
	role := formField{
		Path: "role", Label: "role", Kind: selectField, Type: typeString, Required: true,
		Options: []string{string(tenancy.RoleUser), string(tenancy.RoleManager)}, Default: string(tenancy.RoleUser),
	}
	f := rowsOf(tenantWorkspacesPath, "workspaces", "Add a workspace", name, role)
	f.Note = "Each workspace once. Its tenants get its quota; its managers manage its templates and its tenants' instances, its users use them."
	return f
}

// workspaceOptions returns the names of the platform's workspaces, sorted,
// and each one's text: the name people read, and the name.
func workspaceOptions(ctx context.Context, p *platform.Platform) ([]string, map[string]string, error) {
	if p == nil || p.Hub() == nil {
		return nil, nil, errNoHub
	}
	list, err := tenancy.NewClient(p.Hub()).ListWorkspaces(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(list))
	texts := make(map[string]string, len(list))
	for _, w := range list {
		names = append(names, w.Name)
		if w.Spec.PrettyName != "" && w.Spec.PrettyName != w.Name {
			texts[w.Name] = w.Spec.PrettyName + " (" + w.Name + ")"
		}
	}
	slices.Sort(names)
	return names, texts, nil
}

// A deleteNote is what the confirmation of a delete says beyond "Delete
// it?": what goes with the object, what stays, and a word more. The page
// draws it as a dialog whose button deletes.
type deleteNote struct {
	// Name is the object's; API is its URL in the API, and Then, when
	// set, where the browser goes once it is deleted.
	Name, API, Then string
	Deleted, Kept   []string
	Note            string
}

// DialogID is the id of the dialog of the note.
func (n *deleteNote) DialogID() string { return "delete-" + n.Name }

// tenancyDeleteNotes returns what the delete confirmation of an object of
// the kind crdID says, as the API shows the object: a tenant's and a
// workspace's; nil for other kinds. A workspace's note names its tenants,
// read once here: when they cannot be read, it says so.
func tenancyDeleteNotes(ctx context.Context, p *platform.Platform, crdID string) func(*unstructured.Unstructured) *deleteNote {
	switch crdID {
	case tenantKindID:
		return func(u *unstructured.Unstructured) *deleteNote {
			t := &tenancy.Tenant{}
			if !fromUnstructured(u, t) {
				return nil
			}
			return tenantDeleteNote(t)
		}
	case workspaceKindID:
		var tenants []*tenancy.Tenant
		err := errNoHub
		if p != nil && p.Hub() != nil {
			tenants, err = tenancy.NewClient(p.Hub()).ListTenants(ctx)
		}
		return func(u *unstructured.Unstructured) *deleteNote {
			w := &tenancy.Workspace{}
			if !fromUnstructured(u, w) {
				return nil
			}
			return workspaceDeleteNote(w, tenants, err)
		}
	}
	return nil
}

// pageDeleteNote returns what the delete confirmation on the page of the
// object id of the kind crdID says, obj as the API shows it; nil when it
// says no more than "Delete it?". Once deleted, the browser goes to the
// kind's list.
func pageDeleteNote(ctx context.Context, p *platform.Platform, crdID, id string, obj map[string]any) *deleteNote {
	notes := tenancyDeleteNotes(ctx, p, crdID)
	if notes == nil {
		return nil
	}
	n := notes(&unstructured.Unstructured{Object: obj})
	if n != nil {
		n.API, n.Then = "/api/"+crdID+"/"+id, "/ui/"+crdID
	}
	return n
}

// fromUnstructured converts u to obj, its kind's type.
func fromUnstructured(u *unstructured.Unstructured, obj any) bool {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj) == nil
}

// tenantDeleteNote says what deleting tenant t deletes: its namespace and
// everything in it, its roles, its account at the identity provider when
// it has one, its personal volume when its policy says Delete; and what it
// keeps (tenancy.Kept): its personal volume otherwise, and its workspaces.
func tenantDeleteNote(t *tenancy.Tenant) *deleteNote {
	ns := tenancy.NamespaceOf(t.Name)
	n := &deleteNote{
		Name: t.Name,
		Deleted: []string{
			"its namespace " + ns + " and everything in it: its instances, volumes, secrets, quota and network policies",
			"its roles: the ClusterRole and ClusterRoleBinding " + tenancy.TenantClusterRoleName(t.Name) + " and the RoleBinding " + tenancy.ManageInstancesRole + " in its namespace",
		},
		Kept: tenancy.Kept(t),
	}
	if _, ok := t.Status.Subscriptions[tenancy.SubscriptionIdentity]; ok {
		n.Deleted = append(n.Deleted, "its account "+t.Name+" at the identity provider")
	}
	if len(n.Kept) == 0 {
		n.Deleted = append(n.Deleted, "its personal volume "+claimOf(t)+" (its policy is Delete)")
	}
	if len(t.Spec.Workspaces) > 0 {
		names := make([]string, len(t.Spec.Workspaces))
		for i, w := range t.Spec.Workspaces {
			names[i] = w.Name
		}
		n.Kept = append(n.Kept, "its workspaces, "+strings.Join(names, ", ")+", which it leaves")
	}
	return n
}

// workspaceDeleteNote says what deleting workspace w deletes: its namespace
// and everything in it, its groups' role bindings; and that it leaves
// every tenant, among tenants (err when they could not be read).
func workspaceDeleteNote(w *tenancy.Workspace, tenants []*tenancy.Tenant, err error) *deleteNote {
	n := &deleteNote{
		Name: w.Name,
		Deleted: []string{
			"its namespace " + tenancy.WorkspaceNamespaceOf(w.Name) + " and everything in it: its templates and shared volumes",
			"the role bindings of its managers and users",
		},
	}
	if err != nil {
		n.Note = "It leaves every tenant: they lose its quota and roles. Its tenants could not be read: " + err.Error()
		return n
	}
	var members []string
	for _, t := range tenants {
		for _, m := range t.Spec.Workspaces {
			if m.Name == w.Name {
				members = append(members, t.Name+" ("+string(m.Role)+")")
			}
		}
	}
	if len(members) == 0 {
		n.Note = "No tenant is in it."
		return n
	}
	n.Kept = []string{"its tenants, " + strings.Join(members, ", ") + ", who stay without it"}
	n.Note = "It leaves every tenant: each loses the quota and the roles it gave."
	return n
}
