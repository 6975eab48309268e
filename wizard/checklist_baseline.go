package wizard

import (
	"fmt"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// baselinePart is one line of the checklist's baseline: an item of the
// step (its label), what it is when in place, and which of the plan's
// steps are its.
type baselinePart struct {
	key, title, inPlace string
	services            []string
	kinds               []orgmodel.StepKind
}

// baselineParts are the parts of t's baseline that the design turns on,
// in the step's order.
func baselineParts(bt *orgmodel.BaselineTree) []baselinePart {
	label := func(key string) string {
		for _, it := range BaselineItems {
			if it.Key == key {
				return it.Label
			}
		}
		return key
	}
	var parts []baselinePart
	if tr := bt.Trail; tr != nil {
		parts = append(parts, baselinePart{"trail", label("organizationTrail"),
			fmt.Sprintf("%s logging every account into the bucket in %s (%s), kept at least %d days", tr.Name, tr.Bucket.Account, tr.Bucket.Region, tr.Bucket.RetentionDays),
			[]string{orgmodel.ServiceCloudTrail},
			[]orgmodel.StepKind{orgmodel.StepCreateLogBucket, orgmodel.StepConfigureLogBucket, orgmodel.StepPutBucketPolicy, orgmodel.StepCreateTrail, orgmodel.StepUpdateTrail, orgmodel.StepStartLogging}})
	}
	regional := func(key, service string, kind orgmodel.StepKind, cov []orgmodel.RegionCoverage) {
		if cov == nil {
			return
		}
		var regions []string
		all := true
		for _, c := range cov {
			regions = append(regions, c.Region)
			all = all && c.AutoEnable == orgmodel.AutoEnableAll
		}
		who := "every member"
		if !all {
			// SecurityLines' words: the region lock decides who is in.
			who = "each member where its region lock allows"
		}
		admin := "the management account"
		for _, a := range bt.DelegatedAdmins {
			if a.Service == service {
				admin = a.Account
			}
		}
		parts = append(parts, baselinePart{key, label(key), fmt.Sprintf("run from %s for %s, in %s", admin, who, strings.Join(regions, ", ")),
			[]string{service}, []orgmodel.StepKind{kind}})
	}
	regional("threatDetection", orgmodel.ServiceGuardDuty, orgmodel.StepConfigureGuardDuty, bt.ThreatDetection)
	regional("securityHub", orgmodel.ServiceSecurityHub, orgmodel.StepConfigureSecurityHub, bt.SecurityHub)
	if n := len(bt.Analyzers); n > 0 {
		parts = append(parts, baselinePart{"accessAnalyzer", label("accessAnalyzer"),
			fmt.Sprintf("organization analyzer in %s, in %s", bt.Analyzers[0].Account, plural(n, "region")),
			[]string{orgmodel.ServiceAccessAnalyzer}, []orgmodel.StepKind{orgmodel.StepCreateAnalyzer}})
	}
	if len(bt.RootFeatures) > 0 {
		parts = append(parts, baselinePart{"centralRootAccess", label("centralRootAccess"), "member accounts the organization creates have no root password",
			[]string{orgmodel.ServiceIAM}, []orgmodel.StepKind{orgmodel.StepEnableRootFeature}})
	}
	if n := len(bt.Contacts); n > 0 {
		var kinds []string
		for _, c := range bt.Contacts[0].Contacts {
			kinds = append(kinds, strings.ToLower(c.Type))
		}
		parts = append(parts, baselinePart{"contacts", "Alternate contacts", fmt.Sprintf("%s set on %s, the management account included", strings.Join(kinds, ", "), plural(n, "account")),
			[]string{orgmodel.ServiceAccount}, []orgmodel.StepKind{orgmodel.StepPutAlternateContact}})
	}
	return parts
}

// owns reports whether step s of the plan is part p's.
func (p baselinePart) owns(s orgmodel.Step) bool {
	for _, k := range p.kinds {
		if s.Kind == k {
			return true
		}
	}
	if s.Baseline == nil {
		return false
	}
	for _, svc := range p.services {
		if s.Baseline.Service == svc {
			return true
		}
	}
	return false
}

// baselineChecks tick the baseline's parts from what was read back: a
// part is in place when planning the design against it leaves none of its
// steps, never because apply said it succeeded.
func baselineChecks(tree *orgmodel.Tree, a *orgmodel.Actual) []CheckItem {
	bt := tree.Baseline
	if bt == nil {
		return nil
	}
	parts := baselineParts(bt)
	var out []CheckItem
	if a == nil || a.Organization == nil || a.Baseline == nil {
		for _, p := range parts {
			out = append(out, CheckItem{Title: p.title, Status: Unknown, Detail: "not read back from the target"})
		}
		return out
	}
	var unreadable []string
	for _, u := range a.Baseline.Unreadable {
		unreadable = append(unreadable, u.Name)
	}
	plan := orgmodel.MakePlan(tree, a)
	for _, p := range parts {
		var left []string
		for _, s := range plan.Steps {
			if s.Baseline != nil && p.owns(s) {
				left = append(left, s.String())
			}
		}
		item := CheckItem{Title: p.title, Status: Pass, Detail: p.inPlace}
		switch {
		case len(left) > 0:
			item.Status, item.Detail = Fail, "still to do: "+shortList(left, 2)+"; run the wizard again to finish"
		case len(unreadable) > 0:
			item.Status, item.Detail = Unknown, "could not enter "+strings.Join(unreadable, ", ")+" to check it"
		}
		out = append(out, item)
	}
	return out
}
