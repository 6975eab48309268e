package sandbox

import (
	"fmt"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
	"github.com/orgwizard/orgwizard/sandbox/servicequotas"
)

// newScenario builds the world a scenario starts from (sandbox.md, "Scenarios").
func newScenario(name string, now time.Time) (*state, error) {
	st := &state{Version: stateVersion, Scenario: name, AccountQuota: servicequotas.DefaultAccountQuota}
	newAccount := func(name, email, role string) *core.Account {
		a := core.NewAccount(core.NewAccountID(), name, email, role, now.UTC())
		for _, b := range st.Accounts {
			if b.ID == a.ID { // a clash among a handful of random ids: draw again
				return nil
			}
		}
		st.Accounts = append(st.Accounts, a)
		return a
	}
	mustAccount := func(name, email, role string) *core.Account {
		for {
			if a := newAccount(name, email, role); a != nil {
				return a
			}
		}
	}
	switch name {
	case "fresh":
		mustAccount("acme", "aws@acme.example", "standalone")
	case "small-quota":
		st.AccountQuota = 4
		mustAccount("acme", "aws@acme.example", "standalone")
	case "dirty-management":
		// Way out (a) brings the old account in beside the new management
		// account: acme.yaml's nine accounts make eleven, one over AWS's
		// default. A workshop cannot ask AWS for an increase, so this world
		// starts with the increase granted.
		st.AccountQuota = 12
		// The account a founder has used for everything, and a clean one
		// that can become the management account instead.
		dirty := mustAccount("acme-legacy", "founder@acme.example", "standalone-with-workloads")
		mustAccount("acme", "aws@acme.example", "new-management")
		// The founder turned Resource Explorer on where the shop runs:
		// an aggregator index in eu-west-1 with its default view, a local
		// index in us-east-1; the other regions have none.
		st.Resources = append(inventory.DirtyResources(dirty.ID), inventory.ResourceExplorerSetup(dirty.ID, "eu-west-1", "us-east-1")...)
	case "existing-org":
		// An organization that has grown has had its quota raised: room for
		// acme.yaml's nine accounts beside the ones it already has.
		st.AccountQuota = 20
		buildExistingOrg(st, mustAccount, now.UTC())
	default:
		return nil, fmt.Errorf("unknown sandbox scenario %q", name)
	}
	return st, nil
}

// buildExistingOrg makes an organization half-way to acme.yaml (see
// organizations.BuildExistingOrg), and a standalone partner account that can
// be invited.
func buildExistingOrg(st *state, mustAccount func(name, email, role string) *core.Account, now time.Time) {
	mgmt := mustAccount("acme", "aws@acme.example", "management")
	payments := mustAccount("payments-dev", "aws+payments-dev@acme.example", "member")
	logs := mustAccount("log-archive", "aws+log-archive@acme.example", "member")
	legacy := mustAccount("legacy-app", "legacy-app@acme.example", "member")
	mustAccount("acme-partner", "partner@acme.example", "standalone")

	w := (&Sandbox{st: st}).wire()
	w.orgs.BuildExistingOrg(mgmt, payments, logs, legacy, st.AccountQuota, now)
	// Someone left a load test running in payments-dev nine days ago: its
	// spend climbs day after day, so a workshop sees a budget alert fire.
	payments.RunawaySince = now.Truncate(24*time.Hour).AddDate(0, 0, -9)
	legacy.Tags = map[string]string{"team": "legacy"}
}
