package tenancy

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/hub"
)

// Domain is the tenancy domain's registry entry: its types and CRDs, the
// Provisioner as an operator runs it (flags named after CrownLabs'), and a
// demo workspace with one tenant.
var Domain = hub.Domain{
	Name:        "tenancy",
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Reconcilers: func() hub.Reconcilers { return &reconcilerSettings{} },
	Kinds: []hub.Kind{
		{
			ID: "tenants.tenancy.hubkit.dev", Title: "Tenants", Object: &Tenant{},
			Columns: []hub.Column{
				{Header: namespaceHeader, Path: "status.namespace"},
				{Header: "Email", Path: "spec.email"},
				{Header: "Workspaces", Value: func(obj client.Object) string {
					t, ok := obj.(*Tenant)
					if !ok {
						return ""
					}
					names := make([]string, len(t.Spec.Workspaces))
					for i, w := range t.Spec.Workspaces {
						names[i] = w.Name + " (" + string(w.Role) + ")"
					}
					return strings.Join(names, ", ")
				}},
			},
			Check: hub.CheckOf(checkTenantObject),
		},
		{
			ID: "workspaces.tenancy.hubkit.dev", Title: "Workspaces", Object: &Workspace{},
			Columns: []hub.Column{
				{Header: "Pretty name", Path: "spec.prettyName"},
				{Header: namespaceHeader, Path: "status.namespace"},
			},
			Check: hub.CheckOf(checkWorkspaceObject),
		},
	},
	Demo: func(string) []client.Object {
		return []client.Object{
			NewWorkspace("data-science", "Data science", WithWorkspaceQuota(Quota{
				CPU: new(resource.MustParse("4")), Memory: new(resource.MustParse("8Gi")), Instances: new(int64(3)),
			})).Build(),
			NewTenant("ada.lovelace", "Ada", "Lovelace", "ada@hubkit.example", InWorkspace("data-science", RoleManager)).Build(),
		}
	},
}

// namespaceHeader heads the list column of a tenant's or workspace's
// namespace.
const namespaceHeader = "Namespace"

// reconcilerSettings are the Provisioner's settings in an operator, named
// after CrownLabs' tenant operator's flags.
type reconcilerSettings struct {
	enabled                     bool
	pvcNamespace, pvcClass      string
	pvcSize, policy, nsLabels   string
	capCPU, capMemoryGiga, capN int64
	resync                      time.Duration
}

func (s *reconcilerSettings) BindFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.BoolVar(&s.enabled, "tenancy", getenv("HUBKIT_TENANCY") == labelTrue, "reconcile Tenant and Workspace resources (HUBKIT_TENANCY)")
	fs.StringVar(&s.pvcNamespace, "mydrive-pvcs-namespace", DefaultPersonalStorage.Namespace, "the namespace of the tenants' personal volume claims")
	fs.StringVar(&s.pvcClass, "mydrive-pvcs-storage-class-name", "", "the personal volume claims' storage class (default: the cluster's)")
	fs.StringVar(&s.pvcSize, "mydrive-pvcs-size", DefaultPersonalStorage.Size.String(), "the personal volume claims' size; existing claims are grown, never shrunk")
	fs.StringVar(&s.policy, "personal-storage-policy", string(StorageRetain), "what becomes of a personal volume when its tenant goes, unless the tenant says: Retain or Delete")
	fs.StringVar(&s.nsLabels, "tenant-ns-labels", "", "labels of every tenant namespace, key=value,key=value")
	fs.Int64Var(&s.capCPU, "cap-cpu", DefaultCaps.CPU.Value(), "the most CPUs a tenant's quota gives")
	fs.Int64Var(&s.capMemoryGiga, "cap-memory-giga", DefaultCaps.Memory.Value()/1e9, "the most memory a tenant's quota gives, in G")
	fs.Int64Var(&s.capN, "cap-instance", DefaultCaps.Instances, "the most instances a tenant's quota gives")
	fs.DurationVar(&s.resync, "tenant-resync", DefaultResync, "how long after a reconcile a tenant is looked at again, plus up to as much at random")
}

func (s *reconcilerSettings) Enabled() bool { return s.enabled }

// options reads the settings.
func (s *reconcilerSettings) options() ([]Option, error) {
	size, err := resource.ParseQuantity(s.pvcSize)
	if err != nil {
		return nil, fmt.Errorf("-mydrive-pvcs-size %q: %w", s.pvcSize, err)
	}
	policy := StoragePolicy(s.policy)
	if policy != StorageRetain && policy != StorageDelete {
		return nil, fmt.Errorf("-personal-storage-policy %q: want Retain or Delete", s.policy)
	}
	labels := map[string]string{}
	for pair := range strings.SplitSeq(s.nsLabels, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("-tenant-ns-labels %q: want key=value,key=value", s.nsLabels)
		}
		labels[k] = v
	}
	storage := DefaultPersonalStorage
	storage.Namespace, storage.StorageClass, storage.Size, storage.Policy = s.pvcNamespace, s.pvcClass, size, policy
	caps := Caps{
		CPU: *resource.NewQuantity(s.capCPU, resource.DecimalSI), Memory: *resource.NewQuantity(s.capMemoryGiga*1e9, resource.DecimalSI),
		Instances: s.capN,
	}
	return []Option{WithStorage(storage), WithCaps(caps), WithNamespaceLabels(labels), WithResync(s.resync)}, nil
}

func (s *reconcilerSettings) SetupWithManager(mgr manager.Manager, c *hub.Client) error {
	opts, err := s.options()
	if err != nil {
		return fmt.Errorf("tenancy: %w", err)
	}
	p, err := NewProvisioner(c, opts...)
	if err != nil {
		return err
	}
	return p.SetupWithManager(mgr)
}
