package restapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestAnswerType(t *testing.T) {
	cases := map[string]struct {
		reason string
		accept []string
		want   string
	}{
		"None":           {reason: "JSON is the default.", want: "application/json"},
		"JSON":           {reason: "The console's usual Accept.", accept: []string{"application/json"}, want: "application/json"},
		"Anything":       {reason: "*/* is JSON.", accept: []string{"*/*"}, want: "application/json"},
		"XYAML":          {reason: "The console's YAML view.", accept: []string{"application/x-yaml"}, want: "application/x-yaml"},
		"TextYAML":       {reason: "text/yaml is YAML too, answered as text/yaml.", accept: []string{"text/yaml"}, want: "text/yaml"},
		"TextYML":        {reason: "And text/yml.", accept: []string{"text/yml"}, want: "text/yml"},
		"YAMLThenAny":    {reason: "A YAML type before */* wins.", accept: []string{"application/x-yaml, */*"}, want: "application/x-yaml"},
		"AnyThenYAML":    {reason: "The more specific range wins at the same quality.", accept: []string{"*/*, application/x-yaml"}, want: "application/x-yaml"},
		"JSONThenYAML":   {reason: "At the same quality and specificity, the first sent wins.", accept: []string{"application/json, application/x-yaml"}, want: "application/json"},
		"QualityForYAML": {reason: "Quality decides first.", accept: []string{"application/json;q=0.5, application/x-yaml"}, want: "application/x-yaml"},
		"YAMLRefused":    {reason: "q=0 refuses YAML.", accept: []string{"application/x-yaml;q=0"}, want: "application/json"},
		"TextWildcard":   {reason: "A wildcard never asks for YAML.", accept: []string{"text/*"}, want: "application/json"},
		"HTML":           {reason: "Nothing the API speaks: JSON.", accept: []string{"text/html"}, want: "application/json"},
		"TwoHeaders":     {reason: "Several Accept headers are one list.", accept: []string{"text/html", "application/x-yaml"}, want: "application/x-yaml"},
		"Garbage":        {reason: "An unreadable range is skipped.", accept: []string{"/;;, text/yaml"}, want: "text/yaml"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/k8s_pvc", nil)
			for _, a := range tc.accept {
				r.Header.Add("Accept", a)
			}
			if got := answerType(r); got != tc.want {
				t.Errorf("\nReason: %s\nanswerType(%q) = %q, want %q", tc.reason, tc.accept, got, tc.want)
			}
		})
	}
}
