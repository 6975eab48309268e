package export

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// The CloudFormation types of the security baseline, in the CloudTrail and
// Security Hub references (aws-resource-cloudtrail-trail.html,
// aws-resource-securityhub-delegatedadmin.html).
const (
	cfnTrail    = "AWS::CloudTrail::Trail"
	cfnHubAdmin = "AWS::SecurityHub::DelegatedAdmin"
)

func init() {
	CloudFormationTypes[cfnTrail] = CloudFormationType{Properties: []string{"AdvancedEventSelectors", "AggregationConfigurations", "CloudWatchLogsLogGroupArn",
		"CloudWatchLogsRoleArn", "EnableLogFileValidation", "EventSelectors", "IncludeGlobalServiceEvents", "InsightSelectors", "IsLogging",
		"IsMultiRegionTrail", "IsOrganizationTrail", "KMSKeyId", "S3BucketName", "S3KeyPrefix", "SnsTopicName", "Tags", "TrailName"}, Identifier: "TrailName"}
	// Its identifier is ACCOUNT_ID/REGION.
	CloudFormationTypes[cfnHubAdmin] = CloudFormationType{Properties: []string{"AdminAccountId"}, Identifier: "DelegatedAdminIdentifier"}
}

// cfnRegion is where the template is deployed: Organizations' resources
// are in us-east-1.
const cfnRegion = "us-east-1"

// addCloudFormationBaseline declares what of the baseline the template's
// stack (the management account, in us-east-1) can hold: the organization
// trail when the home region is us-east-1, and Security Hub's
// administrator in us-east-1. A stack lives in one account and one
// region, and CloudFormation has no type for most of the rest; skipped
// says what is left out and where it is made instead.
func addCloudFormationBaseline(in Input, names *namer, accountLogical map[string]string, orgLogical string,
	add func(logical, typ string, props *yaml.Node, id string, dependsOn ...string), skipped *[]string) {
	bt := in.Tree.Baseline
	if bt == nil {
		return
	}
	ab := in.actualBaseline()
	if ab == nil {
		ab = &orgmodel.ActualBaseline{}
	}
	// accountSub is an account's id in Fn::Sub: literal when it exists, else
	// the declared account's Ref (its AccountId).
	accountSub := func(name string) (string, bool) {
		if a, ok := in.account(name); ok && a.ID != "" {
			return a.ID, true
		}
		if l, ok := accountLogical[name]; ok {
			return "${" + l + "}", true
		}
		return "", false
	}
	orgSub := "${" + orgLogical + "}"
	if in.live() {
		orgSub = in.Existing.OrganizationID
	}
	var left []string
	if t := bt.Trail; t != nil {
		log, ok := accountSub(orgmodel.LogArchive)
		switch {
		case t.HomeRegion != cfnRegion:
			left = append(left, fmt.Sprintf("The organization trail lives in the home region, %s, and this stack in %s: it is left out (orgwizard apply, or the Terraform export, makes it).", t.HomeRegion, cfnRegion))
		case ok:
			props := mapping()
			put(props, "TrailName", scalar(t.Name))
			sub := mapping()
			put(sub, "Fn::Sub", scalar(orgmodel.LogBucketPrefix+log+"-"+orgSub))
			put(props, "S3BucketName", sub)
			for _, k := range []string{"IsLogging", "IsOrganizationTrail", "IsMultiRegionTrail", "IncludeGlobalServiceEvents", "EnableLogFileValidation"} {
				put(props, k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
			}
			id := ""
			if ab.Trail != nil {
				id = t.Name
			}
			// An organization trail needs trusted access, which only the
			// organization's own settings give (see below).
			add(names.unique("Trail"+cfnName(t.Name)), cfnTrail, props, id, orgLogical)
			left = append(left, fmt.Sprintf("The trail writes into the log bucket in log-archive, which a stack here cannot create: the bucket %s<log-archive id>-<organization id>, its versioning, public access block, encryption, lifecycle (%d days) and policy must exist first (orgwizard apply, or the Terraform export, makes them).",
				orgmodel.LogBucketPrefix, t.Bucket.RetentionDays))
		default:
			left = append(left, "The organization trail needs log-archive, which this template does not declare: it is left out.")
		}
	}
	hubHere := slices.ContainsFunc(bt.SecurityHub, func(rc orgmodel.RegionCoverage) bool { return rc.Region == cfnRegion })
	if len(bt.SecurityHub) > 0 {
		if tool, ok := accountSub(orgmodel.SecurityTooling); ok && hubHere {
			props := mapping()
			if l, declared := accountLogical[orgmodel.SecurityTooling]; declared && tool[0] == '$' {
				put(props, "AdminAccountId", ref(l))
			} else {
				put(props, "AdminAccountId", scalar(tool))
			}
			id := ""
			if got := regionOf(ab.SecurityHub, cfnRegion); got.AdminAccountID != "" && got.AdminAccountID == tool {
				id = tool + "/" + cfnRegion
			}
			add(names.unique("SecurityHubAdmin"+cfnName(cfnRegion)), cfnHubAdmin, props, id, orgLogical)
		}
		left = append(left, fmt.Sprintf("Security Hub's administrator is declared for %s only, where this stack is; the other regions, and the hub and organization configuration in security-tooling, are left out.", cfnRegion))
	}
	if len(bt.TrustedAccess) > 0 {
		left = append(left, "Trusted access ("+strings.Join(bt.TrustedAccess, ", ")+") has no CloudFormation property: enable it with aws organizations enable-aws-service-access, or orgwizard apply.")
	}
	if len(bt.ThreatDetection) > 0 {
		left = append(left, "GuardDuty's organization administrator and organization configuration have no CloudFormation type, and its detectors live in security-tooling: left out.")
	}
	if len(bt.Analyzers) > 0 {
		left = append(left, "Access Analyzer's administrator and analyzers live in security-tooling, which a stack here cannot reach: left out.")
	}
	if len(bt.RootFeatures) > 0 {
		left = append(left, "Centralized root access has no CloudFormation type: left out.")
	}
	if len(bt.Contacts) > 0 {
		left = append(left, "Alternate contacts have no CloudFormation type: left out.")
	}
	*skipped = append(*skipped, left...)
}
