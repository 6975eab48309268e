package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// The picker writes the runbook next to the design with the destinations
// chosen, the tags' guesses kept.
func TestRunbookPickerWritesNextToTheDesign(t *testing.T) {
	d := acmeDesign(t)
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	res, _ := (&fakeBackend{dirty: true}).Inventory(context.Background(), nil)
	var path, written string
	st := &state{styles: NewStyles(true), keys: DefaultKeyMap(), design: d, tree: tree, path: "/designs/acme.yaml", inventory: res,
		inv: InventoryOf(res), target: TargetInfo{AccountID: fakeAccount, Describe: "sandbox"},
		save: func(p string, data []byte) error { path, written = p, string(data); return nil }}
	p := newRunbookPicker(st)
	p.w, p.h = 80, 20
	// The bucket (third) goes to the account after the first, cycling right.
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyDown}, {Code: tea.KeyDown}, {Code: tea.KeyRight}, {Code: tea.KeyRight}} {
		p.update(k)
	}
	msg := p.update(tea.KeyPressMsg{Code: 'w', Text: "w"})()
	if w, ok := msg.(runbookWrittenMsg); !ok || w.err != nil || w.path != "/designs/"+wizard.RunbookFile {
		t.Fatalf("written: %#v", msg)
	}
	if path != "/designs/orgwizard-runbook.md" {
		t.Errorf("written to %s", path)
	}
	for _, want := range []string{"## To payments-prod-eu", "## To security-tooling", "`acme-assets`", "## No destination chosen yet", "`ci-deploy`"} {
		if !strings.Contains(written, want) {
			t.Errorf("the runbook lacks %q:\n%s", want, written)
		}
	}
}

// Choosing an account whose region lock excludes the resource's region is
// flagged on the row and explained under the list, and the runbook written
// says so too.
func TestRunbookPickerWarnsOfALockedOutRegion(t *testing.T) {
	d := acmeDesign(t)
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	res, _ := (&fakeBackend{dirty: true}).Inventory(context.Background(), nil)
	var written string
	st := &state{styles: NewStyles(true), keys: DefaultKeyMap(), design: d, tree: tree, path: "/designs/acme.yaml", inventory: res,
		inv: InventoryOf(res), target: TargetInfo{AccountID: fakeAccount, Describe: "sandbox"},
		save: func(_ string, data []byte) error { written = string(data); return nil }}
	p := newRunbookPicker(st)
	p.w, p.h = 80, 24
	if v := p.view(); strings.Contains(v, "⚠") {
		t.Fatalf("a warning before any bad choice:\n%s", v)
	}
	// shop-web runs in eu-west-1: cycle its destination to payments-prod-us.
	for i := 0; p.to[0] != "payments-prod-us"; i++ {
		if i > len(p.dests) {
			t.Fatalf("payments-prod-us is not among the destinations %v", p.dests)
		}
		p.update(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	v := p.view()
	for _, want := range []string{"→ ⚠ payments-prod-us", "1 going to an account whose region lock does not allow their region",
		"eu-west-1 is outside the regions payments-prod-us's guardrails allow"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Errorf("the picker does not show %q:\n%s", want, v)
		}
	}
	p.update(tea.KeyPressMsg{Code: 'w', Text: "w"})()
	if !strings.Contains(written, "⚠ region not allowed there") {
		t.Errorf("the runbook does not warn:\n%s", written)
	}
}
