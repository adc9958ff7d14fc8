package compositionstest

import (
	"fmt"
	"strings"

	"github.com/hubkit-dev/hubkit/compositions"
)

// WebappSchema is the values.schema.json of version 1.0.0 or 2.0.0 of
// the example chart "webapp": 1.0.0 knows replicas, message, extra and
// legacy; 2.0.0 allows at most 5 replicas, adds tier and drops legacy, so
// that a move from one to the other can be refused.
func WebappSchema(version string) []byte {
	if version == webappV2 {
		return []byte(`{
  "type": "object",
  "properties": {
    "replicas": {"type": "integer", "default": 1, "minimum": 0, "maximum": 5},
    "message": {"type": "string", "default": "hello"},
    "extra": {"type": "boolean", "default": false},
    "tier": {"type": "string", "enum": ["small", "large"], "default": "small"}
  }
}`)
	}
	return []byte(`{
  "type": "object",
  "properties": {
    "replicas": {"type": "integer", "default": 1, "minimum": 0},
    "message": {"type": "string", "default": "hello"},
    "extra": {"type": "boolean", "default": false},
    "legacy": {"type": "string"}
  }
}`)
}

// WebappTemplates are the templates of the example chart "webapp": a
// Deployment, its Service and a ConfigMap named after the release, a
// cluster-scoped PriorityClass named after the namespace and the release,
// and, when the value extra is true, a Secret (a kind nothing else
// renders). Version 2.0.0 labels the Deployment with its tier.
func WebappTemplates(version string) map[string]string {
	tier := ""
	if version == webappV2 {
		tier = "\n    tier: {{ .Values.tier }}"
	}
	return map[string]string{
		"deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app: {{ .Release.Name }}` + tier + `
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`,
		"service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app: {{ .Release.Name }}
  ports:
  - port: 80
`,
		"configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-message
data:
  message: {{ .Values.message | quote }}
`,
		"priorityclass.yaml": `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: {{ .Release.Namespace }}-{{ .Release.Name }}
value: 1000
`,
		"extra.yaml": strings.TrimSpace(`
{{- if .Values.extra }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-extra
stringData:
  note: rendered only when extra is true
{{- end }}`) + "\n",
	}
}

// webappV2 is the second version of the example chart.
const webappV2 = "2.0.0"

// DemoCharts are charts in memory holding versions 1.0.0 and 2.0.0 of the
// example chart "webapp" at compositions.DemoChartURL: what the embedded
// cluster's demo definitions (compositions.Domain.Demo) publish. Should
// packaging them fail, every fetch fails with the reason.
func DemoCharts() *Charts {
	charts := NewCharts()
	for _, version := range []string{"1.0.0", webappV2} {
		archive, err := PackageChart("webapp", version, WebappSchema(version), WebappTemplates(version))
		var chart *compositions.Chart
		if err == nil {
			chart, err = LoadChart(archive)
		}
		if err != nil {
			charts.SetDown(fmt.Errorf("the demo chart webapp %s: %w", version, err))
			return charts
		}
		charts.Add(compositions.DemoChartURL, "", chart)
	}
	return charts
}
