package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/rootcreds"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// Check ids of the security baseline (issue 14).
const (
	CheckBaseline        = "security-baseline"
	CheckTrail           = "organization-trail"
	CheckLogBucket       = "log-bucket-protected"
	CheckGuardDuty       = "guardduty-coverage"
	CheckRootCredentials = "member-root-credentials"
	CheckContacts        = "alternate-contacts"
)

// SecurityBaseline is what the baseline checks are computed from: the
// baseline as read for the design (nil with Err when the read failed), and
// the member accounts' root credentials as read through root sessions
// (RootCredentials nil when they were not read: centralized root access is
// off, or not in the design).
type SecurityBaseline struct {
	Actual          *orgmodel.ActualBaseline
	Err             error
	RootCredentials []rootcreds.Account
	RootErr         error
}

const baselineReadFix = "Allow the baseline's read calls (orgwizard iam-policy --for audit lists them, with sts:AssumeRole on OrganizationAccountAccessRole for log-archive and security-tooling), then run the audit again."

// readFailedFix is the fix of a read that failed: the permission when AWS
// refused one, else what the target lacks.
func readFailedFix(err error, permission string) string {
	if orgs.Denied(err) {
		return permission
	}
	switch orgs.Code(err) {
	case "UnknownOperationException", "InvalidAction", "NotImplemented":
		return "The target does not serve this call: audit the baseline on AWS or on the sandbox, which serve every call it makes."
	}
	return "See the error above: once the call answers, run the audit again. If it names a permission, " + strings.ToLower(permission[:1]) + permission[1:]
}

// baselineChecks are the checks of the design's baseline and contacts
// blocks. Without either block they are one warning: the design asks for
// no baseline, so there is nothing to hold the organization to.
func baselineChecks(in Input) []Check {
	if in.Baseline == nil {
		return nil
	}
	if in.Design == nil || in.Design.Baseline == nil {
		c := Check{ID: CheckBaseline, Title: "The security baseline and alternate contacts are in the design", Status: Warn}
		c.Why = "not in the design: it has no baseline: or contacts: block, so nothing is logged into log-archive and no security service runs from security-tooling"
		if in.Design == nil {
			c.Why = "not in the design: there is no design file to compare with"
		}
		c.Fix = "Add baseline: {} (the organization trail, GuardDuty, Access Analyzer and centralized root access) and a contacts: block to the design (see examples/acme-secure.yaml), then run orgwizard apply."
		return []Check{c}
	}
	v := newBaselineView(in)
	return []Check{v.trail(), v.logBucket(), v.guardDuty(), v.rootCredentials(), v.contacts()}
}

// baselineView is what the baseline checks share: the design's baseline,
// what was read, and the ids of the accounts they name.
type baselineView struct {
	in       Input
	bt       *orgmodel.BaselineTree
	ab       *orgmodel.ActualBaseline
	err      error
	orgID    string
	mgmtID   string
	ids      map[string]string // design account name → id, for those that exist
	names    map[string]string // id → name, as AWS has it
	logID    string
	toolID   string
	bucket   string
	noDesign string // why the design asks for none of it, "" when it does
}

func newBaselineView(in Input) *baselineView {
	v := &baselineView{in: in, bt: in.Design.Baseline, ab: in.Baseline.Actual, err: in.Baseline.Err, ids: map[string]string{}, names: map[string]string{}}
	if v.ab == nil {
		v.ab = &orgmodel.ActualBaseline{}
	}
	if a := in.Actual; a != nil && a.Organization != nil {
		v.orgID, v.mgmtID = a.Organization.ID, a.Organization.ManagementAccountID
		for _, acc := range a.Accounts {
			v.names[acc.ID] = acc.Name
		}
		v.ids = orgmodel.MakePlan(in.Design, a).Adopted
	}
	v.logID, v.toolID = v.ids[orgmodel.LogArchive], v.ids[orgmodel.SecurityTooling]
	if v.logID != "" && v.orgID != "" {
		v.bucket = orgmodel.LogBucketName(v.logID, v.orgID)
	}
	return v
}

func (v *baselineView) apply() string {
	return fmt.Sprintf("Run orgwizard apply --design %s (orgwizard plan shows each step first).", v.in.DesignFile)
}

// off says why a check has nothing to check: the design leaves the item
// out, there is no organization, or the read failed. It fills c and
// reports whether it did.
func (v *baselineView) off(c *Check, key string, on bool) bool {
	switch {
	case v.bt.Settings == nil && key != "contacts":
		c.Status, c.Why = Warn, "not in the design: it has no baseline: block"
		c.Fix = "Add baseline: {} to the design for the defaults (see examples/acme-secure.yaml), then run orgwizard apply."
	case !on && key == "contacts":
		c.Status, c.Why = Warn, "not in the design: it has no contacts: block, so AWS writes about security, billing and operations to each account's root mailbox only"
		c.Fix = "Add a contacts: block (security, billing, operations; see examples/acme-secure.yaml), then run orgwizard apply."
	case !on:
		c.Status, c.Why = Warn, fmt.Sprintf("not in the design: baseline.%s is off", key)
		c.Fix = fmt.Sprintf("Set baseline.%s: true in the design, then run orgwizard apply.", key)
	case v.orgID == "":
		c.Status, c.Why = Warn, "there is no organization to read"
		c.Fix = "orgwizard apply creates it, then the baseline."
	case v.err != nil:
		c.Status, c.Why, c.Fix = Warn, "the baseline could not be read: "+v.err.Error(), readFailedFix(v.err, baselineReadFix)
	default:
		return false
	}
	return true
}

// unreadable is why an account could not be read in, "" when it could.
func (v *baselineView) unreadable(id string) string {
	for _, u := range v.ab.Unreadable {
		if u.AccountID == id && id != "" {
			return u.Reason
		}
	}
	return ""
}

// trail: the organization trail logs, into the log bucket in log-archive.
func (v *baselineView) trail() Check {
	c := Check{ID: CheckTrail, Title: "The organization trail logs every account into log-archive"}
	s := v.bt.Settings
	if v.off(&c, "organizationTrail", s != nil && s.OrganizationTrail) {
		return c
	}
	if v.logID == "" {
		c.Status, c.Why, c.Fix = Fail, "log-archive does not exist yet, so there is nowhere to log to", v.apply()
		return c
	}
	t := v.ab.Trail
	if t == nil {
		c.Status = Fail
		c.Why = fmt.Sprintf("there is no trail %s: no account's API calls are recorded where a workload cannot delete them", orgmodel.TrailName)
		c.Fix = v.apply()
		return c
	}
	var wrong []string
	if !t.IsOrganizationTrail {
		wrong = append(wrong, "it is not an organization trail (it records the management account only)")
	}
	if !t.IsLogging {
		wrong = append(wrong, "it is not logging (GetTrailStatus: IsLogging false)")
	}
	if t.S3BucketName != v.bucket {
		wrong = append(wrong, fmt.Sprintf("it delivers to %s, not to %s in log-archive", orNone(t.S3BucketName), v.bucket))
	}
	if !t.IsMultiRegionTrail {
		wrong = append(wrong, "it records one region only")
	}
	if !t.LogFileValidationEnabled {
		wrong = append(wrong, "log file validation is off, so an altered log goes unseen")
	}
	if b := v.ab.Bucket; v.unreadable(v.logID) != "" {
		// log-archive was not entered: the bucket is log-bucket-protected's to tell.
	} else if b == nil || b.Name != v.bucket {
		wrong = append(wrong, fmt.Sprintf("the log bucket %s does not exist", v.bucket))
	} else if b.Foreign {
		wrong = append(wrong, fmt.Sprintf("the bucket %s belongs to an account outside log-archive", v.bucket))
	}
	if len(wrong) > 0 {
		c.Status, c.Why = Fail, fmt.Sprintf("trail %s: %s", t.Name, strings.Join(wrong, "; "))
		c.Fix = v.apply()
		if b := v.ab.Bucket; b != nil && b.Foreign {
			c.Fix = fmt.Sprintf("Find who owns the bucket %s (its name holds your organization's ids, so it was made on purpose) and have it deleted or handed over; orgwizard sets up neither the bucket nor the trail while it is taken. Then %s", v.bucket, v.apply())
		}
		return c
	}
	c.Status = Pass
	c.Why = fmt.Sprintf("trail %s logs every account and region, log files validated, into %s in log-archive (%s)", t.Name, v.bucket, v.logID)
	return c
}

// logBucket: the log bucket's policy denies deleting logs to every account
// but log-archive.
func (v *baselineView) logBucket() Check {
	c := Check{ID: CheckLogBucket, Title: "The log bucket denies deleting logs to every account but log-archive"}
	s := v.bt.Settings
	if v.off(&c, "organizationTrail", s != nil && s.OrganizationTrail) {
		return c
	}
	if why := v.unreadable(v.logID); why != "" {
		c.Status, c.Why, c.Fix = Warn, "log-archive could not be read: "+why, "Let the management account assume OrganizationAccountAccessRole in log-archive (see the reason), then run the audit again."
		return c
	}
	b := v.ab.Bucket
	switch {
	case v.logID == "":
		c.Status, c.Why, c.Fix = Fail, "log-archive does not exist yet", v.apply()
		return c
	case b == nil || b.Name != v.bucket:
		c.Status, c.Why, c.Fix = Fail, fmt.Sprintf("the log bucket %s does not exist", v.bucket), v.apply()
		return c
	case b.Foreign:
		c.Status = Fail
		c.Why = fmt.Sprintf("the bucket %s belongs to an account outside log-archive: whoever owns it can delete the logs", v.bucket)
		c.Fix = "Find who owns it (its name holds your organization's ids) and have it deleted; orgwizard then creates it in log-archive. " + v.apply()
		return c
	}
	region := firstNonEmpty(b.Region, v.bt.HomeRegion)
	open := UndeniedActions(b.Policy, v.bucket, region, v.logID, v.orgID, v.mgmtID)
	var wrong []string
	if len(open) > 0 {
		wrong = append(wrong, fmt.Sprintf("its policy does not deny %s to the other accounts", strings.Join(open, ", ")))
	}
	if b.Versioning != orgmodel.VersioningOn {
		wrong = append(wrong, "versioning is "+firstNonEmpty(b.Versioning, "off")+", so an overwritten log is lost")
	}
	if len(wrong) > 0 {
		c.Status = Fail
		c.Why = fmt.Sprintf("%s: %s", v.bucket, strings.Join(wrong, "; "))
		c.Fix = v.apply() + " It writes the policy that denies these to every account but log-archive (" + orgmodel.LogArchive + ", " + v.logID + ")."
		return c
	}
	c.Status = Pass
	c.Why = fmt.Sprintf("%s is versioned and its policy denies deleting logs, versions or the bucket, and changing its policy, lifecycle or versioning, to every account but log-archive (%s)", v.bucket, v.logID)
	return c
}

// guardDuty: GuardDuty watches every member account in every region the
// design's guardrails allow it.
func (v *baselineView) guardDuty() Check {
	c := Check{ID: CheckGuardDuty, Title: "GuardDuty watches every member account in every allowed region"}
	s := v.bt.Settings
	if v.off(&c, "threatDetection", s != nil && s.ThreatDetection) {
		return c
	}
	if v.toolID == "" {
		c.Status, c.Why, c.Fix = Fail, "security-tooling does not exist yet, so nothing administers GuardDuty", v.apply()
		return c
	}
	if why := v.unreadable(v.toolID); why != "" {
		c.Status, c.Why, c.Fix = Warn, "security-tooling could not be read: "+why, "Let the management account assume OrganizationAccountAccessRole in security-tooling (see the reason), then run the audit again."
		return c
	}
	var regionWrong, pairs []string
	total := 0
	for _, rc := range v.bt.ThreatDetection {
		got := orgmodel.ActualRegionalService{}
		for _, r := range v.ab.GuardDuty {
			if r.Region == rc.Region {
				got = r
			}
		}
		switch {
		case got.AdminAccountID == "":
			regionWrong = append(regionWrong, rc.Region+": no delegated administrator")
		case got.AdminAccountID != v.toolID:
			regionWrong = append(regionWrong, fmt.Sprintf("%s: administered by %s, not security-tooling", rc.Region, got.AdminAccountID))
		case got.Suspended:
			regionWrong = append(regionWrong, rc.Region+": its detector in security-tooling is suspended (status DISABLED), so it watches nothing")
		case !got.Enabled:
			regionWrong = append(regionWrong, rc.Region+": no detector in security-tooling")
		}
		members := append([]string{"management"}, rc.Members...)
		for _, name := range members {
			id := v.mgmtID
			if name != "management" {
				id = v.ids[name]
			}
			if id == "" {
				continue // not created yet: member-accounts says so
			}
			total++
			if !slices.Contains(got.MemberIDs, id) {
				label := name
				if name == "management" {
					label = "the management account"
				}
				pairs = append(pairs, label+"/"+rc.Region)
			}
		}
	}
	if len(regionWrong)+len(pairs) > 0 {
		var why []string
		if len(regionWrong) > 0 {
			why = append(why, strings.Join(regionWrong, "; "))
		}
		if len(pairs) > 0 {
			why = append(why, fmt.Sprintf("%d of %d account/region pairs are not watched: %s", len(pairs), total, list(pairs)))
		}
		c.Status, c.Why, c.Fix = Fail, strings.Join(why, ". "), v.apply()+" It makes security-tooling GuardDuty's administrator in each region and enrols the members there."
		return c
	}
	c.Status = Pass
	c.Why = fmt.Sprintf("all %d account/region pairs are watched, in %s, administered from security-tooling (%s)", total, strings.Join(v.bt.Regions, ", "), v.toolID)
	return c
}

// rootCredentials: no member account has root credentials.
func (v *baselineView) rootCredentials() Check {
	c := Check{ID: CheckRootCredentials, Title: "Member accounts have no root credentials"}
	s := v.bt.Settings
	if v.off(&c, "centralRootAccess", s != nil && s.CentralRootAccess) {
		return c
	}
	if !slices.Contains(v.ab.RootFeatures, orgmodel.RootCredentials) {
		c.Status = Fail
		c.Why = fmt.Sprintf("IAM's centralized root access is off (ListOrganizationsFeatures lists %s): every member account keeps a root password that its email can recover", orNone(strings.Join(v.ab.RootFeatures, ", ")))
		c.Fix = v.apply() + " It enables RootCredentialsManagement and RootSessions; this check then lists the accounts whose root credentials remain."
		return c
	}
	b := v.in.Baseline
	if b.RootErr != nil {
		c.Status, c.Why = Warn, "the root credentials could not be read: "+b.RootErr.Error()
		c.Fix = readFailedFix(b.RootErr, "Allow sts:AssumeRoot with the task policy IAMAuditRootUserCredentials (orgwizard iam-policy --for audit lists it), then run the audit again.")
		return c
	}
	with := rootcreds.WithCredentials(b.RootCredentials)
	var unread []string
	for _, a := range b.RootCredentials {
		if a.Err != nil {
			unread = append(unread, fmt.Sprintf("%s (%s): %v", a.Name, a.AccountID, a.Err))
		}
	}
	if len(with) > 0 {
		var who, cmds []string
		for _, a := range with {
			who = append(who, fmt.Sprintf("%s (%s): %s", a.Name, a.AccountID, a.Summary()))
			cmds = append(cmds, fmt.Sprintf("aws sts assume-root --target-principal %s --task-policy-arn arn=%s", a.AccountID, strings.Replace(rootcreds.AuditTaskPolicyARN(orgmodel.Partition(v.bt.HomeRegion)), "IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials", 1)))
		}
		c.Status = Fail
		c.Why = fmt.Sprintf("%d of %d member accounts still have root credentials: %s", len(with), len(b.RootCredentials), list(who))
		if len(unread) > 0 {
			c.Why += fmt.Sprintf("; %d could not be read: %s", len(unread), list(unread))
		}
		c.Fix = "Delete them from the management account: in the IAM console, Root access management, select the account and choose Delete root user credentials; or open a root session (" +
			list(cmds) + ") and, with its credentials, run aws iam delete-login-profile, aws iam delete-access-key, aws iam delete-signing-certificate and aws iam deactivate-mfa-device for each. The accounts created by the organization since root access was centralized have none."
		return c
	}
	if len(unread) > 0 {
		c.Status = Warn
		c.Why = fmt.Sprintf("no account read has root credentials, but %d could not be read: %s", len(unread), list(unread))
		c.Fix = "An account that refuses a root session is not a member managed by centralized root access (an invited account that left, or a session policy denying sts:AssumeRoot); see the reason, then run the audit again."
		return c
	}
	c.Status = Pass
	c.Why = fmt.Sprintf("none of the %d member accounts has a root password, access key, signing certificate or MFA device", len(b.RootCredentials))
	return c
}

// contacts: every account has the design's alternate contacts.
func (v *baselineView) contacts() Check {
	c := Check{ID: CheckContacts, Title: "Every account has the design's alternate contacts"}
	if v.off(&c, "contacts", len(v.bt.Contacts) > 0) {
		return c
	}
	have := map[string][]orgmodel.AlternateContact{}
	for _, h := range v.ab.Contacts {
		have[h.AccountID] = h.Contacts
	}
	var wrong []string
	accounts := 0
	for _, ac := range v.bt.Contacts {
		id, name := v.ids[ac.Account], ac.Account
		if ac.Management {
			id, name = v.mgmtID, "the management account"
		}
		if id == "" {
			continue // not created yet
		}
		accounts++
		var missing, differ []string
		for _, want := range ac.Contacts {
			kind := strings.ToLower(want.Type)
			i := slices.IndexFunc(have[id], func(h orgmodel.AlternateContact) bool { return h.Type == want.Type })
			switch {
			case i < 0:
				missing = append(missing, kind)
			case have[id][i] != want:
				differ = append(differ, kind)
			}
		}
		var parts []string
		if len(missing) > 0 {
			parts = append(parts, "no "+strings.Join(missing, ", "))
		}
		if len(differ) > 0 {
			parts = append(parts, strings.Join(differ, ", ")+" differs")
		}
		if len(parts) > 0 {
			wrong = append(wrong, fmt.Sprintf("%s (%s)", name, strings.Join(parts, "; ")))
		}
	}
	if len(wrong) > 0 {
		c.Status = Fail
		c.Why = fmt.Sprintf("%d of %d accounts lack the design's contacts: %s", len(wrong), accounts, list(wrong))
		c.Fix = v.apply() + " It sets each contact from the management account (account:PutAlternateContact)."
		return c
	}
	var kinds []string
	if len(v.bt.Contacts) > 0 {
		for _, ct := range v.bt.Contacts[0].Contacts {
			kinds = append(kinds, strings.ToLower(ct.Type))
		}
	}
	c.Status = Pass
	c.Why = fmt.Sprintf("all %d accounts, the management account included, have the %s contacts of the design", accounts, strings.Join(kinds, ", "))
	return c
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
