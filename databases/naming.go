package databases

import (
	"crypto/rand"

	"github.com/hubkit-dev/hubkit/secrets"
)

const lowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n random lowercase letters and digits, each equally
// likely: random bytes past the last whole multiple of 36 are thrown away
// rather than folded onto the first characters.
func randomString(n int) string {
	const limit = 256 - 256%len(lowerAlphanumeric)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+1)
	for len(out) < n {
		_, _ = rand.Read(buf) // crypto/rand.Read never returns an error
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, lowerAlphanumeric[int(b)%len(lowerAlphanumeric)])
			}
		}
	}
	return string(out)
}

// newPassword returns a 15-character random password, as the operator
// generates them.
func newPassword() secrets.Value { return secrets.Plain(randomString(15)) }
