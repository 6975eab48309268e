package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/account"
	"github.com/orgwizard/orgwizard/sandbox/billing"
	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/iam"
	"github.com/orgwizard/orgwizard/sandbox/identitycenter"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
	"github.com/orgwizard/orgwizard/sandbox/organizations"
	"github.com/orgwizard/orgwizard/sandbox/s3"
	"github.com/orgwizard/orgwizard/sandbox/servicequotas"
	"github.com/orgwizard/orgwizard/sandbox/sts"
)

// wire builds the services over the state: the core's directory of accounts
// and sessions, then each service on the state's part that is its own and on
// what it needs of the others (Organizations answers, through core's small
// interfaces, where accounts sit and what their quota is). It runs whenever
// the state is loaded or replaced.
func (s *Sandbox) wire() *Sandbox {
	st := s.st
	s.dir = core.NewDirectory(&st.Accounts, &st.Sessions)
	s.orgs = organizations.New(&st.Organizations, s.dir, orgEnv{s})
	s.quotas = servicequotas.New(&st.QuotaRequests, s.orgs, s.orgs, func() time.Duration {
		return time.Duration(float64(s.cfg.QuotaIncreaseDelay) / s.cfg.Speed)
	})
	s.sts = sts.New(s.dir, s.orgs, s.orgs, func(orgID string) bool {
		return slices.Contains(s.iam.Features(orgID), iam.RootSessions)
	})
	s.resources = map[string][]inventory.Resource{}
	for _, r := range st.Resources {
		s.resources[r.Account] = append(s.resources[r.Account], r)
	}
	if st.S3 == nil {
		st.S3 = &s3.State{}
	}
	if st.Account == nil {
		st.Account = &account.State{}
	}
	s.account = account.New(st.Account, s.dir, s.orgs, s.orgs)
	s.s3 = s3.New(st.S3, s.orgs, seedBuckets(st.Resources))
	if st.IAM == nil {
		st.IAM = &iam.State{}
	}
	s.iam = iam.New(st.IAM, s.orgs, s.orgs, func(account string) []iam.User {
		var users []iam.User
		for _, r := range s.resources[account] {
			if r.Service == "iam" && r.Type == "user" {
				u := iam.User{Name: r.Name}
				if created, reset, ok := inventory.LoginProfile(r); ok {
					u.LoginProfile = &iam.LoginProfile{Created: created, ResetRequired: reset}
				}
				users = append(users, u)
			}
		}
		return users
	})
	return s
}

// orgEnv is what Organizations asks of the sandbox: its speed, its faults,
// the state's default quota.
type orgEnv struct{ s *Sandbox }

func (e orgEnv) CreateAccountDelay() time.Duration {
	return time.Duration(float64(e.s.cfg.CreateAccountDelay) / e.s.cfg.Speed)
}
func (e orgEnv) Faults() *core.Faults     { return &e.s.st.Faults }
func (e orgEnv) DefaultAccountQuota() int { return e.s.st.AccountQuota }

// service is one signed service the router runs under the lock, found by its
// SigV4 signing name. A new service on awsJson or awsQuery is one entry in
// services: its protocol, its target prefix (so that an unsigned call is
// answered in its shape), the operations it knows (for the call record), and
// serve, which gets the authenticated caller, the operation and the body.
type service struct {
	// protocol is "json" (awsJson1_1) or "query" (awsQuery, XML answers).
	protocol string
	// targetPrefix starts the X-Amz-Target header of an awsJson service's calls.
	targetPrefix string
	known        func(op string) bool
	// faults says the injected shares apply; conflict is the service's
	// answer to a ConflictFault (nil: a server error).
	faults   bool
	conflict func() *core.Error
	// operation, when set, names a restJson call's operation from its path.
	operation func(r *http.Request) string
	// serve answers one call: the answer's body, whether the state changed.
	serve func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error)
}

func asJSON(v any, changed bool, err *core.Error) ([]byte, bool, *core.Error) {
	if err != nil {
		return nil, false, err
	}
	out, _ := json.Marshal(v)
	return out, changed, nil
}

// services is every service the router runs itself; IAM's account-level
// calls, IAM Identity Center and the inventory services have their own
// paths (they are served partly unsigned, or outside the lock).
var services = map[string]*service{
	"organizations": {protocol: "json", targetPrefix: "AWSOrganizations", known: organizations.Known, faults: true,
		conflict: func() *core.Error {
			return core.Errf("ConcurrentModificationException", "The target of the operation is currently being modified by a different request. Try again later.")
		},
		serve: func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error) {
			return asJSON(s.orgs.Serve(c, op, body, now))
		}},
	"servicequotas": {protocol: "json", targetPrefix: "ServiceQuotas", known: servicequotas.Known, faults: true,
		serve: func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error) {
			return asJSON(s.quotas.Serve(c, op, body, now))
		}},
	"sts": {protocol: "query", known: sts.Known, faults: true,
		serve: func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error) {
			return s.sts.Serve(c, op, body, now)
		}},
	"account": {protocol: "json", known: account.Known, faults: true, operation: account.Operation,
		serve: func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error) {
			return asJSON(s.account.Serve(c, op, body, now))
		}},
	"ce": {protocol: "json", targetPrefix: "AWSInsightsIndexService", known: func(op string) bool { return billing.Known("ce", op) },
		serve: (*Sandbox).billingServe},
	"budgets": {protocol: "json", targetPrefix: "AWSBudgetServiceGateway", known: func(op string) bool { return billing.Known("budgets", op) },
		serve: (*Sandbox).billingServe},
	"support": {protocol: "json", known: func(string) bool { return false },
		serve: func(*Sandbox, *core.Caller, string, []byte, time.Time) ([]byte, bool, *core.Error) {
			// The sandbox's accounts have Basic Support, and AWS answers any
			// Support API call from such an account so; organization tools ask
			// (org-formation, DescribeSeverityLevels) and go on.
			return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "SubscriptionRequiredException",
				Message: "AWS Premium Support Subscription is required to use this service."}
		}},
}

// inventoryServices is the set of signing names package inventory serves;
// its services register themselves at init, so the set is fixed by then.
var inventoryServices = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, name := range inventory.Services() {
		set[name] = true
	}
	return set
})

// identityCenterSigned says whether package identitycenter serves a signed request for service.
func identityCenterSigned(service string) bool {
	return service == identitycenter.ServiceAdmin || service == identitycenter.ServiceStore
}

func identityCenterService(service string) bool {
	return identityCenterSigned(service) || service == identitycenter.ServicePortal || service == identitycenter.ServiceOIDC
}

// served says whether the sandbox serves service, and op of it: what the
// call record keeps of a request.
func served(service, op string) (bool, bool) {
	switch {
	case service == "iam":
		return true, iam.Known(op) || inventory.Known(service, op)
	case service == "s3":
		return true, s3.Known(op)
	case identityCenterService(service):
		return true, identitycenter.Known(service, op)
	case restServices[service] != nil:
		return true, restServices[service].known(op)
	case services[service] != nil && service != "support":
		return true, services[service].known(op)
	case inventoryServices()[service]:
		return true, inventory.Known(service, op)
	}
	return false, inventory.Known(service, op)
}

// guessService names the service of a request that is not signed, from its
// X-Amz-Target or its form body, so that its refusal comes in that service's shape.
func guessService(r *http.Request) string {
	t := r.Header.Get("X-Amz-Target")
	for name, svc := range services {
		if svc.targetPrefix != "" && strings.HasPrefix(t, svc.targetPrefix) {
			return name
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return "sts"
	}
	return "organizations"
}

// OrganizationsOperations lists the Organizations operations the sandbox serves.
func OrganizationsOperations() []string { return organizations.Operations() }
