// Package servicequotas is the sandbox's Service Quotas on awsJson1_1.
package servicequotas

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Service Quotas serves one quota, the one orgwizard reads and a workshop
// needs to raise: how many accounts an organization may hold. An increase
// is asked for with RequestServiceQuotaIncrease and goes, as on AWS, through
// PENDING and CASE_OPENED to APPROVED (or NOT_APPROVED when no support case
// may be opened, DENIED above what the sandbox grants) after a delay the
// sandbox's speed scales; once APPROVED, GetServiceQuota reports the new
// value and CreateAccount honours it.

// The Organizations accounts quota in Service Quotas.
const (
	accountsQuotaCode    = "L-E619E033"
	accountsQuotaService = "organizations"
	accountsQuotaName    = "Default maximum number of accounts"
)

// DefaultQuotaIncreaseDelay is how long an increase takes to be APPROVED at
// speed 1; the support case opens after a quarter of it. AWS takes hours to
// days; a workshop watches the states go by in a few seconds.
const DefaultQuotaIncreaseDelay = 20 * time.Second

// DefaultAccountQuota is AWS's default accounts quota, the management account included.
const DefaultAccountQuota = 10

// MaxAccountQuota is the largest accounts quota the sandbox grants or can be
// set to; a request above it ends DENIED, as AWS denies what it will not
// support.
const MaxAccountQuota = 10_000

// Request states (Service Quotas' RequestStatus).
const (
	quotaPending     = "PENDING"
	quotaCaseOpened  = "CASE_OPENED"
	quotaApproved    = "APPROVED"
	quotaDenied      = "DENIED"
	quotaNotApproved = "NOT_APPROVED"
)

// Request is one RequestServiceQuotaIncrease. Like a creation, its
// course is fixed when it arrives and its states come due at CaseAt and
// DecideAt, so a restarted server moves it on from the timestamps alone.
type Request struct {
	ID           string    `json:"id"`
	CaseID       string    `json:"caseId,omitempty"`
	Account      string    `json:"account"`
	Region       string    `json:"region"`
	Requester    string    `json:"requester"`
	ServiceCode  string    `json:"serviceCode"`
	QuotaCode    string    `json:"quotaCode"`
	DesiredValue float64   `json:"desiredValue"`
	Status       string    `json:"status"`
	Created      time.Time `json:"created"`
	LastUpdated  time.Time `json:"lastUpdated"`
	CaseAt       time.Time `json:"caseAt"`
	DecideAt     time.Time `json:"decideAt"`
	// Outcome is the final state, decided on arrival.
	Outcome string `json:"outcome"`
}

func (q *Request) open() bool { return q.Status == quotaPending || q.Status == quotaCaseOpened }

// next is when the request changes state next; zero when it is final.
func (q *Request) next() time.Time {
	switch q.Status {
	case quotaPending:
		return q.CaseAt
	case quotaCaseOpened:
		return q.DecideAt
	}
	return time.Time{}
}

// Quotas is the accounts quota as Organizations keeps it.
type Quotas interface {
	// AccountQuota is the accounts quota that applies to a.
	AccountQuota(a *core.Account) int
	// GrantAccountQuota applies an approved increase requested by account.
	GrantAccountQuota(account string, value int)
}

// Service is Service Quotas over the state's requests.
type Service struct {
	requests *[]*Request
	orgs     core.Organizations
	quotas   Quotas
	// delay is how long an increase takes to be approved, at the sandbox's speed.
	delay func() time.Duration
}

// New serves the increase requests *requests holds.
func New(requests *[]*Request, orgs core.Organizations, quotas Quotas, delay func() time.Duration) *Service {
	return &Service{requests: requests, orgs: orgs, quotas: quotas, delay: delay}
}

// Known says whether the sandbox serves op.
func Known(op string) bool { return quotaOps[op] != nil }

type quotaInput struct {
	ServiceCode           string
	QuotaCode             string
	DesiredValue          *float64
	ContextId             *string
	SupportCaseAllowed    *bool
	RequestId             string
	Status                string
	QuotaRequestedAtLevel string
	MaxResults            *int
	NextToken             *string
}

type quotaOp func(s *Service, c *core.Caller, in *quotaInput, now time.Time) (any, bool, *core.Error)

// quotaOps is every Service Quotas operation the sandbox serves.
var quotaOps map[string]quotaOp

func init() {
	quotaOps = map[string]quotaOp{
		"GetServiceQuota":                               (*Service).getServiceQuota,
		"GetAWSDefaultServiceQuota":                     (*Service).getDefaultServiceQuota,
		"RequestServiceQuotaIncrease":                   (*Service).requestQuotaIncrease,
		"GetRequestedServiceQuotaChange":                (*Service).getRequestedQuotaChange,
		"ListRequestedServiceQuotaChangeHistory":        (*Service).listQuotaChangeHistory,
		"ListRequestedServiceQuotaChangeHistoryByQuota": (*Service).listQuotaChangeHistoryByQuota,
	}
}

func illegalArgument(format string, args ...any) *core.Error {
	return core.Errf("IllegalArgumentException", format, args...)
}

// Serve runs one Service Quotas operation under the sandbox's lock and
// reports whether the state changed.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
	fn := quotaOps[op]
	if fn == nil {
		return nil, false, core.Errf("UnknownOperationException", "The sandbox does not serve the Service Quotas operation %q.", op)
	}
	var in quotaInput
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, false, illegalArgument("The request body is not valid JSON: %v.", err)
		}
	}
	return fn(s, c, &in, now)
}

// checkQuota refuses any quota but the accounts quota.
func checkQuota(in *quotaInput) *core.Error {
	if in.ServiceCode == "" || in.QuotaCode == "" {
		return illegalArgument("ServiceCode and QuotaCode are required.")
	}
	if in.ServiceCode != accountsQuotaService || in.QuotaCode != accountsQuotaCode {
		return core.Errf("NoSuchResourceException", "The request failed because the specified service quota %s/%s does not exist in the sandbox; it serves %s/%s (%s).",
			in.ServiceCode, in.QuotaCode, accountsQuotaService, accountsQuotaCode, accountsQuotaName)
	}
	return nil
}

func quotaArn(c *core.Caller) string {
	return "arn:aws:servicequotas:" + c.Region + ":" + c.Account.ID + ":" + accountsQuotaService + "/" + accountsQuotaCode
}

func (s *Service) getServiceQuota(c *core.Caller, in *quotaInput, now time.Time) (any, bool, *core.Error) {
	if err := checkQuota(in); err != nil {
		return nil, false, err
	}
	return quotaOut(c, float64(s.quotas.AccountQuota(c.Account))), false, nil
}

func (s *Service) getDefaultServiceQuota(c *core.Caller, in *quotaInput, now time.Time) (any, bool, *core.Error) {
	if err := checkQuota(in); err != nil {
		return nil, false, err
	}
	return quotaOut(c, DefaultAccountQuota), false, nil
}

func quotaOut(c *core.Caller, value float64) map[string]any {
	return map[string]any{"Quota": map[string]any{
		"ServiceCode": accountsQuotaService, "ServiceName": "AWS Organizations",
		"QuotaArn": quotaArn(c), "QuotaCode": accountsQuotaCode, "QuotaName": accountsQuotaName,
		"Value": value, "Unit": "None", "Adjustable": true, "GlobalQuota": true,
		"QuotaAppliedAtLevel": "ACCOUNT",
	}}
}

// requestedChangeOut is a request in Service Quotas' RequestedServiceQuotaChange shape.
func requestedChangeOut(q *Request) map[string]any {
	out := map[string]any{
		"Id": q.ID, "ServiceCode": q.ServiceCode, "ServiceName": "AWS Organizations",
		"QuotaCode": q.QuotaCode, "QuotaName": accountsQuotaName, "DesiredValue": q.DesiredValue,
		"Status": q.Status, "Created": core.TS(q.Created), "LastUpdated": core.TS(q.LastUpdated),
		"Requester": q.Requester, "GlobalQuota": true, "Unit": "None", "QuotaRequestedAtLevel": "ACCOUNT",
		"QuotaArn": "arn:aws:servicequotas:" + q.Region + ":" + q.Account + ":" + accountsQuotaService + "/" + accountsQuotaCode,
	}
	if q.CaseID != "" {
		out["CaseId"] = q.CaseID
	}
	return out
}

func (s *Service) requestQuotaIncrease(c *core.Caller, in *quotaInput, now time.Time) (any, bool, *core.Error) {
	if err := checkQuota(in); err != nil {
		return nil, false, err
	}
	if in.DesiredValue == nil {
		return nil, false, illegalArgument("DesiredValue is required.")
	}
	if in.ContextId != nil && *in.ContextId != "" {
		return nil, false, illegalArgument("The quota %s is applied at the account level; it takes no ContextId.", accountsQuotaCode)
	}
	if o, ok := s.orgs.OrgOf(c.Account.ID); ok && !o.Manages(c.Account.ID) {
		return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "AccessDeniedException",
			Message: fmt.Sprintf("The accounts quota of organization %s is raised from its management account, %s; this account is a member.", o.ID, o.ManagementID)}
	}
	desired, current := *in.DesiredValue, s.quotas.AccountQuota(c.Account)
	switch {
	case math.IsNaN(desired) || math.IsInf(desired, 0) || desired != math.Trunc(desired):
		return nil, false, illegalArgument("The desired value must be a whole number of accounts, got %v.", desired)
	case desired <= float64(current):
		return nil, false, illegalArgument("You must provide a quota value greater than the current quota value (%d).", current)
	}
	for _, q := range *s.requests {
		if q.Account == c.Account.ID && q.QuotaCode == accountsQuotaCode && q.open() {
			return nil, false, core.Errf("ResourceAlreadyExistsException",
				"A request to increase this quota is already open (request %s, %s, for %v); wait for it to be decided.", q.ID, q.Status, q.DesiredValue)
		}
	}
	delay := s.delay()
	q := &Request{ID: core.RandomFrom(core.HexDigits, 32), Account: c.Account.ID, Region: c.Region,
		Requester:   fmt.Sprintf(`{"accountId":"%s","callerArn":"%s"}`, c.Account.ID, c.Principal()),
		ServiceCode: accountsQuotaService, QuotaCode: accountsQuotaCode, DesiredValue: desired, Status: quotaPending,
		Created: now, LastUpdated: now, CaseAt: now.Add(delay / 4), DecideAt: now.Add(delay), Outcome: quotaApproved}
	switch {
	case in.SupportCaseAllowed != nil && !*in.SupportCaseAllowed:
		// This quota is raised through a support case; without one it is not approved.
		q.Outcome = quotaNotApproved
	case desired > MaxAccountQuota:
		q.Outcome = quotaDenied
	}
	*s.requests = append(*s.requests, q)
	return map[string]any{"RequestedQuota": requestedChangeOut(q)}, true, nil
}

func (s *Service) getRequestedQuotaChange(c *core.Caller, in *quotaInput, now time.Time) (any, bool, *core.Error) {
	if in.RequestId == "" {
		return nil, false, illegalArgument("RequestId is required.")
	}
	for _, q := range *s.requests {
		if q.ID == in.RequestId && q.Account == c.Account.ID {
			return map[string]any{"RequestedQuota": requestedChangeOut(q)}, false, nil
		}
	}
	return nil, false, core.Errf("NoSuchResourceException", "The request failed because the specified quota increase request %s does not exist.", in.RequestId)
}

var requestStatuses = []string{quotaPending, quotaCaseOpened, quotaApproved, quotaDenied, "CASE_CLOSED", quotaNotApproved, "INVALID_REQUEST"}

// listQuotaChangeHistoryByQuota lists the requests for one quota: both
// codes are required.
func (s *Service) listQuotaChangeHistoryByQuota(c *core.Caller, in *quotaInput, now time.Time) (any, bool, *core.Error) {
	if err := checkQuota(in); err != nil {
		return nil, false, err
	}
	return s.listQuotaChangeHistory(c, in, now)
}

// listQuotaChangeHistory lists the caller's requests, oldest first, for one
// service when ServiceCode is given.
func (s *Service) listQuotaChangeHistory(c *core.Caller, in *quotaInput, now time.Time) (any, bool, *core.Error) {
	if in.Status != "" && !slices.Contains(requestStatuses, in.Status) {
		return nil, false, illegalArgument("Status must be one of %s.", strings.Join(requestStatuses, ", "))
	}
	switch in.QuotaRequestedAtLevel {
	case "", "ACCOUNT", "RESOURCE", "ALL":
	default:
		return nil, false, illegalArgument("QuotaRequestedAtLevel must be ACCOUNT, RESOURCE or ALL.")
	}
	n := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, false, illegalArgument("MaxResults must be between 1 and 100.")
		}
		n = *in.MaxResults
	}
	var match []*Request
	for _, q := range *s.requests {
		if q.Account != c.Account.ID || (in.ServiceCode != "" && q.ServiceCode != in.ServiceCode) ||
			(in.Status != "" && q.Status != in.Status) || in.QuotaRequestedAtLevel == "RESOURCE" {
			continue
		}
		match = append(match, q)
	}
	start := 0
	if in.NextToken != nil {
		off, err := core.DecodePageToken("quota-history", *in.NextToken, len(match))
		if err != nil {
			return nil, false, core.Errf("InvalidPaginationTokenException", "Invalid input: the NextToken does not come from a previous answer to this listing.")
		}
		start = off
	}
	end := min(start+n, len(match))
	items := []map[string]any{}
	for _, q := range match[start:end] {
		items = append(items, requestedChangeOut(q))
	}
	out := map[string]any{"RequestedQuotas": items}
	if end < len(match) {
		out["NextToken"] = core.EncodePageToken("quota-history", end)
	}
	return out, false, nil
}

// Settle moves every request whose time has come to its next
// state, and applies an approved quota. It reports whether anything changed.
func (s *Service) Settle(now time.Time) bool {
	changed := false
	for _, q := range *s.requests {
		for t := q.next(); !t.IsZero() && !t.After(now); t = q.next() {
			changed = true
			q.LastUpdated = t
			if q.Status == quotaPending {
				if q.Outcome == quotaNotApproved {
					q.Status = quotaNotApproved
					continue
				}
				q.Status, q.CaseID = quotaCaseOpened, core.RandomFrom(core.Digits, 11)
				continue
			}
			q.Status = q.Outcome
			if q.Status == quotaApproved {
				s.quotas.GrantAccountQuota(q.Account, int(q.DesiredValue))
			}
		}
	}
	return changed
}

// NextChange is when a request changes state next; zero when none will.
func (s *Service) NextChange() time.Time {
	var next time.Time
	for _, q := range *s.requests {
		if t := q.next(); !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}
