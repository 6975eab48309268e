package orgmodel

import (
	"maps"
	"slices"
	"strings"
)

// Names of the OUs and foundation accounts the design expands into.
const (
	OUSecurity       = "Security"
	OUInfrastructure = "Infrastructure"
	OUWorkloads      = "Workloads"
	OUSandbox        = "Sandbox"
	OUTransitional   = "Transitional"
	OUSuspended      = "Suspended"

	TagManagedBy    = "managed-by"
	ManagedByValue  = "orgwizard"
	TagOrganization = "organization"
	TagWorkload     = "workload"
	TagEnvironment  = "environment"
	TagResidency    = "residency"
	TagOwner        = "owner"
	TagPurpose      = "purpose"
)

// reservedTags are the tag keys orgwizard sets itself; a design's tags may not
// override them.
var reservedTags = []string{TagEnvironment, TagManagedBy, TagOrganization, TagOwner, TagPurpose, TagResidency, TagWorkload}

var foundationAccounts = map[string][]string{
	OUSecurity:       {"log-archive", "security-tooling"},
	OUInfrastructure: {"network", "shared-services"},
}

// Expand validates the design and returns the tree it describes.
func (d *Design) Expand() (*Tree, error) {
	return d.check()
}

// AccountEmail is the email of the account called name, from the design's
// base mailbox or template.
func (d *Design) AccountEmail(name string) string {
	o := d.Organization
	if o.EmailTemplate != "" {
		return strings.Replace(o.EmailTemplate, "{account}", name, 1)
	}
	local, domain, ok := strings.Cut(o.Email, "@")
	if !ok {
		return ""
	}
	return local + "+" + name + "@" + domain
}

// expand builds the tree without validating; Validate runs it too, to check
// what only the expansion shows (generated names, emails, policy sizes).
func (d *Design) expand() *Tree {
	t := &Tree{Organization: d.Organization.Name, Layout: d.layout(), HomeRegion: d.Organization.HomeRegion}
	addOU := func(path string) {
		parent, name := "", path
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			parent, name = path[:i], path[i+1:]
		}
		t.OUs = append(t.OUs, OU{Path: path, Name: name, Parent: parent})
	}
	baseTags := func() map[string]string {
		m := map[string]string{}
		for _, tg := range d.Tags {
			m[tg.Key] = tg.Value
		}
		m[TagOrganization] = d.Organization.Name
		return m
	}

	for _, ou := range []string{OUSecurity, OUInfrastructure} {
		if (ou == OUSecurity && !d.Foundation.Security) || (ou == OUInfrastructure && !d.Foundation.Infrastructure) {
			continue
		}
		addOU(ou)
		for _, name := range foundationAccounts[ou] {
			tags := baseTags()
			tags[TagPurpose] = name
			tags[TagManagedBy] = ManagedByValue
			t.Accounts = append(t.Accounts, Account{
				Name: name, Email: d.AccountEmail(name), OU: ou, Kind: FoundationAccount, Tags: tags,
				source: "foundation." + strings.ToLower(ou),
			})
		}
	}

	workloadAccount := func(wi int, w Workload, e Environment, residency, ou string) Account {
		name := w.Name + "-" + e.Name
		if residency != "" {
			name += "-" + residency
		}
		tags := baseTags()
		tags[TagWorkload] = w.Name
		tags[TagEnvironment] = e.Name
		if residency != "" {
			tags[TagResidency] = residency
		}
		if w.Owner != "" {
			tags[TagOwner] = w.Owner
		}
		tags[TagManagedBy] = ManagedByValue
		return Account{
			Name: name, Email: d.AccountEmail(name), OU: ou, Kind: WorkloadAccount,
			Workload: w.Name, Environment: e.Name, Residency: residency, Tags: tags,
			source: index("workloads", wi),
		}
	}

	addOU(OUWorkloads)
	switch t.Layout {
	case ByWorkload:
		for wi, w := range d.Workloads {
			ou := OUWorkloads + "/" + w.Name
			addOU(ou)
			for _, e := range d.Environments {
				if !e.PerResidency {
					t.Accounts = append(t.Accounts, workloadAccount(wi, w, e, "", ou))
					continue
				}
				for _, r := range w.Residencies {
					t.Accounts = append(t.Accounts, workloadAccount(wi, w, e, r, ou))
				}
			}
		}
	default:
		for _, e := range d.Environments {
			envOU := OUWorkloads + "/" + e.Name
			addOU(envOU)
			if !e.PerResidency {
				for wi, w := range d.Workloads {
					t.Accounts = append(t.Accounts, workloadAccount(wi, w, e, "", envOU))
				}
				continue
			}
			for _, r := range d.Residencies {
				resOU := envOU + "/" + r.Name
				addOU(resOU)
				for wi, w := range d.Workloads {
					if slices.Contains(w.Residencies, r.Name) {
						t.Accounts = append(t.Accounts, workloadAccount(wi, w, e, r.Name, resOU))
					}
				}
			}
		}
	}

	if d.Foundation.Sandbox {
		addOU(OUSandbox)
	}
	transitional := d.Foundation.Transitional
	for _, a := range d.Accounts {
		if a.OU == OUTransitional {
			transitional = true
		}
	}
	if transitional {
		addOU(OUTransitional)
	}
	if d.Foundation.Suspended {
		addOU(OUSuspended)
	}

	for i, a := range d.Accounts {
		t.Accounts = append(t.Accounts, Account{
			Name: a.Name, Email: a.Email, ID: a.ID, OU: a.OU, Kind: AdoptedKind, Tags: baseTags(),
			source: index("accounts", i),
		})
	}

	t.Policies = d.policies(t)
	d.expandBudgets(t)
	d.expandAccess(t)
	d.expandBaseline(t)
	return t
}

func (d *Design) layout() Layout {
	if d.Layout == "" {
		return ByEnvironment
	}
	return d.Layout
}

// policies returns the guardrails the design turns on, each with its targets;
// a region lock that would be attached nowhere is left out.
func (d *Design) policies(t *Tree) []Policy {
	var out []Policy
	root := Target{Type: TargetRoot, Name: "Root"}
	g := d.Guardrails
	if g.DenyLeaveOrganization {
		out = append(out, Policy{
			Name:        PolicyDenyLeave,
			Description: "Member accounts cannot leave the organization (and its guardrails).",
			Content:     denyLeaveContent(),
			Targets:     []Target{root},
		})
	}
	if g.DenyRootUser {
		out = append(out, Policy{
			Name:        PolicyDenyRootUser,
			Description: "The root user of member accounts can do nothing; people work through roles.",
			Content:     denyRootUserContent(),
			Targets:     []Target{root},
		})
	}
	if !g.RegionLock {
		return out
	}

	// Which targets each region lock goes to.
	targets := map[string][]Target{}
	perResidency := map[string]bool{}
	for _, e := range d.Environments {
		perResidency[e.Name] = e.PerResidency
	}
	switch t.Layout {
	case ByWorkload:
		for _, a := range t.Accounts {
			if a.Kind != WorkloadAccount {
				continue
			}
			name := PolicyRegionLockAll
			if a.Residency != "" {
				name = RegionLockPolicyName(a.Residency)
			}
			targets[name] = append(targets[name], Target{Type: TargetAccount, Name: a.Name})
		}
	default:
		for _, ou := range t.OUs {
			parts := strings.Split(ou.Path, "/")
			if parts[0] != OUWorkloads || len(parts) < 2 {
				continue
			}
			env := parts[1]
			switch {
			case len(parts) == 2 && !perResidency[env]:
				targets[PolicyRegionLockAll] = append(targets[PolicyRegionLockAll], Target{Type: TargetOU, Name: ou.Path})
			case len(parts) == 3 && perResidency[env]:
				name := RegionLockPolicyName(parts[2])
				targets[name] = append(targets[name], Target{Type: TargetOU, Name: ou.Path})
			}
		}
	}

	for _, r := range d.Residencies {
		name := RegionLockPolicyName(r.Name)
		if len(targets[name]) == 0 {
			continue
		}
		out = append(out, Policy{
			Name:        name,
			Description: "Deny requests outside the " + r.Name + " residency's regions (" + strings.Join(r.Regions, ", ") + "); global services exempted.",
			Content:     regionLockContent(r.Regions),
			Targets:     targets[name],
		})
	}
	if len(targets[PolicyRegionLockAll]) > 0 {
		regions := d.allRegions()
		out = append(out, Policy{
			Name:        PolicyRegionLockAll,
			Description: "Deny requests outside the organization's regions (" + strings.Join(regions, ", ") + "); global services exempted.",
			Content:     regionLockContent(regions),
			Targets:     targets[PolicyRegionLockAll],
		})
	}
	return out
}

// allRegions is the union of every residency's regions and the home region, sorted.
func (d *Design) allRegions() []string {
	set := map[string]bool{}
	if d.Organization.HomeRegion != "" {
		set[d.Organization.HomeRegion] = true
	}
	for _, r := range d.Residencies {
		for _, region := range r.Regions {
			set[region] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
