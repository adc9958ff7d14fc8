package storage

import (
	"fmt"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// AccessModes are the four standard access modes a claim may ask for.
var AccessModes = []corev1.PersistentVolumeAccessMode{
	corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod,
}

// A ClaimRequest is a PersistentVolumeClaim to create. Make one with
// NewClaim; the zero values of the optional fields mean the defaults: the cluster's
// default storage class, ReadWriteOnce, Filesystem, no preset volume.
type ClaimRequest struct {
	// Name is the claim's name, a DNS subdomain.
	Name string
	// Size is the storage requested; it must be positive.
	Size resource.Quantity
	// StorageClass names the storage class; empty means the cluster's
	// default class.
	StorageClass string
	// AccessModes lists the access modes; empty means ReadWriteOnce.
	AccessModes []corev1.PersistentVolumeAccessMode
	// VolumeMode is Filesystem (the default) or Block.
	VolumeMode corev1.PersistentVolumeMode
	// VolumeName binds the claim to an existing volume of that name.
	VolumeName string
}

// A ClaimOption sets an optional field of a ClaimRequest.
type ClaimOption func(*ClaimRequest)

// NewClaim returns a claim of size called name.
func NewClaim(name string, size resource.Quantity, opts ...ClaimOption) ClaimRequest {
	c := ClaimRequest{Name: name, Size: size}
	for _, opt := range opts {
		opt(&c)
	}
	return c
}

// Gi returns n gibibytes, the unit DigitalHub's resource manager sizes
// claims in. Sizes beyond what Kubernetes represents (about 8 EiB) saturate
// at its largest quantity rather than wrap around.
func Gi(n int64) resource.Quantity {
	// Not n<<30, which overflows from 2^33 GiB on: a parsed quantity
	// saturates at the largest number of bytes Kubernetes represents.
	return resource.MustParse(strconv.FormatInt(n, 10) + "Gi")
}

// WithStorageClass sets the storage class.
func WithStorageClass(name string) ClaimOption {
	return func(c *ClaimRequest) { c.StorageClass = name }
}

// WithAccessModes sets the access modes.
func WithAccessModes(modes ...corev1.PersistentVolumeAccessMode) ClaimOption {
	return func(c *ClaimRequest) { c.AccessModes = modes }
}

// WithVolumeMode sets the volume mode: Filesystem or Block.
func WithVolumeMode(mode corev1.PersistentVolumeMode) ClaimOption {
	return func(c *ClaimRequest) { c.VolumeMode = mode }
}

// WithVolumeName binds the claim to an existing volume.
func WithVolumeName(name string) ClaimOption { return func(c *ClaimRequest) { c.VolumeName = name } }

// Validate checks the claim on its own, with the field paths of the
// PersistentVolumeClaim it becomes. Whether its storage class exists and is
// allowed is the Client's to check.
func (c ClaimRequest) Validate() field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.NameIsDNSSubdomain(c.Name, false) {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), c.Name, msg))
	}
	if c.Name == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), "name the claim"))
	}
	if c.Size.Sign() <= 0 {
		errs = append(errs, field.Invalid(field.NewPath("spec", "resources", "requests", "storage"), c.Size.String(), "the size must be greater than zero"))
	}
	seen := map[corev1.PersistentVolumeAccessMode]bool{}
	for i, mode := range c.AccessModes {
		p := field.NewPath("spec", "accessModes").Index(i)
		switch {
		case !slices.Contains(AccessModes, mode):
			errs = append(errs, field.NotSupported(p, mode, AccessModes))
		case seen[mode]:
			errs = append(errs, field.Duplicate(p, mode))
		}
		seen[mode] = true
	}
	if seen[corev1.ReadWriteOncePod] && len(c.AccessModes) > 1 {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "accessModes"), "ReadWriteOncePod may not be combined with other access modes"))
	}
	if c.VolumeMode != "" && c.VolumeMode != corev1.PersistentVolumeFilesystem && c.VolumeMode != corev1.PersistentVolumeBlock {
		errs = append(errs, field.NotSupported(field.NewPath("spec", "volumeMode"), c.VolumeMode, []corev1.PersistentVolumeMode{corev1.PersistentVolumeFilesystem, corev1.PersistentVolumeBlock}))
	}
	if c.VolumeName != "" {
		for _, msg := range validation.NameIsDNSSubdomain(c.VolumeName, false) {
			errs = append(errs, field.Invalid(field.NewPath("spec", "volumeName"), c.VolumeName, msg))
		}
	}
	if c.StorageClass != "" {
		for _, msg := range validation.NameIsDNSSubdomain(c.StorageClass, false) {
			errs = append(errs, field.Invalid(field.NewPath("spec", "storageClassName"), c.StorageClass, msg))
		}
	}
	return errs
}

// Build returns the PersistentVolumeClaim for namespace, with the defaults
// filled in. It does not validate; call Validate first. Client.Create adds
// the managed-by label.
func (c ClaimRequest) Build(namespace string) *corev1.PersistentVolumeClaim {
	modes := c.AccessModes
	if len(modes) == 0 {
		modes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}
	}
	mode := c.VolumeMode
	if mode == "" {
		mode = corev1.PersistentVolumeFilesystem
	}
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: c.Name},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: slices.Clone(modes),
			VolumeMode:  &mode,
			VolumeName:  c.VolumeName,
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: c.Size.DeepCopy()}},
		},
	}
	if c.StorageClass != "" {
		class := c.StorageClass
		pvc.Spec.StorageClassName = &class
	}
	return pvc
}

// String describes the claim for logs and errors.
func (c ClaimRequest) String() string {
	return fmt.Sprintf("claim %q (%s)", c.Name, c.Size.String())
}
