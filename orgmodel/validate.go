package orgmodel

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Validate checks the design against design-v1.md and AWS's limits, including
// what only the expansion shows (account names and emails, policy sizes and
// counts). It returns Errors with every problem, or nil.
func (d *Design) Validate() error {
	_, err := d.check()
	return err
}

// check validates the design and returns the tree it expands into, so that
// Expand does not expand twice.
func (d *Design) check() (*Tree, error) {
	l := &errorList{d: d}
	d.validateVersion(l)
	d.validateOrganization(l)
	d.validateEnvironments(l)
	d.validateResidencies(l)
	d.validateWorkloads(l)
	d.validateLayout(l)
	d.validateTags(l)
	d.validateAccounts(l)
	d.validateBudgets(l)
	d.validateAccess(l)
	d.validateBaseline(l)
	d.validateContacts(l)
	// What only the expansion shows is checked even when the inputs have
	// problems, so that one run reports everything (an adopted account's OU,
	// the emails a template makes); only what follows from an input already
	// reported is left out.
	faults := d.inputFaults(l.errs)
	if n := d.accountCount(); n > MaxAccounts {
		// Expanding is only safe once its size is known to be sensible.
		l.add("workloads", "the design makes %d accounts (%d workloads, %d environments); orgwizard manages at most %d; use fewer workloads, environments or residencies", n, len(d.Workloads), len(d.Environments), MaxAccounts)
		return nil, l.result()
	}
	if d.accessTooLarge(l) {
		return nil, l.result()
	}
	t := d.expand()
	d.validateTree(l, t, faults)
	d.validateBudgetAccounts(l, t)
	d.validateAccessTree(l, t)
	if err := l.result(); err != nil {
		return nil, err
	}
	return t, nil
}

// inputFaults are the problems the checks of the inputs found: their field
// paths, and the environments and residencies whose items have one.
type inputFaults struct {
	paths        []string
	environments map[string]bool // by name
	residencies  map[string]bool
	workloads    map[string]bool
}

func (d *Design) inputFaults(errs Errors) inputFaults {
	if len(errs) == 0 {
		return inputFaults{} // the common case, at no cost
	}
	f := inputFaults{environments: map[string]bool{}, residencies: map[string]bool{}, workloads: map[string]bool{}}
	for _, e := range errs {
		f.paths = append(f.paths, e.Path)
	}
	for i, e := range d.Environments {
		if f.under(index("environments", i)) {
			f.environments[e.Name] = true
		}
	}
	for i, r := range d.Residencies {
		if f.under(index("residencies", i)) {
			f.residencies[r.Name] = true
		}
	}
	for i, w := range d.Workloads {
		if f.under(index("workloads", i) + ".name") {
			f.workloads[w.Name] = true
		}
	}
	return f
}

// badOU reports whether an OU of the tree is named after an environment,
// residency or workload whose name is already reported: not one to suggest.
func (f inputFaults) badOU(path string) bool {
	parts := strings.Split(path, "/")
	for _, p := range parts[1:] {
		if f.environments[p] || f.residencies[p] || f.workloads[p] {
			return true
		}
	}
	return false
}

// under reports whether a problem was found at path or inside it.
func (f inputFaults) under(path string) bool {
	for _, p := range f.paths {
		if p == path || strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}

// derived reports whether a's problems would only repeat an input problem
// already reported: in the workload it comes from, or in the environment or
// residency its name is made of.
func (f inputFaults) derived(a Account) bool {
	if len(f.paths) == 0 {
		return false
	}
	if a.Kind == WorkloadAccount && (f.environments[a.Environment] || f.residencies[a.Residency] ||
		CheckEnvironmentName(a.Environment) != nil || (a.Residency != "" && CheckResidencyName(a.Residency) != nil)) {
		return true
	}
	return f.under(a.source)
}

// emailBase reports whether the mailbox or template account emails are made
// from already has a problem.
func (f inputFaults) emailBase() bool {
	for _, p := range f.paths {
		if p == "organization" || p == "organization.email" || p == "organization.emailTemplate" {
			return true
		}
	}
	return false
}

// MaxAccounts bounds the accounts a design may make. AWS's default quota is
// 10 accounts per organization and large organizations hold a few thousand;
// the bound keeps a mistaken design (10,000 workloads times 10,000
// environments) from being expanded at all.
const MaxAccounts = 10_000

// accountCount is how many accounts expand would make, computed without
// making them.
func (d *Design) accountCount() int {
	n := len(d.Accounts)
	if d.Foundation.Security {
		n += len(foundationAccounts[OUSecurity])
	}
	if d.Foundation.Infrastructure {
		n += len(foundationAccounts[OUInfrastructure])
	}
	perResidency := 0
	for _, w := range d.Workloads {
		perResidency += len(w.Residencies)
	}
	for _, e := range d.Environments {
		if e.PerResidency {
			n += perResidency
		} else {
			n += len(d.Workloads)
		}
	}
	return n
}

func (d *Design) validateVersion(l *errorList) {
	_, written := d.pos["version"]
	switch {
	case d.Version == 1:
	case d.Version == 0 && !written:
		l.add("version", "is required; add 'version: 1' at the top of the file")
	default:
		// A version the decoder could not read stays 0, and Parse reports
		// it once, as the decoder's problem.
		l.add("version", "version %d is not supported; the supported version is 1: write version: 1", d.Version)
	}
}

func (d *Design) validateOrganization(l *errorList) {
	o := d.Organization
	if o == (Organization{}) {
		l.add("organization", "is required; add it, such as:\n    organization:\n      name: acme\n      email: aws@acme.example\n      homeRegion: eu-west-1")
		return
	}
	if o.Name == "" {
		l.add("organization.name", "is required: a short lowercase name such as \"acme\"")
	} else {
		l.check("organization.name", CheckOrganizationName(o.Name))
	}
	switch {
	case o.Email != "" && o.EmailTemplate != "":
		l.add("organization.emailTemplate", "set either organization.email or organization.emailTemplate, not both")
	case o.Email == "" && o.EmailTemplate == "":
		l.add("organization", "needs email (a base mailbox such as aws@example.com) or emailTemplate (such as aws-{account}@example.com)")
	case o.Email != "":
		l.check("organization.email", CheckEmail(o.Email))
	default:
		if n := strings.Count(o.EmailTemplate, "{account}"); n != 1 {
			l.add("organization.emailTemplate", "%q must contain {account} exactly once (it has %d), as in aws-{account}@example.com", o.EmailTemplate, n)
		} else if err := CheckEmail(strings.Replace(o.EmailTemplate, "{account}", "a", 1)); err != nil {
			l.add("organization.emailTemplate", "%q does not make a valid email: %s", o.EmailTemplate, strings.Replace(err.Error(), "\"", "", -1))
		}
	}
	if o.HomeRegion == "" {
		l.add("organization.homeRegion", "is required: the region where you work most, such as eu-west-1 or us-east-1")
	} else {
		l.check("organization.homeRegion", CheckRegion(o.HomeRegion))
	}
}

func (d *Design) validateEnvironments(l *errorList) {
	if len(d.Environments) == 0 {
		l.add("environments", "needs at least one environment, such as:\n    environments:\n      - name: dev\n      - name: prod")
		return
	}
	seen := map[string]int{}
	for i, e := range d.Environments {
		p := index("environments", i)
		d.checkUniqueName(l, p+".name", e.Name, CheckEnvironmentName, seen, i, "environments", "dev")
		if e.PerResidency && len(d.Residencies) == 0 {
			l.add(p+".perResidency", "is true but the design has no residencies; add residencies or set perResidency: false")
		}
	}
}

func (d *Design) validateResidencies(l *errorList) {
	seen := map[string]int{}
	regionOwner := map[string]string{}
	for i, r := range d.Residencies {
		p := index("residencies", i)
		d.checkUniqueName(l, p+".name", r.Name, CheckResidencyName, seen, i, "residencies", "eu")
		if len(r.Regions) == 0 {
			l.add(p+".regions", "needs at least one region code, such as [eu-west-1]")
		}
		for j, region := range r.Regions {
			rp := index(p+".regions", j)
			if l.full() {
				l.omitted++
				continue
			}
			if err := CheckRegion(region); err != nil {
				l.check(rp, err)
				continue
			}
			if owner, ok := regionOwner[region]; ok {
				if owner == r.Name {
					l.add(rp, "%s is listed twice; keep one", region)
				} else {
					l.add(rp, "%s already belongs to residency %q; a region belongs to one residency only, so remove it from one of them", region, owner)
				}
				continue
			}
			regionOwner[region] = r.Name
		}
	}
}

func (d *Design) validateWorkloads(l *errorList) {
	if len(d.Workloads) == 0 {
		l.add("workloads", "needs at least one workload (a part of your product with its own team and data), such as:\n    workloads:\n      - name: app")
		return
	}
	names := make([]string, len(d.Residencies))
	known := map[string]bool{}
	for i, r := range d.Residencies {
		names[i] = r.Name
		known[r.Name] = true
	}
	seen := map[string]int{}
	for i, w := range d.Workloads {
		p := index("workloads", i)
		d.checkUniqueName(l, p+".name", w.Name, CheckWorkloadName, seen, i, "workloads", "payments")
		if w.Owner != "" {
			l.check(p+".owner", CheckEmail(w.Owner))
		}
		if len(d.Residencies) == 0 {
			if len(w.Residencies) > 0 {
				l.add(p+".residencies", "the design defines no residencies; add them under residencies, or remove this list")
			}
			continue
		}
		if len(w.Residencies) == 0 {
			l.add(p+".residencies", "is required when the design has residencies: list where %s serves customers, from: %s", orName(w.Name), listNames(names))
			continue
		}
		seenRes := map[string]bool{}
		for j, r := range w.Residencies {
			rp := index(p+".residencies", j)
			switch {
			case l.full():
				l.omitted++
			case !known[r]:
				msg := fmt.Sprintf("unknown residency %q; valid: %s", r, listNames(names))
				if near := nearest(r, names); near != "" {
					msg = fmt.Sprintf("unknown residency %q; did you mean %q? valid: %s", r, near, listNames(names))
				}
				l.add(rp, "%s", msg)
			case seenRes[r]:
				l.add(rp, "%q is listed twice; keep one", r)
			}
			seenRes[r] = true
		}
	}
}

func orName(name string) string {
	if name == "" {
		return "this workload"
	}
	return name
}

func (d *Design) checkUniqueName(l *errorList, path, name string, check func(string) error, seen map[string]int, i int, list, example string) {
	if name == "" {
		l.add(path, "is required: a name of lowercase letters, digits and '-', starting with a letter, such as %s", example)
		return
	}
	if err := check(name); err != nil {
		l.check(path, err)
		return
	}
	if first, ok := seen[name]; ok {
		l.add(path, "%q is already the name of %s[%d]; names must be unique, so rename one", name, list, first)
		return
	}
	seen[name] = i
}

func (d *Design) validateLayout(l *errorList) {
	switch d.Layout {
	case "", ByEnvironment, ByWorkload:
	default:
		msg := fmt.Sprintf("%q is not a layout; use by-environment (AWS's recommended shape) or by-workload", d.Layout)
		if near := nearest(string(d.Layout), []string{string(ByEnvironment), string(ByWorkload)}); near != "" {
			msg = fmt.Sprintf("%q is not a layout; did you mean %q? use by-environment or by-workload", d.Layout, near)
		}
		l.add("layout", "%s", msg)
	}
}

// AWS tag rules: keys 1-128 and values 0-256 Unicode characters of letters,
// digits, white space and _ . : / = + - @.
var tagCharsRe = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

const (
	maxTagKeyLen   = 128
	maxTagValueLen = 256
	maxTags        = 50 // per resource, as AWS allows
)

func (d *Design) validateTags(l *errorList) {
	for _, tg := range d.Tags {
		p := "tags." + tg.Key
		switch {
		case tg.Key == "":
			l.at(d.position(p), "tags", "a tag key is empty; give it a name")
		case len([]rune(tg.Key)) > maxTagKeyLen:
			l.add(p, "the key is %d characters; AWS allows at most %d, so shorten it", len([]rune(tg.Key)), maxTagKeyLen)
		case strings.HasPrefix(strings.ToLower(tg.Key), "aws:"):
			l.add(p, "keys starting with \"aws:\" are reserved by AWS; choose another key")
		case slices.Contains(reservedTags, tg.Key):
			l.add(p, "orgwizard sets the %q tag itself on every account; choose another key (it sets: %s)", tg.Key, strings.Join(reservedTags, ", "))
		case !tagCharsRe.MatchString(tg.Key):
			l.add(p, "the key has characters AWS does not allow; use letters, digits, spaces and _ . : / = + - @")
		}
		switch {
		case len([]rune(tg.Value)) > maxTagValueLen:
			l.add(p, "the value is %d characters; AWS allows at most %d, so shorten it", len([]rune(tg.Value)), maxTagValueLen)
		case !tagCharsRe.MatchString(tg.Value):
			l.add(p, "the value %q has characters AWS does not allow; use letters, digits, spaces and _ . : / = + - @", tg.Value)
		}
	}
	// Workload accounts carry up to six tags of orgwizard's own.
	if n := len(d.Tags) + 6; n > maxTags {
		l.add("tags", "%d tags plus orgwizard's own 6 make %d; AWS allows %d per account, so remove %d", len(d.Tags), n, maxTags, n-maxTags)
	}
}

func (d *Design) validateAccounts(l *errorList) {
	seen := map[string]int{}
	seenID := map[string]int{}
	for i, a := range d.Accounts {
		p := index("accounts", i)
		if a.Name == "" {
			l.add(p+".name", "is required: the account's name as it shows in AWS")
		} else if err := CheckAccountName(a.Name); err != nil {
			l.check(p+".name", err)
		} else if first, ok := seen[a.Name]; ok {
			l.add(p+".name", "%q is already the name of accounts[%d]; names must be unique, so rename one", a.Name, first)
		} else {
			seen[a.Name] = i
		}
		if a.Email == "" && a.ID == "" {
			l.add(p, "needs a way to find the existing account: add email or id (its 12-digit account id)")
		}
		if a.Email != "" {
			l.check(p+".email", CheckEmail(a.Email))
		}
		if a.ID != "" {
			if err := CheckAccountID(a.ID); err != nil {
				l.check(p+".id", err)
			} else if first, ok := seenID[a.ID]; ok {
				// One account cannot be placed twice.
				l.add(p+".id", "%s is already the id of accounts[%d]; list each existing account once", a.ID, first)
			} else {
				seenID[a.ID] = i
			}
		}
		if a.OU == "" {
			l.add(p+".ou", "is required: the OU path to place the account in, such as %s", OUTransitional)
		}
	}
}

// validateTree checks what only the expanded tree shows, leaving out what
// only repeats one of the input faults.
func (d *Design) validateTree(l *errorList, t *Tree, faults inputFaults) {
	ous := map[string]bool{}
	for _, o := range t.OUs {
		ous[o.Path] = true
		if o.Depth() > MaxOUDepth {
			l.add("layout", "OU %s is %d levels below the root; AWS allows %d", o.Path, o.Depth(), MaxOUDepth)
		}
	}

	byName := map[string]Account{}
	byEmail := map[string]Account{}
	for _, a := range t.Accounts {
		src := a.source
		// An account whose name or email is made from, or written in, an
		// input already reported is not checked again; it still takes its
		// name and email, so that a sound account that clashes is told.
		nameFault, emailFault := faults.derived(a), faults.derived(a) || faults.emailBase()
		if a.Kind == AdoptedKind {
			nameFault, emailFault = faults.under(src+".name"), faults.under(src+".email")
		}
		if nameFault || emailFault {
			if _, ok := byName[a.Name]; !ok && a.Name != "" {
				byName[a.Name] = a
			}
			if key := strings.ToLower(a.Email); a.Email != "" && !emailFault {
				if _, ok := byEmail[key]; !ok {
					byEmail[key] = a
				}
			}
		}
		if a.Kind == AdoptedKind && !faults.under(src+".ou") {
			if !ous[a.OU] && l.full() {
				l.omitted++
			} else if !ous[a.OU] {
				paths := make([]string, 0, len(t.OUs)+1)
				for _, o := range t.OUs {
					if !faults.badOU(o.Path) {
						paths = append(paths, o.Path)
					}
				}
				if !ous[OUTransitional] {
					// Placing an account there creates it.
					paths = append(paths, OUTransitional)
				}
				msg := fmt.Sprintf("%q is not an OU of this design; use one of: %s", a.OU, listNames(paths))
				if near := nearest(a.OU, paths); near != "" {
					msg = fmt.Sprintf("%q is not an OU of this design; did you mean %q? use one of: %s", a.OU, near, listNames(paths))
				}
				l.add(src+".ou", "%s", msg)
			}
		}
		if nameFault || emailFault {
			continue
		}
		if a.Kind != AdoptedKind {
			if err := CheckAccountName(a.Name); err != nil {
				// Its email is made from the name: one problem, one message.
				l.add(src, "makes account name %s; shorten the workload, environment or residency name", err)
			} else if err := CheckEmail(a.Email); err != nil {
				field := "organization.email"
				if d.Organization.EmailTemplate != "" {
					field = "organization.emailTemplate"
				}
				hint := "use a shorter " + field + ", or shorter names"
				if d.Organization.EmailTemplate == "" {
					hint = "use organization.emailTemplate (such as aws-{account}@example.com) or shorter names"
				}
				pos := d.position(src)
				if pos.Line == 0 {
					// The foundation's accounts are not written in the file:
					// point at what makes their emails.
					pos = d.position(field)
				}
				l.at(pos, src, "account %s gets email %s, which AWS refuses: %s; %s", a.Name, a.Email, err, hint)
			}
		}
		if prev, ok := byName[a.Name]; ok {
			if prev.Kind == FoundationAccount {
				l.add(src, "makes account %q, which the foundation makes too (%s); rename the workload or the environment", a.Name, prev.source)
			} else {
				l.add(src, "makes account %q, which %s makes too; rename one of them", a.Name, describeSource(prev))
			}
			// The same name makes the same email: reported once, here.
			continue
		}
		byName[a.Name] = a
		if a.Email != "" {
			key := strings.ToLower(a.Email)
			if prev, ok := byEmail[key]; ok {
				l.add(src, "account %s has email %s, the same as account %s; every AWS account needs its own email, so change one of them", a.Name, a.Email, prev.Name)
			} else {
				byEmail[key] = a
			}
		}
	}

	perTarget := map[Target]int{}
	for _, p := range t.Policies {
		if n := len(p.Content); n > MaxPolicyChars {
			l.add("guardrails", "policy %s is %d characters; AWS allows %d; use fewer regions per residency", p.Name, n, MaxPolicyChars)
		}
		for _, tg := range p.Targets {
			perTarget[tg]++
		}
	}
	for tg, n := range perTarget {
		// FullAWSAccess stays attached everywhere, and counts.
		if n+1 > MaxPoliciesPerTarget {
			l.add("guardrails", "%s would have %d policies with FullAWSAccess; AWS allows %d per target", tg, n+1, MaxPoliciesPerTarget)
		}
	}
}

func describeSource(a Account) string {
	switch a.Kind {
	case FoundationAccount:
		return "the foundation"
	default:
		return a.source
	}
}
