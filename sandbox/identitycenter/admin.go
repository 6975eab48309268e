package identitycenter

import (
	"regexp"
	"slices"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// sso-admin (awsJson1_1, target prefix SWBExternalService). The limits are AWS's, from the API reference
// and the Identity Center quotas page; where AWS's documents leave a case open the comment says what the
// sandbox chose.

const (
	maxPermissionSets    = 2000  // permission sets per instance
	maxManagedPolicies   = 20    // AWS managed policies per permission set
	maxInlinePolicySize  = 32768 // characters of an inline policy (PermissionSetPolicyDocument)
	maxInlinePolicyDense = 10240 // of which at most this many are not whitespace (the quotas page)
	maxTags              = 50    // tags per resource
	maxAdminResults      = 100
)

var (
	instanceARNRe      = regexp.MustCompile(`^arn:aws:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$`)
	permissionSetARNRe = regexp.MustCompile(`^arn:aws:sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}$`)
	permissionSetName  = regexp.MustCompile(`^[\w+=,.@-]{1,32}$`)
	descriptionRe      = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{00A1}-\x{00FF}]*$`)
	managedPolicyARNRe = regexp.MustCompile(`^arn:aws:iam::aws:policy/[\w+=,.@/-]{1,256}$`)
	accountIDRe        = regexp.MustCompile(`^\d{12}$`)
	durationRe         = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)
	tagKeyRe           = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
	tagValueRe         = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$`)
	policyCharsRe      = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+$`)
	uuidRe             = regexp.MustCompile(`^\b[0-9a-f]{8}\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\b[0-9a-f]{12}\b$`)
)

var adminOps map[string]jsonOp

func init() {
	adminOps = map[string]jsonOp{
		"ListInstances":                           listInstances,
		"DescribeInstance":                        describeInstance,
		"CreatePermissionSet":                     createPermissionSet,
		"DescribePermissionSet":                   describePermissionSet,
		"ListPermissionSets":                      listPermissionSets,
		"UpdatePermissionSet":                     updatePermissionSet,
		"DeletePermissionSet":                     deletePermissionSet,
		"AttachManagedPolicyToPermissionSet":      attachManagedPolicy,
		"ListManagedPoliciesInPermissionSet":      listManagedPolicies,
		"DetachManagedPolicyFromPermissionSet":    detachManagedPolicy,
		"PutInlinePolicyToPermissionSet":          putInlinePolicy,
		"GetInlinePolicyForPermissionSet":         getInlinePolicy,
		"DeleteInlinePolicyFromPermissionSet":     deleteInlinePolicy,
		"TagResource":                             tagResource,
		"UntagResource":                           untagResource,
		"ListTagsForResource":                     listTags,
		"ProvisionPermissionSet":                  provisionPermissionSet,
		"DescribePermissionSetProvisioningStatus": describeProvisioning,
		"ListPermissionSetProvisioningStatus":     listProvisioning,
		"CreateAccountAssignment":                 createAssignment,
		"DeleteAccountAssignment":                 deleteAssignment,
		"DescribeAccountAssignmentCreationStatus": describeAssignmentOp("create", "AccountAssignmentCreationRequestId", "AccountAssignmentCreationStatus"),
		"DescribeAccountAssignmentDeletionStatus": describeAssignmentOp("delete", "AccountAssignmentDeletionRequestId", "AccountAssignmentDeletionStatus"),
		"ListAccountAssignmentCreationStatus":     listAssignmentOps("create", "AccountAssignmentsCreationStatus"),
		"ListAccountAssignmentDeletionStatus":     listAssignmentOps("delete", "AccountAssignmentsDeletionStatus"),
		"ListAccountAssignments":                  listAssignments,
		"ListAccountAssignmentsForPrincipal":      listAssignmentsForPrincipal,
		"ListAccountsForProvisionedPermissionSet": listAccountsForPermissionSet,
		"ListPermissionSetsProvisionedToAccount":  listPermissionSetsForAccount,
	}
}

// denied refuses a caller that is not the management account owning the instance: the sandbox has no
// delegated administrator.
func (c *call) denied(resource string) error {
	return accessDenied("User: %s is not authorized to perform: sso:%s on resource: %s", c.env.Principal, c.op, resource)
}

// instance finds the InstanceArn of the call among the caller's instances.
func (c *call) instance() (*Instance, error) {
	arn, err := c.required("InstanceArn")
	if err != nil {
		return nil, err
	}
	if !instanceARNRe.MatchString(arn) {
		return nil, validation("1 validation error detected: Value '%s' at 'instanceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}", arn)
	}
	in := c.st.instance(arn)
	if in == nil {
		return nil, notFound("Could not find Identity Center instance with arn %s.", arn)
	}
	if in.Owner != c.env.Caller {
		return nil, c.denied(arn)
	}
	return in, nil
}

// permissionSet finds the call's PermissionSetArn in the instance.
func (c *call) permissionSet(in *Instance) (*PermissionSet, error) {
	arn, err := c.required("PermissionSetArn")
	if err != nil {
		return nil, err
	}
	return lookupPermissionSet(in, arn)
}

func lookupPermissionSet(in *Instance, arn string) (*PermissionSet, error) {
	if !permissionSetARNRe.MatchString(arn) {
		return nil, validation("1 validation error detected: Value '%s' at 'permissionSetArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}", arn)
	}
	ps := in.permissionSet(arn)
	if ps == nil {
		return nil, notFound("Could not find PermissionSet with arn %s.", arn)
	}
	return ps, nil
}

// busy refuses a change to a permission set while a request on it is in flight, as AWS answers a change
// during provisioning.
func (in *Instance) busy(ps *PermissionSet, provisioningOnly bool) error {
	for _, op := range in.Operations {
		if op.PermissionSetARN == ps.ARN && op.Status == "IN_PROGRESS" && (!provisioningOnly || op.Kind == "provision") {
			return conflict("Conflicting operation in progress: permission set %s is being provisioned (request %s). Try again when it has finished.", ps.Name, op.RequestID)
		}
	}
	return nil
}

func instanceOut(in *Instance) map[string]any {
	return map[string]any{"InstanceArn": in.ARN, "IdentityStoreId": in.IdentityStoreID, "OwnerAccountId": in.Owner,
		"CreatedDate": epoch(in.CreatedAt), "Status": "ACTIVE"}
}

// listInstances lists the caller's instances in the call's region: Identity Center is regional, and AWS
// lists an instance only in the region it was enabled in.
func listInstances(c *call) (any, bool, error) {
	var mine []*Instance
	for _, in := range c.st.Instances {
		if in.Owner == c.env.Caller && in.Region == c.env.Region {
			mine = append(mine, in)
		}
	}
	from, to, next, err := c.page(len(mine), maxAdminResults)
	if err != nil {
		return nil, false, err
	}
	list := []any{}
	for _, in := range mine[from:to] {
		list = append(list, instanceOut(in))
	}
	return withNext(map[string]any{"Instances": list}, next), false, nil
}

func describeInstance(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	return instanceOut(in), false, nil
}

// orgAccount checks that id is an account of the instance's organization.
func (c *call) orgAccount(in *Instance, id, member string) error {
	if !accountIDRe.MatchString(id) {
		return validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}", id, member)
	}
	org, ok := c.env.Org(in.Owner)
	if ok && slices.ContainsFunc(org.Accounts, func(a Account) bool { return a.ID == id }) {
		return nil
	}
	return validation("Account %s is not an account of organization %s.", id, in.OrgID)
}

func (in *Instance) newOperation(c *call, kind string, ps *PermissionSet, target, principalType, principalID string) *Operation {
	now := c.env.Now.UTC()
	op := &Operation{RequestID: core.NewUUID(), Kind: kind, Status: "IN_PROGRESS", TargetID: target, PermissionSetARN: ps.ARN,
		PrincipalType: principalType, PrincipalID: principalID, CreatedAt: now, CompleteAt: now.Add(c.env.Delay)}
	in.Operations = append(in.Operations, op)
	return op
}
