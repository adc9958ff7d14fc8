package compositionstest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"slices"
	"testing"

	"helm.sh/helm/v3/pkg/chart"

	"github.com/hubkit-dev/hubkit/compositions"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/repo"
	"sigs.k8s.io/yaml"
)

// BuildChart packages a chart called name at version with the Helm SDK:
// its values.schema.json (none when nil) and templates (file name →
// content; a ConfigMap named after the release when nil), and returns the
// archive.
func BuildChart(tb testing.TB, name, version string, valuesSchema []byte, templates map[string]string) []byte {
	tb.Helper()
	archive, err := PackageChart(name, version, valuesSchema, templates)
	if err != nil {
		tb.Fatal(err)
	}
	return archive
}

// PackageChart is BuildChart outside a test: it packages the chart in a
// temporary directory it removes.
func PackageChart(name, version string, valuesSchema []byte, templates map[string]string) ([]byte, error) {
	if templates == nil {
		templates = map[string]string{"configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  chart: {{ .Chart.Name }}\n"}
	}
	c := &chart.Chart{
		Metadata: &chart.Metadata{APIVersion: chart.APIVersionV2, Name: name, Version: version, AppVersion: version, Type: "application"},
		Values:   map[string]any{},
		Schema:   valuesSchema,
	}
	files := slices.Sorted(maps.Keys(templates))
	for _, file := range files {
		c.Templates = append(c.Templates, &chart.File{Name: path.Join("templates", file), Data: []byte(templates[file])})
	}
	dir, err := os.MkdirTemp("", "hubkit-chart-")
	if err != nil {
		return nil, fmt.Errorf("packaging the chart %s %s: %w", name, version, err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	archivePath, err := chartutil.Save(c, dir)
	if err != nil {
		return nil, fmt.Errorf("packaging the chart %s %s: %w", name, version, err)
	}
	archive, err := os.ReadFile(archivePath)
	if err != nil {
		return nil, fmt.Errorf("packaging the chart %s %s: %w", name, version, err)
	}
	return archive, nil
}

// LoadChart is an archive as compositions.FetchChart returns it.
func LoadChart(archive []byte) (*compositions.Chart, error) {
	loaded, err := loadArchive(archive)
	if err != nil {
		return nil, fmt.Errorf("loading a chart archive: %w", err)
	}
	sum := sha256.Sum256(archive)
	return &compositions.Chart{
		Name: loaded.Name(), Version: loaded.Metadata.Version, Digest: "sha256:" + hex.EncodeToString(sum[:]),
		ValuesSchema: loaded.Schema, Archive: archive, Chart: loaded,
	}, nil
}

// loadArchive loads a chart archive.
func loadArchive(archive []byte) (*chart.Chart, error) {
	return loader.LoadArchive(bytes.NewReader(archive))
}

// A RepoOption configures ServeRepository.
type RepoOption func(*repoSettings)

type repoSettings struct {
	user, password string
	tls            bool
}

// WithRepoBasicAuth makes the repository ask for user and password.
func WithRepoBasicAuth(user, password string) RepoOption {
	return func(s *repoSettings) { s.user, s.password = user, password }
}

// WithRepoTLS serves the repository over HTTPS, with the test server's
// self-signed certificate.
func WithRepoTLS() RepoOption { return func(s *repoSettings) { s.tls = true } }

// ServeRepository serves a Helm chart repository of archives for tb: a
// real index.yaml made with the Helm SDK (names, versions, digests,
// relative URLs) and the archives. It is closed when the test ends.
func ServeRepository(tb testing.TB, archives [][]byte, opts ...RepoOption) *httptest.Server {
	tb.Helper()
	var s repoSettings
	for _, opt := range opts {
		opt(&s)
	}
	index := repo.NewIndexFile()
	files := map[string][]byte{}
	for _, archive := range archives {
		c, err := loadArchive(archive)
		if err != nil {
			tb.Fatal(err)
		}
		file := c.Name() + "-" + c.Metadata.Version + ".tgz"
		sum := sha256.Sum256(archive)
		if err := index.MustAdd(c.Metadata, file, "", "sha256:"+hex.EncodeToString(sum[:])); err != nil {
			tb.Fatal(err)
		}
		files["/"+file] = archive
	}
	index.SortEntries()
	indexYAML, err := yaml.Marshal(index)
	if err != nil {
		tb.Fatal(err)
	}
	files["/index.yaml"] = indexYAML
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.user != "" {
			if user, password, ok := r.BasicAuth(); !ok || user != s.user || password != s.password {
				w.Header().Set("WWW-Authenticate", `Basic realm="charts"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
	})
	var srv *httptest.Server
	if s.tls {
		srv = httptest.NewTLSServer(handler)
	} else {
		srv = httptest.NewServer(handler)
	}
	tb.Cleanup(srv.Close)
	return srv
}

// NewChart is a chart as compositions.FetchChart returns it, packaged by
// BuildChart: for the Charts of an Operator.
func NewChart(tb testing.TB, name, version string, valuesSchema []byte, templates map[string]string) *compositions.Chart {
	tb.Helper()
	c, err := LoadChart(BuildChart(tb, name, version, valuesSchema, templates))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
