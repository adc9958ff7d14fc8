//go:build e2e

package e2e

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/hub"
)

// TestDeploymentBecomesAvailable needs the whole control plane: the
// controller manager makes a ReplicaSet and a Pod, the scheduler binds the
// Pod to the kwok node, kwok runs it, and the Deployment reports Available.
func TestDeploymentBecomesAvailable(t *testing.T) {
	f := inOwnNamespace("a Deployment becomes Available").
		Assess("its Available condition turns True and its replicas are ready", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			c := mustAdmin(t, cfg, namespaceOf(ctx))
			labels := map[string]string{"app": "notebook"}
			deployments := hub.For[*appsv1.Deployment](c)
			err := deployments.Create(ctx, &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "notebook"},
				Spec: appsv1.DeploymentSpec{
					Replicas: ptr.To[int32](2),
					Selector: &metav1.LabelSelector{MatchLabels: labels},
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: labels},
						Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "notebook", Image: "jupyter/base-notebook:2026.01"}}},
					},
				},
			})
			if err != nil {
				t.Fatalf("creating the Deployment: %v", err)
			}
			var got *appsv1.Deployment
			eventually(ctx, t, "the Deployment is Available", 2*time.Minute, func(ctx context.Context) (bool, error) {
				got, err = deployments.Get(ctx, "notebook")
				if err != nil {
					return false, err
				}
				return deploymentAvailable(got), nil
			})
			if got.Status.ReadyReplicas != 2 || got.Status.AvailableReplicas != 2 {
				t.Errorf("ready %d, available %d replicas; want 2 and 2", got.Status.ReadyReplicas, got.Status.AvailableReplicas)
			}
			pods, err := hub.For[*corev1.Pod](c).List(ctx, hub.MatchingLabels(labels))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pods.Items {
				if p.Spec.NodeName != fakeNodeName || p.Status.Phase != corev1.PodRunning {
					t.Errorf("pod %s: node %q phase %s; want it running on %s", p.Name, p.Spec.NodeName, p.Status.Phase, fakeNodeName)
				}
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

func deploymentAvailable(d *appsv1.Deployment) bool {
	for _, cond := range d.Status.Conditions {
		if cond.Type == appsv1.DeploymentAvailable {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}

// TestGarbageCollection checks the controller manager's garbage collector
// and namespace controller: deleting an owner removes its dependents, and a
// namespace deletion completes.
func TestGarbageCollection(t *testing.T) {
	f := inOwnNamespace("garbage collection").
		Assess("deleting an owner removes its dependents", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			c := mustAdmin(t, cfg, namespaceOf(ctx))
			configMaps := hub.For[*corev1.ConfigMap](c)
			owner := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner"}}
			if err := configMaps.Create(ctx, owner); err != nil {
				t.Fatal(err)
			}
			child := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
				Name: "child",
				OwnerReferences: []metav1.OwnerReference{{
					APIVersion: "v1", Kind: "ConfigMap", Name: owner.Name, UID: owner.UID,
					Controller: new(true), BlockOwnerDeletion: new(true),
				}},
			}}
			if err := configMaps.Create(ctx, child); err != nil {
				t.Fatal(err)
			}
			if err := configMaps.Delete(ctx, "owner", hub.Propagation(metav1.DeletePropagationBackground), hub.IfUID(owner.UID)); err != nil {
				t.Fatalf("deleting the owner: %v", err)
			}
			eventually(ctx, t, "the dependent is garbage-collected", time.Minute, func(ctx context.Context) (bool, error) {
				_, err := configMaps.Get(ctx, "child")
				if hub.IsNotFound(err) {
					return true, nil
				}
				return false, err
			})
			return ctx
		}).
		Assess("a namespace deletion completes", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			c := mustAdmin(t, cfg, "")
			name := envconf.RandomName("doomed", 12)
			namespaces := hub.For[*corev1.Namespace](c)
			if err := namespaces.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
				t.Fatal(err)
			}
			if err := hub.For[*corev1.ConfigMap](c).InNamespace(name).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "content"}}); err != nil {
				t.Fatal(err)
			}
			if err := namespaces.Delete(ctx, name); err != nil {
				t.Fatal(err)
			}
			eventually(ctx, t, "the namespace is gone", 2*time.Minute, func(ctx context.Context) (bool, error) {
				_, err := namespaces.Get(ctx, name)
				if hub.IsNotFound(err) {
					return true, nil
				}
				return false, err
			})
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

// TestCustomResourceSchema checks that the API server rejects a custom
// resource that violates its CRD's schema, with field paths in the error.
func TestCustomResourceSchema(t *testing.T) {
	widgetKind := schema.GroupVersionKind{Group: "e2e.hubkit.dev", Version: "v1", Kind: "Widget"}
	f := inOwnNamespace("custom resource schema validation").
		Setup(func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			crd, err := crdFromFile("testdata/widget-crd.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if err := installCRDs(ctx, cfg, crd); err != nil {
				t.Fatal(err)
			}
			return ctx
		}).
		Assess("an invalid Widget is rejected with the paths of its bad fields", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			widgets := hub.For[*unstructured.Unstructured](mustAdmin(t, cfg, namespaceOf(ctx)), hub.OfKind(widgetKind))
			bad := &unstructured.Unstructured{Object: map[string]any{
				"metadata": map[string]any{"name": "bad"},
				"spec":     map[string]any{"size": "huge", "replicas": "three", "owner": "Not_A_Name"},
			}}
			err := widgets.Create(ctx, bad)
			if !hub.IsInvalid(err) {
				t.Fatalf("creating an invalid Widget = %v, want Invalid", err)
			}
			var status apierrors.APIStatus
			if !errors.As(err, &status) || status.Status().Details == nil {
				t.Fatalf("the Invalid error carries no details: %v", err)
			}
			fields := make([]string, 0, len(status.Status().Details.Causes))
			for _, cause := range status.Status().Details.Causes {
				fields = append(fields, cause.Field)
			}
			for _, want := range []string{"spec.size", "spec.replicas", "spec.owner"} {
				if !slices.Contains(fields, want) {
					t.Errorf("the rejection names fields %q; want it to name %s", fields, want)
				}
			}
			return ctx
		}).
		Assess("a valid Widget is defaulted from its schema", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			widgets := hub.For[*unstructured.Unstructured](mustAdmin(t, cfg, namespaceOf(ctx)), hub.OfKind(widgetKind))
			good := &unstructured.Unstructured{Object: map[string]any{
				"metadata": map[string]any{"name": "good"},
				"spec":     map[string]any{"size": "small"},
			}}
			if err := widgets.Create(ctx, good); err != nil {
				t.Fatalf("creating a valid Widget: %v", err)
			}
			replicas, found, err := unstructured.NestedInt64(good.Object, "spec", "replicas")
			if err != nil || !found || replicas != 1 {
				t.Errorf("spec.replicas = %d (found %v, %v); want the schema's default 1", replicas, found, err)
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

// TestImpersonation checks that a client made by As is subject to the API
// server's RBAC for that user.
func TestImpersonation(t *testing.T) {
	const user = "viewer@e2e.hubkit.dev"
	f := inOwnNamespace("hub.Client.As follows RBAC").
		Assess("a user without RBAC is Forbidden, and allowed after a RoleBinding", func(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
			admin := mustAdmin(t, cfg, namespaceOf(ctx))
			viewer, err := admin.As(user)
			if err != nil {
				t.Fatal(err)
			}
			if err := hub.For[*corev1.ConfigMap](admin).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "visible"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := hub.For[*corev1.ConfigMap](viewer).List(ctx); !hub.IsForbidden(err) {
				t.Fatalf("listing as %s without RBAC = %v, want Forbidden", user, err)
			}

			role := &rbacv1.Role{
				ObjectMeta: metav1.ObjectMeta{Name: "configmap-viewer"},
				Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list"}}},
			}
			binding := &rbacv1.RoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "configmap-viewer"},
				Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name},
			}
			if err := hub.For[*rbacv1.Role](admin).Create(ctx, role); err != nil {
				t.Fatal(err)
			}
			if err := hub.For[*rbacv1.RoleBinding](admin).Create(ctx, binding); err != nil {
				t.Fatal(err)
			}
			var names []string
			eventually(ctx, t, "the RoleBinding lets the user list", 30*time.Second, func(ctx context.Context) (bool, error) {
				page, err := hub.For[*corev1.ConfigMap](viewer).List(ctx)
				if hub.IsForbidden(err) {
					return false, nil
				}
				names = names[:0]
				for _, cm := range page.Items {
					names = append(names, cm.Name)
				}
				return err == nil, err
			})
			if !slices.Contains(names, "visible") {
				t.Errorf("the user sees %q, want the ConfigMap %q among them", names, "visible")
			}
			if err := hub.For[*corev1.ConfigMap](viewer).Delete(ctx, "visible"); !hub.IsForbidden(err) {
				t.Errorf("deleting as a viewer = %v, want Forbidden: the Role grants get and list only", err)
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}
