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
// # One set of verbs in every domain
//
// Every domain package (storage, secrets, databases, objectstore, and each
// one that follows) speaks the same way, so that a reader who knows one
// knows them all:
//
//   - A builder describes an object to create: New<Thing>(name, required
//     values..., opts ...<Thing>Option) returns a <Thing>Request, a plain
//     value (storage.NewClaim gives a ClaimRequest, secrets.NewSecret a
//     SecretRequest, databases.NewUser a UserRequest, objectstore.NewBucket
//     a BucketRequest). Its Validate() field.ErrorList names each bad field
//     by the path it has in the object; its Build(namespace) returns that
//     object and does not validate.
//   - A client is NewClient(c, opts ...Option). In a domain that drives a
//     system outside Kubernetes, the same Option list configures its
//     Provisioner too: a setting that describes the cluster's operator
//     (databases.KeepSecretName) is given once, to both.
//   - A client's verbs are Create, Get, List, Delete and Wait. A domain of
//     one kind uses them bare (storage.Client.Create); a domain of several
//     names the kind after the verb (CreateBucket, GetBucket, ListBuckets,
//     DeleteBucket, WaitForBucket).
//   - Create validates, checks what only the cluster knows (a storage class,
//     a database, a policy), refuses with a *ValidationError before
//     anything is written, and returns what Get returns.
//   - Get and List return the API object when the domain owns its kind (a
//     CRD type: nothing to hide), or a view named <Thing>Info when the
//     object must be masked or completed (secrets.SecretInfo has no values;
//     storage.ClaimInfo sizes a claim in Gi). What a client does not manage
//     is NotFound to Get as to List (Resource.GetMatching,
//     Resource.GetRelevant).
//   - Delete reads the object, makes the domain's checks (a mounted claim
//     is kept unless forced) and deletes exactly what it read
//     (Resource.DeleteObject: a UID precondition).
//   - Status reads the same way everywhere: every type with a status has a
//     Readiness method returning a Readiness (ready or not, the operator's
//     state, a message). Wait verbs wait for it, as long as their context
//     lets them (WaitReady, Resource.WaitFor).
//   - Plumbing stays unexported; markers for code generators stay out of
//     doc comments.
//
// # Errors
//
// Hubkit packages refuse invalid objects before sending them, with a
// [*ValidationError] that lists each bad field with its path and converts to
// the API server's own Invalid error. [IsNotFound], [IsConflict],
// [IsInvalid], [IsForbidden] and [IsAlreadyExists] classify errors through
// any wrapping.
package hub
