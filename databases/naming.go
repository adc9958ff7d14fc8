package databases

import (
	"crypto/rand"

	"github.com/hubkit-dev/hubkit/secrets"
)

const lowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n random lowercase letters and digits.
func randomString(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf) // crypto/rand.Read never returns an error
	for i := range buf {
		buf[i] = lowerAlphanumeric[int(buf[i])%len(lowerAlphanumeric)]
	}
	return string(buf)
}

// NewRoleName returns the login role the operator makes for a user whose
// spec.role is base: base, "-" and 6 random characters.
func NewRoleName(base string) string { return base + "-" + randomString(roleSuffixLength-1) }

// NewPassword returns a 15-character random password, as the operator
// generates them.
func NewPassword() secrets.Value { return secrets.Plain(randomString(15)) }
