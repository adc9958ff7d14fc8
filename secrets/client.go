package secrets

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

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

// WithManagedBy sets the value of the managed-by label (hub.ManagedByLabel)
// Create adds; by default hub.DefaultManagedBy, the resource manager's
// (kubernetes.secret.managed-by), so that what Hubkit and the resource manager make
// see each other.
func WithManagedBy(value string) Option { return func(c *Client) { c.managedBy = value } }

// NewClient returns a Client over c.
func NewClient(c *hub.Client, opts ...Option) *Client {
	s := &Client{secrets: hub.For[*corev1.Secret](c), managedBy: hub.DefaultManagedBy}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// SecretInfo is what Get, List and Create show of a secret: its keys,
// never a value.
type SecretInfo struct {
	Name string
	Type corev1.SecretType
	// Keys are the secret's keys, sorted.
	Keys        []string
	Labels      map[string]string
	Annotations map[string]string
	Created     time.Time
}

// Masked maps every key to Mask, for views that show a data map.
func (i SecretInfo) Masked() map[string]string {
	out := make(map[string]string, len(i.Keys))
	for _, k := range i.Keys {
		out[k] = Mask
	}
	return out
}

func infoOf(s *corev1.Secret) SecretInfo {
	return SecretInfo{
		Name: s.Name, Type: s.Type, Keys: slices.Sorted(maps.Keys(s.Data)),
		Labels: s.Labels, Annotations: s.Annotations, Created: s.CreationTimestamp.Time,
	}
}

// List returns the relevant secrets, sorted by name.
func (c *Client) List(ctx context.Context) ([]SecretInfo, error) {
	objs, err := c.Objects(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SecretInfo, 0, len(objs))
	for _, s := range objs {
		out = append(out, infoOf(s))
	}
	return out, nil
}

// Objects returns the relevant Secret objects, sorted by name, for callers
// that show more than a SecretInfo. They hold the values: mask them (Mask)
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
	return c.secrets.GetMatching(ctx, name, c.filter.Matches)
}

// Get returns the secret called name, without its values.
func (c *Client) Get(ctx context.Context, name string) (SecretInfo, error) {
	s, err := c.relevant(ctx, name)
	if err != nil {
		return SecretInfo{}, err
	}
	return infoOf(s), nil
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
func (c *Client) Create(ctx context.Context, s SecretRequest, opts ...CreateOption) (SecretInfo, error) {
	var settings createSettings
	for _, opt := range opts {
		opt(&settings)
	}
	if err := hub.NewValidationError(secretKind, s.Name, s.Validate()); err != nil {
		return SecretInfo{}, err
	}
	ns, err := c.secrets.Namespace()
	if err != nil {
		return SecretInfo{}, err
	}
	secret := s.Build(ns)
	secret.Labels = map[string]string{hub.ManagedByLabel: c.managedBy}
	data, typ := secret.Data, secret.Type
	err = c.secrets.Create(ctx, secret)
	if err == nil || !hub.IsAlreadyExists(err) || !settings.replace {
		if err != nil {
			return SecretInfo{}, err
		}
		return infoOf(secret), nil
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
		existing.Labels[hub.ManagedByLabel] = c.managedBy
		return nil
	})
	if err != nil {
		return SecretInfo{}, err
	}
	return infoOf(updated), nil
}

// Delete deletes the secret called name, if the filter selects it.
func (c *Client) Delete(ctx context.Context, name string) error {
	s, err := c.relevant(ctx, name)
	if err != nil {
		return err
	}
	return c.secrets.DeleteObject(ctx, s)
}
