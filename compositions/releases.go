package compositions

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// maxReleaseHistory is how many revisions of a release Helm keeps.
const maxReleaseHistory = 10

// A ReleaseStore keeps the Helm releases of a namespace: Helm's Secrets in
// the namespace on a cluster (SecretReleases, what the helm command does),
// memory in tests (MemoryReleases).
type ReleaseStore interface {
	// Releases returns the release storage of namespace.
	Releases(namespace string) (*storage.Storage, error)
}

// MemoryReleases keeps releases in memory, with Helm's in-memory driver:
// a hubtest fake has nowhere else to keep them. It is safe for concurrent
// use.
type MemoryReleases struct {
	mu     sync.Mutex
	stores map[string]*storage.Storage
}

// NewMemoryReleases returns an empty in-memory release store.
func NewMemoryReleases() *MemoryReleases {
	return &MemoryReleases{stores: map[string]*storage.Storage{}}
}

// Releases returns the storage of namespace.
func (m *MemoryReleases) Releases(namespace string) (*storage.Storage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.stores[namespace]
	if !ok {
		mem := driver.NewMemory()
		mem.SetNamespace(namespace)
		s = storage.Init(mem)
		s.MaxHistory = maxReleaseHistory
		m.stores[namespace] = s
	}
	return s, nil
}

// secretReleases keeps releases in Helm's Secrets, as the helm command
// does: helm list and helm history see them.
type secretReleases struct{ clientset kubernetes.Interface }

// SecretReleases keeps releases as Helm's own Secrets
// (sh.helm.release.v1.<name>.v<revision>) in each release's namespace,
// written with cfg's identity.
func SecretReleases(cfg *rest.Config) (ReleaseStore, error) {
	if cfg == nil {
		return nil, errors.New("compositions: Helm's Secrets need a rest config")
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("compositions: a client for Helm's Secrets: %w", err)
	}
	return &secretReleases{clientset: cs}, nil
}

func (s *secretReleases) Releases(namespace string) (*storage.Storage, error) {
	d := driver.NewSecrets(s.clientset.CoreV1().Secrets(namespace))
	st := storage.Init(d)
	st.MaxHistory = maxReleaseHistory
	return st, nil
}

// labelRendered is the label of a Helm release that holds the start of
// the digest of what it rendered (a label value is at most 63
// characters), so that a converged release is recognised without
// rendering it as Helm would at its revision.
const labelRendered = "compositions.hubkit.dev/rendered"

// renderedLabelValue is the value of labelRendered for digest.
func renderedLabelValue(digest string) string {
	hexDigits := strings.TrimPrefix(digest, "sha256:")
	return hexDigits[:min(len(hexDigits), 40)]
}

// A Rendering is what a chart renders for a release, as a dry run of its
// install does without the cluster: the manifest and the hooks' manifests,
// in a stable order, and their digest.
type Rendering struct {
	// Manifest is the YAML stream of every object, hooks included.
	Manifest string
	// Digest is "sha256:<hex>" of Manifest.
	Digest string
}

// Render renders ch for the release name in namespace with values, as
// `helm template` does (the default capabilities, no lookup of the
// cluster), hooks included and CRDs left out. The same inputs give the
// same digest; a chart that renders random or time-dependent values gives
// a new one each time, and is upgraded on every resync.
func Render(ch *chart.Chart, name, namespace string, values map[string]any) (*Rendering, error) {
	install := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	install.DryRun, install.ClientOnly, install.Replace = true, true, true
	install.ReleaseName, install.Namespace = name, namespace
	install.SkipCRDs = true
	rel, err := install.Run(ch, values)
	if err != nil {
		return nil, fmt.Errorf("rendering the chart %s %s: %w", ch.Name(), ch.Metadata.Version, err)
	}
	return renderingOf(rel), nil
}

// renderingOf is the rendering of a release: its manifest, then its hooks
// by path.
func renderingOf(rel *release.Release) *Rendering {
	hooks := slices.Clone(rel.Hooks)
	slices.SortFunc(hooks, func(a, b *release.Hook) int { return strings.Compare(a.Path+a.Name, b.Path+b.Name) })
	var b strings.Builder
	b.WriteString(rel.Manifest)
	for _, h := range hooks {
		b.WriteString("\n---\n# Hook: " + h.Path + "\n")
		b.WriteString(h.Manifest)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return &Rendering{Manifest: b.String(), Digest: "sha256:" + hex.EncodeToString(sum[:])}
}

// helmConfiguration is the Helm action configuration of a release: its
// storage, and the cluster as kube sees it.
func helmConfiguration(releases *storage.Storage, kube *releaseKube) *action.Configuration {
	return &action.Configuration{
		Releases: releases, KubeClient: kube, Capabilities: chartutil.DefaultCapabilities.Copy(),
		Log: func(string, ...any) {},
	}
}
