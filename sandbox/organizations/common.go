package organizations

import (
	"fmt"
	"strings"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// who may call

// orgOf is the caller's organization, for operations any member may call.
func (s *Service) orgOf(c *core.Caller) (*Organization, *core.Error) {
	if c.Account.OrgID == "" {
		return nil, notInUse()
	}
	return s.ix.orgByID[c.Account.OrgID], nil
}

// managed is the caller's organization for operations only its management
// account may call (members get AccessDeniedException, as in AWS).
func (s *Service) managed(c *core.Caller) (*Organization, *core.Error) {
	o, err := s.orgOf(c)
	if err != nil {
		return nil, err
	}
	if o.ManagementID != c.Account.ID {
		return nil, accessDenied()
	}
	return o, nil
}

// shapes

func (s *Service) accountOut(o *Organization, a *core.Account) accountOut {
	return accountOut{Id: a.ID, Arn: fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", o.ManagementID, o.ID, a.ID),
		Email: a.Email, Name: a.Name, Status: "ACTIVE", State: "ACTIVE", JoinedMethod: a.JoinedMethod, JoinedTimestamp: core.TS(a.JoinedAt)}
}

func orgArn(o *Organization) string {
	return fmt.Sprintf("arn:aws:organizations::%s:organization/%s", o.ManagementID, o.ID)
}

func (s *Service) rootOut(o *Organization) rootOut {
	types := []policyTypeOut{}
	for _, t := range o.RootPolicyTypes {
		types = append(types, policyTypeOut{Type: t, Status: "ENABLED"})
	}
	return rootOut{Id: o.RootID, Arn: fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", o.ManagementID, o.ID, o.RootID), Name: "Root", PolicyTypes: types}
}

func ouArn(o *Organization, ou *orgUnit) string {
	return fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", o.ManagementID, o.ID, ou.ID)
}

func policyOut(o *Organization, p *Policy) policySummary {
	arn := fmt.Sprintf("arn:aws:organizations::%s:policy/%s/%s/%s", o.ManagementID, o.ID, strings.ToLower(p.Type), p.ID)
	if p.AWSManaged {
		arn = fmt.Sprintf("arn:aws:organizations::aws:policy/%s/%s", strings.ToLower(p.Type), p.ID)
	}
	return policySummary{Id: p.ID, Arn: arn, Name: p.Name, Description: p.Description, Type: p.Type, AwsManaged: p.AWSManaged}
}

func statusOut(cs *createStatus) createStatusOut {
	out := createStatusOut{Id: cs.ID, AccountName: cs.AccountName, State: cs.State, RequestedTimestamp: core.TS(cs.RequestedAt)}
	switch cs.State {
	case "SUCCEEDED":
		out.AccountId, out.CompletedTimestamp = cs.AccountID, core.TS(cs.CompleteAt)
	case "FAILED":
		out.FailureReason, out.CompletedTimestamp = cs.FailureReason, core.TS(cs.CompleteAt)
	}
	return out
}

// pagination

// paginate cuts one page out of items. NextToken is opaque to clients, as in
// AWS; it carries the offset and the operation so a token from one listing is
// refused by another.
func paginate[T any](items []T, in *orgInput, op string, limit int) ([]T, *string, *core.Error) {
	n := limit
	if in.MaxResults != nil {
		if *in.MaxResults < 1 {
			return nil, nil, invalidInput("MIN_VALUE_EXCEEDED", "MaxResults must be at least 1.")
		}
		if *in.MaxResults > limit {
			return nil, nil, invalidInput("MAX_VALUE_EXCEEDED", "MaxResults must be at most %d.", limit)
		}
		n = *in.MaxResults
	}
	start := 0
	if in.NextToken != nil {
		o, err := core.DecodePageToken(op, *in.NextToken, len(items))
		if err != nil {
			return nil, nil, invalidInput("INVALID_NEXT_TOKEN", "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.")
		}
		start = o
	}
	end := min(start+n, len(items))
	var next *string
	if end < len(items) {
		t := core.EncodePageToken(op, end)
		next = &t
	}
	return items[start:end], next, nil
}

// paged is a list answer; NextToken is left out on the last page, as AWS does.
func paged(key string, items any, next *string) map[string]any {
	out := map[string]any{key: items}
	if next != nil {
		out["NextToken"] = *next
	}
	return out
}

// validation

func required(name, v string) *core.Error {
	if v == "" {
		return invalidInput("INPUT_REQUIRED", "You must specify a value for %s.", name)
	}
	return nil
}

func validTags(tags []tag) *core.Error {
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case len(t.Key) < 1:
			return invalidInput("MIN_LENGTH_EXCEEDED", "Tag keys must be at least 1 character long.")
		case len(t.Key) > 128:
			return invalidInput("MAX_LENGTH_EXCEEDED", "Tag keys must be at most 128 characters long.")
		case len(t.Value) > 256:
			return invalidInput("MAX_LENGTH_EXCEEDED", "Tag values must be at most 256 characters long.")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return invalidInput("INVALID_SYSTEM_TAGS_PARAMETER", "Tag keys can't start with aws:, that prefix is reserved for AWS.")
		case seen[t.Key]:
			return invalidInput("DUPLICATE_TAG_KEY", "The tag key %q appears more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	if len(tags) > maxTagsPerResource {
		return constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.")
	}
	return nil
}

func tagMap(tags []tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func tagList(m map[string]string) []tag {
	out := []tag{}
	for _, k := range sortedKeys(m) {
		out = append(out, tag{Key: k, Value: m[k]})
	}
	return out
}

func validParentID(id string) *core.Error {
	if err := required("ParentId", id); err != nil {
		return err
	}
	if !rootIDPattern.MatchString(id) && !ouIDPattern.MatchString(id) {
		return invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a root or OU id.", id)
	}
	return nil
}

// parentExists reports whether id is the root or an OU of o.
func (s *Service) parentExists(o *Organization, id string) bool {
	if id == o.RootID {
		return true
	}
	return s.ix.ouOrg[id] == o
}

func (s *Service) ouDepth(id string) int {
	d := 0
	for {
		ou := s.ix.ouByID[id]
		if ou == nil {
			return d
		}
		d++
		id = ou.ParentID
	}
}
