package compositions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/Masterminds/semver/v3"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/registry"
	"helm.sh/helm/v3/pkg/repo"
	"sigs.k8s.io/yaml"
)

// ErrUnauthorized is wrapped in the error of a fetch the registry or the
// repository refused the credentials of (401 or 403).
var ErrUnauthorized = errors.New("the credentials were refused")

// ErrChartNotFound is wrapped in the error of a fetch of a chart or a
// version that is not there.
var ErrChartNotFound = errors.New("no such chart or version")

// ChartSource says where a chart is: a CompositionDefinition's spec.chart,
// with the password read from its Secret.
type ChartSource struct {
	// URL is an OCI reference (oci://host/path), a Helm repository's URL
	// (with Repo), or a chart archive's URL.
	URL, Repo, Version string
	// Username and Password log in.
	Username, Password string
	// InsecureSkipVerifyTLS accepts any certificate.
	InsecureSkipVerifyTLS bool
	// PlainHTTP talks HTTP to an OCI registry (loopback registries in
	// tests, in-cluster ones).
	PlainHTTP bool
}

// A Chart is a fetched chart.
type Chart struct {
	// Name and Version are Chart.yaml's.
	Name, Version string
	// Digest is "sha256:<hex>" of the archive as fetched.
	Digest string
	// ValuesSchema is values.schema.json, nil when the chart has none.
	ValuesSchema []byte
	// Archive is the chart archive (.tgz).
	Archive []byte
	// Chart is the loaded chart.
	Chart *chart.Chart
}

// A FetchOption configures FetchChart.
type FetchOption func(*fetchSettings)

type fetchSettings struct{ client *http.Client }

// WithHTTPClient fetches with c (its transport's TLS settings are replaced
// when the source asks to skip verification).
func WithHTTPClient(c *http.Client) FetchOption { return func(s *fetchSettings) { s.client = c } }

// FetchChart fetches the chart src names with the Helm SDK: from an OCI
// registry with Helm's registry client (the highest semantic-version tag
// when src names no version), from a Helm repository through its
// index.yaml (the latest version when src names none; the archive's digest
// checked against the index's), or a chart archive's URL. Credentials go
// to the registry, the repository, and a repository's chart URL on the
// same host only, as Helm does. No error holds the password.
func FetchChart(ctx context.Context, src ChartSource, opts ...FetchOption) (*Chart, error) {
	s := fetchSettings{client: &http.Client{}}
	for _, opt := range opts {
		opt(&s)
	}
	client := *s.client
	if src.InsecureSkipVerifyTLS {
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the definition asks for it
	}
	var archive []byte
	var err error
	switch {
	case strings.HasPrefix(src.URL, "oci://"):
		archive, err = pullOCI(src, &client)
	case src.Repo != "":
		archive, err = fetchFromRepository(ctx, src, &client)
	default:
		archive, err = download(ctx, &client, src.URL, src, true)
	}
	if err != nil {
		return nil, err
	}
	loaded, err := loader.LoadArchive(bytes.NewReader(archive))
	if err != nil {
		return nil, fmt.Errorf("%s: not a chart archive: %w", src.URL, err)
	}
	sum := sha256.Sum256(archive)
	return &Chart{
		Name: loaded.Name(), Version: loaded.Metadata.Version, Digest: "sha256:" + hex.EncodeToString(sum[:]),
		ValuesSchema: loaded.Schema, Archive: archive, Chart: loaded,
	}, nil
}

// pullOCI pulls the chart from an OCI registry.
func pullOCI(src ChartSource, client *http.Client) ([]byte, error) {
	opts := []registry.ClientOption{registry.ClientOptHTTPClient(client), registry.ClientOptWriter(io.Discard)}
	if src.Username != "" {
		opts = append(opts, registry.ClientOptBasicAuth(src.Username, src.Password))
	}
	if src.PlainHTTP {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	rc, err := registry.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.URL, err)
	}
	ref := strings.TrimPrefix(src.URL, "oci://")
	version := src.Version
	if version == "" {
		tags, err := rc.Tags(ref)
		if err != nil {
			return nil, ociError(src, err)
		}
		if len(tags) == 0 {
			return nil, fmt.Errorf("%s: no version to choose from: %w", src.URL, ErrChartNotFound)
		}
		version = tags[0] // Helm sorts them, highest first
	}
	result, err := rc.Pull(ref+":"+version, registry.PullOptWithProv(false))
	if err != nil {
		return nil, ociError(ChartSource{URL: src.URL, Version: version}, err)
	}
	return result.Chart.Data, nil
}

// ociError says what a registry's error means.
func ociError(src ChartSource, err error) error {
	msg := err.Error()
	where := src.URL + ":" + src.Version
	switch {
	case strings.Contains(msg, "401") || strings.Contains(msg, "403") || strings.Contains(strings.ToLower(msg), "unauthorized"):
		return fmt.Errorf("%s: the registry refused the credentials: %w", where, ErrUnauthorized)
	case strings.Contains(msg, "404") || strings.Contains(strings.ToLower(msg), "not found"):
		return fmt.Errorf("%s: %w", where, ErrChartNotFound)
	}
	return fmt.Errorf("%s: %w", where, err)
}

// fetchFromRepository finds the chart in the repository's index and
// downloads it.
func fetchFromRepository(ctx context.Context, src ChartSource, client *http.Client) ([]byte, error) {
	base := strings.TrimRight(src.URL, "/")
	raw, err := download(ctx, client, base+"/index.yaml", src, true)
	if err != nil {
		return nil, err
	}
	index := &repo.IndexFile{}
	if err := yaml.Unmarshal(raw, index); err != nil {
		return nil, fmt.Errorf("%s/index.yaml: not a repository index: %w", base, err)
	}
	index.SortEntries()
	versions, ok := index.Entries[src.Repo]
	if !ok || len(versions) == 0 {
		return nil, fmt.Errorf("%s: no chart %q: %w", base, src.Repo, ErrChartNotFound)
	}
	var entry *repo.ChartVersion
	for _, v := range versions {
		if src.Version == "" || v.Version == src.Version || sameVersion(v.Version, src.Version) {
			entry = v
			break
		}
	}
	if entry == nil || len(entry.URLs) == 0 {
		return nil, fmt.Errorf("%s: chart %q has no version %s: %w", base, src.Repo, src.Version, ErrChartNotFound)
	}
	chartURL, err := resolve(base+"/", entry.URLs[0])
	if err != nil {
		return nil, fmt.Errorf("%s: chart %q %s: %w", base, src.Repo, entry.Version, err)
	}
	archive, err := download(ctx, client, chartURL, src, sameHost(base, chartURL))
	if err != nil {
		return nil, err
	}
	if entry.Digest != "" {
		sum := sha256.Sum256(archive)
		if got := hex.EncodeToString(sum[:]); got != strings.TrimPrefix(entry.Digest, "sha256:") {
			return nil, fmt.Errorf("%s: the archive's digest %s is not the index's %s", chartURL, got, entry.Digest)
		}
	}
	return archive, nil
}

// sameVersion compares two versions semantically.
func sameVersion(a, b string) bool {
	va, errA := semver.NewVersion(a)
	vb, errB := semver.NewVersion(b)
	return errA == nil && errB == nil && va.Equal(vb)
}

// resolve resolves ref against base.
func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("the repository URL: %w", err)
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("the chart's URL in the index: %w", err)
	}
	return b.ResolveReference(r).String(), nil
}

// sameHost tells whether two URLs have the same host.
func sameHost(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Host == ub.Host
}

// download GETs target, with src's credentials when withAuth.
func download(ctx context.Context, client *http.Client, target string, src ChartSource, withAuth bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	if withAuth && src.Username != "" {
		req.SetBasicAuth(src.Username, src.Password)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("%s: the server refused the credentials (%d): %w", target, resp.StatusCode, ErrUnauthorized)
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("%s: %w", target, ErrChartNotFound)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%s: %s", target, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	return data, nil
}
