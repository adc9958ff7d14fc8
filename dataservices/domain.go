package dataservices

import (
	"context"
	"flag"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/secrets"
)

// Domain is the data services domain's registry entry: its types and CRDs,
// the Provisioner as an operator runs it, and a demo PostgREST service
// over the databases domain's demo user with a Dremio REST server.
var Domain = hub.Domain{
	Name:        "dataservices",
	AddToScheme: AddToScheme,
	CRDs:        CRDs,
	Reconcilers: func() hub.Reconcilers { return &reconcilerSettings{} },
	Kinds: []hub.Kind{
		{
			ID: "postgrests.operator.postgrest.org", Title: "PostgREST services", Object: &Postgrest{},
			Columns: []hub.Column{
				{Header: "Schema", Path: "spec.schema"}, {Header: "Tables", Path: "spec.tables"}, {Header: "Role", Path: "status.generatedAnonRole"},
				{Header: "Service URL", Value: func(obj client.Object) string {
					return ServiceURL(PostgrestObjectName(obj.GetName()), obj.GetNamespace())
				}},
			},
			SecretFields: []string{"spec.connection.password"},
			Check:        hub.CheckOf(checkPostgrestObject),
		},
		{
			ID: "dremiorestservers.operator.dremiorestserver.com", Title: "Dremio REST servers", Object: &DremioRestServer{},
			Columns: []hub.Column{
				{Header: "Tables", Path: "spec.tables"}, {Header: "Host", Path: "spec.connection.host"},
				{Header: "Service URL", Value: func(obj client.Object) string {
					return ServiceURL(DremioObjectName(obj.GetName()), obj.GetNamespace())
				}},
			},
			SecretFields: []string{"spec.connection.password"},
			Check:        hub.CheckOf(checkDremioObject),
		},
	},
	Demo: func(namespace string) []client.Object {
		// The databases domain's demo user "dashboard" reads the database
		// analytics through its reader group role.
		return []client.Object{
			NewPostgrest("analytics", WithAnonRole("analytics-reader"), WithSchema("curated"), WithConnectionSecret("dashboard-dashboard")).Build(namespace),
			NewDremioRestServer("lake-api", WithDremioTables("lake.sales", "lake.customers"),
				WithHost("dremio.dremio.svc", 0), WithCredentials("reporter", secrets.Plain("demo-dremio-password"))).Build(namespace),
		}
	},
}

// checkPostgrestObject makes CreatePostgrest's checks on a Postgrest written
// whole (by a REST API).
func checkPostgrestObject(ctx context.Context, c *hub.Client, p *Postgrest) (field.ErrorList, error) {
	return checkPostgrest(ctx, hub.For[*corev1.Secret](c), p)
}

// checkDremioObject makes CreateDremioRestServer's checks on a
// DremioRestServer written whole (by a REST API).
func checkDremioObject(ctx context.Context, c *hub.Client, d *DremioRestServer) (field.ErrorList, error) {
	return checkDremio(ctx, hub.For[*corev1.Secret](c), d)
}

// reconcilerSettings are the Provisioner's settings in an operator, named
// after the operators' environment. The PostgreSQL administrator's DSN is
// the databases domain's (HUBKIT_POSTGRES_DSN): PostgREST services run on
// the PostgreSQL the databases reconciler provisions.
type reconcilerSettings struct {
	dsn               string
	enabled           bool
	postgrest, dremio workloadFlags
}

// workloadFlags are one operator's workload settings as flags.
type workloadFlags struct {
	image, tag, serviceType                              string
	limitsCPU, limitsMemory, requestsCPU, requestsMemory string
}

// bind binds the flags of one operator, named prefix-*, whose environment
// variables start with env (POSTGREST, DRS).
func (w *workloadFlags) bind(fs *flag.FlagSet, getenv func(string) string, prefix, env string, def Workload) {
	or := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	fs.StringVar(&w.image, prefix+"-image", or(env+"_IMAGE", def.Image), "the image of the services ("+env+"_IMAGE)")
	fs.StringVar(&w.tag, prefix+"-image-tag", or(env+"_IMAGE_TAG", def.Tag), "the image's tag, also their version label ("+env+"_IMAGE_TAG)")
	fs.StringVar(&w.serviceType, prefix+"-service-type", or(env+"_SERVICE_TYPE", string(def.ServiceType)), "ClusterIP or NodePort ("+env+"_SERVICE_TYPE)")
	for _, r := range []struct {
		to         *string
		name, what string
	}{
		{&w.limitsCPU, "LIMITS_CPU", "CPU limit"}, {&w.limitsMemory, "LIMITS_MEMORY", "memory limit"},
		{&w.requestsCPU, "REQUESTS_CPU", "CPU request"}, {&w.requestsMemory, "REQUESTS_MEMORY", "memory request"},
	} {
		name := env + "_CONTAINER_" + r.name
		fs.StringVar(r.to, prefix+"-"+strings.ToLower(strings.ReplaceAll(r.name, "_", "-")), getenv(name), "the container's "+r.what+", a quantity; empty for none ("+name+")")
	}
}

// workload reads the flags: a quantity that does not parse, or a service
// type other than ClusterIP or NodePort, is an error (the operators
// panic on the first, refuse the second).
func (w *workloadFlags) workload(prefix string) (Workload, error) {
	out := Workload{Image: w.image, Tag: w.tag}
	switch strings.ToLower(w.serviceType) {
	case "clusterip":
		out.ServiceType = corev1.ServiceTypeClusterIP
	case "nodeport", "":
		out.ServiceType = corev1.ServiceTypeNodePort
	default:
		return Workload{}, fmt.Errorf("-%s-service-type %q: want ClusterIP or NodePort", prefix, w.serviceType)
	}
	for _, r := range []struct {
		list  *corev1.ResourceList
		name  corev1.ResourceName
		value string
		flag  string
	}{
		{&out.Resources.Limits, corev1.ResourceCPU, w.limitsCPU, "limits-cpu"}, {&out.Resources.Limits, corev1.ResourceMemory, w.limitsMemory, "limits-memory"},
		{&out.Resources.Requests, corev1.ResourceCPU, w.requestsCPU, "requests-cpu"}, {&out.Resources.Requests, corev1.ResourceMemory, w.requestsMemory, "requests-memory"},
	} {
		if r.value == "" {
			continue
		}
		q, err := resource.ParseQuantity(r.value)
		if err != nil {
			return Workload{}, fmt.Errorf("-%s-%s %q: not a quantity such as 500m or 128Mi", prefix, r.flag, r.value)
		}
		if *r.list == nil {
			*r.list = corev1.ResourceList{}
		}
		(*r.list)[r.name] = q
	}
	return out, nil
}

func (s *reconcilerSettings) BindFlags(fs *flag.FlagSet, getenv func(string) string) {
	s.dsn = getenv(databases.EnvPostgresDSN)
	fs.BoolVar(&s.enabled, "dataservices", getenv("HUBKIT_DATASERVICES") == "true",
		"reconcile Postgrest and DremioRestServer resources (HUBKIT_DATASERVICES); PostgREST roles for tables need "+databases.EnvPostgresDSN)
	s.postgrest.bind(fs, getenv, "postgrest", "POSTGREST", DefaultPostgrestWorkload)
	s.dremio.bind(fs, getenv, "drs", "DRS", DefaultDremioWorkload)
}

func (s *reconcilerSettings) Enabled() bool { return s.enabled }

func (s *reconcilerSettings) SetupWithManager(mgr manager.Manager, c *hub.Client) error {
	postgrest, err := s.postgrest.workload("postgrest")
	if err != nil {
		return fmt.Errorf("dataservices: %w", err)
	}
	dremio, err := s.dremio.workload("drs")
	if err != nil {
		return fmt.Errorf("dataservices: %w", err)
	}
	opts := []Option{WithPostgrestWorkload(postgrest), WithDremioWorkload(dremio)}
	var p *Provisioner
	if s.dsn != "" {
		p, err = NewProvisioner(c, s.dsn, opts...)
	} else {
		p, err = NewProvisionerOn(c, nil, opts...)
	}
	if err != nil {
		return err
	}
	// Close the PostgreSQL connections when the manager stops.
	return reconcile.SetupClosing(mgr, p.SetupWithManager, p.Close)
}
