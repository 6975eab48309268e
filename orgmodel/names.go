package orgmodel

import (
	"fmt"
	"regexp"
	"strings"
)

// The naming rules of the design file. The wizard's form fields call these same
// functions, so a name the form accepts is a name validate accepts.

var (
	orgNameRe      = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	shortNameRe    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)
	workloadNameRe = regexp.MustCompile(`^[a-z][a-z0-9-]{0,23}$`)
	accountIDRe    = regexp.MustCompile(`^[0-9]{12}$`)
)

// AWS limits that the design is checked against before anything reaches AWS.
const (
	MaxAccountNameLen = 50 // CreateAccount AccountName: 1-50 printable ASCII
	MinEmailLen       = 6  // CreateAccount Email: 6-64 characters
	MaxEmailLen       = 64
	MaxOUNameLen      = 128
	MaxOUDepth        = 5 // OUs nested at most five levels below the root
)

// CheckOrganizationName: 1-32 characters, [a-z][a-z0-9-]*.
func CheckOrganizationName(s string) error {
	return checkName(s, orgNameRe, 32)
}

// CheckEnvironmentName: 1-16 characters, [a-z][a-z0-9-]*.
func CheckEnvironmentName(s string) error {
	return checkName(s, shortNameRe, 16)
}

// CheckResidencyName: 1-16 characters, [a-z][a-z0-9-]*.
func CheckResidencyName(s string) error {
	return checkName(s, shortNameRe, 16)
}

// CheckWorkloadName: 1-24 characters, [a-z][a-z0-9-]*.
func CheckWorkloadName(s string) error {
	return checkName(s, workloadNameRe, 24)
}

func checkName(s string, re *regexp.Regexp, max int) error {
	switch {
	case s == "":
		return fmt.Errorf("is empty; use 1-%d characters: lowercase letters, digits and '-', starting with a letter", max)
	}
	if msg, ok := nonASCII(s); ok {
		return fmt.Errorf("%q is not a valid name: %s (for example %q)", s, msg, suggestName(s, max))
	}
	switch {
	case len(s) > max:
		return fmt.Errorf("%q is %d characters; use at most %d", s, len(s), max)
	case !re.MatchString(s):
		return fmt.Errorf("%q is not a valid name; use lowercase letters, digits and '-', starting with a letter (for example %q)", s, suggestName(s, max))
	case strings.HasSuffix(s, "-"):
		return fmt.Errorf("%q ends with '-'; end it with a letter or digit", s)
	case strings.Contains(s, "--"):
		return fmt.Errorf("%q has '--'; account names join parts with single dashes, so use one", s)
	}
	return nil
}

// suggestName turns what the user typed into the nearest valid name, to show
// in the error as an example of what would be accepted.
func suggestName(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(asciiLookalike(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > max {
		out = strings.TrimRight(out[:max], "-")
	}
	if out == "" {
		out = "main"
	}
	return out
}

// CheckEmail checks an address against AWS's rules for an account email:
// 6-64 characters, one '@', no white space, and a dot in the domain.
func CheckEmail(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("is empty; give an address such as aws@example.com")
	case strings.IndexFunc(s, isSpaceOrControl) >= 0:
		return fmt.Errorf("%q has white space or control characters; an email address has none", s)
	case strings.Count(s, "@") != 1:
		return fmt.Errorf("%q must have exactly one '@'; write it as name@domain, such as aws@example.com", s)
	}
	if msg, ok := nonASCII(s); ok {
		return fmt.Errorf("%q: %s; AWS account emails are ASCII", s, msg)
	}
	local, domain, _ := strings.Cut(s, "@")
	switch {
	case local == "":
		return fmt.Errorf("%q has nothing before '@'", s)
	case !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, "."):
		return fmt.Errorf("%q needs a domain with a dot, such as example.com", s)
	case len(s) < MinEmailLen:
		return fmt.Errorf("%q is %d characters; AWS needs at least %d", s, len(s), MinEmailLen)
	case len(s) > MaxEmailLen:
		return fmt.Errorf("%q is %d characters; AWS allows at most %d", s, len(s), MaxEmailLen)
	}
	return nil
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// CheckAccountName checks an account name against AWS's CreateAccount rule:
// 1-50 printable ASCII characters.
func CheckAccountName(s string) error {
	if s == "" {
		return fmt.Errorf("is empty; give 1-%d printable ASCII characters", MaxAccountNameLen)
	}
	if msg, ok := nonASCII(s); ok {
		return fmt.Errorf("%q has a character that is not printable ASCII: %s", s, msg)
	}
	if len(s) > MaxAccountNameLen {
		return fmt.Errorf("%q is %d characters; AWS allows at most %d", s, len(s), MaxAccountNameLen)
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return fmt.Errorf("%q has a character that is not printable ASCII", s)
		}
	}
	return nil
}

// CheckAccountID checks a 12-digit AWS account id.
func CheckAccountID(s string) error {
	if !accountIDRe.MatchString(s) {
		return fmt.Errorf("%q is not an AWS account id; an id is 12 digits, such as \"123456789012\" (quote it in YAML so leading zeros stay)", s)
	}
	return nil
}

// CheckRegion checks a commercial region code.
func CheckRegion(s string) error {
	if IsRegion(s) {
		return nil
	}
	if msg, ok := nonASCII(s); ok {
		if IsRegion(asciiLookalike(s)) {
			return fmt.Errorf("%q is not an AWS region code: %s (did you mean %q?)", s, msg, asciiLookalike(s))
		}
		return fmt.Errorf("%q is not an AWS region code: %s; use one such as eu-west-1 or us-east-1", s, msg)
	}
	for _, p := range otherPartitions {
		if strings.HasPrefix(s, p.prefix) {
			return fmt.Errorf("%q is in a separate AWS partition (%s); orgwizard works in the commercial partition: use a region such as eu-west-1 or us-east-1", s, p.name)
		}
	}
	if near := nearest(s, commercialRegions); near != "" {
		return fmt.Errorf("%q is not an AWS region code; did you mean %q?", s, near)
	}
	return fmt.Errorf("%q is not an AWS region code; use one such as eu-west-1 or us-east-1", s)
}

// otherPartitions are the region prefixes of AWS's partitions other than
// aws (the SDK's partitions.json, internal/endpoints/awsrulesfn), with the
// name people know each by. An organization in the commercial partition
// cannot span them; a near miss there ("us-gov-west-1" is two edits from
// "us-west-1") is not a typo.
var otherPartitions = []struct{ prefix, id, name string }{
	{"us-gov-", "aws-us-gov", "GovCloud"},
	{"cn-", "aws-cn", "China"},
	{"eusc-", "aws-eusc", "European Sovereign Cloud"},
	{"us-iso-", "aws-iso", "an isolated region"},
	{"us-isob-", "aws-iso-b", "an isolated region"},
	{"eu-isoe-", "aws-iso-e", "an isolated region"},
	{"us-isof-", "aws-iso-f", "an isolated region"},
}

// Partition is the partition a region belongs to: "aws", "aws-cn",
// "aws-us-gov" ...
func Partition(region string) string {
	for _, p := range otherPartitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.id
		}
	}
	return "aws"
}
