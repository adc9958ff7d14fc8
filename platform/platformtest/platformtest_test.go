package platformtest_test

import (
	"context"
	"flag"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/workloads"
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
	if d, err := p.Workloads().Deployments(ctx); err != nil || len(d) != 4 || slices.ContainsFunc(d, func(d workloads.DeploymentInfo) bool { return d.Available != 1 }) {
		t.Errorf("deployments = %+v, %v; want four available: two workspaces, the PostgREST and Dremio services'", d, err)
	}
	postgrest, err := p.DataServices().GetPostgrest(ctx, "analytics")
	if err != nil || !postgrest.Readiness().Ready {
		t.Errorf("the demo PostgREST service = %+v, %v; want it Running through the simulated operator", postgrest, err)
	}
	gw, err := p.Gateways().GetApiGw(ctx, "analytics-api")
	if err != nil || !gw.Readiness().Ready || gw.Status.Hash != gateway.CredentialHash("analyst", "demo-gateway-password") {
		t.Errorf("the demo gateway = %+v, %v; want it Ready through the simulated operator, with the hash of its credentials", gw, err)
	}
	dremio, err := p.DataServices().GetDremioRestServer(ctx, "lake-api")
	if err != nil || !dremio.Readiness().Ready {
		t.Errorf("the demo Dremio REST server = %+v, %v; want it Running through the simulated operator", dremio, err)
	}
	u, err := p.Databases().GetUser(ctx, "dashboard")
	if err != nil || !u.Readiness().Ready {
		t.Errorf("the demo database user = %+v, %v; want it ready through the simulated operator", u, err)
	}
	ou, err := p.ObjectStore().GetUser(ctx, "etl")
	if err != nil || !ou.Readiness().Ready {
		t.Errorf("the demo object store user = %+v, %v; want Ready", ou, err)
	}
}

// TestEveryDomainIsWired proves that each domain in the platform's registry
// reaches every place that assembles domains: the scheme, the CRD set (which
// the e2e setup and the REST API's custom-resource routes install and serve),
// a simulator on the embedded cluster, the demo data, and the operator's
// reconcilers and flags.
func TestEveryDomainIsWired(t *testing.T) {
	ctx := t.Context()
	scheme, err := platform.NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	_, f, err := platformtest.NewEmbedded(ctx, platform.DemoNamespace, true)
	if err != nil {
		t.Fatal(err)
	}
	all := platform.CRDs()
	reconcilers := platform.NewReconcilers()
	for _, d := range platform.Domains() {
		t.Run(d.Name, func(t *testing.T) {
			for _, kind := range d.Kinds {
				gvk, err := hub.GroupVersionKindOf(scheme, kind.Object)
				if err != nil {
					t.Errorf("kind %s: %v", kind.ID, err)
					continue
				}
				if got, ok := platform.KindOf(gvk.GroupKind()); !ok || got.ID != kind.ID {
					t.Errorf("platform.KindOf(%s) = %+v, %v; want kind %s", gvk.GroupKind(), got, ok, kind.ID)
				}
			}
			if d.CRDs != nil {
				checkKinds(ctx, t, d, all, scheme, f)
			}
			if d.Demo != nil {
				for _, obj := range d.Demo(platform.DemoNamespace) {
					gvk, err := hub.GroupVersionKindOf(scheme, obj)
					if err != nil {
						t.Fatal(err)
					}
					got := &unstructured.Unstructured{}
					got.SetGroupVersionKind(gvk)
					if err := f.Client().Get(ctx, client.ObjectKeyFromObject(obj), got); err != nil {
						t.Errorf("demo %s %s is not on the embedded cluster: %v", gvk.Kind, client.ObjectKeyFromObject(obj), err)
					}
				}
			}
			if d.Reconcilers != nil {
				if !slices.Contains(reconcilers.Domains(), d.Name) {
					t.Errorf("the operator's reconcilers leave out %s", d.Name)
				}
				fs := flag.NewFlagSet(d.Name, flag.ContinueOnError)
				d.Reconcilers().BindFlags(fs, func(string) string { return "" })
				n := 0
				fs.VisitAll(func(*flag.Flag) { n++ })
				if n == 0 {
					t.Errorf("domain %s's reconcilers bind no flag", d.Name)
				}
			}
		})
	}
}

// checkKinds checks that the kinds of d are in the platform's CRDs and
// scheme, served by the embedded cluster f, and simulated there.
func checkKinds(ctx context.Context, t *testing.T, d hub.Domain, all []*apiextensionsv1.CustomResourceDefinition, scheme *runtime.Scheme, f *hubtest.Fake) {
	t.Helper()
	crds := d.CRDs()
	if len(crds) == 0 {
		t.Error("CRDs returns none")
	}
	for _, crd := range crds {
		if !slices.ContainsFunc(all, func(c *apiextensionsv1.CustomResourceDefinition) bool { return c.Name == crd.Name }) {
			t.Errorf("CRD %s is missing from platform.CRDs", crd.Name)
		}
		// The REST API and the UI describe a kind by its registry entry:
		// its title, its columns, its checks, its secret fields.
		kind, ok := platform.KindOf(schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind})
		if !ok || kind.ID != crd.Name || kind.Title == "" {
			t.Errorf("CRD %s has no hub.Kind in the domain's Kinds with its name as ID and a title: %+v", crd.Name, kind)
		}
		for _, v := range crd.Spec.Versions {
			gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
			if !scheme.Recognizes(gvk) {
				t.Errorf("the platform's scheme does not know %s", gvk)
			}
			list := &unstructured.UnstructuredList{}
			list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
			if err := f.Client().List(ctx, list); err != nil {
				t.Errorf("the embedded cluster does not serve %s: %v", gvk, err)
			}
		}
	}
	if d.Reconcilers != nil && !platformtest.HasSimulator(d.Name) {
		t.Errorf("domain %s has reconcilers but no simulator in platformtest", d.Name)
	}
}

// The operator's settings: each domain's reconcilers are off until their
// settings turn them on, from flags or the upstream operators' environment.
func TestReconcilersFromFlagsAndEnvironment(t *testing.T) {
	cases := map[string]struct {
		reason string
		env    map[string]string
		args   []string
		want   []string
	}{
		"Nothing": {reason: "without settings every reconciler is off", want: nil},
		"Environment": {reason: "the DSN and MinIO's endpoint come from the environment",
			env: map[string]string{databases.EnvPostgresDSN: "postgres://a@b/c", "MINIO_ENDPOINT": "minio:9000"}, want: []string{"databases", "objectstore"}},
		"Flag": {reason: "a flag turns MinIO's reconcilers on", args: []string{"-minio-endpoint", "minio:9000", "-minio-empty-bucket-on-delete"}, want: []string{"objectstore"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := platform.NewReconcilers()
			fs := flag.NewFlagSet("operator", flag.ContinueOnError)
			r.BindFlags(fs, func(k string) string { return tc.env[k] })
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, r.Enabled()); diff != "" {
				t.Errorf("\nReason: %s\nEnabled: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestFacadePassesDomainOptions(t *testing.T) {
	ctx := t.Context()
	const ns = "team-a"
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "creds"},
		Data: map[string][]byte{
			databases.KeyHostname: []byte("pg"), databases.KeyPort: []byte("5432"), databases.KeyDatabaseName: []byte("shop"),
			databases.KeyRole: []byte("viewer-abc123"), databases.KeyLogin: []byte("viewer-abc123"), databases.KeyPassword: []byte("pw"),
			databases.KeyURL: []byte("postgresql://viewer-abc123:pw@pg:5432/shop"), databases.KeyJDBCURL: []byte("jdbc:postgresql://pg:5432/shop"),
		},
	}
	user := databases.NewUser("viewer", "shop", databases.WithSecretName("creds")).Build(ns)
	cases := map[string]struct {
		reason   string
		opts     []platform.Option
		wantHost string
	}{
		"KeepSecretName": {
			reason:   "On a cluster whose operator keeps secret names, ConnectionInfo reads the Secret called <secretName>.",
			opts:     []platform.Option{platform.WithDatabases(databases.KeepSecretName())},
			wantHost: "pg",
		},
		"Default": {
			reason: "Without the option it reads <secretName>-<user>, which this cluster does not have.",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, f, err := platformtest.NewEmbedded(ctx, ns, false, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			for _, obj := range []client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, secret.DeepCopy(), user.DeepCopy()} {
				if err := f.Client().Create(ctx, obj); err != nil {
					t.Fatal(err)
				}
			}
			if keeps := p.Databases().KeepsSecretNames(); keeps != (tc.wantHost != "") {
				t.Errorf("\nReason: %s\nKeepsSecretNames = %v", tc.reason, keeps)
			}
			info, err := p.Databases().ConnectionInfo(ctx, "viewer")
			if tc.wantHost == "" {
				if !hub.IsNotFound(err) || !strings.Contains(err.Error(), "creds-viewer") {
					t.Errorf("\nReason: %s\nConnectionInfo = %v, %v; want NotFound for creds-viewer", tc.reason, info, err)
				}
				return
			}
			if err != nil || info.Host != tc.wantHost || info.Password.Reveal() != "pw" {
				t.Errorf("\nReason: %s\nConnectionInfo = %v, %v", tc.reason, info, err)
			}
		})
	}
}
