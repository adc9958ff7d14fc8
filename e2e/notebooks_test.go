//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/hubkit-dev/hubkit/apps"
	"github.com/hubkit-dev/hubkit/apps/squonkv2"
	"github.com/hubkit-dev/hubkit/hub"
)

// TestNotebooks runs a JupyterNotebook on the real cluster: its CRD marked
// as an application of the feature's namespace, the notebook reconciler
// renders its objects, its Deployment becomes Available on kwok, its URL
// with its token is in status.jupyter.notebook.url, and the application
// contract's helpers find the kind by its CRD's annotations and read the
// same URL.
func TestNotebooks(t *testing.T) {
	f := inOwnNamespace("notebooks on the real cluster").
		Assess("a notebook runs, and the contract finds it", assessNotebooks).Feature()
	testenv.Test(t, f)
}

func assessNotebooks(ctx context.Context, t *testing.T, cfg *envconf.Config) context.Context {
	ns := namespaceOf(ctx)
	scheme, err := hub.NewScheme(squonkv2.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	crd := squonkv2.CRDs()[0]
	if err := apps.MarkApplication(crd, []string{ns}, "jupyter.notebook.url"); err != nil {
		t.Fatal(err)
	}
	if err := installCRDs(ctx, cfg, crd); err != nil {
		t.Fatal(err)
	}
	settings := apps.NotebookSettings{IngressDomain: "dm.hubkit.test", NodeSelector: map[string]string{}}
	c := runManager(ctx, t, cfg, scheme, "notebook-operator", func(c *hub.Client, mgr manager.Manager) error {
		r, err := apps.NewNotebookReconciler(c, settings)
		if err != nil {
			return err
		}
		return r.SetupWithManager(mgr)
	})
	crds := hub.For[*apiextensionsv1.CustomResourceDefinition](c)
	t.Cleanup(func() { _ = crds.Delete(context.WithoutCancel(ctx), "jupyternotebooks.squonk.it") })

	nb := &squonkv2.JupyterNotebook{ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: ns},
		Spec: squonkv2.JupyterNotebookSpec{DataManager: &squonkv2.DataManager{Labels: []string{apps.InstanceLabel("lab")}}}}
	if err := c.Kube().Create(ctx, nb); err != nil {
		t.Fatal(err)
	}
	var url string
	eventually(ctx, t, "the notebook's URL is in its status", 2*time.Minute, func(ctx context.Context) (bool, error) {
		got := &squonkv2.JupyterNotebook{}
		if err := c.Kube().Get(ctx, client.ObjectKeyFromObject(nb), got); err != nil {
			return false, err
		}
		if got.Status.Jupyter != nil && got.Status.Jupyter.Notebook != nil {
			url = got.Status.Jupyter.Notebook.URL
		}
		return url != "", nil
	})
	token := url[strings.LastIndex(url, "=")+1:]
	if want := "http://dm.hubkit.test/lab?token=" + token; url != want || len(token) != 16 {
		t.Errorf("the notebook's URL %q, want %q with a token of 16 characters", url, want)
	}
	eventually(ctx, t, "the notebook's Deployment is Available", 2*time.Minute, func(ctx context.Context) (bool, error) {
		d, err := hub.For[*appsv1.Deployment](c).Get(ctx, "lab")
		if err != nil {
			return false, client.IgnoreNotFound(err)
		}
		return d.Status.AvailableReplicas == 1 && d.Spec.Template.Labels[apps.LabelInstance] == "lab", nil
	})

	kinds, err := apps.ApplicationKinds(ctx, c, ns)
	if err != nil || len(kinds) != 1 || kinds[0].CRD != "jupyternotebooks.squonk.it" {
		t.Fatalf("application kinds in %s: %+v, %v; want the notebooks", ns, kinds, err)
	}
	if others, _ := apps.ApplicationKinds(ctx, c, "default"); len(others) != 0 {
		t.Errorf("application kinds in default: %+v, want none: the CRD names %s only", others, ns)
	}
	instance := &unstructured.Unstructured{}
	instance.SetGroupVersionKind(kinds[0].GroupVersionKind)
	if err := c.Kube().Get(ctx, client.ObjectKeyFromObject(nb), instance); err != nil {
		t.Fatal(err)
	}
	if got, err := apps.InstanceURL(kinds[0], instance); err != nil || got != url {
		t.Errorf("InstanceURL = %q, %v; want %q", got, err, url)
	}
	if errs := apps.ValidateApplicationCRD(mustGetCRD(ctx, t, crds)); len(errs) > 0 {
		t.Errorf("the notebook CRD as served: %v", errs)
	}
	return ctx
}

func mustGetCRD(ctx context.Context, t *testing.T, crds *hub.Resource[*apiextensionsv1.CustomResourceDefinition]) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	crd, err := crds.Get(ctx, "jupyternotebooks.squonk.it")
	if err != nil {
		t.Fatal(err)
	}
	return crd
}
