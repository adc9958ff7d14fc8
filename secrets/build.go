package secrets

import (
	"fmt"
	"io"
	"log/slog"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// A SecretRequest is a secret to create: a name, a type (Opaque by default) and
// plain-text entries. It redacts its values when printed or logged.
type SecretRequest struct {
	Name    string
	Type    corev1.SecretType
	Entries []Entry
}

// NewSecret returns the Opaque secret name with entries.
func NewSecret(name string, entries ...Entry) SecretRequest {
	return SecretRequest{Name: name, Type: corev1.SecretTypeOpaque, Entries: entries}
}

// String shows the name and keys, never the values.
func (s SecretRequest) String() string {
	keys := make([]string, len(s.Entries))
	for i, e := range s.Entries {
		keys[i] = e.Key
	}
	return fmt.Sprintf("secret %q (%s) with keys %q, values %s", s.Name, s.Type, keys, Mask)
}

// GoString is String, for %#v.
func (s SecretRequest) GoString() string { return s.String() }

// Format writes String for every verb.
func (s SecretRequest) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue logs the name, type and keys.
func (s SecretRequest) LogValue() slog.Value {
	keys := make([]string, len(s.Entries))
	for i, e := range s.Entries {
		keys[i] = e.Key
	}
	return slog.GroupValue(slog.String("name", s.Name), slog.String("type", string(s.Type)), slog.Any("keys", keys))
}

// Validate checks the secret with the field paths of the Secret it
// becomes: a name that is a DNS subdomain, keys that are valid and unique.
// No value appears in an error.
func (s SecretRequest) Validate() field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), "name the secret"))
	} else {
		for _, msg := range validation.NameIsDNSSubdomain(s.Name, false) {
			errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), s.Name, msg))
		}
	}
	seen := map[string]bool{}
	for i, e := range s.Entries {
		p := field.NewPath("data").Key(e.Key)
		if e.Key == "" {
			errs = append(errs, field.Required(field.NewPath("data").Index(i), "every entry needs a key"))
			continue
		}
		for _, msg := range utilvalidation.IsConfigMapKey(e.Key) {
			errs = append(errs, field.Invalid(p, e.Key, msg))
		}
		if seen[e.Key] {
			errs = append(errs, field.Duplicate(p, e.Key))
		}
		seen[e.Key] = true
	}
	return errs
}

// Build returns the Secret for namespace, its values in plain text, of type
// Opaque unless the request names another. It does not validate; call
// Validate first. Client.Create adds the managed-by label.
func (s SecretRequest) Build(namespace string) *corev1.Secret {
	typ := s.Type
	if typ == "" {
		typ = corev1.SecretTypeOpaque
	}
	data := make(map[string][]byte, len(s.Entries))
	for _, e := range s.Entries {
		data[e.Key] = []byte(e.Value.Reveal())
	}
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: s.Name}, Type: typ, Data: data}
}
