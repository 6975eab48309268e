package ui

import (
	"bytes"
	"context"
	"fmt"
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
		"0",  // website: eu only
		"0",  // guardrails as recommended
		"",   // layout: keep by environment
		"",   // adopted accounts: none, go on
		"",   // budgets: keep none
		"11", // security baseline: turn it off (the fake converges no baseline)
		"",   // security baseline: done
		"",   // who works where: the proposed groups
		"y",  // apply
	}
	var out bytes.Buffer
	var saved []string
	opt := Options{Backend: &fakeBackend{identityOn: true}, DesignPath: "orgwizard.yaml", Save: func(_ string, data []byte) error {
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
		"Step 1 of 13: Where to build. Target: not chosen yet.",
		"Step 3 of 13: Organization basics. Target: sandbox, account 111111111111",
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

// The access step in accessible mode: the proposal is said, a group added
// (a refused grant asked again with what to change), the matrix said at the
// preview; the new organization is applied, then, Identity Center being
// off, the wizard says what to click and where, the sandbox does the click,
// the plan is read again, and the Done step says how to get in.
func TestAccessibleAccessStep(t *testing.T) {
	answers := []string{
		"1",             // the sandbox
		"0", "", "", "", // guardrails, layout, adopted accounts, budgets: as they are
		"11", "", // security baseline: off (the fake converges no baseline), go on
		"2",                        // add a group
		"data", "ana@acme.example", // its name and members
		"root on all",                   // refused: no such permission set
		"read-only on environment=prod", // its grants
		"1",                             // done, go on
		"y",                             // apply: the organization first
		"2",                             // Identity Center is off: enable it (sandbox)
		"y",                             // apply the access part
		"",                              // no costs
	}
	var out bytes.Buffer
	var saved []string
	be := &fakeBackend{}
	opt := Options{Backend: be, DesignPath: "acme.yaml", Design: acmeDesign(t), Reached: wizard.Guardrails,
		Save: func(_ string, data []byte) error {
			saved = append(saved, string(data))
			return nil
		}}
	res, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out)
	text := out.String()
	if err != nil || !res.Converged {
		t.Fatalf("%v, converged %v:\n%s", err, res.Converged, text)
	}
	for _, want := range []string{
		"Step 9 of 13: Who works where.",
		"Proposed from your workloads: 4 groups, 1 member.",
		"Group payments-team, members payments-team@acme.example: admin on workload=payments environment=dev,staging; read-only on workload=payments environment=prod.",
		`"root" is neither a preset nor a permission set of access.permissionSets; use one of: admin, power-user, read-only, billing, security-audit`,
		"Group data saved: read-only on environment=prod.",
		"Account payments-prod-eu: payments-team read-only, platform-admins admin, auditors read-only, data read-only.",
		"Account log-archive: platform-admins admin, auditors read-only.",
		"IAM Identity Center is not on in this organization yet, and your design gives 5 groups access",
		"1. Sign in to the management account (111111111111) and open https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1",
		`Choose Enable, then "Enable with AWS Organizations"`,
		"IAM Identity Center is on in eu-west-1; access portal " + fakePortal,
		"How to get in:",
		"Access portal: " + fakePortal,
		"AWS CLI profiles, one per account and permission set: orgwizard access aws-config --design acme.yaml",
		"switchrole?roleName=OrganizationAccountAccessRole&account=",
		`tick "Send email OTP"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	if be.enabled != 1 || len(be.planTrees) != 3 || be.planTrees[1].Access != nil || be.planTrees[2].Access == nil {
		t.Errorf("sandbox clicks %d (want 1), plans %d (want 3: the preview's, the organization's without access, the access part's)", be.enabled, len(be.planTrees))
	}
	if !strings.Contains(text, "The access part, now that IAM Identity Center is on:") || !strings.Contains(text, "create group data") {
		t.Errorf("the access part is not applied after Identity Center:\n%s", text)
	}
	if applied, gate := strings.Index(text, "Applied 39 changes"), strings.Index(text, "IAM Identity Center is not on"); applied < 0 || gate < applied {
		t.Errorf("a new organization must be applied before Identity Center is asked for:\n%s", text)
	}
	d := opt.Design
	if d.Access == nil || len(d.Access.Groups) != 5 || d.Access.Groups[4].Name != "data" {
		t.Errorf("the design's access: %+v", d.Access)
	}
}

// Skipping access this time plans without the access part and says so at
// the end; the design keeps its groups.
func TestAccessibleSkipsAccessThisTime(t *testing.T) {
	answers := []string{"1", "0", "", "", "", "11", "", "1", "y", "3", ""}
	var out bytes.Buffer
	be := &fakeBackend{}
	opt := Options{Backend: be, DesignPath: "acme.yaml", Design: acmeDesign(t), Reached: wizard.Guardrails}
	if _, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"Access skipped this time", "Access was skipped this time: IAM Identity Center is not on."} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	if be.enabled != 0 || opt.Design.Access == nil || len(be.planTrees) != 3 || be.planTrees[2].Access != nil {
		t.Errorf("clicks %d, access %v, plans %d", be.enabled, opt.Design.Access, len(be.planTrees))
	}
}

// In an organization that exists, Identity Center is asked for before the
// confirmation; "check again" reads it again, and once the sandbox did the
// click the plan is read again before it is confirmed.
func TestAccessibleAsksIdentityCenterBeforeConfirming(t *testing.T) {
	answers := []string{"1", "0", "", "", "", "11", "", "1", "1", "2", "y", ""}
	var out bytes.Buffer
	be := &fakeBackend{orgBare: true}
	opt := Options{Backend: be, DesignPath: "acme.yaml", Design: acmeDesign(t), Reached: wizard.Guardrails}
	if _, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	if gate, confirm := strings.Index(text, "IAM Identity Center is not on"), strings.Index(text, "Step 11 of 13: Confirm"); gate < 0 || confirm < gate {
		t.Errorf("Identity Center is not asked for before the confirmation:\n%s", text)
	}
	// Accessible mode checks only when asked: it must not promise more.
	if strings.Contains(text, "goes on by itself") || !strings.Contains(text, `3. Come back here and choose "check again".`) {
		t.Errorf("accessible mode's steps do not say how it checks:\n%s", text)
	}
	if be.identityReads < 3 || be.enabled != 1 || len(be.planTrees) != 2 {
		t.Errorf("reads %d (want the first, check again, after the click, at Done), clicks %d, plans %d", be.identityReads, be.enabled, len(be.planTrees))
	}
}

// The baseline step in accessible mode: the proposal and each item's
// protection, cost and default are said; a contact is asked with AWS's
// checks (a refused phone asked again, in words), Security Hub turned on;
// the preview says what is created where; the design keeps it all.
func TestAccessibleBaselineStep(t *testing.T) {
	answers := []string{
		"1",             // the sandbox
		"0", "", "", "", // guardrails, layout, adopted accounts, budgets: as they are
		"8", "Ana Lopez", "sec@acme.example", "call me", "+1 555 0100", "CISO", // the security contact, a phone refused
		"4", // Security Hub on
		"1", // done, go on
		"8", // access off
		"1", // done, go on
		"n", // do not apply
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
	if err != nil {
		t.Fatalf("%v:\n%s", err, text)
	}
	for _, want := range []string{
		"Step 8 of 13: Security baseline.",
		wizard.BaselineLead + "\n" + wizard.BaselineProposed + "\n",
		"Security Hub, default off. Protects: A score of every account against security standards",
		"Costs: Security Hub charges per security check and per finding ingested",
		"has characters AWS refuses in a phone number",
		"Security contact saved: Ana Lopez, CISO, sec@acme.example, +1 555 0100.",
		"Baseline: Organization trail, Threat detection (GuardDuty), Security Hub, Access Analyzer, Centralized root access on, logs kept at least 365 days.",
		"Security:",
		"Log bucket in log-archive (eu-west-1)",
		"Security Hub run from security-tooling (delegated admin) in ",
		"Alternate contacts (security) on 10 accounts, the management account included.",
		// The confirmation says the baseline's part of the plan.
		"steps of the security baseline: trusted access, the log bucket in log-archive, the organization trail, GuardDuty from security-tooling in ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	// Each item is said with its default, what it protects and what it
	// costs, in the words of the step's one definition.
	for _, it := range wizard.BaselineItems {
		if want := fmt.Sprintf("%s, default %s. Protects: %s Costs: %s", it.Label, it.Default(), it.Protects, it.Costs); !strings.Contains(text, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	var last string
	for _, s := range saved {
		if strings.Contains(s, "reached access") {
			last = s
		}
	}
	d, _, derr := wizard.Decode([]byte(last))
	if derr != nil || d.Baseline == nil || !d.Baseline.SecurityHub || d.Contacts == nil || d.Contacts.Security == nil || d.Contacts.Security.Phone != "+1 555 0100" {
		t.Fatalf("the baseline is not saved (%v):\n%s", derr, last)
	}
}

// Without the Security OU, the step says why the baseline cannot be on and
// how to change it, and proposes nothing.
func TestAccessibleBaselineBlocked(t *testing.T) {
	d := acmeDesign(t)
	d.Foundation.Security = false
	var out bytes.Buffer
	a := &accessible{opt: Options{Design: d, Reached: wizard.Guardrails}, in: &lineReader{[]string{"3", "1"}}, out: plainWriter{&out}, ctx: context.Background(), d: d}
	if err := a.baseline(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"Warning: The baseline cannot be turned on: baseline: needs foundation.security: true", "select Security", "organizationTrail (its logs go to log-archive)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	if d.Baseline != nil {
		t.Errorf("a baseline was proposed without the Security OU: %+v", d.Baseline)
	}
}
