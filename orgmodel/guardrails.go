package orgmodel

import (
	"encoding/json"
	"slices"
)

// AWS's limits on service control policies, checked at validate time.
const (
	MaxPolicyChars       = 10240 // characters of the document as sent (AWS raised it from 5,120 on 2026-05-15)
	MaxPoliciesPerTarget = 10    // attached to one root, OU or account, FullAWSAccess included
)

// Policy names. Every policy orgwizard manages starts with PolicyPrefix: the
// plan only ever detaches policies with that prefix.
const (
	PolicyPrefix          = "orgwizard-"
	PolicyDenyLeave       = PolicyPrefix + "deny-leave-organization"
	PolicyDenyRootUser    = PolicyPrefix + "deny-root-user"
	PolicyRegionLockAll   = PolicyPrefix + "region-lock-all"
	policyRegionLockParts = PolicyPrefix + "region-lock-"
)

// RegionLockPolicyName is the name of the region lock for one residency.
func RegionLockPolicyName(residency string) string { return policyRegionLockParts + residency }

// GlobalServiceActions are exempted from the region lock. Global services
// answer from one region (mostly us-east-1) whatever region the caller works
// in, so denying requests "outside the allowed regions" would deny them
// everywhere and break IAM, Organizations, billing and support.
//
// Source: the SCP example "Deny access to AWS based on the requested AWS
// Region", AWS Organizations User Guide,
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
// Review it when AWS adds a global service.
var GlobalServiceActions = []string{
	"a4b:*",
	"acm:*",
	"aws-marketplace-management:*",
	"aws-marketplace:*",
	"aws-portal:*",
	"budgets:*",
	"ce:*",
	"chime:*",
	"cloudfront:*",
	"config:*",
	"cur:*",
	"directconnect:*",
	"ec2:DescribeRegions",
	"ec2:DescribeTransitGateways",
	"ec2:DescribeVpnGateways",
	"fms:*",
	"globalaccelerator:*",
	"health:*",
	"iam:*",
	"importexport:*",
	"kms:*",
	"mobileanalytics:*",
	"networkmanager:*",
	"organizations:*",
	"pricing:*",
	"route53:*",
	"route53domains:*",
	"route53-recovery-cluster:*",
	"route53-recovery-control-config:*",
	"route53-recovery-readiness:*",
	"s3:GetAccountPublic*",
	"s3:ListAllMyBuckets",
	"s3:ListMultiRegionAccessPoints",
	"s3:PutAccountPublic*",
	"shield:*",
	"sts:*",
	"support:*",
	"trustedadvisor:*",
	"waf-regional:*",
	"waf:*",
	"wafv2:*",
	"wellarchitected:*",
}

// policyDocument is an IAM policy document; the field order is the one AWS's
// own examples use.
type policyDocument struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid       string                         `json:"Sid"`
	Effect    string                         `json:"Effect"`
	Action    any                            `json:"Action,omitempty"`
	NotAction []string                       `json:"NotAction,omitempty"`
	Resource  string                         `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

func render(doc policyDocument) string {
	b, err := json.Marshal(doc)
	if err != nil {
		panic("orgmodel: a policy document does not marshal: " + err.Error()) // static types: cannot happen
	}
	return string(b)
}

func denyLeaveContent() string {
	return render(policyDocument{Version: "2012-10-17", Statement: []statement{{
		Sid:      "DenyLeaveOrganization",
		Effect:   "Deny",
		Action:   "organizations:LeaveOrganization",
		Resource: "*",
	}}})
}

// The root user of a member account can do anything an SCP allows; this
// denies it everything, so that no one works as root in member accounts.
func denyRootUserContent() string {
	return render(policyDocument{Version: "2012-10-17", Statement: []statement{{
		Sid:       "DenyRootUser",
		Effect:    "Deny",
		Action:    "*",
		Resource:  "*",
		Condition: map[string]map[string][]string{"StringLike": {"aws:PrincipalArn": {"arn:aws:iam::*:root"}}},
	}}})
}

func regionLockContent(regions []string) string {
	rs := slices.Clone(regions)
	slices.Sort(rs)
	rs = slices.Compact(rs)
	return render(policyDocument{Version: "2012-10-17", Statement: []statement{{
		Sid:       "DenyOutsideAllowedRegions",
		Effect:    "Deny",
		NotAction: GlobalServiceActions,
		Resource:  "*",
		Condition: map[string]map[string][]string{"StringNotEquals": {"aws:RequestedRegion": rs}},
	}}})
}
