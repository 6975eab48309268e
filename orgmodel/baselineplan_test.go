package orgmodel

import (
	"slices"
	"strings"
	"testing"
)

// applyBaseline carries out a plan's baseline steps on a the way AWS would,
// refusing what AWS refuses when a step comes in the wrong order (a
// delegated administrator before trusted access, a trail before its bucket
// policy). It reports each refusal as a test error.
func applyBaseline(t *testing.T, a *Actual, steps []Step) {
	t.Helper()
	if a.Baseline == nil {
		a.Baseline = &ActualBaseline{}
	}
	ab := a.Baseline
	mgmt := a.Organization.ManagementAccountID
	ids := map[string]string{}
	for _, acc := range a.Accounts {
		ids[acc.Name] = acc.ID
	}
	trusted := func(s Step, service string) bool {
		if !slices.Contains(ab.TrustedAccess, service) {
			t.Errorf("%s: AWS refuses it before trusted access for %s", s, service)
			return false
		}
		return true
	}
	regional := func(service string) *[]ActualRegionalService {
		if service == ServiceGuardDuty {
			return &ab.GuardDuty
		}
		return &ab.SecurityHub
	}
	region := func(list *[]ActualRegionalService, r string) *ActualRegionalService {
		for i := range *list {
			if (*list)[i].Region == r {
				return &(*list)[i]
			}
		}
		*list = append(*list, ActualRegionalService{Region: r})
		return &(*list)[len(*list)-1]
	}
	for _, s := range steps {
		b := s.Baseline
		if b == nil {
			continue
		}
		switch s.Kind {
		case StepEnableTrustedAccess:
			if !slices.Contains(ab.TrustedAccess, b.Service) {
				ab.TrustedAccess = append(ab.TrustedAccess, b.Service)
			}
		case StepRegisterAdmin:
			if !trusted(s, b.Service) || s.AccountID != ids[b.Account] {
				continue
			}
			if b.Region != "" {
				region(regional(b.Service), b.Region).AdminAccountID = s.AccountID
			} else {
				ab.DelegatedAdmins = append(ab.DelegatedAdmins, ActualDelegatedAdmin{Service: b.Service, AccountID: s.AccountID})
			}
		case StepCreateLogBucket:
			if b.Bucket == "" {
				t.Errorf("%s: no bucket name though the ids are known", s)
			}
			ab.Bucket = &ActualBucket{Name: b.Bucket, Region: b.Region}
		case StepConfigureLogBucket:
			if ab.Bucket == nil {
				t.Errorf("%s: NoSuchBucket", s)
				continue
			}
			ab.Bucket.Versioning, ab.Bucket.PublicAccessBlocked, ab.Bucket.Encryption = VersioningOn, true, EncryptionSSES3
			ab.Bucket.ExpirationDays, ab.Bucket.NoncurrentExpirationDays = b.Trail.Bucket.RetentionDays, b.Trail.Bucket.RetentionDays
		case StepPutBucketPolicy:
			if ab.Bucket == nil || b.Policy == "" {
				t.Errorf("%s: no bucket, or no policy", s)
				continue
			}
			ab.Bucket.Policy = b.Policy
		case StepCreateTrail, StepUpdateTrail:
			if !trusted(s, ServiceCloudTrail) {
				continue
			}
			if ab.Bucket == nil || !strings.Contains(ab.Bucket.Policy, TrailARN(b.Trail.HomeRegion, mgmt)) {
				t.Errorf("%s: InsufficientS3BucketPolicyException: the bucket's policy does not let this trail write", s)
				continue
			}
			logging := ab.Trail != nil && ab.Trail.IsLogging
			ab.Trail = &ActualTrail{Name: s.Subject, ARN: TrailARN(b.Trail.HomeRegion, mgmt), HomeRegion: b.Trail.HomeRegion, S3BucketName: b.Bucket,
				IsOrganizationTrail: true, IsMultiRegionTrail: true, LogFileValidationEnabled: true, IncludeGlobalServiceEvents: true, IsLogging: logging}
		case StepStartLogging:
			if ab.Trail == nil {
				t.Errorf("%s: TrailNotFoundException", s)
				continue
			}
			ab.Trail.IsLogging = true
		case StepConfigureGuardDuty, StepConfigureSecurityHub:
			r := region(regional(b.Service), b.Region)
			if r.AdminAccountID != s.AccountID {
				t.Errorf("%s: security-tooling is not the administrator in %s", s, b.Region)
				continue
			}
			r.Enabled, r.AutoEnable, r.MemberIDs = true, b.Coverage.AutoEnable, []string{mgmt}
			for _, m := range b.Coverage.Members {
				r.MemberIDs = append(r.MemberIDs, ids[m])
			}
		case StepCreateAnalyzer:
			if !slices.ContainsFunc(ab.DelegatedAdmins, func(d ActualDelegatedAdmin) bool {
				return d.Service == ServiceAccessAnalyzer && d.AccountID == s.AccountID
			}) {
				t.Errorf("%s: security-tooling is not Access Analyzer's delegated administrator", s)
				continue
			}
			ab.Analyzers = append(ab.Analyzers, ActualAnalyzer{Name: b.Analyzer.Name, Type: b.Analyzer.Type, Region: b.Region, AccountID: s.AccountID, Status: "ACTIVE"})
		case StepEnableRootFeature:
			if trusted(s, ServiceIAM) {
				ab.RootFeatures = append(ab.RootFeatures, b.Feature)
			}
		case StepPutAlternateContact:
			if !b.Management && !trusted(s, ServiceAccount) {
				continue
			}
			id := s.AccountID
			i := slices.IndexFunc(ab.Contacts, func(c ActualAccountContacts) bool { return c.AccountID == id })
			if i < 0 {
				ab.Contacts = append(ab.Contacts, ActualAccountContacts{AccountID: id})
				i = len(ab.Contacts) - 1
			}
			list := slices.DeleteFunc(ab.Contacts[i].Contacts, func(c AlternateContact) bool { return c.Type == b.Contact.Type })
			ab.Contacts[i].Contacts = append(list, *b.Contact)
		default:
			t.Errorf("unknown baseline step %s", s.Kind)
		}
	}
}

func baselineSteps(p *Plan) []Step {
	var out []Step
	for _, s := range p.Steps {
		if s.Baseline != nil {
			out = append(out, s)
		}
	}
	return out
}

// secureTree is acme-secure with Security Hub on too, so that every step
// kind is planned.
func secureTree(t *testing.T) *Tree {
	t.Helper()
	d := loadExample(t, "acme-secure.yaml")
	b := *d.Baseline
	b.SecurityHub = true
	if err := d.SetBaseline(&b); err != nil {
		t.Fatal(err)
	}
	return expand(t, d)
}

// On an organization with every account and nothing of the baseline, the
// plan sets it all up in dependency order; carried out, a second plan is
// empty.
func TestPlanBaselineConverges(t *testing.T) {
	tree := secureTree(t)
	a := converged(tree)
	p := MakePlan(tree, a)
	steps := baselineSteps(p)
	if len(steps) != len(p.Steps) || len(p.Warnings) > 0 {
		t.Fatalf("the organization matches the design but for the baseline, yet the plan has:%s\n%v", describeSteps(p), p.Warnings)
	}
	k := kinds(p)
	regions := len(tree.Baseline.Regions)
	for kind, want := range map[StepKind]int{
		StepEnableTrustedAccess: 6, StepRegisterAdmin: 2*regions + 1, StepCreateLogBucket: 1, StepConfigureLogBucket: 1,
		StepPutBucketPolicy: 1, StepCreateTrail: 1, StepStartLogging: 1, StepConfigureGuardDuty: regions,
		StepConfigureSecurityHub: regions, StepCreateAnalyzer: regions, StepEnableRootFeature: 2,
		StepPutAlternateContact: 3 * (len(tree.Accounts) + 1),
	} {
		if k[kind] != want {
			t.Errorf("%d %s steps, want %d", k[kind], kind, want)
		}
	}
	// Dependency order: every step of a kind before every step of the next.
	order := []StepKind{StepEnableTrustedAccess, StepRegisterAdmin, StepCreateLogBucket, StepConfigureLogBucket, StepPutBucketPolicy,
		StepCreateTrail, StepStartLogging, StepConfigureGuardDuty, StepConfigureSecurityHub, StepCreateAnalyzer, StepEnableRootFeature, StepPutAlternateContact}
	rank := -1
	for _, s := range steps {
		r := slices.Index(order, s.Kind)
		if r < rank {
			t.Errorf("%s comes after a %s step", s, order[rank])
		}
		rank = max(rank, r)
	}
	applyBaseline(t, a, steps)
	if again := MakePlan(tree, a); !again.Empty() || len(again.Warnings) > 0 {
		t.Errorf("a second plan is not empty:%s\n%v", describeSteps(again), again.Warnings)
	}
}

// Interrupted after any step, a new plan from what exists then finishes
// the job: nothing is lost, and the result is the same.
func TestPlanBaselineResumesAfterAnyStep(t *testing.T) {
	tree := secureTree(t)
	n := len(baselineSteps(MakePlan(tree, converged(tree))))
	for k := 0; k <= n; k++ {
		a := converged(tree)
		applyBaseline(t, a, baselineSteps(MakePlan(tree, a))[:k])
		rest := baselineSteps(MakePlan(tree, a))
		if len(rest) > n-k {
			t.Errorf("after %d steps, %d remain; want at most %d", k, len(rest), n-k)
		}
		applyBaseline(t, a, rest)
		if again := MakePlan(tree, a); !again.Empty() {
			t.Fatalf("after %d steps and a re-run, the plan is not empty:%s", k, describeSteps(again))
		}
	}
}

// A new organization plans the baseline after its accounts, with the names
// the apply engine fills in once the ids exist.
func TestPlanBaselineOnANewOrganization(t *testing.T) {
	tree := secureTree(t)
	p := MakePlan(tree, nil)
	lastAccount, first := -1, len(p.Steps)
	for i, s := range p.Steps {
		switch {
		case s.Kind == StepCreateAccount || s.Kind == StepMoveAccount:
			lastAccount = i
		case s.Baseline != nil:
			first = min(first, i)
		}
		if s.Kind == StepPutBucketPolicy && s.Baseline.Policy != "" {
			t.Errorf("a policy naming ids that do not exist yet: %s", s.Baseline.Policy)
		}
		if s.Kind == StepCreateLogBucket && s.String() != "create log bucket orgwizard-logs-<log-archive id>-<organization id> in log-archive (eu-west-1)" {
			t.Errorf("step reads %q", s)
		}
	}
	if first < lastAccount {
		t.Errorf("a baseline step (%d) comes before an account step (%d)", first, lastAccount)
	}
}

// Turning baseline keys off deletes nothing: each thing left behind is a
// warning with the command that removes it by hand.
func TestPlanBaselineTurnedOffIsLeftInPlace(t *testing.T) {
	tree := secureTree(t)
	a := converged(tree)
	applyBaseline(t, a, baselineSteps(MakePlan(tree, a)))
	d := loadExample(t, "acme-secure.yaml")
	off := &Baseline{LogRetentionDays: 365}
	if err := d.SetBaseline(off); err != nil {
		t.Fatal(err)
	}
	p := MakePlan(expand(t, d), a)
	if !p.Empty() {
		t.Errorf("turning the baseline off plans:%s", describeSteps(p))
	}
	tooling := a.Baseline.Analyzers[0].AccountID
	want := []string{
		"aws cloudtrail delete-trail --name arn:aws:cloudtrail:eu-west-1:000000000001:trail/orgwizard-organization-trail --region eu-west-1",
		"its log bucket orgwizard-logs-",
		"aws guardduty disable-organization-admin-account --admin-account-id " + tooling + " --region us-west-2",
		"aws securityhub disable-organization-admin-account --admin-account-id " + tooling + " --region eu-central-1",
		"aws accessanalyzer delete-analyzer --analyzer-name orgwizard-organization --region us-east-1",
		"aws iam disable-organizations-root-credentials-management",
		"aws iam disable-organizations-root-sessions",
	}
	all := strings.Join(p.Warnings, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no warning says %q:\n%s", w, all)
		}
	}
	for _, w := range p.Warnings {
		if !strings.Contains(w, "left in place") {
			t.Errorf("warning %q does not say the thing is left in place", w)
		}
	}
	if n := len(tree.Baseline.Regions); len(p.Warnings) != 1+2*n+n+2 {
		t.Errorf("%d warnings, want %d:\n%s", len(p.Warnings), 1+3*n+2, all)
	}
	// A design without a baseline block reads nothing and says nothing.
	d.Baseline, d.Contacts = nil, nil
	if p := MakePlan(expand(t, d), a); !p.Empty() || len(p.Warnings) > 0 {
		t.Errorf("a design without the blocks plans:%s\n%v", describeSteps(p), p.Warnings)
	}
}

// What exists but differs, or belongs to someone else, is told precisely.
func TestPlanBaselineDrift(t *testing.T) {
	tree := secureTree(t)
	a := converged(tree)
	applyBaseline(t, a, baselineSteps(MakePlan(tree, a)))
	ab := a.Baseline
	ab.Bucket.Versioning, ab.Bucket.ExpirationDays = "Suspended", 30
	ab.Bucket.Policy = strings.Replace(ab.Bucket.Policy, "s3:DeleteObject\"", "s3:GetObject\"", 1)
	ab.Trail.IsLogging, ab.Trail.LogFileValidationEnabled = false, false
	ab.GuardDuty[0].AdminAccountID = "999999999999"
	ab.SecurityHub[1].MemberIDs = ab.SecurityHub[1].MemberIDs[:2]
	ab.Contacts[3].Contacts[0].Phone = "+1 000"
	ab.Unreadable = []UnreadableAccount{{AccountID: "100000000099", Name: "legacy", Reason: "AssumeRole into OrganizationAccountAccessRole was refused"}}
	p := MakePlan(tree, a)
	got := map[StepKind]Step{}
	for _, s := range p.Steps {
		got[s.Kind] = s
	}
	for kind, why := range map[StepKind]string{
		StepConfigureLogBucket:   "versioning is Suspended; its lifecycle expires logs after 30 days (old versions 365); the design says 365",
		StepPutBucketPolicy:      "replaces orgwizard's statements OrgwizardDenyDeletionOutsideLogArchive with the design's",
		StepUpdateTrail:          "log file validation is off",
		StepStartLogging:         "not logging",
		StepConfigureSecurityHub: "not enrolled: ",
		StepPutAlternateContact:  "the security contact differs",
	} {
		if !strings.Contains(got[kind].Why, why) {
			t.Errorf("%s: why %q, want it to say %q", kind, got[kind].Why, why)
		}
	}
	if len(p.Steps) != 6 {
		t.Errorf("%d steps, want 6:%s", len(p.Steps), describeSteps(p))
	}
	all := strings.Join(p.Warnings, "\n")
	for _, w := range []string{
		"GuardDuty in " + ab.GuardDuty[0].Region + " is administered by account 999999999999, not security-tooling",
		"aws guardduty disable-organization-admin-account --admin-account-id 999999999999 --region " + ab.GuardDuty[0].Region,
		"account legacy (100000000099) could not be read for the baseline: AssumeRole",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("no warning says %q:\n%s", w, all)
		}
	}

	// A bucket of that name owned elsewhere stops the bucket and the trail.
	ab.Bucket = &ActualBucket{Name: ab.Bucket.Name, Foreign: true}
	ab.Trail = nil
	p = MakePlan(tree, a)
	for _, s := range p.Steps {
		if s.Kind == StepCreateLogBucket || s.Kind == StepCreateTrail || s.Kind == StepPutBucketPolicy {
			t.Errorf("plans %s on a bucket someone else owns", s)
		}
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "is taken by an account outside log-archive") {
		t.Errorf("no warning of the foreign bucket: %v", p.Warnings)
	}
}

// Every baseline step reads as one line that names what it acts on.
func TestBaselineStepText(t *testing.T) {
	tree := secureTree(t)
	a := converged(tree)
	for _, s := range baselineSteps(MakePlan(tree, a)) {
		text := s.String()
		if strings.HasPrefix(text, string(s.Kind)) || strings.Contains(text, "\n") {
			t.Errorf("%s reads %q", s.Kind, text)
		}
	}
	want := map[string]bool{
		"enable trusted access for guardduty.amazonaws.com":                                                                false,
		"make security-tooling the delegated administrator of GuardDuty in eu-central-1":                                   false,
		"make security-tooling the delegated administrator of IAM Access Analyzer":                                         false,
		"create log bucket orgwizard-logs-100000000000-o-abcdefghij in log-archive (eu-west-1)":                            false,
		"create organization trail orgwizard-organization-trail (eu-west-1) into orgwizard-logs-100000000000-o-abcdefghij": false,
		"GuardDuty in us-east-1: auto-enable NONE, 6 member accounts and the management account":                           false,
		"enable centralized root access: RootSessions":                                                                     false,
		"set the security contact of the management account: Ana Lopez <security@acme.example>":                            false,
	}
	for _, s := range baselineSteps(MakePlan(tree, a)) {
		if _, ok := want[s.String()]; ok {
			want[s.String()] = true
		}
	}
	for text, seen := range want {
		if !seen {
			t.Errorf("no step reads %q", text)
		}
	}
}

// AWS gives an organization the same GuardDuty delegated administrator in
// all regions: while another account administers one region, plan makes
// security-tooling the administrator of none of the others (AWS would
// refuse it) nor configures GuardDuty there, and says why and what frees
// them; once it is handed over, plan sets up every region. Security Hub,
// per region, is planned as before.
func TestPlanGuardDutyOneAdministratorInAllRegions(t *testing.T) {
	tree := secureTree(t)
	a := converged(tree)
	held := tree.Baseline.Regions[len(tree.Baseline.Regions)-1]
	a.Baseline = &ActualBaseline{GuardDuty: []ActualRegionalService{{Region: held, AdminAccountID: "999999999999", Enabled: true}}}
	count := func(p *Plan) map[StepKind]map[string]int {
		n := map[StepKind]map[string]int{}
		for _, s := range baselineSteps(p) {
			if s.Baseline.Service != ServiceGuardDuty && s.Kind != StepRegisterAdmin {
				continue
			}
			if n[s.Kind] == nil {
				n[s.Kind] = map[string]int{}
			}
			n[s.Kind][s.Baseline.Service]++
		}
		return n
	}
	p := MakePlan(tree, a)
	n := count(p)
	regions := len(tree.Baseline.Regions)
	if n[StepRegisterAdmin][ServiceGuardDuty] != 0 || n[StepConfigureGuardDuty][ServiceGuardDuty] != 0 || n[StepRegisterAdmin][ServiceSecurityHub] != regions {
		t.Errorf("with another account administering GuardDuty in %s, plan has %v:%s", held, n, describeSteps(p))
	}
	var others []string
	for _, r := range tree.Baseline.Regions {
		if r != held {
			others = append(others, r)
		}
	}
	all := strings.Join(p.Warnings, "\n")
	for _, w := range []string{
		"GuardDuty in " + held + " is administered by account 999999999999, not security-tooling",
		"GuardDuty in " + strings.Join(others, ", ") + " is not set up yet: AWS gives an organization the same GuardDuty administrator in all regions, and account 999999999999 is it",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("no warning says %q:\n%s", w, all)
		}
	}

	// Handed over: every region is set up.
	a.Baseline.GuardDuty = nil
	p = MakePlan(tree, a)
	if n := count(p); n[StepRegisterAdmin][ServiceGuardDuty] != regions || n[StepConfigureGuardDuty][ServiceGuardDuty] != regions {
		t.Errorf("with GuardDuty free, plan has %v:%s", n, describeSteps(p))
	}
	if strings.Contains(strings.Join(p.Warnings, "\n"), "not set up yet") {
		t.Errorf("plan still waits: %v", p.Warnings)
	}
}

// AWS gives an organization one delegated Security Hub administrator in all
// regions, the management account allowed beside it: while another account
// administers one region, plan makes security-tooling the administrator of
// none of the others (AWS would refuse it) nor configures Security Hub
// there, and says why and what frees them; the management account
// administering a region keeps only that region from security-tooling; once
// handed over, plan sets up every region. GuardDuty is planned as before.
func TestPlanSecurityHubOneAdministratorInAllRegions(t *testing.T) {
	tree := secureTree(t)
	a := converged(tree)
	mgmtID := a.Organization.ManagementAccountID
	held := tree.Baseline.Regions[len(tree.Baseline.Regions)-1]
	a.Baseline = &ActualBaseline{SecurityHub: []ActualRegionalService{{Region: held, AdminAccountID: "999999999999", Enabled: true}}}
	count := func(p *Plan) map[StepKind]map[string]int {
		n := map[StepKind]map[string]int{}
		for _, s := range baselineSteps(p) {
			if s.Baseline.Service != ServiceSecurityHub && s.Kind != StepRegisterAdmin {
				continue
			}
			if n[s.Kind] == nil {
				n[s.Kind] = map[string]int{}
			}
			n[s.Kind][s.Baseline.Service]++
		}
		return n
	}
	var others []string
	for _, r := range tree.Baseline.Regions {
		if r != held {
			others = append(others, r)
		}
	}
	regions := len(tree.Baseline.Regions)

	p := MakePlan(tree, a)
	n := count(p)
	if n[StepRegisterAdmin][ServiceSecurityHub] != 0 || n[StepConfigureSecurityHub][ServiceSecurityHub] != 0 || n[StepRegisterAdmin][ServiceGuardDuty] != regions {
		t.Errorf("with another account administering Security Hub in %s, plan has %v:%s", held, n, describeSteps(p))
	}
	all := strings.Join(p.Warnings, "\n")
	for _, w := range []string{
		"Security Hub in " + held + " is administered by account 999999999999, not security-tooling",
		"aws securityhub disable-organization-admin-account --admin-account-id 999999999999 --region " + held,
		"Security Hub in " + strings.Join(others, ", ") + " is not set up yet: AWS gives an organization one delegated Security Hub administrator in all regions (the management account may administer some beside it), and account 999999999999 is it; once it is handed over (above), orgwizard makes security-tooling the administrator there",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("no warning says %q:\n%s", w, all)
		}
	}
	if strings.Contains(all, "GuardDuty in") {
		t.Errorf("plan warns of GuardDuty, which nobody holds:\n%s", all)
	}

	// The management account beside the delegated administrator: only its region is left.
	a.Baseline.SecurityHub = []ActualRegionalService{{Region: held, AdminAccountID: mgmtID, Enabled: true}}
	p = MakePlan(tree, a)
	if n := count(p); n[StepRegisterAdmin][ServiceSecurityHub] != regions-1 || n[StepConfigureSecurityHub][ServiceSecurityHub] != regions-1 {
		t.Errorf("with the management account administering Security Hub in %s, plan has %v:%s", held, n, describeSteps(p))
	}
	all = strings.Join(p.Warnings, "\n")
	if !strings.Contains(all, "Security Hub in "+held+" is administered by account "+mgmtID) || strings.Contains(all, "not set up yet") {
		t.Errorf("with the management account administering Security Hub in %s, plan warns:\n%s", held, all)
	}

	// Handed over: every region is set up.
	a.Baseline.SecurityHub = nil
	p = MakePlan(tree, a)
	if n := count(p); n[StepRegisterAdmin][ServiceSecurityHub] != regions || n[StepConfigureSecurityHub][ServiceSecurityHub] != regions {
		t.Errorf("with Security Hub free, plan has %v:%s", n, describeSteps(p))
	}
	if len(p.Warnings) > 0 {
		t.Errorf("plan still warns: %v", p.Warnings)
	}
}

// The account holding GuardDuty or Security Hub may do so only in a region
// outside the design, or be registered in Organizations alone: plan then
// sees it there (ActualBaseline.DelegatedAdmins) and, as AWS would refuse
// security-tooling in every region, sets up none of the service, naming the
// holder and the commands that free it; security-tooling's own
// registration, or another service's, holds nothing back.
func TestPlanOneAdministratorRegisteredInOrganizationsOnly(t *testing.T) {
	tree := secureTree(t)
	a := converged(tree)
	toolingID := a.Accounts[slices.IndexFunc(a.Accounts, func(x ActualAccount) bool { return x.Name == SecurityTooling })].ID
	regions := len(tree.Baseline.Regions)
	for _, svc := range []struct {
		principal, label string
		kind             StepKind
	}{{ServiceGuardDuty, "GuardDuty", StepConfigureGuardDuty}, {ServiceSecurityHub, "Security Hub", StepConfigureSecurityHub}} {
		count := func(p *Plan) (register, configure int) {
			for _, s := range baselineSteps(p) {
				switch {
				case s.Kind == StepRegisterAdmin && s.Baseline.Service == svc.principal:
					register++
				case s.Kind == svc.kind:
					configure++
				}
			}
			return register, configure
		}
		// Registered in Organizations, no region of the design read as held.
		a.Baseline = &ActualBaseline{DelegatedAdmins: []ActualDelegatedAdmin{{Service: svc.principal, AccountID: "999999999999"}}}
		p := MakePlan(tree, a)
		if r, c := count(p); r != 0 || c != 0 {
			t.Errorf("%s registered to another account: plan registers %d and configures %d regions:%s", svc.label, r, c, describeSteps(p))
		}
		all := strings.Join(p.Warnings, "\n")
		for _, w := range []string{
			"account 999999999999 is registered in AWS Organizations as the delegated administrator of " + svc.label + ", though it administers none of the design's regions",
			DisableServiceAdminCommand(svc.principal, "999999999999", "<region>"),
			DeregisterAdminCommand(svc.principal, "999999999999"),
			svc.label + " in " + strings.Join(tree.Baseline.Regions, ", ") + " is not set up yet",
		} {
			if !strings.Contains(all, w) {
				t.Errorf("%s registered to another account: no warning says %q:\n%s", svc.label, w, all)
			}
		}

		// security-tooling registered, or nobody: every region is set up.
		for _, have := range [][]ActualDelegatedAdmin{{{Service: svc.principal, AccountID: toolingID}}, nil, {{Service: ServiceAccessAnalyzer, AccountID: "999999999999"}}} {
			a.Baseline = &ActualBaseline{DelegatedAdmins: have}
			p = MakePlan(tree, a)
			if r, c := count(p); r != regions || c != regions {
				t.Errorf("%s with Organizations' delegated administrators %v: plan registers %d and configures %d regions, want %d:%s", svc.label, have, r, c, regions, describeSteps(p))
			}
			if all := strings.Join(p.Warnings, "\n"); strings.Contains(all, "not set up yet") || strings.Contains(all, "registered in AWS Organizations") {
				t.Errorf("%s with Organizations' delegated administrators %v: plan warns:\n%s", svc.label, have, all)
			}
		}
	}
}
