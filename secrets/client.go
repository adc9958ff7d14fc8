package secrets

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

// ManagedByLabel is the label Create puts on every secret
// (hub.ManagedByLabel).
const ManagedByLabel = hub.ManagedByLabel

// DefaultManagedBy is the managed-by value of DigitalHub's resource manager
// (kubernetes.secret.managed-by).
const DefaultManagedBy = hub.DefaultManagedBy

var secretKind = schema.GroupKind{Kind: "Secret"}

// A Client manages the relevant secrets of one namespace, the hub.Client's.
type Client struct {
	secrets   *hub.Resource[*corev1.Secret]
	filter    Filter
	managedBy string
}

// An Option configures a Client.
type Option func(*Client)

// WithFilter sets which secrets are relevant; by default all are.
func WithFilter(f Filter) Option { return func(c *Client) { c.filter = f } }

// WithManagedBy sets the value of the managed-by label Create adds.
func WithManagedBy(value string) Option { return func(c *Client) { c.managedBy = value } }

// NewClient returns a Client over c.
func NewClient(c *hub.Client, opts ...Option) *Client {
	s := &Client{secrets: hub.For[*corev1.Secret](c), managedBy: DefaultManagedBy}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// A Summary is what a list shows of a secret: never a value.
type Summary struct {
	Name    string
	Type    corev1.SecretType
	Keys    int
	Labels  map[string]string
	Created time.Time
}

// Details is what a detail view shows of a secret: its keys, each with
// Mask for a value.
type Details struct {
	Summary

	// Data maps every key to Mask.
	Data        map[string]string
	Annotations map[string]string
}

func summaryOf(s *corev1.Secret) Summary {
	return Summary{Name: s.Name, Type: s.Type, Keys: len(s.Data), Labels: s.Labels, Created: s.CreationTimestamp.Time}
}

// List returns the relevant secrets, sorted by name.
func (c *Client) List(ctx context.Context) ([]Summary, error) {
	objs, err := c.Objects(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(objs))
	for _, s := range objs {
		out = append(out, summaryOf(s))
	}
	return out, nil
}

// Objects returns the relevant Secret objects, sorted by name, for callers
// that show more than a Summary. They hold the values: mask them (Mask)
// before they leave the program.
func (c *Client) Objects(ctx context.Context) ([]*corev1.Secret, error) {
	page, err := c.secrets.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*corev1.Secret, 0, len(page.Items))
	for _, s := range page.Items {
		if c.filter.Matches(s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// relevant reads a secret the filter selects; any other is NotFound.
func (c *Client) relevant(ctx context.Context, name string) (*corev1.Secret, error) {
	s, err := c.secrets.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if !c.filter.Matches(s) {
		return nil, fmt.Errorf("secret %q is not one the platform manages: %w", name, apierrors.NewNotFound(corev1.Resource("secrets"), name))
	}
	return s, nil
}

// Get returns the keys of the secret called name, with masked values.
func (c *Client) Get(ctx context.Context, name string) (Details, error) {
	s, err := c.relevant(ctx, name)
	if err != nil {
		return Details{}, err
	}
	data := make(map[string]string, len(s.Data))
	for k := range s.Data {
		data[k] = Mask
	}
	return Details{Summary: summaryOf(s), Data: data, Annotations: s.Annotations}, nil
}

// Decode returns the value of key in the secret called name: the one call
// that returns a value. A missing key is NotFound.
func (c *Client) Decode(ctx context.Context, name, key string) (Value, error) {
	s, err := c.relevant(ctx, name)
	if err != nil {
		return Value{}, err
	}
	raw, ok := s.Data[key]
	if !ok {
		return Value{}, &apierrors.StatusError{ErrStatus: metav1.Status{
			Status: metav1.StatusFailure, Code: http.StatusNotFound, Reason: metav1.StatusReasonNotFound,
			Details: &metav1.StatusDetails{Kind: "secrets", Name: name},
			Message: fmt.Sprintf("secret %q has no key %q (it has %d keys)", name, key, len(s.Data)),
		}}
	}
	return Plain(string(raw)), nil
}

// A Secret is a secret to create: a name, a type (Opaque by default) and
// plain-text entries. It redacts its values when printed or logged.
type Secret struct {
	Name    string
	Type    corev1.SecretType
	Entries []Entry
}

// New returns the Opaque secret name with entries.
func New(name string, entries ...Entry) Secret {
	return Secret{Name: name, Type: corev1.SecretTypeOpaque, Entries: entries}
}

// String shows the name and keys, never the values.
func (s Secret) String() string {
	keys := make([]string, len(s.Entries))
	for i, e := range s.Entries {
		keys[i] = e.Key
	}
	return fmt.Sprintf("secret %q (%s) with keys %q, values %s", s.Name, s.Type, keys, Mask)
}

// GoString is String, for %#v.
func (s Secret) GoString() string { return s.String() }

// Format writes String for every verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue logs the name, type and keys.
func (s Secret) LogValue() slog.Value {
	keys := make([]string, len(s.Entries))
	for i, e := range s.Entries {
		keys[i] = e.Key
	}
	return slog.GroupValue(slog.String("name", s.Name), slog.String("type", string(s.Type)), slog.Any("keys", keys))
}

// Validate checks the secret with the field paths of the Secret it
// becomes: a name that is a DNS subdomain, keys that are valid and unique.
// No value appears in an error.
func (s Secret) Validate() field.ErrorList {
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

// A CreateOption configures Create.
type CreateOption func(*createSettings)

type createSettings struct{ replace bool }

// Replace lets Create overwrite the data of an existing secret of that
// name instead of failing with AlreadyExists.
func Replace() CreateOption { return func(s *createSettings) { s.replace = true } }

// Create validates s and creates it with the managed-by label. An invalid
// secret is a *hub.ValidationError naming every bad field; an existing one
// is AlreadyExists unless Replace is given, which replaces its data (and
// keeps its other keys out: the result holds exactly s's entries).
func (c *Client) Create(ctx context.Context, s Secret, opts ...CreateOption) (Summary, error) {
	var settings createSettings
	for _, opt := range opts {
		opt(&settings)
	}
	if err := hub.NewValidationError(secretKind, s.Name, s.Validate()); err != nil {
		return Summary{}, err
	}
	typ := s.Type
	if typ == "" {
		typ = corev1.SecretTypeOpaque
	}
	data := make(map[string][]byte, len(s.Entries))
	for _, e := range s.Entries {
		data[e.Key] = []byte(e.Value.Reveal())
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Labels: map[string]string{ManagedByLabel: c.managedBy}},
		Type:       typ,
		Data:       data,
	}
	err := c.secrets.Create(ctx, secret)
	if err == nil || !hub.IsAlreadyExists(err) || !settings.replace {
		if err != nil {
			return Summary{}, err
		}
		return summaryOf(secret), nil
	}
	updated, err := c.secrets.Update(ctx, s.Name, func(existing *corev1.Secret) error {
		if existing.Type != typ {
			return hub.NewValidationError(secretKind, s.Name, field.ErrorList{
				field.Invalid(field.NewPath("type"), typ, fmt.Sprintf("the existing secret is of type %s, which cannot change", existing.Type)),
			})
		}
		existing.Data = maps.Clone(data)
		if existing.Labels == nil {
			existing.Labels = map[string]string{}
		}
		existing.Labels[ManagedByLabel] = c.managedBy
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	return summaryOf(updated), nil
}

// Delete deletes the secret called name, if the filter selects it.
func (c *Client) Delete(ctx context.Context, name string) error {
	s, err := c.relevant(ctx, name)
	if err != nil {
		return err
	}
	return c.secrets.Delete(ctx, name, hub.IfUID(s.UID))
}

// Keys returns the sorted keys of a Details.
func (d Details) Keys() []string { return slices.Sorted(maps.Keys(d.Data)) }
