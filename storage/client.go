package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

var claimKind = schema.GroupKind{Kind: "PersistentVolumeClaim"}

// A Client manages the claims of one namespace, the hub.Client's.
type Client struct {
	hub       *hub.Client
	claims    *hub.Resource[*corev1.PersistentVolumeClaim]
	managedBy string
	allowed   []string
}

// An Option configures a Client.
type Option func(*Client)

// WithManagedBy sets the value of the managed-by label (hub.ManagedByLabel)
// Create adds; by default hub.DefaultManagedBy, the resource manager's
// (K8S_PVC_MANAGED_BY), so that what Hubkit and the resource manager make
// see each other.
func WithManagedBy(value string) Option { return func(c *Client) { c.managedBy = value } }

// WithStorageClasses limits the storage classes users may choose to these
// (K8S_PVC_STORAGE_CLASSES); with none, every class is allowed.
func WithStorageClasses(names ...string) Option {
	return func(c *Client) { c.allowed = slices.Clone(names) }
}

// The resource manager's settings OptionsFromEnv reads.
const (
	// EnvManagedBy is the managed-by value claims are made with.
	EnvManagedBy = "K8S_PVC_MANAGED_BY"
	// EnvStorageClasses is a comma-separated allow-list of storage
	// classes; empty allows every class.
	EnvStorageClasses = "K8S_PVC_STORAGE_CLASSES"
)

// OptionsFromEnv returns the options DigitalHub's resource manager is
// configured with, read through getenv (usually os.Getenv): the managed-by
// value (K8S_PVC_MANAGED_BY) and the storage classes users may choose
// (K8S_PVC_STORAGE_CLASSES, comma-separated). Unset variables give no
// option: the defaults stay.
func OptionsFromEnv(getenv func(string) string) []Option {
	var opts []Option
	if v := strings.TrimSpace(getenv(EnvManagedBy)); v != "" {
		opts = append(opts, WithManagedBy(v))
	}
	var classes []string
	for class := range strings.SplitSeq(getenv(EnvStorageClasses), ",") {
		if class = strings.TrimSpace(class); class != "" {
			classes = append(classes, class)
		}
	}
	if len(classes) > 0 {
		opts = append(opts, WithStorageClasses(classes...))
	}
	return opts
}

// NewClient returns a Client over c. Which claims List shows is c's
// relevance selector for PersistentVolumeClaims (hub.WithSelector).
func NewClient(c *hub.Client, opts ...Option) *Client {
	s := &Client{hub: c, claims: hub.For[*corev1.PersistentVolumeClaim](c), managedBy: hub.DefaultManagedBy}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// ClaimInfo is what a list or a detail view shows of a claim.
type ClaimInfo struct {
	Name         string
	Phase        corev1.PersistentVolumeClaimPhase
	Volume       string
	StorageClass string
	// SizeGi is the capacity in Gi, rounded up: the bound volume's when
	// there is one, the requested size otherwise.
	SizeGi      int64
	AccessModes []corev1.PersistentVolumeAccessMode
	VolumeMode  corev1.PersistentVolumeMode
	Labels      map[string]string
	Created     time.Time
}

// Readiness reports a claim ready once it is Bound to a volume.
func (i ClaimInfo) Readiness() hub.Readiness {
	switch i.Phase {
	case corev1.ClaimBound:
		return hub.Readiness{Ready: true, State: string(i.Phase), Message: "bound to volume " + i.Volume}
	case corev1.ClaimLost:
		return hub.Readiness{State: string(i.Phase), Message: "its volume " + i.Volume + " is gone"}
	case corev1.ClaimPending:
	}
	return hub.Readiness{State: string(i.Phase), Message: "waiting for a volume"}
}

// Wait waits until the claim called name is Bound, or ctx ends (give it a
// deadline), and returns it.
func (c *Client) Wait(ctx context.Context, name string) (ClaimInfo, error) {
	pvc, err := c.claims.WaitFor(ctx, name, func(pvc *corev1.PersistentVolumeClaim) (bool, error) {
		return infoOf(pvc).Readiness().Ready, nil
	})
	if err != nil {
		return ClaimInfo{}, err
	}
	return infoOf(pvc), nil
}

func infoOf(pvc *corev1.PersistentVolumeClaim) ClaimInfo {
	size := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	if capacity, ok := pvc.Status.Capacity[corev1.ResourceStorage]; ok {
		size = capacity
	}
	info := ClaimInfo{
		Name:        pvc.Name,
		Phase:       pvc.Status.Phase,
		Volume:      pvc.Spec.VolumeName,
		SizeGi:      (size.Value() + 1<<30 - 1) >> 30,
		AccessModes: pvc.Spec.AccessModes,
		Labels:      pvc.Labels,
		Created:     pvc.CreationTimestamp.Time,
	}
	if info.Phase == "" {
		info.Phase = corev1.ClaimPending
	}
	if pvc.Spec.StorageClassName != nil {
		info.StorageClass = *pvc.Spec.StorageClassName
	}
	if pvc.Spec.VolumeMode != nil {
		info.VolumeMode = *pvc.Spec.VolumeMode
	}
	return info
}

// List returns the relevant claims, sorted by name.
func (c *Client) List(ctx context.Context) ([]ClaimInfo, error) {
	pvcs, err := c.claims.ListRelevant(ctx)
	if err != nil {
		return nil, err
	}
	infos := make([]ClaimInfo, 0, len(pvcs))
	for _, pvc := range pvcs {
		infos = append(infos, infoOf(pvc))
	}
	return infos, nil
}

// Get returns the claim called name. A claim the relevance selector does
// not select is NotFound, as it is for List.
func (c *Client) Get(ctx context.Context, name string) (ClaimInfo, error) {
	pvc, err := c.claims.GetRelevant(ctx, name)
	if err != nil {
		return ClaimInfo{}, err
	}
	return infoOf(pvc), nil
}

// Create validates claim, checks that its storage class exists and is
// allowed, and creates it with the managed-by label. Invalid claims are a
// *hub.ValidationError listing every bad field; nothing is created then.
func (c *Client) Create(ctx context.Context, claim ClaimRequest) (ClaimInfo, error) {
	errs := claim.Validate()
	if claim.StorageClass != "" && len(errs.Filter(func(e error) bool {
		var fe *field.Error
		return !errors.As(e, &fe) || fe.Field != "spec.storageClassName"
	})) == 0 {
		classErrs, err := c.checkClass(ctx, claim.StorageClass)
		if err != nil {
			return ClaimInfo{}, err
		}
		errs = append(errs, classErrs...)
	}
	if err := hub.NewValidationError(claimKind, claim.Name, errs); err != nil {
		return ClaimInfo{}, err
	}
	ns, err := c.claims.Namespace()
	if err != nil {
		return ClaimInfo{}, err
	}
	pvc := claim.Build(ns)
	pvc.Labels = map[string]string{hub.ManagedByLabel: c.managedBy}
	if err := c.claims.Create(ctx, pvc); err != nil {
		return ClaimInfo{}, err
	}
	return infoOf(pvc), nil
}

// checkClass returns the field errors of a storage class the cluster does
// not have or the allow-list excludes.
func (c *Client) checkClass(ctx context.Context, name string) (field.ErrorList, error) {
	p := field.NewPath("spec", "storageClassName")
	if len(c.allowed) > 0 && !slices.Contains(c.allowed, name) {
		return field.ErrorList{field.NotSupported(p, name, c.allowed)}, nil
	}
	_, err := hub.For[*storagev1.StorageClass](c.hub).Get(ctx, name)
	switch {
	case hub.IsNotFound(err):
		return field.ErrorList{field.NotFound(p, name)}, nil
	case err != nil:
		return nil, fmt.Errorf("checking storage class %q: %w", name, err)
	}
	return nil, nil
}

// ClassInfo is what a user choosing a storage class sees of it.
type ClassInfo struct {
	Name              string
	Provisioner       string
	Default           bool
	VolumeBindingMode storagev1.VolumeBindingMode
	ReclaimPolicy     corev1.PersistentVolumeReclaimPolicy
	AllowExpansion    bool
}

// StorageClasses returns the storage classes users may choose: all of the
// cluster's, or those of the allow-list, sorted by name.
func (c *Client) StorageClasses(ctx context.Context) ([]ClassInfo, error) {
	page, err := hub.For[*storagev1.StorageClass](c.hub).List(ctx)
	if err != nil {
		return nil, err
	}
	var out []ClassInfo
	for _, class := range page.Items {
		if len(c.allowed) > 0 && !slices.Contains(c.allowed, class.Name) {
			continue
		}
		info := ClassInfo{
			Name:        class.Name,
			Provisioner: class.Provisioner,
			Default:     class.Annotations["storageclass.kubernetes.io/is-default-class"] == "true",
		}
		if class.VolumeBindingMode != nil {
			info.VolumeBindingMode = *class.VolumeBindingMode
		}
		if class.ReclaimPolicy != nil {
			info.ReclaimPolicy = *class.ReclaimPolicy
		}
		if class.AllowVolumeExpansion != nil {
			info.AllowExpansion = *class.AllowVolumeExpansion
		}
		out = append(out, info)
	}
	return out, nil
}

// An InUseError refuses to delete a claim that running Pods or unfinished
// Jobs still mount.
type InUseError struct {
	Claim string
	Pods  []string
	Jobs  []string
}

// Error names the claim and what mounts it.
func (e *InUseError) Error() string {
	var users []string
	if len(e.Pods) > 0 {
		users = append(users, "pods "+strings.Join(e.Pods, ", "))
	}
	if len(e.Jobs) > 0 {
		users = append(users, "jobs "+strings.Join(e.Jobs, ", "))
	}
	return fmt.Sprintf("claim %q is still mounted by %s: stop them first, or delete with storage.Force()", e.Claim, strings.Join(users, " and "))
}

// A DeleteOption configures Delete.
type DeleteOption func(*deleteSettings)

type deleteSettings struct{ force bool }

// Force deletes a claim even while Pods or Jobs mount it. Kubernetes then
// keeps the claim (Terminating) until they stop.
func Force() DeleteOption { return func(s *deleteSettings) { s.force = true } }

// Delete deletes the claim called name. While a Pod that has not finished,
// or a Job that has not finished, mounts the claim, Delete refuses with an
// *InUseError naming them, unless Force is given: data is not lost by
// accident.
func (c *Client) Delete(ctx context.Context, name string, opts ...DeleteOption) error {
	var s deleteSettings
	for _, opt := range opts {
		opt(&s)
	}
	pvc, err := c.claims.GetRelevant(ctx, name)
	if err != nil {
		return err
	}
	if !s.force {
		if err := c.checkUnused(ctx, name); err != nil {
			return err
		}
	}
	return c.claims.DeleteObject(ctx, pvc)
}

// checkUnused returns an *InUseError when Pods or Jobs mount the claim.
func (c *Client) checkUnused(ctx context.Context, claim string) error {
	inUse := &InUseError{Claim: claim}
	pods, err := hub.For[*corev1.Pod](c.hub).List(ctx)
	if err != nil {
		return fmt.Errorf("finding the pods that mount claim %q: %w", claim, err)
	}
	for _, pod := range pods.Items {
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			continue
		}
		if mounts(pod.Spec.Volumes, claim) {
			inUse.Pods = append(inUse.Pods, pod.Name)
		}
	}
	jobs, err := hub.For[*batchv1.Job](c.hub).List(ctx)
	if err != nil {
		return fmt.Errorf("finding the jobs that mount claim %q: %w", claim, err)
	}
	for _, job := range jobs.Items {
		if !jobFinished(job) && mounts(job.Spec.Template.Spec.Volumes, claim) {
			inUse.Jobs = append(inUse.Jobs, job.Name)
		}
	}
	if len(inUse.Pods) == 0 && len(inUse.Jobs) == 0 {
		return nil
	}
	return inUse
}

func mounts(volumes []corev1.Volume, claim string) bool {
	return slices.ContainsFunc(volumes, func(v corev1.Volume) bool {
		return v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim
	})
}

func jobFinished(job *batchv1.Job) bool {
	return slices.ContainsFunc(job.Status.Conditions, func(c batchv1.JobCondition) bool {
		return (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue
	})
}
