package compositions

import (
	"flag"

	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/hub"
)

// Domain is the compositions domain's registry entry: the
// CompositionDefinition type and CRD, and the Provisioner as an operator
// runs it.
var Domain = hub.Domain{
	Name:        domainName,
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Reconcilers: func() hub.Reconcilers { return &reconcilerSettings{} },
	Kinds: []hub.Kind{{
		ID: "compositiondefinitions.compositions.hubkit.dev", Title: "Composition definitions", Object: &CompositionDefinition{},
		Columns: []hub.Column{
			{Header: "Chart", Path: "spec.chart.url"},
			{Header: "Version", Path: "spec.chart.version"},
			{Header: "Kind", Path: "status.kind"},
		},
	}},
}

// reconcilerSettings are the Provisioner's settings in an operator.
type reconcilerSettings struct {
	enabled bool
	group   string
}

func (s *reconcilerSettings) BindFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.BoolVar(&s.enabled, "compositions", getenv("HUBKIT_COMPOSITIONS") == "true", "reconcile CompositionDefinitions (charts published as APIs) and their compositions, each a Helm release (HUBKIT_COMPOSITIONS)")
	fs.StringVar(&s.group, "composition-group", DefaultGroup, "the API group of the kinds generated from charts")
}

func (s *reconcilerSettings) Enabled() bool { return s.enabled }

func (s *reconcilerSettings) SetupWithManager(mgr manager.Manager, c *hub.Client) error {
	p, err := NewProvisioner(c, WithGroup(s.group))
	if err != nil {
		return err
	}
	if err := p.SetupWithManager(mgr); err != nil {
		return err
	}
	composer, err := NewComposer(c, WithGroup(s.group))
	if err != nil {
		return err
	}
	return composer.SetupWithManager(mgr)
}
