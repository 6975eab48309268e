package identitycenter

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

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
