// Package iampolicy is the least-privilege IAM policy orgwizard needs on an
// AWS target: the actions its adapters can call, and the few AWS requires on
// their behalf, nothing more. The list is written out by hand, so that a
// security reviewer reads one place with a reason per action; its tests hold
// it to the adapter interfaces (every method, and only those) and to the
// calls a real apply makes.
package iampolicy

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/aws/orgs"
)

// Adapter is one interface through which orgwizard calls an AWS service.
// Every method of it is an operation whose IAM action is Service:Method.
type Adapter struct {
	Service string       // the IAM service prefix, also the signing name
	API     reflect.Type // the interface type
}

// Adapters are every interface orgwizard calls AWS through. A feature that
// calls another service adds its interface here and its actions to Actions;
// the tests then insist the two agree.
var Adapters = []Adapter{
	{Service: "organizations", API: reflect.TypeFor[orgs.API]()},
	{Service: "servicequotas", API: reflect.TypeFor[orgs.QuotaAPI]()},
	{Service: "sts", API: reflect.TypeFor[CallerIdentityAPI]()},
}

// CallerIdentityAPI is the STS operation aws/target calls to learn whose
// credentials are in use (it calls the SDK client directly; this interface
// names the operation for the policy, and the sandbox test checks the claim).
type CallerIdentityAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ CallerIdentityAPI = (*sts.Client)(nil)

// Action is one IAM action the policy allows, and why.
type Action struct {
	Name string // service:Operation
	Why  string
	// ImpliedBy names the action of orgwizard's whose call makes AWS need
	// this one too, for actions orgwizard never calls itself; Source is
	// where AWS says so.
	ImpliedBy string
	Source    string
	// Condition narrows the statement that allows the action.
	Condition map[string]map[string]string
}

// Actions is the whole policy, one entry per action.
var Actions = []Action{
	// Reading the organization (orgs.Client.Read and the apply engine).
	{Name: "organizations:DescribeOrganization", Why: "find the organization, its management account and feature set"},
	{Name: "organizations:ListRoots", Why: "find the root and whether service control policies are enabled"},
	{Name: "organizations:ListOrganizationalUnitsForParent", Why: "walk the OU tree"},
	{Name: "organizations:ListAccountsForParent", Why: "list the accounts in each OU"},
	{Name: "organizations:ListTagsForResource", Why: "read account tags, to set only missing or changed ones"},
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
	{Name: "organizations:TagResource", Why: "tag accounts; AWS also requires it of CreateAccount with tags"},
	{Name: "organizations:CreatePolicy", Why: "create the guardrail policies"},
	{Name: "organizations:UpdatePolicy", Why: "update a guardrail whose content differs from the design's"},
	{Name: "organizations:AttachPolicy", Why: "attach guardrails to the root, OUs and accounts"},
	{Name: "organizations:DetachPolicy", Why: "detach an orgwizard- guardrail the design no longer wants"},

	// The account quota check before creating accounts.
	{Name: "servicequotas:GetServiceQuota", Why: "read the organization's account quota"},
	{Name: "servicequotas:GetAWSDefaultServiceQuota", Why: "read the default quota when the applied one is not available"},

	// Saying which account the target is.
	{Name: "sts:GetCallerIdentity", Why: "show which account the credentials act as (AWS allows it without permission; listed so the policy reads complete)"},

	{
		Name:      "iam:CreateServiceLinkedRole",
		Why:       "AWS creates the AWSServiceRoleForOrganizations role when the organization is created, as the caller",
		ImpliedBy: "organizations:CreateOrganization",
		Source:    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_create.html",
		// The same page: "You can restrict this permission to only the
		// service principal organizations.amazonaws.com."
		Condition: map[string]map[string]string{"StringEquals": {"iam:AWSServiceName": "organizations.amazonaws.com"}},
	},
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
	Resource  string                       `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// Policy returns the policy: one statement for reading and one for changing
// each service, and one per conditioned action. Resource is "*" throughout:
// the organization's id, in every Organizations ARN, does not exist before
// orgwizard creates it, and the read operations take no resource at all.
func Policy() Document {
	bySid := map[string]*Statement{}
	var order []string
	for _, a := range Actions {
		service, op, _ := strings.Cut(a.Name, ":")
		sid := titleCase(service)
		switch {
		case a.Condition != nil:
			sid += op
		case readOnly(op):
			sid += "Read"
		default:
			sid += "Write"
		}
		s, ok := bySid[sid]
		if !ok {
			s = &Statement{Sid: sid, Effect: "Allow", Resource: "*", Condition: a.Condition}
			bySid[sid] = s
			order = append(order, sid)
		}
		s.Action = append(s.Action, a.Name)
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
func JSON() ([]byte, error) {
	b, err := json.MarshalIndent(Policy(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// readOnly reports whether an operation only reads, by AWS's naming.
func readOnly(op string) bool {
	for _, p := range []string{"Describe", "List", "Get"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

var sidNames = map[string]string{"organizations": "Organizations", "servicequotas": "ServiceQuotas", "sts": "STS", "iam": "IAM"}

func titleCase(service string) string {
	if s, ok := sidNames[service]; ok {
		return s
	}
	return strings.ToUpper(service[:1]) + service[1:]
}
