package orgmodel

import (
	"fmt"
	"slices"
	"strings"
)

// The plan steps of the baseline and contacts, in the order a plan lists
// them: trusted access before any delegated administrator, the bucket before
// its settings and policy, the policy before the trail, the trail before its
// logging, a delegated administrator before its organization settings. They
// come after every account step: they act in or on accounts.
const (
	StepEnableTrustedAccess  StepKind = "enable-trusted-access"
	StepRegisterAdmin        StepKind = "register-delegated-admin"
	StepCreateLogBucket      StepKind = "create-log-bucket"
	StepConfigureLogBucket   StepKind = "configure-log-bucket"
	StepPutBucketPolicy      StepKind = "put-log-bucket-policy"
	StepCreateTrail          StepKind = "create-trail"
	StepUpdateTrail          StepKind = "update-trail"
	StepStartLogging         StepKind = "start-logging"
	StepConfigureGuardDuty   StepKind = "configure-guardduty"
	StepConfigureSecurityHub StepKind = "configure-securityhub"
	StepCreateAnalyzer       StepKind = "create-analyzer"
	StepEnableRootFeature    StepKind = "enable-root-feature"
	StepPutAlternateContact  StepKind = "put-alternate-contact"
)

// BaselineStep is what a baseline step acts on, beyond the Step's subject
// and account id. Names of what does not exist yet (the log bucket before
// the organization and log-archive exist) are "": the apply engine names
// them when it gets there, with LogBucketName and TrailARN.
type BaselineStep struct {
	Service string `json:"service,omitempty"` // service principal
	Region  string `json:"region,omitempty"`
	// Account is the account (by name) the step acts in or on: the
	// delegated administrator, the bucket's owner, the analyzer's owner,
	// the account whose contact is set. Management is true for the
	// management account.
	Account    string `json:"account,omitempty"`
	Management bool   `json:"management,omitempty"`
	Bucket     string `json:"bucket,omitempty"`
	// Policy is the bucket policy, "" when an id it names is not known yet.
	Policy   string            `json:"policy,omitempty"`
	Trail    *TrailSpec        `json:"trail,omitempty"`
	Coverage *RegionCoverage   `json:"coverage,omitempty"`
	Analyzer *AnalyzerSpec     `json:"analyzer,omitempty"`
	Feature  string            `json:"feature,omitempty"`
	Contact  *AlternateContact `json:"contact,omitempty"`
}

// ActualBaseline is what the AWS adapter reads of the baseline: from the
// management account (trusted access, delegated administrators, the trail,
// root access features, contacts), from log-archive (the bucket) and from
// security-tooling (GuardDuty, Security Hub, the analyzers). Actual.Baseline
// is nil unless it was read (a design without baseline or contacts).
type ActualBaseline struct {
	// TrustedAccess are the service principals with trusted access.
	TrustedAccess []string `json:"trustedAccess,omitempty"`
	// DelegatedAdmins are Organizations' delegated administrators per
	// service principal (ListDelegatedAdministrators with the principal):
	// Access Analyzer's, and GuardDuty's and Security Hub's, which AWS
	// registers there when their own API names them in any region, the
	// design's or not.
	DelegatedAdmins []ActualDelegatedAdmin `json:"delegatedAdmins,omitempty"`
	// Bucket is the log bucket, nil when it does not exist.
	Bucket *ActualBucket `json:"bucket,omitempty"`
	// Trail is orgwizard's trail (by TrailName), nil when it does not exist.
	Trail *ActualTrail `json:"trail,omitempty"`
	// GuardDuty and SecurityHub hold one entry per region read.
	GuardDuty   []ActualRegionalService `json:"guardDuty,omitempty"`
	SecurityHub []ActualRegionalService `json:"securityHub,omitempty"`
	Analyzers   []ActualAnalyzer        `json:"analyzers,omitempty"`
	// RootFeatures are IAM's enabled organization features
	// (ListOrganizationsFeatures): RootCredentialsManagement, RootSessions.
	RootFeatures []string `json:"rootFeatures,omitempty"`
	// Contacts are the alternate contacts of each account read, by id.
	Contacts []ActualAccountContacts `json:"contacts,omitempty"`
	// Unreadable are accounts the adapter could not read in (AssumeRole
	// refused: an invited account without OrganizationAccountAccessRole).
	Unreadable []UnreadableAccount `json:"unreadable,omitempty"`
}

// ActualDelegatedAdmin is an account registered as a service's delegated
// administrator.
type ActualDelegatedAdmin struct {
	Service   string `json:"service"`
	AccountID string `json:"accountId"`
}

// ActualBucket is the log bucket as it exists.
type ActualBucket struct {
	Name   string `json:"name"`
	Region string `json:"region,omitempty"`
	// Foreign is true when the name is taken by an account the adapter
	// cannot read it in (HeadBucket answers 403 from log-archive).
	Foreign bool `json:"foreign,omitempty"`
	// Versioning is Enabled, Suspended, or "" (never enabled).
	Versioning string `json:"versioning,omitempty"`
	// PublicAccessBlocked is true when all four public access block
	// settings are on.
	PublicAccessBlocked bool `json:"publicAccessBlocked,omitempty"`
	// Encryption is the default encryption's algorithm: AES256, aws:kms,
	// aws:kms:dsse, or "" for none.
	Encryption string `json:"encryption,omitempty"`
	// ExpirationDays and NoncurrentExpirationDays are those of orgwizard's
	// lifecycle rule (by its ID) when it is enabled and covers the whole
	// bucket, 0 when there is none.
	ExpirationDays           int    `json:"expirationDays,omitempty"`
	NoncurrentExpirationDays int    `json:"noncurrentExpirationDays,omitempty"`
	Policy                   string `json:"policy,omitempty"`
	// OtherLifecycleRules are the IDs of the lifecycle rules that are not
	// orgwizard's: apply keeps them. OtherExpirationDays is the fewest days
	// after which an enabled one of them expires objects, 0 for none.
	OtherLifecycleRules []string `json:"otherLifecycleRules,omitempty"`
	OtherExpirationDays int      `json:"otherExpirationDays,omitempty"`
}

// ActualTrail is the organization trail as it exists (DescribeTrails and
// GetTrailStatus).
type ActualTrail struct {
	Name                       string `json:"name"`
	ARN                        string `json:"arn"`
	HomeRegion                 string `json:"homeRegion"`
	S3BucketName               string `json:"s3BucketName"`
	IsOrganizationTrail        bool   `json:"isOrganizationTrail"`
	IsMultiRegionTrail         bool   `json:"isMultiRegionTrail"`
	LogFileValidationEnabled   bool   `json:"logFileValidationEnabled"`
	IncludeGlobalServiceEvents bool   `json:"includeGlobalServiceEvents"`
	IsLogging                  bool   `json:"isLogging"`
}

// ActualRegionalService is GuardDuty or Security Hub in one region, as the
// management account (its delegated administrator) and the delegated
// administrator (its organization settings and members) see it.
type ActualRegionalService struct {
	Region string `json:"region"`
	// AdminAccountID is the region's delegated administrator, "" for none.
	AdminAccountID string `json:"adminAccountId,omitempty"`
	// Enabled tells whether the service is on in the administrator account
	// (a GuardDuty detector whose status is ENABLED, a Security Hub hub).
	Enabled bool `json:"enabled,omitempty"`
	// Suspended is true when the administrator's GuardDuty detector exists
	// but is suspended (status DISABLED): it watches nothing.
	Suspended bool `json:"suspended,omitempty"`
	// AutoEnable is the organization setting: ALL, NEW or NONE.
	AutoEnable string `json:"autoEnable,omitempty"`
	// MemberIDs are the accounts enrolled and enabled.
	MemberIDs []string `json:"memberIds,omitempty"`
}

// ActualAnalyzer is an IAM Access Analyzer analyzer.
type ActualAnalyzer struct {
	Name      string `json:"name"`
	Type      string `json:"type"` // ORGANIZATION, ACCOUNT ...
	Region    string `json:"region"`
	AccountID string `json:"accountId"`
	Status    string `json:"status,omitempty"`
}

// ActualAccountContacts are the alternate contacts an account has.
type ActualAccountContacts struct {
	AccountID string             `json:"accountId"`
	Contacts  []AlternateContact `json:"contacts,omitempty"`
}

// UnreadableAccount is an account the adapter could not act in, and why
// (with the fix, in words for the user).
type UnreadableAccount struct {
	AccountID string `json:"accountId"`
	Name      string `json:"name"`
	Reason    string `json:"reason"`
}

// Commands that remove by hand what the baseline set up; plan names them
// when a baseline item is turned off, since orgwizard deletes nothing.
func DeleteTrailCommand(trailARN, region string) string {
	return fmt.Sprintf("aws cloudtrail delete-trail --name %s --region %s", trailARN, region)
}

// DisableServiceAdminCommand removes GuardDuty's or Security Hub's delegated
// administrator in one region (run in the management account).
func DisableServiceAdminCommand(service, adminID, region string) string {
	cli := strings.TrimSuffix(service, ".amazonaws.com")
	return fmt.Sprintf("aws %s disable-organization-admin-account --admin-account-id %s --region %s", cli, adminID, region)
}

// DeleteAnalyzerCommand deletes orgwizard's analyzer in one region (run in
// security-tooling).
func DeleteAnalyzerCommand(region string) string {
	return fmt.Sprintf("aws accessanalyzer delete-analyzer --analyzer-name %s --region %s", AnalyzerName, region)
}

// DisableRootFeatureCommand turns a centralized root access feature off.
func DisableRootFeatureCommand(feature string) string {
	if feature == RootSessions {
		return "aws iam disable-organizations-root-sessions"
	}
	return "aws iam disable-organizations-root-credentials-management"
}

// DeregisterAdminCommand removes an Organizations delegated administrator.
func DeregisterAdminCommand(service, accountID string) string {
	return fmt.Sprintf("aws organizations deregister-delegated-administrator --account-id %s --service-principal %s", accountID, service)
}

// trustedWhy says what each service principal's trusted access is for.
var trustedWhy = map[string]string{
	ServiceCloudTrail:     "the organization trail logs every account",
	ServiceGuardDuty:      "GuardDuty is run for the organization from security-tooling",
	ServiceSecurityHub:    "Security Hub is run for the organization from security-tooling",
	ServiceAccessAnalyzer: "Access Analyzer's organization analyzer looks at every account",
	ServiceIAM:            "centralized root access manages the member accounts' root users",
	ServiceAccount:        "the management account sets the member accounts' alternate contacts",
}

// oneAdmin are the regional services AWS gives an organization one delegated
// administrator for in all regions, with the rule as plan says it.
var oneAdmin = map[string]struct {
	rule string
	// managementToo: the management account may administer some regions
	// beside the delegated administrator.
	managementToo bool
}{
	// GuardDuty's guide, "Considerations and recommendations"
	// (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html):
	// the same delegated administrator is required in all regions.
	ServiceGuardDuty: {rule: "AWS gives an organization the same GuardDuty administrator in all regions"},
	// Security Hub's guide, "Designating a Security Hub administrator
	// account" (https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html):
	// "Once you have a delegated administrator account in Organizations,
	// then you can choose either that account or the organization
	// management account as the Security Hub administrator account in all
	// Regions. [...] To choose a different account, you must remove the
	// current Security Hub administrator account in all Regions."
	ServiceSecurityHub: {rule: "AWS gives an organization one delegated Security Hub administrator in all regions (the management account may administer some beside it)",
		managementToo: true},
}

// planBaseline adds the steps that set up the baseline and the contacts,
// and warns of what the design turned off (left in place, with the command
// that removes it by hand). It does nothing for a design without either
// block. Nothing is ever deleted.
func planBaseline(desired *Tree, actual *Actual, p *Plan) {
	bt := desired.Baseline
	if bt == nil {
		return
	}
	ab := actual.Baseline
	if ab == nil {
		ab = &ActualBaseline{}
	}
	orgID, mgmtID := "", ""
	if actual.Organization != nil {
		orgID, mgmtID = actual.Organization.ID, actual.Organization.ManagementAccountID
	}
	kinds := map[string]AccountKind{}
	for _, a := range desired.Accounts {
		kinds[a.Name] = a.Kind
	}
	// idOf is an account's id, "" when this plan creates it; skip is true
	// for an adopted account not in the organization (the plan warns).
	idOf := func(name string) (id string, skip bool) {
		id, ok := p.Adopted[name]
		return id, !ok && kinds[name] == AdoptedKind
	}
	for _, u := range ab.Unreadable {
		p.Warnings = append(p.Warnings, fmt.Sprintf("account %s (%s) could not be read for the baseline: %s", u.Name, u.AccountID, u.Reason))
	}

	for _, s := range bt.TrustedAccess {
		if !slices.Contains(ab.TrustedAccess, s) {
			p.Steps = append(p.Steps, Step{Kind: StepEnableTrustedAccess, Subject: s, Baseline: &BaselineStep{Service: s},
				Why: trustedWhy[s] + "; it needs trusted access in AWS Organizations"})
		}
	}

	toolingID, _ := idOf(SecurityTooling)
	regional := map[string][]ActualRegionalService{ServiceGuardDuty: ab.GuardDuty, ServiceSecurityHub: ab.SecurityHub}
	// waiting are, per service, the regions where it has no administrator
	// and cannot have security-tooling yet: AWS gives an organization one
	// delegated administrator of GuardDuty, and one of Security Hub, in all
	// regions (oneAdmin), and another account is it in some region.
	waiting := map[string]map[string]bool{}
	for _, da := range bt.DelegatedAdmins {
		if !da.Regional {
			planOrgAdmin(p, da, toolingID, ab.DelegatedAdmins)
			continue
		}
		holder, registeredOnly := "", false
		if rule, ok := oneAdmin[da.Service]; ok {
			for _, r := range bt.Regions {
				got := regionOf(regional[da.Service], r)
				if got.AdminAccountID != "" && got.AdminAccountID != toolingID && !(rule.managementToo && got.AdminAccountID == mgmtID) {
					holder = got.AdminAccountID
					break
				}
			}
			// The holder may administer only regions outside the design,
			// which plan does not read: AWS registers it in Organizations
			// as the service's delegated administrator all the same
			// (ActualBaseline.DelegatedAdmins), and refuses security-tooling
			// in every region while it is.
			if holder == "" {
				for _, h := range ab.DelegatedAdmins {
					if h.Service == da.Service && h.AccountID != "" && h.AccountID != toolingID && h.AccountID != mgmtID {
						holder, registeredOnly = h.AccountID, true
						break
					}
				}
			}
		}
		if registeredOnly {
			p.Warnings = append(p.Warnings, fmt.Sprintf("account %s is registered in AWS Organizations as the delegated administrator of %s, though it administers none of the design's regions (%s), so orgwizard leaves it: to hand it to %s, run %s in every region where it administers %s, then %s, in the management account, then run again",
				accountLabel(actual, holder), serviceLabel(da.Service), listNames(bt.Regions), da.Account,
				DisableServiceAdminCommand(da.Service, holder, "<region>"), serviceLabel(da.Service), DeregisterAdminCommand(da.Service, holder)))
		}
		var wait []string
		for _, r := range bt.Regions {
			got := regionOf(regional[da.Service], r)
			switch {
			case got.AdminAccountID == "" && holder != "":
				wait = append(wait, r)
				if waiting[da.Service] == nil {
					waiting[da.Service] = map[string]bool{}
				}
				waiting[da.Service][r] = true
			case got.AdminAccountID == "":
				p.Steps = append(p.Steps, Step{Kind: StepRegisterAdmin, Subject: da.Service, AccountID: toolingID,
					Baseline: &BaselineStep{Service: da.Service, Region: r, Account: da.Account},
					Why:      fmt.Sprintf("%s administers %s for the organization in %s", da.Account, serviceLabel(da.Service), r)})
			case toolingID == "" || got.AdminAccountID != toolingID:
				// Another account administers it; a security-tooling this
				// plan creates is not it either.
				p.Warnings = append(p.Warnings, fmt.Sprintf("%s in %s is administered by account %s, not %s; orgwizard leaves it: to hand it to %s, run %s in the management account, then run again",
					serviceLabel(da.Service), r, accountLabel(actual, got.AdminAccountID), da.Account, da.Account, DisableServiceAdminCommand(da.Service, got.AdminAccountID, r)))
			}
		}
		if len(wait) > 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s in %s is not set up yet: %s, and account %s is it; once it is handed over (above), orgwizard makes %s the administrator there",
				serviceLabel(da.Service), listNames(wait), oneAdmin[da.Service].rule, accountLabel(actual, holder), da.Account))
		}
	}

	if bt.Trail != nil {
		planTrail(p, bt.Trail, ab, orgID, mgmtID, idOf)
	}
	for _, rc := range bt.ThreatDetection {
		if waiting[ServiceGuardDuty][rc.Region] {
			continue // no administrator to configure it from: warned above
		}
		planCoverage(p, StepConfigureGuardDuty, ServiceGuardDuty, rc, regionOf(ab.GuardDuty, rc.Region), toolingID, mgmtID, idOf)
	}
	for _, rc := range bt.SecurityHub {
		if waiting[ServiceSecurityHub][rc.Region] {
			continue // no administrator to configure it from: warned above
		}
		planCoverage(p, StepConfigureSecurityHub, ServiceSecurityHub, rc, regionOf(ab.SecurityHub, rc.Region), toolingID, mgmtID, idOf)
	}
	for _, an := range bt.Analyzers {
		i := slices.IndexFunc(ab.Analyzers, func(a ActualAnalyzer) bool { return a.Name == an.Name && a.Region == an.Region })
		switch {
		case i < 0:
			a := an
			p.Steps = append(p.Steps, Step{Kind: StepCreateAnalyzer, Subject: an.Name, AccountID: toolingID,
				Baseline: &BaselineStep{Service: ServiceAccessAnalyzer, Region: an.Region, Account: an.Account, Analyzer: &a},
				Why:      "an organization analyzer reports resources shared outside the organization, in " + an.Region})
		case ab.Analyzers[i].Type != an.Type:
			p.Warnings = append(p.Warnings, fmt.Sprintf("analyzer %s in %s is of type %s, not %s; orgwizard leaves it: delete it by hand in security-tooling with %s, then run again",
				an.Name, an.Region, ab.Analyzers[i].Type, an.Type, DeleteAnalyzerCommand(an.Region)))
		}
	}
	for _, f := range bt.RootFeatures {
		if !slices.Contains(ab.RootFeatures, f) {
			p.Steps = append(p.Steps, Step{Kind: StepEnableRootFeature, Subject: f, Baseline: &BaselineStep{Service: ServiceIAM, Feature: f},
				Why: rootFeatureWhy[f]})
		}
	}
	planContacts(p, bt.Contacts, ab.Contacts, mgmtID, idOf)
	warnTurnedOff(p, bt, ab, toolingID, mgmtID)
}

var rootFeatureWhy = map[string]string{
	RootCredentials: "member accounts created by the organization get no root password; the management account can remove a member's root credentials",
	RootSessions:    "the management account can run the few tasks that need a member's root user, without its password",
}

// accountLabel is an account's id, with its name when the organization
// has it: "123456789012 (legacy-app)".
func accountLabel(actual *Actual, id string) string {
	for _, a := range actual.Accounts {
		if a.ID == id && a.Name != "" {
			return id + " (" + a.Name + ")"
		}
	}
	return id
}

func serviceLabel(service string) string {
	switch service {
	case ServiceGuardDuty:
		return "GuardDuty"
	case ServiceSecurityHub:
		return "Security Hub"
	case ServiceAccessAnalyzer:
		return "IAM Access Analyzer"
	case ServiceCloudTrail:
		return "CloudTrail"
	}
	return service
}

func regionOf(list []ActualRegionalService, region string) ActualRegionalService {
	for _, r := range list {
		if r.Region == region {
			return r
		}
	}
	return ActualRegionalService{Region: region}
}

// planOrgAdmin registers an organization-wide delegated administrator.
func planOrgAdmin(p *Plan, da DelegatedAdmin, toolingID string, have []ActualDelegatedAdmin) {
	var others []string
	for _, h := range have {
		if h.Service != da.Service {
			continue
		}
		if h.AccountID == toolingID && toolingID != "" {
			return
		}
		others = append(others, h.AccountID)
	}
	if len(others) > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s's delegated administrator is account %s, not %s; orgwizard leaves it: to hand it to %s, run %s, then run again",
			serviceLabel(da.Service), others[0], da.Account, da.Account, DeregisterAdminCommand(da.Service, others[0])))
		return
	}
	p.Steps = append(p.Steps, Step{Kind: StepRegisterAdmin, Subject: da.Service, AccountID: toolingID,
		Baseline: &BaselineStep{Service: da.Service, Account: da.Account},
		Why:      fmt.Sprintf("%s administers %s for the organization", da.Account, serviceLabel(da.Service))})
}

// planTrail adds the log bucket's steps, then the trail's.
func planTrail(p *Plan, want *TrailSpec, ab *ActualBaseline, orgID, mgmtID string, idOf func(string) (string, bool)) {
	logID, _ := idOf(want.Bucket.Account)
	bucket := ""
	if logID != "" && orgID != "" {
		bucket = LogBucketName(logID, orgID)
	}
	trailARN := ""
	if mgmtID != "" {
		trailARN = TrailARN(want.HomeRegion, mgmtID)
	}
	policy := ""
	if bucket != "" && trailARN != "" {
		policy = LogBucketPolicy(bucket, orgID, mgmtID, logID, trailARN, want.Bucket.Region)
	}
	detail := func() *BaselineStep {
		t := *want
		return &BaselineStep{Service: ServiceCloudTrail, Region: want.Bucket.Region, Account: want.Bucket.Account, Bucket: bucket, Trail: &t}
	}
	have := ab.Bucket
	if have != nil && bucket != "" && have.Name != bucket {
		have = nil // another bucket: not orgwizard's
	}
	if have != nil && have.Foreign {
		p.Warnings = append(p.Warnings, fmt.Sprintf("the log bucket's name %s is taken by an account outside log-archive; orgwizard cannot deliver logs there, and sets up neither the bucket nor the trail: find who owns that bucket (the name holds your organization's ids, so it was made on purpose)", bucket))
		return
	}
	if have == nil {
		p.Steps = append(p.Steps, Step{Kind: StepCreateLogBucket, Subject: bucketLabel(bucket), AccountID: logID, Baseline: detail(),
			Why: "the organization trail's logs are kept in log-archive, where no workload account can delete them"})
	}
	var diff []string
	if have == nil {
		diff = []string{"versioning", "public access block", "encryption", fmt.Sprintf("lifecycle %d days", want.Bucket.RetentionDays)}
	} else {
		if have.Versioning != VersioningOn {
			diff = append(diff, "versioning is "+orNone(have.Versioning))
		}
		if !have.PublicAccessBlocked {
			diff = append(diff, "public access is not blocked")
		}
		if have.Encryption == "" {
			diff = append(diff, "no default encryption")
		}
		switch {
		case have.ExpirationDays == 0 && have.NoncurrentExpirationDays == 0:
			diff = append(diff, fmt.Sprintf("it has no orgwizard lifecycle rule (%s); the design keeps logs %d days, then as old versions %d more", LifecycleRuleID, want.Bucket.RetentionDays, want.Bucket.RetentionDays))
		case have.ExpirationDays != want.Bucket.RetentionDays || have.NoncurrentExpirationDays != want.Bucket.RetentionDays:
			diff = append(diff, fmt.Sprintf("its lifecycle expires logs after %d days (old versions %d); the design says %d", have.ExpirationDays, have.NoncurrentExpirationDays, want.Bucket.RetentionDays))
		}
		if d := have.OtherExpirationDays; d > 0 && d < want.Bucket.RetentionDays {
			p.Warnings = append(p.Warnings, fmt.Sprintf("log bucket %s has a lifecycle rule that is not orgwizard's (%s) expiring objects after %d days, sooner than the design's logRetentionDays %d: orgwizard keeps your rules, so logs may go sooner; change or remove that rule in log-archive if that is not what you want",
				bucket, listNames(have.OtherLifecycleRules), d, want.Bucket.RetentionDays))
		}
	}
	if len(diff) > 0 {
		why := strings.Join(diff, "; ")
		if have == nil {
			why = "a new log bucket gets " + why
		}
		if have != nil && len(have.OtherLifecycleRules) > 0 {
			why += fmt.Sprintf("; its other lifecycle rules (%s) are kept as they are", listNames(have.OtherLifecycleRules))
		}
		p.Steps = append(p.Steps, Step{Kind: StepConfigureLogBucket, Subject: bucketLabel(bucket), AccountID: logID, Baseline: detail(), Why: why})
	}
	planBucketPolicy(p, have, policy, bucket, logID, detail)

	t := ab.Trail
	if t == nil {
		p.Steps = append(p.Steps, Step{Kind: StepCreateTrail, Subject: want.Name, Baseline: detail(),
			Why: "an organization trail records every account's API calls, in every region, with log file validation"})
		p.Steps = append(p.Steps, Step{Kind: StepStartLogging, Subject: want.Name, Baseline: detail(), Why: "a new trail does not log until started"})
		return
	}
	var tdiff []string
	if !t.IsOrganizationTrail {
		tdiff = append(tdiff, "it is not an organization trail")
	}
	if !t.IsMultiRegionTrail {
		tdiff = append(tdiff, "it logs one region only")
	}
	if !t.LogFileValidationEnabled {
		tdiff = append(tdiff, "log file validation is off")
	}
	if !t.IncludeGlobalServiceEvents {
		tdiff = append(tdiff, "global service events (IAM, STS) are left out")
	}
	if bucket != "" && t.S3BucketName != bucket {
		tdiff = append(tdiff, fmt.Sprintf("it delivers to %s, not %s", orNone(t.S3BucketName), bucket))
	}
	if len(tdiff) > 0 {
		p.Steps = append(p.Steps, Step{Kind: StepUpdateTrail, Subject: want.Name, Baseline: detail(), Why: strings.Join(tdiff, "; ")})
	}
	if !t.IsLogging {
		p.Steps = append(p.Steps, Step{Kind: StepStartLogging, Subject: want.Name, Baseline: detail(), Why: "the trail exists but is not logging"})
	}
}

// planBucketPolicy puts orgwizard's statements into the log bucket's policy
// when they are missing or differ; apply keeps every other statement, and
// the step says which.
func planBucketPolicy(p *Plan, have *ActualBucket, policy, bucket, logID string, detail func() *BaselineStep) {
	const what = "CloudTrail may write only for this organization's trail; no account but log-archive may delete a log"
	step := func(why string) {
		s := Step{Kind: StepPutBucketPolicy, Subject: bucketLabel(bucket), AccountID: logID, Baseline: detail(), Why: why}
		s.Baseline.Policy = policy
		p.Steps = append(p.Steps, s)
	}
	if have == nil || policy == "" || have.Policy == "" {
		step(what)
		return
	}
	m, err := MergeLogBucketPolicy(have.Policy, policy)
	if err != nil {
		p.Warnings = append(p.Warnings, fmt.Sprintf("log bucket %s: %v; fix or remove the policy in log-archive, then run again", bucket, err))
		return
	}
	if m.UpToDate() {
		return
	}
	var parts []string
	if len(m.Added) > 0 {
		parts = append(parts, "adds orgwizard's statements "+listNames(m.Added))
	}
	if len(m.Changed) > 0 {
		parts = append(parts, "replaces orgwizard's statements "+listNames(m.Changed)+" with the design's")
	}
	if len(m.Kept) > 0 {
		parts = append(parts, "keeps your statements "+listNames(m.Kept)+" as they are")
	}
	step(what + "; it " + strings.Join(parts, ", "))
}

func bucketLabel(name string) string {
	if name == "" {
		return LogBucketPrefix + "<log-archive id>-<organization id>"
	}
	return name
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// planCoverage configures GuardDuty or Security Hub in one region from the
// delegated administrator: the service on there, the organization's
// auto-enable setting, and the members enrolled.
func planCoverage(p *Plan, kind StepKind, service string, want RegionCoverage, got ActualRegionalService, toolingID, mgmtID string, idOf func(string) (string, bool)) {
	if got.AdminAccountID != "" && got.AdminAccountID != toolingID {
		return // administered by another account: warned above
	}
	var diff []string
	switch {
	case got.Suspended:
		diff = append(diff, serviceLabel(service)+"'s detector in security-tooling is suspended; apply turns it back on")
	case !got.Enabled:
		diff = append(diff, serviceLabel(service)+" is off in security-tooling")
	}
	// AWS answers NONE for an organization never configured; "" is the same.
	if have := firstNonEmpty(got.AutoEnable, AutoEnableNone); have != want.AutoEnable {
		diff = append(diff, fmt.Sprintf("auto-enable is %s; the design wants %s", have, want.AutoEnable))
	}
	var missing []string
	if mgmtID != "" && !slices.Contains(got.MemberIDs, mgmtID) {
		missing = append(missing, "the management account")
	}
	for _, name := range want.Members {
		id, skip := idOf(name)
		if skip {
			continue
		}
		if id == "" || !slices.Contains(got.MemberIDs, id) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		diff = append(diff, "not enrolled: "+listNames(missing))
	}
	if len(diff) == 0 {
		return
	}
	c := want
	c.Members = slices.Clone(want.Members)
	p.Steps = append(p.Steps, Step{Kind: kind, Subject: service, AccountID: toolingID,
		Baseline: &BaselineStep{Service: service, Region: want.Region, Account: SecurityTooling, Coverage: &c},
		Why:      strings.Join(diff, "; ")})
}

// planContacts sets every alternate contact that differs.
func planContacts(p *Plan, want []AccountContacts, have []ActualAccountContacts, mgmtID string, idOf func(string) (string, bool)) {
	byID := map[string][]AlternateContact{}
	for _, h := range have {
		byID[h.AccountID] = h.Contacts
	}
	for _, ac := range want {
		id, name := mgmtID, ac.Account
		if ac.Management {
			name = "the management account"
		} else {
			var skip bool
			if id, skip = idOf(ac.Account); skip {
				continue
			}
		}
		for _, c := range ac.Contacts {
			i := slices.IndexFunc(byID[id], func(h AlternateContact) bool { return h.Type == c.Type })
			why := "no " + strings.ToLower(c.Type) + " contact is set"
			if id == "" {
				why = "the account is created by this plan"
			}
			if i >= 0 && id != "" {
				if byID[id][i] == c {
					continue
				}
				why = "the " + strings.ToLower(c.Type) + " contact differs from the design's"
			}
			ct := c
			p.Steps = append(p.Steps, Step{Kind: StepPutAlternateContact, Subject: name, AccountID: id,
				Baseline: &BaselineStep{Service: ServiceAccount, Account: ac.Account, Management: ac.Management, Contact: &ct},
				Why:      why + "; AWS writes to it about " + contactAbout[c.Type]})
		}
	}
}

var contactAbout = map[string]string{
	ContactSecurity:   "security notices and abuse reports",
	ContactBilling:    "invoices and payment",
	ContactOperations: "service events and maintenance",
}

// warnTurnedOff reports what a baseline item the design turned off left
// behind: it stays, and the warning gives the command that removes it.
func warnTurnedOff(p *Plan, bt *BaselineTree, ab *ActualBaseline, toolingID, mgmtID string) {
	b := bt.Settings
	if b == nil {
		return
	}
	if !b.OrganizationTrail && ab.Trail != nil {
		kept := ""
		if ab.Bucket != nil && !ab.Bucket.Foreign {
			kept = fmt.Sprintf("; its log bucket %s in log-archive is kept, logs and all", ab.Bucket.Name)
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("baseline.organizationTrail is off: the trail %s is left in place and keeps logging; remove it by hand with %s%s",
			ab.Trail.Name, DeleteTrailCommand(firstNonEmpty(ab.Trail.ARN, ab.Trail.Name), firstNonEmpty(ab.Trail.HomeRegion, bt.HomeRegion)), kept))
	}
	for _, o := range []struct {
		on      bool
		key     string
		service string
		list    []ActualRegionalService
	}{{b.ThreatDetection, "threatDetection", ServiceGuardDuty, ab.GuardDuty}, {b.SecurityHub, "securityHub", ServiceSecurityHub, ab.SecurityHub}} {
		if o.on {
			continue
		}
		for _, r := range o.list {
			if r.AdminAccountID != "" && (r.AdminAccountID == toolingID || toolingID == "") {
				p.Warnings = append(p.Warnings, fmt.Sprintf("baseline.%s is off: %s in %s is left in place, run from %s; remove it by hand with %s",
					o.key, serviceLabel(o.service), r.Region, SecurityTooling, DisableServiceAdminCommand(o.service, r.AdminAccountID, r.Region)))
			}
		}
	}
	if !b.AccessAnalyzer {
		for _, a := range ab.Analyzers {
			if a.Name == AnalyzerName {
				p.Warnings = append(p.Warnings, fmt.Sprintf("baseline.accessAnalyzer is off: analyzer %s in %s is left in place; remove it by hand in %s (%s) with %s",
					a.Name, a.Region, SecurityTooling, a.AccountID, DeleteAnalyzerCommand(a.Region)))
			}
		}
	}
	if !b.CentralRootAccess {
		for _, f := range []string{RootCredentials, RootSessions} {
			if slices.Contains(ab.RootFeatures, f) {
				p.Warnings = append(p.Warnings, fmt.Sprintf("baseline.centralRootAccess is off: IAM's %s is left in place; turn it off by hand in the management account with %s",
					f, DisableRootFeatureCommand(f)))
			}
		}
	}
}

// baselineString is the one-line text of a baseline step.
func (s Step) baselineString() (string, bool) {
	b := s.Baseline
	if b == nil {
		return "", false
	}
	switch s.Kind {
	case StepEnableTrustedAccess:
		return "enable trusted access for " + b.Service, true
	case StepRegisterAdmin:
		if b.Region != "" {
			return fmt.Sprintf("make %s the delegated administrator of %s in %s", b.Account, serviceLabel(b.Service), b.Region), true
		}
		return fmt.Sprintf("make %s the delegated administrator of %s", b.Account, serviceLabel(b.Service)), true
	case StepCreateLogBucket:
		return fmt.Sprintf("create log bucket %s in %s (%s)", s.Subject, b.Account, b.Region), true
	case StepConfigureLogBucket:
		return fmt.Sprintf("set log bucket %s: versioning, public access block, encryption, lifecycle %d days", s.Subject, b.Trail.Bucket.RetentionDays), true
	case StepPutBucketPolicy:
		return fmt.Sprintf("set the policy of log bucket %s", s.Subject), true
	case StepCreateTrail:
		return fmt.Sprintf("create organization trail %s (%s) into %s", s.Subject, b.Trail.HomeRegion, bucketLabel(b.Bucket)), true
	case StepUpdateTrail:
		return fmt.Sprintf("update organization trail %s", s.Subject), true
	case StepStartLogging:
		return fmt.Sprintf("start logging on trail %s", s.Subject), true
	case StepConfigureGuardDuty, StepConfigureSecurityHub:
		return fmt.Sprintf("%s in %s: auto-enable %s, %d member accounts and the management account", serviceLabel(b.Service), b.Region, b.Coverage.AutoEnable, len(b.Coverage.Members)), true
	case StepCreateAnalyzer:
		return fmt.Sprintf("create organization analyzer %s in %s (%s)", s.Subject, b.Account, b.Region), true
	case StepEnableRootFeature:
		return "enable centralized root access: " + b.Feature, true
	case StepPutAlternateContact:
		return fmt.Sprintf("set the %s contact of %s: %s <%s>", strings.ToLower(b.Contact.Type), s.Subject, b.Contact.Name, b.Contact.Email), true
	}
	return "", false
}
