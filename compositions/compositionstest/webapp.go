package compositionstest

import "strings"

// WebappSchema is the values.schema.json of version 1.0.0 or 2.0.0 of
// the example chart "webapp": 1.0.0 knows replicas, message, extra and
// legacy; 2.0.0 allows at most 5 replicas, adds tier and drops legacy, so
// that a move from one to the other can be refused.
func WebappSchema(version string) []byte {
	if version == "2.0.0" {
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
	if version == "2.0.0" {
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
