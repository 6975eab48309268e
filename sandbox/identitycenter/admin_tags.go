package identitycenter

import (
	"slices"
	"strings"
)

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
