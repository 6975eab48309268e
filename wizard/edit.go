package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// PutResidency adds r, or replaces the residency at index i (i < 0 adds). A
// renamed residency keeps its workloads: their references follow the name.
func PutResidency(d *orgmodel.Design, i int, r orgmodel.Residency) error {
	if i < 0 || i >= len(d.Residencies) {
		return AddResidency(d, r)
	}
	if err := checkResidency(d, r, i); err != nil {
		return err
	}
	old := d.Residencies[i].Name
	d.Residencies[i] = r
	if old != r.Name {
		for w := range d.Workloads {
			for k, name := range d.Workloads[w].Residencies {
				if name == old {
					d.Workloads[w].Residencies[k] = r.Name
				}
			}
		}
	}
	return nil
}

// FormatTags writes tags as the wizard's tags field shows them:
// "cost-center=42, team=platform".
func FormatTags(tags []orgmodel.Tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = t.Key + "=" + t.Value
	}
	return strings.Join(parts, ", ")
}

// ParseTags reads the tags field: key=value pairs separated by commas (AWS
// allows no comma in a tag), checked as validate checks the design's tags.
// An empty field is no tags.
func ParseTags(s string) ([]orgmodel.Tag, error) {
	var tags []orgmodel.Tag
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("tag %q has no value; write key=value, such as cost-center=42", part)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if seen[k] {
			return nil, fmt.Errorf("tag %s is given twice; keep one", k)
		}
		seen[k] = true
		tags = append(tags, orgmodel.Tag{Key: k, Value: v})
	}
	d := orgmodel.NewDesign()
	d.Tags = tags
	var errs orgmodel.Errors
	if errors.As(d.Validate(), &errs) {
		for _, e := range errs {
			if e.Path == "tags" || strings.HasPrefix(e.Path, "tags.") {
				return nil, fmt.Errorf("%s: %s", e.Path, e.Message)
			}
		}
	}
	return tags, nil
}

// Clone is a deep copy of d, for undoing an edit.
func Clone(d *orgmodel.Design) *orgmodel.Design {
	c := *d
	c.Environments = slices.Clone(d.Environments)
	c.Residencies = slices.Clone(d.Residencies)
	for i := range c.Residencies {
		c.Residencies[i].Regions = slices.Clone(c.Residencies[i].Regions)
	}
	c.Workloads = slices.Clone(d.Workloads)
	for i := range c.Workloads {
		c.Workloads[i].Residencies = slices.Clone(c.Workloads[i].Residencies)
	}
	c.Tags = slices.Clone(d.Tags)
	c.Accounts = slices.Clone(d.Accounts)
	if d.Budgets != nil {
		b := *d.Budgets
		b.Environments = slices.Clone(b.Environments)
		b.Workloads = slices.Clone(b.Workloads)
		b.Accounts = slices.Clone(b.Accounts)
		b.Alerts = slices.Clone(b.Alerts)
		c.Budgets = &b
	}
	return &c
}

// OUPaths are the OUs an adopted account may be placed in: the design's
// OUs, and Transitional, which exists for adopted accounts even when the
// foundation does not ask for it.
func OUPaths(d *orgmodel.Design) []string {
	paths := []string{orgmodel.OUTransitional}
	// Expand checks the whole design: leave out what would fail it here
	// (the adopted accounts being edited, a split with no residency yet).
	c := Clone(d)
	c.Accounts = nil
	Settle(c)
	if t, err := c.Expand(); err == nil {
		for _, o := range t.OUs {
			if o.Path != orgmodel.OUTransitional {
				paths = append(paths, o.Path)
			}
		}
	}
	return paths
}

// PutAccount adds a (i < 0) or replaces accounts[i]: an existing account the
// design places in an OU, found by its id or email.
func PutAccount(d *orgmodel.Design, i int, a orgmodel.AdoptedAccount) error {
	a.Name, a.Email, a.ID = strings.TrimSpace(a.Name), strings.TrimSpace(a.Email), strings.TrimSpace(a.ID)
	if err := orgmodel.CheckAccountName(a.Name); err != nil {
		return fmt.Errorf("account name %w", err)
	}
	if a.Email == "" && a.ID == "" {
		return errors.New("give the account's id (12 digits) or its email, so that orgwizard finds it")
	}
	if a.ID != "" {
		if err := orgmodel.CheckAccountID(a.ID); err != nil {
			return fmt.Errorf("account id %w", err)
		}
	}
	if a.Email != "" {
		if err := orgmodel.CheckEmail(a.Email); err != nil {
			return fmt.Errorf("email %w", err)
		}
	}
	if paths := OUPaths(d); !slices.Contains(paths, a.OU) {
		return fmt.Errorf("OU %q is not in the design; choose one of %s", a.OU, strings.Join(paths, ", "))
	}
	for j, have := range d.Accounts {
		switch {
		case j == i:
		case have.Name == a.Name:
			return fmt.Errorf("there is already an adopted account called %s", a.Name)
		case a.ID != "" && have.ID == a.ID:
			return fmt.Errorf("account %s is already adopted as %s", a.ID, have.Name)
		}
	}
	if i < 0 || i >= len(d.Accounts) {
		d.Accounts = append(d.Accounts, a)
		return nil
	}
	d.Accounts[i] = a
	return nil
}

// Adoptable are the accounts a plan found in the organization and leaves
// alone, which the design does not adopt yet: each may become an accounts[]
// entry.
func Adoptable(d *orgmodel.Design, p *orgmodel.Plan) []orgmodel.Unmanaged {
	if p == nil {
		return nil
	}
	var out []orgmodel.Unmanaged
	for _, u := range p.Unmanaged {
		if u.Kind != "account" {
			continue
		}
		if slices.ContainsFunc(d.Accounts, func(a orgmodel.AdoptedAccount) bool { return a.ID == u.ID }) {
			continue
		}
		out = append(out, u)
	}
	return out
}

// AdoptName is a name for an unmanaged account that the design may use:
// its own when AWS's name is a valid one, else its id's.
func AdoptName(u orgmodel.Unmanaged) string {
	if orgmodel.CheckAccountName(u.Name) == nil {
		return u.Name
	}
	return "account-" + u.ID
}
