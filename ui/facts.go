package ui

import (
	"fmt"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// fact is one thing a step found, written once: the screen draws it behind
// its mark, accessible mode says it, the mark as a word.
type fact struct {
	mark factMark
	text string
	// keys says what to press about it on the screen; "" for nothing.
	keys string
}

type factMark int

const (
	factInfo factMark = iota
	factOK
	factBad
	factWarn
)

// preflightFacts are what the preflight found about the account, its
// organization and the accounts quota (counted against the design, when
// one is read in; x keeps its expansion, nil to expand it now).
func preflightFacts(p Preflight, d *orgmodel.Design, x *wizard.Expansion) []fact {
	facts := []fact{{factOK, "Signed in as account " + p.AccountID + ".", ""}}
	switch {
	case p.Organization == nil:
		facts = append(facts, fact{factOK, "No organization yet. The wizard will create one, and this account becomes its management account: the one that pays and governs, and runs nothing else.", ""})
	case p.Management():
		facts = append(facts, fact{factOK, fmt.Sprintf("Organization %s exists and this account is its management account. Accounts in it now: %d.", p.Organization.ID, p.Accounts), ""})
	default:
		facts = append(facts, fact{factBad, fmt.Sprintf("This account is a member of organization %s, whose management account is %s. Sign in to the management account.", p.Organization.ID, p.Organization.ManagementAccountID), "esc, then choose its profile"})
	}
	if q, withDesign := quotaFromDesign(p, d, x); withDesign {
		// A design is read in: count its accounts, never just the quota.
		switch {
		case q.over():
			facts = append(facts, fact{factBad, fmt.Sprintf("Your design needs %s (%s). %s Or make the design smaller (the steps of workloads, environments and residencies): apply stays blocked until it fits.", q.text(), q.Source, quotaWayOut(q.Need)), ""})
		case q.Need == q.Quota:
			facts = append(facts, fact{factWarn, fmt.Sprintf("Your design needs %s (%s): the quota is reached, one more account needs an increase.", q.text(), q.Source), ""})
		default:
			facts = append(facts, fact{factOK, fmt.Sprintf("Your design needs %s (%s).", q.text(), q.Source), ""})
		}
	} else if p.Quota > 0 {
		have := max(p.Accounts, 1)
		facts = append(facts, fact{factInfo, fmt.Sprintf("Accounts quota: %d per organization (%s); %d in use, room for %d more. The count shows at the top from the first step that adds accounts; a bigger design needs a quota increase, asked for in Service Quotas.", p.Quota, p.QuotaSource, have, max(p.Quota-have, 0)), ""})
	}
	return facts
}

// inventoryFact is what the inventory found in the management account.
func inventoryFact(inv wizard.Inventory) fact {
	switch inv.State() {
	case wizard.Clean:
		return fact{factOK, "Inventory: " + inv.Line(), ""}
	case wizard.Dirty:
		return fact{factBad, "Inventory: " + inv.Line() + " The management account should run nothing: service control policies never restrict it, so these escape every guardrail.", ""}
	}
	return fact{factWarn, "Inventory: " + inv.Line(), ""}
}

// resumeFact says that a saved design is read in and where the user goes on.
func resumeFact(path string, at wizard.Step) fact {
	return fact{factInfo, fmt.Sprintf("Your design in %s is read in; you go on at %s.", path, at.Info().Title), ""}
}

// facts draws facts on the screen, each wrapped behind its mark.
func (st Styles) facts(w int, facts ...fact) []string {
	var lines []string
	for _, f := range facts {
		mark := map[factMark]string{factInfo: st.Muted.Render("·"), factOK: st.OK.Render("✓"), factBad: st.Fail.Render("✗"), factWarn: st.Warn.Render("!")}[f.mark]
		text := f.text
		if f.keys != "" {
			text = strings.TrimSuffix(text, ".") + " (" + f.keys + ")."
		}
		lines = append(lines, wrapMark(mark, text, w)...)
	}
	return lines
}

// sayFacts says facts in accessible mode: a problem or a warning says so
// first, as the screen's mark does.
func (a *accessible) sayFacts(facts ...fact) {
	for _, f := range facts {
		switch f.mark {
		case factBad:
			a.say("Problem: %s", f.text)
		case factWarn:
			a.say("Warning: %s", f.text)
		default:
			a.say("%s", f.text)
		}
	}
}
