package orgmodel

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// converged builds the Actual of an organization that already matches tree
// exactly, as the AWS adapter would read it.
func converged(tree *Tree) *Actual {
	a := &Actual{
		Organization: &ActualOrganization{ID: "o-abcdefghij", ManagementAccountID: "000000000001", FeatureSet: "ALL"},
		RootID:       "r-root",
		SCPEnabled:   true,
		Accounts:     []ActualAccount{{ID: "000000000001", Name: "management", Email: "root@acme.example", ParentID: "r-root", Status: "ACTIVE"}},
	}
	ids := map[string]string{"": "r-root"}
	for i, o := range tree.OUs {
		id := fmt.Sprintf("ou-root-%08d", i)
		ids[o.Path] = id
		a.OUs = append(a.OUs, ActualOU{ID: id, ParentID: ids[o.Parent], Name: o.Name})
	}
	accountIDs := map[string]string{}
	for i, acc := range tree.Accounts {
		id := fmt.Sprintf("1000000000%02d", i)
		accountIDs[acc.Name] = id
		tags := map[string]string{}
		for k, v := range acc.Tags {
			tags[k] = v
		}
		a.Accounts = append(a.Accounts, ActualAccount{ID: id, Name: acc.Name, Email: acc.Email, ParentID: ids[acc.OU], Status: "ACTIVE", Tags: tags})
	}
	a.Policies = append(a.Policies, ActualPolicy{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, AWSManaged: true, Targets: []string{"r-root"}})
	for i, p := range tree.Policies {
		ap := ActualPolicy{ID: fmt.Sprintf("p-%08d", i), Name: p.Name, Content: p.Content}
		for _, tg := range p.Targets {
			switch tg.Type {
			case TargetRoot:
				ap.Targets = append(ap.Targets, "r-root")
			case TargetOU:
				ap.Targets = append(ap.Targets, ids[tg.Name])
			case TargetAccount:
				ap.Targets = append(ap.Targets, accountIDs[tg.Name])
			}
		}
		a.Policies = append(a.Policies, ap)
	}
	return a
}

func kinds(p *Plan) map[StepKind]int {
	m := map[StepKind]int{}
	for _, s := range p.Steps {
		m[s.Kind]++
	}
	return m
}

func describeSteps(p *Plan) string {
	var b strings.Builder
	for _, s := range p.Steps {
		fmt.Fprintf(&b, "\n  %s", s)
	}
	return b.String()
}

func TestPlanNothingExists(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	p := MakePlan(tree, &Actual{})
	want := map[StepKind]int{
		StepCreateOrganization: 1, StepEnablePolicyType: 1, StepCreateOU: 8, StepCreateAccount: 9,
		StepMoveAccount: 9, StepCreatePolicy: 5, StepAttachPolicy: 6,
	}
	if got := kinds(p); !mapsEqual(got, want) {
		t.Errorf("steps %v, want %v%s", got, want, describeSteps(p))
	}
	// Order: organization, policy type, OUs parents first, accounts, moves, policies, attachments.
	order := []StepKind{StepCreateOrganization, StepEnablePolicyType, StepCreateOU, StepCreateAccount, StepMoveAccount, StepCreatePolicy, StepAttachPolicy}
	last := 0
	for _, s := range p.Steps {
		i := slices.Index(order, s.Kind)
		if i < last {
			t.Fatalf("step %s comes after a later kind%s", s, describeSteps(p))
		}
		last = i
	}
	created := map[string]bool{"": true}
	for _, s := range p.Steps {
		if s.Kind == StepCreateOU {
			if !created[s.Parent] {
				t.Errorf("OU %s is created before its parent %s", s.OU, s.Parent)
			}
			created[s.OU] = true
		}
	}
	for _, s := range p.Steps {
		if s.Kind == StepCreateAccount && (s.Email == "" || s.Tags["managed-by"] != "orgwizard") {
			t.Errorf("create-account step lacks email or tags: %+v", s)
		}
	}
}

func TestPlanAllExistsHasNoSteps(t *testing.T) {
	for _, layout := range []Layout{ByEnvironment, ByWorkload} {
		d := loadExample(t, "acme.yaml")
		d.Layout = layout
		tree := expand(t, d)
		p := MakePlan(tree, converged(tree))
		if !p.Empty() {
			t.Errorf("%s: converged organization has steps:%s", layout, describeSteps(p))
		}
		if len(p.Unmanaged) != 0 || len(p.Warnings) != 0 {
			t.Errorf("%s: unmanaged %v warnings %v", layout, p.Unmanaged, p.Warnings)
		}
		if len(p.Adopted) != len(tree.Accounts) {
			t.Errorf("%s: %d accounts matched, want %d", layout, len(p.Adopted), len(tree.Accounts))
		}
	}
}

func TestPlanPartlyExists(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	a := converged(tree)
	// Remove the us residency OU with its account, one dev account and the eu policy.
	var usID string
	a.OUs = slices.DeleteFunc(a.OUs, func(o ActualOU) bool {
		if o.Name == "us" {
			usID = o.ID
			return true
		}
		return false
	})
	a.Accounts = slices.DeleteFunc(a.Accounts, func(x ActualAccount) bool {
		return x.Name == "payments-prod-us" || x.Name == "website-dev"
	})
	a.Policies = slices.DeleteFunc(a.Policies, func(x ActualPolicy) bool { return x.Name == "orgwizard-region-lock-eu" })
	for i := range a.Policies {
		a.Policies[i].Targets = slices.DeleteFunc(a.Policies[i].Targets, func(id string) bool { return id == usID })
	}

	p := MakePlan(tree, a)
	var got []string
	for _, s := range p.Steps {
		got = append(got, s.String())
	}
	want := []string{
		"create OU Workloads/prod/us",
		"create account website-dev <aws+website-dev@acme.example>",
		"create account payments-prod-us <aws+payments-prod-us@acme.example>",
		"move account website-dev: Root → Workloads/dev",
		"move account payments-prod-us: Root → Workloads/prod/us",
		"create policy orgwizard-region-lock-eu",
		"attach policy orgwizard-region-lock-eu to Workloads/prod/eu",
		"attach policy orgwizard-region-lock-us to Workloads/prod/us",
	}
	if !slices.Equal(got, want) {
		t.Errorf("steps:\n got %q\nwant %q", got, want)
	}
}

func TestPlanMovesMisplacedAccount(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	a := converged(tree)
	for i := range a.Accounts {
		if a.Accounts[i].Name == "payments-dev" {
			a.Accounts[i].ParentID = a.RootID
		}
	}
	p := MakePlan(tree, a)
	if len(p.Steps) != 1 || p.Steps[0].Kind != StepMoveAccount {
		t.Fatalf("want one move, got:%s", describeSteps(p))
	}
	s := p.Steps[0]
	if s.Subject != "payments-dev" || s.From != "" || s.FromID != a.RootID || s.OU != "Workloads/dev" || s.AccountID == "" {
		t.Errorf("move step %+v", s)
	}
}

func TestPlanTagsOnlyWhatDiffers(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	a := converged(tree)
	for i := range a.Accounts {
		if a.Accounts[i].Name == "website-staging" {
			a.Accounts[i].Tags["environment"] = "stage"   // changed
			delete(a.Accounts[i].Tags, "cost-center")     // missing
			a.Accounts[i].Tags["team-note"] = "keep this" // not the design's: left alone
		}
	}
	p := MakePlan(tree, a)
	if len(p.Steps) != 1 || p.Steps[0].Kind != StepTagAccount {
		t.Fatalf("want one tag step, got:%s", describeSteps(p))
	}
	if got := p.Steps[0].Tags; len(got) != 2 || got["environment"] != "staging" || got["cost-center"] != "engineering" {
		t.Errorf("tags to set %v", got)
	}
}

func TestPlanLeavesUnmanagedAlone(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	a := converged(tree)
	a.Accounts = append(a.Accounts, ActualAccount{ID: "999999999999", Name: "legacy-crm", Email: "crm@acme.example", ParentID: a.RootID, Status: "ACTIVE"})
	a.OUs = append(a.OUs, ActualOU{ID: "ou-root-legacy", ParentID: a.RootID, Name: "Legacy"})
	a.Policies = append(a.Policies, ActualPolicy{ID: "p-custom", Name: "team-custom-scp", Content: "{}", Targets: []string{"999999999999"}})
	p := MakePlan(tree, a)
	if !p.Empty() {
		t.Errorf("unmanaged things caused steps:%s", describeSteps(p))
	}
	want := []Unmanaged{
		{Kind: "account", Name: "legacy-crm", ID: "999999999999", Path: ""},
		{Kind: "ou", Name: "Legacy", ID: "ou-root-legacy", Path: "Legacy"},
	}
	if !slices.Equal(p.Unmanaged, want) {
		t.Errorf("unmanaged %v, want %v", p.Unmanaged, want)
	}
}

func TestPlanMatchesByEmailThenName(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	a := converged(tree)
	for i := range a.Accounts {
		switch a.Accounts[i].Name {
		case "payments-dev":
			// Renamed in AWS, same email in another case: still the same account.
			a.Accounts[i].Name = "Payments Dev (old name)"
			a.Accounts[i].Email = "AWS+Payments-Dev@ACME.example"
		case "website-dev":
			// Another email, same name: matched by name.
			a.Accounts[i].Email = "web-dev@acme.example"
		}
	}
	p := MakePlan(tree, a)
	if !p.Empty() {
		t.Errorf("matching by email or name failed:%s", describeSteps(p))
	}
}

func TestPlanAwaitsCreationInProgress(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	a := converged(tree)
	a.Accounts = slices.DeleteFunc(a.Accounts, func(x ActualAccount) bool { return x.Name == "website-prod-eu" })
	a.Creations = []AccountCreation{
		{RequestID: "car-old", AccountName: "website-prod-eu", State: CreationFailed, FailureReason: "INTERNAL_FAILURE"},
		{RequestID: "car-new", AccountName: "website-prod-eu", State: CreationInProgress},
	}
	p := MakePlan(tree, a)
	if p.Count(StepCreateAccount) != 0 || p.Count(StepAwaitAccount) != 1 || p.Count(StepMoveAccount) != 1 {
		t.Fatalf("an account being created must be awaited, never created twice:%s", describeSteps(p))
	}
	if p.Steps[0].RequestID != "car-new" {
		t.Errorf("awaits %q", p.Steps[0].RequestID)
	}

	// A failed creation alone is retried, and the plan says why.
	a.Creations = a.Creations[:1]
	p = MakePlan(tree, a)
	if p.Count(StepCreateAccount) != 1 || !strings.Contains(p.Steps[0].Why, "INTERNAL_FAILURE") {
		t.Errorf("failed creation not retried with its reason:%s", describeSteps(p))
	}
	if len(p.Warnings) != 0 {
		t.Errorf("a passing failure warns: %v", p.Warnings)
	}
}

// TestPlanShowsFailedCreation: the last failed creation of a missing account
// is in the plan with the fix that works; one that repeats is also a warning.
func TestPlanShowsFailedCreation(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	a := converged(tree)
	a.Accounts = slices.DeleteFunc(a.Accounts, func(x ActualAccount) bool { return x.Name == "payments-dev" })
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a.Creations = []AccountCreation{
		{RequestID: "car-2", AccountName: "payments-dev", State: CreationFailed, FailureReason: "EMAIL_ALREADY_EXISTS", Requested: t0.Add(time.Hour)},
		{RequestID: "car-1", AccountName: "payments-dev", State: CreationFailed, FailureReason: "INTERNAL_FAILURE", Requested: t0},
	}
	p := MakePlan(tree, a)
	if p.Count(StepCreateAccount) != 1 {
		t.Fatalf("the missing account is not planned:%s", describeSteps(p))
	}
	why := p.Steps[0].Why
	for _, want := range []string{"the last creation of payments-dev failed: EMAIL_ALREADY_EXISTS", "aws+payments-dev@acme.example", "outside this organization", "accounts[]", "emailTemplate"} {
		if !strings.Contains(why, want) {
			t.Errorf("the step's why lacks %q: %s", want, why)
		}
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "fails again until this is fixed") {
		t.Errorf("warnings %v", p.Warnings)
	}
}

func TestPlanPolicies(t *testing.T) {
	d := loadExample(t, "acme.yaml")
	tree := expand(t, d)
	a := converged(tree)
	for i := range a.Policies {
		if a.Policies[i].Name == "orgwizard-region-lock-us" {
			a.Policies[i].Content = regionLockContent([]string{"us-east-1"}) // out of date
		}
		if a.Policies[i].Name == "orgwizard-deny-leave-organization" {
			// Same document, other spacing: not a change.
			a.Policies[i].Content = strings.ReplaceAll(a.Policies[i].Content, ",", ", ")
		}
	}
	// Turn the root-user guardrail off: its attachment goes, the policy stays.
	d.Guardrails.DenyRootUser = false
	tree = expand(t, d)
	p := MakePlan(tree, a)
	var got []string
	for _, s := range p.Steps {
		got = append(got, s.String())
	}
	want := []string{
		"update policy orgwizard-region-lock-us",
		"detach policy orgwizard-deny-root-user from Root",
	}
	if !slices.Equal(got, want) {
		t.Errorf("steps %q, want %q", got, want)
	}
}

func TestPlanAdoptedAccount(t *testing.T) {
	d := loadExample(t, "solo.yaml")
	d.Accounts = []AdoptedAccount{{Name: "old-management", ID: "222222222222", OU: OUTransitional}}
	tree := expand(t, d)
	a := converged(tree)
	// It is in the organization, in Root, untagged.
	for i := range a.Accounts {
		if a.Accounts[i].Name == "old-management" {
			a.Accounts[i].ID = "222222222222"
			a.Accounts[i].Name = "Acme Production"
			a.Accounts[i].ParentID = a.RootID
			a.Accounts[i].Tags = nil
		}
	}
	p := MakePlan(tree, a)
	if p.Count(StepMoveAccount) != 1 || p.Count(StepTagAccount) != 1 || p.Count(StepCreateAccount) != 0 {
		t.Errorf("adopted account:%s", describeSteps(p))
	}

	// Not in the organization yet: a warning, never a creation.
	a.Accounts = slices.DeleteFunc(a.Accounts, func(x ActualAccount) bool { return x.ID == "222222222222" })
	p = MakePlan(tree, a)
	if p.Count(StepCreateAccount) != 0 || len(p.Warnings) != 1 {
		t.Errorf("missing adopted account: warnings %v%s", p.Warnings, describeSteps(p))
	}
}

func TestPlanNeverTouchesManagementAccount(t *testing.T) {
	tree := expand(t, loadExample(t, "solo.yaml"))
	a := converged(tree)
	// The management account happens to use a workload account's email.
	a.Accounts[0].Email = "founder+app-dev@solo.example"
	a.Accounts = slices.DeleteFunc(a.Accounts, func(x ActualAccount) bool { return x.Name == "app-dev" })
	p := MakePlan(tree, a)
	for _, s := range p.Steps {
		if s.AccountID == a.Organization.ManagementAccountID {
			t.Errorf("step on the management account: %s", s)
		}
	}
	if len(p.Warnings) == 0 {
		t.Error("no warning about the management account")
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}
