package reconcile

import (
	"testing"

	utiljson "k8s.io/apimachinery/pkg/util/json"
)

func TestHolds(t *testing.T) {
	cases := map[string]struct {
		reason     string
		have, want any
		holds      bool
	}{
		"SubsetMap":          {reason: "Extra fields in the cluster do not matter.", have: map[string]any{"a": "1", "b": "2"}, want: map[string]any{"a": "1"}, holds: true},
		"MissingKey":         {reason: "A wanted field that is missing is not held.", have: map[string]any{"b": "2"}, want: map[string]any{"a": "1"}, holds: false},
		"EmptyWantedMap":     {reason: "An empty wanted map is held by a missing field.", have: map[string]any{}, want: map[string]any{"resources": map[string]any{}}, holds: true},
		"NumbersByValue":     {reason: "Numbers compare by value across Go types.", have: map[string]any{"n": float64(3)}, want: map[string]any{"n": int64(3)}, holds: true},
		"BigInts":            {reason: "Large integers compare exactly.", have: int64(1<<62 + 1), want: int64(1 << 62), holds: false},
		"NumberVsString":     {reason: "A number is not its string.", have: "3", want: int64(3), holds: false},
		"ScalarListOrder":    {reason: "Lists of scalars are atomic: order matters.", have: []any{"b", "a"}, want: []any{"a", "b"}, holds: false},
		"ScalarListLonger":   {reason: "Lists of scalars are atomic: extra items differ.", have: []any{"a", "b"}, want: []any{"a"}, holds: false},
		"ObjectListAnyOrder": {reason: "Lists of objects merge by key: order and extra items do not matter.", have: []any{map[string]any{"name": "b"}, map[string]any{"name": "a", "x": "1"}}, want: []any{map[string]any{"name": "a"}}, holds: true},
		"ObjectListMissing":  {reason: "A wanted object missing from the list is not held.", have: []any{map[string]any{"name": "b"}}, want: []any{map[string]any{"name": "a"}}, holds: false},
		"TypeMismatch":       {reason: "A map is not a list.", have: []any{}, want: map[string]any{"a": "1"}, holds: false},
		"NilHasEmpty":        {reason: "Nothing holds an empty map.", have: nil, want: map[string]any{}, holds: true},
		"UncomparableScalar": {reason: "Values of Go types outside JSON compare deeply instead of panicking.", have: []string{"a"}, want: []string{"a"}, holds: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := holds(tc.have, tc.want); got != tc.holds {
				t.Errorf("\nReason: %s\nHolds(%v, %v) = %v, want %v", tc.reason, tc.have, tc.want, got, tc.holds)
			}
		})
	}
}

// FuzzHolds checks that Holds never panics on JSON-shaped values and that a
// value always holds itself.
func FuzzHolds(f *testing.F) {
	f.Add(`{"a":1,"b":[1,2],"c":[{"name":"x"}]}`, `{"a":1}`)
	f.Add(`[1,"a",null,{"x":[]}]`, `[1,"a",null,{"x":[]}]`)
	f.Add(`{}`, `null`)
	f.Fuzz(func(t *testing.T, haveJSON, wantJSON string) {
		var have, want any
		// Invalid JSON leaves a nil value, which is a valid input too.
		_ = utiljson.Unmarshal([]byte(haveJSON), &have)
		_ = utiljson.Unmarshal([]byte(wantJSON), &want)
		holds(have, want)
		if !holds(want, want) {
			t.Fatalf("%s does not hold itself", wantJSON)
		}
	})
}
