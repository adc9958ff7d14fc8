// Package hubkit is the root of Hubkit, an embeddable Go SDK for building
// data-science platforms on Kubernetes.
//
// Hubkit gives platform teams typed clients, builders and reconciler helpers
// for every entity of such a platform, a fake-cluster harness for fast tests,
// and runnable examples. The root package holds no code; start with these:
//
//   - [github.com/hubkit-dev/hubkit/hub]: the core client, the typed generic
//     accessor, relevance selectors, impersonation and errors.
//   - [github.com/hubkit-dev/hubkit/hub/reconcile]: reconciler building blocks:
//     ensuring children with server-side apply, finalizers, conditions, status
//     patches, requeues and error collection.
//
// The layering and the principles are described in the repository's README.
package hubkit
