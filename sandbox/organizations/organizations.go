package organizations

import (
	"encoding/json"
	"regexp"
	"slices"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// AWS's published Organizations limits the sandbox enforces.
const (
	maxConcurrentCreations = 5    // account creations in progress per organization
	maxOUDepth             = 5    // OU levels below the root
	MaxOUs                 = 2000 // OUs per organization
	maxPoliciesPerTarget   = 10   // of one type, FullAWSAccess included
	MaxPoliciesPerType     = 1000
	maxTagsPerResource     = 50
	handshakeLifetime      = 15 * 24 * time.Hour
	fullAWSAccessID        = "p-FullAWSAccess"
	defaultAccessRole      = "OrganizationAccountAccessRole"
	SCPType                = "SERVICE_CONTROL_POLICY"
)

// maxPolicySize is the content limit per policy type, in characters as sent.
var maxPolicySize = map[string]int{
	"SERVICE_CONTROL_POLICY":    10240, // raised from 5,120 on 2026-05-15 (AWS Organizations quotas)
	"RESOURCE_CONTROL_POLICY":   5120,
	"TAG_POLICY":                10000,
	"BACKUP_POLICY":             10000,
	"AISERVICES_OPT_OUT_POLICY": 2500,
	"CHATBOT_POLICY":            10000,
	"DECLARATIVE_POLICY_EC2":    10000,
}

var (
	emailPattern     = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	namePattern      = regexp.MustCompile(`^[\x20-\x7E]+$`)
	roleNamePattern  = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
	rootIDPattern    = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	ouIDPattern      = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	policyIDPattern  = regexp.MustCompile(`^p-[0-9a-zA-Z_]{8,128}$`)
	statusIDPattern  = regexp.MustCompile(`^car-[a-z0-9]{8,32}$`)
	handshakePattern = regexp.MustCompile(`^h-[0-9a-z]{8,32}$`)
)

// orgInput holds every request member the served operations use; each
// operation reads the ones it defines.
type orgInput struct {
	FeatureSet             string
	AccountId              string
	AccountName            string
	Email                  string
	RoleName               string
	IamUserAccessToBilling string
	Tags                   []tag
	CreateAccountRequestId string
	States                 []string
	NextToken              *string
	MaxResults             *int
	ParentId               string
	Name                   *string
	Description            *string
	Content                *string
	OrganizationalUnitId   string
	ChildType              string
	ChildId                string
	SourceParentId         string
	DestinationParentId    string
	ResourceId             string
	TagKeys                []string
	Type                   string
	PolicyId               string
	TargetId               string
	Filter                 json.RawMessage
	RootId                 string
	PolicyType             string
	Target                 *struct{ Id, Type string }
	Notes                  string
	HandshakeId            string
	ServicePrincipal       string
}

type tag struct {
	Key   string
	Value string
}

type accountOut struct {
	Id              string
	Arn             string
	Email           string
	Name            string
	Status          string
	State           string
	JoinedMethod    string
	JoinedTimestamp *core.Epoch
}

type policyTypeOut struct{ Type, Status string }

type rootOut struct {
	Id          string
	Arn         string
	Name        string
	PolicyTypes []policyTypeOut
}

type ouOut struct{ Id, Arn, Name string }

type policySummary struct {
	Id, Arn, Name, Description, Type string
	AwsManaged                       bool
}

type createStatusOut struct {
	Id                 string
	AccountName        string
	State              string
	RequestedTimestamp *core.Epoch
	CompletedTimestamp *core.Epoch `json:",omitempty"`
	AccountId          string      `json:",omitempty"`
	FailureReason      string      `json:",omitempty"`
}

type partyOut struct{ Id, Type string }

type resourceOut struct {
	Value     string
	Type      string
	Resources []resourceOut `json:",omitempty"`
}

type handshakeOut struct {
	Id                  string
	Arn                 string
	Parties             []partyOut
	State               string
	RequestedTimestamp  *core.Epoch
	ExpirationTimestamp *core.Epoch
	Action              string
	Resources           []resourceOut
}

type idType struct{ Id, Type string }

type targetOut struct{ TargetId, Arn, Name, Type string }

type orgOp func(s *Service, c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error)

// orgOps is every Organizations operation the sandbox serves.
var orgOps map[string]orgOp

func init() {
	orgOps = map[string]orgOp{
		"CreateOrganization":                  (*Service).createOrganization,
		"DescribeOrganization":                (*Service).describeOrganization,
		"DeleteOrganization":                  (*Service).deleteOrganization,
		"ListRoots":                           (*Service).listRoots,
		"EnablePolicyType":                    (*Service).enablePolicyType,
		"DisablePolicyType":                   (*Service).disablePolicyType,
		"CreateOrganizationalUnit":            (*Service).createOU,
		"DescribeOrganizationalUnit":          (*Service).describeOU,
		"UpdateOrganizationalUnit":            (*Service).updateOU,
		"DeleteOrganizationalUnit":            (*Service).deleteOU,
		"ListOrganizationalUnitsForParent":    (*Service).listOUsForParent,
		"ListChildren":                        (*Service).listChildren,
		"ListParents":                         (*Service).listParents,
		"ListAccounts":                        (*Service).listAccounts,
		"ListAccountsForParent":               (*Service).listAccountsForParent,
		"DescribeAccount":                     (*Service).describeAccount,
		"CreateAccount":                       (*Service).createAccount,
		"DescribeCreateAccountStatus":         (*Service).describeCreateAccountStatus,
		"ListCreateAccountStatus":             (*Service).listCreateAccountStatus,
		"MoveAccount":                         (*Service).moveAccount,
		"RemoveAccountFromOrganization":       (*Service).removeAccount,
		"TagResource":                         (*Service).tagResource,
		"UntagResource":                       (*Service).untagResource,
		"ListTagsForResource":                 (*Service).listTagsForResource,
		"CreatePolicy":                        (*Service).createPolicy,
		"UpdatePolicy":                        (*Service).updatePolicy,
		"DescribePolicy":                      (*Service).describePolicy,
		"DeletePolicy":                        (*Service).deletePolicy,
		"ListPolicies":                        (*Service).listPolicies,
		"ListPoliciesForTarget":               (*Service).listPoliciesForTarget,
		"ListTargetsForPolicy":                (*Service).listTargetsForPolicy,
		"AttachPolicy":                        (*Service).attachPolicy,
		"DetachPolicy":                        (*Service).detachPolicy,
		"InviteAccountToOrganization":         (*Service).inviteAccount,
		"AcceptHandshake":                     (*Service).acceptHandshake,
		"DeclineHandshake":                    (*Service).declineHandshake,
		"DescribeHandshake":                   (*Service).describeHandshake,
		"ListHandshakesForAccount":            (*Service).listHandshakesForAccount,
		"ListHandshakesForOrganization":       (*Service).listHandshakesForOrganization,
		"EnableAWSServiceAccess":              (*Service).enableServiceAccess,
		"DisableAWSServiceAccess":             (*Service).disableServiceAccess,
		"ListAWSServiceAccessForOrganization": (*Service).listServiceAccess,
	}
}

// Operations lists the Organizations operations the sandbox serves.
func Operations() []string {
	ops := make([]string, 0, len(orgOps))
	for op := range orgOps {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// Known says whether the sandbox serves op.
func Known(op string) bool { return orgOps[op] != nil }

// Serve runs one Organizations operation for the caller. It runs under the
// sandbox's lock and reports whether the state changed.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
	fn := orgOps[op]
	if fn == nil {
		return nil, false, core.Errf("UnknownOperationException", "The sandbox does not serve the Organizations operation %q.", op)
	}
	var in orgInput
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, false, core.Errf("SerializationException", "Start of structure or map found where not expected: %v", err)
		}
	}
	return fn(s, c, &in, now)
}
