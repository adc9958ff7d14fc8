package restapi

import (
	"context"
	"fmt"
	"net/http"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/hubkit-dev/hubkit/hub/workloads"
	"github.com/hubkit-dev/hubkit/platform"
)

// A workloadKind is a kind of workload whose pods' logs the API serves.
type workloadKind string

// The workloads with a /log path.
const (
	deploymentLogs workloadKind = "deployment"
	jobLogs        workloadKind = "job"
)

// A logSource reads the log of the pods of the workload of kind called
// name, as the resource manager's /log path answers it: one list of lines.
type logSource func(ctx context.Context, p *platform.Platform, kind workloadKind, name string) ([]string, error)

// podLogs reads the pods' logs through the cluster: the last 500 lines of
// every container, pod after pod. Without a way to read them (a cluster
// with no rest config) it returns workloads.ErrLogsUnavailable.
func podLogs(ctx context.Context, p *platform.Platform, kind workloadKind, name string) ([]string, error) {
	var logs []workloads.PodLogs
	var err error
	switch kind {
	case deploymentLogs:
		logs, err = p.Workloads().DeploymentLogs(ctx, name, workloads.TailLines(500))
	case jobLogs:
		logs, err = p.Workloads().JobLogs(ctx, name, workloads.TailLines(500))
	default:
		return nil, fmt.Errorf("no logs for a %s", kind)
	}
	if err != nil {
		return nil, err
	}
	lines := []string{}
	for _, l := range logs {
		lines = append(lines, l.Lines...)
	}
	return lines, nil
}

// simulatedLogs is the log source of the embedded cluster, which runs no
// pods: a few lines that say they are simulated, the same each time for
// the same workload. The workload must exist and be one the platform
// shows, as for podLogs.
func simulatedLogs(ctx context.Context, p *platform.Platform, kind workloadKind, name string) ([]string, error) {
	var containers []corev1.Container
	switch kind {
	case deploymentLogs:
		d, err := getRelevant[*appsv1.Deployment](ctx, p, name)
		if err != nil {
			return nil, err
		}
		containers = d.Spec.Template.Spec.Containers
	case jobLogs:
		j, err := getRelevant[*batchv1.Job](ctx, p, name)
		if err != nil {
			return nil, err
		}
		containers = j.Spec.Template.Spec.Containers
	default:
		return nil, fmt.Errorf("no logs for a %s", kind)
	}
	lines := []string{fmt.Sprintf("[simulated] the embedded in-memory cluster runs no pods: these lines stand in for the log of %s %s", kind, name)}
	for _, c := range containers {
		lines = append(lines,
			fmt.Sprintf("[simulated] container %s: pulled image %s", c.Name, c.Image),
			fmt.Sprintf("[simulated] container %s: started", c.Name))
	}
	return lines, nil
}

// logLines answers a /log path with the lines of the handler's log source.
func (h *Handler) logLines(kind workloadKind) platformHandler {
	return func(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
		id, err := pathID(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		lines, err := h.logs(r.Context(), p, kind, id)
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeOK(w, r, lines)
	}
}
