package sandbox

import (
	"fmt"
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
	mgmt := st.Accounts[0]
	s := &Sandbox{st: st, ix: st.buildIndex()}
	o := &organization{ID: newOrgID(), ManagementID: mgmt.ID, FeatureSet: "ALL", RootID: newRootID(), AccountQuota: n + 1,
		CreatedAt: now, Attachments: map[string][]string{}, RootPolicyTypes: []string{scpType}}
	s.addOrganization(o, mgmt, now)
	parents := []string{o.RootID}
	for i := range m {
		parent := o.RootID
		if i >= 50 {
			parent = o.OUs[i%50].ID
		}
		ou := &orgUnit{ID: newOUID(o.RootID), Name: fmt.Sprint("ou-", i), ParentID: parent}
		o.OUs = append(o.OUs, ou)
		o.Attachments[ou.ID] = []string{fullAWSAccessID}
		parents = append(parents, ou.ID)
	}
	seen := map[string]bool{mgmt.ID: true}
	for i := range n {
		id := newAccountID()
		for seen[id] {
			id = newAccountID()
		}
		seen[id] = true
		a := &account{ID: id, Name: fmt.Sprint("account-", i), Email: fmt.Sprintf("aws+account-%d@acme.example", i),
			AccessKeyID: newAccessKeyID("AKIA"), SecretAccessKey: newSecret(), Role: "member", OrgID: o.ID,
			ParentID: o.RootID, JoinedMethod: "CREATED", JoinedAt: now, CreatedAt: now,
			AccessRole: defaultAccessRole, Tags: map[string]string{"managed-by": "orgwizard", "workload": fmt.Sprint("w", i%200)}}
		if m > 0 {
			a.ParentID = parents[1+i%m]
		}
		st.Accounts = append(st.Accounts, a)
		o.Attachments[a.ID] = []string{fullAWSAccessID}
		o.CreateStatuses = append(o.CreateStatuses, &createStatus{ID: newStatusID(), AccountName: a.Name, Email: a.Email,
			RequestedAt: now, CompleteAt: now, State: "SUCCEEDED", AccountID: a.ID, RoleName: defaultAccessRole})
	}
	return store{path: statePath}.save(st)
}
