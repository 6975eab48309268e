package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// The hashicorp/aws resource types of the security baseline (a design's
// baseline and contacts blocks).
const (
	tfTrail             = "aws_cloudtrail"
	tfBucket            = "aws_s3_bucket"
	tfBucketVersioning  = "aws_s3_bucket_versioning"
	tfBucketPAB         = "aws_s3_bucket_public_access_block"
	tfBucketEncryption  = "aws_s3_bucket_server_side_encryption_configuration"
	tfBucketLifecycle   = "aws_s3_bucket_lifecycle_configuration"
	tfBucketPolicy      = "aws_s3_bucket_policy"
	tfDelegatedAdmin    = "aws_organizations_delegated_administrator"
	tfGuardDutyAdmin    = "aws_guardduty_organization_admin_account"
	tfGuardDutyDetector = "aws_guardduty_detector"
	tfGuardDutyOrg      = "aws_guardduty_organization_configuration"
	tfHubAdmin          = "aws_securityhub_organization_admin_account"
	tfHubAccount        = "aws_securityhub_account"
	tfHubOrg            = "aws_securityhub_organization_configuration"
	tfAnalyzer          = "aws_accessanalyzer_analyzer"
	tfRootFeatures      = "aws_iam_organizations_features"
	tfContact           = "aws_account_alternate_contact"
)

// LifecycleRuleID is the id of the log bucket's lifecycle rule, as apply
// writes it: a declaration with another id would show as a change after
// import.
const LifecycleRuleID = "orgwizard-log-retention"

// AccessRoleName is the role the provider aliases assume in log-archive and
// security-tooling: the one AWS creates in every account the organization
// creates, as apply assumes it.
const AccessRoleName = "OrganizationAccountAccessRole"

// trustedPrincipals are the service principals the organization resource
// declares when the design has a baseline: the design's and any others
// that have trusted access already (the provider would disable those
// otherwise). Nil without a baseline: the attribute is then left to
// whoever set it.
func trustedPrincipals(in Input) []string {
	bt := in.Tree.Baseline
	if bt == nil {
		return nil
	}
	out := slices.Clone(bt.TrustedAccess)
	if ab := in.actualBaseline(); ab != nil {
		out = append(out, ab.TrustedAccess...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// actualBaseline is the baseline as read, nil when it was not.
func (in Input) actualBaseline() *orgmodel.ActualBaseline {
	if in.Existing == nil {
		return nil
	}
	return in.Existing.Baseline
}

// tfPart is a piece of an HCL string: literal text or an expression to
// interpolate.
type tfPart struct {
	text string
	expr bool
}

func lit(s string) tfPart  { return tfPart{text: s} }
func expr(s string) tfPart { return tfPart{text: s, expr: true} }

// tfValue writes parts as one HCL value: a bare expression when it is one,
// a quoted string otherwise, interpolating the expressions.
func tfValue(parts ...tfPart) string {
	if len(parts) == 1 && parts[0].expr {
		return parts[0].text
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, p := range parts {
		if p.expr {
			b.WriteString("${" + p.text + "}")
		} else {
			q := hclString(p.text)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	b.WriteByte('"')
	return b.String()
}

// baselineTF writes the baseline's Terraform.
type baselineTF struct {
	w           tfWriter
	in          Input
	bt          *orgmodel.BaselineTree
	ab          *orgmodel.ActualBaseline
	accountAddr map[string]string
	imports     int
	names       *namer
	// ids that exist ("" otherwise), and the HCL of each id.
	orgID, mgmtID, logID, toolID string
	org, mgmt, log, tool         tfPart
	partition                    string
}

// writeTerraformBaseline declares the baseline and contacts, with import
// blocks for what exists; accountAddr names the declared accounts. It
// returns how many import blocks it wrote.
func writeTerraformBaseline(w tfWriter, in Input, accountAddr map[string]string) int {
	bt := in.Tree.Baseline
	if bt == nil {
		return 0
	}
	b := &baselineTF{w: w, in: in, bt: bt, ab: in.actualBaseline(), accountAddr: accountAddr, names: newNamer("_"), partition: orgmodel.Partition(bt.HomeRegion)}
	if b.ab == nil {
		b.ab = &orgmodel.ActualBaseline{}
	}
	b.org, b.mgmt = expr(tfOrganization+".this.id"), expr(tfOrganization+".this.master_account_id")
	if in.live() {
		b.orgID, b.mgmtID = in.Existing.OrganizationID, in.Existing.ManagementAccountID
		b.org, b.mgmt = lit(b.orgID), lit(b.mgmtID)
	}
	var ok bool
	if b.logID, b.log, ok = b.account(orgmodel.LogArchive); !ok && bt.Trail != nil {
		w.comment("", "The organization trail needs log-archive, which this export does not declare: it is left out.", "")
		bt = withoutTrail(bt)
	}
	if b.toolID, b.tool, ok = b.account(orgmodel.SecurityTooling); !ok && len(bt.DelegatedAdmins) > 0 {
		w.comment("", "GuardDuty, Security Hub and Access Analyzer need security-tooling, which this export does not declare: they are left out.", "")
		bt = withoutTooling(bt)
	}
	b.bt = bt
	b.w.comment("", "The security baseline (the design's baseline and contacts blocks). Resources in log-archive",
		"and security-tooling are made through "+AccessRoleName+", assumed from the management",
		"account: each provider alias below assumes it there. When this file also creates the account,",
		"Terraform warns at plan that the alias's role_arn is not known yet, and configures it at apply,",
		"once the account exists; should AWS refuse the role that soon, run terraform apply again.", "")
	b.providers()
	b.trail()
	b.guardDuty()
	b.securityHub()
	b.analyzers()
	b.rootFeatures()
	b.contacts()
	return b.imports
}

func withoutTrail(bt *orgmodel.BaselineTree) *orgmodel.BaselineTree {
	c := *bt
	c.Trail = nil
	return &c
}

func withoutTooling(bt *orgmodel.BaselineTree) *orgmodel.BaselineTree {
	c := *bt
	c.DelegatedAdmins, c.ThreatDetection, c.SecurityHub, c.Analyzers = nil, nil, nil, nil
	return &c
}

// account is an account's id when it exists, and its HCL: the literal id,
// or the declared account's id attribute. ok is false when the export
// neither knows nor declares it.
func (b *baselineTF) account(name string) (id string, v tfPart, ok bool) {
	if a, found := b.in.account(name); found && a.ID != "" {
		return a.ID, lit(a.ID), true
	}
	if addr, found := b.accountAddr[name]; found {
		return "", expr(tfAccount + "." + addr + ".id"), true
	}
	return "", tfPart{}, false
}

func (b *baselineTF) importBlock(typ, name, id string) {
	b.w.importBlock(typ, name, id)
	b.imports++
}

// Provider aliases: the management account outside its home region, and
// log-archive and security-tooling through the access role.
func mgmtAlias(region string) string    { return "management_" + tfName(region) }
func toolingAlias(region string) string { return "security_tooling_" + tfName(region) }

const logAlias = "log_archive"

func (b *baselineTF) providers() {
	role := func(account tfPart) string {
		return tfValue(lit("arn:"+b.partition+":iam::"), account, lit(":role/"+AccessRoleName))
	}
	alias := func(name, region, roleARN string) {
		fmt.Fprintf(b.w.b, "provider \"aws\" {\n  alias  = %q\n  region = %s\n", name, hclString(region))
		if roleARN != "" {
			fmt.Fprintf(b.w.b, "\n  assume_role {\n    role_arn     = %s\n    session_name = \"orgwizard-export\"\n  }\n", roleARN)
		}
		b.w.b.WriteString("}\n\n")
	}
	if b.bt.Trail != nil {
		alias(logAlias, b.bt.Trail.Bucket.Region, role(b.log))
	}
	regional := len(b.bt.ThreatDetection) > 0 || len(b.bt.SecurityHub) > 0
	for _, r := range b.bt.Regions {
		if regional && r != b.bt.HomeRegion {
			alias(mgmtAlias(r), r, "")
		}
		alias(toolingAlias(r), r, role(b.tool))
	}
}

// providerAttr is the provider meta-argument of a resource made by the
// management account in region.
func (b *baselineTF) mgmtProvider(region string) []tfAttr {
	if region == b.bt.HomeRegion {
		return nil
	}
	return []tfAttr{{"provider", "aws." + mgmtAlias(region)}}
}

func writeDependsOn(w tfWriter, why string, addrs ...string) {
	w.b.WriteString("\n")
	if why != "" {
		w.comment("  ", why)
	}
	fmt.Fprintf(w.b, "  depends_on = [%s]\n", strings.Join(addrs, ", "))
}

// trail declares the log bucket in log-archive, its settings and policy,
// and the organization trail.
func (b *baselineTF) trail() {
	t := b.bt.Trail
	if t == nil {
		return
	}
	w := b.w
	bucketName := []tfPart{lit(orgmodel.LogBucketPrefix), b.log, lit("-"), b.org}
	bucket := ""
	if b.logID != "" && b.orgID != "" {
		bucket = orgmodel.LogBucketName(b.logID, b.orgID)
	}
	have := b.ab.Bucket
	exists := have != nil && !have.Foreign && bucket != "" && have.Name == bucket
	provider := tfAttr{"provider", "aws." + logAlias}
	ref := tfBucket + ".log_bucket.id"

	w.resource(tfBucket, "log_bucket", []tfAttr{provider, {"bucket", tfValue(bucketName...)}}, nil)
	if exists {
		b.importBlock(tfBucket, "log_bucket", bucket)
	}
	w.resource(tfBucketVersioning, "log_bucket", []tfAttr{provider, {"bucket", ref}}, func() {
		w.b.WriteString("\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n")
	})
	if exists && have.Versioning != "" {
		b.importBlock(tfBucketVersioning, "log_bucket", bucket)
	}
	w.resource(tfBucketPAB, "log_bucket", []tfAttr{provider, {"bucket", ref},
		{"block_public_acls", "true"}, {"block_public_policy", "true"}, {"ignore_public_acls", "true"}, {"restrict_public_buckets", "true"}}, nil)
	if exists && have.PublicAccessBlocked {
		b.importBlock(tfBucketPAB, "log_bucket", bucket)
	}
	w.resource(tfBucketEncryption, "log_bucket", []tfAttr{provider, {"bucket", ref}}, func() {
		fmt.Fprintf(w.b, "\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = %q\n    }\n  }\n", orgmodel.EncryptionSSES3)
	})
	if exists && have.Encryption != "" {
		b.importBlock(tfBucketEncryption, "log_bucket", bucket)
	}
	days := t.Bucket.RetentionDays
	w.resource(tfBucketLifecycle, "log_bucket", []tfAttr{provider, {"bucket", ref}}, func() {
		fmt.Fprintf(w.b, "\n  rule {\n    id     = %q\n    status = \"Enabled\"\n\n    filter {\n      prefix = \"\"\n    }\n\n    expiration {\n      days = %d\n    }\n\n    noncurrent_version_expiration {\n      noncurrent_days = %d\n    }\n  }\n", LifecycleRuleID, days, days)
		writeDependsOn(w, "Versioning first: the rule expires old versions, which only versioning keeps.", tfBucketVersioning+".log_bucket")
	})
	if exists && have.ExpirationDays > 0 {
		b.importBlock(tfBucketLifecycle, "log_bucket", bucket)
	}
	live := ""
	if exists {
		live = have.Policy
	}
	policy, says := b.bucketPolicy(live)
	w.comment("", says...)
	w.resource(tfBucketPolicy, "log_bucket", []tfAttr{provider, {"bucket", ref}, {"policy", policy}}, func() {
		writeDependsOn(w, "In apply's order: the bucket's settings, then its policy.", tfBucketPAB+".log_bucket")
	})
	if exists && have.Policy != "" {
		b.importBlock(tfBucketPolicy, "log_bucket", bucket)
	}

	w.resource(tfTrail, "organization", []tfAttr{
		{"name", hclString(t.Name)},
		{"s3_bucket_name", ref},
		{"is_organization_trail", "true"},
		{"is_multi_region_trail", "true"},
		{"include_global_service_events", "true"},
		{"enable_log_file_validation", "true"},
		{"enable_logging", "true"},
	}, func() {
		writeDependsOn(w, "CloudTrail refuses a trail until the bucket's policy lets it write, and an organization trail until it has trusted access.",
			tfBucketPolicy+".log_bucket", tfOrganization+".this")
	})
	if tr := b.ab.Trail; tr != nil && b.mgmtID != "" {
		// The provider imports a trail by its ARN.
		b.importBlock(tfTrail, "organization", firstOf(tr.ARN, orgmodel.TrailARN(t.HomeRegion, b.mgmtID)))
	}
}

// bucketPolicy is the log bucket's policy as a heredoc, and the comment
// that says what Terraform then owns. aws_s3_bucket_policy owns the whole
// policy: terraform apply puts exactly this document, where orgwizard apply
// replaces only its own statements (by Sid) and keeps the others. So with
// the bucket's policy as read (live, "" when it was not read or the bucket
// has none), the document is that policy merged as apply merges it:
// orgwizard's statements as the design wants them, then every other
// statement of the bucket's as it is. Without it, the document is
// orgwizard's own (orgmodel.LogBucketPolicy), and the ids it names that do
// not exist yet are interpolated from the resources that make them.
func (b *baselineTF) bucketPolicy(live string) (string, []string) {
	const (
		sLog  = "ORGWIZARDLOGARCHIVEID"
		sOrg  = "ORGWIZARDORGANIZATIONID"
		sMgmt = "ORGWIZARDMANAGEMENTID"
	)
	sub := func(p tfPart, sentinel string) string {
		if p.expr {
			return sentinel
		}
		return p.text
	}
	logID, orgID, mgmtID := sub(b.log, sLog), sub(b.org, sOrg), sub(b.mgmt, sMgmt)
	t := b.bt.Trail
	doc := orgmodel.LogBucketPolicy(orgmodel.LogBucketName(logID, orgID), orgID, mgmtID, logID, orgmodel.TrailARN(t.HomeRegion, mgmtID), t.Bucket.Region)
	const owns = "Terraform's aws_s3_bucket_policy owns the bucket's whole policy: terraform apply replaces it with this document"
	if live != "" {
		// A live export names every id literally: the bucket exists, so
		// log-archive and the organization do, and the management
		// account was read.
		m, err := orgmodel.MergeLogBucketPolicy(live, doc)
		if err != nil {
			return policyContent(live), wrapComment(fmt.Sprintf("The log bucket's policy, as read: %v. %s, so orgwizard's statements are not in it: make the policy a JSON object whose Statement is a statement or a list of them, then export again.", err, owns))
		}
		kept := ""
		if len(m.Kept) > 0 {
			kept = " (kept: " + strings.Join(m.Kept, ", ") + ")"
		}
		return policyContent(m.Policy), wrapComment(fmt.Sprintf("The log bucket's policy as read, merged as orgwizard apply merges it: orgwizard's statements (Sids Orgwizard...) as the design wants them, then the bucket's other statements as they are%s. %s, so a statement added to the bucket after this export is removed by the next terraform apply unless it is added here too.", kept, owns))
	}
	text := policyContent(doc)
	for sentinel, p := range map[string]tfPart{sLog: b.log, sOrg: b.org, sMgmt: b.mgmt} {
		if p.expr {
			text = strings.ReplaceAll(text, sentinel, "${"+p.text+"}")
		}
	}
	return text, wrapComment("The log bucket's policy: orgwizard's statements (Sids Orgwizard...). " + owns +
		" and removes any statement the bucket has that is not here, where orgwizard apply keeps them. Add your own statements here, or export with --live to carry the bucket's statements over.")
}

// wrapComment breaks text into comment lines of at most 100 characters.
func wrapComment(text string) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > 100 {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

// guardDuty declares GuardDuty in every region of the design: a detector in
// security-tooling, security-tooling as the region's administrator, and the
// organization's auto-enable setting.
func (b *baselineTF) guardDuty() {
	w := b.w
	for _, rc := range b.bt.ThreatDetection {
		r := tfName(rc.Region)
		got := regionOf(b.ab.GuardDuty, rc.Region)
		provider := tfAttr{"provider", "aws." + toolingAlias(rc.Region)}
		detector := tfGuardDutyDetector + ".security_tooling_" + r
		w.resource(tfGuardDutyDetector, "security_tooling_"+r, []tfAttr{provider, {"enable", "true"}}, nil)
		found := ""
		if got.Enabled && b.toolID != "" && got.AdminAccountID == b.toolID {
			// The detector's id is GuardDuty's own; the data source finds
			// it, and the import block takes it (Terraform 1.6 or later).
			found = "data." + tfGuardDutyDetector + ".security_tooling_" + r + ".id"
			fmt.Fprintf(w.b, "data %q %q {\n  provider = aws.%s\n}\n\n", tfGuardDutyDetector, "security_tooling_"+r, toolingAlias(rc.Region))
			fmt.Fprintf(w.b, "import {\n  to = %s\n  id = %s\n}\n\n", detector, found)
			b.imports++
		}
		w.resource(tfGuardDutyAdmin, r, append(b.mgmtProvider(rc.Region), tfAttr{"admin_account_id", tfValue(b.tool)}), func() {
			writeDependsOn(w, "Its detector first; trusted access for guardduty.amazonaws.com before any administrator.", detector, tfOrganization+".this")
		})
		if got.AdminAccountID != "" && got.AdminAccountID == b.toolID {
			b.importBlock(tfGuardDutyAdmin, r, b.toolID)
		}
		w.resource(tfGuardDutyOrg, "security_tooling_"+r, []tfAttr{provider,
			{"detector_id", detector + ".id"},
			{"auto_enable_organization_members", hclString(rc.AutoEnable)},
		}, func() {
			why := ""
			if rc.AutoEnable == orgmodel.AutoEnableNone {
				why = "NONE: a region lock keeps some member accounts out of this region; orgwizard apply enrols the ones it allows (GuardDuty CreateMembers), which this file does not declare."
			}
			writeDependsOn(w, why, tfGuardDutyAdmin+"."+r)
		})
		if found != "" {
			fmt.Fprintf(w.b, "import {\n  to = %s.security_tooling_%s\n  id = %s\n}\n\n", tfGuardDutyOrg, r, found)
			b.imports++
		}
	}
}

// securityHub declares Security Hub in every region of the design, when the
// design turns it on: the hub in security-tooling, its administrator, and
// the organization's auto-enable setting.
func (b *baselineTF) securityHub() {
	w := b.w
	for _, rc := range b.bt.SecurityHub {
		r := tfName(rc.Region)
		got := regionOf(b.ab.SecurityHub, rc.Region)
		provider := tfAttr{"provider", "aws." + toolingAlias(rc.Region)}
		admin := got.AdminAccountID != "" && got.AdminAccountID == b.toolID
		imported := admin && got.Enabled
		w.resource(tfHubAccount, "security_tooling_"+r, []tfAttr{provider, {"enable_default_standards", "true"}}, func() {
			if imported {
				w.lifecycleIgnore("Apply enabled the default standards; the provider imports the hub as if not (AWS does not say), and would replace it.",
					"enable_default_standards")
			}
		})
		if imported {
			b.importBlock(tfHubAccount, "security_tooling_"+r, b.toolID)
		}
		w.resource(tfHubAdmin, r, append(b.mgmtProvider(rc.Region), tfAttr{"admin_account_id", tfValue(b.tool)}), func() {
			writeDependsOn(w, "", tfHubAccount+".security_tooling_"+r, tfOrganization+".this")
		})
		if admin {
			b.importBlock(tfHubAdmin, r, b.toolID)
		}
		w.resource(tfHubOrg, "security_tooling_"+r, []tfAttr{provider, {"auto_enable", fmt.Sprint(rc.AutoEnable == orgmodel.AutoEnableAll)}}, func() {
			writeDependsOn(w, "", tfHubAdmin+"."+r)
		})
		if admin && got.Enabled {
			b.importBlock(tfHubOrg, "security_tooling_"+r, b.toolID)
		}
	}
}

// analyzers declares Access Analyzer's delegated administrator and the
// organization analyzer in every region.
func (b *baselineTF) analyzers() {
	w := b.w
	for _, da := range b.bt.DelegatedAdmins {
		if da.Regional {
			continue // GuardDuty and Security Hub: their own resources above
		}
		name := b.names.unique(tfName(strings.TrimSuffix(da.Service, ".amazonaws.com")))
		w.resource(tfDelegatedAdmin, name, []tfAttr{{"account_id", tfValue(b.tool)}, {"service_principal", hclString(da.Service)}}, func() {
			writeDependsOn(w, "Organizations registers an administrator only for a service with trusted access.", tfOrganization+".this")
		})
		if b.toolID != "" && slices.Contains(b.ab.DelegatedAdmins, orgmodel.ActualDelegatedAdmin{Service: da.Service, AccountID: b.toolID}) {
			// The provider's import id is ACCOUNT_ID/SERVICE_PRINCIPAL.
			b.importBlock(tfDelegatedAdmin, name, b.toolID+"/"+da.Service)
		}
	}
	for _, an := range b.bt.Analyzers {
		name := "security_tooling_" + tfName(an.Region)
		w.resource(tfAnalyzer, name, []tfAttr{{"provider", "aws." + toolingAlias(an.Region)}, {"analyzer_name", hclString(an.Name)}, {"type", hclString(an.Type)}}, func() {
			writeDependsOn(w, "An organization analyzer needs its account to be Access Analyzer's administrator.", tfDelegatedAdmin+".access_analyzer")
		})
		if slices.ContainsFunc(b.ab.Analyzers, func(a orgmodel.ActualAnalyzer) bool { return a.Name == an.Name && a.Region == an.Region }) {
			b.importBlock(tfAnalyzer, name, an.Name)
		}
	}
}

// rootFeatures declares IAM's centralized root access.
func (b *baselineTF) rootFeatures() {
	if len(b.bt.RootFeatures) == 0 {
		return
	}
	quoted := make([]string, len(b.bt.RootFeatures))
	for i, f := range b.bt.RootFeatures {
		quoted[i] = hclString(f)
	}
	b.w.resource(tfRootFeatures, "this", []tfAttr{{"enabled_features", "[" + strings.Join(quoted, ", ") + "]"}}, func() {
		writeDependsOn(b.w, "IAM needs trusted access for iam.amazonaws.com first.", tfOrganization+".this")
	})
	if len(b.ab.RootFeatures) > 0 && b.orgID != "" {
		b.importBlock(tfRootFeatures, "this", b.orgID)
	}
}

// contacts declares the alternate contacts of every account, from the
// management account (account_id names a member; none, the management
// account itself).
func (b *baselineTF) contacts() {
	have := map[string][]orgmodel.AlternateContact{}
	for _, h := range b.ab.Contacts {
		have[h.AccountID] = h.Contacts
	}
	for _, ac := range b.bt.Contacts {
		var id string
		var acct tfPart
		base := "management"
		if !ac.Management {
			var ok bool
			if id, acct, ok = b.account(ac.Account); !ok {
				b.w.comment("", fmt.Sprintf("The contacts of %s, which this export does not declare, are left out.", ac.Account), "")
				continue
			}
			base = ac.Account
		} else {
			id = b.mgmtID
		}
		for _, c := range ac.Contacts {
			name := b.names.unique("contact_" + tfName(base) + "_" + strings.ToLower(c.Type))
			var attrs []tfAttr
			if !ac.Management {
				attrs = append(attrs, tfAttr{"account_id", tfValue(acct)})
			}
			attrs = append(attrs,
				tfAttr{"alternate_contact_type", hclString(c.Type)},
				tfAttr{"name", hclString(c.Name)},
				tfAttr{"title", hclString(c.Title)},
				tfAttr{"email_address", hclString(c.Email)},
				tfAttr{"phone_number", hclString(c.Phone)})
			b.w.resource(tfContact, name, attrs, func() {
				writeDependsOn(b.w, "The management account sets a member's contacts once account.amazonaws.com has trusted access.", tfOrganization+".this")
			})
			if id != "" && slices.ContainsFunc(have[id], func(h orgmodel.AlternateContact) bool { return h.Type == c.Type }) {
				// The provider's import id is ACCOUNT_ID/TYPE, or TYPE for the
				// account of the credentials.
				importID := id + "/" + c.Type
				if ac.Management {
					importID = c.Type
				}
				b.importBlock(tfContact, name, importID)
			}
		}
	}
}

func regionOf(list []orgmodel.ActualRegionalService, region string) orgmodel.ActualRegionalService {
	for _, r := range list {
		if r.Region == region {
			return r
		}
	}
	return orgmodel.ActualRegionalService{Region: region}
}

// hclList writes strings as an HCL list.
func hclList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = hclString(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// needsImportExpressions reports whether an import block's id is an
// expression (a GuardDuty detector's id, from a data source), which
// Terraform takes from 1.6 on.
func needsImportExpressions(in Input) bool {
	bt := in.Tree.Baseline
	ab := in.actualBaseline()
	if bt == nil || ab == nil {
		return false
	}
	tool, ok := in.account(orgmodel.SecurityTooling)
	if !ok || tool.ID == "" {
		return false
	}
	for _, rc := range bt.ThreatDetection {
		if got := regionOf(ab.GuardDuty, rc.Region); got.Enabled && got.AdminAccountID == tool.ID {
			return true
		}
	}
	return false
}
