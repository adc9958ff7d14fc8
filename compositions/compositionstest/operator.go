// Package compositionstest helps test what publishes charts as APIs: an
// in-memory chart set and the simulated composition operator over it for
// hubtest fakes, a real OCI registry (the distribution registry) and a
// chart repository served by the test, and charts packaged in memory.
package compositionstest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// An Operator simulates the composition operator on a hubtest fake: the
// compositions Provisioner and Composer themselves, run by
// hubtest.ControllerSimulator, fetching charts from Charts instead of
// registries, keeping Helm releases in Releases (Helm's in-memory driver)
// and acting without impersonation (the fake has no RBAC). The fake does
// not serve the kinds of CRDs written through its client; the Operator
// installs the CRDs the Provisioner generates into the fake and marks them
// Established, as the API server would once it serves them, so that
// definitions become Ready and compositions can be written.
type Operator struct {
	// Charts are the charts the Provisioner can fetch, by URL (and
	// "/<repo>" for a repository's chart) and version.
	Charts *Charts
	// Releases keep the compositions' Helm releases.
	Releases *compositions.MemoryReleases

	once      sync.Once
	simulator hubtest.Simulator
	composer  *compositions.Composer
	mu        sync.Mutex
	releasers map[*compositions.Releaser]hubtest.Simulator
	installed map[string]string
}

// NewOperator returns an operator fetching from charts.
func NewOperator(charts *Charts) *Operator {
	return &Operator{
		Charts: charts, Releases: compositions.NewMemoryReleases(),
		releasers: map[*compositions.Releaser]hubtest.Simulator{}, installed: map[string]string{},
	}
}

// Composer returns the Composer the operator runs, nil before its first
// event.
func (o *Operator) Composer() *compositions.Composer {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.composer
}

var _ hubtest.Simulator = (*Operator)(nil)

// Simulate runs the Provisioner's controller on the change, and
// establishes the CRDs it wrote.
func (o *Operator) Simulate(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
	o.once.Do(func() {
		o.simulator = hubtest.ControllerSimulator(func(f *hubtest.Fake) ([]hubtest.Controller, error) {
			h, err := f.NewHub(hub.WithFieldOwner("composition-operator"))
			if err != nil {
				return nil, err
			}
			p, err := compositions.NewProvisioner(h, compositions.WithFetcher(o.Charts))
			if err != nil {
				return nil, err
			}
			return []hubtest.Controller{p.Controller()}, nil
		})
	})
	if crd, ok := ev.Object.(*apiextensionsv1.CustomResourceDefinition); ok && ev.Type != hubtest.EventDeleted &&
		crd.Labels[compositions.LabelManagedBy] != "" {
		if err := o.serve(ctx, f, crd); err != nil {
			return err
		}
		if !establishedCRD(crd) {
			return establish(ctx, f, crd)
		}
	}
	if err := o.simulator.Simulate(ctx, f, ev); err != nil {
		return err
	}
	if _, ok := ev.Object.(*compositions.CompositionDefinition); ok {
		if err := o.sync(ctx, f); err != nil {
			return err
		}
	}
	o.mu.Lock()
	sims := make([]hubtest.Simulator, 0, len(o.releasers))
	for _, sim := range o.releasers {
		sims = append(sims, sim)
	}
	o.mu.Unlock()
	for _, sim := range sims {
		if err := sim.Simulate(ctx, f, ev); err != nil {
			return err
		}
	}
	return nil
}

// serve installs a generated CRD into the fake, once per set of versions,
// so that the fake serves its kind as the API server would.
func (o *Operator) serve(ctx context.Context, f *hubtest.Fake, crd *apiextensionsv1.CustomResourceDefinition) error {
	versions := make([]string, 0, len(crd.Spec.Versions))
	for _, v := range crd.Spec.Versions {
		versions = append(versions, fmt.Sprintf("%s/%t", v.Name, v.Served))
	}
	key := strings.Join(versions, ",")
	o.mu.Lock()
	done := o.installed[crd.Name] == key
	o.installed[crd.Name] = key
	o.mu.Unlock()
	if done {
		return nil
	}
	if err := f.InstallCRDs(ctx, crd); err != nil {
		return fmt.Errorf("serving the generated CRD %s: %w", crd.Name, err)
	}
	return nil
}

// sync starts and stops the Releasers as the Composer would.
func (o *Operator) sync(ctx context.Context, f *hubtest.Fake) error {
	o.mu.Lock()
	if o.composer == nil {
		h, err := f.NewHub(hub.WithFieldOwner("composition-operator"))
		if err != nil {
			o.mu.Unlock()
			return err
		}
		o.composer, err = compositions.NewComposer(h, compositions.WithFetcher(o.Charts),
			compositions.WithReleaseStore(o.Releases), compositions.WithoutImpersonation())
		if err != nil {
			o.mu.Unlock()
			return err
		}
	}
	composer := o.composer
	o.mu.Unlock()
	if _, _, err := composer.Sync(ctx); err != nil {
		return err
	}
	running := composer.Releasers()
	o.mu.Lock()
	defer o.mu.Unlock()
	for r := range o.releasers {
		if !slices.Contains(running, r) {
			delete(o.releasers, r)
		}
	}
	for _, r := range running {
		if _, ok := o.releasers[r]; !ok {
			o.releasers[r] = hubtest.ControllerSimulator(func(*hubtest.Fake) ([]hubtest.Controller, error) {
				return []hubtest.Controller{r.Controller()}, nil
			})
		}
	}
	return nil
}

func establishedCRD(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}

// establish marks crd's names accepted and crd Established.
func establish(ctx context.Context, f *hubtest.Fake, crd *apiextensionsv1.CustomResourceDefinition) error {
	current := &apiextensionsv1.CustomResourceDefinition{}
	if err := f.Client().Get(ctx, client.ObjectKeyFromObject(crd), current); err != nil {
		return err
	}
	now := metav1.NewTime(f.Clock().Now())
	current.Status.AcceptedNames = current.Spec.Names
	current.Status.Conditions = []apiextensionsv1.CustomResourceDefinitionCondition{
		{Type: apiextensionsv1.NamesAccepted, Status: apiextensionsv1.ConditionTrue, Reason: "NoConflicts", LastTransitionTime: now},
		{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue, Reason: "InitialNamesAccepted", LastTransitionTime: now},
	}
	for _, v := range current.Spec.Versions {
		if v.Storage && !slices.Contains(current.Status.StoredVersions, v.Name) {
			current.Status.StoredVersions = append(current.Status.StoredVersions, v.Name)
		}
	}
	if err := f.Client().Status().Update(ctx, current); err != nil {
		return fmt.Errorf("establishing the CRD %s: %w", crd.Name, err)
	}
	return nil
}

// Charts are charts in memory, as a ChartFetcher. It is safe for
// concurrent use.
type Charts struct {
	mu             sync.Mutex
	charts         map[string]*compositions.Chart
	down           error
	user, password string
}

// NewCharts returns an empty set of charts.
func NewCharts() *Charts { return &Charts{charts: map[string]*compositions.Chart{}} }

// Add makes chart fetchable at url (with repo, for a repository's chart).
func (c *Charts) Add(url, repo string, chart *compositions.Chart) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.charts[chartKey(url, repo, chart.Version)] = chart
}

// RequireAuth makes every fetch without user and password fail with
// compositions.ErrUnauthorized, as a registry with htpasswd does.
func (c *Charts) RequireAuth(user, password string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.user, c.password = user, password
}

// SetDown makes every fetch fail with err until it is called with nil.
func (c *Charts) SetDown(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = err
}

func chartKey(url, repo, version string) string { return url + "|" + repo + "|" + version }

// FetchChart returns the chart src names.
func (c *Charts) FetchChart(_ context.Context, src compositions.ChartSource) (*compositions.Chart, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down != nil {
		return nil, c.down
	}
	if c.user != "" && (src.Username != c.user || src.Password != c.password) {
		return nil, fmt.Errorf("%s: the registry refused the credentials (401): %w", src.URL, compositions.ErrUnauthorized)
	}
	chart, ok := c.charts[chartKey(src.URL, src.Repo, src.Version)]
	if !ok {
		return nil, fmt.Errorf("%s %s: %w", src.URL, src.Version, compositions.ErrChartNotFound)
	}
	return chart, nil
}
