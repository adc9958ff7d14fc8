package platformtest_test

import (
	"testing"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/platformtest"
)

func TestEmbeddedDemo(t *testing.T) {
	ctx := t.Context()
	p, _, err := platformtest.NewEmbedded(ctx, platform.DemoNamespace, true)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := p.Storage().List(ctx)
	if err != nil || len(claims) != 2 {
		t.Errorf("claims = %v, %v; want the two demo claims", claims, err)
	}
	for _, c := range claims {
		if c.Phase != "Bound" {
			t.Errorf("claim %s is %s, want Bound", c.Name, c.Phase)
		}
	}
	if s, err := p.Secrets().List(ctx); err != nil || len(s) < 2 {
		t.Errorf("secrets = %d, %v", len(s), err)
	}
	if d, err := p.Workloads().Deployments(ctx); err != nil || len(d) != 2 || d[0].Available != 1 {
		t.Errorf("deployments = %+v, %v; want two available", d, err)
	}
	u, err := p.Databases().User(ctx, "dashboard")
	if err != nil || !databases.UserSummary(u).Ready {
		t.Errorf("the demo database user = %+v, %v; want it ready through the simulated operator", u, err)
	}
	ou, err := p.ObjectStore().User(ctx, "etl")
	if err != nil || !objectstore.IsReady(ou.Status) {
		t.Errorf("the demo object store user = %+v, %v; want Ready", ou, err)
	}
	if got := (platform.ReconcilerSettings{PostgresDSN: "x", MinIOEndpoint: "y"}).Enabled(); len(got) != 2 {
		t.Errorf("Enabled() = %v", got)
	}
	if len(platform.CRDs()) != 5 {
		t.Errorf("CRDs() = %d, want 5", len(platform.CRDs()))
	}
}
