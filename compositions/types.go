// +groupName=compositions.hubkit.dev
// +versionName=v1alpha1

package compositions

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// GroupVersion is the API group and version of CompositionDefinition,
// modelled on Krateo's core.krateo.io/v1alpha1.
var GroupVersion = schema.GroupVersion{Group: "compositions.hubkit.dev", Version: "v1alpha1"}

// AddToScheme adds CompositionDefinition to a scheme; pass it to
// hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &CompositionDefinition{}, &CompositionDefinitionList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// +kubebuilder:object:generate=true

// SecretKeyRef names a key of a Secret in the definition's namespace.
type SecretKeyRef struct {
	// Name names the Secret.
	Name string `json:"name"`
	// Key names the key of the Secret's data.
	Key string `json:"key"`
}

// +kubebuilder:object:generate=true

// Credentials are what a chart registry or repository asks for.
type Credentials struct {
	// Username is the user name.
	Username string `json:"username"`
	// PasswordRef names the Secret key that holds the password (or
	// token), in the definition's namespace.
	PasswordRef SecretKeyRef `json:"passwordRef"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.version) || has(self.version)",message="version cannot be removed once set"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.repo) || has(self.repo)",message="repo cannot be removed once set"

// ChartSpec says where a chart is, as Krateo's spec.chart.
type ChartSpec struct {
	// +kubebuilder:validation:MinLength=1

	// URL is an OCI reference (oci://registry/charts/name), a Helm
	// repository's URL (with Repo naming the chart), or a direct URL of a
	// chart archive (.tgz).
	URL string `json:"url"`
	// +optional
	// +kubebuilder:validation:MaxLength=20

	// Version is the chart's version; the latest when empty (not for OCI
	// references without tags to choose from).
	Version string `json:"version,omitempty"`
	// +optional
	// +kubebuilder:validation:MaxLength=256

	// Repo names the chart in a Helm repository.
	Repo string `json:"repo,omitempty"`
	// +optional

	// InsecureSkipVerifyTLS accepts any certificate from the registry.
	InsecureSkipVerifyTLS bool `json:"insecureSkipVerifyTLS,omitempty"` //nolint:tagliatelle // Krateo's field name
	// +optional

	// Credentials log in to the registry or repository.
	Credentials *Credentials `json:"credentials,omitempty"`
}

// +kubebuilder:object:generate=true

// CompositionDefinitionSpec publishes a Helm chart as a Kubernetes API.
type CompositionDefinitionSpec struct {
	// Chart is where the chart is.
	Chart ChartSpec `json:"chart"`
}

// +kubebuilder:object:generate=true

// VersionInfo is one version of the generated CRD.
type VersionInfo struct {
	// Version is the CRD version (v1-2-3 for chart 1.2.3).
	Version string `json:"version"`
	// Served and Stored are the version's flags in the CRD.
	Served bool `json:"served"`
	Stored bool `json:"stored"`
	// Chart is the chart version it was generated from.
	Chart string `json:"chart,omitempty"`
}

// +kubebuilder:object:generate=true

// ManagedAPI is the API a definition generated.
type ManagedAPI struct {
	// Group and Kind are the generated kind's.
	Group string `json:"group,omitempty"`
	Kind  string `json:"kind,omitempty"`
	// +optional

	// VersionInfo lists the CRD's versions.
	VersionInfo []VersionInfo `json:"versionInfo,omitempty"`
}

// +kubebuilder:object:generate=true

// CompositionDefinitionStatus is what the reconciler reports.
type CompositionDefinitionStatus struct {
	// +optional
	// +listType=map
	// +listMapKey=type

	// Conditions are Ready, and SchemaMissing when the chart has no
	// values.schema.json.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// +optional

	// APIVersion, Kind and Resource are the generated kind's, as its
	// objects are written and served.
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Resource   string `json:"resource,omitempty"`
	// +optional

	// PackageURL is the chart's URL, Digest the SHA-256 of its archive.
	PackageURL string `json:"packageUrl,omitempty"`
	Digest     string `json:"digest,omitempty"`
	// +optional

	// Managed is the generated API and its versions.
	Managed *ManagedAPI `json:"managed,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=compositiondefinitions,singular=compositiondefinition,shortName=compdef,categories=compositions
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=".status.kind"
// +kubebuilder:printcolumn:name="API version",type=string,JSONPath=".status.apiVersion"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type==\"Ready\")].status"

// CompositionDefinition publishes a Helm chart as a Kubernetes API: the
// chart's values.schema.json becomes a version of a CRD, and each object
// of that kind a Helm release.
type CompositionDefinition struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   CompositionDefinitionSpec   `json:"spec,omitempty"`
	Status CompositionDefinitionStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// CompositionDefinitionList is a list of CompositionDefinitions.
type CompositionDefinitionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []CompositionDefinition `json:"items"`
}

var _ reconcile.Conditioned = (*CompositionDefinition)(nil)

// GetConditions returns the definition's conditions.
func (d *CompositionDefinition) GetConditions() []metav1.Condition { return d.Status.Conditions }

// SetConditions replaces the definition's conditions.
func (d *CompositionDefinition) SetConditions(c []metav1.Condition) { d.Status.Conditions = c }

// Readiness reads the Ready condition, when it speaks of the current spec.
func (d *CompositionDefinition) Readiness() hub.Readiness {
	return reconcile.ReadinessFrom(d, "waiting for the composition reconciler", d.Status.APIVersion+" "+d.Status.Kind)
}
