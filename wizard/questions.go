package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Question is one question of a step, written once: the full-screen form and
// accessible mode both render it (ui's field builders), with the same words,
// example and check, as huh renders one form either way. The renderings only
// present it: what it asks, and what answer it takes, live here.
type Question struct {
	// Title is what is asked.
	Title string
	// Help is a sentence that explains the question, "" for none.
	Help string
	// Example is a typical answer: the screen shows "e.g. <Example>" in the
	// empty field, accessible mode says "such as <Example>".
	Example string
	// Suggestions are the answers the screen completes with tab.
	Suggestions []string
	// Optional: accessible mode takes "none" to clear the current answer
	// (an empty answer keeps it there).
	Optional bool
	// Check refuses an answer with what to change; nil takes any answer.
	Check func(string) error
}

// Valid is q's check of v; every answer is valid for a question without one.
func (q Question) Valid(v string) error {
	if q.Check == nil {
		return nil
	}
	return q.Check(v)
}

// Field is a question and where its answer goes: Text for a text answer,
// Yes for a yes or no. A step's form is a list of fields, which ui renders
// as the screen's form or as plain prompts: a new form is written once.
type Field struct {
	Question
	Text *string
	Yes  *bool
}

// Ask is q with its answer kept in v.
func Ask(q Question, v *string) Field { return Field{Question: q, Text: v} }

// Choice is a question answered by picking one or more of its options.
type Choice struct {
	Title, Help string
	Options     []Option
	// Check refuses a selection (of the options' values); nil takes any.
	Check func([]string) error
}

// Option is one answer of a Choice: Label is shown, Value kept.
type Option struct{ Label, Value string }

// prefixed names what failed in a checker's message: "name must ...".
func prefixed(p string, check func(string) error) func(string) error {
	return func(v string) error {
		if err := check(v); err != nil {
			return fmt.Errorf("%s%w", p, err)
		}
		return nil
	}
}

// SplitList reads a list answer: names separated by spaces or commas.
func SplitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
}

// Where the account emails of the basics step come from.
const (
	FromMailbox  = "mailbox"
	FromTemplate = "template"
)

// BasicsQuestions are the questions of the basics step.
var BasicsQuestions = struct {
	Name Question
	// From chooses between Mailbox and Template, which ask the address.
	From              Choice
	Mailbox, Template Question
	HomeRegion, Tags  Question
}{
	Name: Question{Title: "Organization name", Help: "Short, lowercase, such as acme; it tags every account.", Example: "acme",
		Check: prefixed("name ", orgmodel.CheckOrganizationName)},
	From: Choice{Title: "Account emails come from",
		Options: []Option{{"one mailbox, + addressing", FromMailbox}, {"a template", FromTemplate}}},
	Mailbox: Question{Title: "Mailbox that receives every account's email", Example: "aws@acme.example",
		Check: func(v string) error { return CheckMailbox(v, "") }},
	Template: Question{Title: "Email template, with {account} once", Example: "aws-{account}@acme.example",
		Check: func(v string) error {
			if strings.TrimSpace(v) == "" {
				// CheckMailbox would speak of the mailbox, which this
				// choice does not ask.
				return errors.New("email template is empty; give one with {account} once, such as aws-{account}@example.com")
			}
			return CheckMailbox("", v)
		}},
	HomeRegion: Question{Title: "Home region", Help: "Where the organization's own tooling lives.", Example: "us-east-1",
		Suggestions: orgmodel.Regions(), Check: prefixed("home region ", orgmodel.CheckRegion)},
	Tags: Question{Title: "Tags on every account (optional): key=value, ...", Example: "cost-center=42, compliance=pci", Optional: true,
		Check: func(v string) error { _, err := ParseTags(v); return err }},
}

// BasicsAnswers are the answers of the basics step, as typed.
type BasicsAnswers struct {
	Name string
	// From is FromMailbox or FromTemplate: which of the two Address is.
	From, Address string
	Region, Tags  string
}

// BasicsOf are the answers d holds.
func BasicsOf(d *orgmodel.Design) BasicsAnswers {
	o := d.Organization
	b := BasicsAnswers{Name: o.Name, From: FromMailbox, Address: o.Email, Region: o.HomeRegion, Tags: FormatTags(d.Tags)}
	if o.EmailTemplate != "" && o.Email == "" {
		b.From, b.Address = FromTemplate, o.EmailTemplate
	}
	return b
}

// AddressQuestion is the question that asks b.Address.
func (b *BasicsAnswers) AddressQuestion() Question {
	if b.From == FromTemplate {
		return BasicsQuestions.Template
	}
	return BasicsQuestions.Mailbox
}

// Draft is d with the answers in it; tags that do not parse stay as they were.
func (b BasicsAnswers) Draft(d *orgmodel.Design) *orgmodel.Design {
	c := *d
	c.Organization.Name = b.Name
	c.Organization.HomeRegion = b.Region
	c.Organization.Email, c.Organization.EmailTemplate = "", ""
	if tags, err := ParseTags(b.Tags); err == nil {
		c.Tags = tags
	}
	if b.From == FromTemplate {
		c.Organization.EmailTemplate = strings.TrimSpace(b.Address)
	} else {
		c.Organization.Email = strings.TrimSpace(b.Address)
	}
	return &c
}

// Apply puts the answers into d when the step's check passes them; else d
// is unchanged and the check's message says what to fix.
func (b BasicsAnswers) Apply(d *orgmodel.Design) error {
	c := b.Draft(d)
	if err := Check(Basics, c); err != nil {
		return err
	}
	d.Organization, d.Tags = c.Organization, c.Tags
	return nil
}

// WorkloadQuestions ask workload i of d (i < 0: a new one).
func WorkloadQuestions(d *orgmodel.Design, i int) (name, description, owner Question) {
	var names []string
	for _, w := range d.Workloads {
		names = append(names, w.Name)
	}
	name = Question{Title: "Workload name", Help: "One part of the product, such as payments; lowercase, up to 24 characters.", Example: "payments",
		Check: uniqueName("workload", orgmodel.CheckWorkloadName, names, i)}
	description = Question{Title: "What it does (optional)", Example: "Card payments API and ledger", Optional: true}
	owner = Question{Title: "Owner's email (optional)", Help: "The team that answers for it; set as the owner tag.", Example: "payments-team@acme.example", Optional: true,
		Check: func(v string) error {
			if v == "" {
				return nil
			}
			return prefixed("owner ", orgmodel.CheckEmail)(v)
		}}
	return
}

// WorkloadForm asks workload i of d (i < 0: a new one) into w.
func WorkloadForm(d *orgmodel.Design, i int, w *orgmodel.Workload) []Field {
	name, description, owner := WorkloadQuestions(d, i)
	return []Field{Ask(name, &w.Name), Ask(description, &w.Description), Ask(owner, &w.Owner)}
}

// uniqueName checks a row's name as check does, and that no row of names
// but its own (index i; -1 for a new row) has it already.
func uniqueName(noun string, check func(string) error, names []string, i int) func(string) error {
	return func(v string) error {
		if err := check(v); err != nil {
			return fmt.Errorf("name %w", err)
		}
		for j, have := range names {
			if j != i && have == v {
				return fmt.Errorf("there is already %s %s called %s", article(noun), noun, v)
			}
		}
		return nil
	}
}

func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// environmentName checks environment i's name (-1: a new one's) in d.
func environmentName(d *orgmodel.Design, i int) func(string) error {
	var names []string
	for _, e := range d.Environments {
		names = append(names, e.Name)
	}
	return uniqueName("environment", orgmodel.CheckEnvironmentName, names, i)
}

// EnvironmentQuestions ask environment i of d (i < 0: a new one); whether
// it gets one account per residency is a yes or no.
func EnvironmentQuestions(d *orgmodel.Design, i int) (name, description, perResidency Question) {
	name = Question{Title: "Environment name", Help: "A stage every workload goes through, such as qa; lowercase, up to 16 characters.",
		Check: environmentName(d, i)}
	description = Question{Title: "What it is for (optional)", Optional: true}
	perResidency = Question{Title: "One account per residency?", Help: "Yes for production when its data must stay in a region set."}
	return
}

// EnvironmentForm asks environment i of d (i < 0: a new one) into e.
func EnvironmentForm(d *orgmodel.Design, i int, e *orgmodel.Environment) []Field {
	name, description, perResidency := EnvironmentQuestions(d, i)
	return []Field{Ask(name, &e.Name), Ask(description, &e.Description), {Question: perResidency, Yes: &e.PerResidency}}
}

// EnvironmentListQuestions ask all environments at once, as lists: their
// names, and which of them get one account per residency. Each name is
// checked as EnvironmentQuestions check one.
func EnvironmentListQuestions() (names, perResidency Question) {
	one := environmentName(&orgmodel.Design{}, -1)
	names = Question{Title: "Environments, separated by commas", Example: "dev, staging, prod",
		Check: func(v string) error {
			list := SplitList(v)
			if len(list) == 0 {
				return errors.New("give at least one environment, such as dev, prod")
			}
			seen := map[string]bool{}
			for _, n := range list {
				if err := one(n); err != nil {
					return fmt.Errorf("environment %s", err)
				}
				if seen[n] {
					return fmt.Errorf("environment %s is given twice; keep one", n)
				}
				seen[n] = true
			}
			return nil
		}}
	perResidency = Question{Title: "Which of them get one account per residency", Help: "Usually prod, when its data must stay in a region set.", Optional: true}
	return
}

// SetEnvironments replaces d's environments with the names listed, those
// in per with one account per residency; a name d had keeps its description.
func SetEnvironments(d *orgmodel.Design, names, per string) error {
	old := d.Environments
	d.Environments = nil
	var errs []error
	for _, n := range SplitList(names) {
		e := orgmodel.Environment{Name: n}
		for _, o := range old {
			if o.Name == n {
				e.Description = o.Description
			}
		}
		for _, p := range SplitList(per) {
			e.PerResidency = e.PerResidency || p == n
		}
		if err := PutEnvironment(d, -1, e); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ResidencyQuestions ask a residency's name and its regions.
func ResidencyQuestions() (name, regions Question) {
	name = Question{Title: "Residency name", Example: "de", Check: prefixed("name ", orgmodel.CheckResidencyName)}
	regions = Question{Title: "Regions, separated by spaces or commas", Example: "eu-central-1 eu-central-2",
		Check: func(v string) error {
			rs := SplitList(v)
			if len(rs) == 0 {
				return errors.New("give at least one region, such as eu-central-1")
			}
			for _, r := range rs {
				if err := orgmodel.CheckRegion(r); err != nil {
					return err
				}
			}
			return nil
		}}
	return
}

// ResidencyForm asks a residency's name and regions (a list).
func ResidencyForm(name, regions *string) []Field {
	n, r := ResidencyQuestions()
	return []Field{Ask(n, name), Ask(r, regions)}
}

// SetResidency puts the residency answered (name, and regions as a list)
// at index i of d, or adds it when i < 0.
func SetResidency(d *orgmodel.Design, i int, name, regions string) (orgmodel.Residency, error) {
	r := orgmodel.Residency{Name: strings.TrimSpace(name), Regions: SplitList(regions)}
	return r, PutResidency(d, i, r)
}

// ServeChoice asks which residencies workload i of d serves.
func ServeChoice(d *orgmodel.Design, i int) Choice {
	c := Choice{Title: fmt.Sprintf("Where does %s serve customers? (%d of %d)", d.Workloads[i].Name, i+1, len(d.Workloads)),
		Check: func(v []string) error {
			if len(v) == 0 {
				return errors.New("choose at least one residency")
			}
			return nil
		}}
	for _, r := range d.Residencies {
		c.Options = append(c.Options, Option{r.Name + " (" + strings.Join(r.Regions, ", ") + ")", r.Name})
	}
	return c
}

// ChoosePresets makes the preset residencies of d those chosen, by name:
// presets not chosen are removed, chosen ones added; custom residencies
// stay.
func ChoosePresets(d *orgmodel.Design, chosen []string) error {
	for _, r := range slices.Clone(d.Residencies) {
		if _, preset := PresetByName(r.Name); preset && !slices.Contains(chosen, r.Name) {
			RemoveResidency(d, r.Name)
		}
	}
	var errs []error
	for _, name := range chosen {
		if _, ok := d.Residency(name); ok {
			continue
		}
		p, _ := PresetByName(name)
		errs = append(errs, AddResidency(d, orgmodel.Residency{Name: p.Name, Regions: slices.Clone(p.Regions)}))
	}
	return errors.Join(errs...)
}

// Toggle is one switch of the guardrails step: a guardrail or a foundation
// OU, and why it matters.
type Toggle struct {
	Section, Label, Why string
	Value               func(d *orgmodel.Design) *bool
}

// Toggles are the guardrails step's switches, in the order they are shown.
var Toggles = []Toggle{
	{"Guardrails", "Deny leaving the organization", "A member account cannot walk off with its data, bills and people beyond your control.",
		func(d *orgmodel.Design) *bool { return &d.Guardrails.DenyLeaveOrganization }},
	{"Guardrails", "Region lock", "Accounts use only their residency's regions (or yours): data stays where the law wants it, and no one runs up bills in a region you never watch.",
		func(d *orgmodel.Design) *bool { return &d.Guardrails.RegionLock }},
	{"Guardrails", "Deny the root user", "Members' root users, the one login no permission can limit, can do nothing: people sign in with their own identities.",
		func(d *orgmodel.Design) *bool { return &d.Guardrails.DenyRootUser }},
	{"Foundation OUs", "Security: log-archive, security-tooling", "Logs that nobody in a workload can delete, and one place for security tools: what an auditor asks for first.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Security }},
	{"Foundation OUs", "Infrastructure: network, shared-services", "Shared networking and tools in their own accounts; worth it once several workloads share a network.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Infrastructure }},
	{"Foundation OUs", "Sandbox", "An OU for experiments, away from workloads and their data.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Sandbox }},
	{"Foundation OUs", "Suspended", "Where accounts wait before they are closed, with no access: nothing is lost by mistake.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Suspended }},
	{"Foundation OUs", "Transitional", "Where accounts brought in from outside wait until they are cleaned up and placed.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Transitional }},
}

// GuardrailsTitle asks the toggles as one multiple choice.
const GuardrailsTitle = "Guardrails and foundation OUs (the recommended ones are selected)"

// LayoutChoice asks the layout of the Workloads OU; Help says why it matters.
var LayoutChoice = Choice{Title: "Layout of the Workloads OU",
	Help: "Groups accounts in the Workloads OU. By environment puts every prod account under one OU and one set of rules.",
	Options: []Option{
		{"by environment: Workloads/prod holds all prod accounts (AWS's advice)", string(orgmodel.ByEnvironment)},
		{"by workload: Workloads/<workload> holds all its accounts", string(orgmodel.ByWorkload)},
	}}

// LayoutOf is d's layout, by environment when the design leaves it out.
func LayoutOf(d *orgmodel.Design) orgmodel.Layout {
	if d.Layout == "" {
		return orgmodel.ByEnvironment
	}
	return d.Layout
}

// AccountQuestions ask an adopted account: the name the design gives it,
// and the id or email that finds it in the organization.
func AccountQuestions() (name, key Question) {
	name = Question{Title: "Account name", Help: "As it shows in AWS, or the name the design gives it.", Example: "legacy-app", Check: accountName}
	key = Question{Title: "Its account id (12 digits) or email", Example: "123456789012",
		Check: func(v string) error { _, _, err := ParseAccountKey(v); return err }}
	return
}

// AccountForm asks an adopted account's name and its id or email.
func AccountForm(name, key *string) []Field {
	n, k := AccountQuestions()
	return []Field{Ask(n, name), Ask(k, key)}
}

// AdoptQuestion asks the name in the design of an account found in the
// organization, which orgwizard knows by its id.
var AdoptQuestion = Question{Title: "Name in the design", Check: accountName}

func accountName(v string) error {
	return prefixed("name ", orgmodel.CheckAccountName)(strings.TrimSpace(v))
}

// OUChoice asks which OU of d an adopted account is placed in.
func OUChoice(d *orgmodel.Design) Choice {
	c := Choice{Title: "OU to place it in (Transitional: until it is cleaned up)"}
	for _, path := range OUPaths(d) {
		c.Options = append(c.Options, Option{path, path})
	}
	return c
}

// ParseAccountKey reads the answer that finds an account: its id or email.
func ParseAccountKey(v string) (id, email string, err error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", "", errors.New("give the account's id (12 digits) or its email, so that orgwizard finds it")
	case strings.Contains(v, "@"):
		return "", v, prefixed("email ", orgmodel.CheckEmail)(v)
	default:
		return v, "", orgmodel.CheckAccountID(v)
	}
}

// SetAccount puts the adopted account answered (name, id or email as key,
// OU) at accounts[i] of d, or adds it when i < 0.
func SetAccount(d *orgmodel.Design, i int, name, key, ou string) (orgmodel.AdoptedAccount, error) {
	a := orgmodel.AdoptedAccount{Name: strings.TrimSpace(name), OU: ou}
	var err error
	if a.ID, a.Email, err = ParseAccountKey(key); err != nil {
		return a, err
	}
	return a, PutAccount(d, i, a)
}

// TargetChoice asks where to build; its options are the targets found.
var TargetChoice = Choice{Title: "Where should the organization be built?",
	Help: "Start with the sandbox: a simulated AWS on this machine. Nothing real is touched."}

// WayOutChoice asks a management account that runs workloads which way out;
// its options are migrate's ways out and, last, continuing anyway.
var WayOutChoice = Choice{Title: "This account runs workloads. Which way out?",
	Help: "Service control policies never restrict the management account, so what runs in it escapes every guardrail."}

// ProfileChoice asks, on real AWS, which profile is the new management
// account of way (a); its options are the profiles found.
var ProfileChoice = Choice{Title: "Which profile signs in to the new management account?"}

// MigrationQuestion is way (a)'s confirmation: on the sandbox enter goes
// ahead, on real AWS the new account's id.
func MigrationQuestion(sandbox bool, newAccount string) Question {
	q := Question{Title: fmt.Sprintf("Type the new account's id (%s) to go ahead", newAccount)}
	if sandbox {
		q.Title = "Press enter (or type yes) to go ahead"
	}
	q.Check = func(v string) error { return ConfirmMigration(v, sandbox, newAccount) }
	return q
}

// ApplyQuestion is the confirmation before anything changes in a real AWS
// account: its id, typed, so that no reflex 'yes' applies to the wrong one.
func ApplyQuestion(accountID string) Question {
	return Question{Title: "Type the account id to apply", Help: "This changes the real AWS account " + accountID + ".",
		Check: func(v string) error {
			if strings.TrimSpace(v) != accountID {
				return fmt.Errorf("%q is not %s; type the account id to apply", v, accountID)
			}
			return nil
		}}
}

// ConfirmChanges is what the plan changes, said before the confirmation, in
// two halves of one sentence (the screen puts them on two lines).
func ConfirmChanges(p *orgmodel.Plan) (accounts, guardrails string) {
	return fmt.Sprintf("%d OUs and %d accounts to create, %d accounts to move, %d to tag,", p.Count(orgmodel.StepCreateOU), p.Count(orgmodel.StepCreateAccount), p.Count(orgmodel.StepMoveAccount), p.Count(orgmodel.StepTagAccount)),
		fmt.Sprintf("%d guardrails to create or update and %d attachments.", p.Count(orgmodel.StepCreatePolicy)+p.Count(orgmodel.StepUpdatePolicy), p.Count(orgmodel.StepAttachPolicy))
}

// AccessSteps counts the plan's steps in IAM Identity Center, but the one
// that is the user's (turning it on).
func AccessSteps(p *orgmodel.Plan) int {
	n := 0
	for _, s := range p.Steps {
		if orgmodel.IsAccessStep(s.Kind) && s.Kind != orgmodel.StepEnableIdentityCenter {
			n++
		}
	}
	return n
}

// OnlyAccessLeft tells whether every step of a plan that is not empty is
// an access step: what a Done screen shows after access was skipped.
func OnlyAccessLeft(p *orgmodel.Plan) bool {
	for _, s := range p.Steps {
		if !orgmodel.IsAccessStep(s.Kind) {
			return false
		}
	}
	return len(p.Steps) > 0
}

// ConfirmAccess says the plan's access part, "" when it has none.
func ConfirmAccess(p *orgmodel.Plan) string {
	n := AccessSteps(p)
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s in IAM Identity Center: groups, users, permission sets and their assignments.", plural(n, "access step"))
}

// BaselineSteps counts the plan's steps of the security baseline and the
// alternate contacts.
func BaselineSteps(p *orgmodel.Plan) int {
	n := 0
	for _, s := range p.Steps {
		if s.Baseline != nil {
			n++
		}
	}
	return n
}

// ConfirmBaseline says the plan's baseline part, what it sets up and
// where, "" when it has none.
func ConfirmBaseline(p *orgmodel.Plan) string {
	n := BaselineSteps(p)
	if n == 0 {
		return ""
	}
	// The parts in the order apply sets them up, whatever the plan's.
	order := []string{"trusted access", "the log bucket in ", "the organization trail", "GuardDuty", "Security Hub", "Access Analyzer", "centralized root access", "alternate contacts"}
	var parts []string
	seen := map[string]bool{}
	add := func(part string) {
		if !seen[part] {
			seen[part] = true
			parts = append(parts, part)
		}
	}
	rank := func(part string) int {
		for i, o := range order {
			if strings.HasPrefix(part, o) {
				return i
			}
		}
		return len(order)
	}
	regions := map[string]map[string]bool{}
	from := map[string]string{}
	contacts := map[string]bool{}
	for _, s := range p.Steps {
		b := s.Baseline
		if b == nil {
			continue
		}
		switch s.Kind {
		case orgmodel.StepEnableTrustedAccess:
			add("trusted access")
		case orgmodel.StepCreateLogBucket, orgmodel.StepConfigureLogBucket, orgmodel.StepPutBucketPolicy:
			add("the log bucket in " + b.Account)
		case orgmodel.StepCreateTrail, orgmodel.StepUpdateTrail, orgmodel.StepStartLogging:
			add("the organization trail")
		case orgmodel.StepRegisterAdmin, orgmodel.StepConfigureGuardDuty, orgmodel.StepConfigureSecurityHub:
			label := map[string]string{orgmodel.ServiceGuardDuty: "GuardDuty", orgmodel.ServiceSecurityHub: "Security Hub"}[b.Service]
			if label == "" {
				add("Access Analyzer")
				continue
			}
			add(label)
			if regions[label] == nil {
				regions[label] = map[string]bool{}
			}
			if b.Region != "" {
				regions[label][b.Region] = true
			}
			if s.Kind == orgmodel.StepRegisterAdmin && b.Account != "" {
				from[label] = b.Account
			}
		case orgmodel.StepCreateAnalyzer:
			add("Access Analyzer")
		case orgmodel.StepEnableRootFeature:
			add("centralized root access")
		case orgmodel.StepPutAlternateContact:
			contacts[s.Subject] = true
			add("alternate contacts")
		}
	}
	slices.SortStableFunc(parts, func(a, b string) int { return rank(a) - rank(b) })
	for i, part := range parts {
		switch {
		case regions[part] != nil:
			where := ""
			if a := from[part]; a != "" {
				where = " from " + a
			}
			if r := len(regions[part]); r > 0 {
				where += " in " + plural(r, "region")
			}
			parts[i] = part + where
		case part == "alternate contacts":
			parts[i] = "alternate contacts on " + plural(len(contacts), "account")
		}
	}
	return fmt.Sprintf("%s of the security baseline: %s.", plural(n, "step"), strings.Join(parts, ", "))
}

// ConfirmBrief is the plan's parts in one line, for a window too short for
// ConfirmChanges, ConfirmBaseline and ConfirmAccess.
func ConfirmBrief(p *orgmodel.Plan) string {
	var parts []string
	for _, c := range []struct {
		n    int
		noun string
	}{
		{p.Count(orgmodel.StepCreateOU), "OU"},
		{p.Count(orgmodel.StepCreateAccount) + p.Count(orgmodel.StepAwaitAccount), "account"},
		{p.Count(orgmodel.StepMoveAccount), "move"},
		{p.Count(orgmodel.StepTagAccount), "tag"},
		{p.Count(orgmodel.StepCreatePolicy) + p.Count(orgmodel.StepUpdatePolicy) + p.Count(orgmodel.StepAttachPolicy) + p.Count(orgmodel.StepDetachPolicy) + p.Count(orgmodel.StepEnablePolicyType), "guardrail step"},
		{BaselineSteps(p), "baseline step"},
		{AccessSteps(p), "access step"},
	} {
		if c.n > 0 {
			parts = append(parts, plural(c.n, c.noun))
		}
	}
	return listOr(parts, "nothing") + " (a taller window says each)."
}

// ConfirmSafety is said with every confirmation.
const ConfirmSafety = "Nothing is deleted. You can stop at any moment with ctrl+c and go on later."
