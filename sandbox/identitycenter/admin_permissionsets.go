package identitycenter

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

func permissionSetOut(ps *PermissionSet) map[string]any {
	out := map[string]any{"Name": ps.Name, "PermissionSetArn": ps.ARN, "CreatedDate": epoch(ps.CreatedAt), "SessionDuration": ps.SessionDuration}
	if ps.Description != "" {
		out["Description"] = ps.Description
	}
	if ps.RelayState != "" {
		out["RelayState"] = ps.RelayState
	}
	return out
}

// checkDuration accepts an ISO-8601 duration from one to twelve hours.
func checkDuration(d string) error {
	m := durationRe.FindStringSubmatch(d)
	if m == nil || d == "P" || strings.HasSuffix(d, "T") {
		return validation("1 validation error detected: Value '%s' at 'sessionDuration' failed to satisfy constraint: Member must be an ISO-8601 duration such as PT4H", d)
	}
	var secs int
	for i, unit := range []int{86400, 3600, 60, 1} {
		if m[i+1] != "" {
			n, err := strconv.Atoi(m[i+1])
			if err != nil || n > 1e6 {
				return validation("Session duration %s is not between PT1H and PT12H.", d)
			}
			secs += n * unit
		}
	}
	if secs < 3600 || secs > 12*3600 {
		return validation("Session duration %s is not between PT1H and PT12H: the session duration of a permission set must be from 1 to 12 hours.", d)
	}
	return nil
}

// sessionSeconds is the length of a checked session duration.
func sessionSeconds(d string) time.Duration {
	m := durationRe.FindStringSubmatch(d)
	var secs int
	for i, unit := range []int{86400, 3600, 60, 1} {
		if m != nil && m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			secs += n * unit
		}
	}
	if secs == 0 {
		secs = 3600
	}
	return time.Duration(secs) * time.Second
}

// checkDescription checks a permission set's description; AWS refuses an
// empty one that is sent (there is no clearing it once set).
func checkDescription(c *call, d string) error {
	if raw, ok := c.in["Description"]; ok && d == "" && string(raw) != "null" {
		return validation("1 validation error detected: Value '' at 'description' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if utf8.RuneCountInString(d) > 700 || !descriptionRe.MatchString(d) {
		return validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 700 and contain only printable Latin-1 characters")
	}
	return nil
}

func checkRelayState(r string) error {
	if utf8.RuneCountInString(r) > 240 {
		return validation("1 validation error detected: Value at 'relayState' failed to satisfy constraint: Member must have length less than or equal to 240")
	}
	return nil
}

func createPermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	name, err := c.required("Name")
	if err != nil {
		return nil, false, err
	}
	if !permissionSetName.MatchString(name) {
		return nil, false, validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must have length between 1 and 32 and satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	desc, err := c.str("Description")
	if err != nil {
		return nil, false, err
	}
	if err := checkDescription(c, desc); err != nil {
		return nil, false, err
	}
	duration, err := c.str("SessionDuration")
	if err != nil {
		return nil, false, err
	}
	if duration == "" {
		duration = "PT1H"
	}
	if err := checkDuration(duration); err != nil {
		return nil, false, err
	}
	relay, err := c.str("RelayState")
	if err != nil {
		return nil, false, err
	}
	if err := checkRelayState(relay); err != nil {
		return nil, false, err
	}
	var tags []Tag
	if err := c.decode("Tags", &tags); err != nil {
		return nil, false, err
	}
	if err := checkTags(tags); err != nil {
		return nil, false, err
	}
	if merged := mergeTags(nil, tags); len(merged) > maxTags {
		return nil, false, validation("A permission set can have at most %d tags; %d were given.", maxTags, len(merged))
	}
	for _, ps := range in.PermissionSets {
		if strings.EqualFold(ps.Name, name) {
			return nil, false, conflict("PermissionSet with name %s already exists.", name)
		}
	}
	if len(in.PermissionSets) >= maxPermissionSets {
		return nil, false, quotaExceeded("The instance already has %d permission sets, the most Identity Center allows.", maxPermissionSets)
	}
	now := c.env.Now.UTC()
	ps := &PermissionSet{ARN: "arn:aws:sso:::permissionSet/" + strings.TrimPrefix(in.ARN, "arn:aws:sso:::instance/") + "/ps-" + core.RandomHex(16),
		Name: name, Description: desc, SessionDuration: duration, RelayState: relay, CreatedAt: now, UpdatedAt: now,
		Tags: mergeTags(nil, tags)}
	in.PermissionSets = append(in.PermissionSets, ps)
	return map[string]any{"PermissionSet": permissionSetOut(ps)}, true, nil
}

func describePermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"PermissionSet": permissionSetOut(ps)}, false, nil
}

func listPermissionSets(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	from, to, next, err := c.page(len(in.PermissionSets), maxAdminResults)
	if err != nil {
		return nil, false, err
	}
	arns := []string{}
	for _, ps := range in.PermissionSets[from:to] {
		arns = append(arns, ps.ARN)
	}
	return withNext(map[string]any{"PermissionSets": arns}, next), false, nil
}

func updatePermissionSet(c *call) (any, bool, error) {
	in, err := c.instance()
	if err != nil {
		return nil, false, err
	}
	ps, err := c.permissionSet(in)
	if err != nil {
		return nil, false, err
	}
	desc, err := c.str("Description")
	if err != nil {
		return nil, false, err
	}
	duration, err := c.str("SessionDuration")
	if err != nil {
		return nil, false, err
	}
	relay, err := c.str("RelayState")
	if err != nil {
		return nil, false, err
	}
	if err := checkDescription(c, desc); err != nil {
		return nil, false, err
	}
	if duration != "" {
		if err := checkDuration(duration); err != nil {
			return nil, false, err
		}
	}
	if err := checkRelayState(relay); err != nil {
		return nil, false, err
	}
	if err := in.busy(ps, false); err != nil {
		return nil, false, err
	}
	if _, ok := c.in["Description"]; ok {
		ps.Description = desc
	}
	if duration != "" {
		ps.SessionDuration = duration
	}
	if _, ok := c.in["RelayState"]; ok {
		ps.RelayState = relay
	}
	ps.changed(c.env.Now)
	return map[string]any{}, true, nil
}

func deletePermissionSet(c *call) (any, bool, error) {
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
	// The sandbox refuses rather than silently removing people's access: delete the assignments first.
	if slices.ContainsFunc(in.Assignments, func(a *Assignment) bool { return a.PermissionSetARN == ps.ARN }) {
		return nil, false, conflict("Permission set %s is still assigned in accounts; delete its account assignments first.", ps.Name)
	}
	in.PermissionSets = slices.DeleteFunc(in.PermissionSets, func(x *PermissionSet) bool { return x == ps })
	return map[string]any{}, true, nil
}
