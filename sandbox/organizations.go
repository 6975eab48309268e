package sandbox

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// AWS's published Organizations limits the sandbox enforces.
const (
	maxConcurrentCreations = 5    // account creations in progress per organization
	maxOUDepth             = 5    // OU levels below the root
	maxOUs                 = 2000 // OUs per organization
	maxPoliciesPerTarget   = 10   // of one type, FullAWSAccess included
	maxPoliciesPerType     = 1000
	maxTagsPerResource     = 50
	handshakeLifetime      = 15 * 24 * time.Hour
	fullAWSAccessID        = "p-FullAWSAccess"
	defaultAccessRole      = "OrganizationAccountAccessRole"
	scpType                = "SERVICE_CONTROL_POLICY"
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

// epoch is a timestamp as awsJson1_1 sends it: seconds since 1970 as a number.
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(e).UnixMilli())/1000, 'f', 3, 64)), nil
}

func ts(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

type accountOut struct {
	Id              string
	Arn             string
	Email           string
	Name            string
	Status          string
	State           string
	JoinedMethod    string
	JoinedTimestamp *epoch
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
	RequestedTimestamp *epoch
	CompletedTimestamp *epoch `json:",omitempty"`
	AccountId          string `json:",omitempty"`
	FailureReason      string `json:",omitempty"`
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
	RequestedTimestamp  *epoch
	ExpirationTimestamp *epoch
	Action              string
	Resources           []resourceOut
}

type idType struct{ Id, Type string }

type targetOut struct{ TargetId, Arn, Name, Type string }

type orgOp func(s *Sandbox, c *caller, in *orgInput, now time.Time) (any, bool, *awsError)

// orgOps is every Organizations operation the sandbox serves.
var orgOps map[string]orgOp

func init() {
	orgOps = map[string]orgOp{
		"CreateOrganization":                  (*Sandbox).createOrganization,
		"DescribeOrganization":                (*Sandbox).describeOrganization,
		"DeleteOrganization":                  (*Sandbox).deleteOrganization,
		"ListRoots":                           (*Sandbox).listRoots,
		"EnablePolicyType":                    (*Sandbox).enablePolicyType,
		"DisablePolicyType":                   (*Sandbox).disablePolicyType,
		"CreateOrganizationalUnit":            (*Sandbox).createOU,
		"DescribeOrganizationalUnit":          (*Sandbox).describeOU,
		"UpdateOrganizationalUnit":            (*Sandbox).updateOU,
		"DeleteOrganizationalUnit":            (*Sandbox).deleteOU,
		"ListOrganizationalUnitsForParent":    (*Sandbox).listOUsForParent,
		"ListChildren":                        (*Sandbox).listChildren,
		"ListParents":                         (*Sandbox).listParents,
		"ListAccounts":                        (*Sandbox).listAccounts,
		"ListAccountsForParent":               (*Sandbox).listAccountsForParent,
		"DescribeAccount":                     (*Sandbox).describeAccount,
		"CreateAccount":                       (*Sandbox).createAccount,
		"DescribeCreateAccountStatus":         (*Sandbox).describeCreateAccountStatus,
		"ListCreateAccountStatus":             (*Sandbox).listCreateAccountStatus,
		"MoveAccount":                         (*Sandbox).moveAccount,
		"RemoveAccountFromOrganization":       (*Sandbox).removeAccount,
		"TagResource":                         (*Sandbox).tagResource,
		"UntagResource":                       (*Sandbox).untagResource,
		"ListTagsForResource":                 (*Sandbox).listTagsForResource,
		"CreatePolicy":                        (*Sandbox).createPolicy,
		"UpdatePolicy":                        (*Sandbox).updatePolicy,
		"DescribePolicy":                      (*Sandbox).describePolicy,
		"DeletePolicy":                        (*Sandbox).deletePolicy,
		"ListPolicies":                        (*Sandbox).listPolicies,
		"ListPoliciesForTarget":               (*Sandbox).listPoliciesForTarget,
		"ListTargetsForPolicy":                (*Sandbox).listTargetsForPolicy,
		"AttachPolicy":                        (*Sandbox).attachPolicy,
		"DetachPolicy":                        (*Sandbox).detachPolicy,
		"InviteAccountToOrganization":         (*Sandbox).inviteAccount,
		"AcceptHandshake":                     (*Sandbox).acceptHandshake,
		"DeclineHandshake":                    (*Sandbox).declineHandshake,
		"DescribeHandshake":                   (*Sandbox).describeHandshake,
		"ListHandshakesForAccount":            (*Sandbox).listHandshakesForAccount,
		"ListHandshakesForOrganization":       (*Sandbox).listHandshakesForOrganization,
		"EnableAWSServiceAccess":              (*Sandbox).enableServiceAccess,
		"DisableAWSServiceAccess":             (*Sandbox).disableServiceAccess,
		"ListAWSServiceAccessForOrganization": (*Sandbox).listServiceAccess,
	}
}

// OrganizationsOperations lists the Organizations operations the sandbox serves.
func OrganizationsOperations() []string {
	ops := make([]string, 0, len(orgOps))
	for op := range orgOps {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

func (s *Sandbox) organizations(c *caller, op string, body []byte, now time.Time) (any, bool, *awsError) {
	fn := orgOps[op]
	if fn == nil {
		return nil, false, errf("UnknownOperationException", "The sandbox does not serve the Organizations operation %q.", op)
	}
	var in orgInput
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, false, errf("SerializationException", "Start of structure or map found where not expected: %v", err)
		}
	}
	return fn(s, c, &in, now)
}
