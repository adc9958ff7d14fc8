// Package secrets manages the platform's Kubernetes Secrets without ever
// showing a value by accident, as DigitalHub's resource manager does.
//
// Which secrets the platform manages is a Filter: the union of label
// selectors, owner-reference apiVersions, annotations and name regular
// expressions (K8S_SELECTOR_LABELS, _OWNERS, _ANNOTATIONS, _NAMES). The
// Client lists them with their type and number of keys, shows their keys
// with masked values, and returns a value only through Decode. Create takes
// plain-text values, validates them with field paths and adds the
// managed-by label.
//
// Every type that can carry a value (Value, Entry, Secret) redacts itself
// in fmt's verbs, in log/slog and in JSON; no value ever reaches an error.
package secrets
