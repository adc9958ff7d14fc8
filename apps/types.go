// +groupName=apps.hubkit.dev
// +versionName=v1alpha1

package apps

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the API group and version of Template and Instance.
var GroupVersion = schema.GroupVersion{Group: "apps.hubkit.dev", Version: "v1alpha1"}

// AddToScheme adds Template and Instance to a scheme; pass it to
// hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &Template{}, &TemplateList{}, &Instance{}, &InstanceList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// +kubebuilder:object:generate=true

// A Variable is one a template's user may set, with its default and help,
// as Karvdash's templates declare them.
type Variable struct {
	// +kubebuilder:validation:Pattern=`^[_a-zA-Z][_a-zA-Z0-9]*$`

	// Name is the placeholder's name ($NAME, ${NAME}).
	Name string `json:"name"`
	// Default is its value when the user sets none.
	// +optional
	Default string `json:"default,omitempty"`
	// Help says what it is for, in the form that sets it.
	// +optional
	Help string `json:"help,omitempty"`
}

// +kubebuilder:object:generate=true

// EnvironmentResources are a container environment's resources.
type EnvironmentResources struct {
	// +optional
	CPU *resource.Quantity `json:"cpu,omitempty"`
	// +optional
	Memory *resource.Quantity `json:"memory,omitempty"`
	// Disk is the size of a persistent environment's volume.
	// +optional
	Disk *resource.Quantity `json:"disk,omitempty"`
}

// +kubebuilder:object:generate=true

// A Port is one a container environment listens on.
type Port struct {
	// +kubebuilder:validation:Pattern=`^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$`
	Name string `json:"name"`
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	Port int32 `json:"port"`
}

// +kubebuilder:object:generate=true

// An Environment is a container a template starts, after CrownLabs'
// container environments.
type Environment struct {
	// +kubebuilder:validation:MinLength=1

	// Image is the container's image.
	Image string `json:"image"`
	// +optional
	Resources EnvironmentResources `json:"resources,omitempty"`
	// Ports are those it listens on; the first is exposed.
	// +optional
	// +listType=map
	// +listMapKey=name
	Ports []Port `json:"ports,omitempty"`
	// Persistent keeps its data (a volume of Resources.Disk) when the
	// instance stops.
	// +optional
	Persistent bool `json:"persistent,omitempty"`
	// MountPersonalStorage mounts the tenant's personal storage (true by
	// default, as CrownLabs' mountMyDriveVolume).
	// +optional
	// +kubebuilder:default=true
	MountPersonalStorage *bool `json:"mountPersonalStorage,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:validation:XValidation:rule="has(self.environment) != has(self.manifests)",message="a template holds an environment or manifests, one of the two"

// TemplateSpec is what a template starts and what its user may set.
type TemplateSpec struct {
	// +kubebuilder:validation:MinLength=1

	// PrettyName is its name in lists.
	PrettyName string `json:"prettyName"`
	// +optional
	Description string `json:"description,omitempty"`
	// Environment is the container it starts.
	// +optional
	Environment *Environment `json:"environment,omitempty"`
	// Manifests are Karvdash's: YAML documents with $VAR placeholders.
	// +optional
	// +kubebuilder:validation:MaxLength=1048576
	Manifests string `json:"manifests,omitempty"`
	// Variables are those its user may set; NAME among them.
	// +optional
	// +listType=map
	// +listMapKey=name
	Variables []Variable `json:"variables,omitempty"`
	// Singleton allows one instance per tenant.
	// +optional
	Singleton bool `json:"singleton,omitempty"`
	// Auth puts basic authentication in front of its exposure (true by
	// default, as Karvdash's).
	// +optional
	// +kubebuilder:default=true
	Auth *bool `json:"auth,omitempty"`
	// Exposed exposes it outside the cluster, through the gateway.
	// +optional
	Exposed bool `json:"exposed,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=templates,singular=template,categories=apps
// +kubebuilder:printcolumn:name="Pretty name",type=string,JSONPath=".spec.prettyName"
// +kubebuilder:printcolumn:name="Singleton",type=boolean,JSONPath=".spec.singleton"

// A Template is what a platform team offers its users to start: a
// container environment or Karvdash-style manifests, with the variables a
// user may set. It lives in a workspace's namespace.
type Template struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec TemplateSpec `json:"spec,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// TemplateList is a list of Templates.
type TemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Template `json:"items"`
}

// +kubebuilder:object:generate=true

// TemplateRef names a template.
type TemplateRef struct {
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// +kubebuilder:validation:MinLength=1
	Namespace string `json:"namespace"`
}

// +kubebuilder:object:generate=true

// InstanceSpec is an instance of a template.
type InstanceSpec struct {
	// Template is the template it starts.
	Template TemplateRef `json:"template"`
	// Variables are the user's values of the template's variables.
	// +optional
	Variables map[string]string `json:"variables,omitempty"`
	// Running starts it (true by default); false stops it and keeps its
	// persistent data.
	// +optional
	// +kubebuilder:default=true
	Running *bool `json:"running,omitempty"`
	// +optional
	PrettyName string `json:"prettyName,omitempty"`
}

// +kubebuilder:object:generate=true

// InstanceStatus is what the reconciler reports, in CrownLabs' phases.
type InstanceStatus struct {
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Phase is CrownLabs' phase of the instance.
	// +optional
	Phase Phase `json:"phase,omitempty"`
	// URL is where it is reached.
	// +optional
	URL string `json:"url,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=instances,singular=instance,categories=apps
// +kubebuilder:printcolumn:name="Template",type=string,JSONPath=".spec.template.name"
// +kubebuilder:printcolumn:name="Running",type=boolean,JSONPath=".spec.running"
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=".status.phase"
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.url"

// An Instance is a template started by a tenant, in the tenant's
// namespace.
type Instance struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   InstanceSpec   `json:"spec,omitempty"`
	Status InstanceStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// InstanceList is a list of Instances.
type InstanceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Instance `json:"items"`
}

// A Phase is an instance's phase, as CrownLabs names them.
type Phase string

// CrownLabs' phases of an instance.
const (
	PhaseImporting             Phase = "Importing"
	PhaseStarting              Phase = "Starting"
	PhaseResourceQuotaExceeded Phase = "ResourceQuotaExceeded"
	PhaseRunning               Phase = "Running"
	PhaseReady                 Phase = "Ready"
	PhaseStopping              Phase = "Stopping"
	PhaseOff                   Phase = "Off"
	PhaseFailed                Phase = "Failed"
	PhaseCreationLoopBackoff   Phase = "CreationLoopBackoff"
)
