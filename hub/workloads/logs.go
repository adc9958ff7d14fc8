package workloads

import (
	"bufio"
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/hubkit-dev/hubkit/hub"
)

// A LogReader reads the log of one container of a pod.
type LogReader interface {
	ReadLog(ctx context.Context, namespace, pod, container string, opts LogOptions) ([]string, error)
}

// LogReaderFunc adapts a function to a LogReader.
type LogReaderFunc func(ctx context.Context, namespace, pod, container string, opts LogOptions) ([]string, error)

// ReadLog calls fn.
func (fn LogReaderFunc) ReadLog(ctx context.Context, namespace, pod, container string, opts LogOptions) ([]string, error) {
	return fn(ctx, namespace, pod, container, opts)
}

// LogOptions choose which lines to read.
type LogOptions struct {
	// TailLines keeps only the last lines; 0 means all.
	TailLines int64
	// Container reads one container; empty reads them all.
	Container string
}

// A LogOption sets a LogOptions field.
type LogOption func(*LogOptions)

// TailLines keeps only the last n lines of each container.
func TailLines(n int64) LogOption { return func(o *LogOptions) { o.TailLines = n } }

// Container reads only the container called name.
func Container(name string) LogOption { return func(o *LogOptions) { o.Container = name } }

// PodLogs are the log lines of one container of one pod. Err says why they
// could not be read, when they could not (a container not started yet, a
// node that does not serve logs); the other pods' logs are still returned.
type PodLogs struct {
	Pod       string
	Container string
	Lines     []string
	Err       error
}

// Logs returns the logs of every container of the pods sel selects in the
// client's namespace, sorted by pod. Without a way to read logs it returns
// ErrLogsUnavailable.
func (c *Client) Logs(ctx context.Context, sel labels.Selector, opts ...LogOption) ([]PodLogs, error) {
	if c.logs == nil {
		return nil, ErrLogsUnavailable
	}
	var o LogOptions
	for _, opt := range opts {
		opt(&o)
	}
	pods, err := hub.For[*corev1.Pod](c.hub).List(ctx, hub.MatchingSelector(sel))
	if err != nil {
		return nil, fmt.Errorf("finding the pods to read logs from: %w", err)
	}
	var out []PodLogs
	for _, pod := range pods.Items {
		for _, container := range pod.Spec.Containers {
			if o.Container != "" && container.Name != o.Container {
				continue
			}
			lines, err := c.logs.ReadLog(ctx, pod.Namespace, pod.Name, container.Name, o)
			out = append(out, PodLogs{Pod: pod.Name, Container: container.Name, Lines: lines, Err: err})
		}
	}
	return out, nil
}

// apiLogReader reads logs from the API server, which asks the pod's node.
type apiLogReader struct {
	clientset kubernetes.Interface
}

// newAPILogReader returns a LogReader over cfg, or nil when cfg is nil.
func newAPILogReader(cfg *rest.Config) LogReader {
	if cfg == nil {
		return nil
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil
	}
	return &apiLogReader{clientset: cs}
}

func (r *apiLogReader) ReadLog(ctx context.Context, namespace, pod, container string, opts LogOptions) ([]string, error) {
	podOpts := &corev1.PodLogOptions{Container: container}
	if opts.TailLines > 0 {
		podOpts.TailLines = &opts.TailLines
	}
	stream, err := r.clientset.CoreV1().Pods(namespace).GetLogs(pod, podOpts).Stream(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the log of %s/%s container %s: %w", namespace, pod, container, err)
	}
	defer func() { _ = stream.Close() }()
	return readLines(stream)
}

func readLines(r io.Reader) ([]string, error) {
	var lines []string
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
	}
	if err := scanner.Err(); err != nil {
		return lines, fmt.Errorf("reading a log: %w", err)
	}
	return lines, nil
}
