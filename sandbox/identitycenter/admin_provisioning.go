package identitycenter

import "slices"

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
