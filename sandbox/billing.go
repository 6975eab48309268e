package sandbox

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/billing"
)

// billingServe hands a Cost Explorer or Budgets call to package billing with
// the caller's bill: the accounts of its organization when it manages one,
// itself when standalone. It holds the lock.
func (s *Sandbox) billingServe(c *caller, op string, body []byte, now time.Time) ([]byte, bool, *awsError) {
	p := &billing.Payer{Scenario: s.st.Scenario, Caller: c.account.ID}
	members := []*account{c.account}
	if o := s.ix.orgByID[c.account.OrgID]; o != nil {
		p.Member = o.ManagementID != c.account.ID
		members = s.ix.orgAccounts[o.ID]
	}
	for _, a := range members {
		p.Accounts = append(p.Accounts, billing.Account{ID: a.ID, Name: a.Name, OUPath: s.ouPath(a.ParentID),
			Management: a.Role == "management", Workloads: len(s.ix.resources[a.ID]) > 0, RunawaySince: a.RunawaySince})
	}
	if s.st.Billing == nil {
		s.st.Billing = &billing.State{}
	}
	v, changed, err := billing.Serve(c.service, op, body, p, s.st.Billing, now)
	if err != nil {
		return nil, false, &awsError{Status: err.Status, Code: err.Code, Message: err.Message}
	}
	out, _ := json.Marshal(v)
	return out, changed, nil
}

// ouPath is the path of names from the root to the OU id ("Workloads/prod/eu");
// empty for the root.
func (s *Sandbox) ouPath(id string) string {
	var names []string
	for ou := s.ix.ouByID[id]; ou != nil; ou = s.ix.ouByID[ou.ParentID] {
		names = append(names, ou.Name)
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, "/")
}
