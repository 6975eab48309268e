package orgmodel

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// This file holds the design's baseline and contacts blocks: their types,
// defaults, decoding, validation and the setters an editor (the wizard) uses.
// What they expand into is in baselineexpand.go, the plan in baselineplan.go.

// Baseline is the design's optional security baseline: an organization
// trail into log-archive, and threat detection, Security Hub and IAM Access
// Analyzer run from security-tooling, and IAM's centralized root access.
//
// A design without a baseline block has no baseline (Design.Baseline is
// nil): orgwizard then reads and changes none of it. It is not "a baseline
// with the defaults", because CloudTrail's storage, GuardDuty and Security
// Hub cost money, and a design written before the block existed must not
// turn them on at its next apply. The wizard proposes the block, with the
// defaults, to a new design.
type Baseline struct {
	OrganizationTrail bool `json:"organizationTrail" yaml:"organizationTrail"`
	LogRetentionDays  int  `json:"logRetentionDays" yaml:"logRetentionDays"`
	ThreatDetection   bool `json:"threatDetection" yaml:"threatDetection"`
	SecurityHub       bool `json:"securityHub" yaml:"securityHub"`
	AccessAnalyzer    bool `json:"accessAnalyzer" yaml:"accessAnalyzer"`
	CentralRootAccess bool `json:"centralRootAccess" yaml:"centralRootAccess"`
}

// Defaults and bounds of the baseline block.
const (
	DefaultLogRetentionDays = 365
	// MaxLogRetentionDays bounds logRetentionDays at ten years. S3's
	// lifecycle takes any positive number of days; ten years is longer than
	// the common retention rules ask (PCI DSS one year, HIPAA six, SOX
	// seven), and a bound catches a slip such as 36500. Logs to keep longer
	// are kept by removing the lifecycle rule by hand.
	MaxLogRetentionDays = 3650
)

// DefaultBaseline is the baseline a design gets from an empty block
// (baseline: {}), and the one the wizard proposes.
func DefaultBaseline() *Baseline {
	return &Baseline{
		OrganizationTrail: true,
		LogRetentionDays:  DefaultLogRetentionDays,
		ThreatDetection:   true,
		SecurityHub:       false,
		AccessAnalyzer:    true,
		CentralRootAccess: true,
	}
}

// needsSecurityOU names the items that are turned on and use log-archive or
// security-tooling, the accounts of the Security OU.
func (b *Baseline) needsSecurityOU() []string {
	var out []string
	if b.OrganizationTrail {
		out = append(out, "organizationTrail (its logs go to log-archive)")
	}
	if b.ThreatDetection {
		out = append(out, "threatDetection (GuardDuty is run from security-tooling)")
	}
	if b.SecurityHub {
		out = append(out, "securityHub (run from security-tooling)")
	}
	if b.AccessAnalyzer {
		out = append(out, "accessAnalyzer (its analyzer is in security-tooling)")
	}
	return out
}

// Contacts are the alternate contacts (billing, operations, security) that
// orgwizard sets on every account of the organization, the management
// account included. A type left out is left alone. Design.Contacts is nil
// when the design has no contacts block.
type Contacts struct {
	Security   *Contact `json:"security,omitempty" yaml:"security,omitempty"`
	Billing    *Contact `json:"billing,omitempty" yaml:"billing,omitempty"`
	Operations *Contact `json:"operations,omitempty" yaml:"operations,omitempty"`
}

// Contact is one alternate contact, as account:PutAlternateContact takes it:
// all four fields are required.
type Contact struct {
	Name  string `json:"name" yaml:"name"`
	Email string `json:"email" yaml:"email"`
	Phone string `json:"phone" yaml:"phone"`
	Title string `json:"title" yaml:"title"`
}

// Alternate contact types, as the Account Management API names them.
const (
	ContactSecurity   = "SECURITY"
	ContactBilling    = "BILLING"
	ContactOperations = "OPERATIONS"
)

// contactKinds pairs each design key with its API type, in the order of the
// design file.
var contactKinds = []struct{ key, kind string }{
	{"security", ContactSecurity},
	{"billing", ContactBilling},
	{"operations", ContactOperations},
}

// ByType returns the contacts the block sets, each with its type, in the
// order security, billing, operations.
func (c *Contacts) ByType() []AlternateContact {
	if c == nil {
		return nil
	}
	var out []AlternateContact
	for _, k := range contactKinds {
		if ct := c.get(k.key); ct != nil {
			out = append(out, AlternateContact{Type: k.kind, Name: ct.Name, Email: ct.Email, Phone: ct.Phone, Title: ct.Title})
		}
	}
	return out
}

func (c *Contacts) get(key string) *Contact {
	switch key {
	case "security":
		return c.Security
	case "billing":
		return c.Billing
	case "operations":
		return c.Operations
	}
	return nil
}

func (c *Contacts) ref(key string) **Contact {
	switch key {
	case "security":
		return &c.Security
	case "billing":
		return &c.Billing
	default:
		return &c.Operations
	}
}

// AlternateContact is one alternate contact of an account, with its type
// (SECURITY, BILLING or OPERATIONS).
type AlternateContact struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
	Title string `json:"title"`
}

// AWS Account Management's limits on an alternate contact (the
// AlternateContact shape of the API reference).
const (
	MaxContactNameLen  = 64
	MaxContactTitleLen = 50
	MaxContactEmailLen = 254
	MaxContactPhoneLen = 25
)

var (
	// contactEmailRe is the API's EmailAddress pattern, anchored, without
	// the white space it tolerates around the address.
	contactEmailRe = regexp.MustCompile(`^[\w+=.#|!&-]+@[\w.-]+\.\w+$`)
	// contactPhoneRe is the API's PhoneNumber pattern, anchored.
	contactPhoneRe = regexp.MustCompile(`^[\s0-9()+-]+$`)
)

// baseline decodes the baseline block.
func (dc *decoder) baseline(n *yaml.Node, path string) {
	if isNull(n) {
		dc.errs.at(dc.pos(n), path, "is empty; write baseline: {} for the defaults (organization trail, GuardDuty, Access Analyzer and centralized root access on; Security Hub off), or remove the key for no baseline")
		return
	}
	b := DefaultBaseline()
	dc.d.Baseline = b
	dc.mapping(n, path, []field{
		{"organizationTrail", dc.boolean(&b.OrganizationTrail)},
		{"logRetentionDays", func(n *yaml.Node, path string) {
			v, err := strconv.Atoi(n.Value)
			if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
				dc.errs.at(dc.pos(n), path, "expected a whole number of days such as 365, found %s", describe(n))
				v = notDecoded
			}
			b.LogRetentionDays = v
		}},
		{"threatDetection", dc.boolean(&b.ThreatDetection)},
		{"securityHub", dc.boolean(&b.SecurityHub)},
		{"accessAnalyzer", dc.boolean(&b.AccessAnalyzer)},
		{"centralRootAccess", dc.boolean(&b.CentralRootAccess)},
	})
}

// contacts decodes the contacts block.
func (dc *decoder) contacts(n *yaml.Node, path string) {
	if isNull(n) {
		dc.errs.at(dc.pos(n), path, "is empty; give at least one of security, billing and operations, each with name, email, phone and title, or remove the key")
		return
	}
	c := &Contacts{}
	dc.d.Contacts = c
	var fields []field
	for _, k := range contactKinds {
		ref := c.ref(k.key)
		fields = append(fields, field{k.key, func(n *yaml.Node, path string) {
			if isNull(n) {
				dc.errs.at(dc.pos(n), path, "is empty; give name, email, phone and title, or remove the key")
				return
			}
			ct := &Contact{}
			*ref = ct
			dc.mapping(n, path, []field{
				{"name", dc.str(&ct.Name)},
				{"email", dc.str(&ct.Email)},
				{"phone", dc.str(&ct.Phone)},
				{"title", dc.str(&ct.Title)},
			})
		}})
	}
	dc.mapping(n, path, fields)
}

// validateBaseline checks the baseline block, all at once.
func (d *Design) validateBaseline(l *errorList) {
	b := d.Baseline
	if b == nil {
		return
	}
	if need := b.needsSecurityOU(); len(need) > 0 && !d.Foundation.Security {
		l.add("baseline", "needs foundation.security: true: %s; log-archive and security-tooling are the Security OU's accounts. Set foundation.security: true, or turn those items off", strings.Join(need, ", "))
	}
	switch v := b.LogRetentionDays; {
	case v == notDecoded:
		// already reported by the decoder
	case v < 1 || v > MaxLogRetentionDays:
		l.add("baseline.logRetentionDays", "%d is not a number of days from 1 to %d (ten years); the log bucket's lifecycle keeps each log file that many days after CloudTrail writes it, then as an old version as long again, such as 365", v, MaxLogRetentionDays)
	}
}

// validateContacts checks the contacts block as AWS's PutAlternateContact
// would, all at once.
func (d *Design) validateContacts(l *errorList) {
	c := d.Contacts
	if c == nil {
		return
	}
	if c.Security == nil && c.Billing == nil && c.Operations == nil && d.written("contacts") {
		l.add("contacts", "lists no contact; give at least one of security, billing and operations, or remove the key")
	}
	for _, k := range contactKinds {
		ct := c.get(k.key)
		if ct == nil {
			continue
		}
		p := "contacts." + k.key
		checkContactText(l, p+".name", ct.Name, MaxContactNameLen, "the person or team to reach, such as Ana Lopez")
		checkContactText(l, p+".title", ct.Title, MaxContactTitleLen, "their role, such as Head of Security")
		switch e := ct.Email; {
		case e == "":
			l.add(p+".email", "is required: the address AWS writes to about %s matters, such as %s@example.com", strings.ToLower(k.kind), k.key)
		case len(e) > MaxContactEmailLen:
			l.add(p+".email", "is %d characters; AWS allows at most %d", len(e), MaxContactEmailLen)
		case !contactEmailRe.MatchString(e):
			l.add(p+".email", "%q is not an address AWS accepts for a contact: name@domain.tld, with letters, digits and + = . # | ! & - before the '@'", e)
		}
		switch ph := ct.Phone; {
		case ph == "":
			l.add(p+".phone", "is required: a phone number of digits, spaces and + - ( ), such as \"+1 555 0100\" (quoted)")
		case len(ph) > MaxContactPhoneLen:
			l.add(p+".phone", "is %d characters; AWS allows at most %d", len(ph), MaxContactPhoneLen)
		case !contactPhoneRe.MatchString(ph):
			l.add(p+".phone", "%q has characters AWS refuses in a phone number; use digits, spaces and + - ( ) only, such as \"+1 555 0100\"", ph)
		case strings.IndexFunc(ph, unicode.IsDigit) < 0:
			l.add(p+".phone", "%q has no digit; write the number, such as \"+1 555 0100\"", ph)
		}
	}
}

// checkContactText checks a contact's name or title: required, at most max
// characters (AWS's limit), and on one line.
func checkContactText(l *errorList, path, s string, max int, example string) {
	switch n := len([]rune(s)); {
	case strings.TrimSpace(s) == "":
		l.add(path, "is required: %s", example)
	case n > max:
		l.add(path, "is %d characters; AWS allows at most %d, so shorten it", n, max)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		l.add(path, "%q has a line break or control character; write it on one line", s)
	}
}

// SetBaseline makes b the design's baseline block (nil: none) when it
// passes the checks Validate makes of the block, as if the file had written
// it; else d is unchanged and the error says what to change.
func (d *Design) SetBaseline(b *Baseline) error {
	if b == nil {
		d.Baseline = nil
		return nil
	}
	c := d.clone()
	c.Baseline = b
	l := &errorList{d: c}
	c.validateBaseline(l)
	if err := l.result(); err != nil {
		return err
	}
	*d = *c
	return nil
}

// SetContacts makes c the design's contacts block (nil: none) when it
// passes the checks Validate makes of the block; else d is unchanged and
// the error says what to change.
func (d *Design) SetContacts(c *Contacts) error {
	if c == nil {
		d.Contacts = nil
		return nil
	}
	x := d.clone()
	x.Contacts = c
	x.pos["contacts"] = x.position("contacts")
	l := &errorList{d: x}
	x.validateContacts(l)
	if err := l.result(); err != nil {
		return err
	}
	*d = *x
	return nil
}

// clone is a shallow copy of d with its own map of positions.
func (d *Design) clone() *Design {
	c := *d
	c.pos = maps.Clone(d.pos)
	if c.pos == nil {
		c.pos = map[string]Pos{}
	}
	return &c
}

// contactText is how Format writes a contact: one flow mapping, the phone
// quoted so that a number of digits alone stays text.
func contactText(c *Contact) string {
	return fmt.Sprintf("{name: %s, email: %s, phone: %s, title: %s}", scalar(c.Name), scalar(c.Email), quoted(c.Phone), scalar(c.Title))
}

// formatBaseline writes the baseline and contacts blocks as Format does,
// each baseline key with what it turns on.
func formatBaseline(w func(indent int, format string, args ...any), d *Design) {
	if b := d.Baseline; b != nil {
		w(0, "baseline:")
		for _, f := range baselineFields(d) {
			w(1, "%-30s # %s", f.key+": "+f.value, baselineComments[f.key])
		}
	}
	if c := d.Contacts; c != nil {
		w(0, "contacts:                        # alternate contacts of every account, the management account included")
		for _, k := range contactKinds {
			if ct := c.get(k.key); ct != nil {
				w(1, "%s: %s", k.key, contactText(ct))
			}
		}
	}
}

var baselineComments = map[string]string{
	"organizationTrail": "CloudTrail organization trail into log-archive",
	"logRetentionDays":  "days a log is current, then as long again as an old version",
	"threatDetection":   "GuardDuty in every allowed region, from security-tooling",
	"securityHub":       "Security Hub, from security-tooling (charged per check)",
	"accessAnalyzer":    "an organization analyzer in security-tooling",
	"centralRootAccess": "member accounts get no root password",
}

// baselineFields are the baseline block's keys as Format writes their
// values; none when the design has no baseline.
func baselineFields(d *Design) []keyValue {
	b := d.Baseline
	if b == nil {
		return nil
	}
	return []keyValue{
		{"organizationTrail", boolText(b.OrganizationTrail)},
		{"logRetentionDays", strconv.Itoa(b.LogRetentionDays)},
		{"threatDetection", boolText(b.ThreatDetection)},
		{"securityHub", boolText(b.SecurityHub)},
		{"accessAnalyzer", boolText(b.AccessAnalyzer)},
		{"centralRootAccess", boolText(b.CentralRootAccess)},
	}
}
