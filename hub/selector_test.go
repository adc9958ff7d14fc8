package hub_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/hubkit-dev/hubkit/hub"
)

func TestParseSelector(t *testing.T) {
	type want struct {
		canonical string
		badTerm   int // -1: no error
		badText   string
	}
	cases := map[string]struct {
		reason string
		in     string
		want   want
	}{
		"Empty": {
			reason: "An empty selector selects everything.",
			in:     "",
			want:   want{canonical: "", badTerm: -1},
		},
		"Blank": {
			reason: "Only blanks are as good as empty.",
			in:     "   ",
			want:   want{canonical: "", badTerm: -1},
		},
		"OneTerm": {
			reason: "A single label selector is one term.",
			in:     "app=db",
			want:   want{canonical: "app=db", badTerm: -1},
		},
		"AndOr": {
			reason: "Commas AND inside a term, bars OR terms; blanks around terms are trimmed.",
			in:     "a=b,c=d | e=f",
			want:   want{canonical: "a=b,c=d|e=f", badTerm: -1},
		},
		"DigitalHubServiceSelector": {
			reason: "The selector DigitalHub deploys for services parses.",
			in:     "app.kubernetes.io/part-of=coder,app.kubernetes.io/type=service|nuclio.io/class=function|app.kubernetes.io/managed-by=postgrest-operator|com.coder.resource=true",
			want:   want{canonical: "app.kubernetes.io/part-of=coder,app.kubernetes.io/type=service|nuclio.io/class=function|app.kubernetes.io/managed-by=postgrest-operator|com.coder.resource=true", badTerm: -1},
		},
		"SetBased": {
			reason: "Set-based requirements keep their inner commas.",
			in:     "tier in (a,b),!legacy|env notin (dev)",
			want:   want{canonical: "!legacy,tier in (a,b)|env notin (dev)", badTerm: -1},
		},
		"EmptyMiddleTerm": {
			reason: "Two bars in a row leave an empty term, named by position.",
			in:     "a=b||c=d",
			want:   want{badTerm: 1, badText: ""},
		},
		"TrailingBar": {
			reason: "A trailing bar leaves an empty last term.",
			in:     "a=b|",
			want:   want{badTerm: 1, badText: ""},
		},
		"BadSyntax": {
			reason: "A term the label selector parser refuses is named with its text.",
			in:     "a=b|=c|e=f",
			want:   want{badTerm: 1, badText: "=c"},
		},
		"BadKey": {
			reason: "An invalid label key is refused.",
			in:     "-bad-=x",
			want:   want{badTerm: 0, badText: "-bad-=x"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			sel, err := hub.ParseSelector(tc.in)
			got := want{badTerm: -1}
			var se *hub.SelectorError
			switch {
			case errors.As(err, &se):
				got.badTerm, got.badText = se.Term, strings.TrimSpace(se.Text)
				if !strings.Contains(err.Error(), fmt.Sprintf("term %d", se.Term)) {
					t.Errorf("\nReason: %s\nerror %q does not name the term", tc.reason, err)
				}
			case err != nil:
				t.Fatalf("\nReason: %s\nParseSelector(%q): error %v is not a *SelectorError", tc.reason, tc.in, err)
			default:
				got.canonical = sel.String()
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\nReason: %s\nParseSelector(%q): -want, +got:\n%s", tc.reason, tc.in, diff)
			}
		})
	}
}

func TestSelectorMatches(t *testing.T) {
	sel := hub.MustParseSelector("a=b,c=d|e=f")
	cases := map[string]struct {
		reason string
		labels map[string]string
		want   bool
	}{
		"FirstTermWhole":  {reason: "Both labels of the first term match.", labels: map[string]string{"a": "b", "c": "d"}, want: true},
		"FirstTermHalf":   {reason: "Half a term is no match: commas are AND.", labels: map[string]string{"a": "b"}, want: false},
		"SecondTerm":      {reason: "Any term matching is enough: bars are OR.", labels: map[string]string{"e": "f"}, want: true},
		"NoLabels":        {reason: "An object without labels matches no term.", labels: nil, want: false},
		"WrongValue":      {reason: "A value must match exactly.", labels: map[string]string{"e": "g"}, want: false},
		"ExtraLabelsFine": {reason: "Labels outside the selector do not matter.", labels: map[string]string{"e": "f", "x": "y"}, want: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := sel.MatchesLabels(tc.labels); got != tc.want {
				t.Errorf("\nReason: %s\nMatchesLabels(%v) = %v, want %v", tc.reason, tc.labels, got, tc.want)
			}
		})
	}
}

func TestSelectorSelectsAll(t *testing.T) {
	cases := map[string]struct {
		reason string
		sel    hub.Selector
		want   bool
	}{
		"Zero":      {reason: "The zero Selector selects everything.", sel: hub.Selector{}, want: true},
		"Parsed":    {reason: "A real term narrows the selection.", sel: hub.MustParseSelector("a=b"), want: false},
		"NoTerms":   {reason: "A union of no terms selects everything.", sel: hub.SelectorFromTerms(), want: true},
		"WithEmpty": {reason: "A union with an empty term selects everything.", sel: hub.SelectorFromTerms(hub.MustParseSelector("a=b").Terms()[0], hub.Selector{}.Terms()[0]), want: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.sel.SelectsAll(); got != tc.want {
				t.Errorf("\nReason: %s\nSelectsAll() = %v, want %v", tc.reason, got, tc.want)
			}
			if tc.want && (tc.sel.String() != "" || !tc.sel.MatchesLabels(nil)) {
				t.Errorf("\nReason: %s\na selector of everything must print as \"\" and match no labels, got %q", tc.reason, tc.sel.String())
			}
		})
	}
}

func TestMustParseSelectorPanicsOnBadInput(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParseSelector(\"a in b\") did not panic")
		}
	}()
	hub.MustParseSelector("a in b")
}

// FuzzParseSelector checks that no input panics and that a parsed selector
// prints in a form that parses back to the same selector.
func FuzzParseSelector(f *testing.F) {
	for _, seed := range []string{"", "a=b", "a=b,c=d|e=f", "x in (a,b)|!y", "a||b", "|", "a==", "k!=v|k", "a=b|c notin (d)"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sel, err := hub.ParseSelector(in)
		if err != nil {
			if _, ok := errors.AsType[*hub.SelectorError](err); !ok {
				t.Fatalf("ParseSelector(%q): error %v is not a *SelectorError", in, err)
			}
			return
		}
		again, err := hub.ParseSelector(sel.String())
		if err != nil {
			t.Fatalf("ParseSelector(%q).String() = %q does not parse back: %v", in, sel.String(), err)
		}
		if again.String() != sel.String() {
			t.Fatalf("round trip of %q changed the selector: %q then %q", in, sel.String(), again.String())
		}
	})
}

func TestSelectorsFromEnv(t *testing.T) {
	env := map[string]string{
		"K8S_SELECTOR_SERVICE":    "app.kubernetes.io/managed-by=postgrest-operator|com.coder.resource=true",
		"K8S_SELECTOR_DEPLOYMENT": "app.kubernetes.io/type=workspace,app.kubernetes.io/managed-by=dhcore",
	}
	opts, err := hub.SelectorsFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	c, err := hub.Wrap(newFakeCluster(t, interceptor.Funcs{}).raw, opts...)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, gk := range []schema.GroupKind{{Kind: "Service"}, {Group: "apps", Kind: "Deployment"}, {Group: "batch", Kind: "Job"}} {
		if sel, ok := c.Selector(gk); ok {
			got[gk.String()] = sel.String()
		}
	}
	want := map[string]string{
		"Service":         "app.kubernetes.io/managed-by=postgrest-operator|com.coder.resource=true",
		"Deployment.apps": "app.kubernetes.io/managed-by=dhcore,app.kubernetes.io/type=workspace",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("selectors: -want, +got:\n%s", diff)
	}
	env["K8S_SELECTOR_JOB"] = "a=b|=c"
	if _, err := hub.SelectorsFromEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "K8S_SELECTOR_JOB") || !strings.Contains(err.Error(), "term 1") {
		t.Errorf("a bad selector = %v, want an error naming K8S_SELECTOR_JOB and its term", err)
	}
}
