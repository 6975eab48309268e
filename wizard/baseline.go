package wizard

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// The step "Security baseline": the design's baseline and contacts blocks,
// item by item, each with what it protects, what AWS charges for it and its
// default. Its words are written here once; ui draws them on the screen and
// says them in accessible mode.

// BaselineItem is one switch of the baseline block.
type BaselineItem struct {
	// Key is the design key, Label what the step calls it.
	Key, Label string
	// Protects and Costs are one line each: what it protects, and which
	// parts AWS charges for and how (the README's table, from AWS's
	// pricing pages: no figures).
	Protects, Costs string
	Value           func(b *orgmodel.Baseline) *bool
}

// Default is the item's value in orgmodel.DefaultBaseline, as words.
func (it BaselineItem) Default() string {
	return OnOff(*it.Value(orgmodel.DefaultBaseline()))
}

// OnOff is a switch as the step writes it.
func OnOff(v bool) string {
	if v {
		return "on"
	}
	return "off"
}

// BaselineItems are the step's switches, in the order of the design file.
var BaselineItems = []BaselineItem{
	{"organizationTrail", "Organization trail",
		"A record of every API call in every account and region, in log-archive, which nobody in a workload can delete or alter unseen.",
		"The first copy of management events per account and region is free unless another trail has them; S3 charges the bucket's storage and requests.",
		func(b *orgmodel.Baseline) *bool { return &b.OrganizationTrail }},
	{"threatDetection", "Threat detection (GuardDuty)",
		"Alerts on compromised credentials, crypto-mining and calls from known-bad addresses, in every account and allowed region.",
		"GuardDuty charges per account and region by the volume it analyses (CloudTrail events, VPC flow logs, DNS logs), after a 30-day free trial.",
		func(b *orgmodel.Baseline) *bool { return &b.ThreatDetection }},
	{"securityHub", "Security Hub",
		"A score of every account against security standards, and the findings in one place.",
		"Security Hub charges per security check and per finding ingested, per account and region, after a 30-day free trial.",
		func(b *orgmodel.Baseline) *bool { return &b.SecurityHub }},
	{"accessAnalyzer", "Access Analyzer",
		"Findings for roles, buckets and keys shared outside the organization.",
		"No charge for the external access analyzer orgwizard creates (only unused-access analysis is charged, which orgwizard does not turn on).",
		func(b *orgmodel.Baseline) *bool { return &b.AccessAnalyzer }},
	{"centralRootAccess", "Centralized root access",
		"No root password in member accounts: the strongest credential of each account is gone.",
		"No charge.",
		func(b *orgmodel.Baseline) *bool { return &b.CentralRootAccess }},
}

// RetentionItem is the log retention's words, as a BaselineItem's.
var RetentionItem = struct{ Label, Protects, Costs string }{
	"Log retention",
	"How long the trail's record lasts: a log file becomes an old version that many days after it is written, and is deleted that many days later.",
	"S3 charges the bucket's storage per GB-month until the lifecycle deletes it.",
}

// ContactsItem is the alternate contacts' words.
var ContactsItem = struct{ Protects, Costs string }{
	"AWS's security, billing and operations notices reach a person, not only the account's root mailbox; set on every account, the management account included.",
	"No charge.",
}

// ContactKind is one alternate contact type: its design key and label.
type ContactKind struct{ Key, Label string }

// ContactKinds are the alternate contact types, in the design file's order.
var ContactKinds = []ContactKind{{"security", "Security contact"}, {"billing", "Billing contact"}, {"operations", "Operations contact"}}

// BaselineLead is what the step says before its list, whether the
// baseline is proposed, on or off.
const BaselineLead = "The Security OU at work: a trail logs every API call into log-archive; GuardDuty, Security Hub and Access Analyzer run from security-tooling for every account."

// BaselineProposed is said when the step proposes the defaults (the
// screen says it in brief, in its footer).
const BaselineProposed = "Proposed: AWS's usual baseline, with Security Hub off (it is charged per check); you may turn each item off, or the whole baseline."

// BaselineOffText is what the step says when the design has no baseline
// block.
const BaselineOffText = "The baseline is off: orgwizard creates no trail and turns on no security service, and leaves any that exist alone."

// RootAccessEmails is what centralized root access means for the account
// emails, for the Done screen (the README says the same).
const RootAccessEmails = "Centralized root access is on: member accounts the organization creates have no root password, and their account emails can no longer recover one. Keep the mailboxes: the email stays each account's identity and where AWS writes, but it is no longer a way in; a task that needs a member's root user is done from the management account through a root session."

// BaselineOffShort is BaselineOffText in brief, for a small window.
const BaselineOffShort = "The baseline is off: press t to turn it on with the defaults."

// BaselineBlocked is why the baseline cannot be turned on in d, and how to
// change that (Validate's message); nil when it can.
func BaselineBlocked(d *orgmodel.Design) error {
	if d.Foundation.Security {
		return nil
	}
	c := *d
	err := c.SetBaseline(orgmodel.DefaultBaseline())
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w (the step Guardrails and foundation: select Security)", err)
}

// BaselineBlockedShort is BaselineBlocked's message in brief, for a small
// window.
const BaselineBlockedShort = "The baseline needs the Security OU (log-archive, security-tooling): esc, then select Security."

// ProposeBaseline is the baseline the step proposes: orgmodel's defaults.
func ProposeBaseline() *orgmodel.Baseline { return orgmodel.DefaultBaseline() }

// SetBaseline makes b d's baseline block (nil: none), as orgmodel checks it.
func SetBaseline(d *orgmodel.Design, b *orgmodel.Baseline) error { return d.SetBaseline(b) }

// ToggleItem turns item i of BaselineItems on or off in d. In a design
// without a baseline block, turning an item on adds a block with that item
// alone on (and the default retention), so that nothing else is turned on
// unasked.
func ToggleItem(d *orgmodel.Design, i int) (on bool, err error) {
	it := BaselineItems[i]
	b := &orgmodel.Baseline{LogRetentionDays: orgmodel.DefaultLogRetentionDays}
	if d.Baseline != nil {
		c := *d.Baseline
		b = &c
	}
	v := it.Value(b)
	*v = !*v
	if err := d.SetBaseline(b); err != nil {
		return !*v, err
	}
	return *v, nil
}

// fieldMessage is the message of orgmodel's first field error, without its
// path: the form says which field it is.
func fieldMessage(err error) error {
	var es orgmodel.Errors
	if errors.As(err, &es) && len(es) > 0 {
		return errors.New(es[0].Message)
	}
	var fe orgmodel.FieldError
	if errors.As(err, &fe) {
		return errors.New(fe.Message)
	}
	return err
}

// RetentionQuestion asks the days each log file is kept at least,
// checked as Validate checks logRetentionDays.
var RetentionQuestion = Question{Title: "Days each log file is kept at least",
	Help:    fmt.Sprintf("From 1 to %d (ten years); 365 keeps a year, as PCI DSS asks (then as an old version as long again).", orgmodel.MaxLogRetentionDays),
	Example: strconv.Itoa(orgmodel.DefaultLogRetentionDays),
	Check: func(v string) error {
		_, err := parseRetention(v)
		return err
	}}

func parseRetention(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number of days; write one such as 365", strings.TrimSpace(v))
	}
	d := &orgmodel.Design{Foundation: orgmodel.Foundation{Security: true}}
	if err := d.SetBaseline(&orgmodel.Baseline{LogRetentionDays: n}); err != nil {
		return 0, fieldMessage(err)
	}
	return n, nil
}

// SetRetention puts the days answered into d's baseline block.
func SetRetention(d *orgmodel.Design, v string) error {
	if d.Baseline == nil {
		return errors.New("the baseline is off; turn it on first (press t)")
	}
	n, err := parseRetention(v)
	if err != nil {
		return err
	}
	b := *d.Baseline
	b.LogRetentionDays = n
	return d.SetBaseline(&b)
}

// ContactAnswers are one alternate contact's answers, as typed.
type ContactAnswers struct{ Name, Email, Phone, Title string }

// ContactOf are the answers d holds for the contact of kind key.
func ContactOf(d *orgmodel.Design, key string) ContactAnswers {
	if c := contactRef(d.Contacts, key); c != nil && *c != nil {
		x := **c
		return ContactAnswers{x.Name, x.Email, x.Phone, x.Title}
	}
	return ContactAnswers{}
}

func contactRef(c *orgmodel.Contacts, key string) **orgmodel.Contact {
	if c == nil {
		return nil
	}
	switch key {
	case "security":
		return &c.Security
	case "billing":
		return &c.Billing
	case "operations":
		return &c.Operations
	}
	return nil
}

// sampleContact is a valid contact, against which one answer is checked
// alone by orgmodel's checks of a whole contact.
var sampleContact = orgmodel.Contact{Name: "Ana Lopez", Email: "security@example.com", Phone: "+1 555 0100", Title: "Head of Security"}

// contactCheck checks one field of a contact as SetContacts does.
func contactCheck(set func(c *orgmodel.Contact, v string)) func(string) error {
	return func(v string) error {
		c := sampleContact
		set(&c, v)
		d := &orgmodel.Design{}
		if err := d.SetContacts(&orgmodel.Contacts{Security: &c}); err != nil {
			return fieldMessage(err)
		}
		return nil
	}
}

// ContactQuestions ask an alternate contact of kind k, each answer checked
// as AWS's PutAlternateContact would take it (orgmodel's checks).
func ContactQuestions(k ContactKind) (name, email, phone, title Question) {
	about := map[string]string{"security": "security", "billing": "billing", "operations": "operations"}[k.Key]
	name = Question{Title: k.Label + ": name", Help: fmt.Sprintf("The person or team AWS reaches about %s; at most %d characters.", about, orgmodel.MaxContactNameLen),
		Example: "Ana Lopez", Check: contactCheck(func(c *orgmodel.Contact, v string) { c.Name = v })}
	email = Question{Title: k.Label + ": email", Example: k.Key + "@acme.example",
		Check: contactCheck(func(c *orgmodel.Contact, v string) { c.Email = v })}
	phone = Question{Title: k.Label + ": phone", Help: "Digits, spaces and + - ( ) only.", Example: "+1 555 0100",
		Check: contactCheck(func(c *orgmodel.Contact, v string) { c.Phone = v })}
	title = Question{Title: k.Label + ": their role", Help: fmt.Sprintf("At most %d characters.", orgmodel.MaxContactTitleLen), Example: "Head of Security",
		Check: contactCheck(func(c *orgmodel.Contact, v string) { c.Title = v })}
	return
}

// ContactForm asks the contact of kind k into a.
func ContactForm(k ContactKind, a *ContactAnswers) []Field {
	name, email, phone, title := ContactQuestions(k)
	return []Field{Ask(name, &a.Name), Ask(email, &a.Email), Ask(phone, &a.Phone), Ask(title, &a.Title)}
}

// PutContact sets the contact of kind key in d to the answers, as
// SetContacts checks it; the other contacts stay.
func PutContact(d *orgmodel.Design, key string, a ContactAnswers) error {
	c := &orgmodel.Contacts{}
	if d.Contacts != nil {
		x := *d.Contacts
		c = &x
	}
	ref := contactRef(c, key)
	if ref == nil {
		return fmt.Errorf("no contact type %q; use security, billing or operations", key)
	}
	*ref = &orgmodel.Contact{Name: strings.TrimSpace(a.Name), Email: strings.TrimSpace(a.Email), Phone: strings.TrimSpace(a.Phone), Title: strings.TrimSpace(a.Title)}
	return d.SetContacts(c)
}

// RemoveContact removes the contact of kind key from d; the block goes
// when it was the last one.
func RemoveContact(d *orgmodel.Design, key string) error {
	if d.Contacts == nil {
		return nil
	}
	x := *d.Contacts
	if ref := contactRef(&x, key); ref != nil {
		*ref = nil
	}
	if x.Security == nil && x.Billing == nil && x.Operations == nil {
		return d.SetContacts(nil)
	}
	return d.SetContacts(&x)
}

// ContactLine is the contact of kind key as the step lists it.
func ContactLine(d *orgmodel.Design, key string) string {
	a := ContactOf(d, key)
	if a.Email == "" {
		return "not set (AWS writes to the root mailbox)"
	}
	return fmt.Sprintf("%s, %s, %s, %s", a.Name, a.Title, a.Email, a.Phone)
}

// BaselineSummary is the baseline in one sentence, for the step's list in
// accessible mode and the preview.
func BaselineSummary(d *orgmodel.Design) string {
	b := d.Baseline
	if b == nil {
		return "Baseline: off."
	}
	var on, off []string
	for _, it := range BaselineItems {
		if *it.Value(b) {
			on = append(on, it.Label)
		} else {
			off = append(off, it.Label)
		}
	}
	s := "Baseline: " + listOr(on, "nothing") + " on"
	if b.OrganizationTrail {
		s += fmt.Sprintf(", logs kept at least %d days", b.LogRetentionDays)
	}
	if len(off) > 0 {
		s += "; " + strings.Join(off, ", ") + " off"
	}
	return s + "."
}

func listOr(l []string, none string) string {
	if len(l) == 0 {
		return none
	}
	return strings.Join(l, ", ")
}

// SecurityLines say what the baseline of t creates, and where: the log
// bucket and the trail, the delegated administrators, the regions the
// services run in, root access and the contacts. For the preview's
// Security tab and accessible mode; one line for a design without them.
func SecurityLines(t *orgmodel.Tree) []string {
	bt := t.Baseline
	if bt == nil {
		return []string{BaselineOffText + " No alternate contact is set."}
	}
	var lines []string
	if tr := bt.Trail; tr != nil {
		lines = append(lines,
			fmt.Sprintf("Log bucket in %s (%s): versioned, public access blocked, encrypted; each log file kept at least %d days; no other account may delete from it.", tr.Bucket.Account, tr.Bucket.Region, tr.Bucket.RetentionDays),
			fmt.Sprintf("Organization trail %s in the management account (%s): every account, every region, log file validation, into that bucket.", tr.Name, tr.HomeRegion))
	} else if bt.Settings != nil {
		lines = append(lines, "Organization trail: off.")
	}
	admin := map[string]string{}
	for _, a := range bt.DelegatedAdmins {
		admin[a.Service] = a.Account
	}
	regional := func(label string, cov []orgmodel.RegionCoverage, service string) {
		if cov == nil {
			if bt.Settings != nil {
				lines = append(lines, label+": off.")
			}
			return
		}
		var regions []string
		all := true
		for _, c := range cov {
			regions = append(regions, c.Region)
			all = all && c.AutoEnable == "ALL"
		}
		enrol := "every member enrolled automatically"
		if !all {
			enrol = "each member enrolled only in the regions its region lock allows"
		}
		lines = append(lines, fmt.Sprintf("%s run from %s (delegated admin) in %s: %s.", label, adminOf(admin, service), strings.Join(regions, ", "), enrol))
	}
	regional("GuardDuty", bt.ThreatDetection, "guardduty.amazonaws.com")
	regional("Security Hub", bt.SecurityHub, "securityhub.amazonaws.com")
	if len(bt.Analyzers) > 0 {
		var regions []string
		for _, a := range bt.Analyzers {
			regions = append(regions, a.Region)
		}
		lines = append(lines, fmt.Sprintf("Access Analyzer: organization analyzer %s in %s (delegated admin) in %s.", bt.Analyzers[0].Name, bt.Analyzers[0].Account, strings.Join(regions, ", ")))
	} else if bt.Settings != nil {
		lines = append(lines, "Access Analyzer: off.")
	}
	if len(bt.RootFeatures) > 0 {
		lines = append(lines, "Centralized root access: member accounts have no root password; root tasks go through the management account.")
	} else if bt.Settings != nil {
		lines = append(lines, "Centralized root access: off.")
	}
	if n := len(bt.Contacts); n > 0 {
		var kinds []string
		for _, c := range bt.Contacts[0].Contacts {
			kinds = append(kinds, strings.ToLower(c.Type))
		}
		lines = append(lines, fmt.Sprintf("Alternate contacts (%s) on %s, the management account included.", strings.Join(kinds, ", "), nouns(n, "account")))
	} else {
		lines = append(lines, "Alternate contacts: none set.")
	}
	if len(bt.TrustedAccess) > 0 {
		lines = append(lines, "Trusted access in AWS Organizations for "+strings.Join(bt.TrustedAccess, ", ")+".")
	}
	return lines
}

func adminOf(admin map[string]string, service string) string {
	if a, ok := admin[service]; ok {
		return a
	}
	return "the management account"
}

// nouns is "1 account" or "3 accounts".
func nouns(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// checkBaseline is the step's check: the blocks pass Validate's checks.
func checkBaseline(d *orgmodel.Design) error {
	c := *d
	if d.Baseline != nil {
		if err := c.SetBaseline(d.Baseline); err != nil {
			return err
		}
	}
	if d.Contacts != nil {
		if err := c.SetContacts(d.Contacts); err != nil {
			return err
		}
	}
	return nil
}
