package sandbox

import (
	"encoding/json"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/billing"
	"github.com/orgwizard/orgwizard/sandbox/core"
)

// billingServe hands a Cost Explorer or Budgets call to package billing with
// the caller's bill: the accounts of its organization when it manages one,
// itself when standalone. It holds the lock.
func (s *Sandbox) billingServe(c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error) {
	p := &billing.Payer{Scenario: s.st.Scenario, Caller: c.Account.ID}
	members := []*core.Account{c.Account}
	if o, ok := s.orgs.OrgOf(c.Account.ID); ok {
		p.Member = !o.Manages(c.Account.ID)
		members = s.orgs.Members(o.ID)
	}
	for _, a := range members {
		p.Accounts = append(p.Accounts, billing.Account{ID: a.ID, Name: a.Name, OUPath: s.orgs.OUPath(a.ParentID),
			Management: a.Role == "management", Workloads: len(s.resources[a.ID]) > 0, RunawaySince: a.RunawaySince})
	}
	if s.st.Billing == nil {
		s.st.Billing = &billing.State{}
	}
	v, changed, err := billing.Serve(c.Service, op, body, p, s.st.Billing, now)
	if err != nil {
		return nil, false, &core.Error{Status: err.Status, Code: err.Code, Message: err.Message}
	}
	out, _ := json.Marshal(v)
	return out, changed, nil
}
