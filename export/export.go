// Package export turns an organization's tree into text other tools read:
// Terraform (with import blocks for what exists), CloudFormation, Mermaid and
// Graphviz DOT drawings, and JSON. It is pure: the input is an orgmodel.Tree
// and, for an organization that exists, the ids matched from an
// orgmodel.Actual; nothing here calls AWS.
package export

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Format is an output format of export.
type Format string

// The formats, in the order help lists them.
const (
	Terraform      Format = "terraform"
	CloudFormation Format = "cloudformation"
	Mermaid        Format = "mermaid"
	DOT            Format = "dot"
	JSON           Format = "json"
)

// Formats lists every format.
var Formats = []Format{Terraform, CloudFormation, Mermaid, DOT, JSON}

// ParseFormat returns the format called s.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("%q is not an export format; use one of %s", s, strings.Join(names, ", "))
}

// Input is what is exported.
type Input struct {
	Tree *orgmodel.Tree
	// Existing holds the ids of what already exists; nil when exporting a
	// design alone, in which case everything is to be created.
	Existing *Existing
	// Source says where the tree comes from ("design acme.yaml", "AWS
	// account 111122223333"); outputs carry it in a comment or field.
	Source string
}

// Write writes in as f to w.
func Write(w io.Writer, f Format, in Input) error {
	if in.Tree == nil {
		return fmt.Errorf("export: no tree")
	}
	var b bytes.Buffer
	var err error
	switch f {
	case Terraform:
		err = writeTerraform(&b, in)
	case CloudFormation:
		err = writeCloudFormation(&b, in)
	case Mermaid:
		err = writeMermaid(&b, in)
	case DOT:
		err = writeDOT(&b, in)
	case JSON:
		err = writeJSON(&b, in)
	default:
		_, err = ParseFormat(string(f))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// Existing is what of a tree already exists in AWS, by id. Things are keyed
// the way the tree names them: OUs by path, accounts by their name in the
// tree, policies by name.
type Existing struct {
	OrganizationID      string
	RootID              string
	ManagementAccountID string
	SCPEnabled          bool
	// Baseline is the security baseline as read for the design (nil when
	// it was not: the design has no baseline or contacts block).
	Baseline *orgmodel.ActualBaseline
	OUs      map[string]string // OU path → ou-...
	Accounts map[string]ExistingAccount
	Policies map[string]string          // policy name → p-...
	Attached map[string]map[string]bool // policy name → the target ids it is attached to
	// Tags holds the tags of the OUs and policies that exist, by id, when
	// they were read. An OU or policy that exists is declared with its own
	// tags (apply never tags one it did not create); without them, with the
	// tag apply gives what it creates.
	Tags map[string]map[string]string
	// Budgets names the budgets that exist; Categories maps the cost
	// categories that exist to their ARNs (both empty unless read).
	Budgets    map[string]bool
	Categories map[string]string
	// Access is what the organization's IAM Identity Center holds, when it
	// was read and the organization has an instance; nil otherwise.
	Access *orgmodel.ActualAccess
}

// declaredTags returns the tags to declare for an OU or policy: those it has when
// it exists and they were read, otherwise the one apply puts on what it
// creates.
func (in Input) declaredTags(id string) map[string]string {
	if in.Existing != nil && id != "" {
		if tags, ok := in.Existing.Tags[id]; ok {
			return tags
		}
	}
	return map[string]string{orgmodel.TagManagedBy: orgmodel.ManagedByValue}
}

// ExistingAccount is the account a tree account matched. Its name and email
// are AWS's: orgwizard never renames an account, so an export that wants no
// changes after import must say what AWS has.
type ExistingAccount struct {
	ID    string
	Name  string
	Email string
	Tags  map[string]string
}

// Match finds what of tree exists in actual, by the rules the plan uses
// (design-v1.md): OUs by path, accounts by email (case-insensitive) then by
// name, policies by name. It asks orgmodel.MakePlan for the accounts so that
// export and apply can never disagree about which account is which.
func Match(tree *orgmodel.Tree, actual *orgmodel.Actual) *Existing {
	e := &Existing{OUs: map[string]string{}, Accounts: map[string]ExistingAccount{}, Policies: map[string]string{}, Attached: map[string]map[string]bool{}}
	if actual == nil || actual.Organization == nil {
		return e
	}
	e.OrganizationID = actual.Organization.ID
	e.RootID = actual.RootID
	e.ManagementAccountID = actual.Organization.ManagementAccountID
	e.SCPEnabled = actual.SCPEnabled
	e.Baseline = actual.Baseline
	for id, path := range actual.OUPaths() {
		if id != actual.RootID {
			e.OUs[path] = id
		}
	}
	byID := map[string]orgmodel.ActualAccount{}
	for _, a := range actual.Accounts {
		byID[a.ID] = a
	}
	for name, id := range orgmodel.MakePlan(tree, actual).Adopted {
		a := byID[id]
		e.Accounts[name] = ExistingAccount{ID: id, Name: a.Name, Email: a.Email, Tags: maps.Clone(a.Tags)}
	}
	for _, p := range actual.Policies {
		if p.AWSManaged {
			continue
		}
		e.Policies[p.Name] = p.ID
		set := map[string]bool{}
		for _, t := range p.Targets {
			set[t] = true
		}
		e.Attached[p.Name] = set
	}
	e.Budgets, e.Categories = map[string]bool{}, map[string]string{}
	if actual.Billing != nil {
		for _, b := range actual.Billing.Budgets {
			e.Budgets[b.Name] = true
		}
		for _, c := range actual.Billing.CostCategories {
			e.Categories[c.Name] = c.Arn
		}
	}
	if actual.Access != nil && actual.Access.InstanceARN != "" {
		e.Access = actual.Access
	}
	return e
}

// live reports whether the export describes an organization that exists.
func (in Input) live() bool { return in.Existing != nil && in.Existing.OrganizationID != "" }

// account returns the existing account a tree account matched.
func (in Input) account(name string) (ExistingAccount, bool) {
	if in.Existing == nil {
		return ExistingAccount{}, false
	}
	a, ok := in.Existing.Accounts[name]
	return a, ok
}

// targetID returns the id of a policy target, or "" when it does not exist yet.
func (in Input) targetID(t orgmodel.Target) string {
	e := in.Existing
	if e == nil {
		return ""
	}
	switch t.Type {
	case orgmodel.TargetRoot:
		return e.RootID
	case orgmodel.TargetOU:
		if id, ok := e.OUs[t.Name]; ok {
			return id
		}
	case orgmodel.TargetAccount:
		if a, ok := e.Accounts[t.Name]; ok {
			return a.ID
		}
	}
	if looksLikeID(t.Name) {
		// Actual.Tree names a target it cannot place by its id.
		return t.Name
	}
	return ""
}

// attached reports whether policy is attached to the target with id.
func (in Input) attached(policy, targetID string) bool {
	return in.Existing != nil && targetID != "" && in.Existing.Attached[policy][targetID]
}

// managed reports whether an account of the tree is one an export declares as
// a resource: the management account is the organization's own and no tool
// manages it as a member.
func (in Input) managed(a orgmodel.Account) bool {
	if a.Kind == orgmodel.ManagementKind {
		return false
	}
	if e, ok := in.account(a.Name); ok && in.Existing.ManagementAccountID != "" && e.ID == in.Existing.ManagementAccountID {
		return false
	}
	return true
}

// accountFields returns the name, email and tags to declare for an account:
// AWS's name and email when it exists (orgwizard never renames), and the
// design's tags over any others the account has (the plan leaves tags the
// design does not name alone; a declaration without them would remove them).
func (in Input) accountFields(a orgmodel.Account) (name, email string, tags map[string]string) {
	name, email, tags = a.Name, a.Email, maps.Clone(a.Tags)
	if e, ok := in.account(a.Name); ok {
		name, email = e.Name, e.Email
		merged := maps.Clone(e.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		maps.Copy(merged, a.Tags)
		tags = merged
	}
	return name, email, tags
}

func looksLikeID(s string) bool {
	if strings.HasPrefix(s, "r-") || strings.HasPrefix(s, "ou-") {
		return true
	}
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// shortPolicy drops orgwizard's prefix, for drawings where space is short.
func shortPolicy(name string) string { return strings.TrimPrefix(name, orgmodel.PolicyPrefix) }

// policiesOn returns the short names of the policies attached to t.
func policiesOn(tree *orgmodel.Tree, t orgmodel.Target) []string {
	names := tree.PoliciesOn(t)
	for i, n := range names {
		names[i] = shortPolicy(n)
	}
	return names
}

// namer makes identifiers that are unique within one namespace: a second
// "a" becomes "a<sep>2".
type namer struct {
	sep  string
	used map[string]bool
}

func newNamer(sep string) *namer { return &namer{sep: sep, used: map[string]bool{}} }

func (n *namer) unique(base string) string {
	name := base
	for i := 2; n.used[name]; i++ {
		name = fmt.Sprintf("%s%s%d", base, n.sep, i)
	}
	n.used[name] = true
	return name
}
