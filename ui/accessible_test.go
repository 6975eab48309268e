package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// lineReader gives one line per Read, as a terminal does, so that each of
// huh's prompts reads its own answer.
type lineReader struct{ lines []string }

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.lines[0]+"\n")
	r.lines = r.lines[1:]
	return n, nil
}

func TestAccessibleFlowConverges(t *testing.T) {
	answers := []string{
		"1",                                     // the sandbox
		"acme", "aws@acme.example", "eu-west-1", // basics
		"team=platform",                                     // tags
		"1", "payments", "Card payments API and ledger", "", // add payments
		"1", "website", "", "", // add website
		"3",    // done with workloads
		"", "", // keep dev, staging, prod; prod per residency
		"1", "2", "0", // presets eu and us
		"2", "", "eu-west-1 eu-central-1 eu-south-1", // change eu: keep its name, add eu-south-1
		"1",      // no more changes
		"2", "0", // payments serves us too
		"0", // website: eu only
		"0", // guardrails as recommended
		"",  // layout: keep by environment
		"",  // adopted accounts: none, go on
		"",  // budgets: keep none
		"y", // apply
	}
	var out bytes.Buffer
	var saved []string
	opt := Options{Backend: &fakeBackend{}, DesignPath: "orgwizard.yaml", Save: func(_ string, data []byte) error {
		saved = append(saved, string(data))
		return nil
	}}
	res, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	if !res.Converged {
		t.Fatalf("not converged:\n%s", text)
	}
	for _, want := range []string{
		"Step 1 of 11: Where to build. Target: not chosen yet.",
		"Step 3 of 11: Organization basics. Target: sandbox, account 111111111111",
		"Plan, 39 changes:",
		"OU Workloads/prod/us: payments-prod-us <aws+payments-prod-us@acme.example>.",
		"13 of 13 checks verified:",
		"succeeded: create account website-prod-eu",
		"Show what the organization costs this month?", // at the end, as the Done screen's c
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	if len(saved) < 5 || !strings.Contains(saved[len(saved)-1], "# orgwizard wizard: reached done") {
		t.Errorf("the design is not saved after every step: %d saves", len(saved))
	}
	d, _, err := wizard.Decode([]byte(saved[len(saved)-1]))
	if err != nil || d.Validate() != nil || len(d.Workloads) != 2 {
		t.Errorf("the saved design is not acme's: %v", err)
	}
	if err != nil {
		return
	}
	if r, _ := d.Residency("eu"); strings.Join(r.Regions, " ") != "eu-west-1 eu-central-1 eu-south-1" {
		t.Errorf("residency eu saved as %+v, want its regions changed", r)
	}
	if len(d.Tags) != 1 || d.Tags[0] != (orgmodel.Tag{Key: "team", Value: "platform"}) {
		t.Errorf("tags saved as %v, want team=platform", d.Tags)
	}
}

// A dirty account is offered the ways out; way (a) runs, the old account is
// recorded in the design, and the checks start again on the new account.
func TestAccessibleWayOutA(t *testing.T) {
	answers := []string{
		"1",   // the sandbox
		"1",   // way (a)
		"yes", // confirm
		"y",   // apply
	}
	var out bytes.Buffer
	var saved []string
	opt := Options{Backend: &fakeBackend{dirty: true}, DesignPath: "orgwizard.yaml", Design: acmeDesign(t), Reached: wizard.Preview,
		Save: func(_ string, data []byte) error {
			saved = append(saved, string(data))
			return nil
		}}
	_, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out)
	text := out.String()
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	for _, want := range []string{
		"Inventory: 4 resources run here: 1 ec2 instance",
		"(a) Open a new, clean management account",
		"(b) Move the resources out to member accounts",
		"done: move, moved account 111111111111 to Transitional",
		"Account 222222222222 is the management account now",
		"Inventory: nothing runs here (3 regions swept): the account is clean.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	if len(saved) == 0 || !strings.Contains(saved[0], "name: acme-legacy") || !strings.Contains(saved[0], "ou: Transitional") {
		t.Errorf("the old account is not recorded in the design: %q", saved)
	}
}

// orgBackend is the fake with an existing organization that holds
// legacy-app, an account no design names.
type orgBackend struct{ *fakeBackend }

func (b orgBackend) Preflight(ctx context.Context) (Preflight, error) {
	p, err := b.fakeBackend.Preflight(ctx)
	p.Organization = &orgmodel.ActualOrganization{ID: "o-exampleorg", ManagementAccountID: p.AccountID, FeatureSet: "ALL"}
	p.Accounts = 2
	return p, err
}

func (b orgBackend) Plan(_ context.Context, tree *orgmodel.Tree) (*orgmodel.Plan, *orgmodel.Actual, error) {
	b.mu.Lock()
	b.tree = tree
	b.mu.Unlock()
	a := &orgmodel.Actual{
		Organization: &orgmodel.ActualOrganization{ID: "o-exampleorg", ManagementAccountID: fakeAccount, FeatureSet: "ALL"},
		RootID:       "r-root", SCPEnabled: true,
		Accounts: []orgmodel.ActualAccount{
			{ID: fakeAccount, Name: "acme", Email: "aws@acme.example", ParentID: "r-root", Status: "ACTIVE"},
			{ID: "333333333333", Name: "legacy-app", Email: "legacy-app@acme.example", ParentID: "r-root", Status: "ACTIVE"},
		},
	}
	return orgmodel.MakePlan(tree, a), a, nil
}

// The accessible wizard offers to adopt the account the organization holds
// and the design does not name, and records it in accounts[].
func TestAccessibleAdoptsAnAccount(t *testing.T) {
	answers := []string{
		"1", // the sandbox
		"n", // the organization exists: its costs, not now
		"0", // guardrails as they are
		"",  // layout
		"3", // adopt legacy-app (done, add, adopt ...)
		"",  // into Transitional, the first OU
		"",  // done
	}
	var out bytes.Buffer
	var saved []string
	opt := Options{Backend: orgBackend{&fakeBackend{}}, DesignPath: "acme.yaml", Design: acmeDesign(t), Reached: wizard.Guardrails,
		Save: func(_ string, data []byte) error {
			saved = append(saved, string(data))
			return nil
		}}
	_, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out)
	text := out.String()
	if !strings.Contains(text, "adopt legacy-app (333333333333), found in the organization") || !strings.Contains(text, "Account legacy-app is placed in Transitional.") {
		t.Errorf("legacy-app was not offered and adopted:\n%s", text)
	}
	if len(saved) == 0 {
		t.Fatalf("nothing saved: %v\n%s", err, text)
	}
	d, _, derr := wizard.Decode([]byte(saved[0]))
	if derr != nil || len(d.Accounts) != 1 || d.Accounts[0] != (orgmodel.AdoptedAccount{Name: "legacy-app", ID: "333333333333", OU: "Transitional"}) {
		t.Errorf("accounts[] saved as %+v (%v)", d.Accounts, derr)
	}
}

// The accessible wizard asks the budgets at the guardrails step, the same
// questions as the screen's b: the answers reach the saved design.
func TestAccessibleSetsBudgets(t *testing.T) {
	answers := []string{
		"1",           // the sandbox
		"0",           // guardrails as they are
		"",            // layout
		"",            // adopted accounts: none, go on
		"y",           // change the budgets
		"y",           // budgets on
		"-1",          // refused: not a positive amount
		"300",         // default
		"", "", "750", // dev, staging at the default; prod 750
		"", "", // alerts and notify: keep 80, 100 and owner
	}
	var out bytes.Buffer
	var saved []string
	opt := Options{Backend: &fakeBackend{}, DesignPath: "acme.yaml", Design: acmeDesign(t), Reached: wizard.Guardrails,
		Save: func(_ string, data []byte) error {
			saved = append(saved, string(data))
			return nil
		}}
	_, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out)
	text := out.String()
	for _, want := range []string{"Budgets: none. A monthly", "not a positive amount", "Budgets: $300 a month per account, prod $750; alerts at 80%, 100%"} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	if len(saved) == 0 {
		t.Fatalf("nothing saved: %v\n%s", err, text)
	}
	d, _, derr := wizard.Decode([]byte(saved[len(saved)-1]))
	if derr != nil || d.Budgets == nil || d.Budgets.Default != 300 || len(d.Budgets.Environments) != 1 || d.Budgets.Environments[0].Amount != 750 {
		t.Errorf("budgets saved as %+v (%v)", d.Budgets, derr)
	}
}
