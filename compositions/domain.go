package compositions

import (
	"flag"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

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
	Demo: func(namespace string) []client.Object {
		out := make([]client.Object, 0, 2)
		for _, version := range []string{"1.0.0", "2.0.0"} {
			out = append(out, &CompositionDefinition{
				TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "CompositionDefinition"},
				ObjectMeta: metav1.ObjectMeta{Name: "webapp-" + version[:1], Namespace: namespace},
				Spec:       CompositionDefinitionSpec{Chart: ChartSpec{URL: DemoChartURL, Version: version}},
			})
		}
		return out
	},
	Kinds: []hub.Kind{{
		ID: "compositiondefinitions.compositions.hubkit.dev", Title: "Composition definitions", Object: &CompositionDefinition{},
		Columns: []hub.Column{
			{Header: "Chart", Path: "spec.chart.url"},
			{Header: "Version", Path: "spec.chart.version"},
			{Header: "Kind", Path: "status.kind"},
			{Header: "Served versions", Value: servedVersionsText},
		},
	}},
}

// servedVersionsText lists the versions of a definition's kind that its
// CRD serves, each with its chart version: "v1-0-0 (1.0.0), v2-0-0 (2.0.0)".
func servedVersionsText(obj client.Object) string {
	d, ok := obj.(*CompositionDefinition)
	if !ok || d.Status.Managed == nil {
		return ""
	}
	var parts []string
	for _, v := range d.Status.Managed.VersionInfo {
		if v.Served {
			parts = append(parts, v.Version+" ("+v.Chart+")")
		}
	}
	return strings.Join(parts, ", ")
}

// DemoChartURL is where the demo definitions find their chart: an OCI
// reference only the embedded cluster's simulated operator serves
// (compositionstest.DemoCharts), versions 1.0.0 and 2.0.0 of "webapp".
const DemoChartURL = "oci://charts.hubkit.example/demo/webapp"

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
