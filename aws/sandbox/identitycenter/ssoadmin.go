package identitycenter

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
		"ListAccountsForProvisionedPermissionSet": listAccountsForPermissionSet,
		"ListPermissionSetsProvisionedToAccount":  listPermissionSetsForAccount,
	}
}

// management refuses a caller that is not the management account of an organization with an instance:
// the sandbox has no delegated administrator.
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

func listInstances(c *call) (any, bool, error) {
	var mine []*Instance
	for _, in := range c.st.Instances {
		if in.Owner == c.env.Caller {
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

func withNext(out map[string]any, next string) map[string]any {
	if next != "" {
		out["NextToken"] = next
	}
	return out
}

func describeInstance(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	return instanceOut(in), false, nil
}

func permissionSetOut(ps *PermissionSet) map[string]any {
	out := map[string]any{"Name": ps.Name, "PermissionSetArn": ps.ARN, "CreatedDate": epoch(ps.CreatedAt), "SessionDuration": ps.SessionDuration}
	if ps.Description != "" {
		out["Description"] = ps.Description
	}
	if ps.RelayState != "" {
		out["RelayState"] = ps.RelayState
	}
	return out
}

// checkDuration accepts an ISO-8601 duration from one to twelve hours.
func checkDuration(d string) error {
	m := durationRe.FindStringSubmatch(d)
	if m == nil || d == "P" || strings.HasSuffix(d, "T") {
		return validation("1 validation error detected: Value '%s' at 'sessionDuration' failed to satisfy constraint: Member must be an ISO-8601 duration such as PT4H", d)
	}
	var secs int
	for i, unit := range []int{86400, 3600, 60, 1} {
		if m[i+1] != "" {
			n, err := strconv.Atoi(m[i+1])
			if err != nil || n > 1e6 {
				return validation("Session duration %s is not between PT1H and PT12H.", d)
			}
			secs += n * unit
		}
	}
	if secs < 3600 || secs > 12*3600 {
		return validation("Session duration %s is not between PT1H and PT12H: the session duration of a permission set must be from 1 to 12 hours.", d)
	}
	return nil
}

// sessionSeconds is the length of a checked session duration.
func sessionSeconds(d string) time.Duration {
	m := durationRe.FindStringSubmatch(d)
	var secs int
	for i, unit := range []int{86400, 3600, 60, 1} {
		if m != nil && m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			secs += n * unit
		}
	}
	if secs == 0 {
		secs = 3600
	}
	return time.Duration(secs) * time.Second
}

func checkDescription(d string) error {
	if utf8.RuneCountInString(d) > 700 || !descriptionRe.MatchString(d) {
		return validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 700 and contain only printable Latin-1 characters")
	}
	return nil
}

func checkRelayState(r string) error {
	if utf8.RuneCountInString(r) > 240 {
		return validation("1 validation error detected: Value at 'relayState' failed to satisfy constraint: Member must have length less than or equal to 240")
	}
	return nil
}

func checkTags(tags []Tag) error {
	for _, t := range tags {
		if !tagKeyRe.MatchString(t.Key) {
			return validation("1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128 and satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", t.Key)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return validation("Tag key %s is reserved: keys beginning with aws: are for AWS's use.", t.Key)
		}
		if !tagValueRe.MatchString(t.Value) {
			return validation("1 validation error detected: Value at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256 and satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*")
		}
	}
	return nil
}

func mergeTags(have, add []Tag) []Tag {
	for _, t := range add {
		if i := slices.IndexFunc(have, func(x Tag) bool { return x.Key == t.Key }); i >= 0 {
			have[i].Value = t.Value
		} else {
			have = append(have, t)
		}
	}
	return have
}

func createPermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	name, err := c.required("Name")
	if err != nil {
		return nil, false, err
	}
	if !permissionSetName.MatchString(name) {
		return nil, false, validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must have length between 1 and 32 and satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	desc, err := c.str("Description")
	if err != nil {
		return nil, false, err
	}
	if err := checkDescription(desc); err != nil {
		return nil, false, err
	}
	duration, err := c.str("SessionDuration")
	if err != nil {
		return nil, false, err
	}
	if duration == "" {
		duration = "PT1H"
	}
	if err := checkDuration(duration); err != nil {
		return nil, false, err
	}
	relay, err := c.str("RelayState")
	if err != nil {
		return nil, false, err
	}
	if err := checkRelayState(relay); err != nil {
		return nil, false, err
	}
	var tags []Tag
	if err := c.decode("Tags", &tags); err != nil {
		return nil, false, err
	}
	if err := checkTags(tags); err != nil {
		return nil, false, err
	}
	if merged := mergeTags(nil, tags); len(merged) > maxTags {
		return nil, false, validation("A permission set can have at most %d tags; %d were given.", maxTags, len(merged))
	}
	for _, ps := range in.PermissionSets {
		if strings.EqualFold(ps.Name, name) {
			return nil, false, conflict("PermissionSet with name %s already exists.", name)
		}
	}
	if len(in.PermissionSets) >= maxPermissionSets {
		return nil, false, quotaExceeded("The instance already has %d permission sets, the most Identity Center allows.", maxPermissionSets)
	}
	now := c.env.Now.UTC()
	ps := &PermissionSet{ARN: "arn:aws:sso:::permissionSet/" + strings.TrimPrefix(in.ARN, "arn:aws:sso:::instance/") + "/ps-" + randomHex(16),
		Name: name, Description: desc, SessionDuration: duration, RelayState: relay, CreatedAt: now, UpdatedAt: now,
		Tags: mergeTags(nil, tags)}
	in.PermissionSets = append(in.PermissionSets, ps)
	return map[string]any{"PermissionSet": permissionSetOut(ps)}, true, nil
}

func describePermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"PermissionSet": permissionSetOut(ps)}, false, nil
}

func listPermissionSets(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	from, to, next, err := c.page(len(in.PermissionSets), maxAdminResults)
	if err != nil {
		return nil, false, err
	}
	arns := []string{}
	for _, ps := range in.PermissionSets[from:to] {
		arns = append(arns, ps.ARN)
	}
	return withNext(map[string]any{"PermissionSets": arns}, next), false, nil
}

func updatePermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	desc, err := c.str("Description")
	if err != nil {
		return nil, false, err
	}
	duration, err := c.str("SessionDuration")
	if err != nil {
		return nil, false, err
	}
	relay, err := c.str("RelayState")
	if err != nil {
		return nil, false, err
	}
	if err := checkDescription(desc); err != nil {
		return nil, false, err
	}
	if duration != "" {
		if err := checkDuration(duration); err != nil {
			return nil, false, err
		}
	}
	if err := checkRelayState(relay); err != nil {
		return nil, false, err
	}
	if err := in.busy(ps, false); err != nil {
		return nil, false, err
	}
	if _, ok := c.in["Description"]; ok {
		ps.Description = desc
	}
	if duration != "" {
		ps.SessionDuration = duration
	}
	if _, ok := c.in["RelayState"]; ok {
		ps.RelayState = relay
	}
	ps.changed(c.env.Now)
	return map[string]any{}, true, nil
}

func deletePermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	if err := in.busy(ps, false); err != nil {
		return nil, false, err
	}
	// The sandbox refuses rather than silently removing people's access: delete the assignments first.
	if slices.ContainsFunc(in.Assignments, func(a *Assignment) bool { return a.PermissionSetARN == ps.ARN }) {
		return nil, false, conflict("Permission set %s is still assigned in accounts; delete its account assignments first.", ps.Name)
	}
	in.PermissionSets = slices.DeleteFunc(in.PermissionSets, func(x *PermissionSet) bool { return x == ps })
	return map[string]any{}, true, nil
}

func policyName(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

func attachManagedPolicy(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	arn, err := c.required("ManagedPolicyArn")
	if err != nil {
		return nil, false, err
	}
	if !managedPolicyARNRe.MatchString(arn) {
		return nil, false, validation("1 validation error detected: Value '%s' at 'managedPolicyArn' failed to satisfy constraint: Member must be the ARN of an AWS managed policy, such as arn:aws:iam::aws:policy/ReadOnlyAccess", arn)
	}
	if err := in.busy(ps, false); err != nil {
		return nil, false, err
	}
	if slices.Contains(ps.ManagedPolicies, arn) {
		return nil, false, conflict("Managed policy %s is already attached to permission set %s.", arn, ps.Name)
	}
	if len(ps.ManagedPolicies) >= maxManagedPolicies {
		return nil, false, quotaExceeded("Permission set %s already has %d managed policies attached, the most Identity Center allows.", ps.Name, maxManagedPolicies)
	}
	ps.ManagedPolicies = append(ps.ManagedPolicies, arn)
	ps.changed(c.env.Now)
	return map[string]any{}, true, nil
}

func listManagedPolicies(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	from, to, next, err := c.page(len(ps.ManagedPolicies), maxAdminResults)
	if err != nil {
		return nil, false, err
	}
	list := []any{}
	for _, arn := range ps.ManagedPolicies[from:to] {
		list = append(list, map[string]string{"Name": policyName(arn), "Arn": arn})
	}
	return withNext(map[string]any{"AttachedManagedPolicies": list}, next), false, nil
}

func detachManagedPolicy(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	arn, err := c.required("ManagedPolicyArn")
	if err != nil {
		return nil, false, err
	}
	if err := in.busy(ps, false); err != nil {
		return nil, false, err
	}
	if !slices.Contains(ps.ManagedPolicies, arn) {
		return nil, false, notFound("Managed policy %s is not attached to permission set %s.", arn, ps.Name)
	}
	ps.ManagedPolicies = slices.DeleteFunc(ps.ManagedPolicies, func(x string) bool { return x == arn })
	ps.changed(c.env.Now)
	return map[string]any{}, true, nil
}

func putInlinePolicy(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	doc, err := c.required("InlinePolicy")
	if err != nil {
		return nil, false, err
	}
	if n := utf8.RuneCountInString(doc); n > maxInlinePolicySize {
		return nil, false, validation("1 validation error detected: Value at 'inlinePolicy' failed to satisfy constraint: Member must have length less than or equal to %d (it has %d)", maxInlinePolicySize, n)
	}
	if !policyCharsRe.MatchString(doc) {
		return nil, false, validation("1 validation error detected: Value at 'inlinePolicy' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")
	}
	if n := len(strings.Join(strings.Fields(doc), "")); n > maxInlinePolicyDense {
		return nil, false, validation("The inline policy has %d characters that are not whitespace; a permission set's inline policy may have at most %d (and %d in all).", n, maxInlinePolicyDense, maxInlinePolicySize)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &obj) != nil || obj["Statement"] == nil {
		return nil, false, validation("The inline policy is not a valid policy document: it must be a JSON object with a Statement.")
	}
	if err := in.busy(ps, false); err != nil {
		return nil, false, err
	}
	ps.InlinePolicy = doc
	ps.changed(c.env.Now)
	return map[string]any{}, true, nil
}

func getInlinePolicy(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"InlinePolicy": ps.InlinePolicy}, false, nil
}

func deleteInlinePolicy(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	if err := in.busy(ps, false); err != nil {
		return nil, false, err
	}
	changed := ps.InlinePolicy != ""
	if changed {
		ps.InlinePolicy = ""
		ps.changed(c.env.Now)
	}
	return map[string]any{}, changed, nil
}

// taggable finds the ResourceArn of a tag call: a permission set of the instance.
func (c *call) taggable(in *Instance) (*PermissionSet, error) {
	arn, err := c.required("ResourceArn")
	if err != nil {
		return nil, err
	}
	return lookupPermissionSet(in, arn)
}

func tagResource(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.taggable(in)
	if err != nil {
		return nil, false, err
	}
	var tags []Tag
	if err := c.decode("Tags", &tags); err != nil {
		return nil, false, err
	}
	if len(tags) == 0 {
		return nil, false, validation("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if err := checkTags(tags); err != nil {
		return nil, false, err
	}
	merged := mergeTags(slices.Clone(ps.Tags), tags)
	if len(merged) > maxTags {
		return nil, false, quotaExceeded("Permission set %s would have %d tags; a resource can have at most %d.", ps.Name, len(merged), maxTags)
	}
	ps.Tags = merged
	return map[string]any{}, true, nil
}

func untagResource(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.taggable(in)
	if err != nil {
		return nil, false, err
	}
	var keys []string
	if err := c.decode("TagKeys", &keys); err != nil {
		return nil, false, err
	}
	if len(keys) == 0 {
		return nil, false, validation("1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	before := len(ps.Tags)
	ps.Tags = slices.DeleteFunc(ps.Tags, func(t Tag) bool { return slices.Contains(keys, t.Key) })
	return map[string]any{}, len(ps.Tags) != before, nil
}

func listTags(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.taggable(in)
	if err != nil {
		return nil, false, err
	}
	from, to, next, err := c.page(len(ps.Tags), maxTags)
	if err != nil {
		return nil, false, err
	}
	tags := append([]Tag{}, ps.Tags[from:to]...)
	return withNext(map[string]any{"Tags": tags}, next), false, nil
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
	op := &Operation{RequestID: newUUID(), Kind: kind, Status: "IN_PROGRESS", TargetID: target, PermissionSetARN: ps.ARN,
		PrincipalType: principalType, PrincipalID: principalID, CreatedAt: now, CompleteAt: now.Add(c.env.Delay)}
	in.Operations = append(in.Operations, op)
	return op
}

func provisioningOut(op *Operation) map[string]any {
	out := map[string]any{"Status": op.Status, "RequestId": op.RequestID, "PermissionSetArn": op.PermissionSetARN, "CreatedDate": epoch(op.CreatedAt)}
	if op.TargetID != "" {
		out["AccountId"] = op.TargetID
	}
	if op.FailureReason != "" {
		out["FailureReason"] = op.FailureReason
	}
	return out
}

func provisionPermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	targetType, err := c.required("TargetType")
	if err != nil {
		return nil, false, err
	}
	target, err := c.str("TargetId")
	if err != nil {
		return nil, false, err
	}
	switch targetType {
	case "AWS_ACCOUNT":
		if target == "" {
			return nil, false, validation("TargetId is required when TargetType is AWS_ACCOUNT.")
		}
		if err := c.orgAccount(in, target, "targetId"); err != nil {
			return nil, false, err
		}
	case "ALL_PROVISIONED_ACCOUNTS":
		if target != "" {
			return nil, false, validation("TargetId must not be given when TargetType is ALL_PROVISIONED_ACCOUNTS.")
		}
	default:
		return nil, false, validation("1 validation error detected: Value '%s' at 'targetType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_ACCOUNT, ALL_PROVISIONED_ACCOUNTS]", targetType)
	}
	if err := in.busy(ps, false); err != nil {
		return nil, false, err
	}
	op := in.newOperation(c, "provision", ps, target, "", "")
	return map[string]any{"PermissionSetProvisioningStatus": provisioningOut(op)}, true, nil
}

func (c *call) operation(in *Instance, kind, idMember string) (*Operation, error) {
	id, err := c.required(idMember)
	if err != nil {
		return nil, err
	}
	if !uuidRe.MatchString(id) {
		return nil, validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: \\b[0-9a-f]{8}\\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\\b[0-9a-f]{12}\\b", id, lowerFirst(idMember))
	}
	for _, op := range in.Operations {
		if op.RequestID == id && op.Kind == kind {
			return op, nil
		}
	}
	return nil, notFound("Could not find a request with id %s.", id)
}

func describeProvisioning(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	op, err := c.operation(in, "provision", "ProvisionPermissionSetRequestId")
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"PermissionSetProvisioningStatus": provisioningOut(op)}, false, nil
}

// statusFilter reads Filter.Status of the list-status calls.
func (c *call) statusFilter() (string, error) {
	var f struct{ Status string }
	if err := c.decode("Filter", &f); err != nil {
		return "", err
	}
	switch f.Status {
	case "", "IN_PROGRESS", "FAILED", "SUCCEEDED":
		return f.Status, nil
	}
	return "", validation("1 validation error detected: Value '%s' at 'filter.status' failed to satisfy constraint: Member must satisfy enum value set: [IN_PROGRESS, FAILED, SUCCEEDED]", f.Status)
}

func (in *Instance) operations(kind, status string) []*Operation {
	var out []*Operation
	for _, op := range in.Operations {
		if op.Kind == kind && (status == "" || op.Status == status) {
			out = append(out, op)
		}
	}
	return out
}

func listProvisioning(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	status, err := c.statusFilter()
	if err != nil {
		return nil, false, err
	}
	ops := in.operations("provision", status)
	from, to, next, err := c.page(len(ops), maxAdminResults)
	if err != nil {
		return nil, false, err
	}
	list := []any{}
	for _, op := range ops[from:to] {
		list = append(list, map[string]any{"Status": op.Status, "RequestId": op.RequestID, "CreatedDate": epoch(op.CreatedAt)})
	}
	return withNext(map[string]any{"PermissionSetsProvisioningStatus": list}, next), false, nil
}

func assignmentOpOut(op *Operation) map[string]any {
	out := map[string]any{"Status": op.Status, "RequestId": op.RequestID, "TargetId": op.TargetID, "TargetType": "AWS_ACCOUNT",
		"PermissionSetArn": op.PermissionSetARN, "PrincipalType": op.PrincipalType, "PrincipalId": op.PrincipalID, "CreatedDate": epoch(op.CreatedAt)}
	if op.FailureReason != "" {
		out["FailureReason"] = op.FailureReason
	}
	return out
}

// assignmentInput reads and checks the members Create- and DeleteAccountAssignment share.
func (c *call) assignmentInput(in *Instance) (*PermissionSet, Assignment, error) {
	var a Assignment
	targetType, err := c.required("TargetType")
	if err != nil {
		return nil, a, err
	}
	if targetType != "AWS_ACCOUNT" {
		return nil, a, validation("1 validation error detected: Value '%s' at 'targetType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_ACCOUNT]", targetType)
	}
	target, err := c.required("TargetId")
	if err != nil {
		return nil, a, err
	}
	if err := c.orgAccount(in, target, "targetId"); err != nil {
		return nil, a, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, a, err
	}
	principalType, err := c.required("PrincipalType")
	if err != nil {
		return nil, a, err
	}
	principalID, err := c.required("PrincipalId")
	if err != nil {
		return nil, a, err
	}
	switch principalType {
	case "USER":
		if in.user(principalID) == nil {
			return nil, a, notFound("Could not find user %s in identity store %s.", principalID, in.IdentityStoreID)
		}
	case "GROUP":
		if in.group(principalID) == nil {
			return nil, a, notFound("Could not find group %s in identity store %s.", principalID, in.IdentityStoreID)
		}
	default:
		return nil, a, validation("1 validation error detected: Value '%s' at 'principalType' failed to satisfy constraint: Member must satisfy enum value set: [USER, GROUP]", principalType)
	}
	return ps, Assignment{AccountID: target, PermissionSetARN: ps.ARN, PrincipalType: principalType, PrincipalID: principalID}, nil
}

func createAssignment(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, a, err := c.assignmentInput(in)
	if err != nil {
		return nil, false, err
	}
	if err := in.busy(ps, true); err != nil {
		return nil, false, err
	}
	op := in.newOperation(c, "create", ps, a.AccountID, a.PrincipalType, a.PrincipalID)
	return map[string]any{"AccountAssignmentCreationStatus": assignmentOpOut(op)}, true, nil
}

func deleteAssignment(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, a, err := c.assignmentInput(in)
	if err != nil {
		return nil, false, err
	}
	if in.assignment(a) == nil && !slices.ContainsFunc(in.Operations, func(op *Operation) bool {
		return op.Kind == "create" && op.Status == "IN_PROGRESS" && op.TargetID == a.AccountID && op.PermissionSetARN == a.PermissionSetARN &&
			op.PrincipalType == a.PrincipalType && op.PrincipalID == a.PrincipalID
	}) {
		return nil, false, notFound("Could not find an account assignment of %s to %s %s in account %s.", ps.Name, strings.ToLower(a.PrincipalType), a.PrincipalID, a.AccountID)
	}
	if err := in.busy(ps, true); err != nil {
		return nil, false, err
	}
	op := in.newOperation(c, "delete", ps, a.AccountID, a.PrincipalType, a.PrincipalID)
	return map[string]any{"AccountAssignmentDeletionStatus": assignmentOpOut(op)}, true, nil
}

func describeAssignmentOp(kind, idMember, outMember string) jsonOp {
	return func(c *call) (any, bool, error) {
		in, err := c.instance()
		if err != nil {
			return nil, false, err
		}
		op, err := c.operation(in, kind, idMember)
		if err != nil {
			return nil, false, err
		}
		return map[string]any{outMember: assignmentOpOut(op)}, false, nil
	}
}

func listAssignmentOps(kind, outMember string) jsonOp {
	return func(c *call) (any, bool, error) {
		in, err := c.instance()
		if err != nil {
			return nil, false, err
		}
		status, err := c.statusFilter()
		if err != nil {
			return nil, false, err
		}
		ops := in.operations(kind, status)
		from, to, next, err := c.page(len(ops), maxAdminResults)
		if err != nil {
			return nil, false, err
		}
		list := []any{}
		for _, op := range ops[from:to] {
			list = append(list, map[string]any{"Status": op.Status, "RequestId": op.RequestID, "CreatedDate": epoch(op.CreatedAt)})
		}
		return withNext(map[string]any{outMember: list}, next), false, nil
	}
}

func listAssignments(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	acct, err := c.required("AccountId")
	if err != nil {
		return nil, false, err
	}
	if !accountIDRe.MatchString(acct) {
		return nil, false, validation("1 validation error detected: Value '%s' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}", acct)
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	var found []*Assignment
	for _, a := range in.Assignments {
		if a.AccountID == acct && a.PermissionSetARN == ps.ARN {
			found = append(found, a)
		}
	}
	from, to, next, err := c.page(len(found), maxAdminResults)
	if err != nil {
		return nil, false, err
	}
	list := []any{}
	for _, a := range found[from:to] {
		list = append(list, map[string]string{"AccountId": a.AccountID, "PermissionSetArn": a.PermissionSetARN, "PrincipalType": a.PrincipalType, "PrincipalId": a.PrincipalID})
	}
	return withNext(map[string]any{"AccountAssignments": list}, next), false, nil
}

// provisioningFilter reads ProvisioningStatus and says whether an account provisioned with version
// have, of a permission set at version latest, passes it.
func (c *call) provisioningFilter() (func(have, latest int) bool, error) {
	f, err := c.str("ProvisioningStatus")
	if err != nil {
		return nil, err
	}
	switch f {
	case "":
		return func(int, int) bool { return true }, nil
	case "LATEST_PERMISSION_SET_PROVISIONED":
		return func(have, latest int) bool { return have == latest }, nil
	case "LATEST_PERMISSION_SET_NOT_PROVISIONED":
		return func(have, latest int) bool { return have != latest }, nil
	}
	return nil, validation("1 validation error detected: Value '%s' at 'provisioningStatus' failed to satisfy constraint: Member must satisfy enum value set: [LATEST_PERMISSION_SET_PROVISIONED, LATEST_PERMISSION_SET_NOT_PROVISIONED]", f)
}

func listAccountsForPermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	keep, err := c.provisioningFilter()
	if err != nil {
		return nil, false, err
	}
	var ids []string
	for acct, when := range ps.Provisioned {
		if keep(when, ps.Version) {
			ids = append(ids, acct)
		}
	}
	slices.Sort(ids)
	from, to, next, err := c.page(len(ids), maxAdminResults)
	if err != nil {
		return nil, false, err
	}
	return withNext(map[string]any{"AccountIds": append([]string{}, ids[from:to]...)}, next), false, nil
}

func listPermissionSetsForAccount(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	acct, err := c.required("AccountId")
	if err != nil {
		return nil, false, err
	}
	if !accountIDRe.MatchString(acct) {
		return nil, false, validation("1 validation error detected: Value '%s' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}", acct)
	}
	keep, err := c.provisioningFilter()
	if err != nil {
		return nil, false, err
	}
	var arns []string
	for _, ps := range in.PermissionSets {
		if when, ok := ps.Provisioned[acct]; ok && keep(when, ps.Version) {
			arns = append(arns, ps.ARN)
		}
	}
	from, to, next, err := c.page(len(arns), maxAdminResults)
	if err != nil {
		return nil, false, err
	}
	return withNext(map[string]any{"PermissionSets": append([]string{}, arns[from:to]...)}, next), false, nil
}
