package dataservices

import (
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// TestReconcilerSettings checks the operator's settings: the operators'
// environment variables are the flags' defaults, flags win, quantities and
// service types are checked.
func TestReconcilerSettings(t *testing.T) {
	cases := map[string]struct {
		reason         string
		env            map[string]string
		args           []string
		postgrest, drs Workload
		err            string
		enabled        bool
	}{
		"Defaults": {
			reason:    "Nothing set: the operators' images at latest, ClusterIP Services, no resources, off.",
			postgrest: DefaultPostgrestWorkload, drs: DefaultDremioWorkload,
		},
		"Environment": {
			reason: "The operators' environment variables set everything, as on their Deployments.",
			env: map[string]string{
				"HUBKIT_DATASERVICES": "true", "POSTGREST_IMAGE": "registry.local/postgrest", "POSTGREST_IMAGE_TAG": "v12.2.3",
				"POSTGREST_SERVICE_TYPE": "NodePort", "POSTGREST_CONTAINER_LIMITS_CPU": "1000m", "POSTGREST_CONTAINER_REQUESTS_MEMORY": "128Mi",
				"DRS_IMAGE_TAG": "1.2.0",
			},
			enabled: true,
			postgrest: Workload{Image: "registry.local/postgrest", Tag: "v12.2.3", ServiceType: corev1.ServiceTypeNodePort, Resources: corev1.ResourceRequirements{
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1000m")},
				Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")},
			}},
			drs: Workload{Image: DefaultDremioWorkload.Image, Tag: "1.2.0", ServiceType: corev1.ServiceTypeClusterIP},
		},
		"FlagsWin": {
			reason:    "A flag wins over its environment variable.",
			env:       map[string]string{"POSTGREST_IMAGE_TAG": "v11"},
			args:      []string{"-postgrest-image-tag=v12", "-drs-service-type=nodeport"},
			postgrest: Workload{Image: DefaultPostgrestWorkload.Image, Tag: "v12", ServiceType: corev1.ServiceTypeClusterIP},
			drs:       Workload{Image: DefaultDremioWorkload.Image, Tag: "latest", ServiceType: corev1.ServiceTypeNodePort},
		},
		"BadQuantity": {
			reason: "A quantity that does not parse is an error naming the flag (the operator panics).",
			env:    map[string]string{"DRS_CONTAINER_LIMITS_MEMORY": "lots"},
			err:    "-drs-limits-memory",
		},
		"BadServiceType": {
			reason: "Only ClusterIP and NodePort, as the operators allow.",
			args:   []string{"-postgrest-service-type=LoadBalancer"},
			err:    "want ClusterIP or NodePort",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var s reconcilerSettings
			fs := flag.NewFlagSet("operator", flag.ContinueOnError)
			s.BindFlags(fs, func(k string) string { return tc.env[k] })
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			postgrest, perr := s.postgrest.workload("postgrest")
			drs, derr := s.dremio.workload("drs")
			if tc.err != "" {
				if (perr == nil || !strings.Contains(perr.Error(), tc.err)) && (derr == nil || !strings.Contains(derr.Error(), tc.err)) {
					t.Errorf("\nReason: %s\nerrors %v, %v; want one with %q", tc.reason, perr, derr, tc.err)
				}
				return
			}
			if perr != nil || derr != nil {
				t.Fatalf("\nReason: %s\nerrors %v, %v", tc.reason, perr, derr)
			}
			if diff := cmp.Diff([]Workload{tc.postgrest, tc.drs}, []Workload{postgrest, drs}); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if s.Enabled() != tc.enabled {
				t.Errorf("\nReason: %s\nEnabled() = %t, want %t", tc.reason, s.Enabled(), tc.enabled)
			}
		})
	}
}
