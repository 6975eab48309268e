package wizard

import (
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// The basics answers go into the design as the step's check allows them,
// and a refused answer changes nothing.
func TestBasicsAnswersApplyOrChangeNothing(t *testing.T) {
	d := acme(t)
	b := BasicsOf(d)
	if b.Name != d.Organization.Name || b.Region != d.Organization.HomeRegion || b.Address == "" {
		t.Fatalf("BasicsOf(acme) = %+v", b)
	}
	b.From, b.Address, b.Tags = FromTemplate, "aws-{account}@acme.example", "team=platform"
	if err := b.Apply(d); err != nil {
		t.Fatal(err)
	}
	if d.Organization.Email != "" || d.Organization.EmailTemplate != "aws-{account}@acme.example" || FormatTags(d.Tags) != "team=platform" {
		t.Errorf("applied as %+v, tags %v", d.Organization, d.Tags)
	}
	if got := BasicsOf(d); got.From != FromTemplate || got.AddressQuestion().Title != BasicsQuestions.Template.Title {
		t.Errorf("the template is not asked back: %+v", got)
	}
	before := d.Organization
	b.Region = "mars-1"
	if err := b.Apply(d); err == nil || !strings.Contains(err.Error(), "home region") || d.Organization != before {
		t.Errorf("a bad region: %v, organization now %+v", err, d.Organization)
	}
}

// Every question's check is the one the screen and accessible mode use:
// each refuses what orgmodel refuses, with what to change.
func TestQuestionsCheckWithOrgmodel(t *testing.T) {
	d := acme(t)
	name, _, owner := WorkloadQuestions(d, -1)
	envName, _, _ := EnvironmentQuestions(d, -1)
	envs, _ := EnvironmentListQuestions()
	for _, c := range []struct {
		q          Question
		bad, good  string
		wantInText string
	}{
		{BasicsQuestions.Name, "Acme!", "acme", "name "},
		{BasicsQuestions.Mailbox, "not-an-email", "aws@acme.example", "mailbox"},
		{BasicsQuestions.Template, "aws@acme.example", "aws-{account}@acme.example", "{account}"},
		{BasicsQuestions.HomeRegion, "mars-1", "eu-west-1", "home region "},
		{BasicsQuestions.Tags, "team", "team=platform", "key=value"},
		{name, d.Workloads[0].Name, "new-thing", "already a workload"},
		{name, "Payments", "new-thing", "name "},
		{owner, "nobody", "", "owner "},
		{envName, d.Environments[0].Name, "qa", "already an environment"},
		{envs, "dev, dev", "dev, prod", "given twice"},
		{envs, "dev, Prod", "dev prod", "environment name "},
	} {
		if err := c.q.Valid(c.bad); err == nil || !strings.Contains(err.Error(), c.wantInText) {
			t.Errorf("%s: %q gives %v, want a message with %q", c.q.Title, c.bad, err, c.wantInText)
		}
		if err := c.q.Valid(c.good); err != nil {
			t.Errorf("%s: %q refused: %v", c.q.Title, c.good, err)
		}
	}
	if n, _, _ := WorkloadQuestions(d, 0); n.Valid(d.Workloads[0].Name) != nil {
		t.Error("a workload edited under its own name is refused")
	}
}

func TestSetEnvironmentsKeepsDescriptions(t *testing.T) {
	d := NewDesign()
	if err := SetEnvironments(d, "dev, qa prod", "prod,qa"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range d.Environments {
		got = append(got, e.Name+"/"+map[bool]string{true: "split", false: "one"}[e.PerResidency]+"/"+e.Description)
	}
	if want := "dev/one/where engineers try things qa/split/ prod/split/what customers use"; strings.Join(got, " ") != want {
		t.Errorf("environments %q, want %q", strings.Join(got, " "), want)
	}
}

func TestResidencyQuestionsAndPresets(t *testing.T) {
	name, regions := ResidencyQuestions()
	if name.Valid("EU!") == nil || name.Valid("de") != nil {
		t.Error("the residency name is not checked as orgmodel checks it")
	}
	if err := regions.Valid(" , "); err == nil || !strings.Contains(err.Error(), "at least one region") {
		t.Errorf("no region: %v", err)
	}
	if regions.Valid("eu-central-1 mars-1") == nil || regions.Valid("eu-central-1,eu-central-2") != nil {
		t.Error("the regions are not checked one by one")
	}
	d := NewDesign()
	if err := PutWorkload(d, -1, ExampleWorkloads[0]); err != nil {
		t.Fatal(err)
	}
	if err := ChoosePresets(d, []string{"eu", "us"}); err != nil {
		t.Fatal(err)
	}
	if _, err := SetResidency(d, -1, " de ", "eu-central-2"); err != nil {
		t.Fatal(err)
	}
	if err := ChoosePresets(d, []string{"us"}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range d.Residencies {
		names = append(names, r.Name)
	}
	if strings.Join(names, " ") != "us de" {
		t.Errorf("residencies %v, want the preset eu gone and the custom de kept", names)
	}
	c := ServeChoice(d, 0)
	if c.Title != "Where does payments serve customers? (1 of 1)" || len(c.Options) != 2 || c.Options[1].Value != "de" {
		t.Errorf("serve choice %+v", c)
	}
	if c.Check(nil) == nil || c.Check([]string{"us"}) != nil {
		t.Error("a workload that serves no residency is not refused")
	}
}

// Each switch of the guardrails step switches its own part of the design,
// and an unset layout is shown as the default one.
func TestTogglesSwitchOneThingEach(t *testing.T) {
	for i, tg := range Toggles {
		d := NewDesign()
		*tg.Value(d) = !*tg.Value(d)
		for j, other := range Toggles {
			if j != i && *other.Value(d) != *other.Value(NewDesign()) {
				t.Errorf("switching %q switched %q too", tg.Label, other.Label)
			}
		}
		if tg.Why == "" || tg.Section == "" {
			t.Errorf("%q says not why or where", tg.Label)
		}
	}
	d := NewDesign()
	d.Layout = ""
	if LayoutOf(d) != orgmodel.ByEnvironment || LayoutChoice.Options[0].Value != string(orgmodel.ByEnvironment) {
		t.Error("an unset layout is not by environment, the first choice")
	}
}

func TestSetAccountFindsByIDOrEmail(t *testing.T) {
	d := NewDesign()
	name, key := AccountQuestions()
	if err := key.Valid(""); err == nil || !strings.Contains(err.Error(), "id (12 digits) or its email") {
		t.Errorf("an empty key: %v", err)
	}
	if key.Valid("12345") == nil || key.Valid("a@b") == nil || name.Valid(" legacy-app ") != nil {
		t.Error("the id, email or name is not checked as orgmodel checks it")
	}
	a, err := SetAccount(d, -1, " legacy-app ", " legacy@acme.example ", OUChoice(d).Options[0].Value)
	if err != nil || a != (orgmodel.AdoptedAccount{Name: "legacy-app", Email: "legacy@acme.example", OU: orgmodel.OUTransitional}) {
		t.Fatalf("SetAccount = %+v, %v", a, err)
	}
	if _, err := SetAccount(d, -1, "legacy-app", "123456789012", orgmodel.OUTransitional); err == nil {
		t.Error("a second account of the same name is taken")
	}
	if _, err := SetAccount(d, 0, "old-app", "123456789012", orgmodel.OUTransitional); err != nil || d.Accounts[0].ID != "123456789012" || len(d.Accounts) != 1 {
		t.Errorf("editing accounts[0]: %v, %+v", err, d.Accounts)
	}
}

// The confirmations are one question each, whoever renders them.
func TestConfirmationQuestions(t *testing.T) {
	q := ApplyQuestion("123456789012")
	if err := q.Valid("123456789013"); err == nil || !strings.Contains(err.Error(), `"123456789013" is not 123456789012`) {
		t.Errorf("a wrong id: %v", err)
	}
	if q.Valid(" 123456789012 ") != nil || !strings.Contains(q.Help, "123456789012") {
		t.Error("the right id is refused, or the question does not say which account changes")
	}
	if MigrationQuestion(true, "2").Valid("") != nil || MigrationQuestion(false, "222222222222").Valid("") == nil {
		t.Error("enter goes ahead on real AWS, or not on the sandbox")
	}
	if !strings.Contains(MigrationQuestion(false, "222222222222").Title, "222222222222") {
		t.Error("on real AWS the question does not say which id to type")
	}
}
