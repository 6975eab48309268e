package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
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

// quotaRequest is one RequestServiceQuotaIncrease. Like a creation, its
// course is fixed when it arrives and its states come due at CaseAt and
// DecideAt, so a restarted server moves it on from the timestamps alone.
type quotaRequest struct {
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

func (q *quotaRequest) open() bool { return q.Status == quotaPending || q.Status == quotaCaseOpened }

// next is when the request changes state next; zero when it is final.
func (q *quotaRequest) next() time.Time {
	switch q.Status {
	case quotaPending:
		return q.CaseAt
	case quotaCaseOpened:
		return q.DecideAt
	}
	return time.Time{}
}

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

type quotaOp func(s *Sandbox, c *caller, in *quotaInput, now time.Time) (any, bool, *awsError)

// quotaOps is every Service Quotas operation the sandbox serves.
var quotaOps map[string]quotaOp

func init() {
	quotaOps = map[string]quotaOp{
		"GetServiceQuota":                               (*Sandbox).getServiceQuota,
		"GetAWSDefaultServiceQuota":                     (*Sandbox).getDefaultServiceQuota,
		"RequestServiceQuotaIncrease":                   (*Sandbox).requestQuotaIncrease,
		"GetRequestedServiceQuotaChange":                (*Sandbox).getRequestedQuotaChange,
		"ListRequestedServiceQuotaChangeHistory":        (*Sandbox).listQuotaChangeHistory,
		"ListRequestedServiceQuotaChangeHistoryByQuota": (*Sandbox).listQuotaChangeHistoryByQuota,
	}
}

func illegalArgument(format string, args ...any) *awsError {
	return errf("IllegalArgumentException", format, args...)
}

func (s *Sandbox) serviceQuotas(c *caller, op string, body []byte, now time.Time) (any, bool, *awsError) {
	fn := quotaOps[op]
	if fn == nil {
		return nil, false, errf("UnknownOperationException", "The sandbox does not serve the Service Quotas operation %q.", op)
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
func checkQuota(in *quotaInput) *awsError {
	if in.ServiceCode == "" || in.QuotaCode == "" {
		return illegalArgument("ServiceCode and QuotaCode are required.")
	}
	if in.ServiceCode != accountsQuotaService || in.QuotaCode != accountsQuotaCode {
		return errf("NoSuchResourceException", "The request failed because the specified service quota %s/%s does not exist in the sandbox; it serves %s/%s (%s).",
			in.ServiceCode, in.QuotaCode, accountsQuotaService, accountsQuotaCode, accountsQuotaName)
	}
	return nil
}

// accountQuota is the accounts quota that applies to the caller: its
// organization's, or, for an account without one, the quota the
// organization it creates will get.
func (s *Sandbox) accountQuota(a *account) int {
	if o := s.ix.orgByID[a.OrgID]; o != nil {
		return o.AccountQuota
	}
	if a.AccountQuota > 0 {
		return a.AccountQuota
	}
	return s.st.AccountQuota
}

func quotaArn(c *caller) string {
	return "arn:aws:servicequotas:" + c.region + ":" + c.account.ID + ":" + accountsQuotaService + "/" + accountsQuotaCode
}

func (s *Sandbox) getServiceQuota(c *caller, in *quotaInput, now time.Time) (any, bool, *awsError) {
	if err := checkQuota(in); err != nil {
		return nil, false, err
	}
	return quotaOut(c, float64(s.accountQuota(c.account))), false, nil
}

func (s *Sandbox) getDefaultServiceQuota(c *caller, in *quotaInput, now time.Time) (any, bool, *awsError) {
	if err := checkQuota(in); err != nil {
		return nil, false, err
	}
	return quotaOut(c, defaultAccountQuota), false, nil
}

func quotaOut(c *caller, value float64) map[string]any {
	return map[string]any{"Quota": map[string]any{
		"ServiceCode": accountsQuotaService, "ServiceName": "AWS Organizations",
		"QuotaArn": quotaArn(c), "QuotaCode": accountsQuotaCode, "QuotaName": accountsQuotaName,
		"Value": value, "Unit": "None", "Adjustable": true, "GlobalQuota": true,
		"QuotaAppliedAtLevel": "ACCOUNT",
	}}
}

// requestedChangeOut is a request in Service Quotas' RequestedServiceQuotaChange shape.
func requestedChangeOut(q *quotaRequest) map[string]any {
	out := map[string]any{
		"Id": q.ID, "ServiceCode": q.ServiceCode, "ServiceName": "AWS Organizations",
		"QuotaCode": q.QuotaCode, "QuotaName": accountsQuotaName, "DesiredValue": q.DesiredValue,
		"Status": q.Status, "Created": ts(q.Created), "LastUpdated": ts(q.LastUpdated),
		"Requester": q.Requester, "GlobalQuota": true, "Unit": "None", "QuotaRequestedAtLevel": "ACCOUNT",
		"QuotaArn": "arn:aws:servicequotas:" + q.Region + ":" + q.Account + ":" + accountsQuotaService + "/" + accountsQuotaCode,
	}
	if q.CaseID != "" {
		out["CaseId"] = q.CaseID
	}
	return out
}

func (s *Sandbox) requestQuotaIncrease(c *caller, in *quotaInput, now time.Time) (any, bool, *awsError) {
	if err := checkQuota(in); err != nil {
		return nil, false, err
	}
	if in.DesiredValue == nil {
		return nil, false, illegalArgument("DesiredValue is required.")
	}
	if in.ContextId != nil && *in.ContextId != "" {
		return nil, false, illegalArgument("The quota %s is applied at the account level; it takes no ContextId.", accountsQuotaCode)
	}
	if o := s.ix.orgByID[c.account.OrgID]; o != nil && o.ManagementID != c.account.ID {
		return nil, false, &awsError{Status: http.StatusBadRequest, Code: "AccessDeniedException",
			Message: fmt.Sprintf("The accounts quota of organization %s is raised from its management account, %s; this account is a member.", o.ID, o.ManagementID)}
	}
	desired, current := *in.DesiredValue, s.accountQuota(c.account)
	switch {
	case math.IsNaN(desired) || math.IsInf(desired, 0) || desired != math.Trunc(desired):
		return nil, false, illegalArgument("The desired value must be a whole number of accounts, got %v.", desired)
	case desired <= float64(current):
		return nil, false, illegalArgument("You must provide a quota value greater than the current quota value (%d).", current)
	}
	for _, q := range s.st.QuotaRequests {
		if q.Account == c.account.ID && q.QuotaCode == accountsQuotaCode && q.open() {
			return nil, false, errf("ResourceAlreadyExistsException",
				"A request to increase this quota is already open (request %s, %s, for %v); wait for it to be decided.", q.ID, q.Status, q.DesiredValue)
		}
	}
	delay := time.Duration(float64(s.cfg.QuotaIncreaseDelay) / s.cfg.Speed)
	q := &quotaRequest{ID: randomFrom("0123456789abcdef", 32), Account: c.account.ID, Region: c.region,
		Requester:   fmt.Sprintf(`{"accountId":"%s","callerArn":"%s"}`, c.account.ID, callerArn(c)),
		ServiceCode: accountsQuotaService, QuotaCode: accountsQuotaCode, DesiredValue: desired, Status: quotaPending,
		Created: now, LastUpdated: now, CaseAt: now.Add(delay / 4), DecideAt: now.Add(delay), Outcome: quotaApproved}
	switch {
	case in.SupportCaseAllowed != nil && !*in.SupportCaseAllowed:
		// This quota is raised through a support case; without one it is not approved.
		q.Outcome = quotaNotApproved
	case desired > MaxAccountQuota:
		q.Outcome = quotaDenied
	}
	s.st.QuotaRequests = append(s.st.QuotaRequests, q)
	return map[string]any{"RequestedQuota": requestedChangeOut(q)}, true, nil
}

func callerArn(c *caller) string {
	if c.session != nil {
		return "arn:aws:sts::" + c.account.ID + ":assumed-role/" + c.session.RoleName + "/" + c.session.SessionName
	}
	return "arn:aws:iam::" + c.account.ID + ":root"
}

func (s *Sandbox) getRequestedQuotaChange(c *caller, in *quotaInput, now time.Time) (any, bool, *awsError) {
	if in.RequestId == "" {
		return nil, false, illegalArgument("RequestId is required.")
	}
	for _, q := range s.st.QuotaRequests {
		if q.ID == in.RequestId && q.Account == c.account.ID {
			return map[string]any{"RequestedQuota": requestedChangeOut(q)}, false, nil
		}
	}
	return nil, false, errf("NoSuchResourceException", "The request failed because the specified quota increase request %s does not exist.", in.RequestId)
}

var requestStatuses = []string{quotaPending, quotaCaseOpened, quotaApproved, quotaDenied, "CASE_CLOSED", quotaNotApproved, "INVALID_REQUEST"}

// listQuotaChangeHistoryByQuota lists the requests for one quota: both
// codes are required.
func (s *Sandbox) listQuotaChangeHistoryByQuota(c *caller, in *quotaInput, now time.Time) (any, bool, *awsError) {
	if err := checkQuota(in); err != nil {
		return nil, false, err
	}
	return s.listQuotaChangeHistory(c, in, now)
}

// listQuotaChangeHistory lists the caller's requests, oldest first, for one
// service when ServiceCode is given.
func (s *Sandbox) listQuotaChangeHistory(c *caller, in *quotaInput, now time.Time) (any, bool, *awsError) {
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
	var match []*quotaRequest
	for _, q := range s.st.QuotaRequests {
		if q.Account != c.account.ID || (in.ServiceCode != "" && q.ServiceCode != in.ServiceCode) ||
			(in.Status != "" && q.Status != in.Status) || in.QuotaRequestedAtLevel == "RESOURCE" {
			continue
		}
		match = append(match, q)
	}
	start := 0
	if in.NextToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		off, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "quota-history:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(raw), "quota-history:") || off < 0 || off > len(match) {
			return nil, false, errf("InvalidPaginationTokenException", "Invalid input: the NextToken does not come from a previous answer to this listing.")
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
		out["NextToken"] = base64.RawURLEncoding.EncodeToString([]byte("quota-history:" + strconv.Itoa(end)))
	}
	return out, false, nil
}

// settleQuotaRequests moves every request whose time has come to its next
// state, and applies an approved quota. It reports whether anything changed.
func (s *Sandbox) settleQuotaRequests(now time.Time) bool {
	changed := false
	for _, q := range s.st.QuotaRequests {
		for t := q.next(); !t.IsZero() && !t.After(now); t = q.next() {
			changed = true
			q.LastUpdated = t
			if q.Status == quotaPending {
				if q.Outcome == quotaNotApproved {
					q.Status = quotaNotApproved
					continue
				}
				q.Status, q.CaseID = quotaCaseOpened, randomFrom(digits, 11)
				continue
			}
			q.Status = q.Outcome
			if q.Status == quotaApproved {
				s.grantAccountQuota(q)
			}
		}
	}
	return changed
}

// nextQuotaChange is when a request changes state next; zero when none will.
func (s *Sandbox) nextQuotaChange() time.Time {
	var next time.Time
	for _, q := range s.st.QuotaRequests {
		if t := q.next(); !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

// grantAccountQuota applies an approved increase: to the organization the
// requester manages, or, for an account without one, to the organization
// it will create.
func (s *Sandbox) grantAccountQuota(q *quotaRequest) {
	a := s.ix.accountByID[q.Account]
	if a == nil {
		return
	}
	value := int(q.DesiredValue)
	if o := s.ix.orgByID[a.OrgID]; o != nil && o.ManagementID == a.ID {
		o.AccountQuota = max(o.AccountQuota, value)
		return
	}
	a.AccountQuota = max(a.AccountQuota, value)
}
