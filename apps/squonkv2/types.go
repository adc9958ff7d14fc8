// +groupName=squonk.it
// +versionName=v2

package squonkv2

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the API group and version of the Squonk2 Data Manager's
// JupyterNotebook.
var GroupVersion = schema.GroupVersion{Group: "squonk.it", Version: "v2"}

// AddToScheme adds JupyterNotebook to a scheme; pass it to hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &JupyterNotebook{}, &JupyterNotebookList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// +kubebuilder:object:generate=true

// ResourceList are quantities by resource name, as strings: cpu, memory
// and storage (the operator does not use storage).
type ResourceList struct {
	// +optional
	CPU string `json:"cpu,omitempty"`
	// +optional
	Memory string `json:"memory,omitempty"`
	// +optional
	Storage string `json:"storage,omitempty"`
}

// +kubebuilder:object:generate=true

// Resources are the notebook container's limits and requests (defaults:
// cpu 1 and 10m, memory 1Gi and 256Mi).
type Resources struct {
	// +optional
	Limits *ResourceList `json:"limits,omitempty"`
	// +optional
	Requests *ResourceList `json:"requests,omitempty"`
}

// +kubebuilder:object:generate=true

// SecurityContext is who the notebook runs as (defaults: user 1000, group
// 100; the operator sets the pod's fsGroup to 100 whatever this says).
type SecurityContext struct {
	// +optional
	RunAsUser *int64 `json:"runAsUser,omitempty"`
	// +optional
	RunAsGroup *int64 `json:"runAsGroup,omitempty"`
	// +optional
	FSGroup *int64 `json:"fsGroup,omitempty"`
}

// +kubebuilder:object:generate=true

// Notebook says how Jupyter is served.
type Notebook struct {
	// Interface is "lab" (the default) or "classic".
	// +optional
	Interface string `json:"interface,omitempty"`
}

// +kubebuilder:object:generate=true

// Project is the Data Manager project the notebook works in: its claim is
// mounted at /home/jovyan with the project id as sub path.
type Project struct {
	// +optional
	ClaimName string `json:"claimName,omitempty"`
	// +optional
	ID string `json:"id,omitempty"`
}

// +kubebuilder:object:generate=true

// DataManager is everything the Data Manager sets on an application
// instance: every field of the spec sits under spec.imDataManager.
type DataManager struct {
	// +optional
	TaskID string `json:"taskId,omitempty"`
	// Image is the notebook image (jupyter/minimal-notebook:notebook-6.3.0
	// by default; pulled Always when its tag is latest, stable or missing).
	// +optional
	Image string `json:"image,omitempty"`
	// IngressProxyBodySize is the Ingress's largest request body (500m by
	// default).
	// +optional
	IngressProxyBodySize string `json:"ingressProxyBodySize,omitempty"`
	// +optional
	Resources *Resources `json:"resources,omitempty"`
	// ServiceAccountName is the pod's service account ("default" by
	// default).
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// +optional
	SecurityContext *SecurityContext `json:"securityContext,omitempty"`
	// +optional
	Notebook *Notebook `json:"notebook,omitempty"`
	// +optional
	Project *Project `json:"project,omitempty"`
	// Labels ("key=value") are copied to the pod's labels; the Data Manager
	// puts data-manager.informaticsmatters.com/instance=<name> here.
	// +optional
	Labels []string `json:"labels,omitempty"`
}

// +kubebuilder:object:generate=true

// JupyterNotebookSpec is a notebook as the Data Manager asks for it.
type JupyterNotebookSpec struct {
	// +optional
	DataManager *DataManager `json:"imDataManager,omitempty"`
}

// +kubebuilder:object:generate=true

// NotebookStatus is where the notebook is reached.
type NotebookStatus struct {
	// URL is http(s)://<domain>/<name>?token=<token>.
	URL string `json:"url,omitempty"`
	// Token is the notebook's access token.
	Token string `json:"token,omitempty"`
	// Interface is lab or classic.
	Interface string `json:"interface,omitempty"`
}

// +kubebuilder:object:generate=true

// JupyterStatus is what the operator returns from its create handler,
// which kopf stores at status.jupyter.
type JupyterStatus struct {
	// +optional
	Notebook *NotebookStatus `json:"notebook,omitempty"`
	// +optional
	Image string `json:"image,omitempty"`
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// +optional
	Resources *Resources `json:"resources,omitempty"`
	// +optional
	Project *Project `json:"project,omitempty"`
}

// +kubebuilder:object:generate=true

// JupyterNotebookStatus is the notebook's status; the CRD keeps any field
// there, as kopf writes its own next to status.jupyter.
type JupyterNotebookStatus struct {
	// +optional
	Jupyter *JupyterStatus `json:"jupyter,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=jupyternotebooks,singular=jupyternotebook
// +kubebuilder:metadata:annotations="data-manager.informaticsmatters.com/application=yes"
// +kubebuilder:metadata:annotations="data-manager.informaticsmatters.com/application-url-location=jupyter.notebook.url"
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.jupyter.notebook.url",description="URL for accessing the Jupyter notebook."
// +kubebuilder:printcolumn:name="Token",type=string,JSONPath=".status.jupyter.notebook.token",description="Token for accessing the Jupyter notebook."

// JupyterNotebook is a Jupyter notebook started by the Squonk2 Data
// Manager (squonk.it/v2): an application instance under the application
// contract (see the apps package).
type JupyterNotebook struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec JupyterNotebookSpec `json:"spec,omitempty"`
	// +kubebuilder:pruning:PreserveUnknownFields
	Status JupyterNotebookStatus `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// JupyterNotebookList is a list of JupyterNotebooks.
type JupyterNotebookList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []JupyterNotebook `json:"items"`
}
