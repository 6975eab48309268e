package organizations

import (
	"slices"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// accounts

func (s *Service) listAccounts(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) listAccountsForParent(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
		out = append(out, s.accountOut(o, s.dir.Account(id)))
	}
	return paged("Accounts", out, next), false, nil
}

func (s *Service) findAccount(o *Organization, id string) (*core.Account, *core.Error) {
	if err := required("AccountId", id); err != nil {
		return nil, err
	}
	if !accountIDPattern.MatchString(id) {
		return nil, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: an account id is 12 digits.")
	}
	a := s.dir.Account(id)
	if a == nil || a.OrgID != o.ID {
		return nil, core.Errf("AccountNotFoundException", "You specified an account that doesn't exist.")
	}
	return a, nil
}

func (s *Service) describeAccount(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func validEmail(email string) *core.Error {
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

func validAccountName(name string) *core.Error {
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

func (s *Service) createAccount(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
		CompleteAt: now.Add(s.env.CreateAccountDelay()), State: "IN_PROGRESS",
		AccountID: s.unusedAccountID(), RoleName: role, Tags: tagMap(in.Tags)}
	lower := strings.ToLower(in.Email)
	for _, f := range s.env.Faults().FailCreateAccount {
		if strings.EqualFold(f.Match, in.AccountName) || strings.EqualFold(f.Match, in.Email) {
			cs.FailureReason = f.Reason
			if cs.FailureReason == "" {
				cs.FailureReason = "INTERNAL_FAILURE"
			}
		}
	}
	if cs.FailureReason == "" && (s.dir.ByEmail(lower) != nil || s.ix.pendingEmails[lower]) {
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

func (s *Service) unusedAccountID() string {
	for {
		id := core.NewAccountID()
		if s.dir.Account(id) != nil {
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

func (s *Service) describeCreateAccountStatus(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
		return nil, false, core.Errf("CreateAccountStatusNotFoundException", "We can't find an create account request with the CreateAccountRequestId that you specified.")
	}
	return map[string]any{"CreateAccountStatus": statusOut(cs)}, false, nil
}

func (s *Service) listCreateAccountStatus(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) moveAccount(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
		return nil, false, core.Errf("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.")
	}
	if !s.parentExists(o, in.DestinationParentId) {
		return nil, false, core.Errf("DestinationParentNotFoundException", "We can't find the destination container (a root or OU) with the ParentId that you specified.")
	}
	if a.ParentID != in.SourceParentId {
		return nil, false, core.Errf("AccountNotFoundException", "You specified an account that doesn't exist in the source parent %s.", in.SourceParentId)
	}
	if in.SourceParentId == in.DestinationParentId {
		return nil, false, core.Errf("DuplicateAccountException", "That account is already present in the specified destination.")
	}
	s.ix.childAccounts[a.ParentID] = removeString(s.ix.childAccounts[a.ParentID], a.ID)
	a.ParentID = in.DestinationParentId
	s.ix.childAccounts[a.ParentID] = append(s.ix.childAccounts[a.ParentID], a.ID)
	return struct{}{}, true, nil
}

func (s *Service) removeAccount(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	a, err := s.findAccount(o, in.AccountId)
	if err != nil {
		return nil, false, err
	}
	if a.ID == o.ManagementID {
		return nil, false, core.Errf("MasterCannotLeaveOrganizationException", "You can't remove a management account from an organization. You must delete the organization instead.")
	}
	s.leave(o, a)
	return struct{}{}, true, nil
}
