package restapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/restapi"
	"github.com/hubkit-dev/hubkit/secrets"
)

// TestItemMasksEveryDeclaredSecretField masks, for every field a registered
// domain declares secret, an object of that kind holding a value there.
func TestItemMasksEveryDeclaredSecretField(t *testing.T) {
	declared := 0
	scheme, err := platform.NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range platform.Kinds() {
		gvk, err := hub.GroupVersionKindOf(scheme, kind.Object)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range kind.SecretFields {
			declared++
			t.Run(kind.ID+"/"+path, func(t *testing.T) {
				u := &unstructured.Unstructured{Object: map[string]any{}}
				u.SetGroupVersionKind(gvk)
				u.SetName("x")
				if err := unstructured.SetNestedField(u.Object, "plain-text-secret", strings.Split(path, ".")...); err != nil {
					t.Fatal(err)
				}
				m, err := restapi.Item(u)
				if err != nil {
					t.Fatal(err)
				}
				got, _, _ := unstructured.NestedString(m, strings.Split(path, ".")...)
				if got != secrets.Mask {
					t.Errorf("%s of a %s is %q, want it masked: its domain declares it secret", path, gvk.Kind, got)
				}
			})
		}
	}
	if declared == 0 {
		t.Fatal("no domain declares a secret field: the object store User's spec.secretKey is one")
	}
}

func TestItem(t *testing.T) {
	user := objectstore.NewUser("etl", "etl-job", secrets.Plain("plain-text-secret"), "datasets-rw").Build("demo")
	// A kind no domain declares secret fields for, with a field of the
	// name a secret field has elsewhere: kept, for masking is the
	// registry's word, not a guess by name.
	widget := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.dev/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w", "managedFields": []any{map[string]any{"manager": "x"}}},
		"spec":     map[string]any{"secretKey": "not-declared"},
	}}
	cases := map[string]struct {
		reason string
		obj    runtime.Object
		// at reads the field the case is about.
		at      []string
		want    any
		wantErr bool
	}{
		"TypedUser": {
			reason: "A typed User, whose type meta the client left empty, is masked: its kind comes from the platform's scheme.",
			obj:    user, at: []string{"spec", "secretKey"}, want: secrets.Mask,
		},
		"UnstructuredUser": {
			reason: "An unstructured User is masked by its own kind.",
			obj:    mustUnstructured(t, user), at: []string{"spec", "secretKey"}, want: secrets.Mask,
		},
		"UserOtherFieldsKept": {
			reason: "Only the declared field is masked.",
			obj:    user, at: []string{"spec", "accessKey"}, want: "etl-job",
		},
		"UndeclaredKept": {
			reason: "A field no domain declares secret is shown, whatever its name.",
			obj:    widget, at: []string{"spec", "secretKey"}, want: "not-declared",
		},
		"ID": {
			reason: "id is metadata.name.",
			obj:    widget, at: []string{"id"}, want: "w",
		},
		"NoManagedFields": {
			reason: "managedFields are left out.",
			obj:    widget, at: []string{"metadata", "managedFields"}, want: nil,
		},
		"SecretData": {
			reason: "Every value of a Secret is masked.",
			obj:    &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}, Data: map[string][]byte{"token": []byte("t0ken")}},
			at:     []string{"data", "token"}, want: secrets.Mask,
		},
		"SecretStringData": {
			reason: "A Secret's stringData (which the API server never returns) is masked as data is: keys kept, values masked.",
			obj:    &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}, StringData: map[string]string{"token": "t0ken"}},
			at:     []string{"stringData"}, want: map[string]any{"token": secrets.Mask},
		},
		"NoKind": {
			reason: "An object whose kind cannot be told is refused: its secret fields cannot be told either.",
			obj:    &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"secretKey": "x"}}}, wantErr: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := restapi.Item(tc.obj)
			if (err != nil) != tc.wantErr {
				t.Fatalf("\nReason: %s\nerror %v, want one: %t", tc.reason, err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			got, _, _ := unstructured.NestedFieldNoCopy(m, tc.at...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\n%s: -want, +got:\n%s", tc.reason, strings.Join(tc.at, "."), diff)
			}
		})
	}
	if user.Spec.SecretKey != "plain-text-secret" || widget.Object["metadata"].(map[string]any)["managedFields"] == nil {
		t.Error("Item changed the object it was given")
	}
}

func mustUnstructured(t *testing.T, obj runtime.Object) *unstructured.Unstructured {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(objectstore.GroupVersion.WithKind("User"))
	return u
}

// TestCustomResourceSecretKeysMasked checks that the object store User's
// spec.secretKey, which its domain declares secret, is masked in every
// answer that holds it: lists and details, JSON and YAML, and the answers to
// writes.
func TestCustomResourceSecretKeysMasked(t *testing.T) {
	srv := newTestServer(t)
	const users = "/api/users.minio.scc-digitalhub.github.io"
	yamlAccept := http.Header{"Accept": {"application/x-yaml"}}
	newUser := `{"metadata":{"name":"reporter"},"spec":{"accessKey":"reporter","secretKey":"created-secret-key","policies":["datasets-rw"]}}`
	cases := map[string]struct {
		reason string
		method string
		path   string
		body   string
		header http.Header
		// secretKey reads the user's spec.secretKey from the answer.
		secretKey func(t *testing.T, a answer) any
	}{
		"List": {
			reason: "A list shows each user's secret key masked.", method: http.MethodGet, path: users,
			secretKey: func(t *testing.T, a answer) any { t.Helper(); return secretKeyOf(t, firstItem(t, a.json)) },
		},
		"Detail": {
			reason: "A detail too.", method: http.MethodGet, path: users + "/etl",
			secretKey: func(t *testing.T, a answer) any { t.Helper(); return secretKeyOf(t, a.json) },
		},
		"ListYAML": {
			reason: "A list in YAML too.", method: http.MethodGet, path: users, header: yamlAccept,
			secretKey: func(t *testing.T, a answer) any {
				t.Helper()
				return secretKeyOf(t, firstItem(t, fromYAML(t, a)))
			},
		},
		"DetailYAML": {
			reason: "A detail in YAML, the console's YAML view, too.", method: http.MethodGet, path: users + "/etl", header: yamlAccept,
			secretKey: func(t *testing.T, a answer) any { t.Helper(); return secretKeyOf(t, fromYAML(t, a)) },
		},
		"Create": {
			reason: "The answer to a create shows the new user's key masked.", method: http.MethodPost, path: users, body: newUser,
			secretKey: func(t *testing.T, a answer) any { t.Helper(); return secretKeyOf(t, a.json) },
		},
		"Update": {
			reason: "So does the answer to an update.", method: http.MethodPut, path: users + "/etl",
			body:      `{"spec":{"accessKey":"etl-job","secretKey":"updated-secret-key","policies":["datasets-rw"]}}`,
			secretKey: func(t *testing.T, a answer) any { t.Helper(); return secretKeyOf(t, a.json) },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := send(t, srv, tc.method, tc.path, tc.body, tc.header)
			if a.status != http.StatusOK {
				t.Fatalf("\nReason: %s\nstatus %d: %s", tc.reason, a.status, a.raw)
			}
			if diff := cmp.Diff(any(secrets.Mask), tc.secretKey(t, a)); diff != "" {
				t.Errorf("\nReason: %s\nspec.secretKey: -want, +got:\n%s", tc.reason, diff)
			}
			for _, value := range []string{"demo-secret-key", "created-secret-key", "updated-secret-key"} {
				if strings.Contains(a.raw, value) {
					t.Errorf("\nReason: %s\nthe answer shows the secret key %q:\n%s", tc.reason, value, a.raw)
				}
			}
		})
	}
}

func firstItem(t *testing.T, page map[string]any) map[string]any {
	t.Helper()
	content, _ := page["content"].([]any)
	if len(content) == 0 {
		t.Fatalf("an empty page: %v", page)
	}
	item, _ := content[0].(map[string]any)
	return item
}

func secretKeyOf(t *testing.T, m map[string]any) any {
	t.Helper()
	spec, ok := m["spec"].(map[string]any)
	if !ok {
		t.Fatalf("no spec in %v", m)
	}
	return spec["secretKey"]
}

func fromYAML(t *testing.T, a answer) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(a.raw), &m); err != nil {
		t.Fatalf("the answer is no YAML: %v: %s", err, a.raw)
	}
	return m
}
