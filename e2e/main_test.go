//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/e2e-framework/klient/conf"
	"sigs.k8s.io/e2e-framework/pkg/env"
	"sigs.k8s.io/e2e-framework/pkg/envconf"
	"sigs.k8s.io/e2e-framework/pkg/envfuncs"
	"sigs.k8s.io/e2e-framework/pkg/features"
	"sigs.k8s.io/e2e-framework/support"
	"sigs.k8s.io/e2e-framework/support/kind"
	"sigs.k8s.io/e2e-framework/support/kwok"

	"github.com/hubkit-dev/hubkit/hub"
)

var (
	testenv env.Environment
	// featureFailed records whether any feature failed, so that Finish
	// exports the cluster's logs.
	featureFailed atomic.Bool
)

// Environment variables that steer the suite.
const (
	envProvider = "E2E_PROVIDER" // kwok (default), kind or existing
	envKeep     = "E2E_KEEP"     // 1: keep the cluster after the run
	envBinDir   = "E2E_BIN_DIR"  // where the control-plane binaries are; default: the repository's bin/
)

// fakeNodeName is the kwok node that pods are scheduled to.
const fakeNodeName = "kwok-node-0"

func TestMain(m *testing.M) {
	cfg, err := envconf.NewFromFlags()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: reading flags: %v\n", err)
		os.Exit(2)
	}
	testenv = env.NewWithConfig(cfg)

	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		os.Exit(2)
	}
	output := filepath.Join(root, "_output", "e2e")
	clusterName := envconf.RandomName("hubkit-e2e", 16)
	keep := os.Getenv(envKeep) == "1"

	provider := os.Getenv(envProvider)
	if provider == "" {
		provider = "kwok"
	}
	var cluster support.E2EClusterProvider
	switch provider {
	case "kwok":
		binDir := os.Getenv(envBinDir)
		if binDir == "" {
			binDir = filepath.Join(root, "bin")
		}
		configPath, err := writeKwokctlConfig(output, binDir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
			os.Exit(2)
		}
		cluster = kwok.NewProvider()
		testenv.Setup(
			envfuncs.CreateClusterWithConfig(cluster, clusterName, configPath,
				kwok.WithPath(filepath.Join(binDir, "kwokctl")), kwok.WithWaitDuration(2*time.Minute)),
			registerFakeNode,
		)
	case "kind":
		cluster = kind.NewProvider()
		testenv.Setup(envfuncs.CreateCluster(cluster, clusterName))
	case "existing":
		cfg.WithKubeconfigFile(conf.ResolveKubeConfigFile())
	default:
		fmt.Fprintf(os.Stderr, "e2e: %s=%q: want kwok, kind or existing\n", envProvider, provider)
		os.Exit(2)
	}
	testenv.Setup(installHubkitCRDs, installGatewayAPICRDs)
	testenv.AfterEachFeature(func(ctx context.Context, _ *envconf.Config, t *testing.T, _ features.Feature) (context.Context, error) {
		if t.Failed() {
			featureFailed.Store(true)
		}
		return ctx, nil
	})
	if cluster != nil {
		testenv.Finish(func(ctx context.Context, cfg *envconf.Config) (context.Context, error) {
			if !featureFailed.Load() {
				return ctx, nil
			}
			dest := filepath.Join(output, "logs", clusterName)
			if err := os.MkdirAll(dest, 0o755); err != nil {
				return ctx, err
			}
			fmt.Fprintf(os.Stderr, "e2e: a feature failed; exporting the cluster's logs to %s\n", dest)
			return envfuncs.ExportClusterLogs(clusterName, dest)(ctx, cfg)
		})
		if keep {
			testenv.Finish(func(ctx context.Context, cfg *envconf.Config) (context.Context, error) {
				fmt.Fprintf(os.Stderr, "e2e: %s=1: keeping cluster %s; kubeconfig: %s\n", envKeep, clusterName, cfg.KubeconfigFile())
				return ctx, nil
			})
		} else {
			testenv.Finish(envfuncs.DestroyCluster(clusterName))
		}
	}
	os.Exit(testenv.Run(m))
}

// writeKwokctlConfig writes the kwokctl configuration that runs the control
// plane from the local binaries, as plain absolute paths (kwokctl does not
// understand file:// URLs), and returns its path.
func writeKwokctlConfig(dir, binDir string) (string, error) {
	binary := func(name string) (string, error) {
		path := filepath.Join(binDir, name)
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("the %s binary is missing (run `make tools`, or set %s): %w", name, envBinDir, err)
		}
		return path, nil
	}
	var lines []string
	for _, b := range []struct{ field, name string }{
		{"kubeApiserverBinary", "kube-apiserver"},
		{"kubeControllerManagerBinary", "kube-controller-manager"},
		{"kubeSchedulerBinary", "kube-scheduler"},
		{"etcdBinary", "etcd"},
		{"kwokControllerBinary", "kwok"},
	} {
		path, err := binary(b.name)
		if err != nil {
			return "", err
		}
		lines = append(lines, fmt.Sprintf("  %s: %q", b.field, path))
	}
	version, err := os.ReadFile(filepath.Join(binDir, ".stamps", "kube-apiserver"))
	if err != nil {
		return "", fmt.Errorf("reading the version stamp of kube-apiserver (run `make tools`): %w", err)
	}
	_, kubeVersion, _ := strings.Cut(strings.TrimSpace(string(version)), "@")
	config := "apiVersion: config.kwok.x-k8s.io/v1alpha1\n" +
		"kind: KwokctlConfiguration\n" +
		"options:\n" +
		"  runtime: binary\n" +
		fmt.Sprintf("  kubeVersion: %q\n", kubeVersion) +
		strings.Join(lines, "\n") + "\n"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "kwokctl.yaml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// registerFakeNode registers the node kwok simulates, so that the scheduler
// places pods on it and kwok runs them, and waits until it is Ready.
func registerFakeNode(ctx context.Context, cfg *envconf.Config) (context.Context, error) {
	c, err := adminClient(cfg, "")
	if err != nil {
		return ctx, err
	}
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        fakeNodeName,
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake"},
			Labels:      map[string]string{"type": "kwok", "kubernetes.io/hostname": fakeNodeName, "kubernetes.io/os": "linux"},
		},
		Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity},
	}
	nodes := hub.For[*corev1.Node](c)
	if err := nodes.Create(ctx, node); err != nil && !hub.IsAlreadyExists(err) {
		return ctx, fmt.Errorf("registering the fake node: %w", err)
	}
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		got, err := nodes.Get(ctx, fakeNodeName)
		if err != nil {
			return false, err
		}
		for _, cond := range got.Status.Conditions {
			if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return ctx, fmt.Errorf("waiting for the fake node to be Ready (is the kwok controller running?): %w", err)
	}
	return ctx, nil
}

// adminClient returns a Hubkit client with the suite's own credentials, in
// namespace (or the default one when it is empty).
func adminClient(cfg *envconf.Config, namespace string) (*hub.Client, error) {
	kc, err := cfg.NewClient()
	if err != nil {
		return nil, fmt.Errorf("e2e: connecting to the cluster: %w", err)
	}
	rc := rest.CopyConfig(kc.RESTConfig())
	// client-go's default of 5 requests a second would make the suite wait
	// on its own rate limiter.
	rc.QPS, rc.Burst = 50, 100
	opts := []hub.Option{hub.WithFieldOwner("hubkit-e2e")}
	if namespace != "" {
		opts = append(opts, hub.WithNamespace(namespace))
	}
	c, err := hub.New(rc, opts...)
	if err != nil {
		return nil, fmt.Errorf("e2e: making the admin client: %w", err)
	}
	return c, nil
}
