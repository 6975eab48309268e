package identitycenter

import (
	"strings"
)

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

// racing refuses a creation or deletion of an assignment while another one of the same assignment is in
// flight: AWS answers the overlap of a grant and a revocation with ConflictException, to be retried.
func (in *Instance) racing(a Assignment) error {
	for _, op := range in.Operations {
		if (op.Kind == "create" || op.Kind == "delete") && op.Status == "IN_PROGRESS" && op.TargetID == a.AccountID &&
			op.PermissionSetARN == a.PermissionSetARN && op.PrincipalType == a.PrincipalType && op.PrincipalID == a.PrincipalID {
			return conflict("An account assignment of this permission set to %s %s in account %s is being %s (request %s); try again when it has finished.",
				strings.ToLower(a.PrincipalType), a.PrincipalID, a.AccountID, map[string]string{"create": "created", "delete": "deleted"}[op.Kind], op.RequestID)
		}
	}
	return nil
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
	if err := in.racing(a); err != nil {
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
	if err := in.busy(ps, true); err != nil {
		return nil, false, err
	}
	if err := in.racing(a); err != nil {
		return nil, false, err
	}
	if in.assignment(a) == nil {
		return nil, false, notFound("Could not find an account assignment of %s to %s %s in account %s.", ps.Name, strings.ToLower(a.PrincipalType), a.PrincipalID, a.AccountID)
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

// listAssignmentsForPrincipal lists the assignments of one user or group, across accounts (optionally one).
func listAssignmentsForPrincipal(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	principalType, err := c.required("PrincipalType")
	if err != nil {
		return nil, false, err
	}
	if principalType != "USER" && principalType != "GROUP" {
		return nil, false, validation("1 validation error detected: Value '%s' at 'principalType' failed to satisfy constraint: Member must satisfy enum value set: [USER, GROUP]", principalType)
	}
	principalID, err := c.required("PrincipalId")
	if err != nil {
		return nil, false, err
	}
	var filter struct{ AccountId string }
	if err := c.decode("Filter", &filter); err != nil {
		return nil, false, err
	}
	if filter.AccountId != "" && !accountIDRe.MatchString(filter.AccountId) {
		return nil, false, validation("1 validation error detected: Value '%s' at 'filter.accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}", filter.AccountId)
	}
	var found []*Assignment
	for _, a := range in.Assignments {
		if a.PrincipalType == principalType && a.PrincipalID == principalID && (filter.AccountId == "" || a.AccountID == filter.AccountId) {
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
