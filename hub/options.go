package hub

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// A ResourceOption configures a Resource made by For.
type ResourceOption func(*resourceSettings)

type resourceSettings struct {
	namespace string
	gvk       schema.GroupVersionKind
}

// InNamespace makes the Resource work in namespace instead of the client's
// default namespace. It has no effect on cluster-scoped kinds.
func InNamespace(namespace string) ResourceOption {
	return func(s *resourceSettings) { s.namespace = namespace }
}

// OfKind sets the kind of a Resource over *unstructured.Unstructured, which
// has no Go type to take it from. Typed resources ignore it.
func OfKind(gvk schema.GroupVersionKind) ResourceOption {
	return func(s *resourceSettings) { s.gvk = gvk }
}

// A SortOrder orders the items of a list.
type SortOrder int

const (
	// SortByName orders by namespace, then name. It is the default.
	SortByName SortOrder = iota
	// SortByCreationTime orders oldest first, then by namespace and name.
	SortByCreationTime
)

// A ListOption configures Resource.List, ListMatching, ListRelevant and Watch.
type ListOption func(*listSettings)

type listSettings struct {
	selector      labels.Selector
	limit         int64
	continueToken string
	order         SortOrder
	allNamespaces bool
}

// MatchingLabels selects the objects that carry all these labels.
func MatchingLabels(l map[string]string) ListOption {
	return func(s *listSettings) { s.selector = labels.SelectorFromSet(l) }
}

// MatchingSelector selects the objects that a label selector matches.
func MatchingSelector(sel labels.Selector) ListOption {
	return func(s *listSettings) { s.selector = sel }
}

// Limit asks the API server for at most n objects; the Page's Continue token
// fetches the rest. Only List paginates.
func Limit(n int64) ListOption {
	return func(s *listSettings) { s.limit = n }
}

// Continue fetches the page after the one whose Continue token this is.
func Continue(token string) ListOption {
	return func(s *listSettings) { s.continueToken = token }
}

// SortedBy orders the returned items. Sorting happens on the client, within
// the page the server returned, and is stable.
func SortedBy(order SortOrder) ListOption {
	return func(s *listSettings) { s.order = order }
}

// AllNamespaces lists or watches across every namespace instead of the
// Resource's namespace.
func AllNamespaces() ListOption {
	return func(s *listSettings) { s.allNamespaces = true }
}

// An ApplyOption configures a server-side apply.
type ApplyOption func(*applySettings)

type applySettings struct {
	force bool
}

// ForceOwnership takes over the fields another field manager owns instead of
// failing with a Conflict. Use it where Hubkit is the authority on the
// object, as a controller is on its children.
func ForceOwnership() ApplyOption {
	return func(s *applySettings) { s.force = true }
}

// A DeleteOption configures Resource.Delete.
type DeleteOption func(*client.DeleteOptions)

// Propagation sets how the garbage collector treats the dependents of the
// deleted object: metav1.DeletePropagationBackground (the API server's
// default for most kinds), Foreground or Orphan.
func Propagation(policy metav1.DeletionPropagation) DeleteOption {
	return func(o *client.DeleteOptions) { o.PropagationPolicy = &policy }
}

// IfUID deletes the object only if it still has this UID, so that a new
// object of the same name is never deleted by mistake.
func IfUID(uid types.UID) DeleteOption {
	return func(o *client.DeleteOptions) {
		if o.Preconditions == nil {
			o.Preconditions = &metav1.Preconditions{}
		}
		o.Preconditions.UID = &uid
	}
}

// IfResourceVersion deletes the object only if it has not changed since the
// caller read this resourceVersion; otherwise the delete is a Conflict.
func IfResourceVersion(resourceVersion string) DeleteOption {
	return func(o *client.DeleteOptions) {
		if o.Preconditions == nil {
			o.Preconditions = &metav1.Preconditions{}
		}
		o.Preconditions.ResourceVersion = &resourceVersion
	}
}

// An UpdateOption configures Resource.Update and UpdateStatus.
type UpdateOption func(*updateSettings)

type updateSettings struct {
	backoff wait.Backoff
}

// RetryBackoff sets how often and how fast Update retries after a conflict.
// It defaults to client-go's retry.DefaultRetry (5 tries, 10ms apart).
func RetryBackoff(b wait.Backoff) UpdateOption {
	return func(s *updateSettings) { s.backoff = b }
}

func newUpdateSettings(opts []UpdateOption) updateSettings {
	s := updateSettings{backoff: retry.DefaultRetry}
	for _, opt := range opts {
		opt(&s)
	}
	return s
}
