// Package orgmodel is the pure model of the organization a user wants: the
// design file (version 1), its validation, its expansion into the desired tree
// of OUs, accounts and guardrail policies, and the plan that turns an existing
// organization into that tree. It does no I/O and knows nothing of AWS's SDK or
// of the terminal.
package orgmodel

// Design is a parsed design file, with defaults applied.
type Design struct {
	Version      int              `json:"version" yaml:"version"`
	Organization Organization     `json:"organization" yaml:"organization"`
	Environments []Environment    `json:"environments" yaml:"environments"`
	Residencies  []Residency      `json:"residencies,omitempty" yaml:"residencies,omitempty"`
	Workloads    []Workload       `json:"workloads" yaml:"workloads"`
	Layout       Layout           `json:"layout" yaml:"layout"`
	Foundation   Foundation       `json:"foundation" yaml:"foundation"`
	Guardrails   Guardrails       `json:"guardrails" yaml:"guardrails"`
	Tags         []Tag            `json:"tags,omitempty" yaml:"tags,omitempty"`
	Accounts     []AdoptedAccount `json:"accounts,omitempty" yaml:"accounts,omitempty"`
	// Budgets is nil when the design has no budgets block.
	Budgets *Budgets `json:"budgets,omitempty" yaml:"budgets,omitempty"`
	// Access is nil when the design has no access block.
	Access *Access `json:"access,omitempty" yaml:"access,omitempty"`
	// Baseline is nil when the design has no baseline block: then there is
	// no baseline (see Baseline for why absent is not "the defaults").
	Baseline *Baseline `json:"baseline,omitempty" yaml:"baseline,omitempty"`
	// Contacts is nil when the design has no contacts block.
	Contacts *Contacts `json:"contacts,omitempty" yaml:"contacts,omitempty"`

	// pos records where each field path stood in the file, so that errors
	// found after decoding still point at a line.
	pos map[string]Pos
}

// Organization is the organization-wide settings.
type Organization struct {
	Name          string `json:"name" yaml:"name"`
	Email         string `json:"email,omitempty" yaml:"email,omitempty"`
	EmailTemplate string `json:"emailTemplate,omitempty" yaml:"emailTemplate,omitempty"`
	HomeRegion    string `json:"homeRegion" yaml:"homeRegion"`
}

// Environment is a stage every workload goes through (dev, staging, prod).
type Environment struct {
	Name         string `json:"name" yaml:"name"`
	PerResidency bool   `json:"perResidency,omitempty" yaml:"perResidency,omitempty"`
	Description  string `json:"description,omitempty" yaml:"description,omitempty"`
}

// Residency is a data-residency zone: the regions where its data may live.
type Residency struct {
	Name    string   `json:"name" yaml:"name"`
	Regions []string `json:"regions" yaml:"regions"`
}

// Workload is a bounded context: a part of the product with its own team,
// data and lifecycle, which gets its own accounts.
type Workload struct {
	Name        string   `json:"name" yaml:"name"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	Owner       string   `json:"owner,omitempty" yaml:"owner,omitempty"`
	Residencies []string `json:"residencies,omitempty" yaml:"residencies,omitempty"`
}

// Layout is the shape of the Workloads OU.
type Layout string

const (
	// ByEnvironment groups accounts by environment (AWS's recommended shape).
	ByEnvironment Layout = "by-environment"
	// ByWorkload groups each workload's accounts in its own OU.
	ByWorkload Layout = "by-workload"
)

// Foundation selects the foundational OUs besides Workloads.
type Foundation struct {
	Security       bool `json:"security" yaml:"security"`
	Infrastructure bool `json:"infrastructure" yaml:"infrastructure"`
	Sandbox        bool `json:"sandbox" yaml:"sandbox"`
	Suspended      bool `json:"suspended" yaml:"suspended"`
	Transitional   bool `json:"transitional" yaml:"transitional"`
}

// Guardrails selects the service control policies.
type Guardrails struct {
	DenyLeaveOrganization bool `json:"denyLeaveOrganization" yaml:"denyLeaveOrganization"`
	RegionLock            bool `json:"regionLock" yaml:"regionLock"`
	DenyRootUser          bool `json:"denyRootUser" yaml:"denyRootUser"`
}

// Tag is one key and value, kept in the order of the file.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// AdoptedAccount is an account that exists already (often the old management
// account, invited in) which the design places in an OU.
type AdoptedAccount struct {
	Name  string `json:"name" yaml:"name"`
	Email string `json:"email,omitempty" yaml:"email,omitempty"`
	ID    string `json:"id,omitempty" yaml:"id,omitempty"`
	OU    string `json:"ou" yaml:"ou"`
}

// Pos is a place in the design file.
type Pos struct {
	Line   int
	Column int
}

// NewDesign returns a design holding the defaults of design-v1.md, for
// callers (the wizard) that build a design field by field.
func NewDesign() *Design {
	return &Design{
		Version: 1,
		Layout:  ByEnvironment,
		Foundation: Foundation{
			Security:  true,
			Suspended: true,
		},
		Guardrails: Guardrails{
			DenyLeaveOrganization: true,
			RegionLock:            true,
			DenyRootUser:          true,
		},
	}
}

// Residency returns the residency called name, if the design has one.
func (d *Design) Residency(name string) (Residency, bool) {
	for _, r := range d.Residencies {
		if r.Name == name {
			return r, true
		}
	}
	return Residency{}, false
}

// position is where path stood in the file, or the nearest enclosing path that
// has a position.
func (d *Design) position(path string) Pos {
	for p := path; ; {
		if pos, ok := d.pos[p]; ok {
			return pos
		}
		i := lastSep(p)
		if i < 0 {
			return Pos{}
		}
		p = p[:i]
	}
}

// lastSep is the index of the last '.' or '[' that separates path's last element.
func lastSep(p string) int {
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '.' || p[i] == '[' {
			return i
		}
	}
	return -1
}
