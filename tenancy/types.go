// +groupName=tenancy.hubkit.dev
// +versionName=v1alpha1

package tenancy

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hubkit-dev/hubkit/hub"
)

// GroupVersion is the API group and version of Hubkit's tenancy kinds,
// modelled on CrownLabs' Tenant (v1alpha2) and Workspace (v1alpha1).
var GroupVersion = schema.GroupVersion{Group: "tenancy.hubkit.dev", Version: "v1alpha1"}

// AddToScheme adds Tenant and Workspace to a scheme; pass it to
// hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &Tenant{}, &TenantList{}, &Workspace{}, &WorkspaceList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// A Role is what a tenant is in a workspace.
// +kubebuilder:validation:Enum=manager;user
type Role string

// The roles a tenant has in a workspace.
const (
	RoleManager Role = "manager"
	RoleUser    Role = "user"
)

// +kubebuilder:object:generate=true

// WorkspaceRole is a tenant's membership of a workspace.
type WorkspaceRole struct {
	// Name names the Workspace.
	Name string `json:"name"`
	// Role is manager or user.
	Role Role `json:"role"`
}

// +kubebuilder:object:generate=true

// Quota bounds what a tenant's namespace may use.
type Quota struct {
	// +optional

	// CPU bounds the requests and limits of CPU.
	CPU *resource.Quantity `json:"cpu,omitempty"`
	// +optional

	// Memory bounds the requests and limits of memory.
	Memory *resource.Quantity `json:"memory,omitempty"`
	// +optional

	// Storage bounds the storage the namespace's claims request.
	Storage *resource.Quantity `json:"storage,omitempty"`
	// +optional
	// +kubebuilder:validation:Minimum=0

	// Instances bounds the number of application instances.
	Instances *int64 `json:"instances,omitempty"`
	// +optional

	// Extra bounds other resources, such as nvidia.com/gpu.
	Extra map[string]resource.Quantity `json:"extra,omitempty"`
}

// +kubebuilder:object:generate=true

// TenantSpec is a person of the platform.
type TenantSpec struct {
	// FirstName and LastName are the person's names.
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+\.[^@\s]+$`

	// Email is the person's email address.
	Email string `json:"email"`
	// +optional
	// +listType=map
	// +listMapKey=name

	// Workspaces are the workspaces the tenant belongs to, with its role.
	Workspaces []WorkspaceRole `json:"workspaces,omitempty"`
	// +optional

	// Quota, when set, overrides the sum of the workspaces' quotas.
	Quota *Quota `json:"quota,omitempty"`
	// +optional
	// +kubebuilder:validation:Enum=Retain;Delete

	// PersonalStorage says what becomes of the tenant's personal volume
	// when the tenant is deleted: Retain (the default: it outlives the
	// tenant, and a tenant of the same name gets it back) or Delete.
	PersonalStorage StoragePolicy `json:"personalStorage,omitempty"`
}

// A StoragePolicy says what becomes of a personal volume when its tenant
// goes.
type StoragePolicy string

// The storage policies.
const (
	StorageRetain StoragePolicy = "Retain"
	StorageDelete StoragePolicy = "Delete"
)

// +kubebuilder:object:generate=true

// TenantStatus is what the tenant reconciler reports.
type TenantStatus struct {
	// +optional

	// Namespace is the tenant's namespace.
	Namespace string `json:"namespace,omitempty"`
	// +optional

	// Quota is the tenant's effective quota: its override, else the sum of
	// its workspaces' quotas, capped by the operator's settings.
	Quota *Quota `json:"quota,omitempty"`
	// +optional

	// FailingWorkspaces names the workspaces of the spec that do not exist.
	FailingWorkspaces []string `json:"failingWorkspaces,omitempty"`
	// +optional

	// PersonalStorage is the tenant's personal volume.
	PersonalStorage *PersonalStorageStatus `json:"personalStorage,omitempty"`
	// +optional

	// Subscriptions say whether the tenant is in sync with each system
	// outside the cluster ("identity": the identity provider).
	Subscriptions map[string]SubscriptionStatus `json:"subscriptions,omitempty"`
	// +optional

	// Ready says every step succeeded.
	Ready bool `json:"ready,omitempty"`
	// +optional

	// Message says which steps failed, and why.
	Message string `json:"message,omitempty"`
}

// +kubebuilder:object:generate=true

// PersonalStorageStatus is a tenant's personal volume: a claim in the
// operator's shared namespace, kept after the tenant unless its policy
// says Delete.
type PersonalStorageStatus struct {
	// Namespace and Claim name the PersistentVolumeClaim.
	Namespace string `json:"namespace"`
	Claim     string `json:"claim"`
	// +optional

	// Phase is the claim's phase: Pending until a volume is bound.
	Phase corev1.PersistentVolumeClaimPhase `json:"phase,omitempty"`
	// +optional

	// Size is what the claim requests.
	Size *resource.Quantity `json:"size,omitempty"`
	// +optional

	// Policy says what becomes of the claim when the tenant goes.
	Policy StoragePolicy `json:"policy,omitempty"`
}

// A SubscriptionStatus says whether a tenant is in sync with a system
// outside the cluster.
type SubscriptionStatus string

// The subscription statuses, as CrownLabs names them.
const (
	SubscriptionOk     SubscriptionStatus = "Ok"
	SubscriptionFailed SubscriptionStatus = "Failed"
)

// SubscriptionIdentity is the subscription of the identity provider.
const SubscriptionIdentity = "identity"

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=tenants,singular=tenant,scope=Cluster
// +kubebuilder:printcolumn:name="Namespace",type=string,JSONPath=".status.namespace"
// +kubebuilder:printcolumn:name="Ready",type=boolean,JSONPath=".status.ready"

// Tenant is a person of the platform: a namespace of their own with a
// quota, the rights to manage it, network isolation, and personal storage.
type Tenant struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   TenantSpec   `json:"spec,omitempty"`
	Status TenantStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// TenantList is a list of Tenants.
type TenantList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Tenant `json:"items"`
}

// Readiness reports the tenant ready when every step succeeded.
func (t *Tenant) Readiness() hub.Readiness {
	if t.Status.Ready {
		return hub.Readiness{Ready: true, State: "Ready"}
	}
	if t.Status.Message == "" && t.Status.Namespace == "" {
		return hub.Readiness{State: "Pending", Message: "waiting for the tenant reconciler"}
	}
	return hub.Readiness{State: "NotReady", Message: t.Status.Message}
}

// +kubebuilder:object:generate=true

// WorkspaceSpec is a group of tenants with shared templates and a quota.
type WorkspaceSpec struct {
	// PrettyName is the name people read.
	PrettyName string `json:"prettyName"`
	// +optional

	// Quota is what each tenant of the workspace gets from it.
	Quota Quota `json:"quota,omitempty"`
}

// +kubebuilder:object:generate=true

// WorkspaceStatus is what the workspace reconciler reports.
type WorkspaceStatus struct {
	// +optional

	// Namespace is the workspace's namespace.
	Namespace string `json:"namespace,omitempty"`
	// +optional

	// Ready says every step succeeded.
	Ready bool `json:"ready,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=workspaces,singular=workspace,scope=Cluster
// +kubebuilder:printcolumn:name="Pretty name",type=string,JSONPath=".spec.prettyName"
// +kubebuilder:printcolumn:name="Ready",type=boolean,JSONPath=".status.ready"

// Workspace is a group of tenants.
type Workspace struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   WorkspaceSpec   `json:"spec,omitempty"`
	Status WorkspaceStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// WorkspaceList is a list of Workspaces.
type WorkspaceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Workspace `json:"items"`
}

// Readiness reports the workspace ready when every step succeeded.
func (w *Workspace) Readiness() hub.Readiness {
	if w.Status.Ready {
		return hub.Readiness{Ready: true, State: "Ready"}
	}
	return hub.Readiness{State: "Pending", Message: "waiting for the workspace reconciler"}
}
