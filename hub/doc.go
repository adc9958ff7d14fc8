// Package hub is the core of Hubkit: the client every other Hubkit package
// builds on.
//
// # Clients
//
// A [Client] wraps a controller-runtime client with the settings a platform
// needs everywhere: the scheme ([NewScheme] adds the domain packages' types to
// client-go's and apiextensions'), a default namespace, the field owner for
// server-side apply, and per-kind relevance selectors. Make one from a rest
// config with [New], or around an existing controller-runtime client (a
// manager's, a fake one) with [Wrap].
//
// [Client.As] returns a client that acts as another user through Kubernetes
// impersonation, so that a dashboard shows each user what the API server's
// RBAC lets that user see.
//
// # Typed access to any kind
//
// [For] returns a [Resource], the typed accessor of one kind:
//
//	secrets := hub.For[*corev1.Secret](c)
//	page, err := secrets.List(ctx, hub.Limit(50), hub.SortedBy(hub.SortByCreationTime))
//	err = secrets.Apply(ctx, desired, hub.ForceOwnership())
//	s, err := secrets.Update(ctx, "db-creds", func(s *corev1.Secret) error { ... })
//
// Update retries on conflict with a fresh read, so two writers never lose
// each other's changes. Delete takes a propagation policy and UID or
// resourceVersion preconditions. Watch reports typed events.
//
// # Relevance selectors
//
// A [Selector] is a union of label selectors written as DigitalHub's
// resource manager writes them: "a=b,c=d|e=f" selects (a=b AND c=d) OR e=f.
// [Resource.ListMatching] and [Resource.ListRelevant] list such a union with
// one request per term.
//
// # Errors
//
// Hubkit packages refuse invalid objects before sending them, with a
// [*ValidationError] that lists each bad field with its path and converts to
// the API server's own Invalid error. [IsNotFound], [IsConflict],
// [IsInvalid], [IsForbidden] and [IsAlreadyExists] classify errors through
// any wrapping.
package hub
