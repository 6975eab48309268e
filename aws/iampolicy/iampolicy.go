// Package iampolicy is the least-privilege IAM policy orgwizard needs on an
// AWS target: the actions its adapters can call, and the few AWS requires on
// their behalf, nothing more. The list is written out by hand, so that a
// security reviewer reads one place with a reason per action; its tests hold
// it to the adapter interfaces (every method, and only those) and to the
// calls a real apply makes. It is offered whole or per purpose (For): what
// apply, audit, migrate or costs calls, each held by the cli package's tests to the
// calls its commands make end to end.
package iampolicy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/aws/budgets"
	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/aws/iamusers"
	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/rootcreds"
	"github.com/orgwizard/orgwizard/aws/target"
)

// Adapter is one interface through which orgwizard calls an AWS service.
// Every method of it is an operation whose IAM action is Service:Method,
// unless Rename says otherwise.
type Adapter struct {
	Service string       // the IAM service prefix
	API     reflect.Type // the interface type
	// SigningName is the service's SigV4 signing name, which the sandbox
	// records calls by, when it is not Service (tagging for tag).
	SigningName string
	// Rename maps the operations whose IAM action has another name (S3's
	// ListBuckets is s3:ListAllMyBuckets).
	Rename map[string]string
}

// Adapters are every interface orgwizard calls AWS through. A feature that
// calls another service adds its interface here and its actions to Actions;
// the tests then insist the two agree.
var Adapters = []Adapter{
	{Service: "organizations", API: reflect.TypeFor[orgs.API]()},
	{Service: "servicequotas", API: reflect.TypeFor[orgs.QuotaAPI]()},
	{Service: "sts", API: reflect.TypeFor[target.IdentityAPI]()},

	// The inventory of the management account (audit, migrate runbook).
	{Service: "ec2", API: reflect.TypeFor[inventory.EC2API]()},
	{Service: "s3", API: reflect.TypeFor[inventory.S3API](), Rename: map[string]string{"ListBuckets": "ListAllMyBuckets"}},
	{Service: "rds", API: reflect.TypeFor[inventory.RDSAPI]()},
	{Service: "lambda", API: reflect.TypeFor[inventory.LambdaAPI]()},
	{Service: "dynamodb", API: reflect.TypeFor[inventory.DynamoDBAPI]()},
	{Service: "ecs", API: reflect.TypeFor[inventory.ECSAPI]()},
	{Service: "eks", API: reflect.TypeFor[inventory.EKSAPI]()},
	{Service: "cloudfront", API: reflect.TypeFor[inventory.CloudFrontAPI]()},
	{Service: "route53", API: reflect.TypeFor[inventory.Route53API]()},
	{Service: "iam", API: reflect.TypeFor[inventory.IAMAPI]()},
	{Service: "tag", SigningName: "tagging", API: reflect.TypeFor[inventory.TaggingAPI]()},
	{Service: "resource-explorer-2", API: reflect.TypeFor[inventory.ResourceExplorerAPI]()},

	// audit: how the management account's IAM users sign in.
	{Service: "iam", API: reflect.TypeFor[iamusers.API]()},

	// Way out (a), migrate new-management: the new management account's
	// calls, and the old account's (with its own credentials).
	{Service: "organizations", API: reflect.TypeFor[migrate.InviteAPI]()},
	{Service: "organizations", API: reflect.TypeFor[migrate.OldOrgAPI]()},
	{Service: "iam", API: reflect.TypeFor[migrate.RoleAPI]()},
	{Service: "sts", API: reflect.TypeFor[migrate.AssumeRoleAPI]()},

	// The cost view, from the management account.
	{Service: "ce", API: reflect.TypeFor[costs.API]()},

	// Budgets and cost categories (a design's budgets block), from the
	// management account. AWS Budgets authorizes its operations by two
	// actions (Service Authorization Reference, "API operations defined by
	// AWS Budget Service").
	{Service: "budgets", API: reflect.TypeFor[budgets.API](), Rename: map[string]string{
		"DescribeBudgets": "ViewBudget", "DescribeNotificationsForBudget": "ViewBudget",
		"CreateBudget": "ModifyBudget", "UpdateBudget": "ModifyBudget", "CreateNotification": "ModifyBudget", "CreateSubscriber": "ModifyBudget",
	}},
	{Service: "ce", API: reflect.TypeFor[budgets.CategoryAPI]()},

	// IAM Identity Center (a design's access block), from the management
	// account: sso-admin signs as sso, the identity store as itself; the
	// enabled regions, where the instance is looked for outside the home
	// region.
	{Service: "sso", API: reflect.TypeFor[identitycenter.AdminAPI]()},
	{Service: "sso", API: reflect.TypeFor[identitycenter.AdminWriteAPI]()},
	{Service: "identitystore", API: reflect.TypeFor[identitycenter.StoreAPI]()},
	{Service: "identitystore", API: reflect.TypeFor[identitycenter.StoreWriteAPI]()},
	{Service: "ec2", API: reflect.TypeFor[identitycenter.RegionsAPI]()},
	// The security baseline (a design's baseline and contacts blocks), from
	// the management account. Its calls in log-archive and security-tooling
	// (S3, GuardDuty's detector and members, Security Hub's hub and
	// members, Access Analyzer) are made as OrganizationAccountAccessRole,
	// which AWS gives AdministratorAccess there: they need nothing of the
	// management account's credentials but sts:AssumeRole on that role.
	{Service: "organizations", API: reflect.TypeFor[baseline.OrgAPI]()},
	{Service: "cloudtrail", API: reflect.TypeFor[baseline.TrailAPI]()},
	{Service: "iam", API: reflect.TypeFor[baseline.RootAPI]()},
	{Service: "account", API: reflect.TypeFor[baseline.ContactAPI]()},
	{Service: "guardduty", API: reflect.TypeFor[baseline.GuardDutyAdminAPI]()},
	{Service: "guardduty", API: reflect.TypeFor[baseline.DetectorLister]()},
	{Service: "guardduty", API: reflect.TypeFor[baseline.DetectorReader]()},
	{Service: "guardduty", API: reflect.TypeFor[baseline.DetectorResumer]()},
	{Service: "securityhub", API: reflect.TypeFor[baseline.SecurityHubAdminAPI]()},
	{Service: "sts", API: reflect.TypeFor[baseline.AssumeRoleAPI]()},

	// audit: the member accounts' root credentials, through root sessions.
	// What a session reads (GetLoginProfile, ListAccessKeys...) is allowed
	// by AWS's task policy, not by this one: rootcreds.SessionAPI is in
	// RootSessionAdapters.
	{Service: "sts", API: reflect.TypeFor[rootcreds.RootAPI]()},
}

// AssumedRoleAdapters are the interfaces orgwizard calls inside member
// accounts as OrganizationAccountAccessRole: their actions are the role's,
// never the management account's, and the policy leaves them out.
var AssumedRoleAdapters = []Adapter{
	{Service: "s3", API: reflect.TypeFor[baseline.BucketAPI]()},
	{Service: "guardduty", API: reflect.TypeFor[baseline.DetectorAPI]()},
	{Service: "securityhub", API: reflect.TypeFor[baseline.HubAPI]()},
	{Service: "access-analyzer", API: reflect.TypeFor[baseline.AnalyzerAPI]()},
}

// RootSessionAdapters are the interfaces audit calls in a member account's
// root session (sts:AssumeRoot): AWS's IAMAuditRootUserCredentials task
// policy authorizes them, not orgwizard's policy. Some of the same actions
// (iam:ListAccessKeys) are in the policy for the management account's own
// IAM users, so they are listed apart from AssumedRoleAdapters.
var RootSessionAdapters = []Adapter{
	{Service: "iam", API: reflect.TypeFor[rootcreds.SessionAPI]()},
}

// Actions returns the IAM actions of the adapter's operations.
func (a Adapter) Actions() []string {
	out := make([]string, 0, a.API.NumMethod())
	for i := range a.API.NumMethod() {
		op := a.API.Method(i).Name
		if r, ok := a.Rename[op]; ok {
			op = r
		}
		out = append(out, a.Service+":"+op)
	}
	return out
}

// ActionFor names the IAM action of a call as the sandbox records it (its
// signing name and operation).
func ActionFor(signingName, operation string) string {
	service := ""
	// Several adapters may share a service (budgets: the costs screen's
	// reads and apply's writes); the operation's rename is in one of them.
	for _, a := range Adapters {
		name := a.SigningName
		if name == "" {
			name = a.Service
		}
		if name != signingName {
			continue
		}
		if r, ok := a.Rename[operation]; ok {
			return a.Service + ":" + r
		}
		if service == "" {
			service = a.Service
		}
	}
	if service != "" {
		return service + ":" + operation
	}
	return signingName + ":" + operation
}

// serviceIDs maps the SDK's service ids (smithy.OperationError.Service) to
// IAM service prefixes where lower-casing without spaces is not enough.
var serviceIDs = map[string]string{"Resource Groups Tagging API": "tag", "Resource Explorer 2": "resource-explorer-2", "Cost Explorer": "ce", "SSO Admin": "sso"}

// ActionForServiceID names the IAM action of an SDK operation by the SDK's
// service id ("Organizations", "Service Quotas") and operation name.
func ActionForServiceID(serviceID, operation string) string {
	service, ok := serviceIDs[serviceID]
	if !ok {
		service = strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
	}
	for _, a := range Adapters {
		if a.Service == service {
			if r, ok := a.Rename[operation]; ok {
				return service + ":" + r
			}
		}
	}
	return service + ":" + operation
}

// Action is one IAM action the policy allows, and why.
type Action struct {
	Name string // service:Operation
	Why  string
	// OnBehalf are the calls of orgwizard's for which AWS requires the
	// caller to hold this action too: AWS calls it as the caller while
	// serving them (GuardDuty reads the organization when its delegated
	// administrator is named; CloudTrail creates its service-linked role).
	// Each cites the AWS page that says so. They put the action in the
	// purposes of those calls, narrowed as each says.
	OnBehalf []Need
	// NotCalled marks an action orgwizard never calls itself, in the
	// policy only for its OnBehalf calls: the tests that tie the policy to
	// the calls made expect it never to be called, and its OnBehalf calls
	// to be.
	NotCalled bool
	// Condition narrows the statement that allows the action.
	Condition map[string]map[string]string
	// Resource narrows the action to one ARN pattern; "*" when empty.
	Resource string
	// NotInSandbox says why the sandbox run of the tests cannot make this
	// call (a fallback or a state the sandbox does not simulate).
	NotInSandbox string
}

// Need is one call of orgwizard's for which AWS requires an action of the
// caller that orgwizard does not call itself for it.
type Need struct {
	By     string // the action orgwizard calls, service:Operation
	Source string // the AWS page that requires it
	// Resource and Condition narrow the action for this call, as far as
	// AWS allows; "*" and none when empty.
	Resource  string
	Condition map[string]map[string]string
}

// serviceLinkedRoleFor is the condition that limits
// iam:CreateServiceLinkedRole to one service's role.
func serviceLinkedRoleFor(principal string) map[string]map[string]string {
	return map[string]map[string]string{"StringEquals": {"iam:AWSServiceName": principal}}
}

// The AWS pages that require of the caller what orgwizard does not call.
const (
	// "Permissions required to designate a delegated GuardDuty
	// administrator account": guardduty:EnableOrganizationAdminAccount,
	// organizations:EnableAWSServiceAccess, RegisterDelegatedAdministrator,
	// ListDelegatedAdministrators, ListAWSServiceAccessForOrganization,
	// DescribeOrganizationalUnit, DescribeAccount, DescribeOrganization and
	// ListAccounts. (iam:CreateServiceLinkedRole only when the management
	// account names itself, which orgwizard never does.)
	guardDutyAdminPage = "https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html"
	// "Service-linked role permissions for GuardDuty": the
	// AWSServiceRoleForAmazonGuardDuty role is created when GuardDuty is
	// first enabled in an account, and the identity that enables it needs
	// iam:CreateServiceLinkedRole for guardduty.amazonaws.com.
	guardDutyRolePage = "https://docs.aws.amazon.com/guardduty/latest/ug/slr-permissions.html"
	// "Required permissions to designate a Security Hub administrator
	// account": securityhub:EnableOrganizationAdminAccount,
	// organizations:EnableAWSServiceAccess, RegisterDelegatedAdministrator
	// and DescribeOrganization.
	securityHubAdminPage = "https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html"
	// "Prepare for creating a trail for your organization", its minimum
	// policy: iam:GetRole, iam:CreateServiceLinkedRole,
	// organizations:EnableAWSServiceAccess, ListAccounts,
	// DescribeOrganization, ListAWSServiceAccessForOrganization (and
	// DisableAWSServiceAccess, which orgwizard, never turning trusted
	// access off, leaves out).
	orgTrailPage = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html"
	// "Create an organization": the caller needs iam:CreateServiceLinkedRole
	// for AWSServiceRoleForOrganizations, which may be limited to the
	// service principal organizations.amazonaws.com.
	createOrgPage = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_create.html"
)

// serviceLinkedRoles is every service-linked role's ARN: CloudTrail reads
// roles (iam:GetRole) while making an organization trail without saying
// which, and AWS makes its own roles, never the caller's, under this path.
const serviceLinkedRoles = "arn:aws:iam::*:role/aws-service-role/*"

// accessRoleARN is the one role migrate new-management creates, checks and assumes.
const accessRoleARN = "arn:aws:iam::*:role/" + migrate.AccessRoleName

// Actions is the whole policy, one entry per action.
var Actions = []Action{
	// Reading the organization (orgs.Client.Read and the apply engine).
	{Name: "organizations:DescribeOrganization", Why: "find the organization, its management account and feature set; AWS also requires it of whoever names GuardDuty's and Security Hub's delegated administrator and creates an organization trail",
		OnBehalf: []Need{{By: "guardduty:EnableOrganizationAdminAccount", Source: guardDutyAdminPage}, {By: "securityhub:EnableOrganizationAdminAccount", Source: securityHubAdminPage}, {By: "cloudtrail:CreateTrail", Source: orgTrailPage}}},
	{Name: "organizations:ListRoots", Why: "find the root and whether service control policies are enabled"},
	{Name: "organizations:ListOrganizationalUnitsForParent", Why: "walk the OU tree"},
	{Name: "organizations:ListAccountsForParent", Why: "list the accounts in each OU"},
	{Name: "organizations:ListTagsForResource", Why: "read account tags, to set only missing or changed ones, and the root's, where apply's lease is"},
	{Name: "organizations:ListPolicies", Why: "find the service control policies"},
	{Name: "organizations:DescribePolicy", Why: "compare a policy's content with the design's"},
	{Name: "organizations:ListTargetsForPolicy", Why: "find where each policy is attached"},
	{Name: "organizations:ListCreateAccountStatus", Why: "find account creations a crashed apply left in flight"},
	{Name: "organizations:DescribeCreateAccountStatus", Why: "wait for an account creation to finish"},

	// Changing it (the plan's steps; nothing is ever deleted or closed).
	{Name: "organizations:CreateOrganization", Why: "create the organization (all features) when the account has none"},
	{Name: "organizations:EnablePolicyType", Why: "enable service control policies on the root"},
	{Name: "organizations:CreateOrganizationalUnit", Why: "create the design's OUs"},
	{Name: "organizations:CreateAccount", Why: "create the design's member accounts"},
	{Name: "organizations:MoveAccount", Why: "move accounts into their OUs"},
	{Name: "organizations:TagResource", Why: "tag accounts (AWS also requires it of CreateAccount with tags), and write apply's lease on the root"},
	{Name: "organizations:UntagResource", Why: "release apply's lease: remove its tag from the root"},
	{Name: "organizations:CreatePolicy", Why: "create the guardrail policies"},
	{Name: "organizations:UpdatePolicy", Why: "update a guardrail whose content differs from the design's"},
	{Name: "organizations:AttachPolicy", Why: "attach guardrails to the root, OUs and accounts"},
	{Name: "organizations:DetachPolicy", Why: "detach an orgwizard- guardrail the design no longer wants"},

	// The account quota check before creating accounts.
	{Name: "servicequotas:GetServiceQuota", Why: "read the organization's account quota"},
	{Name: "servicequotas:GetAWSDefaultServiceQuota", Why: "read the default quota when the applied one is not available"},

	// Saying which account the target is.
	{Name: "sts:GetCallerIdentity", Why: "show which account the credentials act as (AWS allows it without permission; listed so the policy reads complete)"},

	// The inventory: read-only listings in every enabled region.
	{Name: "ec2:DescribeRegions", Why: "find the account's enabled regions, which the inventory sweeps"},
	{Name: "ec2:DescribeInstances", Why: "inventory: EC2 instances"},
	{Name: "ec2:DescribeVolumes", Why: "inventory: EBS volumes"},
	{Name: "ec2:DescribeVpcs", Why: "inventory: VPCs other than the default ones"},
	{Name: "s3:ListAllMyBuckets", Why: "inventory: S3 buckets (ListBuckets) with their regions"},
	{Name: "s3:GetBucketLocation", Why: "inventory: a bucket's region where ListBuckets leaves it out",
		NotInSandbox: "the sandbox, like AWS today, always answers BucketRegion"},
	{Name: "rds:DescribeDBInstances", Why: "inventory: RDS instances"},
	{Name: "rds:DescribeDBClusters", Why: "inventory: RDS and Aurora clusters"},
	{Name: "lambda:ListFunctions", Why: "inventory: Lambda functions"},
	{Name: "dynamodb:ListTables", Why: "inventory: DynamoDB tables"},
	{Name: "ecs:ListClusters", Why: "inventory: ECS clusters"},
	{Name: "eks:ListClusters", Why: "inventory: EKS clusters"},
	{Name: "cloudfront:ListDistributions", Why: "inventory: CloudFront distributions"},
	{Name: "route53:ListHostedZones", Why: "inventory: Route 53 hosted zones"},
	{Name: "iam:ListUsers", Why: "inventory: IAM users; audit: the management account's IAM users, whom people should not sign in as"},
	{Name: "iam:ListAccessKeys", Why: "inventory: which IAM users hold long-lived access keys; audit: which of those keys are active"},
	{Name: "iam:GetLoginProfile", Why: "audit: which IAM users of the management account have a console password"},
	{Name: "tag:GetResources", Why: "inventory: tagged resources of every region (all there is where Resource Explorer has no index), and their tags"},
	{Name: "resource-explorer-2:ListIndexes", Why: "inventory: find the regions where Resource Explorer has an index"},
	{Name: "resource-explorer-2:Search", Why: "inventory: every indexed resource of a region with a Resource Explorer index, searched from the aggregator's region"},

	// Way out (a): a new management account invites the old one.
	{Name: "organizations:InviteAccountToOrganization", Why: "migrate new-management: invite the old account into the new organization"},
	{Name: "organizations:ListHandshakesForOrganization", Why: "migrate new-management: find an invitation already sent, so a re-run sends none"},
	{
		Name: "organizations:ListAccounts", Why: "migrate new-management (old account): list the members of an organization the old account manages, to explain what must happen first; apply: AWS lists the organization's accounts as orgwizard when GuardDuty's delegated administrator is named and when the organization trail is created",
		OnBehalf: []Need{{By: "guardduty:EnableOrganizationAdminAccount", Source: guardDutyAdminPage}, {By: "cloudtrail:CreateTrail", Source: orgTrailPage}},
	},
	{Name: "organizations:AcceptHandshake", Why: "migrate new-management (old account): accept the invitation"},
	{
		Name: "iam:GetRole", Why: "migrate new-management (old account): see whether OrganizationAccountAccessRole exists; apply: CloudTrail reads the service-linked roles as orgwizard when it creates the organization trail (those roles only)",
		Resource: accessRoleARN,
		OnBehalf: []Need{{By: "cloudtrail:CreateTrail", Source: orgTrailPage, Resource: serviceLinkedRoles}},
	},
	{Name: "iam:CreateRole", Why: "migrate new-management (old account): create OrganizationAccountAccessRole, which invited accounts lack", Resource: accessRoleARN},
	{
		Name: "iam:AttachRolePolicy", Why: "migrate new-management (old account): give that role AdministratorAccess, as AWS gives it in accounts it creates",
		Resource:  accessRoleARN,
		Condition: map[string]map[string]string{"ArnEquals": {"iam:PolicyARN": migrate.AdministratorAccess}},
	},
	{Name: "sts:AssumeRole", Why: "migrate new-management: check that the new management account can enter the old one; plan, apply, audit: enter log-archive and security-tooling, where the security baseline's bucket, GuardDuty, Security Hub and analyzers are (audit only reads there, but the role is AdministratorAccess in those accounts)", Resource: accessRoleARN},
	{
		Name: "sts:AssumeRoot", Why: "audit: open a root session in each member account, scoped by AWS's IAMAuditRootUserCredentials task policy (it only lists the root user's password, access keys, signing certificates and MFA devices), to list the accounts that still have root credentials",
		Condition: map[string]map[string]string{"StringEquals": {"sts:TaskPolicyArn": rootcreds.AuditTaskPolicyARN("aws")}},
	},

	// The cost view (costs): what each account costs, read by the payer.
	{Name: "ce:GetCostAndUsage", Why: "costs: each account's spend per day (one request grouped by linked account, every page); audit: the management account's own spend this month (one request)"},
	{Name: "ce:GetCostForecast", Why: "costs: AWS's forecast for the rest of the current month"},

	// Budgets and cost categories (plan and apply of a design with budgets).
	{Name: "budgets:ViewBudget", Why: "plan, apply: read the management account's budgets and the alerts of orgwizard's own; audit: every member account has a budget, none over its limit; the wizard's costs screen: each budget's use (DescribeBudgets, DescribeNotificationsForBudget)"},
	{Name: "budgets:ModifyBudget", Why: "create and update orgwizard's budgets (orgwizard-...), add their alerts and subscribers (CreateBudget, UpdateBudget, CreateNotification, CreateSubscriber); never deletes"},
	{Name: "ce:ListCostCategoryDefinitions", Why: "find orgwizard's cost categories (orgwizard-workload, -environment, -residency)"},
	{Name: "ce:DescribeCostCategoryDefinition", Why: "read the rules of orgwizard's cost categories, to compare them with the design"},
	{Name: "ce:CreateCostCategoryDefinition", Why: "create orgwizard's cost categories"},
	{Name: "ce:UpdateCostCategoryDefinition", Why: "update an orgwizard cost category whose accounts differ from the design's"},

	// IAM Identity Center (plan and apply of a design with access). AWS
	// provisions the roles in member accounts through its service-linked
	// role; an assignment in the management account itself takes IAM
	// permissions this policy does not give (AWS: "Delegate who can assign
	// single sign-on access to users and groups in the management account").
	{Name: "sso:ListInstances", Why: "find the organization's Identity Center instance, in the home region or another enabled one"},
	{Name: "sso:ListPermissionSets", Why: "list the instance's permission sets, matched to the design's by name"},
	{Name: "sso:DescribePermissionSet", Why: "read a permission set's name, description and session duration"},
	{Name: "sso:ListManagedPoliciesInPermissionSet", Why: "read the AWS managed policies of a permission set, and check an attachment that answered ConflictException"},
	{Name: "sso:GetInlinePolicyForPermissionSet", Why: "read a permission set's inline policy, to compare it with the design's"},
	{Name: "sso:ListTagsForResource", Why: "tell orgwizard's permission sets (managed-by=orgwizard), the only ones whose assignments it ever removes"},
	{Name: "sso:ListAccountsForProvisionedPermissionSet", Why: "find the accounts a permission set is provisioned to, and those where it is out of date"},
	{Name: "sso:ListAccountAssignments", Why: "list the assignments in the design's accounts, and find one whose request went unanswered"},
	{Name: "sso:ListAccountAssignmentCreationStatus", Why: "find assignments AWS is still making, so that none is asked for twice"},
	{Name: "sso:ListAccountAssignmentDeletionStatus", Why: "find assignments AWS is still removing"},
	{Name: "sso:DescribeAccountAssignmentCreationStatus", Why: "wait for an assignment to be made (AWS makes it asynchronously)"},
	{Name: "sso:DescribeAccountAssignmentDeletionStatus", Why: "wait for an assignment to be removed"},
	{Name: "sso:CreatePermissionSet", Why: "create the design's permission sets, tagged managed-by=orgwizard"},
	{Name: "sso:UpdatePermissionSet", Why: "set the description and session duration of orgwizard's permission sets"},
	{Name: "sso:AttachManagedPolicyToPermissionSet", Why: "give orgwizard's permission sets the design's AWS managed policies"},
	{Name: "sso:DetachManagedPolicyFromPermissionSet", Why: "take from orgwizard's permission sets a managed policy the design no longer has"},
	{Name: "sso:PutInlinePolicyToPermissionSet", Why: "set the design's inline policy on orgwizard's permission sets"},
	{Name: "sso:DeleteInlinePolicyFromPermissionSet", Why: "remove an inline policy the design no longer has from orgwizard's permission sets"},
	{Name: "sso:ProvisionPermissionSet", Why: "bring a changed or out of date permission set to the accounts it is provisioned to"},
	{Name: "sso:DescribePermissionSetProvisioningStatus", Why: "wait for a provisioning to finish"},
	{Name: "sso:ListPermissionSetProvisioningStatus", Why: "find a provisioning whose request went unanswered before sending another"},
	{Name: "sso:CreateAccountAssignment", Why: "give the design's groups their permission sets in member accounts"},
	{Name: "sso:DeleteAccountAssignment", Why: "remove an assignment of an orgwizard permission set the design no longer grants (nothing else is ever deleted)"},
	{Name: "identitystore:ListGroups", Why: "list the directory's groups, matched to the design's by name"},
	{Name: "identitystore:ListUsers", Why: "list the directory's users, matched to the design's members by user name"},
	{Name: "identitystore:ListGroupMemberships", Why: "read each group's members"},
	{Name: "identitystore:CreateGroup", Why: "create the design's groups"},
	{Name: "identitystore:UpdateGroup", Why: "set a group's description"},
	{Name: "identitystore:GetGroupId", Why: "adopt a group of the design's name that exists (an interrupted apply's)"},
	{Name: "identitystore:CreateUser", Why: "create the design's members as users of the directory"},
	{Name: "identitystore:GetUserId", Why: "adopt a user of that user name that exists (an interrupted apply's)"},
	{Name: "identitystore:CreateGroupMembership", Why: "add the design's members to their groups"},

	// The security baseline (plan and apply of a design with a baseline or
	// contacts block), from the management account; nothing is deleted.
	{Name: "organizations:ListAWSServiceAccessForOrganization", Why: "plan, apply: find the services that have trusted access already; AWS also requires it of whoever names GuardDuty's delegated administrator and creates an organization trail",
		OnBehalf: []Need{{By: "guardduty:EnableOrganizationAdminAccount", Source: guardDutyAdminPage}, {By: "cloudtrail:CreateTrail", Source: orgTrailPage}}},
	{Name: "organizations:EnableAWSServiceAccess", Why: "give trusted access to exactly the services the baseline uses (CloudTrail, GuardDuty, Security Hub, Access Analyzer, IAM, Account Management); AWS also requires it of whoever names GuardDuty's and Security Hub's delegated administrator and creates an organization trail",
		OnBehalf: []Need{{By: "guardduty:EnableOrganizationAdminAccount", Source: guardDutyAdminPage}, {By: "securityhub:EnableOrganizationAdminAccount", Source: securityHubAdminPage}, {By: "cloudtrail:CreateTrail", Source: orgTrailPage}}},
	{Name: "organizations:ListDelegatedAdministrators", Why: "plan, apply, audit: find the delegated administrator Organizations registers for Access Analyzer, GuardDuty and Security Hub (theirs in any region, the design's or not); AWS also requires it of whoever names GuardDuty's",
		OnBehalf: []Need{{By: "guardduty:EnableOrganizationAdminAccount", Source: guardDutyAdminPage}}},
	{Name: "organizations:RegisterDelegatedAdministrator", Why: "make security-tooling Access Analyzer's delegated administrator; GuardDuty and Security Hub register theirs through Organizations as orgwizard, so AWS requires it of them too (keep it for every service principal)",
		OnBehalf: []Need{{By: "guardduty:EnableOrganizationAdminAccount", Source: guardDutyAdminPage}, {By: "securityhub:EnableOrganizationAdminAccount", Source: securityHubAdminPage}}},
	{Name: "cloudtrail:GetTrail", Why: "plan, apply: read orgwizard's organization trail"},
	{Name: "cloudtrail:GetTrailStatus", Why: "plan, apply: whether the organization trail is logging"},
	{Name: "cloudtrail:CreateTrail", Why: "create the organization trail, into the log bucket in log-archive"},
	{Name: "cloudtrail:UpdateTrail", Why: "set the organization trail's settings and bucket when they differ from the design's"},
	{Name: "cloudtrail:StartLogging", Why: "start the organization trail"},
	{Name: "iam:ListOrganizationsFeatures", Why: "plan, apply: read which centralized root access features are on"},
	{Name: "iam:EnableOrganizationsRootCredentialsManagement", Why: "centralized root access: member accounts created by the organization get no root password"},
	{Name: "iam:EnableOrganizationsRootSessions", Why: "centralized root access: the management account can run the tasks that need a member's root user"},
	{Name: "account:GetAlternateContact", Why: "plan, apply: read each account's alternate contacts"},
	{Name: "account:PutAlternateContact", Why: "set the design's alternate contacts on every account, the management account included"},
	{Name: "guardduty:ListOrganizationAdminAccounts", Why: "plan, apply: find GuardDuty's delegated administrator in each region"},
	{Name: "guardduty:EnableOrganizationAdminAccount", Why: "make security-tooling GuardDuty's delegated administrator in each allowed region"},
	{Name: "guardduty:ListDetectors", Why: "apply: find the management account's own GuardDuty detector in each region, before enrolling it"},
	{Name: "guardduty:CreateDetector", Why: "turn GuardDuty on in the management account in a region where it is off: AWS enrols it as a member only once it has a detector there"},
	{Name: "guardduty:GetDetector", Why: "apply: whether the management account's own detector is on or suspended (status DISABLED), before enrolling it"},
	{Name: "guardduty:UpdateDetector", Why: "turn the management account's suspended GuardDuty detector back on (enable true) before enrolling it"},
	{Name: "securityhub:ListOrganizationAdminAccounts", Why: "plan, apply: find Security Hub's delegated administrator in each region"},
	{Name: "securityhub:EnableOrganizationAdminAccount", Why: "make security-tooling Security Hub's delegated administrator in each allowed region (baseline.securityHub)"},

	{
		Name: "organizations:DescribeOrganizationalUnit", Why: "GuardDuty reads the organization as orgwizard when security-tooling is made its delegated administrator", NotCalled: true,
		OnBehalf: []Need{{By: "guardduty:EnableOrganizationAdminAccount", Source: guardDutyAdminPage}},
	},
	{
		Name: "organizations:DescribeAccount", Why: "GuardDuty reads the organization as orgwizard when security-tooling is made its delegated administrator", NotCalled: true,
		OnBehalf: []Need{{By: "guardduty:EnableOrganizationAdminAccount", Source: guardDutyAdminPage}},
	},
	{
		Name: "iam:CreateServiceLinkedRole", NotCalled: true,
		Why: "AWS creates, as the caller, the service-linked role of Organizations when the organization is created, of GuardDuty when the management account's detector is, " +
			"and of CloudTrail for the organization trail; each only for that service's principal",
		OnBehalf: []Need{
			// The same page: "You can restrict this permission to only the
			// service principal organizations.amazonaws.com."
			{By: "organizations:CreateOrganization", Source: createOrgPage, Condition: serviceLinkedRoleFor("organizations.amazonaws.com")},
			{By: "guardduty:CreateDetector", Source: guardDutyRolePage, Condition: serviceLinkedRoleFor("guardduty.amazonaws.com")},
			{By: "cloudtrail:CreateTrail", Source: orgTrailPage, Condition: serviceLinkedRoleFor("cloudtrail.amazonaws.com")},
		},
	},
}

// The purposes the policy is offered for: one command's part each.
const (
	ForApply   = "apply"   // plan, apply, tree and export --live
	ForAudit   = "audit"   // audit: the checklist and the inventory
	ForMigrate = "migrate" // migrate new-management and migrate runbook
	ForCosts   = "costs"   // costs: the spend per workload
	ForAll     = "all"     // everything, the wizard included
)

// Purposes lists the purposes iam-policy --for takes.
var Purposes = []string{ForApply, ForAudit, ForMigrate, ForCosts, ForAll}

// readOrganization is what reading the organization calls (orgs.Client.Read),
// which every command that looks at the organization does.
var readOrganization = []string{
	"organizations:DescribeOrganization", "organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent",
	"organizations:ListAccountsForParent", "organizations:ListTagsForResource", "organizations:ListPolicies",
	"organizations:DescribePolicy", "organizations:ListTargetsForPolicy", "organizations:ListCreateAccountStatus",
}

// readIdentityCenter is what reading Identity Center calls
// (identitycenter.Client.Read), which plan and audit do.
var readIdentityCenter = []string{
	"sso:ListInstances", "sso:ListPermissionSets", "sso:DescribePermissionSet", "sso:ListManagedPoliciesInPermissionSet",
	"sso:GetInlinePolicyForPermissionSet", "sso:ListTagsForResource", "sso:ListAccountsForProvisionedPermissionSet",
	"sso:ListAccountAssignments", "sso:ListAccountAssignmentCreationStatus", "sso:ListAccountAssignmentDeletionStatus",
	"sso:DescribeAccountAssignmentCreationStatus", "sso:DescribeAccountAssignmentDeletionStatus",
	"identitystore:ListGroups", "identitystore:ListUsers", "identitystore:ListGroupMemberships",
}

// baselineActions are the security baseline's calls outside Organizations,
// which plan and apply make.
var baselineActions = []string{
	"cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:CreateTrail", "cloudtrail:UpdateTrail", "cloudtrail:StartLogging",
	"iam:ListOrganizationsFeatures", "iam:EnableOrganizationsRootCredentialsManagement", "iam:EnableOrganizationsRootSessions",
	"account:GetAlternateContact", "account:PutAlternateContact",
	"guardduty:ListOrganizationAdminAccounts", "guardduty:EnableOrganizationAdminAccount", "guardduty:ListDetectors", "guardduty:CreateDetector",
	"guardduty:GetDetector", "guardduty:UpdateDetector",
	"securityhub:ListOrganizationAdminAccounts", "securityhub:EnableOrganizationAdminAccount",
}

// baselineReads are the security baseline's reads from the management
// account (baseline.Client.Read), which audit makes too.
var baselineReads = []string{
	"organizations:ListAWSServiceAccessForOrganization", "organizations:ListDelegatedAdministrators",
	"cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "iam:ListOrganizationsFeatures", "account:GetAlternateContact",
	"guardduty:ListOrganizationAdminAccounts", "securityhub:ListOrganizationAdminAccounts",
}

// CalledIn returns the purposes whose commands call an action themselves
// (ForAll aside); none for an action orgwizard never calls (NotCalled) or
// does not list.
func CalledIn(name string) []string {
	if a, ok := action(name); !ok || a.NotCalled {
		return nil
	}
	service, _, _ := strings.Cut(name, ":")
	switch {
	case name == "sts:GetCallerIdentity":
		return []string{ForApply, ForAudit, ForMigrate, ForCosts}
	case name == "ce:GetCostAndUsage":
		// audit reads the management account's own spend this month.
		return []string{ForAudit, ForCosts}
	case name == "ce:GetCostForecast":
		return []string{ForCosts}
	case name == "budgets:ViewBudget":
		// audit checks every account has a budget, and none is over.
		return []string{ForApply, ForAudit}
	case slices.Contains(readIdentityCenter, name):
		// audit reads Identity Center as plan does (identitycenter.Read):
		// is it on, and which groups reach which accounts.
		return []string{ForApply, ForAudit}
	case service == "ce" || service == "budgets" || service == "sso" || service == "identitystore":
		return []string{ForApply}
	case name == "iam:GetLoginProfile":
		// audit alone asks how people sign in; the runbook moves resources.
		return []string{ForAudit}
	case name == "ec2:DescribeRegions":
		// apply looks for Identity Center in the enabled regions.
		return []string{ForApply, ForAudit, ForMigrate}
	case slices.Contains(readOrganization, name):
		return []string{ForApply, ForAudit, ForMigrate}
	case slices.Contains([]string{"organizations:CreateOrganization", "organizations:CreateOrganizationalUnit", "organizations:MoveAccount"}, name):
		// migrate new-management creates the organization in the new
		// account and its Transitional OU, and moves the old account there.
		return []string{ForApply, ForMigrate}
	case name == "organizations:ListAccounts":
		// migrate reads an old organization's members (apply's GuardDuty
		// administrator and organization trail need it on their behalf).
		return []string{ForMigrate}
	case name == "sts:AssumeRole":
		// migrate enters the old account; plan, apply and audit,
		// log-archive and security-tooling for the security baseline.
		return []string{ForApply, ForAudit, ForMigrate}
	case name == "sts:AssumeRoot":
		// audit lists the member accounts' root credentials.
		return []string{ForAudit}
	case slices.Contains(baselineReads, name):
		// audit reads the baseline as plan does.
		return []string{ForApply, ForAudit}
	case slices.Contains([]string{"organizations:InviteAccountToOrganization", "organizations:ListHandshakesForOrganization",
		"organizations:AcceptHandshake", "iam:GetRole", "iam:CreateRole", "iam:AttachRolePolicy"}, name):
		return []string{ForMigrate}
	case slices.Contains(baselineActions, name):
		return []string{ForApply}
	case service == "organizations" || service == "servicequotas":
		return []string{ForApply}
	default:
		// The inventory: audit shows it, migrate runbook moves it.
		return []string{ForAudit, ForMigrate}
	}
}

// PurposesOf returns the purposes an action serves (ForAll aside): those
// that call it, and those that call what AWS needs it for (OnBehalf).
func PurposesOf(name string) []string {
	out := CalledIn(name)
	if a, ok := action(name); ok {
		for _, n := range a.OnBehalf {
			for _, p := range CalledIn(n.By) {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// NeedsIn returns the OnBehalf needs of a that hold in purpose: those whose
// call the purpose's commands make (every one for ForAll).
func (a Action) NeedsIn(purpose string) []Need {
	var out []Need
	for _, n := range a.OnBehalf {
		if purpose == ForAll || slices.Contains(CalledIn(n.By), purpose) {
			out = append(out, n)
		}
	}
	return out
}

func action(name string) (Action, bool) {
	for _, a := range Actions {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// For returns the actions of one purpose (all of them for ForAll).
func For(purpose string) []Action {
	var out []Action
	for _, a := range Actions {
		if purpose == ForAll || slices.Contains(PurposesOf(a.Name), purpose) {
			out = append(out, a)
		}
	}
	return out
}

// Names returns the names of all actions, sorted.
func Names() []string {
	names := make([]string, len(Actions))
	for i, a := range Actions {
		names[i] = a.Name
	}
	slices.Sort(names)
	return names
}

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document.
type Statement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Action    []string                     `json:"Action"`
	Resource  Values                       `json:"Resource"`
	Condition map[string]map[string]Values `json:"Condition,omitempty"`
}

// Values is a policy element that holds one string or several: written as
// a string when it is one, as IAM's own examples do, and read either way.
type Values []string

// MarshalJSON writes one value as a string, several as an array.
func (v Values) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]string(v))
}

// UnmarshalJSON reads a string or an array of strings.
func (v *Values) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*v = Values{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("a policy value is a string or an array of strings: %w", err)
	}
	*v = many
	return nil
}

// MaxManagedPolicySize is IAM's limit on a customer managed policy: 6,144
// characters, whitespace not counted (IAM and AWS STS quotas).
const MaxManagedPolicySize = 6144

// Size is the length of a policy as IAM counts it against
// MaxManagedPolicySize: its characters but whitespace.
func Size(policy []byte) int {
	n := 0
	for _, r := range string(policy) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// Policy returns the policy: the actions on every resource without a
// condition in two statements, one that only reads (Read) and one that
// changes (Change), and one statement per action narrowed to a resource or
// by a condition, named by its service and operation. Resource is "*" but
// for the access role migrate creates and the service-linked roles
// CloudTrail reads: the organization's id, in every Organizations ARN, does
// not exist before orgwizard creates it, and the read operations take no
// resource at all. Two statements hold every plain action so that the whole
// policy stays within MaxManagedPolicySize.
func Policy() Document { return PolicyFor(ForAll) }

// grant is what one statement allows an action on.
type grant struct {
	resources Values
	condition map[string]map[string]Values
}

// grantsIn returns what the policy for purpose allows a on: for its own
// calls, and for each call it is needed on behalf of, merged where one
// statement can say both without allowing more than each.
func (a Action) grantsIn(purpose string) []grant {
	var gs []grant
	add := func(resource string, cond map[string]map[string]string) {
		if resource == "" {
			resource = "*"
		}
		g := grant{resources: Values{resource}}
		if cond != nil {
			g.condition = map[string]map[string]Values{}
			for op, kv := range cond {
				g.condition[op] = map[string]Values{}
				for k, v := range kv {
					g.condition[op][k] = Values{v}
				}
			}
		}
		gs = append(gs, g)
	}
	if !a.NotCalled && (purpose == ForAll || slices.Contains(CalledIn(a.Name), purpose)) {
		add(a.Resource, a.Condition)
	}
	for _, n := range a.NeedsIn(purpose) {
		add(n.Resource, n.Condition)
	}
	// Anything on every resource without a condition holds all the rest.
	for _, g := range gs {
		if g.condition == nil && slices.Equal(g.resources, Values{"*"}) {
			return []grant{g}
		}
	}
	// The same condition: one statement, the resources of both.
	var merged []grant
	for _, g := range gs {
		i := slices.IndexFunc(merged, func(m grant) bool { return reflect.DeepEqual(m.condition, g.condition) })
		if i < 0 {
			merged = append(merged, g)
			continue
		}
		if !slices.Contains(merged[i].resources, g.resources[0]) {
			merged[i].resources = append(merged[i].resources, g.resources[0])
		}
	}
	// The same resources and one condition key told different values: one
	// statement, the values of both (IAM ORs a key's values).
	var out []grant
	for _, g := range merged {
		i := slices.IndexFunc(out, func(m grant) bool { return slices.Equal(m.resources, g.resources) && sameKey(m.condition, g.condition) })
		if i < 0 {
			out = append(out, g)
			continue
		}
		for op, kv := range g.condition {
			for k, vs := range kv {
				for _, v := range vs {
					if !slices.Contains(out[i].condition[op][k], v) {
						out[i].condition[op][k] = append(out[i].condition[op][k], v)
					}
				}
			}
		}
	}
	for _, g := range out {
		slices.Sort(g.resources)
		for _, kv := range g.condition {
			for _, vs := range kv {
				slices.Sort(vs)
			}
		}
	}
	return out
}

// sameKey reports whether two conditions test one key with one operator.
func sameKey(a, b map[string]map[string]Values) bool {
	if len(a) != 1 || len(b) != 1 {
		return false
	}
	for op, kv := range a {
		if len(kv) != 1 || len(b[op]) != 1 {
			return false
		}
		for k := range kv {
			_, ok := b[op][k]
			return ok
		}
	}
	return false
}

// PolicyFor is Policy narrowed to one purpose.
func PolicyFor(purpose string) Document {
	bySid := map[string]*Statement{}
	var order []string
	put := func(sid, name string, g grant) {
		s, ok := bySid[sid]
		if !ok {
			s = &Statement{Sid: sid, Effect: "Allow", Resource: g.resources, Condition: g.condition}
			bySid[sid] = s
			order = append(order, sid)
		}
		s.Action = append(s.Action, name)
	}
	for _, a := range For(purpose) {
		service, op, _ := strings.Cut(a.Name, ":")
		gs := a.grantsIn(purpose)
		switch {
		case len(gs) == 1 && gs[0].condition == nil && slices.Equal(gs[0].resources, Values{"*"}) && readOnly(op):
			put("Read", a.Name, gs[0])
		case len(gs) == 1 && gs[0].condition == nil && slices.Equal(gs[0].resources, Values{"*"}):
			put("Change", a.Name, gs[0])
		default:
			for i, g := range gs {
				sid := titleCase(service) + op
				if i > 0 {
					sid += strconv.Itoa(i + 1)
				}
				put(sid, a.Name, g)
			}
		}
	}
	slices.Sort(order)
	doc := Document{Version: "2012-10-17"}
	for _, sid := range order {
		s := bySid[sid]
		slices.Sort(s.Action)
		doc.Statement = append(doc.Statement, *s)
	}
	return doc
}

// JSON returns the policy as indented JSON, ready for aws iam create-policy.
func JSON() ([]byte, error) { return JSONFor(ForAll) }

// JSONFor is JSON narrowed to one purpose.
func JSONFor(purpose string) ([]byte, error) {
	b, err := json.MarshalIndent(PolicyFor(purpose), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// readOnly reports whether an operation only reads, by AWS's naming.
func readOnly(op string) bool {
	for _, p := range []string{"Describe", "List", "Get", "Search", "View"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

var sidNames = map[string]string{"organizations": "Organizations", "servicequotas": "ServiceQuotas", "sts": "STS", "iam": "IAM",
	"ec2": "EC2", "s3": "S3", "rds": "RDS", "dynamodb": "DynamoDB", "ecs": "ECS", "eks": "EKS", "cloudfront": "CloudFront",
	"route53": "Route53", "tag": "Tagging", "resource-explorer-2": "ResourceExplorer", "ce": "CostExplorer", "budgets": "Budgets",
	"sso": "IdentityCenter", "identitystore": "IdentityStore",
	"cloudtrail": "CloudTrail", "guardduty": "GuardDuty", "securityhub": "SecurityHub", "account": "Account"}

func titleCase(service string) string {
	if s, ok := sidNames[service]; ok {
		return s
	}
	return strings.ToUpper(service[:1]) + service[1:]
}
