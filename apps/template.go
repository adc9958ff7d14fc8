package apps

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The variables a platform sets in every template, as Karvdash does; a
// user cannot set them.
const (
	VariableName      = "NAME"
	VariableNamespace = "NAMESPACE"
	VariableHostname  = "HOSTNAME"
	VariableRegistry  = "REGISTRY"
	VariablePrivate   = "PRIVATE"
	VariableShared    = "SHARED"
)

// PlatformVariables are the variables the platform sets.
var PlatformVariables = []string{VariableNamespace, VariableHostname, VariableRegistry, VariablePrivate, VariableShared}

// MaxTemplateSize bounds a template's manifests: larger ones are refused
// before they are read.
const MaxTemplateSize = 1 << 20

// isNameStart and isNamePart say which bytes make a placeholder's name, as
// Python's string.Template reads it: [_a-zA-Z][_a-zA-Z0-9]*.
func isNameStart(b byte) bool { return b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') }
func isNamePart(b byte) bool  { return isNameStart(b) || ('0' <= b && b <= '9') }

// isVariableName tells whether name is a placeholder's whole name.
func isVariableName(name string) bool {
	if name == "" || !isNameStart(name[0]) {
		return false
	}
	for i := range len(name) {
		if !isNamePart(name[i]) {
			return false
		}
	}
	return true
}

// Placeholders lists the variables manifests use ($NAME and ${NAME}), each
// once, in order of first use; "$$" is a literal "$". A "${" that is not
// closed by a name and "}" is an error naming its offset.
func Placeholders(manifests string) ([]string, error) {
	var names []string
	_, err := expand(manifests, func(name string) (string, bool) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		return "", true
	})
	return names, err
}

// expand replaces each placeholder of s by lookup's value. A "$" followed
// by neither "$", "{" nor a name stays as it is, as Python's
// safe_substitute leaves it.
func expand(s string, lookup func(name string) (string, bool)) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		next := s[i+1]
		switch {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '{':
			end := i + 2
			for end < len(s) && isNamePart(s[end]) {
				end++
			}
			if end == i+2 || end == len(s) || s[end] != '}' || !isNameStart(s[i+2]) {
				return "", fmt.Errorf("offset %d: %q opens a placeholder that is not ${NAME}", i, clip(s[i:], 20))
			}
			value, ok := lookup(s[i+2 : end])
			if !ok {
				return "", fmt.Errorf("offset %d: no value for %s", i, s[i+2:end])
			}
			b.WriteString(value)
			i = end
		case isNameStart(next):
			end := i + 1
			for end < len(s) && isNamePart(s[end]) {
				end++
			}
			value, ok := lookup(s[i+1 : end])
			if !ok {
				return "", fmt.Errorf("offset %d: no value for %s", i, s[i+1:end])
			}
			b.WriteString(value)
			i = end - 1
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), nil
}

// clip cuts s to n bytes for a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ValidateTemplate checks a template's manifests against the variables it
// declares: NAME is declared, no declared variable is one the platform
// sets, every placeholder is declared or the platform's, and the
// manifests are at most MaxTemplateSize. Paths are under spec.
func ValidateTemplate(manifests string, variables []Variable) field.ErrorList {
	root := field.NewPath("spec")
	var errs field.ErrorList
	if len(manifests) > MaxTemplateSize {
		return append(errs, field.TooLong(root.Child("manifests"), "", MaxTemplateSize))
	}
	declared := map[string]bool{}
	for i, v := range variables {
		p := root.Child("variables").Index(i).Child("name")
		switch {
		case !isVariableName(v.Name):
			errs = append(errs, field.Invalid(p, v.Name, "a variable's name is letters, digits and _, not starting with a digit"))
		case slices.Contains(PlatformVariables, v.Name):
			errs = append(errs, field.Forbidden(p, v.Name+" is set by the platform"))
		case declared[v.Name]:
			errs = append(errs, field.Duplicate(p, v.Name))
		}
		declared[v.Name] = true
	}
	if !declared[VariableName] {
		errs = append(errs, field.Required(root.Child("variables"), "a template declares NAME, the name of what it makes"))
	}
	used, err := Placeholders(manifests)
	if err != nil {
		return append(errs, field.Invalid(root.Child("manifests"), clip(manifests, 40), err.Error()))
	}
	for _, name := range used {
		if !declared[name] && !slices.Contains(PlatformVariables, name) {
			errs = append(errs, field.Invalid(root.Child("manifests"), "$"+name, "the template uses "+name+", which it does not declare"))
		}
	}
	return errs
}

// RenderTemplate fills a template's manifests: each declared variable
// takes the user's value, else its default; the platform's variables take
// the platform's values. A value the user sets for a variable the
// template does not declare, or for one the platform sets, is an error
// naming it under spec.variables; nothing is rendered then.
func RenderTemplate(manifests string, variables []Variable, user, platform map[string]string) (string, error) {
	if errs := ValidateTemplate(manifests, variables); len(errs) > 0 {
		return "", fmt.Errorf("the template: %w", errs.ToAggregate())
	}
	values := map[string]string{}
	for _, v := range variables {
		values[v.Name] = v.Default
	}
	var errs field.ErrorList
	for _, name := range slices.Sorted(maps.Keys(user)) {
		p := field.NewPath("spec", "variables").Key(name)
		switch {
		case slices.Contains(PlatformVariables, name):
			errs = append(errs, field.Forbidden(p, name+" is set by the platform"))
		case !slices.ContainsFunc(variables, func(v Variable) bool { return v.Name == name }):
			errs = append(errs, field.NotFound(p, name))
		default:
			values[name] = user[name]
		}
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("the variables: %w", errs.ToAggregate())
	}
	for _, name := range PlatformVariables {
		values[name] = platform[name]
	}
	out, err := expand(manifests, func(name string) (string, bool) {
		v, ok := values[name]
		return v, ok
	})
	if err != nil {
		return "", fmt.Errorf("rendering the template: %w", err)
	}
	return out, nil
}
