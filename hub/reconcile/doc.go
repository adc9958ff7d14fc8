// Package reconcile holds the building blocks of Hubkit's reconcilers, in the
// style of the CrownLabs operators: pure builders compute desired children,
// and these helpers make the cluster match them with as few writes as
// possible.
//
//   - [Ensure] applies an owner's desired children with server-side apply,
//     sets the controller owner reference, reports what changed, and writes
//     nothing when the children already are as desired.
//   - [AddFinalizer] and [RemoveFinalizer] patch finalizers without
//     overwriting anybody else's.
//   - [SetCondition], [MarkTrue], [MarkFalse] and [MarkUnknown] maintain
//     metav1.Condition values with their observedGeneration.
//   - [PatchStatus] writes a status only when it really changed.
//   - [RequeueAfter] spreads requeues with jitter.
//   - [Steps] runs independent steps fail-fast:false and joins their errors.
//   - [SelectorPredicate] and [GenerationOrLabelsChanged] filter a
//     controller's events.
//
// The package name clashes with controller-runtime's reconcile package;
// import one of them under another name when a file needs both.
package reconcile
