package storage_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hubkit-dev/hubkit/storage"
)

func TestGi(t *testing.T) {
	cases := map[string]struct {
		reason string
		n      int64
		want   string
	}{
		"Small":   {reason: "a size in GiB", n: 8, want: "8Gi"},
		"Huge":    {reason: "n<<30 would overflow int64 to 0; the size saturates at the largest quantity", n: 1 << 40, want: "9223372036854775807"},
		"Largest": {reason: "n<<30 would overflow to a negative size; the size saturates", n: 1<<63 - 1, want: "9223372036854775807"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			q := storage.Gi(tc.n)
			if diff := cmp.Diff(tc.want, q.String()); diff != "" {
				t.Errorf("\nReason: %s\nGi(%d): -want, +got:\n%s", tc.reason, tc.n, diff)
			}
			if q.Sign() <= 0 {
				t.Errorf("\nReason: %s\nGi(%d) is not positive: %s", tc.reason, tc.n, q.String())
			}
		})
	}
}
