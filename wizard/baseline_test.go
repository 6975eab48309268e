package wizard

import (
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func TestBaselineItemsSayProtectionCostAndDefault(t *testing.T) {
	def := orgmodel.DefaultBaseline()
	keys := []string{}
	for _, it := range BaselineItems {
		keys = append(keys, it.Key)
		if it.Protects == "" || it.Costs == "" || it.Label == "" {
			t.Errorf("%s: protects %q costs %q", it.Key, it.Protects, it.Costs)
		}
		if want := OnOff(*it.Value(def)); it.Default() != want {
			t.Errorf("%s default %s, want %s", it.Key, it.Default(), want)
		}
	}
	if got := strings.Join(keys, " "); got != "organizationTrail threatDetection securityHub accessAnalyzer centralRootAccess" {
		t.Errorf("items %s", got)
	}
	// Security Hub is the one off by default; nothing invents a figure.
	for _, it := range BaselineItems {
		if (it.Key == "securityHub") != (it.Default() == "off") {
			t.Errorf("%s default %s", it.Key, it.Default())
		}
		if strings.ContainsAny(it.Costs, "$€") {
			t.Errorf("%s's cost names a figure: %s", it.Key, it.Costs)
		}
	}
}

func TestBaselineBlockedWithoutTheSecurityOU(t *testing.T) {
	d := NewDesign()
	d.Foundation.Security = false
	err := BaselineBlocked(d)
	if err == nil || !strings.Contains(err.Error(), "foundation.security: true") || !strings.Contains(err.Error(), "select Security") {
		t.Fatalf("blocked: %v", err)
	}
	// Centralized root access alone needs no Security OU.
	if on, err := ToggleItem(d, 4); err != nil || !on || d.Baseline == nil || !d.Baseline.CentralRootAccess || d.Baseline.OrganizationTrail {
		t.Fatalf("root access alone: %v %v %+v", on, err, d.Baseline)
	}
	if _, err := ToggleItem(d, 0); err == nil || !strings.Contains(err.Error(), "organizationTrail (its logs go to log-archive)") {
		t.Errorf("trail without the Security OU: %v", err)
	}
	if d.Baseline.OrganizationTrail {
		t.Error("a refused toggle changed the design")
	}
	d.Foundation.Security = true
	if BaselineBlocked(d) != nil {
		t.Error("blocked with the Security OU")
	}
}

func TestBaselineToggleRetentionAndCheck(t *testing.T) {
	d := NewDesign()
	if err := SetRetention(d, "30"); err == nil || !strings.Contains(err.Error(), "press t") {
		t.Errorf("retention without a baseline: %v", err)
	}
	if err := SetBaseline(d, ProposeBaseline()); err != nil {
		t.Fatal(err)
	}
	if on, err := ToggleItem(d, 2); err != nil || !on || !d.Baseline.SecurityHub {
		t.Errorf("security hub on: %v %v", on, err)
	}
	for v, want := range map[string]string{"0": "not a number of days from 1 to 3650", "36500": "ten years", "a year": "not a whole number", "": "not a whole number"} {
		if err := RetentionQuestion.Valid(v); err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "baseline.") {
			t.Errorf("retention %q: %v", v, err)
		}
		if err := SetRetention(d, v); err == nil || d.Baseline.LogRetentionDays != 365 {
			t.Errorf("retention %q taken: %v %d", v, err, d.Baseline.LogRetentionDays)
		}
	}
	if err := SetRetention(d, " 2555 "); err != nil || d.Baseline.LogRetentionDays != 2555 {
		t.Errorf("seven years: %v", err)
	}
	if Check(Baseline, d) != nil {
		t.Error("a valid baseline does not pass the step")
	}
	if s := BaselineSummary(d); s != "Baseline: Organization trail, Threat detection (GuardDuty), Security Hub, Access Analyzer, Centralized root access on, logs kept at least 2555 days." {
		t.Errorf("summary %q", s)
	}
}

func TestContactQuestionsCheckAsAWS(t *testing.T) {
	name, email, phone, title := ContactQuestions(ContactKinds[0])
	for _, c := range []struct {
		q    Question
		v    string
		want string
	}{
		{name, "", "is required"},
		{name, strings.Repeat("a", 65), "at most 64"},
		{title, strings.Repeat("a", 51), "at most 50"},
		{email, "ana at acme", "not an address AWS accepts"},
		{phone, "call me", "characters AWS refuses"},
		{phone, "+-()", "has no digit"},
	} {
		err := c.q.Valid(c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "contacts.") {
			t.Errorf("%s %q: %v", c.q.Title, c.v, err)
		}
	}
	for _, c := range []struct {
		q Question
		v string
	}{{name, "Ana Lopez"}, {email, "sec@acme.example"}, {phone, "+1 (555) 0100"}, {title, "CISO"}} {
		if err := c.q.Valid(c.v); err != nil {
			t.Errorf("%s %q refused: %v", c.q.Title, c.v, err)
		}
	}
}

func TestPutAndRemoveContact(t *testing.T) {
	d := NewDesign()
	if err := PutContact(d, "billing", ContactAnswers{Name: "Ben", Email: "bad"}); err == nil || d.Contacts != nil {
		t.Fatalf("an incomplete contact was taken: %v", err)
	}
	a := ContactAnswers{Name: " Ben Okafor ", Email: "finance@acme.example", Phone: "+1 555 0101", Title: "Finance Lead"}
	if err := PutContact(d, "billing", a); err != nil {
		t.Fatal(err)
	}
	if got := ContactLine(d, "billing"); got != "Ben Okafor, Finance Lead, finance@acme.example, +1 555 0101" {
		t.Errorf("line %q", got)
	}
	if got := ContactLine(d, "security"); !strings.HasPrefix(got, "not set") {
		t.Errorf("security %q", got)
	}
	if err := PutContact(d, "security", ContactAnswers{Name: "Ana", Email: "sec@acme.example", Phone: "5550100", Title: "CISO"}); err != nil {
		t.Fatal(err)
	}
	if err := RemoveContact(d, "billing"); err != nil || d.Contacts == nil || d.Contacts.Billing != nil || d.Contacts.Security == nil {
		t.Fatalf("remove billing: %v %+v", err, d.Contacts)
	}
	if err := RemoveContact(d, "security"); err != nil || d.Contacts != nil {
		t.Fatalf("the last contact gone leaves the block: %v %+v", err, d.Contacts)
	}
	if Check(Baseline, d) != nil {
		t.Error("no contacts does not pass")
	}
}

func TestBaselineSavedKeepsComments(t *testing.T) {
	d := NewDesign()
	d.Organization.Name, d.Organization.Email, d.Organization.HomeRegion = "acme", "aws@acme.example", "us-east-1"
	d.Workloads = []orgmodel.Workload{{Name: "payments"}}
	d.Environments = []orgmodel.Environment{{Name: "prod"}}
	prev := Encode(d, Guardrails)
	prev = []byte(strings.Replace(string(prev), "organization:", "# kept by the wizard\norganization:", 1))
	if err := SetBaseline(d, ProposeBaseline()); err != nil {
		t.Fatal(err)
	}
	if err := PutContact(d, "security", ContactAnswers{Name: "Ana", Email: "sec@acme.example", Phone: "+1 555 0100", Title: "CISO"}); err != nil {
		t.Fatal(err)
	}
	out := string(EncodeOver(prev, d, Access))
	for _, want := range []string{"# kept by the wizard", "baseline:", "securityHub: false", "logRetentionDays: 365", "security: {name: Ana", `phone: "+1 555 0100"`} {
		if !strings.Contains(out, want) {
			t.Errorf("saved design lacks %q:\n%s", want, out)
		}
	}
	back, err := orgmodel.Parse([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if back.Baseline == nil || *back.Baseline != *orgmodel.DefaultBaseline() || back.Contacts.Security.Title != "CISO" {
		t.Errorf("read back %+v %+v", back.Baseline, back.Contacts)
	}
}

func TestSecurityLinesSayWhatIsCreatedWhere(t *testing.T) {
	d := NewDesign()
	d.Organization.Name, d.Organization.Email, d.Organization.HomeRegion = "acme", "aws@acme.example", "us-east-1"
	d.Workloads = []orgmodel.Workload{{Name: "payments", Residencies: []string{"eu"}}}
	d.Environments = []orgmodel.Environment{{Name: "prod", PerResidency: true}}
	d.Residencies = []orgmodel.Residency{{Name: "eu", Regions: []string{"eu-central-1"}}}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if got := SecurityLines(tree); len(got) != 1 || !strings.HasPrefix(got[0], BaselineOffText) {
		t.Errorf("no baseline: %q", got)
	}
	if err := SetBaseline(d, ProposeBaseline()); err != nil {
		t.Fatal(err)
	}
	if tree, err = d.Expand(); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(SecurityLines(tree), "\n")
	for _, want := range []string{
		"Log bucket in log-archive (us-east-1)", "kept at least 365 days",
		"Organization trail orgwizard-organization-trail in the management account (us-east-1)",
		"GuardDuty run from security-tooling (delegated admin) in eu-central-1, us-east-1",
		"Security Hub: off.",
		"organization analyzer orgwizard-organization in security-tooling",
		"no root password",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("security lines lack %q:\n%s", want, text)
		}
	}
}
