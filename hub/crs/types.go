// +groupName=hubkit.dev
// +versionName=v1alpha1

package crs

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the API group and version of Hubkit's own kinds.
var GroupVersion = schema.GroupVersion{Group: "hubkit.dev", Version: "v1alpha1"}

// AddToScheme adds CustomResourceSchema to a scheme; pass it to
// hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &CustomResourceSchema{}, &CustomResourceSchemaList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// +kubebuilder:object:generate=true

// CustomResourceSchemaSpec is the JSON schema that custom resources of one
// CRD version are written against, in place of the CRD's own: DigitalHub's
// resource manager keeps these ("Settings") in a database table; Hubkit
// keeps them in the cluster, one object per CRD and version.
type CustomResourceSchemaSpec struct {
	// +kubebuilder:validation:Pattern=`^[a-z0-9-]+(\.[a-z0-9-]+)+$`

	// CRD is the name of the CRD (<plural>.<group>), the resource
	// manager's crdId.
	CRD string `json:"crdId"`
	// +kubebuilder:validation:MinLength=1

	// Version is the CRD version the schema is for.
	Version string `json:"version"`
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object

	// Schema is the JSON schema (OpenAPI v3, as a CRD's openAPIV3Schema).
	Schema apiextensionsv1.JSON `json:"schema"`
}

// +kubebuilder:object:root=true
// +kubebuilder:object:generate=true
// +kubebuilder:resource:shortName=crschema
// +kubebuilder:printcolumn:name="CRD",type=string,JSONPath=`.spec.crdId`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.spec.version`

// CustomResourceSchema attaches a JSON schema to a CRD version.
type CustomResourceSchema struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec CustomResourceSchemaSpec `json:"spec"`
}

// +kubebuilder:object:root=true
// +kubebuilder:object:generate=true

// CustomResourceSchemaList is a list of CustomResourceSchema.
type CustomResourceSchemaList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []CustomResourceSchema `json:"items"`
}
