package hub

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
)

// A Selector is a relevance selector as DigitalHub's resource manager writes
// them (K8S_SELECTOR_SERVICE and friends): label selector terms separated by
// "|", where commas inside a term mean AND and "|" means OR. So
//
//	app=db,tier=backend|team=data
//
// selects the objects labelled app=db and tier=backend, and those labelled
// team=data. Each term accepts the full Kubernetes label selector syntax
// (=, ==, !=, in, notin, exists, !exists).
//
// The zero Selector selects everything, as does the empty string.
type Selector struct {
	terms []labels.Selector
}

// A SelectorError reports a relevance selector term that does not parse.
type SelectorError struct {
	// Term is the position of the bad term, from 0.
	Term int
	// Text is the bad term as written.
	Text string
	// Err is why it does not parse.
	Err error
}

// Error names the bad term.
func (e *SelectorError) Error() string {
	return fmt.Sprintf("relevance selector term %d %q: %v", e.Term, e.Text, e.Err)
}

// Unwrap returns the parse error of the term.
func (e *SelectorError) Unwrap() error { return e.Err }

// ParseSelector parses a relevance selector. A term that does not parse, or
// an empty term between two "|", is a *SelectorError naming it. The empty
// string (or only blanks) selects everything.
func ParseSelector(s string) (Selector, error) {
	if strings.TrimSpace(s) == "" {
		return Selector{}, nil
	}
	parts := strings.Split(s, "|")
	terms := make([]labels.Selector, 0, len(parts))
	for i, part := range parts {
		text := strings.TrimSpace(part)
		if text == "" {
			return Selector{}, &SelectorError{Term: i, Text: part, Err: fmt.Errorf("empty term: remove the extra %q", "|")}
		}
		sel, err := labels.Parse(text)
		if err != nil {
			return Selector{}, &SelectorError{Term: i, Text: text, Err: err}
		}
		terms = append(terms, sel)
	}
	return Selector{terms: terms}, nil
}

// MustParseSelector is ParseSelector for selectors written in the program
// itself: it panics on a bad one. Parse input with ParseSelector.
func MustParseSelector(s string) Selector {
	sel, err := ParseSelector(s)
	if err != nil {
		panic(err)
	}
	return sel
}

// SelectorFromTerms makes a selector that is the union of terms; no terms
// selects everything.
func SelectorFromTerms(terms ...labels.Selector) Selector {
	return Selector{terms: append([]labels.Selector(nil), terms...)}
}

// Terms returns the label selectors whose union the selector is. A selector
// that selects everything has one term, labels.Everything().
func (s Selector) Terms() []labels.Selector {
	if len(s.terms) == 0 {
		return []labels.Selector{labels.Everything()}
	}
	return append([]labels.Selector(nil), s.terms...)
}

// SelectsAll tells whether the selector selects every object.
func (s Selector) SelectsAll() bool {
	for _, t := range s.Terms() {
		if t.Empty() {
			return true
		}
	}
	return false
}

// Matches tells whether an object with these labels is selected: whether
// any term matches them.
func (s Selector) Matches(set labels.Labels) bool {
	for _, t := range s.Terms() {
		if t.Matches(set) {
			return true
		}
	}
	return false
}

// MatchesLabels is Matches for a label map, as metav1.Object.GetLabels
// returns it.
func (s Selector) MatchesLabels(l map[string]string) bool {
	return s.Matches(labels.Set(l))
}

// String returns the selector in its canonical written form, which
// ParseSelector reads back to the same selector.
func (s Selector) String() string {
	if s.SelectsAll() {
		return ""
	}
	parts := make([]string, len(s.terms))
	for i, t := range s.terms {
		parts[i] = t.String()
	}
	return strings.Join(parts, "|")
}
