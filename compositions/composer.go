package compositions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/Masterminds/semver/v3"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// A Composer runs a Releaser for each version of a generated kind that a
// Ready CompositionDefinition serves, in-process: started when the first
// definition of the version is Ready, stopped when the last one goes. No
// code is generated and nothing is deployed per definition (Krateo deploys
// a controller per definition and version).
//
// The compositions of a kind whose LabelVersion names no served version
// (none yet, or a version whose definitions are gone) are handled by the
// newest served version, by chart version: it labels new compositions with
// its version and reports the others' labels as errors.
type Composer struct {
	hub  *hub.Client
	opts []Option
	s    settings

	mu        sync.Mutex
	releasers map[schema.GroupVersionKind]*Releaser
	chartOf   map[schema.GroupVersionKind]string
	stops     map[schema.GroupVersionKind]context.CancelFunc
	mgr       manager.Manager
	runCtx    context.Context //nolint:containedctx // the manager's, for the controllers started later
}

// NewComposer returns a Composer whose Releasers act through c with opts.
func NewComposer(c *hub.Client, opts ...Option) (*Composer, error) {
	if c == nil {
		return nil, errors.New("compositions: a Composer needs a hub.Client")
	}
	s := newSettings(opts)
	if err := s.defaultReleases(c); err != nil {
		return nil, err
	}
	return &Composer{
		hub: c, opts: opts, s: s,
		releasers: map[schema.GroupVersionKind]*Releaser{}, chartOf: map[schema.GroupVersionKind]string{},
		stops: map[schema.GroupVersionKind]context.CancelFunc{},
	}, nil
}

// Releaser returns the running Releaser of gvk.
func (c *Composer) Releaser(gvk schema.GroupVersionKind) (*Releaser, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.releasers[gvk]
	return r, ok
}

// Releasers returns the running Releasers.
func (c *Composer) Releasers() []*Releaser {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Releaser, 0, len(c.releasers))
	for _, r := range c.releasers {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Releaser) int { return compareGVK(a.gvk, b.gvk) })
	return out
}

func compareGVK(a, b schema.GroupVersionKind) int {
	if c := cmp.Compare(a.Group+"/"+a.Kind, b.Group+"/"+b.Kind); c != 0 {
		return c
	}
	return cmp.Compare(a.Version, b.Version)
}

// owner names the version that handles the compositions of groupKind
// labelled with version label: that version when it is served, else the
// newest served one.
func (c *Composer) owner(groupKind schema.GroupKind, label string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	newest, newestVersion := "", (*semver.Version)(nil)
	for gvk, chartVersion := range c.chartOf {
		if gvk.GroupKind() != groupKind {
			continue
		}
		if gvk.Version == label {
			return label
		}
		v, err := semver.NewVersion(chartVersion)
		if newest == "" || (err == nil && (newestVersion == nil || v.GreaterThan(newestVersion))) {
			newest, newestVersion = gvk.Version, v
		}
	}
	return newest
}

// Sync makes the running Releasers those of the versions Ready definitions
// serve, starting and stopping their controllers when the Composer runs in
// a manager, and returns the versions started and stopped.
func (c *Composer) Sync(ctx context.Context) ([]schema.GroupVersionKind, []schema.GroupVersionKind, error) {
	var started, stopped []schema.GroupVersionKind
	all, err := hub.For[*CompositionDefinition](c.hub).List(ctx, hub.AllNamespaces())
	if err != nil {
		return nil, nil, fmt.Errorf("compositions: listing the definitions: %w", err)
	}
	want := map[schema.GroupVersionKind]string{}
	for _, d := range all.Items {
		gv, err := schema.ParseGroupVersion(d.Status.APIVersion)
		if err != nil || d.Status.Kind == "" || d.DeletionTimestamp != nil ||
			!meta.IsStatusConditionTrue(d.Status.Conditions, reconcile.ReadyCondition) {
			continue
		}
		gvk := gv.WithKind(d.Status.Kind)
		want[gvk] = chartVersionOf(d, gvk.Version)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for gvk := range c.releasers {
		if _, ok := want[gvk]; !ok {
			if stop := c.stops[gvk]; stop != nil {
				stop()
			}
			if c.mgr != nil {
				obj := &unstructured.Unstructured{}
				obj.SetGroupVersionKind(gvk)
				_ = c.mgr.GetCache().RemoveInformer(ctx, obj)
			}
			delete(c.releasers, gvk)
			delete(c.stops, gvk)
			delete(c.chartOf, gvk)
			stopped = append(stopped, gvk)
		}
	}
	for gvk, chartVersion := range want {
		c.chartOf[gvk] = chartVersion
		if _, ok := c.releasers[gvk]; ok {
			continue
		}
		r, err := NewReleaser(c.hub, gvk, append(slices.Clone(c.opts), WithReleaseStore(c.s.releases), withOwner(c.owner))...)
		if err != nil {
			return started, stopped, err
		}
		if c.mgr != nil {
			if err := c.start(r); err != nil { //nolint:contextcheck // the controller runs in the manager's context, not the reconcile's
				return started, stopped, err
			}
		}
		c.releasers[gvk] = r
		started = append(started, gvk)
	}
	slices.SortFunc(started, compareGVK)
	slices.SortFunc(stopped, compareGVK)
	return started, stopped, nil
}

// chartVersionOf is the chart version d generated version from.
func chartVersionOf(d *CompositionDefinition, version string) string {
	if d.Status.Managed != nil {
		for _, v := range d.Status.Managed.VersionInfo {
			if v.Version == version && v.Chart != "" {
				return v.Chart
			}
		}
	}
	return d.Spec.Chart.Version
}

// start runs r's controller in the manager, until it is stopped.
func (c *Composer) start(r *Releaser) error {
	ctl, err := r.managed.NewController(c.mgr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(c.runCtx)
	c.stops[r.gvk] = cancel
	go func() {
		if err := ctl.Start(ctx); err != nil {
			logf.FromContext(ctx).Error(err, "the composition controller stopped", "kind", r.gvk)
		}
	}()
	return nil
}

// withOwner makes a Releaser ask owner which version handles a label.
func withOwner(owner func(schema.GroupKind, string) string) Option {
	return func(s *settings) { s.owner = owner }
}

// SetupWithManager runs the Composer in mgr: a controller of definitions
// that syncs the Releasers on every change, whose own controllers run
// until their version is no longer served or the manager stops.
func (c *Composer) SetupWithManager(mgr manager.Manager) error {
	ready := make(chan struct{})
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		c.mu.Lock()
		c.mgr, c.runCtx = mgr, ctx
		c.mu.Unlock()
		close(ready)
		<-ctx.Done()
		return nil
	})); err != nil {
		return fmt.Errorf("compositions: %w", err)
	}
	err := builder.ControllerManagedBy(mgr).Named("composition-kinds").For(&CompositionDefinition{}).
		Complete(ctrl.Func(func(ctx context.Context, _ ctrl.Request) (ctrl.Result, error) {
			select {
			case <-ready:
			case <-ctx.Done():
				return ctrl.Result{}, ctx.Err()
			}
			started, stopped, err := c.Sync(ctx)
			if len(started)+len(stopped) > 0 {
				logf.FromContext(ctx).Info("composition controllers", "started", started, "stopped", stopped)
			}
			return ctrl.Result{}, err
		}))
	if err != nil {
		return fmt.Errorf("compositions: setting up the composition kinds controller: %w", err)
	}
	return nil
}
