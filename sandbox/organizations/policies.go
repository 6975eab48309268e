package organizations

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// policies

func (s *Service) findPolicy(o *Organization, id string) (*Policy, *core.Error) {
	if err := required("PolicyId", id); err != nil {
		return nil, err
	}
	if !policyIDPattern.MatchString(id) {
		return nil, invalidInput("INVALID_SYNTAX_POLICY_ID", "You provided a policy id that isn't valid: %q.", id)
	}
	p := s.ix.policyByID[o.ID][id]
	if p == nil {
		return nil, core.Errf("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
	}
	return p, nil
}

func validPolicyContent(typ, content string) *core.Error {
	if content == "" {
		return invalidInput("MIN_LENGTH_EXCEEDED", "The policy content must not be empty.")
	}
	if len(content) > maxPolicySize[typ] {
		return constraint("POLICY_CONTENT_LIMIT_EXCEEDED", "You attempted to create a policy that is larger than the maximum size (%d characters for %s).", maxPolicySize[typ], typ)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(content), &doc); err != nil {
		return core.Errf("MalformedPolicyDocumentException", "The provided policy document doesn't meet the requirements of the specified policy type: %v.", err)
	}
	if typ == SCPType || typ == "RESOURCE_CONTROL_POLICY" {
		if _, ok := doc["Statement"]; !ok {
			return core.Errf("MalformedPolicyDocumentException", "The provided policy document doesn't meet the requirements of the specified policy type: missing Statement.")
		}
	}
	return nil
}

func validPolicyName(name *string) *core.Error {
	if name == nil || *name == "" {
		return invalidInput("MIN_LENGTH_EXCEEDED", "The policy name must be at least 1 character long.")
	}
	if len(*name) > 128 {
		return invalidInput("MAX_LENGTH_EXCEEDED", "The policy name must be at most 128 characters long.")
	}
	return nil
}

func (s *Service) policyNameTaken(o *Organization, typ, name, except string) bool {
	for _, p := range o.Policies {
		if p.Type == typ && p.Name == name && p.ID != except {
			return true
		}
	}
	return false
}

func (s *Service) createPolicy(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
		return nil, false, core.Errf("DuplicatePolicyException", "A policy with the same name already exists.")
	}
	count := 0
	for _, p := range o.Policies {
		if p.Type == in.Type {
			count++
		}
	}
	if count >= MaxPoliciesPerType {
		return nil, false, constraint("POLICY_NUMBER_LIMIT_EXCEEDED", "You attempted to exceed the number of policies that you can have in an organization.")
	}
	p := &Policy{ID: NewPolicyID(), Name: *in.Name, Description: desc, Type: in.Type, Content: content, Tags: tagMap(in.Tags)}
	o.Policies = append(o.Policies, p)
	s.ix.policyByID[o.ID][p.ID] = p
	return map[string]any{"Policy": map[string]any{"PolicySummary": policyOut(o, p), "Content": p.Content}}, true, nil
}

func (s *Service) updatePolicy(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
			return nil, false, core.Errf("DuplicatePolicyException", "A policy with the same name already exists.")
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

func (s *Service) describePolicy(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) deletePolicy(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
			return nil, false, core.Errf("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
		}
	}
	o.Policies = slices.DeleteFunc(o.Policies, func(x *Policy) bool { return x == p })
	delete(s.ix.policyByID[o.ID], p.ID)
	return struct{}{}, true, nil
}

func policyFilter(raw json.RawMessage) (string, *core.Error) {
	var f string
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil || f == "" {
		return "", invalidInput("INPUT_REQUIRED", "You must specify a value for Filter.")
	}
	if err := validPolicyType(f); err != nil {
		return "", err
	}
	return f, nil
}

func (s *Service) listPolicies(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
func (s *Service) target(o *Organization, id string) (targetOut, *core.Error) {
	if err := required("TargetId", id); err != nil {
		return targetOut{}, err
	}
	switch {
	case id == o.RootID:
		return targetOut{TargetId: id, Arn: s.rootOut(o).Arn, Name: "Root", Type: "ROOT"}, nil
	case accountIDPattern.MatchString(id):
		if a := s.dir.Account(id); a != nil && a.OrgID == o.ID {
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
	return targetOut{}, core.Errf("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
}

func (s *Service) listPoliciesForTarget(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) listTargetsForPolicy(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) attachPolicy(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
		return nil, false, core.Errf("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	attached := o.Attachments[in.TargetId]
	if slices.Contains(attached, p.ID) {
		return nil, false, core.Errf("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
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

func (s *Service) detachPolicy(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
		return nil, false, core.Errf("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
	}
	if p.Type == SCPType && slices.Contains(o.RootPolicyTypes, SCPType) {
		scps := 0
		for _, id := range attached {
			if q := s.ix.policyByID[o.ID][id]; q != nil && q.Type == SCPType {
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
