package orgmodel

import "strings"

// WorkRegions tells, for the accounts of an organization as it exists, the
// region people should work in: the first region the design's region lock
// allows the account, or the home region where no lock applies (the
// foundation accounts, adopted ones, or a design with regionLock off).
//
// An account is matched the way the region locks are attached: by its name
// (layout by-workload attaches them to accounts) or by the nearest OU on its
// path that a lock targets, so that an account moved by hand into a
// residency's OU gets that residency's region.
type WorkRegions struct {
	home      string
	byAccount map[string]string
	byOU      map[string]string
}

// WorkRegions computes the lookup once; Region is then a map lookup per OU
// level, cheap for thousands of accounts.
func (d *Design) WorkRegions() *WorkRegions {
	w := &WorkRegions{home: d.Organization.HomeRegion, byAccount: map[string]string{}, byOU: map[string]string{}}
	if !d.Guardrails.RegionLock {
		return w
	}
	first := map[string]string{}
	for _, r := range d.Residencies {
		if len(r.Regions) > 0 {
			first[RegionLockPolicyName(r.Name)] = r.Regions[0]
		}
	}
	// region-lock-all allows every residency's regions and the home region;
	// of those, the home region is where the organization works.
	first[PolicyRegionLockAll] = d.Organization.HomeRegion
	for _, p := range d.expand().Policies {
		region, ok := first[p.Name]
		if !ok {
			continue
		}
		for _, t := range p.Targets {
			switch t.Type {
			case TargetAccount:
				w.byAccount[t.Name] = region
			case TargetOU:
				w.byOU[t.Name] = region
			}
		}
	}
	return w
}

// Region is the region for the account called name in the OU at ouPath
// ("" for the root).
func (w *WorkRegions) Region(name, ouPath string) string {
	if r, ok := w.byAccount[name]; ok {
		return r
	}
	for p := ouPath; p != ""; {
		if r, ok := w.byOU[p]; ok {
			return r
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return w.home
}
