// Package e2e holds Hubkit's end-to-end suites, written with
// sigs.k8s.io/e2e-framework and built only with the build tag e2e. They run
// against a real control plane:
//
//   - E2E_PROVIDER=kwok (the default): a real kube-apiserver, etcd,
//     kube-controller-manager and kube-scheduler started by kwokctl with
//     --runtime binary from the binaries `make tools` builds into bin/, with
//     one kwok-simulated node, so pods get scheduled and run without Docker;
//   - E2E_PROVIDER=kind: a kind cluster, for machines with Docker;
//   - E2E_PROVIDER=existing: the cluster KUBECONFIG points at.
//
// `make e2e` runs them; `make test` runs them after the unit tests. Set
// E2E_KEEP=1 to keep the cluster after the run. When a feature fails, the
// cluster's logs are exported under _output/e2e/.
package e2e
