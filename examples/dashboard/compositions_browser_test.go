package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// compositionsSeen is what the browser saw of the compositions' pages.
type compositionsSeen struct {
	groups, definitionRow, shopRow, duplicateError, release, revision, managed, editedRevision, conditions string
}

// compositionSteps drives the compositions' pages on the demo's two
// definitions of the chart webapp: a composition made through version
// 1.0.0's form (drawn from its schema: replicas as a number, message as
// text, extra as a checkbox), a second one of the same name refused, its
// page with its release and managed objects, and an edit that upgrades it.
func compositionSteps(base string, screenshot func(string) chromedp.Action, seen *compositionsSeen) chromedp.Tasks {
	const v1 = `section[data-group="webapps.composition.hubkit.dev/v1-0-0"] form.create `
	return chromedp.Tasks{
		chromedp.Navigate(base + "ui/compositiondefinitions.compositions.hubkit.dev"),
		chromedp.WaitVisible(`tr[data-id="webapp-2"]`),
		chromedp.Text(`tr[data-id="webapp-2"]`, &seen.definitionRow),
		screenshot("37b-composition-definitions"),
		chromedp.Navigate(base + "ui/compositions"),
		chromedp.WaitVisible(v1 + `input[data-path="spec.replicas"][type="number"]`),
		chromedp.Text(`main`, &seen.groups),
		chromedp.SetValue(v1+`input[data-path="metadata.name"]`, "shop"),
		chromedp.SetValue(v1+`input[data-path="spec.message"]`, "hello from the form"),
		chromedp.SetValue(v1+`input[data-path="spec.replicas"]`, "2"),
		screenshot("38-composition-form"),
		chromedp.Click(v1 + `button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="shop"]`),
		chromedp.Text(`tr[data-id="shop"]`, &seen.shopRow),
		screenshot("39-compositions"),
		chromedp.SetValue(v1+`input[data-path="metadata.name"]`, "shop"),
		chromedp.Click(v1 + `button[type="submit"]`),
		chromedp.WaitVisible(v1 + `[data-error-general]:not([hidden])`),
		chromedp.Text(v1+`[data-error-general]`, &seen.duplicateError),
		chromedp.Navigate(base + "ui/compositions/webapps.composition.hubkit.dev/v1-0-0/shop"),
		chromedp.WaitVisible(`table.managed`),
		chromedp.Text(`table.release tr:nth-child(2) td`, &seen.release),
		chromedp.Text(`table.release tr:nth-child(3) td`, &seen.revision),
		chromedp.Text(`table.managed tbody`, &seen.managed),
		screenshot("40-composition"),
		chromedp.SetValue(`form.edit input[data-path="spec.message"]`, "edited"),
		chromedp.Click(`form.edit button[type="submit"]`),
		chromedp.WaitVisible(`form.edit input[data-path="spec.message"][value="edited"]`),
		chromedp.Text(`table.release tr:nth-child(3) td`, &seen.editedRevision),
		chromedp.Text(`table.conditions tbody`, &seen.conditions),
		screenshot("41-composition-edited"),
	}
}

func (s compositionsSeen) check(t *testing.T) {
	t.Helper()
	for _, want := range []string{"oci://charts.hubkit.example/demo/webapp", "2.0.0", "Webapp", "v1-0-0 (1.0.0), v2-0-0 (2.0.0)", "Ready"} {
		if !strings.Contains(s.definitionRow, want) {
			t.Errorf("the definition webapp-2's row %q does not show %q: want its chart, kind, served versions and state", s.definitionRow, want)
		}
	}
	for _, want := range []string{"Webapp v2-0-0", "Webapp v1-0-0", "version 1.0.0", "webapp-1"} {
		if !strings.Contains(s.groups, want) {
			t.Errorf("the compositions' page does not show %q: %s", want, s.groups)
		}
	}
	for _, want := range []string{"shop-", "1.0.0", "Ready"} {
		if !strings.Contains(s.shopRow, want) {
			t.Errorf("the row of shop %q does not show %q: want its release, chart and state", s.shopRow, want)
		}
	}
	if !strings.Contains(s.duplicateError, "already exists") {
		t.Errorf("a second shop: the form says %q, want already exists", s.duplicateError)
	}
	if !strings.HasPrefix(s.release, "shop-") || s.revision != "1" {
		t.Errorf("shop's page: release %q, revision %q; want shop-<uid>, 1", s.release, s.revision)
	}
	for _, want := range []string{"Deployment", "ConfigMap", "Service", "PriorityClass", "cluster-wide"} {
		if !strings.Contains(s.managed, want) {
			t.Errorf("the managed objects %q do not show %q", s.managed, want)
		}
	}
	if s.editedRevision != "2" || !strings.Contains(s.conditions, "Synced") {
		t.Errorf("after the edit: revision %q, conditions %q; want revision 2, and Synced shown", s.editedRevision, s.conditions)
	}
}
