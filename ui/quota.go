package ui

import (
	"fmt"
	"strings"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// quotaUse is how many accounts the organization has once the design is in
// place, the management account included, against its accounts quota.
type quotaUse struct {
	Need, Quota int
	Source      string
}

func (q quotaUse) known() bool { return q.Quota > 0 && q.Need > 0 }
func (q quotaUse) over() bool  { return q.known() && q.Need > q.Quota }

// text is "9 accounts of your quota of 10", said the same on every screen.
func (q quotaUse) text() string {
	if q.over() {
		return fmt.Sprintf("%d accounts, over your quota of %d", q.Need, q.Quota)
	}
	return fmt.Sprintf("%d accounts of your quota of %d", q.Need, q.Quota)
}

// short fits a narrow title line.
func (q quotaUse) short() string {
	if q.over() {
		return fmt.Sprintf("%d/%d accounts: over", q.Need, q.Quota)
	}
	return fmt.Sprintf("%d/%d accounts", q.Need, q.Quota)
}

// quotaWayOut is how to ask AWS for more accounts, exactly; the screens add
// the other way out, a smaller design.
func quotaWayOut(need int) string {
	return fmt.Sprintf("Ask AWS for at least %d: aws service-quotas request-service-quota-increase --service-code %s --quota-code %s --desired-value %d "+
		"(or in the console: Service Quotas, AWS Organizations, \"Default maximum number of accounts\").", need, orgs.QuotaServiceCode, orgs.QuotaCode, need)
}

// sandboxQuotaWayOut is how to raise the quota on the sandbox, which the
// wizard holds while it runs, so that nothing else can ask it for more:
// quit, make the request against sandbox serve, and run the wizard again.
func sandboxQuotaWayOut(need int, targetArgs []string, rerun string) string {
	serve := []string{"sandbox", "serve"}
	for i, a := range targetArgs {
		if a == "--sandbox-state" && i+1 < len(targetArgs) {
			serve = append(serve, a, targetArgs[i+1])
		}
	}
	return fmt.Sprintf("On the sandbox, which this wizard holds: quit (ctrl+c), run %s, make that request with the AWS CLI after its export line (or add --account-quota %d), stop it and run %s.",
		wizard.Command(serve...), need, rerun)
}

// quotaFromPlan counts as apply does: the accounts there are (the
// management account alone when there is no organization yet) and every
// creation the plan makes or awaits.
func quotaFromPlan(p Preflight, plan *orgmodel.Plan, actual *orgmodel.Actual) quotaUse {
	existing := 1
	if actual != nil && actual.Organization != nil {
		existing = len(actual.Accounts)
	}
	return quotaUse{Need: existing + plan.Count(orgmodel.StepCreateAccount) + plan.Count(orgmodel.StepAwaitAccount), Quota: p.Quota, Source: p.QuotaSource}
}

// quotaFromDesign counts before there is a plan: the accounts the preflight
// found, and the design's accounts to create, those whose email none of
// them has. x keeps the expansion between calls (nil: expand now); before
// the residency step an environment split by residency has none to split
// by, so it counts what going on without one gives, one account per
// workload, rather than nothing until then.
func quotaFromDesign(p Preflight, d *orgmodel.Design, x *wizard.Expansion) (quotaUse, bool) {
	if p.Quota <= 0 || d == nil {
		return quotaUse{}, false
	}
	if x == nil {
		x = &wizard.Expansion{}
	}
	tree, err := x.Settled(d)
	if err != nil || len(tree.Accounts) == 0 {
		return quotaUse{}, false
	}
	have := map[string]bool{}
	for _, e := range p.Emails {
		have[strings.ToLower(e)] = true
	}
	need := max(len(p.Emails), p.Accounts, 1)
	for _, a := range tree.Accounts {
		// An adopted account exists already (the plan never creates one),
		// and one named by its id alone has no email to find it by.
		if a.Kind != orgmodel.AdoptedKind && !have[strings.ToLower(a.Email)] {
			need++
		}
	}
	return quotaUse{Need: need, Quota: p.Quota, Source: p.QuotaSource}, true
}
