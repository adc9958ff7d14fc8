package tenancy

import (
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

// FuzzValidateTenant checks that no tenant, given as the JSON a user may
// write, makes the validation, the labels or the rendering panic; that
// every error has a path of the resource; and that a tenant found valid is
// one the reconciler can serve: its labels are valid label keys and
// values, and every object it renders has a valid name and namespace.
func FuzzValidateTenant(f *testing.F) {
	f.Add("ada.lovelace", `{"firstName":"Ada","lastName":"Lovelace","email":"ada@hubkit.example","workspaces":[{"name":"ml","role":"manager"}]}`)
	f.Add("alan", `{"firstName":"Alan","lastName":"Turing","email":"alan@hubkit.example","quota":{"cpu":"2","memory":"4Gi","instances":3,"extra":{"nvidia.com/gpu":"1"}},"personalStorage":"Delete"}`)
	f.Add("Bad_Name", `{"firstName":" ","email":"a@b","workspaces":[{"name":"","role":"owner"},{"name":"x","role":"user"},{"name":"x","role":"user"}]}`)
	f.Add(strings.Repeat("n", 60), `{"firstName":"Ünïcödé ✓","lastName":"--__--","email":"n@n.io","workspaces":[{"name":"`+strings.Repeat("w", 60)+`","role":"user"}]}`)
	f.Add("q", `{"firstName":"Q","lastName":"Q","email":"q@q.io","quota":{"cpu":"-1","instances":-2,"extra":{"bad key!":"1"}},"personalStorage":"Keep"}`)
	f.Fuzz(func(t *testing.T, name, specJSON string) {
		var spec TenantSpec
		if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
			return
		}
		errs := validateTenant(name, spec)
		for _, err := range errs {
			if !strings.HasPrefix(err.Field, "spec.") && err.Field != "metadata.name" {
				t.Fatalf("error %v has no path of the resource", err)
			}
		}
		tenant := &Tenant{Spec: spec}
		tenant.Name = name
		setTenantLabels(tenant)
		if len(errs) > 0 {
			return
		}
		for k, v := range tenant.Labels {
			if msgs := append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...); len(msgs) > 0 {
				t.Fatalf("valid tenant %q gets the label %s=%s: %v", name, k, v, msgs)
			}
		}
		q, _ := EffectiveQuota(tenant, nil, DefaultCaps)
		details := reconcile.Details{}.With(detailVolumeType, VolumeTypeNFS).With(detailPath, "/x")
		for _, obj := range tenantChildren(tenant, &q, nil, details) {
			for _, msg := range validation.IsDNS1123Subdomain(obj.GetName()) {
				t.Fatalf("valid tenant %q renders %T %q: %s", name, obj, obj.GetName(), msg)
			}
			if ns := obj.GetNamespace(); ns != "" {
				for _, msg := range validation.IsDNS1123Label(ns) {
					t.Fatalf("valid tenant %q renders %T in namespace %q: %s", name, obj, ns, msg)
				}
			}
		}
		if claim := ClaimName(name); len(validation.IsDNS1123Subdomain(claim)) > 0 {
			t.Fatalf("valid tenant %q has the claim name %q", name, claim)
		}
	})
}

// FuzzValidateWorkspace checks that no workspace makes the validation or
// the rendering panic, that every error has a path of the resource, and
// that a valid workspace renders objects with valid names.
func FuzzValidateWorkspace(f *testing.F) {
	f.Add("ml", `{"prettyName":"Machine learning","quota":{"cpu":"4","memory":"8Gi","instances":2}}`)
	f.Add("Bad.Name", `{"prettyName":"","quota":{"storage":"-1Gi"}}`)
	f.Add(strings.Repeat("w", 54), `{"prettyName":"long"}`)
	f.Fuzz(func(t *testing.T, name, specJSON string) {
		var spec WorkspaceSpec
		if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
			return
		}
		errs := validateWorkspace(name, spec)
		for _, err := range errs {
			if !strings.HasPrefix(err.Field, "spec.") && err.Field != "metadata.name" {
				t.Fatalf("error %v has no path of the resource", err)
			}
		}
		if len(errs) > 0 {
			return
		}
		w := &Workspace{Spec: spec}
		w.Name = name
		for _, obj := range workspaceChildren(w) {
			for _, msg := range validation.IsDNS1123Subdomain(obj.GetName()) {
				t.Fatalf("valid workspace %q renders %T %q: %s", name, obj, obj.GetName(), msg)
			}
		}
		if key := LabelWorkspacePrefix + name; len(validation.IsQualifiedName(key)) > 0 {
			t.Fatalf("valid workspace %q makes the tenant label %q", name, key)
		}
	})
}
