package secrets

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
)

// Domain is the secrets domain's registry entry: it has no API types of its
// own; it serves Secrets (as the resource manager's k8s_secret, their
// values masked) and has demo data (two secrets the resource manager's
// filter selects).
var Domain = hub.Domain{
	Name:  "secrets",
	Kinds: []hub.Kind{{ID: "k8s_secret", Title: "Secrets", Object: &corev1.Secret{}, SecretFields: []string{"data", "stringData"}}},
	Demo:  demoObjects,
}

func demoObjects(namespace string) []client.Object {
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: map[string]string{hub.ManagedByLabel: hub.DefaultManagedBy}}
	}
	return []client.Object{
		&corev1.Secret{ObjectMeta: meta("warehouse-credentials"), Type: corev1.SecretTypeOpaque,
			Data: map[string][]byte{"username": []byte("analyst"), "password": []byte("demo-password-not-real")}},
		&corev1.Secret{ObjectMeta: meta("api-token"), Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"token": []byte("demo-token-123")}},
	}
}
