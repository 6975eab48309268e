package organizations

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// handshakes

func (s *Service) handshakeOut(h *handshake, now time.Time) handshakeOut {
	o := s.ix.orgByID[h.OrgID]
	mgmtID, mgmtEmail, mgmtName, fs := "", "", "", "ALL"
	if o != nil {
		mgmtID, fs = o.ManagementID, o.FeatureSet
		if m := s.dir.Account(o.ManagementID); m != nil {
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
		State:   state, RequestedTimestamp: core.TS(h.RequestedAt), ExpirationTimestamp: core.TS(h.ExpiresAt), Action: h.Action, Resources: res}
}

// targets reports whether the handshake invites account a.
func (h *handshake) targets(a *core.Account) bool {
	if h.TargetType == "EMAIL" {
		return strings.EqualFold(h.TargetID, a.Email)
	}
	return h.TargetID == a.ID
}

func (s *Service) inviteAccount(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if in.Target == nil {
		return nil, false, invalidInput("INPUT_REQUIRED", "You must specify a value for Target.")
	}
	var target *core.Account
	switch in.Target.Type {
	case "ACCOUNT":
		if !accountIDPattern.MatchString(in.Target.Id) {
			return nil, false, invalidInput("INVALID_PARTY_TYPE_TARGET", "You specified the wrong type for the invitation target: an ACCOUNT target is a 12-digit id.")
		}
		target = s.dir.Account(in.Target.Id)
	case "EMAIL":
		if err := validEmail(in.Target.Id); err != nil {
			return nil, false, invalidInput("INVALID_EMAIL_ADDRESS_TARGET", "You specified an invalid email address for the invited account owner.")
		}
		target = s.dir.ByEmail(strings.ToLower(in.Target.Id))
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
			return nil, false, core.Errf("DuplicateHandshakeException", "A handshake with the same action and target already exists.")
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

func hsConstraint(reason, msg string) *core.Error {
	e := core.Errf("HandshakeConstraintViolationException", "%s", msg)
	e.Reason = reason
	return e
}

// visibleHandshake finds a handshake the caller is a party to.
func (s *Service) visibleHandshake(c *core.Caller, id string) (*handshake, *core.Error) {
	if err := required("HandshakeId", id); err != nil {
		return nil, err
	}
	if !handshakePattern.MatchString(id) {
		return nil, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a handshake id.", id)
	}
	h := s.ix.handshakeByID[id]
	if h != nil {
		if o := s.ix.orgByID[h.OrgID]; (o != nil && o.ManagementID == c.Account.ID) || h.targets(c.Account) {
			return h, nil
		}
	}
	return nil, core.Errf("HandshakeNotFoundException", "We can't find a handshake with the HandshakeId that you specified.")
}

func (s *Service) answerHandshake(c *core.Caller, in *orgInput, now time.Time, accept bool) (any, bool, *core.Error) {
	h, err := s.visibleHandshake(c, in.HandshakeId)
	if err != nil {
		return nil, false, err
	}
	if !h.targets(c.Account) {
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
		return nil, false, core.Errf("HandshakeAlreadyInStateException", "The specified handshake is already in the requested state.")
	}
	if state != "OPEN" {
		return nil, false, core.Errf("InvalidHandshakeTransitionException", "You can't perform the operation on the handshake in its current state (%s).", state)
	}
	if accept {
		o := s.ix.orgByID[h.OrgID]
		if o == nil {
			return nil, false, core.Errf("InvalidHandshakeTransitionException", "The organization that sent the invitation no longer exists.")
		}
		if c.Account.OrgID != "" {
			return nil, false, hsConstraint("ALREADY_IN_AN_ORGANIZATION", "The handshake request is invalid because the account is already a member of an organization.")
		}
		if len(s.ix.orgAccounts[o.ID]) >= o.AccountQuota {
			return nil, false, hsConstraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED", "The organization has reached its limit of accounts.")
		}
		s.join(o, c.Account, "INVITED", now)
	}
	h.State = want
	return map[string]any{"Handshake": s.handshakeOut(h, now)}, true, nil
}

func (s *Service) acceptHandshake(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	return s.answerHandshake(c, in, now, true)
}

func (s *Service) declineHandshake(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	return s.answerHandshake(c, in, now, false)
}

func (s *Service) describeHandshake(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	h, err := s.visibleHandshake(c, in.HandshakeId)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"Handshake": s.handshakeOut(h, now)}, false, nil
}

func handshakeAction(raw json.RawMessage) (string, *core.Error) {
	if len(raw) == 0 {
		return "", nil
	}
	var f struct{ ActionType string }
	if err := json.Unmarshal(raw, &f); err != nil {
		return "", invalidInput("INVALID_INPUT", "Filter must be an object with ActionType or ParentHandshakeId.")
	}
	return f.ActionType, nil
}

func (s *Service) listHandshakes(in *orgInput, now time.Time, op string, keep func(*handshake) bool) (any, bool, *core.Error) {
	action, err := handshakeAction(in.Filter)
	if err != nil {
		return nil, false, err
	}
	var list []*handshake
	for _, o := range *s.orgs {
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

func (s *Service) listHandshakesForAccount(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	return s.listHandshakes(in, now, "ListHandshakesForAccount", func(h *handshake) bool {
		o := s.ix.orgByID[h.OrgID]
		return h.targets(c.Account) || (o != nil && o.ManagementID == c.Account.ID)
	})
}

func (s *Service) listHandshakesForOrganization(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	return s.listHandshakes(in, now, "ListHandshakesForOrganization", func(h *handshake) bool { return h.OrgID == o.ID })
}
