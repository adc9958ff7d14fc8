//go:build e2e

package e2e

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/workloads"
	"github.com/hubkit-dev/hubkit/secrets"
	"github.com/hubkit-dev/hubkit/storage"
)

// e2eStorageClass has no provisioner on the kwok cluster, so its claims
// stay Pending: enough to list them and to mount them.
const e2eStorageClass = "hubkit-e2e"

func TestStorage(t *testing.T) {
	f := inOwnNamespace("storage claims").
		Setup(func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			class := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: e2eStorageClass}, Provisioner: "hubkit.dev/none"}
			if err := hub.For[*storagev1.StorageClass](mustAdmin(t, cfg, "")).Apply(ctx, class, hub.ForceOwnership()); err != nil {
				t.Fatal(err)
			}
			return ctx
		}).
		Assess("a created claim is listed", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			claims := storage.NewClient(mustAdmin(t, cfg, namespaceOf(ctx)), storage.WithStorageClasses(e2eStorageClass))
			if _, err := claims.Create(ctx, storage.NewClaim("datasets", storage.Gi(3), storage.WithStorageClass(e2eStorageClass))); err != nil {
				t.Fatal(err)
			}
			list, err := claims.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Name != "datasets" || list[0].SizeGi != 3 || list[0].StorageClass != e2eStorageClass || list[0].Phase != corev1.ClaimPending {
				t.Errorf("List = %+v; want the Pending 3Gi claim", list)
			}
			if _, err := claims.Create(ctx, storage.NewClaim("other", storage.Gi(1), storage.WithStorageClass("no-such-class"))); !hub.IsInvalid(err) {
				t.Errorf("a claim of a class outside the allow-list = %v, want Invalid", err)
			}
			return ctx
		}).
		Assess("a mounted claim is not deleted", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			admin := mustAdmin(t, cfg, namespaceOf(ctx))
			claims := storage.NewClient(admin)
			pod := &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "notebook"},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "jupyter", Image: "jupyter/base-notebook"}},
					Volumes:    []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "datasets"}}}},
				},
			}
			if err := hub.For[*corev1.Pod](admin).Create(ctx, pod); err != nil {
				t.Fatal(err)
			}
			err := claims.Delete(ctx, "datasets")
			inUse, ok := errors.AsType[*storage.InUseError](err)
			if !ok || !slices.Equal(inUse.Pods, []string{"notebook"}) {
				t.Fatalf("deleting a mounted claim = %v, want an InUseError naming the pod", err)
			}
			if _, err := claims.Get(ctx, "datasets"); err != nil {
				t.Errorf("the refused claim is gone: %v", err)
			}
			if err := claims.Delete(ctx, "datasets", storage.Force()); err != nil {
				t.Errorf("a forced delete: %v", err)
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

func TestSecrets(t *testing.T) {
	f := inOwnNamespace("secrets").
		Assess("a secret is created, listed masked and decoded", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			admin := mustAdmin(t, cfg, namespaceOf(ctx))
			filter, err := secrets.ParseFilter(secrets.FilterSpec{Labels: "app.kubernetes.io/managed-by=krm"})
			if err != nil {
				t.Fatal(err)
			}
			c := secrets.NewClient(admin, secrets.WithFilter(filter))
			if _, err := c.Create(ctx, secrets.NewSecret("warehouse", secrets.KV("user", "analyst"), secrets.KV("password", "hunter2"))); err != nil {
				t.Fatal(err)
			}
			unmanaged := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "unmanaged"}, StringData: map[string]string{"k": "v"}}
			if err := hub.For[*corev1.Secret](admin).Create(ctx, unmanaged); err != nil {
				t.Fatal(err)
			}
			list, err := c.List(ctx)
			if err != nil || len(list) != 1 || list[0].Name != "warehouse" || len(list[0].Keys) != 2 {
				t.Fatalf("List = %+v, %v; want the one managed secret with 2 keys", list, err)
			}
			details, err := c.Get(ctx, "warehouse")
			if err != nil || details.Masked()["password"] != secrets.Mask {
				t.Errorf("Get = %+v, %v; want masked values", details, err)
			}
			v, err := c.Decode(ctx, "warehouse", "password")
			if err != nil || v.Reveal() != "hunter2" {
				t.Errorf("Decode: %v (the value does not match)", err)
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

func TestWorkloadsThroughSelectors(t *testing.T) {
	env := map[string]string{
		"K8S_SELECTOR_SERVICE":    "app.kubernetes.io/managed-by=postgrest-operator|nuclio.io/class=function",
		"K8S_SELECTOR_DEPLOYMENT": "app.kubernetes.io/type=workspace,app.kubernetes.io/managed-by=dhcore",
		"K8S_SELECTOR_JOB":        "app.kubernetes.io/managed-by=dhcore",
	}
	f := inOwnNamespace("workloads through relevance selectors").
		Assess("services and deployments are filtered", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			admin := mustAdmin(t, cfg, namespaceOf(ctx))
			for name, labels := range map[string]map[string]string{
				"postgrest": {"app.kubernetes.io/managed-by": "postgrest-operator"},
				"function":  {"nuclio.io/class": "function"},
				"internal":  {"app": "internal"},
			} {
				svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.ServiceSpec{
					Selector: map[string]string{"app": name}, Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}},
				}}
				if err := hub.For[*corev1.Service](admin).Create(ctx, svc); err != nil {
					t.Fatal(err)
				}
			}
			for name, labels := range map[string]map[string]string{
				"workspace": {"app.kubernetes.io/type": "workspace", "app.kubernetes.io/managed-by": "dhcore"},
				"helper":    {"app.kubernetes.io/type": "workspace"},
			} {
				sel := map[string]string{"app": name}
				d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: appsv1.DeploymentSpec{
					Selector: &metav1.LabelSelector{MatchLabels: sel},
					Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: sel}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "i"}}}},
				}}
				if err := hub.For[*appsv1.Deployment](admin).Create(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			opts, err := hub.SelectorsFromEnv(func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			rc := admin.RESTConfig()
			c, err := hub.New(rc, append(opts, hub.WithNamespace(namespaceOf(ctx)))...)
			if err != nil {
				t.Fatal(err)
			}
			w := workloads.NewClient(c)
			services, err := w.Services(ctx)
			if err != nil {
				t.Fatal(err)
			}
			names := make([]string, 0, len(services))
			for _, s := range services {
				names = append(names, s.Name)
				if s.Ports[0].TargetPort != "8080" || s.ClusterIP == "" {
					t.Errorf("service %s: %+v; want its target port and a cluster IP", s.Name, s)
				}
			}
			if !slices.Equal(names, []string{"function", "postgrest"}) {
				t.Errorf("Services = %q, want the two the selector selects", names)
			}
			var available workloads.DeploymentInfo
			eventually(ctx, t, "the workspace deployment is available", 2*time.Minute, func(ctx context.Context) (bool, error) {
				list, err := w.Deployments(ctx)
				if err != nil || len(list) != 1 {
					return false, err
				}
				available = list[0]
				return available.Available == 1, nil
			})
			if available.Name != "workspace" {
				t.Errorf("Deployments = %+v, want only the workspace", available)
			}
			return ctx
		}).
		Assess("a job's status", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			admin := mustAdmin(t, cfg, namespaceOf(ctx))
			job := &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "train", Labels: map[string]string{"app.kubernetes.io/managed-by": "dhcore"}},
				Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "main", Image: "trainer"}},
				}}},
			}
			if err := hub.For[*batchv1.Job](admin).Create(ctx, job); err != nil {
				t.Fatal(err)
			}
			opts, err := hub.SelectorsFromEnv(func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			c, err := hub.New(admin.RESTConfig(), append(opts, hub.WithNamespace(namespaceOf(ctx)))...)
			if err != nil {
				t.Fatal(err)
			}
			w := workloads.NewClient(c)
			var info workloads.JobInfo
			eventually(ctx, t, "the job has started", time.Minute, func(ctx context.Context) (bool, error) {
				info, err = w.Job(ctx, "train")
				return err == nil && info.StartTime != nil, err
			})
			if info.Phase != workloads.JobRunning && info.Phase != workloads.JobComplete {
				t.Errorf("a started job's phase is %s", info.Phase)
			}
			if err := w.DeleteJob(ctx, "train"); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Job(ctx, "train"); !hub.IsNotFound(err) {
				eventually(ctx, t, "the job is gone", time.Minute, func(ctx context.Context) (bool, error) {
					_, err := w.Job(ctx, "train")
					return hub.IsNotFound(err), nil
				})
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}
