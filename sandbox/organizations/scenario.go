package organizations

import (
	"fmt"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// The sandbox's scenarios and benchmarks start from organizations built
// here, directly in the state, as if their calls had been made long ago.

// Found makes mgmt the management account of a new organization with all
// features and service control policies enabled, created at createdAt.
func (s *Service) Found(mgmt *core.Account, quota int, createdAt time.Time) *Organization {
	o := &Organization{ID: newOrgID(), ManagementID: mgmt.ID, FeatureSet: "ALL", RootID: newRootID(),
		AccountQuota: quota, CreatedAt: createdAt, Attachments: map[string][]string{}, RootPolicyTypes: []string{SCPType}}
	s.addOrganization(o, mgmt, createdAt)
	return o
}

// BuildExistingOrg makes an organization half-way to acme.yaml: an OU
// Workloads, payments-dev created but left in Root (misplaced), log-archive in
// Workloads instead of Security (misplaced), legacy-app invited long ago and
// unknown to the design (unmanaged).
func (s *Service) BuildExistingOrg(mgmt, payments, logs, legacy *core.Account, quota int, now time.Time) {
	o := s.Found(mgmt, quota, now.Add(-30*24*time.Hour))
	workloads := &orgUnit{ID: newOUID(o.RootID), Name: "Workloads", ParentID: o.RootID}
	o.OUs = append(o.OUs, workloads)
	o.Attachments[workloads.ID] = []string{fullAWSAccessID}
	for i, a := range []*core.Account{payments, logs, legacy} {
		joined := o.CreatedAt.Add(time.Duration(i+1) * 24 * time.Hour)
		method := "CREATED"
		if a == legacy {
			method = "INVITED"
		}
		s.join(o, a, method, joined)
		if a != legacy {
			a.AccessRole = defaultAccessRole
			o.CreateStatuses = append(o.CreateStatuses, &createStatus{ID: newStatusID(), AccountName: a.Name, Email: a.Email,
				RequestedAt: joined.Add(-time.Minute), CompleteAt: joined, State: "SUCCEEDED", AccountID: a.ID, RoleName: defaultAccessRole})
		}
	}
	logs.ParentID = workloads.ID
}

// TrustSince gives principal trusted access to the organization orgID, as
// EnableAWSServiceAccess did at at: a scenario's partial baseline.
func (s *Service) TrustSince(orgID, principal string, at time.Time) {
	if o := s.ix.orgByID[orgID]; o != nil && !s.TrustedAccess(orgID, principal) {
		o.ServiceAccess = append(o.ServiceAccess, serviceAccess{Principal: principal, EnabledAt: at})
	}
}

// Seed makes mgmt the management account of an organization with n member
// accounts and m OUs (fifty under the root, the rest one level below them,
// accounts spread over the OUs), each account created and tagged.
func (s *Service) Seed(mgmt *core.Account, n, m int, now time.Time) {
	o := s.Found(mgmt, n+1, now)
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
		id := core.NewAccountID()
		for seen[id] {
			id = core.NewAccountID()
		}
		seen[id] = true
		a := &core.Account{ID: id, Name: fmt.Sprint("account-", i), Email: fmt.Sprintf("aws+account-%d@acme.example", i),
			AccessKeyID: core.NewAccessKeyID("AKIA"), SecretAccessKey: core.NewSecret(), Role: "member", OrgID: o.ID,
			ParentID: o.RootID, JoinedMethod: "CREATED", JoinedAt: now, CreatedAt: now,
			AccessRole: defaultAccessRole, Tags: map[string]string{"managed-by": "orgwizard", "workload": fmt.Sprint("w", i%200)}}
		if m > 0 {
			a.ParentID = parents[1+i%m]
		}
		s.dir.Add(a)
		s.ix.placeAccount(a)
		o.Attachments[a.ID] = []string{fullAWSAccessID}
		o.CreateStatuses = append(o.CreateStatuses, &createStatus{ID: newStatusID(), AccountName: a.Name, Email: a.Email,
			RequestedAt: now, CompleteAt: now, State: "SUCCEEDED", AccountID: a.ID, RoleName: defaultAccessRole})
	}
}
