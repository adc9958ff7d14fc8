// +groupName=minio.scc-digitalhub.github.io
// +versionName=v1

package objectstore

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the API group and version of scc-digitalhub's
// minio-operator, which Hubkit's types match field for field.
var GroupVersion = schema.GroupVersion{Group: "minio.scc-digitalhub.github.io", Version: "v1"}

// AddToScheme adds Bucket, Policy and User to a scheme; pass it to
// hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &Bucket{}, &BucketList{}, &Policy{}, &PolicyList{}, &User{}, &UserList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// The states the operator reports.
const (
	StateCreating = "Creating"
	StateReady    = "Ready"
	StateUpdating = "Updating"
	StateDegraded = "Degraded"
	StateError    = "Error"
)

// +kubebuilder:object:generate=true

// Status is the status of every object store kind.
type Status struct {
	// +optional

	// State is Creating, Ready, Updating, Degraded or Error.
	State string `json:"state,omitempty"`
	// +optional

	// Message explains the state.
	Message string `json:"message,omitempty"`
}

// +kubebuilder:object:generate=true

// BucketSpec is an S3 bucket.
type BucketSpec struct {
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9\.-]){1,61}[a-z0-9]$`

	// Name is the bucket's name.
	Name string `json:"name"`
	// +optional
	// Upstream declares the quota uint64 with an int64 CRD schema; it is
	// int64 here, the same on the wire, because Kubernetes' unstructured
	// machinery has no unsigned integers.

	// Quota is the bucket's hard quota in bytes; 0 means none.
	Quota int64 `json:"quota,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=buckets,singular=bucket,scope=Namespaced

// Bucket is an S3 bucket of the minio-operator.
type Bucket struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   BucketSpec `json:"spec,omitempty"`
	Status Status     `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// BucketList is a list of Buckets.
type BucketList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Bucket `json:"items"`
}

// +kubebuilder:object:generate=true

// PolicySpec is an IAM policy document under a name.
type PolicySpec struct {
	// +kubebuilder:validation:Pattern=`[^\s]*`

	// Name is the policy's name in MinIO.
	Name string `json:"name"`
	// Content is the policy document, as JSON.
	Content string `json:"content"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=policies,singular=policy,scope=Namespaced

// Policy is a MinIO policy of the minio-operator.
type Policy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PolicySpec `json:"spec,omitempty"`
	Status Status     `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// PolicyList is a list of Policies.
type PolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Policy `json:"items"`
}

// +kubebuilder:object:generate=true

// UserSpec is a MinIO user with its keys and policies.
type UserSpec struct {
	// AccessKey is the user's access key (its name).
	AccessKey string `json:"accessKey"`
	// SecretKey is the user's secret key, in plain text as upstream has it.
	SecretKey string `json:"secretKey"`
	// +optional

	// Policies names the policies attached to the user.
	Policies []string `json:"policies,omitempty"`
	// +optional
	// +kubebuilder:validation:Enum=enabled;disabled
	// +kubebuilder:default=enabled

	// AccountStatus is enabled or disabled.
	AccountStatus string `json:"accountStatus,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=users,singular=user,scope=Namespaced

// User is a MinIO user of the minio-operator.
type User struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   UserSpec `json:"spec,omitempty"`
	Status Status   `json:"status,omitempty"`
}

// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true

// UserList is a list of Users.
type UserList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []User `json:"items"`
}

// The finalizers of the minio-operator, which the Provisioner uses too.
const (
	BucketFinalizer = "minio.scc-digitalhub.github.io/bucket-finalizer"
	PolicyFinalizer = "minio.scc-digitalhub.github.io/policy-finalizer"
	UserFinalizer   = "minio.scc-digitalhub.github.io/user-finalizer"
)
