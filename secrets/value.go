package secrets

import (
	"fmt"
	"io"
	"log/slog"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Mask is what the platform shows instead of a secret value.
const Mask = "*************"

// A Value is a secret value. It prints, logs and marshals as Mask; only
// Reveal returns what it holds.
type Value struct {
	secret string
}

// Plain wraps a plain-text secret value.
func Plain(s string) Value { return Value{secret: s} }

// Reveal returns the value. Call it only where the value must leave the
// program, such as the response to an explicit decode request.
func (v Value) Reveal() string { return v.secret }

// IsEmpty tells whether the value is the empty string.
func (v Value) IsEmpty() bool { return v.secret == "" }

// String returns Mask.
func (Value) String() string { return Mask }

// GoString returns a masked Go form, for %#v.
func (Value) GoString() string { return "secrets.Value{" + Mask + "}" }

// Format writes Mask for every verb, so that no verb (%x, %q, %d...) shows
// the value.
func (Value) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Mask) }

// LogValue returns Mask to log/slog.
func (Value) LogValue() slog.Value { return slog.StringValue(Mask) }

// MarshalJSON returns Mask as a JSON string.
func (Value) MarshalJSON() ([]byte, error) { return []byte(`"` + Mask + `"`), nil }

// MarshalText returns Mask.
func (Value) MarshalText() ([]byte, error) { return []byte(Mask), nil }

// An Entry is one key of a secret with its value.
type Entry struct {
	Key   string
	Value Value
}

// KV returns the entry key with the plain-text value.
func KV(key, value string) Entry { return Entry{Key: key, Value: Plain(value)} }

// String shows the key and Mask.
func (e Entry) String() string { return e.Key + "=" + Mask }

// GoString shows the key and Mask, for %#v.
func (e Entry) GoString() string { return fmt.Sprintf("secrets.Entry{Key:%q, Value:%s}", e.Key, Mask) }

// Format writes the key and Mask for every verb.
func (e Entry) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, e.GoString())
		return
	}
	_, _ = io.WriteString(f, e.String())
}

// LogValue logs the key and Mask.
func (e Entry) LogValue() slog.Value {
	return slog.GroupValue(slog.String("key", e.Key), slog.String("value", Mask))
}

// RedactErrors masks the value of each error of errs about one of the
// fields at paths ("spec.connection.password"), so that no error of a
// builder's Validate shows a secret; it returns errs.
func RedactErrors(errs field.ErrorList, paths ...string) field.ErrorList {
	for _, e := range errs {
		if slices.Contains(paths, e.Field) {
			e.BadValue = Mask
		}
	}
	return errs
}
