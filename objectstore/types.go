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

// Status is the status of every object store kind.
//
// +kubebuilder:object:generate=true
type Status struct {
	// State is Creating, Ready, Updating, Degraded or Error.
	// +optional
	State string `json:"state,omitempty"`
	// Message explains the state.
	// +optional
	Message string `json:"message,omitempty"`
}

// BucketSpec is an S3 bucket.
//
// +kubebuilder:object:generate=true
type BucketSpec struct {
	// Name is the bucket's name.
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9\.-]){1,61}[a-z0-9]$`
	Name string `json:"name"`
	// Quota is the bucket's hard quota in bytes; 0 means none. Upstream
	// declares it uint64 with an int64 CRD schema; it is int64 here, the
	// same on the wire, because Kubernetes' unstructured machinery has no
	// unsigned integers.
	// +optional
	Quota int64 `json:"quota,omitempty"`
}

// Bucket is an S3 bucket of the minio-operator.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=buckets,singular=bucket,scope=Namespaced
type Bucket struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   BucketSpec `json:"spec,omitempty"`
	Status Status     `json:"status,omitempty"`
}

// BucketList is a list of Buckets.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
type BucketList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Bucket `json:"items"`
}

// PolicySpec is an IAM policy document under a name.
//
// +kubebuilder:object:generate=true
type PolicySpec struct {
	// Name is the policy's name in MinIO.
	// +kubebuilder:validation:Pattern=`[^\s]*`
	Name string `json:"name"`
	// Content is the policy document, as JSON.
	Content string `json:"content"`
}

// Policy is a MinIO policy of the minio-operator.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=policies,singular=policy,scope=Namespaced
type Policy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PolicySpec `json:"spec,omitempty"`
	Status Status     `json:"status,omitempty"`
}

// PolicyList is a list of Policies.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
type PolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Policy `json:"items"`
}

// UserSpec is a MinIO user with its keys and policies.
//
// +kubebuilder:object:generate=true
type UserSpec struct {
	// AccessKey is the user's access key (its name).
	AccessKey string `json:"accessKey"`
	// SecretKey is the user's secret key, in plain text as upstream has it.
	SecretKey string `json:"secretKey"`
	// Policies names the policies attached to the user.
	// +optional
	Policies []string `json:"policies,omitempty"`
	// AccountStatus is enabled or disabled.
	// +optional
	// +kubebuilder:validation:Enum=enabled;disabled
	// +kubebuilder:default=enabled
	AccountStatus string `json:"accountStatus,omitempty"`
}

// User is a MinIO user of the minio-operator.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=users,singular=user,scope=Namespaced
type User struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   UserSpec `json:"spec,omitempty"`
	Status Status   `json:"status,omitempty"`
}

// UserList is a list of Users.
//
// +kubebuilder:object:generate=true
// +kubebuilder:object:root=true
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
