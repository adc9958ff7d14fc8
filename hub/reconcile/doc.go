// Package reconcile holds Hubkit's reconcilers: the managed reconciler
// every domain is built on, and the building blocks it is made of.
//
// # The managed reconciler
//
// [Managed] owns the lifecycle of a custom resource that stands for
// something outside Kubernetes (a PostgreSQL database, a MinIO bucket, a
// Helm release), the way an upstream operator does: it reads the object,
// keeps its finalizer, honours a paused annotation, asks the domain's
// [External] what exists and acts only on the difference, applies the
// Kubernetes children the domain renders with [Ensure], writes the status
// only when it changed, requeues with jitter, requeues quietly on a
// conflict, records events and filters its own echoes ([IntentChanged]).
// A domain gives only what is particular to its kind, in a [ManagedKind]:
//
//	managed, err := reconcile.NewManaged(c, reconcile.ManagedKind[*Bucket]{
//		Connector: reconcile.ConnectorFunc[*Bucket](func(ctx context.Context, b *Bucket) (reconcile.External[*Bucket], error) {
//			return &bucketExternal{server: server}, nil // Observe, Apply, Delete on the external system
//		}),
//		Children: func(b *Bucket, d reconcile.Details) ([]client.Object, error) { ... }, // pure
//		Status:   func(b *Bucket, o reconcile.Outcome) { b.Status = statusOf(o) },        // pure
//	}, reconcile.WithFinalizer(BucketFinalizer))
//	err = managed.SetupWithManager(mgr)
//
// # The shape of a domain
//
// Every domain package that drives a system outside Kubernetes has the same
// rooms, so that one rule lives in one place:
//
//   - rules.go: what the upstream operator would produce for an object
//     (names, grants, secret keys, statuses), as pure functions of the
//     object and the Details its External found;
//   - external.go: the Server interface of the external system (the few
//     calls the operator makes, with sentinel errors such as ErrMissing) and
//     its real implementation (pgx, minio-go, Helm);
//   - reconciler.go: the Provisioner, one Managed per kind over a Server,
//     with the domain's External values, which call the rules and the
//     Server and nothing else;
//   - <domain>test: an in-memory Server, the simulator (the same
//     Provisioner over the in-memory Server, run on a hubtest fake by
//     hubtest.ControllerSimulator), and a contract suite (hubtest.RunContract)
//     that the in-memory and the real Server both pass.
//
// A rule changed in rules.go changes the reconciler and the simulator alike;
// a difference between the in-memory system and the real one fails the
// contract suite.
//
// # Building blocks
//
//   - [Ensure] applies an owner's desired children with server-side apply,
//     sets the controller owner reference, reports what changed, and writes
//     nothing when the children already are as desired.
//   - [EnsureUnowned] does the same for objects no object owns (the
//     ClusterRoles a platform's chart would ship).
//   - [AddFinalizer] and [RemoveFinalizer] patch finalizers without
//     overwriting anybody else's.
//   - [SetCondition], [MarkTrue], [MarkFalse] and [MarkUnknown] maintain
//     metav1.Condition values with their observedGeneration.
//   - [PatchStatus] writes a status only when it really changed.
//   - [RequeueAfter] spreads requeues with jitter.
//   - [Steps] runs independent steps fail-fast:false and joins their errors.
//   - [IntentChanged], [SelectorPredicate] and [GenerationOrLabelsChanged]
//     filter a controller's events; [Dependents] maps a change to the
//     objects it concerns.
//
// The package name clashes with controller-runtime's reconcile package;
// import one of them under another name when a file needs both.
package reconcile
