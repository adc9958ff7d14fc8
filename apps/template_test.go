package apps_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hubkit-dev/hubkit/apps"
)

var zeppelin = []apps.Variable{
	{Name: "NAME", Default: "zeppelin", Help: "The service name"},
	{Name: "IMAGE", Default: "apache/zeppelin:0.10.1"},
}

const zeppelinManifests = `kind: Service
metadata:
  name: $NAME
  namespace: ${NAMESPACE}
spec:
  image: $REGISTRY/${IMAGE}
  price: $$5
  literal: $ and $1
`

func TestRenderTemplate(t *testing.T) {
	platform := map[string]string{"NAMESPACE": "karvdash-alice", "REGISTRY": "registry.example", "HOSTNAME": "zeppelin-alice.example"}
	cases := map[string]struct {
		reason    string
		manifests string
		variables []apps.Variable
		user      map[string]string
		want      string
		wantErr   []string
	}{
		"Defaults": {
			reason:    "Declared variables take their defaults, the platform's its values; $$ is a $, a $ before no name stays.",
			manifests: zeppelinManifests, variables: zeppelin,
			want: "kind: Service\nmetadata:\n  name: zeppelin\n  namespace: karvdash-alice\nspec:\n  image: registry.example/apache/zeppelin:0.10.1\n  price: $5\n  literal: $ and $1\n",
		},
		"UserValues": {
			reason:    "The user's values win over the defaults.",
			manifests: "$NAME-${IMAGE}", variables: zeppelin, user: map[string]string{"NAME": "z2", "IMAGE": "mine"},
			want: "z2-mine",
		},
		"Undeclared": {
			reason:    "A value for a variable the template does not declare is an error naming it.",
			manifests: "$NAME", variables: zeppelin, user: map[string]string{"COLOUR": "red"},
			wantErr: []string{"spec.variables[COLOUR]: Not found"},
		},
		"PlatformValue": {
			reason:    "The platform's values cannot be overridden.",
			manifests: "$NAMESPACE", variables: zeppelin, user: map[string]string{"NAMESPACE": "kube-system"},
			wantErr: []string{"spec.variables[NAMESPACE]: Forbidden: NAMESPACE is set by the platform"},
		},
		"UsedNotDeclared": {
			reason:    "A placeholder neither declared nor the platform's is the template's error.",
			manifests: "$NAME $PORT", variables: zeppelin,
			wantErr: []string{"the template uses PORT, which it does not declare"},
		},
		"NoName": {
			reason:    "A template declares NAME.",
			manifests: "x", variables: []apps.Variable{{Name: "IMAGE"}},
			wantErr: []string{"spec.variables: Required value"},
		},
		"DeclaresAPlatformVariable": {
			reason:    "A template cannot declare what the platform sets.",
			manifests: "x", variables: append([]apps.Variable{{Name: "SHARED"}}, zeppelin...),
			wantErr: []string{"spec.variables[0].name: Forbidden: SHARED is set by the platform"},
		},
		"Unclosed": {
			reason:    "An unclosed ${ is an error with its offset.",
			manifests: "name: ${NAME", variables: zeppelin,
			wantErr: []string{"offset 6"},
		},
		"Huge": {
			reason:    "Manifests over the bound are refused before they are read.",
			manifests: strings.Repeat("x", apps.MaxTemplateSize+1), variables: zeppelin,
			wantErr: []string{"spec.manifests: Too long"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := apps.RenderTemplate(tc.manifests, tc.variables, tc.user, platform)
			for _, want := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("\nReason: %s\nRenderTemplate error %v, want one with %q", tc.reason, err, want)
				}
			}
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("\nReason: %s\nRenderTemplate: %v", tc.reason, err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("\nReason: %s\nRenderTemplate: -want, +got:\n%s", tc.reason, diff)
				}
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	got, err := apps.Placeholders(zeppelinManifests)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"NAME", "NAMESPACE", "REGISTRY", "IMAGE"}, got); diff != "" {
		t.Errorf("Placeholders: -want, +got:\n%s", diff)
	}
}

// FuzzRenderTemplate feeds any manifests, balanced or not, to the
// renderer: it never panics, and text whose every $ is escaped renders
// back to itself.
func FuzzRenderTemplate(f *testing.F) {
	f.Add(zeppelinManifests)
	f.Add("${")
	f.Add("${NAME")
	f.Add("$${NAME}$")
	f.Add("${9}$_x${_}")
	f.Add(strings.Repeat("${NAME}", 1000))
	f.Fuzz(func(t *testing.T, manifests string) {
		_, _ = apps.RenderTemplate(manifests, zeppelin, nil, nil)
		_, _ = apps.Placeholders(manifests)
		escaped := strings.ReplaceAll(manifests, "$", "$$")
		if len(escaped) > apps.MaxTemplateSize {
			return
		}
		got, err := apps.RenderTemplate(escaped, zeppelin, nil, nil)
		if err != nil || got != manifests {
			t.Errorf("the escaped text %q rendered as %q, %v; want it back", escaped, got, err)
		}
	})
}
