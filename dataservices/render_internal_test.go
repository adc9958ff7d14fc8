package dataservices

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// sized is a workload as the operators' own installation manifests run
// it: a pinned tag, NodePort Services, their resources.
func sized(w Workload, tag string) Workload {
	w.Tag, w.ServiceType = tag, corev1.ServiceTypeNodePort
	w.Resources = corev1.ResourceRequirements{
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1000m"), corev1.ResourceMemory: resource.MustParse("512Mi")},
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
	}
	return w
}

// The rendered objects are kept as golden files (update them with
// HUBKIT_UPDATE_GOLDEN=1), checked field by field against the operators'
// code once.
func TestRenderGolden(t *testing.T) {
	postgrest := &Postgrest{
		ObjectMeta: metav1.ObjectMeta{Name: "items-api", Namespace: "team-a"},
		Spec:       PostgrestSpec{Tables: []string{"items"}, Grants: "SELECT"},
	}
	curated := postgrest.DeepCopy()
	curated.Spec.Schema = "curated"
	dremio := &DremioRestServer{
		ObjectMeta: metav1.ObjectMeta{Name: "lake-api", Namespace: "team-a"},
		Spec:       DremioRestServerSpec{Tables: "lake.sales,lake.customers"},
	}
	const pgURI = "postgresql://api-x1y2z3:s3cret@postgres.databases.svc:5432/shop?sslmode=disable"
	const dremioURI = "dremio.dremio.svc:32010?user=reporter&password=s3cret"
	cases := map[string][]client.Object{
		"postgrest-default":         renderPostgrest(postgrest, DefaultPostgrestWorkload, pgURI, AnonRoleName(postgrest.Name)),
		"postgrest-nodeport-sized":  renderPostgrest(curated, sized(DefaultPostgrestWorkload, "v12.2.3"), pgURI, "web_anon"),
		"dremiorestserver-default":  renderDremio(dremio, DefaultDremioWorkload, dremioURI),
		"dremiorestserver-nodeport": renderDremio(dremio, sized(DefaultDremioWorkload, "1.0.0"), dremioURI),
	}
	for name, objs := range cases {
		t.Run(name, func(t *testing.T) {
			hubtest.ExpectGolden(t, name, objs...)
		})
	}
}

// What the operators render, as their code has it: the facts the golden
// files were checked against, here as assertions that survive an update of
// the golden files.
func TestRenderMatchesTheOperators(t *testing.T) {
	type rendered struct {
		Names            []string
		Labels, Selector map[string]string
		SecretKeys       []string
		Image            string
		Command          []string
		Env              []corev1.EnvVar
		Container        *corev1.SecurityContext
		Pod              *corev1.PodSecurityContext
		Ports            []corev1.ServicePort
		ServiceType      corev1.ServiceType
	}
	summarize := func(objs []client.Object) rendered {
		var r rendered
		for _, o := range objs {
			r.Names = append(r.Names, o.GetObjectKind().GroupVersionKind().Kind+"/"+o.GetNamespace()+"/"+o.GetName())
			switch o := o.(type) {
			case *corev1.Secret:
				r.Labels = o.Labels
				for k := range o.Data {
					r.SecretKeys = append(r.SecretKeys, k)
				}
			case *appsv1.Deployment:
				c := o.Spec.Template.Spec.Containers[0]
				r.Image, r.Command, r.Env, r.Container, r.Pod = c.Image, c.Command, c.Env, c.SecurityContext, o.Spec.Template.Spec.SecurityContext
				if !cmp.Equal(o.Labels, r.Labels) || !cmp.Equal(o.Spec.Template.Labels, r.Labels) {
					t.Errorf("the Deployment's labels %v and its pods' %v differ from the Secret's %v", o.Labels, o.Spec.Template.Labels, r.Labels)
				}
				r.Selector = o.Spec.Selector.MatchLabels
			case *corev1.Service:
				r.Ports, r.ServiceType = o.Spec.Ports, o.Spec.Type
				if !cmp.Equal(o.Spec.Selector, r.Selector) {
					t.Errorf("the Service's selector %v differs from the Deployment's %v", o.Spec.Selector, r.Selector)
				}
			}
		}
		return r
	}
	secretEnv := func(name, secret, key string) corev1.EnvVar {
		f := false
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key, Optional: &f,
		}}}
	}
	yes, no, uid := true, false, int64(1001)
	pod := &corev1.PodSecurityContext{RunAsNonRoot: &yes, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	dropAll := &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}

	cases := map[string]struct {
		reason string
		objs   []client.Object
		want   rendered
	}{
		"Postgrest": {
			reason: "postgrest-<name>: Secret postgresUri; postgrest container, command postgrest, uid 1001; env URI, schemas (public by default), anon role; Service 3000 to 3000.",
			objs: renderPostgrest(&Postgrest{ObjectMeta: metav1.ObjectMeta{Name: "items-api", Namespace: "team-a"}},
				sized(DefaultPostgrestWorkload, "v11.1.0"), "postgresql://a:b@c/d", "items_api_postgrest_role"),
			want: rendered{
				Names: []string{"Secret/team-a/postgrest-items-api", "Deployment/team-a/postgrest-items-api", "Service/team-a/postgrest-items-api"},
				Labels: map[string]string{
					"app.kubernetes.io/name": "Postgrest", "app.kubernetes.io/instance": "items-api", "app.kubernetes.io/managed-by": "postgrest-operator",
					"app.kubernetes.io/version": "v11.1.0", "app.kubernetes.io/part-of": "postgrest",
				},
				Selector: map[string]string{
					"app.kubernetes.io/name": "Postgrest", "app.kubernetes.io/instance": "items-api", "app.kubernetes.io/managed-by": "postgrest-operator",
				},
				SecretKeys: []string{"postgresUri"},
				Image:      "postgrest/postgrest:v11.1.0",
				Command:    []string{"postgrest"},
				Env: []corev1.EnvVar{
					secretEnv("PGRST_DB_URI", "postgrest-items-api", "postgresUri"),
					{Name: "PGRST_DB_SCHEMAS", Value: "public"},
					{Name: "PGRST_DB_ANON_ROLE", Value: "items_api_postgrest_role"},
				},
				Container:   &corev1.SecurityContext{RunAsNonRoot: &yes, RunAsUser: &uid, AllowPrivilegeEscalation: &no, Capabilities: dropAll},
				Pod:         pod,
				Ports:       []corev1.ServicePort{{Protocol: corev1.ProtocolTCP, Port: 3000, TargetPort: intstr.FromInt32(3000)}},
				ServiceType: corev1.ServiceTypeNodePort,
			},
		},
		"DremioRestServer": {
			reason: "dremiorestserver-<name>: Secret dremioUri; dremiorestserver container, no command, no uid; env URL, tables as they are; Service 3000 to 8080.",
			objs: renderDremio(&DremioRestServer{ObjectMeta: metav1.ObjectMeta{Name: "lake-api", Namespace: "team-a"}, Spec: DremioRestServerSpec{Tables: "a.b, c.d"}},
				DefaultDremioWorkload, "dremio?user=u&password=p"),
			want: rendered{
				Names: []string{"Secret/team-a/dremiorestserver-lake-api", "Deployment/team-a/dremiorestserver-lake-api", "Service/team-a/dremiorestserver-lake-api"},
				Labels: map[string]string{
					"app.kubernetes.io/name": "DremioRestServer", "app.kubernetes.io/instance": "lake-api", "app.kubernetes.io/managed-by": "dremiorestserver-operator",
					"app.kubernetes.io/version": "latest", "app.kubernetes.io/part-of": "dremiorestserver",
				},
				Selector: map[string]string{
					"app.kubernetes.io/name": "DremioRestServer", "app.kubernetes.io/instance": "lake-api", "app.kubernetes.io/managed-by": "dremiorestserver-operator",
				},
				SecretKeys: []string{"dremioUri"},
				Image:      "ghcr.io/scc-digitalhub/dremio-rest-server:latest",
				Env: []corev1.EnvVar{
					secretEnv("DREMIO_URL", "dremiorestserver-lake-api", "dremioUri"),
					{Name: "DREMIO_TABLES", Value: "a.b, c.d"},
				},
				Container:   &corev1.SecurityContext{AllowPrivilegeEscalation: &no, Capabilities: dropAll},
				Pod:         pod,
				Ports:       []corev1.ServicePort{{Protocol: corev1.ProtocolTCP, Port: 3000, TargetPort: intstr.FromInt32(8080)}},
				ServiceType: corev1.ServiceTypeClusterIP,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, summarize(tc.objs)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
