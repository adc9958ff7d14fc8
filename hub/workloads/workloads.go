package workloads

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
)

// ErrLogsUnavailable is returned for logs when the cluster cannot give
// them: the client has no rest config to reach the pods' logs through (a
// fake cluster, or hub.Wrap without hub.WithRESTConfig) and no LogReader
// was given.
var ErrLogsUnavailable = errors.New("workloads: logs are unavailable: the client has no rest config to read pod logs through; give one (hub.New, hub.WithRESTConfig) or a LogReader (workloads.WithLogReader)")

// A Client reads the platform's workloads in one namespace, the
// hub.Client's: Services, Deployments, Jobs and ResourceQuotas, each kind
// filtered by the client's relevance selector for it (see
// hub.SelectorsFromEnv), plus the logs of their pods.
type Client struct {
	hub  *hub.Client
	logs LogReader
}

// An Option configures a Client.
type Option func(*Client)

// WithLogReader sets where logs come from; by default they come from the
// API server through the hub.Client's rest config.
func WithLogReader(r LogReader) Option { return func(c *Client) { c.logs = r } }

// NewClient returns a Client over c.
func NewClient(c *hub.Client, opts ...Option) *Client {
	w := &Client{hub: c, logs: newAPILogReader(c.RESTConfig())}
	for _, opt := range opts {
		opt(w)
	}
	return w
}

// relevantGet reads one object of kind T, refusing (NotFound) one the
// relevance selector of its kind does not select, as the lists do.
func relevantGet[T client.Object](ctx context.Context, c *hub.Client, name string) (T, error) {
	r := hub.For[T](c)
	obj, err := r.Get(ctx, name)
	if err != nil {
		return obj, err
	}
	gvk := r.GroupVersionKind()
	if sel, ok := c.Selector(gvk.GroupKind()); ok && !sel.MatchesLabels(obj.GetLabels()) {
		var zero T
		return zero, fmt.Errorf("%s %q is not one the platform shows (selector %q): %w", gvk.Kind, name, sel,
			apierrors.NewNotFound(schema.GroupResource{Group: gvk.Group, Resource: strings.ToLower(gvk.Kind) + "s"}, name))
	}
	return obj, nil
}

// A PortInfo is one port of a Service.
type PortInfo struct {
	Name       string
	Port       int32
	TargetPort string
	NodePort   int32
	Protocol   corev1.Protocol
}

// A ServiceInfo is what the platform shows of a Service.
type ServiceInfo struct {
	Name      string
	Type      corev1.ServiceType
	ClusterIP string
	Ports     []PortInfo
	Selector  map[string]string
	Labels    map[string]string
	Created   time.Time
}

func serviceInfo(s *corev1.Service) ServiceInfo {
	info := ServiceInfo{Name: s.Name, Type: s.Spec.Type, ClusterIP: s.Spec.ClusterIP, Selector: s.Spec.Selector, Labels: s.Labels, Created: s.CreationTimestamp.Time}
	if info.Type == "" {
		info.Type = corev1.ServiceTypeClusterIP
	}
	for _, p := range s.Spec.Ports {
		protocol := p.Protocol
		if protocol == "" {
			protocol = corev1.ProtocolTCP
		}
		target := p.TargetPort.String()
		if p.TargetPort.IntValue() == 0 && p.TargetPort.StrVal == "" {
			target = strconv.Itoa(int(p.Port))
		}
		info.Ports = append(info.Ports, PortInfo{Name: p.Name, Port: p.Port, TargetPort: target, NodePort: p.NodePort, Protocol: protocol})
	}
	return info
}

// Services lists the relevant Services, sorted by name.
func (c *Client) Services(ctx context.Context) ([]ServiceInfo, error) {
	items, err := hub.For[*corev1.Service](c.hub).ListRelevant(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ServiceInfo, 0, len(items))
	for _, s := range items {
		out = append(out, serviceInfo(s))
	}
	return out, nil
}

// Service returns the relevant Service called name.
func (c *Client) Service(ctx context.Context, name string) (ServiceInfo, error) {
	s, err := relevantGet[*corev1.Service](ctx, c.hub, name)
	if err != nil {
		return ServiceInfo{}, err
	}
	return serviceInfo(s), nil
}

// A Condition is a workload condition as the platform shows it.
type Condition struct {
	Type, Status, Reason, Message string
	LastTransition                time.Time
}

// A DeploymentInfo is what the platform shows of a Deployment.
type DeploymentInfo struct {
	Name       string
	Desired    int32
	Ready      int32
	Available  int32
	Updated    int32
	Images     []string
	Conditions []Condition
	Labels     map[string]string
	Created    time.Time
}

func deploymentInfo(d *appsv1.Deployment) DeploymentInfo {
	desired := int32(1)
	if d.Spec.Replicas != nil {
		desired = *d.Spec.Replicas
	}
	info := DeploymentInfo{
		Name: d.Name, Desired: desired, Ready: d.Status.ReadyReplicas, Available: d.Status.AvailableReplicas,
		Updated: d.Status.UpdatedReplicas, Labels: d.Labels, Created: d.CreationTimestamp.Time,
	}
	for _, container := range d.Spec.Template.Spec.Containers {
		info.Images = append(info.Images, container.Image)
	}
	for _, cond := range d.Status.Conditions {
		info.Conditions = append(info.Conditions, Condition{
			Type: string(cond.Type), Status: string(cond.Status), Reason: cond.Reason, Message: cond.Message, LastTransition: cond.LastTransitionTime.Time,
		})
	}
	return info
}

// Deployments lists the relevant Deployments, sorted by name.
func (c *Client) Deployments(ctx context.Context) ([]DeploymentInfo, error) {
	items, err := hub.For[*appsv1.Deployment](c.hub).ListRelevant(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]DeploymentInfo, 0, len(items))
	for _, d := range items {
		out = append(out, deploymentInfo(d))
	}
	return out, nil
}

// Deployment returns the relevant Deployment called name.
func (c *Client) Deployment(ctx context.Context, name string) (DeploymentInfo, error) {
	d, err := relevantGet[*appsv1.Deployment](ctx, c.hub, name)
	if err != nil {
		return DeploymentInfo{}, err
	}
	return deploymentInfo(d), nil
}

// DeploymentLogs returns the logs of the current pods of the relevant
// Deployment called name; see Logs.
func (c *Client) DeploymentLogs(ctx context.Context, name string, opts ...LogOption) ([]PodLogs, error) {
	d, err := relevantGet[*appsv1.Deployment](ctx, c.hub, name)
	if err != nil {
		return nil, err
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("deployment %q has a bad selector: %w", name, err)
	}
	return c.Logs(ctx, sel, opts...)
}

// A JobPhase summarises a Job's state.
type JobPhase string

// The phases of a Job.
const (
	JobPending   JobPhase = "Pending"
	JobRunning   JobPhase = "Running"
	JobSuspended JobPhase = "Suspended"
	JobComplete  JobPhase = "Complete"
	JobFailed    JobPhase = "Failed"
)

// A JobInfo is what the platform shows of a Job.
type JobInfo struct {
	Name           string
	Phase          JobPhase
	Active         int32
	Succeeded      int32
	Failed         int32
	StartTime      *time.Time
	CompletionTime *time.Time
	Conditions     []Condition
	Labels         map[string]string
	Created        time.Time
}

func jobInfo(j *batchv1.Job) JobInfo {
	info := JobInfo{
		Name: j.Name, Active: j.Status.Active, Succeeded: j.Status.Succeeded, Failed: j.Status.Failed,
		Labels: j.Labels, Created: j.CreationTimestamp.Time, Phase: JobPending,
	}
	if j.Status.StartTime != nil {
		t := j.Status.StartTime.Time
		info.StartTime = &t
	}
	if j.Status.CompletionTime != nil {
		t := j.Status.CompletionTime.Time
		info.CompletionTime = &t
	}
	switch {
	case j.Spec.Suspend != nil && *j.Spec.Suspend:
		info.Phase = JobSuspended
	case j.Status.Active > 0 || j.Status.StartTime != nil:
		info.Phase = JobRunning
	}
	for _, cond := range j.Status.Conditions {
		info.Conditions = append(info.Conditions, Condition{
			Type: string(cond.Type), Status: string(cond.Status), Reason: cond.Reason, Message: cond.Message, LastTransition: cond.LastTransitionTime.Time,
		})
		if cond.Status != corev1.ConditionTrue {
			continue
		}
		switch cond.Type {
		case batchv1.JobComplete:
			info.Phase = JobComplete
		case batchv1.JobFailed:
			info.Phase = JobFailed
		default:
		}
	}
	return info
}

// Jobs lists the relevant Jobs, sorted by name.
func (c *Client) Jobs(ctx context.Context) ([]JobInfo, error) {
	items, err := hub.For[*batchv1.Job](c.hub).ListRelevant(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]JobInfo, 0, len(items))
	for _, j := range items {
		out = append(out, jobInfo(j))
	}
	return out, nil
}

// Job returns the relevant Job called name.
func (c *Client) Job(ctx context.Context, name string) (JobInfo, error) {
	j, err := relevantGet[*batchv1.Job](ctx, c.hub, name)
	if err != nil {
		return JobInfo{}, err
	}
	return jobInfo(j), nil
}

// DeleteJob deletes the relevant Job called name with its pods: in the
// background unless another propagation policy is given.
func (c *Client) DeleteJob(ctx context.Context, name string, policy ...metav1.DeletionPropagation) error {
	j, err := relevantGet[*batchv1.Job](ctx, c.hub, name)
	if err != nil {
		return err
	}
	p := metav1.DeletePropagationBackground
	if len(policy) > 0 {
		p = policy[0]
	}
	return hub.For[*batchv1.Job](c.hub).Delete(ctx, name, hub.Propagation(p), hub.IfUID(j.UID))
}

// JobLogs returns the logs of the pods of the relevant Job called name;
// see Logs.
func (c *Client) JobLogs(ctx context.Context, name string, opts ...LogOption) ([]PodLogs, error) {
	j, err := relevantGet[*batchv1.Job](ctx, c.hub, name)
	if err != nil {
		return nil, err
	}
	if j.Spec.Selector == nil {
		return c.Logs(ctx, labels.SelectorFromSet(labels.Set{batchv1.JobNameLabel: name}), opts...)
	}
	sel, err := metav1.LabelSelectorAsSelector(j.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("job %q has a bad selector: %w", name, err)
	}
	return c.Logs(ctx, sel, opts...)
}

// A QuotaResource is one resource of a quota: its hard limit and what is
// used of it.
type QuotaResource struct {
	Name corev1.ResourceName
	Hard resource.Quantity
	Used resource.Quantity
}

// A QuotaInfo is what the platform shows of a ResourceQuota.
type QuotaInfo struct {
	Name      string
	Resources []QuotaResource
	Labels    map[string]string
	Created   time.Time
}

func quotaInfo(q *corev1.ResourceQuota) QuotaInfo {
	info := QuotaInfo{Name: q.Name, Labels: q.Labels, Created: q.CreationTimestamp.Time}
	hard := q.Status.Hard
	if len(hard) == 0 {
		hard = q.Spec.Hard
	}
	for name, h := range hard {
		info.Resources = append(info.Resources, QuotaResource{Name: name, Hard: h, Used: q.Status.Used[name]})
	}
	slices.SortFunc(info.Resources, func(a, b QuotaResource) int { return strings.Compare(string(a.Name), string(b.Name)) })
	return info
}

// Quotas lists the relevant ResourceQuotas, sorted by name.
func (c *Client) Quotas(ctx context.Context) ([]QuotaInfo, error) {
	items, err := hub.For[*corev1.ResourceQuota](c.hub).ListRelevant(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]QuotaInfo, 0, len(items))
	for _, q := range items {
		out = append(out, quotaInfo(q))
	}
	return out, nil
}

// Quota returns the relevant ResourceQuota called name.
func (c *Client) Quota(ctx context.Context, name string) (QuotaInfo, error) {
	q, err := relevantGet[*corev1.ResourceQuota](ctx, c.hub, name)
	if err != nil {
		return QuotaInfo{}, err
	}
	return quotaInfo(q), nil
}
