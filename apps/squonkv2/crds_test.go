package squonkv2_test

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/hubkit-dev/hubkit/apps/squonkv2"
)

// upstreamSpecFields are the fields of spec.imDataManager in the Squonk2
// operator's own CRD (roles/operator/templates/crd.yaml.j2), with their
// types.
var upstreamSpecFields = []string{
	"image string", "ingressProxyBodySize string", "labels array", "labels[] string",
	"notebook object", "notebook.interface string",
	"project object", "project.claimName string", "project.id string",
	"resources object", "resources.limits object", "resources.limits.cpu string", "resources.limits.memory string", "resources.limits.storage string",
	"resources.requests object", "resources.requests.cpu string", "resources.requests.memory string", "resources.requests.storage string",
	"securityContext object", "securityContext.fsGroup integer", "securityContext.runAsGroup integer", "securityContext.runAsUser integer",
	"serviceAccountName string", "taskId string",
}

// TestCRDMatchesUpstream: the generated CRD is the operator's: group,
// version, kind, scope, every spec field with its type, a status that
// keeps any field, no status subresource, and the contract's marks.
func TestCRDMatchesUpstream(t *testing.T) {
	crd := squonkv2.CRDs()[0]
	v := crd.Spec.Versions[0]
	got := []string{crd.Name, crd.Spec.Group, v.Name, crd.Spec.Names.Kind, string(crd.Spec.Scope)}
	if diff := cmp.Diff([]string{"jupyternotebooks.squonk.it", "squonk.it", "v2", "JupyterNotebook", "Namespaced"}, got); diff != "" {
		t.Errorf("names: -want, +got:\n%s", diff)
	}
	var fields []string
	var walk func(prefix string, s apiextensionsv1.JSONSchemaProps)
	walk = func(prefix string, s apiextensionsv1.JSONSchemaProps) {
		for name, p := range s.Properties {
			path := prefix + name
			fields = append(fields, path+" "+p.Type)
			walk(path+".", p)
		}
		if s.Items != nil && s.Items.Schema != nil {
			fields = append(fields, prefix[:len(prefix)-1]+"[] "+s.Items.Schema.Type)
		}
	}
	walk("", v.Schema.OpenAPIV3Schema.Properties["spec"].Properties["imDataManager"])
	sort.Strings(fields)
	if diff := cmp.Diff(upstreamSpecFields, fields); diff != "" {
		t.Errorf("spec.imDataManager: -upstream, +generated:\n%s", diff)
	}
	status := v.Schema.OpenAPIV3Schema.Properties["status"]
	if status.XPreserveUnknownFields == nil || !*status.XPreserveUnknownFields {
		t.Error("status does not keep unknown fields: kopf writes its own there")
	}
	if v.Subresources != nil && v.Subresources.Status != nil {
		t.Error("a status subresource: the operator writes status through the object, as its CRD has none")
	}
	if crd.Annotations["data-manager.informaticsmatters.com/application"] != "yes" ||
		crd.Annotations["data-manager.informaticsmatters.com/application-url-location"] != "jupyter.notebook.url" {
		t.Errorf("annotations %v: want the application contract's", crd.Annotations)
	}
}
