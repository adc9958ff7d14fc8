// Package hubtest is Hubkit's fake-cluster harness: a Kubernetes cluster in
// memory that behaves like a real one, for tests that run in milliseconds.
//
// controller-runtime's fake client is the usual choice for such tests, and it
// lies: it does not validate custom resources, never moves
// metadata.generation, does not garbage-collect, and never makes a
// Deployment available or binds a PVC. NewFake builds on it and closes those
// gaps:
//
//   - custom resources are pruned, defaulted and validated against their
//     CRD's structural schema by the API server's own code (OpenAPI schema,
//     list types, CEL rules), and rejected with the API server's Invalid
//     errors and field paths;
//   - metadata.generation moves on spec changes only, and custom resources
//     have real status subresources;
//   - deletes cascade through owner references in background, foreground
//     and orphan mode, finalizers hold objects up, and deleting a namespace
//     deletes what it holds; writes into a missing or terminating namespace
//     are refused; a kind that is neither built in nor defined by an
//     installed CRD is refused with "no matches for kind";
//   - built-in admission on every write that creates (Create, and a patch
//     or server-side apply that creates): the default storage class, the
//     first phases;
//   - new namespaces get kube-root-ca.crt and the ServiceAccount "default",
//     as kube-controller-manager gives them;
//   - built-in controllers: Deployments report their replicas available,
//     PVCs bind to made-up PVs (honouring the default storage class and
//     WaitForFirstConsumer), Pods run, Jobs start and can be completed or
//     failed with CompleteJob and FailJob;
//   - a patch or an apply whose result is invalid is refused before
//     anything is stored, so no reader or watcher ever sees it;
//   - watches queue their events without bound: a burst of writes never
//     fails because a reader is slow (controller-runtime's fake panics
//     once 100 events wait), and watches outlive a CRD install;
//   - Simulators plug in the behaviour of upstream operators (SimulatorOf
//     names the kinds one reacts to, and spares it every other event), and
//     ControllerSimulator runs real controllers (each domain's reconciler)
//     as a manager would, with their own watches and event filters;
//   - Requests and Writes count the requests served, per verb and kind, so
//     a test can assert that a converged resync writes nothing;
//   - WithAsyncControllers runs the controllers and simulators after each
//     write returns, as on a real cluster, and Settle waits for them, so
//     code that forgets to wait for an operator fails on the fake too;
//   - InjectFault makes chosen requests fail (conflict, timeout, not found,
//     forbidden); Clock controls time; Recorder captures events; fixtures
//     load from YAML; ExpectGolden compares with golden files (HUBKIT_UPDATE_GOLDEN=1
//     rewrites them) and IgnoreVolatile leaves out what changes every run.
//
// The conformance subpackage proves the fake right: the same scenarios run
// on the fake in the unit tests and on a real API server in the e2e suite.
//
// It is fast: about 0.07 ms per request whatever the number of objects,
// some eighteen times faster than controller-runtime's fake and thirty
// times faster than a real API server (BenchmarkRound, BenchmarkWatch;
// `make bench-fake-vs-real` runs all three side by side). Its store keeps
// managed fields as the API server does, with one field manager per kind
// rather than one per request.
//
// # Writing a test
//
// A test of a reconciler makes a fake with its starting objects, runs the
// reconciler, waits for a condition and compares the result with a golden
// file:
//
//	func TestWorkspaceReconciler(t *testing.T) {
//		f := hubtest.NewFake(t,
//			hubtest.WithCRDs(workspaces.CRDs()...),
//			hubtest.WithFixtures("testdata/workspace.yaml"))
//		r := workspaces.NewReconciler(f.Hub(), workspaces.WithRecorder(f.Recorder()))
//		if _, err := r.Reconcile(ctx, request("team-a", "lab")); err != nil {
//			t.Fatal(err)
//		}
//		var d appsv1.Deployment
//		err := f.WaitFor(ctx, "the workspace is available", time.Second, func(ctx context.Context) (bool, error) {
//			err := f.Client().Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "lab"}, &d)
//			return err == nil && d.Status.AvailableReplicas == 1, client.IgnoreNotFound(err)
//		})
//		...
//		hubtest.ExpectGolden(t, "workspace", &d)
//	}
//
// Tests that must also run on a real cluster program against the Cluster
// interface, which both the Fake and Real (NewReal) implement. Programs and
// Example functions make a Fake with New, which needs no testing.TB.
package hubtest
