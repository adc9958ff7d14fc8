package restapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLogs(t *testing.T) {
	embedded := newTestServer(t)
	noLogSource := serve(t)
	cases := map[string]struct {
		reason    string
		plain     bool // serve without the simulated log source
		path      string
		want      int
		wantLines []string
		message   string
	}{
		"Deployment": {
			reason: "On the embedded cluster a deployment's log is a few simulated lines, per container, that say so.",
			path:   "/api/k8s_deployment/jupyter/log", want: http.StatusOK,
			wantLines: []string{
				"[simulated] the embedded in-memory cluster runs no pods: these lines stand in for the log of deployment jupyter",
				"[simulated] container jupyter: pulled image jupyter/base-notebook:2026.01",
				"[simulated] container jupyter: started",
			},
		},
		"Job": {
			reason: "A job's log too.",
			path:   "/api/k8s_job/train-model/log", want: http.StatusOK,
			wantLines: []string{
				"[simulated] the embedded in-memory cluster runs no pods: these lines stand in for the log of job train-model",
				"[simulated] container train: pulled image python:3.13",
				"[simulated] container train: started",
			},
		},
		"MissingDeployment": {reason: "A deployment that does not exist has no log.", path: "/api/k8s_deployment/missing/log", want: http.StatusNotFound},
		"MissingJob":        {reason: "Nor has a job that does not exist.", path: "/api/k8s_job/missing/log", want: http.StatusNotFound},
		"BadID":             {reason: "Ids follow the pattern.", path: "/api/k8s_job/Bad_ID/log", want: http.StatusBadRequest},
		"NoLogSource": {
			reason: "Without the simulated source, a cluster without a rest config cannot give logs, and says so.",
			plain:  true, path: "/api/k8s_deployment/jupyter/log", want: http.StatusNotImplemented, message: "logs are unavailable",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := embedded
			if tc.plain {
				srv = noLogSource
			}
			first := send(t, srv, http.MethodGet, tc.path, "", nil)
			if first.status != tc.want {
				t.Fatalf("\nReason: %s\nstatus %d, want %d: %s", tc.reason, first.status, tc.want, first.raw)
			}
			if tc.want != http.StatusOK {
				checkErrorJSON(t, tc.reason, first, tc.want, tc.path)
				if msg, _ := first.json["message"].(string); tc.message != "" && !strings.Contains(msg, tc.message) {
					t.Errorf("\nReason: %s\nmessage %q does not say %q", tc.reason, msg, tc.message)
				}
				return
			}
			var lines []string
			if err := json.Unmarshal([]byte(first.raw), &lines); err != nil {
				t.Fatalf("\nReason: %s\nthe log is no list of lines: %v: %s", tc.reason, err, first.raw)
			}
			if diff := cmp.Diff(tc.wantLines, lines); diff != "" {
				t.Errorf("\nReason: %s\nlines: -want, +got:\n%s", tc.reason, diff)
			}
			if again := send(t, srv, http.MethodGet, tc.path, "", nil); again.raw != first.raw {
				t.Errorf("\nReason: %s\nthe simulated log changed between two reads:\n%s\n%s", tc.reason, first.raw, again.raw)
			}
		})
	}
}
