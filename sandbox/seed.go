package sandbox

import (
	"time"
)

// SeedOrganization writes, at statePath, a sandbox whose first account is the
// management account of an organization with n member accounts and m OUs
// (fifty under the root, the rest one level below them, accounts spread over
// the OUs), each account created and tagged. It exists for benchmarks that
// need a large organization without creating it call by call.
func SeedOrganization(statePath string, n, m int) error {
	now := time.Now().UTC()
	st, err := newScenario("fresh", now)
	if err != nil {
		return err
	}
	st.AccountQuota = n + 1
	w := (&Sandbox{st: st}).wire()
	w.orgs.Seed(st.Accounts[0], n, m, now)
	return store{path: statePath}.save(st)
}
