package orgmodel

import (
	"sort"
	"strings"
)

// Tree is the organization a design describes: OUs, member accounts and
// guardrail policies, in a stable order (OUs parents first).
type Tree struct {
	Organization string    `json:"organization"`
	Layout       Layout    `json:"layout"`
	HomeRegion   string    `json:"homeRegion"`
	OUs          []OU      `json:"ous"`
	Accounts     []Account `json:"accounts"`
	Policies     []Policy  `json:"policies"`
	// Budgets and CostCategories are empty when the design has no budgets block.
	Budgets        []Budget       `json:"budgets,omitempty"`
	CostCategories []CostCategory `json:"costCategories,omitempty"`
	// Access is nil when the design has no access block.
	Access *AccessTree `json:"access,omitempty"`
	// Baseline is nil when the design has neither a baseline nor a
	// contacts block.
	Baseline *BaselineTree `json:"baseline,omitempty"`
}

// OU is an organizational unit, known by its path from the root.
type OU struct {
	Path   string `json:"path"`             // Workloads/prod/eu
	Name   string `json:"name"`             // eu
	Parent string `json:"parent,omitempty"` // Workloads/prod; empty for a child of Root
}

// Depth is how many levels below the root the OU is (1 for a root child).
func (o OU) Depth() int { return strings.Count(o.Path, "/") + 1 }

// AccountKind says where an account in the tree comes from.
type AccountKind string

const (
	FoundationAccount AccountKind = "foundation" // log-archive, network ...
	WorkloadAccount   AccountKind = "workload"   // <workload>-<env>[-<residency>]
	AdoptedKind       AccountKind = "adopted"    // accounts[]: exists already, placed only
)

// Account is a member account of the tree.
type Account struct {
	Name        string            `json:"name"`
	Email       string            `json:"email,omitempty"`
	ID          string            `json:"id,omitempty"`
	OU          string            `json:"ou"`
	Kind        AccountKind       `json:"kind"`
	Workload    string            `json:"workload,omitempty"`
	Environment string            `json:"environment,omitempty"`
	Residency   string            `json:"residency,omitempty"`
	Tags        map[string]string `json:"tags"`

	// source is the design field that produced the account, for errors.
	source string
}

// TargetType is what a policy is attached to.
type TargetType string

const (
	TargetRoot    TargetType = "root"
	TargetOU      TargetType = "ou"
	TargetAccount TargetType = "account"
)

// Target names a policy target in the tree: Root, an OU path, or an account name.
type Target struct {
	Type TargetType `json:"type"`
	Name string     `json:"name"`
}

func (t Target) String() string {
	if t.Type == TargetRoot {
		return "Root"
	}
	return t.Name
}

// Policy is a service control policy and where it is attached.
type Policy struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Content     string   `json:"content"` // the policy document exactly as sent to AWS
	Targets     []Target `json:"targets"`
}

// AccountsByOU groups account names by OU path, for drawing.
func (t *Tree) AccountsByOU() map[string][]Account {
	m := map[string][]Account{}
	for _, a := range t.Accounts {
		m[a.OU] = append(m[a.OU], a)
	}
	return m
}

// Children returns the paths of the OUs directly under parent ("" for Root),
// in tree order.
func (t *Tree) Children(parent string) []OU {
	var out []OU
	for _, o := range t.OUs {
		if o.Parent == parent {
			out = append(out, o)
		}
	}
	return out
}

// PoliciesOn returns the names of the policies attached to target.
func (t *Tree) PoliciesOn(target Target) []string {
	var out []string
	for _, p := range t.Policies {
		for _, tg := range p.Targets {
			if tg == target {
				out = append(out, p.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}
