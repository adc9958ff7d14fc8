package tenancy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/tenancy"
)

// problems lists the path and type of each error.
func problems(errs field.ErrorList) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, e.Field+" "+string(e.Type))
	}
	return out
}

func TestTenantValidate(t *testing.T) {
	minus := resource.MustParse("-1")
	neg := int64(-2)
	cases := map[string]struct {
		reason string
		req    tenancy.TenantRequest
		want   []string
	}{
		"Valid": {
			reason: "A person with a workspace of each role and a quota is valid.",
			req: tenancy.NewTenant("ada.lovelace", "Ada", "Lovelace", "ada@example.org",
				tenancy.InWorkspace("analytics", tenancy.RoleManager), tenancy.InWorkspace("ml", tenancy.RoleUser),
				tenancy.WithTenantQuota(tenancy.Quota{CPU: new(resource.MustParse("4"))}), tenancy.WithPersonalStorage(tenancy.StorageDelete)),
			want: []string{},
		},
		"Names": {
			reason: "The person's names are required; the email must be an address.",
			req:    tenancy.NewTenant("ada", " ", "", "ada at example"),
			want:   []string{"spec.firstName FieldValueRequired", "spec.lastName FieldValueRequired", "spec.email FieldValueInvalid"},
		},
		"EmailWithoutDomain": {
			reason: "An address needs a domain with a dot, as the CRD's pattern asks.",
			req:    tenancy.NewTenant("ada", "Ada", "L", "ada@localhost"),
			want:   []string{"spec.email FieldValueInvalid"},
		},
		"Workspaces": {
			reason: "Each workspace once, named, with the role manager or user.",
			req: tenancy.NewTenant("ada", "Ada", "L", "ada@example.org", tenancy.InWorkspace("ml", tenancy.RoleUser),
				tenancy.InWorkspace("ml", tenancy.RoleManager), tenancy.InWorkspace("", tenancy.RoleUser), tenancy.InWorkspace("x", "owner")),
			want: []string{"spec.workspaces[1].name FieldValueDuplicate", "spec.workspaces[2].name FieldValueRequired", "spec.workspaces[3].role FieldValueNotSupported"},
		},
		"Quota": {
			reason: "No negative quantity; extra resources named as Kubernetes names them.",
			req: tenancy.NewTenant("ada", "Ada", "L", "ada@example.org", tenancy.WithTenantQuota(tenancy.Quota{
				Memory: &minus, Instances: &neg, Extra: map[string]resource.Quantity{"nvidia.com/gpu": resource.MustParse("1"), "bad name!": resource.MustParse("1")},
			})),
			want: []string{"spec.quota.memory FieldValueInvalid", "spec.quota.instances FieldValueInvalid", "spec.quota.extra[bad name!] FieldValueInvalid"},
		},
		"StoragePolicy": {
			reason: "What becomes of the personal volume is Retain or Delete.",
			req:    tenancy.NewTenant("ada", "Ada", "L", "ada@example.org", tenancy.WithPersonalStorage("Archive")),
			want:   []string{"spec.personalStorage FieldValueNotSupported"},
		},
		"Name": {
			reason: "The name must make a namespace: tenant-<name> is a DNS label of at most 63 characters.",
			req:    tenancy.NewTenant("a-name-that-is-far-too-long-to-make-a-namespace-of-its-own-x", "Ada", "L", "ada@example.org"),
			want:   []string{"metadata.name FieldValueInvalid"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, problems(tc.req.Validate())); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestWorkspaceValidate(t *testing.T) {
	minus := resource.MustParse("-1Gi")
	cases := map[string]struct {
		reason string
		req    tenancy.WorkspaceRequest
		want   []string
	}{
		"Valid":      {reason: "A pretty name and a quota.", req: tenancy.NewWorkspace("ml", "Machine learning", tenancy.WithWorkspaceQuota(tenancy.Quota{CPU: new(resource.MustParse("2"))})), want: []string{}},
		"PrettyName": {reason: "The pretty name is required.", req: tenancy.NewWorkspace("ml", " "), want: []string{"spec.prettyName FieldValueRequired"}},
		"Quota":      {reason: "A negative quantity is refused.", req: tenancy.NewWorkspace("ml", "ML", tenancy.WithWorkspaceQuota(tenancy.Quota{Storage: &minus})), want: []string{"spec.quota.storage FieldValueInvalid"}},
		"Name":       {reason: "The name must be a resource name.", req: tenancy.NewWorkspace("Not_A_Name", "ML"), want: []string{"metadata.name FieldValueInvalid"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, problems(tc.req.Validate())); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestNamespaces(t *testing.T) {
	got := []string{tenancy.NamespaceOf("ada.lovelace"), tenancy.WorkspaceNamespaceOf("ml")}
	if diff := cmp.Diff([]string{"tenant-ada-lovelace", "workspace-ml"}, got); diff != "" {
		t.Errorf("namespaces, as CrownLabs names them: -want, +got:\n%s", diff)
	}
}

// TestCRDsAcceptWhatTheBuildersMake checks the generated CRDs with the API
// server's own validator: what the builders make is stored, cluster-scoped;
// what they refuse, the CRDs refuse too where a schema can say it.
func TestCRDsAcceptWhatTheBuildersMake(t *testing.T) {
	scheme, err := hub.NewScheme(tenancy.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(tenancy.CRDs()...))
	c := f.Hub()
	ctx := t.Context()
	ws := tenancy.NewWorkspace("ml", "Machine learning", tenancy.WithWorkspaceQuota(tenancy.Quota{CPU: new(resource.MustParse("2")), Instances: new(int64(3))})).Build()
	if err := hub.For[*tenancy.Workspace](c).Create(ctx, ws); err != nil {
		t.Fatalf("the built workspace: %v", err)
	}
	tn := tenancy.NewTenant("ada", "Ada", "Lovelace", "ada@example.org", tenancy.InWorkspace("ml", tenancy.RoleUser)).Build()
	if err := hub.For[*tenancy.Tenant](c).Create(ctx, tn); err != nil {
		t.Fatalf("the built tenant: %v", err)
	}
	if tn.Namespace != "" {
		t.Errorf("a tenant is cluster-scoped, stored in namespace %q", tn.Namespace)
	}
	for name, bad := range map[string]*tenancy.Tenant{
		"email": tenancy.NewTenant("bob", "Bob", "B", "bob").Build(),
		"role":  tenancy.NewTenant("eve", "Eve", "E", "eve@example.org", tenancy.InWorkspace("ml", "owner")).Build(),
	} {
		if err := hub.For[*tenancy.Tenant](c).Create(ctx, bad); !hub.IsInvalid(err) {
			t.Errorf("a tenant with a bad %s = %v, want Invalid from the CRD's schema", name, err)
		}
	}
}
