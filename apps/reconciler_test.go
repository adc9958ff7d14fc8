package apps_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/apps"
	"github.com/hubkit-dev/hubkit/apps/squonkv2"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

var notebookSettings = apps.NotebookSettings{IngressDomain: "dm.example", IngressTLSSecret: "dm-tls", NodeSelector: map[string]string{}}

func notebook() *squonkv2.JupyterNotebook {
	uid, gid := int64(2000), int64(200)
	return &squonkv2.JupyterNotebook{
		ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "team-a"},
		Spec: squonkv2.JupyterNotebookSpec{DataManager: &squonkv2.DataManager{
			Image:           "jupyter/scipy-notebook:2024-01-15",
			SecurityContext: &squonkv2.SecurityContext{RunAsUser: &uid, RunAsGroup: &gid},
			Project:         &squonkv2.Project{ClaimName: "project-claim", ID: "project-123"},
			Labels:          []string{apps.InstanceLabel("lab"), "data-manager.informaticsmatters.com/owner=alice", "malformed"},
		}},
	}
}

// newNotebookFake is a fake cluster with team-a and the notebook CRD, and
// a NotebookReconciler over it.
func newNotebookFake(t *testing.T, objs ...client.Object) (*hubtest.Fake, *apps.NotebookReconciler) {
	t.Helper()
	scheme, err := hub.NewScheme(squonkv2.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	f := hubtest.NewFake(t, hubtest.WithScheme(scheme), hubtest.WithCRDs(squonkv2.CRDs()...),
		hubtest.WithObjects(append([]client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}}, objs...)...))
	r, err := apps.NewNotebookReconciler(f.Hub(), notebookSettings)
	if err != nil {
		t.Fatal(err)
	}
	return f, r
}

// TestNotebookRendersWhatTheOperatorDoes: the objects a notebook gets
// (golden), its URL with its token in status.jupyter, and the token kept
// from the configuration ConfigMap across reconciles.
func TestNotebookRendersWhatTheOperatorDoes(t *testing.T) {
	// The token of an earlier attempt, as the operator left it.
	earlier := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "config-lab", Namespace: "team-a"},
		Data: map[string]string{"jupyter_notebook_config.json": `{"ServerApp": {"token": "Tok3nFromBefore0", "base_url": "lab", "ip": "0.0.0.0"}}`}}
	f, r := newNotebookFake(t, earlier)
	if err := f.Client().Create(t.Context(), notebook()); err != nil {
		t.Fatal(err)
	}
	key := client.ObjectKey{Namespace: "team-a", Name: "lab"}
	for range 2 {
		if _, err := r.Reconcile(t.Context(), key); err != nil {
			t.Fatal(err)
		}
	}
	got := &squonkv2.JupyterNotebook{}
	if err := f.Client().Get(t.Context(), key, got); err != nil {
		t.Fatal(err)
	}
	want := &squonkv2.NotebookStatus{URL: "https://dm.example/lab?token=Tok3nFromBefore0", Token: "Tok3nFromBefore0", Interface: "lab"}
	if got.Status.Jupyter == nil || !cmp.Equal(want, got.Status.Jupyter.Notebook) {
		t.Fatalf("status.jupyter = %+v, want the notebook %+v", got.Status.Jupyter, want)
	}
	objects := []client.Object{&corev1.ConfigMap{}, &corev1.ConfigMap{}, &corev1.ConfigMap{}, &appsv1.Deployment{}, &corev1.Service{}, &networkingv1.Ingress{}}
	names := []string{"config-lab", "bp-lab", "startup-lab", "lab", "lab", "lab"}
	for i, obj := range objects {
		if err := f.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: names[i]}, obj); err != nil {
			t.Fatalf("%T %s: %v", obj, names[i], err)
		}
		if refs := obj.GetOwnerReferences(); len(refs) != 1 || refs[0].Name != "lab" {
			t.Errorf("%T %s owners %v: want the notebook, so that they go with it", obj, names[i], refs)
		}
	}
	hubtest.ExpectGolden(t, "notebook-lab", append([]client.Object{got}, objects...)...)
	deploy, _ := objects[3].(*appsv1.Deployment)
	pod := deploy.Spec.Template
	if pod.Labels[apps.LabelInstance] != "lab" || *pod.Spec.SecurityContext.FSGroup != 100 || pod.Spec.Containers[0].VolumeMounts[3].SubPath != "project-123" {
		t.Errorf("pod labels %v, fsGroup %d, project mount %+v: want the instance label, fsGroup 100, the project id as sub path",
			pod.Labels, *pod.Spec.SecurityContext.FSGroup, pod.Spec.Containers[0].VolumeMounts[3])
	}
}

// TestNotebookTokenIsMadeOnce: without an earlier ConfigMap the token is
// made, 16 letters and digits, and kept by the next reconcile.
func TestNotebookTokenIsMadeOnce(t *testing.T) {
	f, r := newNotebookFake(t)
	if err := f.Client().Create(t.Context(), notebook()); err != nil {
		t.Fatal(err)
	}
	key := client.ObjectKey{Namespace: "team-a", Name: "lab"}
	token := func() string {
		t.Helper()
		if _, err := r.Reconcile(t.Context(), key); err != nil {
			t.Fatal(err)
		}
		nb := &squonkv2.JupyterNotebook{}
		if err := f.Client().Get(t.Context(), key, nb); err != nil || nb.Status.Jupyter == nil {
			t.Fatalf("the notebook: %v, status %+v", err, nb.Status)
		}
		return nb.Status.Jupyter.Notebook.Token
	}
	first, second := token(), token()
	if len(first) != 16 || strings.Trim(first, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" || first != second {
		t.Errorf("tokens %q then %q: want 16 letters and digits, kept", first, second)
	}
}
