package organizations

import (
	"slices"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// organizational units

func validOUName(name *string) *core.Error {
	if name == nil || *name == "" {
		return invalidInput("MIN_LENGTH_EXCEEDED", "The OU name must be at least 1 character long.")
	}
	if len(*name) > 128 {
		return invalidInput("MAX_LENGTH_EXCEEDED", "The OU name must be at most 128 characters long.")
	}
	return nil
}

func (s *Service) ouNameTaken(parent, name, except string) bool {
	for _, id := range s.ix.childOUs[parent] {
		if id != except && s.ix.ouByID[id].Name == name {
			return true
		}
	}
	return false
}

func (s *Service) createOU(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
		return nil, false, core.Errf("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	if s.ouDepth(in.ParentId) >= maxOUDepth {
		return nil, false, constraint("OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep: at most %d levels of OUs below the root.", maxOUDepth)
	}
	if len(o.OUs) >= MaxOUs {
		return nil, false, constraint("OU_NUMBER_LIMIT_EXCEEDED", "You attempted to exceed the number of OUs that you can have in an organization.")
	}
	if s.ouNameTaken(in.ParentId, *in.Name, "") {
		return nil, false, core.Errf("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
	}
	ou := &orgUnit{ID: newOUID(o.RootID), Name: *in.Name, ParentID: in.ParentId, Tags: tagMap(in.Tags)}
	o.OUs = append(o.OUs, ou)
	s.ix.ouByID[ou.ID] = ou
	s.ix.ouOrg[ou.ID] = o
	s.ix.childOUs[ou.ParentID] = append(s.ix.childOUs[ou.ParentID], ou.ID)
	o.Attachments[ou.ID] = []string{fullAWSAccessID}
	return map[string]any{"OrganizationalUnit": ouOut{Id: ou.ID, Arn: ouArn(o, ou), Name: ou.Name}}, true, nil
}

func (s *Service) findOU(o *Organization, id string) (*orgUnit, *core.Error) {
	if err := required("OrganizationalUnitId", id); err != nil {
		return nil, err
	}
	if !ouIDPattern.MatchString(id) {
		return nil, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not an OU id.", id)
	}
	if s.ix.ouOrg[id] != o {
		return nil, core.Errf("OrganizationalUnitNotFoundException", "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.")
	}
	return s.ix.ouByID[id], nil
}

func (s *Service) describeOU(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) updateOU(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
			return nil, false, core.Errf("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
		}
		ou.Name = *in.Name
	}
	return map[string]any{"OrganizationalUnit": ouOut{Id: ou.ID, Arn: ouArn(o, ou), Name: ou.Name}}, in.Name != nil, nil
}

func (s *Service) deleteOU(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	ou, err := s.findOU(o, in.OrganizationalUnitId)
	if err != nil {
		return nil, false, err
	}
	if len(s.ix.childAccounts[ou.ID]) > 0 || len(s.ix.childOUs[ou.ID]) > 0 {
		return nil, false, core.Errf("OrganizationalUnitNotEmptyException", "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
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

func (s *Service) checkParent(o *Organization, id string) *core.Error {
	if err := validParentID(id); err != nil {
		return err
	}
	if !s.parentExists(o, id) {
		return core.Errf("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	return nil
}

func (s *Service) listOUsForParent(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) listChildren(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) listParents(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := required("ChildId", in.ChildId); err != nil {
		return nil, false, err
	}
	var parent string
	if a := s.dir.Account(in.ChildId); a != nil && a.OrgID == o.ID {
		parent = a.ParentID
	} else if s.ix.ouOrg[in.ChildId] == o {
		parent = s.ix.ouByID[in.ChildId].ParentID
	} else if !accountIDPattern.MatchString(in.ChildId) && !ouIDPattern.MatchString(in.ChildId) {
		return nil, false, invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not an account or OU id.", in.ChildId)
	} else {
		return nil, false, core.Errf("ChildNotFoundException", "We can't find an organizational unit (OU) or Amazon Web Services account with the ChildId that you specified.")
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
