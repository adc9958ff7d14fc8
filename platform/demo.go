package platform

import (
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// DemoNamespace is the namespace DemoObjects fill.
const DemoNamespace = "demo"

// DemoObjects returns a small platform to look at: the namespaces
// DemoNamespace and team-b, and every domain's demo objects in
// DemoNamespace (storage classes, claims, secrets, services, deployments,
// a job, a quota, a database with a user, a bucket with a policy and a
// user). Every object carries the labels DigitalHub's selectors look for,
// and every custom resource the created-by label (crs.CreatedByLabel) the
// resource manager puts on what it creates, so that a client scoped by it
// sees them.
func DemoObjects() []client.Object {
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: DemoNamespace}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-b"}},
	}
	for _, d := range domains {
		if d.Demo == nil {
			continue
		}
		for _, obj := range d.Demo(DemoNamespace) {
			if d.CRDs != nil && d.AddToScheme != nil && isOwnKind(d, obj) {
				labels := obj.GetLabels()
				if labels == nil {
					labels = map[string]string{}
				}
				labels[crs.CreatedByLabel] = crs.DefaultCreatedBy
				obj.SetLabels(labels)
			}
			objs = append(objs, obj)
		}
	}
	return objs
}

// isOwnKind tells whether obj is of a kind d's CRDs define.
func isOwnKind(d hub.Domain, obj client.Object) bool {
	scheme, err := NewScheme()
	if err != nil {
		return false
	}
	gvk, err := hub.GroupVersionKindOf(scheme, obj)
	if err != nil {
		return false
	}
	for _, crd := range d.CRDs() {
		if crd.Spec.Group == gvk.Group && crd.Spec.Names.Kind == gvk.Kind {
			return true
		}
	}
	return false
}

// DemoCRDs returns the CRDs among DemoObjects: kinds a demo cluster serves
// beyond the domains' own (a CRD without a schema of its own, to show
// custom schemas).
func DemoCRDs() []*apiextensionsv1.CustomResourceDefinition {
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, obj := range DemoObjects() {
		if crd, ok := obj.(*apiextensionsv1.CustomResourceDefinition); ok {
			crds = append(crds, crd)
		}
	}
	return crds
}
