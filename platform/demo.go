package platform

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// DemoNamespace is the namespace DemoObjects fill.
const DemoNamespace = "demo"

// DemoObjects returns a small platform to look at: the namespaces
// DemoNamespace and team-b, and every domain's demo objects in
// DemoNamespace (storage classes, claims, secrets, services, deployments,
// a job, a quota, a database with a user, a bucket with a policy and a
// user). Every object carries the labels DigitalHub's selectors look for.
func DemoObjects() []client.Object {
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: DemoNamespace}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-b"}},
	}
	for _, d := range domains {
		if d.Demo != nil {
			objs = append(objs, d.Demo(DemoNamespace)...)
		}
	}
	return objs
}
