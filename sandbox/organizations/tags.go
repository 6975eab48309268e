package organizations

import (
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// tags

// taggable finds the tags of a resource by id: account, root, OU or policy.
func (s *Service) taggable(o *Organization, id string) (*map[string]string, *core.Error) {
	if err := required("ResourceId", id); err != nil {
		return nil, err
	}
	switch {
	case accountIDPattern.MatchString(id):
		if a := s.dir.Account(id); a != nil && a.OrgID == o.ID {
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
	return nil, core.Errf("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
}

func (s *Service) tagResource(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) untagResource(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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

func (s *Service) listTagsForResource(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
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
