package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
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

// --- who may call -----------------------------------------------------------

func notInUse() *awsError {
	return errf("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
}

func accessDenied() *awsError {
	return &awsError{Status: http.StatusBadRequest, Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."}
}

// orgOf is the caller's organization, for operations any member may call.
func (s *Sandbox) orgOf(c *caller) (*organization, *awsError) {
	if c.account.OrgID == "" {
		return nil, notInUse()
	}
	return s.ix.orgByID[c.account.OrgID], nil
}

// managed is the caller's organization for operations only its management
// account may call (members get AccessDeniedException, as in AWS).
func (s *Sandbox) managed(c *caller) (*organization, *awsError) {
	o, err := s.orgOf(c)
	if err != nil {
		return nil, err
	}
	if o.ManagementID != c.account.ID {
		return nil, accessDenied()
	}
	return o, nil
}

// --- shapes -----------------------------------------------------------------

func (s *Sandbox) accountOut(o *organization, a *account) accountOut {
	return accountOut{Id: a.ID, Arn: fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", o.ManagementID, o.ID, a.ID),
		Email: a.Email, Name: a.Name, Status: "ACTIVE", State: "ACTIVE", JoinedMethod: a.JoinedMethod, JoinedTimestamp: ts(a.JoinedAt)}
}

func orgArn(o *organization) string {
	return fmt.Sprintf("arn:aws:organizations::%s:organization/%s", o.ManagementID, o.ID)
}

func (s *Sandbox) rootOut(o *organization) rootOut {
	types := []policyTypeOut{}
	for _, t := range o.RootPolicyTypes {
		types = append(types, policyTypeOut{Type: t, Status: "ENABLED"})
	}
	return rootOut{Id: o.RootID, Arn: fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", o.ManagementID, o.ID, o.RootID), Name: "Root", PolicyTypes: types}
}

func ouArn(o *organization, ou *orgUnit) string {
	return fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", o.ManagementID, o.ID, ou.ID)
}

func policyOut(o *organization, p *policy) policySummary {
	arn := fmt.Sprintf("arn:aws:organizations::%s:policy/%s/%s/%s", o.ManagementID, o.ID, strings.ToLower(p.Type), p.ID)
	if p.AWSManaged {
		arn = fmt.Sprintf("arn:aws:organizations::aws:policy/%s/%s", strings.ToLower(p.Type), p.ID)
	}
	return policySummary{Id: p.ID, Arn: arn, Name: p.Name, Description: p.Description, Type: p.Type, AwsManaged: p.AWSManaged}
}

func statusOut(cs *createStatus) createStatusOut {
	out := createStatusOut{Id: cs.ID, AccountName: cs.AccountName, State: cs.State, RequestedTimestamp: ts(cs.RequestedAt)}
	switch cs.State {
	case "SUCCEEDED":
		out.AccountId, out.CompletedTimestamp = cs.AccountID, ts(cs.CompleteAt)
	case "FAILED":
		out.FailureReason, out.CompletedTimestamp = cs.FailureReason, ts(cs.CompleteAt)
	}
	return out
}

// --- pagination -------------------------------------------------------------

// paginate cuts one page out of items. NextToken is opaque to clients, as in
// AWS; it carries the offset and the operation so a token from one listing is
// refused by another.
func paginate[T any](items []T, in *orgInput, op string, limit int) ([]T, *string, *awsError) {
	n := limit
	if in.MaxResults != nil {
		if *in.MaxResults < 1 {
			return nil, nil, invalidInput("MIN_VALUE_EXCEEDED", "MaxResults must be at least 1.")
		}
		if *in.MaxResults > limit {
			return nil, nil, invalidInput("MAX_VALUE_EXCEEDED", "MaxResults must be at most %d.", limit)
		}
		n = *in.MaxResults
	}
	start := 0
	if in.NextToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		tokOp, off, ok := strings.Cut(string(raw), ":")
		o, err2 := strconv.Atoi(off)
		if err != nil || !ok || err2 != nil || tokOp != op || o < 0 || o > len(items) {
			return nil, nil, invalidInput("INVALID_NEXT_TOKEN", "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.")
		}
		start = o
	}
	end := min(start+n, len(items))
	var next *string
	if end < len(items) {
		t := base64.RawURLEncoding.EncodeToString([]byte(op + ":" + strconv.Itoa(end)))
		next = &t
	}
	return items[start:end], next, nil
}

// paged is a list answer; NextToken is left out on the last page, as AWS does.
func paged(key string, items any, next *string) map[string]any {
	out := map[string]any{key: items}
	if next != nil {
		out["NextToken"] = *next
	}
	return out
}

// --- validation -------------------------------------------------------------

func required(name, v string) *awsError {
	if v == "" {
		return invalidInput("INPUT_REQUIRED", "You must specify a value for %s.", name)
	}
	return nil
}

func validTags(tags []tag) *awsError {
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case len(t.Key) < 1:
			return invalidInput("MIN_LENGTH_EXCEEDED", "Tag keys must be at least 1 character long.")
		case len(t.Key) > 128:
			return invalidInput("MAX_LENGTH_EXCEEDED", "Tag keys must be at most 128 characters long.")
		case len(t.Value) > 256:
			return invalidInput("MAX_LENGTH_EXCEEDED", "Tag values must be at most 256 characters long.")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return invalidInput("INVALID_SYSTEM_TAGS_PARAMETER", "Tag keys can't start with aws:, that prefix is reserved for AWS.")
		case seen[t.Key]:
			return invalidInput("DUPLICATE_TAG_KEY", "The tag key %q appears more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	if len(tags) > maxTagsPerResource {
		return constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.")
	}
	return nil
}

func tagMap(tags []tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func tagList(m map[string]string) []tag {
	out := []tag{}
	for _, k := range sortedKeys(m) {
		out = append(out, tag{Key: k, Value: m[k]})
	}
	return out
}

func validParentID(id string) *awsError {
	if err := required("ParentId", id); err != nil {
		return err
	}
	if !rootIDPattern.MatchString(id) && !ouIDPattern.MatchString(id) {
		return invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a root or OU id.", id)
	}
	return nil
}

// parentExists reports whether id is the root or an OU of o.
func (s *Sandbox) parentExists(o *organization, id string) bool {
	if id == o.RootID {
		return true
	}
	return s.ix.ouOrg[id] == o
}

func (s *Sandbox) ouDepth(id string) int {
	d := 0
	for {
		ou := s.ix.ouByID[id]
		if ou == nil {
			return d
		}
		d++
		id = ou.ParentID
	}
}

// --- organization -----------------------------------------------------------

func (s *Sandbox) createOrganization(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	if c.account.OrgID != "" {
		return nil, false, errf("AlreadyInOrganizationException", "The AWS account is already a member of an organization.")
	}
	fs := in.FeatureSet
	if fs == "" {
		fs = "ALL"
	}
	if fs != "ALL" && fs != "CONSOLIDATED_BILLING" {
		return nil, false, invalidInput("INVALID_ENUM", "FeatureSet must be ALL or CONSOLIDATED_BILLING.")
	}
	o := &organization{ID: newOrgID(), ManagementID: c.account.ID, FeatureSet: fs, RootID: newRootID(),
		AccountQuota: s.accountQuota(c.account), CreatedAt: now, Attachments: map[string][]string{}}
	// No policy type is enabled yet, whatever the feature set. AWS's
	// CreateOrganization reference says service control policies come
	// enabled with all features, but AWS does not do so: Terraform's
	// aws_organizations_organization (enabled_policy_types), whose acceptance
	// tests create organizations on AWS, calls EnablePolicyType right after
	// CreateOrganization and fails on PolicyTypeAlreadyEnabledException, and
	// CloudFormation users report every policy type DISABLED on a new
	// organization. The clients conformance test holds the sandbox to it.
	s.addOrganization(o, c.account, now)
	return map[string]any{"Organization": s.orgDescription(o)}, true, nil
}

// addOrganization creates o with mgmt as its management account, with the
// AWS-managed FullAWSAccess SCP attached to the root and the management account.
func (s *Sandbox) addOrganization(o *organization, mgmt *account, now time.Time) {
	o.Policies = append(o.Policies, &policy{ID: fullAWSAccessID, Name: "FullAWSAccess", AWSManaged: true, Type: scpType,
		Description: "Allows access to every operation",
		Content:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`})
	o.Attachments[o.RootID] = []string{fullAWSAccessID}
	s.st.Organizations = append(s.st.Organizations, o)
	s.ix.orgByID[o.ID] = o
	s.ix.policyByID[o.ID] = map[string]*policy{fullAWSAccessID: o.Policies[0]}
	s.join(o, mgmt, "CREATED", now)
	mgmt.Role = "management"
}

func (s *Sandbox) join(o *organization, a *account, method string, now time.Time) {
	a.OrgID, a.ParentID, a.JoinedMethod, a.JoinedAt = o.ID, o.RootID, method, now
	if a.Role != "management" {
		a.Role = "member"
	}
	s.ix.orgAccounts[o.ID] = append(s.ix.orgAccounts[o.ID], a)
	s.ix.childAccounts[o.RootID] = append(s.ix.childAccounts[o.RootID], a.ID)
	o.Attachments[a.ID] = []string{fullAWSAccessID}
}

func (s *Sandbox) leave(o *organization, a *account) {
	s.ix.childAccounts[a.ParentID] = removeString(s.ix.childAccounts[a.ParentID], a.ID)
	list := s.ix.orgAccounts[o.ID]
	if i := slices.Index(list, a); i >= 0 {
		s.ix.orgAccounts[o.ID] = slices.Delete(list, i, i+1)
	}
	delete(o.Attachments, a.ID)
	a.OrgID, a.ParentID, a.JoinedMethod, a.JoinedAt, a.Role, a.AccessRole = "", "", "", time.Time{}, "standalone", ""
}

func (s *Sandbox) orgDescription(o *organization) map[string]any {
	mgmt := s.ix.accountByID[o.ManagementID]
	types := []policyTypeOut{}
	for _, t := range o.RootPolicyTypes {
		types = append(types, policyTypeOut{Type: t, Status: "ENABLED"})
	}
	return map[string]any{"Id": o.ID, "Arn": orgArn(o), "FeatureSet": o.FeatureSet,
		"MasterAccountArn": fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", o.ManagementID, o.ID, o.ManagementID),
		"MasterAccountId":  o.ManagementID, "MasterAccountEmail": mgmt.Email, "AvailablePolicyTypes": types}
}

func (s *Sandbox) describeOrganization(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.orgOf(c)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"Organization": s.orgDescription(o)}, false, nil
}

func (s *Sandbox) deleteOrganization(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if len(s.ix.orgAccounts[o.ID]) > 1 || s.ix.inProgress[o.ID] > 0 {
		return nil, false, errf("OrganizationNotEmptyException", "The organization isn't empty. To delete an organization, you must first remove all accounts except the management account.")
	}
	s.leave(o, c.account)
	s.st.Organizations = slices.DeleteFunc(s.st.Organizations, func(x *organization) bool { return x == o })
	s.ix = s.st.buildIndex()
	return struct{}{}, true, nil
}

func (s *Sandbox) listRoots(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	roots, next, err := paginate([]rootOut{s.rootOut(o)}, in, "ListRoots", 20)
	if err != nil {
		return nil, false, err
	}
	return paged("Roots", roots, next), false, nil
}

func (s *Sandbox) checkRoot(o *organization, id string) *awsError {
	if err := required("RootId", id); err != nil {
		return err
	}
	if !rootIDPattern.MatchString(id) {
		return invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a root id.", id)
	}
	if id != o.RootID {
		return errf("RootNotFoundException", "We can't find a root with the RootId that you specified.")
	}
	return nil
}

func validPolicyType(t string) *awsError {
	if _, ok := maxPolicySize[t]; !ok {
		return invalidInput("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type %q.", t)
	}
	return nil
}

func (s *Sandbox) enablePolicyType(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkRoot(o, in.RootId); err != nil {
		return nil, false, err
	}
	if err := validPolicyType(in.PolicyType); err != nil {
		return nil, false, err
	}
	if o.FeatureSet != "ALL" {
		return nil, false, errf("PolicyTypeNotAvailableForOrganizationException", "You can't use the specified policy type with the feature set currently enabled for this organization.")
	}
	if slices.Contains(o.RootPolicyTypes, in.PolicyType) {
		return nil, false, errf("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
	}
	o.RootPolicyTypes = append(o.RootPolicyTypes, in.PolicyType)
	return map[string]any{"Root": s.rootOut(o)}, true, nil
}

func (s *Sandbox) disablePolicyType(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkRoot(o, in.RootId); err != nil {
		return nil, false, err
	}
	if err := validPolicyType(in.PolicyType); err != nil {
		return nil, false, err
	}
	if !slices.Contains(o.RootPolicyTypes, in.PolicyType) {
		return nil, false, errf("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	o.RootPolicyTypes = removeString(o.RootPolicyTypes, in.PolicyType)
	// Disabling a type detaches the customer policies of that type everywhere,
	// as AWS does; FullAWSAccess stays where it was.
	pols := s.ix.policyByID[o.ID]
	for target, ids := range o.Attachments {
		o.Attachments[target] = slices.DeleteFunc(ids, func(id string) bool {
			return id != fullAWSAccessID && pols[id] != nil && pols[id].Type == in.PolicyType
		})
	}
	return map[string]any{"Root": s.rootOut(o)}, true, nil
}

// --- organizational units ---------------------------------------------------

func validOUName(name *string) *awsError {
	if name == nil || *name == "" {
		return invalidInput("MIN_LENGTH_EXCEEDED", "The OU name must be at least 1 character long.")
	}
	if len(*name) > 128 {
		return invalidInput("MAX_LENGTH_EXCEEDED", "The OU name must be at most 128 characters long.")
	}
	return nil
}

func (s *Sandbox) ouNameTaken(parent, name, except string) bool {
	for _, id := range s.ix.childOUs[parent] {
		if id != except && s.ix.ouByID[id].Name == name {
			return true
		}
	}
	return false
}

func (s *Sandbox) createOU(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := validParentID(in.ParentId); err != nil {
		return nil, false, err
	}
	if err := validOUName(in.Name); err != nil {
		return nil, false, err
	}
	if err := validTags(in.Tags); err != nil {
		return nil, false, err
	}
	if !s.parentExists(o, in.ParentId) {
		return nil, false, errf("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	if s.ouDepth(in.ParentId) >= maxOUDepth {
		return nil, false, constraint("OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep: at most %d levels of OUs below the root.", maxOUDepth)
	}
	if len(o.OUs) >= maxOUs {
		return nil, false, constraint("OU_NUMBER_LIMIT_EXCEEDED", "You attempted to exceed the number of OUs that you can have in an organization.")
	}
	if s.ouNameTaken(in.ParentId, *in.Name, "") {
		return nil, false, errf("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
	}
	ou := &orgUnit{ID: newOUID(o.RootID), Name: *in.Name, ParentID: in.ParentId, Tags: tagMap(in.Tags)}
	o.OUs = append(o.OUs, ou)
	s.ix.ouByID[ou.ID] = ou
	s.ix.ouOrg[ou.ID] = o
	s.ix.childOUs[ou.ParentID] = append(s.ix.childOUs[ou.ParentID], ou.ID)
	o.Attachments[ou.ID] = []string{fullAWSAccessID}
	return map[string]any{"OrganizationalUnit": ouOut{Id: ou.ID, Arn: ouArn(o, ou), Name: ou.Name}}, true, nil
}

func (s *Sandbox) findOU(o *organization, id string) (*orgUnit, *awsError) {
	if err := required("OrganizationalUnitId", id); err != nil {
		return nil, err
	}
	if !ouIDPattern.MatchString(id) {
		return nil, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not an OU id.", id)
	}
	if s.ix.ouOrg[id] != o {
		return nil, errf("OrganizationalUnitNotFoundException", "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.")
	}
	return s.ix.ouByID[id], nil
}

func (s *Sandbox) describeOU(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	ou, err := s.findOU(o, in.OrganizationalUnitId)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"OrganizationalUnit": ouOut{Id: ou.ID, Arn: ouArn(o, ou), Name: ou.Name}}, false, nil
}

func (s *Sandbox) updateOU(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	ou, err := s.findOU(o, in.OrganizationalUnitId)
	if err != nil {
		return nil, false, err
	}
	if in.Name != nil {
		if err := validOUName(in.Name); err != nil {
			return nil, false, err
		}
		if s.ouNameTaken(ou.ParentID, *in.Name, ou.ID) {
			return nil, false, errf("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
		}
		ou.Name = *in.Name
	}
	return map[string]any{"OrganizationalUnit": ouOut{Id: ou.ID, Arn: ouArn(o, ou), Name: ou.Name}}, in.Name != nil, nil
}

func (s *Sandbox) deleteOU(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	ou, err := s.findOU(o, in.OrganizationalUnitId)
	if err != nil {
		return nil, false, err
	}
	if len(s.ix.childAccounts[ou.ID]) > 0 || len(s.ix.childOUs[ou.ID]) > 0 {
		return nil, false, errf("OrganizationalUnitNotEmptyException", "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
	}
	o.OUs = slices.DeleteFunc(o.OUs, func(x *orgUnit) bool { return x == ou })
	delete(s.ix.ouByID, ou.ID)
	delete(s.ix.ouOrg, ou.ID)
	delete(s.ix.childOUs, ou.ID)
	delete(s.ix.childAccounts, ou.ID)
	s.ix.childOUs[ou.ParentID] = removeString(s.ix.childOUs[ou.ParentID], ou.ID)
	delete(o.Attachments, ou.ID)
	return struct{}{}, true, nil
}

func (s *Sandbox) checkParent(o *organization, id string) *awsError {
	if err := validParentID(id); err != nil {
		return err
	}
	if !s.parentExists(o, id) {
		return errf("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	return nil
}

func (s *Sandbox) listOUsForParent(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkParent(o, in.ParentId); err != nil {
		return nil, false, err
	}
	ids, next, err := paginate(s.ix.childOUs[in.ParentId], in, "ListOrganizationalUnitsForParent", 20)
	if err != nil {
		return nil, false, err
	}
	out := make([]ouOut, 0, len(ids))
	for _, id := range ids {
		ou := s.ix.ouByID[id]
		out = append(out, ouOut{Id: ou.ID, Arn: ouArn(o, ou), Name: ou.Name})
	}
	return paged("OrganizationalUnits", out, next), false, nil
}

func (s *Sandbox) listChildren(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkParent(o, in.ParentId); err != nil {
		return nil, false, err
	}
	var ids []string
	switch in.ChildType {
	case "ACCOUNT":
		ids = s.ix.childAccounts[in.ParentId]
	case "ORGANIZATIONAL_UNIT":
		ids = s.ix.childOUs[in.ParentId]
	default:
		return nil, false, invalidInput("INVALID_ENUM", "ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT.")
	}
	page, next, err := paginate(ids, in, "ListChildren"+in.ChildType, 20)
	if err != nil {
		return nil, false, err
	}
	out := make([]idType, 0, len(page))
	for _, id := range page {
		out = append(out, idType{Id: id, Type: in.ChildType})
	}
	return paged("Children", out, next), false, nil
}

func (s *Sandbox) listParents(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := required("ChildId", in.ChildId); err != nil {
		return nil, false, err
	}
	var parent string
	if a := s.ix.accountByID[in.ChildId]; a != nil && a.OrgID == o.ID {
		parent = a.ParentID
	} else if s.ix.ouOrg[in.ChildId] == o {
		parent = s.ix.ouByID[in.ChildId].ParentID
	} else if !accountIDPattern.MatchString(in.ChildId) && !ouIDPattern.MatchString(in.ChildId) {
		return nil, false, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not an account or OU id.", in.ChildId)
	} else {
		return nil, false, errf("ChildNotFoundException", "We can't find an organizational unit (OU) or Amazon Web Services account with the ChildId that you specified.")
	}
	kind := "ORGANIZATIONAL_UNIT"
	if parent == o.RootID {
		kind = "ROOT"
	}
	page, next, err := paginate([]idType{{Id: parent, Type: kind}}, in, "ListParents", 20)
	if err != nil {
		return nil, false, err
	}
	return paged("Parents", page, next), false, nil
}

// --- accounts ---------------------------------------------------------------

func (s *Sandbox) listAccounts(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	page, next, err := paginate(s.ix.orgAccounts[o.ID], in, "ListAccounts", 20)
	if err != nil {
		return nil, false, err
	}
	out := make([]accountOut, 0, len(page))
	for _, a := range page {
		out = append(out, s.accountOut(o, a))
	}
	return paged("Accounts", out, next), false, nil
}

func (s *Sandbox) listAccountsForParent(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkParent(o, in.ParentId); err != nil {
		return nil, false, err
	}
	page, next, err := paginate(s.ix.childAccounts[in.ParentId], in, "ListAccountsForParent", 20)
	if err != nil {
		return nil, false, err
	}
	out := make([]accountOut, 0, len(page))
	for _, id := range page {
		out = append(out, s.accountOut(o, s.ix.accountByID[id]))
	}
	return paged("Accounts", out, next), false, nil
}

func (s *Sandbox) findAccount(o *organization, id string) (*account, *awsError) {
	if err := required("AccountId", id); err != nil {
		return nil, err
	}
	if !accountIDPattern.MatchString(id) {
		return nil, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: an account id is 12 digits.")
	}
	a := s.ix.accountByID[id]
	if a == nil || a.OrgID != o.ID {
		return nil, errf("AccountNotFoundException", "You specified an account that doesn't exist.")
	}
	return a, nil
}

func (s *Sandbox) describeAccount(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	a, err := s.findAccount(o, in.AccountId)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"Account": s.accountOut(o, a)}, false, nil
}

func validEmail(email string) *awsError {
	switch {
	case len(email) < 6:
		return invalidInput("MIN_LENGTH_EXCEEDED", "The email address must be at least 6 characters long.")
	case len(email) > 64:
		return invalidInput("MAX_LENGTH_EXCEEDED", "The email address must be at most 64 characters long.")
	case !emailPattern.MatchString(email):
		return invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not an email address.", email)
	}
	return nil
}

func validAccountName(name string) *awsError {
	switch {
	case name == "":
		return invalidInput("MIN_LENGTH_EXCEEDED", "The account name must be at least 1 character long.")
	case len(name) > 50:
		return invalidInput("MAX_LENGTH_EXCEEDED", "The account name must be at most 50 characters long.")
	case !namePattern.MatchString(name):
		return invalidInput("INVALID_PATTERN", "The account name must be printable ASCII characters.")
	}
	return nil
}

func (s *Sandbox) createAccount(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := validEmail(in.Email); err != nil {
		return nil, false, err
	}
	if err := validAccountName(in.AccountName); err != nil {
		return nil, false, err
	}
	role := in.RoleName
	if role == "" {
		role = defaultAccessRole
	}
	if !roleNamePattern.MatchString(role) {
		return nil, false, invalidInput("INVALID_ROLE_NAME", "You provided a role name that isn't valid.")
	}
	if in.IamUserAccessToBilling != "" && in.IamUserAccessToBilling != "ALLOW" && in.IamUserAccessToBilling != "DENY" {
		return nil, false, invalidInput("INVALID_ENUM", "IamUserAccessToBilling must be ALLOW or DENY.")
	}
	if err := validTags(in.Tags); err != nil {
		return nil, false, err
	}
	if s.ix.inProgress[o.ID] >= maxConcurrentCreations {
		return nil, false, constraint("ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED", "You attempted to exceed the number of accounts that can be in progress at a time (%d).", maxConcurrentCreations)
	}
	bound := len(s.ix.orgAccounts[o.ID])
	for _, cs := range s.ix.pending {
		if s.ix.statusOrg[cs.ID] == o && cs.FailureReason == "" {
			bound++
		}
	}
	if bound >= o.AccountQuota {
		return nil, false, constraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED", "You have exceeded the allowed number of AWS accounts (%d).", o.AccountQuota)
	}
	cs := &createStatus{ID: newStatusID(), AccountName: in.AccountName, Email: in.Email, RequestedAt: now,
		CompleteAt: now.Add(time.Duration(float64(s.cfg.CreateAccountDelay) / s.cfg.Speed)), State: "IN_PROGRESS",
		AccountID: s.unusedAccountID(), RoleName: role, Tags: tagMap(in.Tags)}
	lower := strings.ToLower(in.Email)
	for _, f := range s.st.Faults.FailCreateAccount {
		if strings.EqualFold(f.Match, in.AccountName) || strings.EqualFold(f.Match, in.Email) {
			cs.FailureReason = f.Reason
			if cs.FailureReason == "" {
				cs.FailureReason = "INTERNAL_FAILURE"
			}
		}
	}
	if cs.FailureReason == "" && (s.ix.accountByEmail[lower] != nil || s.ix.pendingEmails[lower]) {
		// Emails are unique across all of AWS; AWS reports the clash when the
		// creation ends, not when it is requested.
		cs.FailureReason = "EMAIL_ALREADY_EXISTS"
	}
	o.CreateStatuses = append(o.CreateStatuses, cs)
	s.ix.statusByID[cs.ID] = cs
	s.ix.statusOrg[cs.ID] = o
	s.ix.noteInProgress(o, cs)
	return map[string]any{"CreateAccountStatus": statusOut(cs)}, true, nil
}

func (s *Sandbox) unusedAccountID() string {
	for {
		id := newAccountID()
		if s.ix.accountByID[id] != nil {
			continue
		}
		clash := false
		for _, cs := range s.ix.pending {
			clash = clash || cs.AccountID == id
		}
		if !clash {
			return id
		}
	}
}

func (s *Sandbox) describeCreateAccountStatus(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := required("CreateAccountRequestId", in.CreateAccountRequestId); err != nil {
		return nil, false, err
	}
	if !statusIDPattern.MatchString(in.CreateAccountRequestId) {
		return nil, false, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a create account request id.", in.CreateAccountRequestId)
	}
	cs := s.ix.statusByID[in.CreateAccountRequestId]
	if cs == nil || s.ix.statusOrg[cs.ID] != o {
		return nil, false, errf("CreateAccountStatusNotFoundException", "We can't find an create account request with the CreateAccountRequestId that you specified.")
	}
	return map[string]any{"CreateAccountStatus": statusOut(cs)}, false, nil
}

func (s *Sandbox) listCreateAccountStatus(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	for _, st := range in.States {
		if st != "IN_PROGRESS" && st != "SUCCEEDED" && st != "FAILED" {
			return nil, false, invalidInput("INVALID_ENUM", "States must be IN_PROGRESS, SUCCEEDED or FAILED.")
		}
	}
	list := o.CreateStatuses
	if len(in.States) > 0 {
		list = nil
		for _, cs := range o.CreateStatuses {
			if slices.Contains(in.States, cs.State) {
				list = append(list, cs)
			}
		}
	}
	page, next, err := paginate(list, in, "ListCreateAccountStatus"+strings.Join(in.States, ","), 20)
	if err != nil {
		return nil, false, err
	}
	out := make([]createStatusOut, 0, len(page))
	for _, cs := range page {
		out = append(out, statusOut(cs))
	}
	return paged("CreateAccountStatuses", out, next), false, nil
}

func (s *Sandbox) moveAccount(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	a, err := s.findAccount(o, in.AccountId)
	if err != nil {
		return nil, false, err
	}
	if err := validParentID(in.SourceParentId); err != nil {
		return nil, false, err
	}
	if err := validParentID(in.DestinationParentId); err != nil {
		return nil, false, err
	}
	if !s.parentExists(o, in.SourceParentId) {
		return nil, false, errf("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.")
	}
	if !s.parentExists(o, in.DestinationParentId) {
		return nil, false, errf("DestinationParentNotFoundException", "We can't find the destination container (a root or OU) with the ParentId that you specified.")
	}
	if a.ParentID != in.SourceParentId {
		return nil, false, errf("AccountNotFoundException", "You specified an account that doesn't exist in the source parent %s.", in.SourceParentId)
	}
	if in.SourceParentId == in.DestinationParentId {
		return nil, false, errf("DuplicateAccountException", "That account is already present in the specified destination.")
	}
	s.ix.childAccounts[a.ParentID] = removeString(s.ix.childAccounts[a.ParentID], a.ID)
	a.ParentID = in.DestinationParentId
	s.ix.childAccounts[a.ParentID] = append(s.ix.childAccounts[a.ParentID], a.ID)
	return struct{}{}, true, nil
}

func (s *Sandbox) removeAccount(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	a, err := s.findAccount(o, in.AccountId)
	if err != nil {
		return nil, false, err
	}
	if a.ID == o.ManagementID {
		return nil, false, errf("MasterCannotLeaveOrganizationException", "You can't remove a management account from an organization. You must delete the organization instead.")
	}
	s.leave(o, a)
	return struct{}{}, true, nil
}

// --- tags -------------------------------------------------------------------

// taggable finds the tags of a resource by id: account, root, OU or policy.
func (s *Sandbox) taggable(o *organization, id string) (*map[string]string, *awsError) {
	if err := required("ResourceId", id); err != nil {
		return nil, err
	}
	switch {
	case accountIDPattern.MatchString(id):
		if a := s.ix.accountByID[id]; a != nil && a.OrgID == o.ID {
			return &a.Tags, nil
		}
	case id == o.RootID:
		return &o.RootTags, nil
	case ouIDPattern.MatchString(id):
		if s.ix.ouOrg[id] == o {
			return &s.ix.ouByID[id].Tags, nil
		}
	case policyIDPattern.MatchString(id):
		if p := s.ix.policyByID[o.ID][id]; p != nil && !p.AWSManaged {
			return &p.Tags, nil
		}
	case rootIDPattern.MatchString(id):
	default:
		return nil, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a taggable resource id.", id)
	}
	return nil, errf("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
}

func (s *Sandbox) tagResource(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	tags, err := s.taggable(o, in.ResourceId)
	if err != nil {
		return nil, false, err
	}
	if err := validTags(in.Tags); err != nil {
		return nil, false, err
	}
	merged := map[string]string{}
	for k, v := range *tags {
		merged[k] = v
	}
	for _, t := range in.Tags {
		merged[t.Key] = t.Value
	}
	if len(merged) > maxTagsPerResource {
		return nil, false, constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.")
	}
	*tags = merged
	return struct{}{}, true, nil
}

func (s *Sandbox) untagResource(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	tags, err := s.taggable(o, in.ResourceId)
	if err != nil {
		return nil, false, err
	}
	for _, k := range in.TagKeys {
		delete(*tags, k)
	}
	return struct{}{}, true, nil
}

func (s *Sandbox) listTagsForResource(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	tags, err := s.taggable(o, in.ResourceId)
	if err != nil {
		return nil, false, err
	}
	page, next, err := paginate(tagList(*tags), in, "ListTagsForResource", 100)
	if err != nil {
		return nil, false, err
	}
	return paged("Tags", page, next), false, nil
}

// --- policies ---------------------------------------------------------------

func (s *Sandbox) findPolicy(o *organization, id string) (*policy, *awsError) {
	if err := required("PolicyId", id); err != nil {
		return nil, err
	}
	if !policyIDPattern.MatchString(id) {
		return nil, invalidInput("INVALID_SYNTAX_POLICY_ID", "You provided a policy id that isn't valid: %q.", id)
	}
	p := s.ix.policyByID[o.ID][id]
	if p == nil {
		return nil, errf("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
	}
	return p, nil
}

func validPolicyContent(typ, content string) *awsError {
	if content == "" {
		return invalidInput("MIN_LENGTH_EXCEEDED", "The policy content must not be empty.")
	}
	if len(content) > maxPolicySize[typ] {
		return constraint("POLICY_CONTENT_LIMIT_EXCEEDED", "You attempted to create a policy that is larger than the maximum size (%d characters for %s).", maxPolicySize[typ], typ)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(content), &doc); err != nil {
		return errf("MalformedPolicyDocumentException", "The provided policy document doesn't meet the requirements of the specified policy type: %v.", err)
	}
	if typ == scpType || typ == "RESOURCE_CONTROL_POLICY" {
		if _, ok := doc["Statement"]; !ok {
			return errf("MalformedPolicyDocumentException", "The provided policy document doesn't meet the requirements of the specified policy type: missing Statement.")
		}
	}
	return nil
}

func validPolicyName(name *string) *awsError {
	if name == nil || *name == "" {
		return invalidInput("MIN_LENGTH_EXCEEDED", "The policy name must be at least 1 character long.")
	}
	if len(*name) > 128 {
		return invalidInput("MAX_LENGTH_EXCEEDED", "The policy name must be at most 128 characters long.")
	}
	return nil
}

func (s *Sandbox) policyNameTaken(o *organization, typ, name, except string) bool {
	for _, p := range o.Policies {
		if p.Type == typ && p.Name == name && p.ID != except {
			return true
		}
	}
	return false
}

func (s *Sandbox) createPolicy(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := validPolicyType(in.Type); err != nil {
		return nil, false, err
	}
	if err := validPolicyName(in.Name); err != nil {
		return nil, false, err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	if len(desc) > 512 {
		return nil, false, invalidInput("MAX_LENGTH_EXCEEDED", "The policy description must be at most 512 characters long.")
	}
	content := ""
	if in.Content != nil {
		content = *in.Content
	}
	if err := validPolicyContent(in.Type, content); err != nil {
		return nil, false, err
	}
	if err := validTags(in.Tags); err != nil {
		return nil, false, err
	}
	if s.policyNameTaken(o, in.Type, *in.Name, "") {
		return nil, false, errf("DuplicatePolicyException", "A policy with the same name already exists.")
	}
	count := 0
	for _, p := range o.Policies {
		if p.Type == in.Type {
			count++
		}
	}
	if count >= maxPoliciesPerType {
		return nil, false, constraint("POLICY_NUMBER_LIMIT_EXCEEDED", "You attempted to exceed the number of policies that you can have in an organization.")
	}
	p := &policy{ID: newPolicyID(), Name: *in.Name, Description: desc, Type: in.Type, Content: content, Tags: tagMap(in.Tags)}
	o.Policies = append(o.Policies, p)
	s.ix.policyByID[o.ID][p.ID] = p
	return map[string]any{"Policy": map[string]any{"PolicySummary": policyOut(o, p), "Content": p.Content}}, true, nil
}

func (s *Sandbox) updatePolicy(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	p, err := s.findPolicy(o, in.PolicyId)
	if err != nil {
		return nil, false, err
	}
	if p.AWSManaged {
		return nil, false, invalidInput("IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified.")
	}
	if in.Name != nil {
		if err := validPolicyName(in.Name); err != nil {
			return nil, false, err
		}
		if s.policyNameTaken(o, p.Type, *in.Name, p.ID) {
			return nil, false, errf("DuplicatePolicyException", "A policy with the same name already exists.")
		}
	}
	if in.Description != nil && len(*in.Description) > 512 {
		return nil, false, invalidInput("MAX_LENGTH_EXCEEDED", "The policy description must be at most 512 characters long.")
	}
	if in.Content != nil {
		if err := validPolicyContent(p.Type, *in.Content); err != nil {
			return nil, false, err
		}
	}
	if in.Name != nil {
		p.Name = *in.Name
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.Content != nil {
		p.Content = *in.Content
	}
	return map[string]any{"Policy": map[string]any{"PolicySummary": policyOut(o, p), "Content": p.Content}}, true, nil
}

func (s *Sandbox) describePolicy(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	p, err := s.findPolicy(o, in.PolicyId)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"Policy": map[string]any{"PolicySummary": policyOut(o, p), "Content": p.Content}}, false, nil
}

func (s *Sandbox) deletePolicy(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	p, err := s.findPolicy(o, in.PolicyId)
	if err != nil {
		return nil, false, err
	}
	if p.AWSManaged {
		return nil, false, invalidInput("IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified.")
	}
	for _, ids := range o.Attachments {
		if slices.Contains(ids, p.ID) {
			return nil, false, errf("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
		}
	}
	o.Policies = slices.DeleteFunc(o.Policies, func(x *policy) bool { return x == p })
	delete(s.ix.policyByID[o.ID], p.ID)
	return struct{}{}, true, nil
}

func policyFilter(raw json.RawMessage) (string, *awsError) {
	var f string
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil || f == "" {
		return "", invalidInput("INPUT_REQUIRED", "You must specify a value for Filter.")
	}
	if err := validPolicyType(f); err != nil {
		return "", err
	}
	return f, nil
}

func (s *Sandbox) listPolicies(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	f, err := policyFilter(in.Filter)
	if err != nil {
		return nil, false, err
	}
	var list []policySummary
	for _, p := range o.Policies {
		if p.Type == f {
			list = append(list, policyOut(o, p))
		}
	}
	page, next, err := paginate(list, in, "ListPolicies"+f, 20)
	if err != nil {
		return nil, false, err
	}
	if page == nil {
		page = []policySummary{}
	}
	return paged("Policies", page, next), false, nil
}

// target resolves a policy target id (root, OU or account) of o.
func (s *Sandbox) target(o *organization, id string) (targetOut, *awsError) {
	if err := required("TargetId", id); err != nil {
		return targetOut{}, err
	}
	switch {
	case id == o.RootID:
		return targetOut{TargetId: id, Arn: s.rootOut(o).Arn, Name: "Root", Type: "ROOT"}, nil
	case accountIDPattern.MatchString(id):
		if a := s.ix.accountByID[id]; a != nil && a.OrgID == o.ID {
			return targetOut{TargetId: id, Arn: s.accountOut(o, a).Arn, Name: a.Name, Type: "ACCOUNT"}, nil
		}
	case ouIDPattern.MatchString(id):
		if s.ix.ouOrg[id] == o {
			ou := s.ix.ouByID[id]
			return targetOut{TargetId: id, Arn: ouArn(o, ou), Name: ou.Name, Type: "ORGANIZATIONAL_UNIT"}, nil
		}
	case rootIDPattern.MatchString(id):
	default:
		return targetOut{}, invalidInput("INVALID_PATTERN_TARGET_ID", "You specified a policy target id that isn't valid: %q.", id)
	}
	return targetOut{}, errf("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
}

func (s *Sandbox) listPoliciesForTarget(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if _, err := s.target(o, in.TargetId); err != nil {
		return nil, false, err
	}
	f, err := policyFilter(in.Filter)
	if err != nil {
		return nil, false, err
	}
	var list []policySummary
	for _, id := range o.Attachments[in.TargetId] {
		if p := s.ix.policyByID[o.ID][id]; p != nil && p.Type == f {
			list = append(list, policyOut(o, p))
		}
	}
	page, next, err := paginate(list, in, "ListPoliciesForTarget"+f, 20)
	if err != nil {
		return nil, false, err
	}
	if page == nil {
		page = []policySummary{}
	}
	return paged("Policies", page, next), false, nil
}

func (s *Sandbox) listTargetsForPolicy(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	p, err := s.findPolicy(o, in.PolicyId)
	if err != nil {
		return nil, false, err
	}
	var ids []string
	for target, pols := range o.Attachments {
		if slices.Contains(pols, p.ID) {
			ids = append(ids, target)
		}
	}
	slices.Sort(ids)
	page, next, err := paginate(ids, in, "ListTargetsForPolicy", 20)
	if err != nil {
		return nil, false, err
	}
	out := make([]targetOut, 0, len(page))
	for _, id := range page {
		t, _ := s.target(o, id)
		out = append(out, t)
	}
	return paged("Targets", out, next), false, nil
}

func (s *Sandbox) attachPolicy(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	p, err := s.findPolicy(o, in.PolicyId)
	if err != nil {
		return nil, false, err
	}
	if _, err := s.target(o, in.TargetId); err != nil {
		return nil, false, err
	}
	if !slices.Contains(o.RootPolicyTypes, p.Type) {
		return nil, false, errf("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	attached := o.Attachments[in.TargetId]
	if slices.Contains(attached, p.ID) {
		return nil, false, errf("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
	}
	same := 0
	for _, id := range attached {
		if q := s.ix.policyByID[o.ID][id]; q != nil && q.Type == p.Type {
			same++
		}
	}
	if same >= maxPoliciesPerTarget {
		return nil, false, constraint("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You attempted to exceed the number of policies of type %s that can be attached to an entity (%d).", p.Type, maxPoliciesPerTarget)
	}
	o.Attachments[in.TargetId] = append(attached, p.ID)
	return struct{}{}, true, nil
}

func (s *Sandbox) detachPolicy(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	p, err := s.findPolicy(o, in.PolicyId)
	if err != nil {
		return nil, false, err
	}
	if _, err := s.target(o, in.TargetId); err != nil {
		return nil, false, err
	}
	attached := o.Attachments[in.TargetId]
	if !slices.Contains(attached, p.ID) {
		return nil, false, errf("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
	}
	if p.Type == scpType && slices.Contains(o.RootPolicyTypes, scpType) {
		scps := 0
		for _, id := range attached {
			if q := s.ix.policyByID[o.ID][id]; q != nil && q.Type == scpType {
				scps++
			}
		}
		if scps <= 1 {
			return nil, false, constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of service control policies (1).")
		}
	}
	o.Attachments[in.TargetId] = removeString(attached, p.ID)
	return struct{}{}, true, nil
}

// --- handshakes -------------------------------------------------------------

func (s *Sandbox) handshakeOut(h *handshake, now time.Time) handshakeOut {
	o := s.ix.orgByID[h.OrgID]
	mgmtID, mgmtEmail, mgmtName, fs := "", "", "", "ALL"
	if o != nil {
		mgmtID, fs = o.ManagementID, o.FeatureSet
		if m := s.ix.accountByID[o.ManagementID]; m != nil {
			mgmtEmail, mgmtName = m.Email, m.Name
		}
	}
	state := h.State
	if state == "OPEN" && now.After(h.ExpiresAt) {
		state = "EXPIRED"
	}
	res := []resourceOut{
		{Type: "ORGANIZATION", Value: h.OrgID, Resources: []resourceOut{
			{Type: "MASTER_EMAIL", Value: mgmtEmail}, {Type: "MASTER_NAME", Value: mgmtName}, {Type: "ORGANIZATION_FEATURE_SET", Value: fs}}},
		{Type: h.TargetType, Value: h.TargetID},
	}
	if h.Notes != "" {
		res = append(res, resourceOut{Type: "NOTES", Value: h.Notes})
	}
	return handshakeOut{Id: h.ID, Arn: fmt.Sprintf("arn:aws:organizations::%s:handshake/%s/invite/%s", mgmtID, h.OrgID, h.ID),
		Parties: []partyOut{{Id: strings.TrimPrefix(h.OrgID, "o-"), Type: "ORGANIZATION"}, {Id: h.TargetID, Type: h.TargetType}},
		State:   state, RequestedTimestamp: ts(h.RequestedAt), ExpirationTimestamp: ts(h.ExpiresAt), Action: h.Action, Resources: res}
}

// targets reports whether the handshake invites account a.
func (h *handshake) targets(a *account) bool {
	if h.TargetType == "EMAIL" {
		return strings.EqualFold(h.TargetID, a.Email)
	}
	return h.TargetID == a.ID
}

func (s *Sandbox) inviteAccount(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if in.Target == nil {
		return nil, false, invalidInput("INPUT_REQUIRED", "You must specify a value for Target.")
	}
	var target *account
	switch in.Target.Type {
	case "ACCOUNT":
		if !accountIDPattern.MatchString(in.Target.Id) {
			return nil, false, invalidInput("INVALID_PARTY_TYPE_TARGET", "You specified the wrong type for the invitation target: an ACCOUNT target is a 12-digit id.")
		}
		target = s.ix.accountByID[in.Target.Id]
	case "EMAIL":
		if err := validEmail(in.Target.Id); err != nil {
			return nil, false, invalidInput("INVALID_EMAIL_ADDRESS_TARGET", "You specified an invalid email address for the invited account owner.")
		}
		target = s.ix.accountByEmail[strings.ToLower(in.Target.Id)]
	default:
		return nil, false, invalidInput("INVALID_PARTY_TYPE_TARGET", "You specified the wrong type for the invitation target: ACCOUNT or EMAIL.")
	}
	if err := validTags(in.Tags); err != nil {
		return nil, false, err
	}
	if target != nil && target.OrgID != "" {
		return nil, false, hsConstraint("ALREADY_IN_AN_ORGANIZATION", "The handshake request is invalid because the invited account is already a member of an organization.")
	}
	open := 0
	for _, h := range o.Handshakes {
		if h.State != "OPEN" || now.After(h.ExpiresAt) {
			continue
		}
		open++
		if strings.EqualFold(h.TargetID, in.Target.Id) || (target != nil && h.targets(target)) {
			return nil, false, errf("DuplicateHandshakeException", "A handshake with the same action and target already exists.")
		}
	}
	if len(s.ix.orgAccounts[o.ID])+open >= o.AccountQuota {
		return nil, false, hsConstraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED", "The number of invitations would exceed the limit of accounts in your organization.")
	}
	h := &handshake{ID: newHandshakeID(), Action: "INVITE", State: "OPEN", OrgID: o.ID, TargetType: in.Target.Type,
		TargetID: in.Target.Id, Notes: in.Notes, RequestedAt: now, ExpiresAt: now.Add(handshakeLifetime), Tags: tagMap(in.Tags)}
	o.Handshakes = append(o.Handshakes, h)
	s.ix.handshakeByID[h.ID] = h
	return map[string]any{"Handshake": s.handshakeOut(h, now)}, true, nil
}

func hsConstraint(reason, msg string) *awsError {
	e := errf("HandshakeConstraintViolationException", "%s", msg)
	e.Reason = reason
	return e
}

// visibleHandshake finds a handshake the caller is a party to.
func (s *Sandbox) visibleHandshake(c *caller, id string) (*handshake, *awsError) {
	if err := required("HandshakeId", id); err != nil {
		return nil, err
	}
	if !handshakePattern.MatchString(id) {
		return nil, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a handshake id.", id)
	}
	h := s.ix.handshakeByID[id]
	if h != nil {
		if o := s.ix.orgByID[h.OrgID]; (o != nil && o.ManagementID == c.account.ID) || h.targets(c.account) {
			return h, nil
		}
	}
	return nil, errf("HandshakeNotFoundException", "We can't find a handshake with the HandshakeId that you specified.")
}

func (s *Sandbox) answerHandshake(c *caller, in *orgInput, now time.Time, accept bool) (any, bool, *awsError) {
	h, err := s.visibleHandshake(c, in.HandshakeId)
	if err != nil {
		return nil, false, err
	}
	if !h.targets(c.account) {
		return nil, false, accessDenied()
	}
	want := "DECLINED"
	if accept {
		want = "ACCEPTED"
	}
	state := h.State
	if state == "OPEN" && now.After(h.ExpiresAt) {
		state = "EXPIRED"
	}
	if state == want {
		return nil, false, errf("HandshakeAlreadyInStateException", "The specified handshake is already in the requested state.")
	}
	if state != "OPEN" {
		return nil, false, errf("InvalidHandshakeTransitionException", "You can't perform the operation on the handshake in its current state (%s).", state)
	}
	if accept {
		o := s.ix.orgByID[h.OrgID]
		if o == nil {
			return nil, false, errf("InvalidHandshakeTransitionException", "The organization that sent the invitation no longer exists.")
		}
		if c.account.OrgID != "" {
			return nil, false, hsConstraint("ALREADY_IN_AN_ORGANIZATION", "The handshake request is invalid because the account is already a member of an organization.")
		}
		if len(s.ix.orgAccounts[o.ID]) >= o.AccountQuota {
			return nil, false, hsConstraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED", "The organization has reached its limit of accounts.")
		}
		s.join(o, c.account, "INVITED", now)
	}
	h.State = want
	return map[string]any{"Handshake": s.handshakeOut(h, now)}, true, nil
}

func (s *Sandbox) acceptHandshake(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	return s.answerHandshake(c, in, now, true)
}

func (s *Sandbox) declineHandshake(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	return s.answerHandshake(c, in, now, false)
}

func (s *Sandbox) describeHandshake(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	h, err := s.visibleHandshake(c, in.HandshakeId)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"Handshake": s.handshakeOut(h, now)}, false, nil
}

func handshakeAction(raw json.RawMessage) (string, *awsError) {
	if len(raw) == 0 {
		return "", nil
	}
	var f struct{ ActionType string }
	if err := json.Unmarshal(raw, &f); err != nil {
		return "", invalidInput("INVALID_INPUT", "Filter must be an object with ActionType or ParentHandshakeId.")
	}
	return f.ActionType, nil
}

func (s *Sandbox) listHandshakes(in *orgInput, now time.Time, op string, keep func(*handshake) bool) (any, bool, *awsError) {
	action, err := handshakeAction(in.Filter)
	if err != nil {
		return nil, false, err
	}
	var list []*handshake
	for _, o := range s.st.Organizations {
		for _, h := range o.Handshakes {
			if keep(h) && (action == "" || h.Action == action) {
				list = append(list, h)
			}
		}
	}
	page, next, err := paginate(list, in, op, 20)
	if err != nil {
		return nil, false, err
	}
	out := make([]handshakeOut, 0, len(page))
	for _, h := range page {
		out = append(out, s.handshakeOut(h, now))
	}
	return paged("Handshakes", out, next), false, nil
}

func (s *Sandbox) listHandshakesForAccount(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	return s.listHandshakes(in, now, "ListHandshakesForAccount", func(h *handshake) bool {
		o := s.ix.orgByID[h.OrgID]
		return h.targets(c.account) || (o != nil && o.ManagementID == c.account.ID)
	})
}

func (s *Sandbox) listHandshakesForOrganization(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	return s.listHandshakes(in, now, "ListHandshakesForOrganization", func(h *handshake) bool { return h.OrgID == o.ID })
}

// --- trusted service access -------------------------------------------------

func (s *Sandbox) enableServiceAccess(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := required("ServicePrincipal", in.ServicePrincipal); err != nil {
		return nil, false, err
	}
	if !strings.HasSuffix(in.ServicePrincipal, ".amazonaws.com") {
		return nil, false, invalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified a service principal that isn't recognized: %q.", in.ServicePrincipal)
	}
	for _, sa := range o.ServiceAccess {
		if sa.Principal == in.ServicePrincipal {
			return struct{}{}, false, nil
		}
	}
	o.ServiceAccess = append(o.ServiceAccess, serviceAccess{Principal: in.ServicePrincipal, EnabledAt: now})
	return struct{}{}, true, nil
}

func (s *Sandbox) disableServiceAccess(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := required("ServicePrincipal", in.ServicePrincipal); err != nil {
		return nil, false, err
	}
	o.ServiceAccess = slices.DeleteFunc(o.ServiceAccess, func(sa serviceAccess) bool { return sa.Principal == in.ServicePrincipal })
	return struct{}{}, true, nil
}

func (s *Sandbox) listServiceAccess(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	type enabled struct {
		ServicePrincipal string
		DateEnabled      *epoch
	}
	list := make([]enabled, 0, len(o.ServiceAccess))
	for _, sa := range o.ServiceAccess {
		list = append(list, enabled{sa.Principal, ts(sa.EnabledAt)})
	}
	page, next, err := paginate(list, in, "ListAWSServiceAccessForOrganization", 20)
	if err != nil {
		return nil, false, err
	}
	return paged("EnabledServicePrincipals", page, next), false, nil
}
