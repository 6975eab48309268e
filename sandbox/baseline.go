package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/accessanalyzer"
	"github.com/orgwizard/orgwizard/sandbox/cloudtrail"
	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/guardduty"
	"github.com/orgwizard/orgwizard/sandbox/s3"
	"github.com/orgwizard/orgwizard/sandbox/securityhub"
)

// The core's side of the security baseline's services: CloudTrail (awsJson,
// one entry of services), GuardDuty, Security Hub and Access Analyzer
// (restJson1, found by their signing name and routed here by method and
// path), and what they ask of Organizations and S3.

// restService is one restJson1 service of the baseline: its routes (method,
// path pattern with {Label}s, operation) and its Serve over the state.
type restService struct {
	routes [][3]string
	known  func(op string) bool
	serve  func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error)
}

var restServices = map[string]*restService{
	"guardduty": {routes: guardduty.Routes, known: guardduty.Routes.Known,
		serve: func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
			if s.st.GuardDuty == nil {
				s.st.GuardDuty = &guardduty.State{}
			}
			return guardduty.New(s.st.GuardDuty, baselineEnv{s}).Serve(c, op, body, now)
		}},
	"securityhub": {routes: securityhub.Routes, known: securityhub.Routes.Known,
		serve: func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
			if s.st.SecurityHub == nil {
				s.st.SecurityHub = &securityhub.State{}
			}
			return securityhub.New(s.st.SecurityHub, baselineEnv{s}).Serve(c, op, body, now)
		}},
	"access-analyzer": {routes: accessanalyzer.Routes, known: accessanalyzer.Routes.Known,
		serve: func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
			if s.st.AccessAnalyzer == nil {
				s.st.AccessAnalyzer = &accessanalyzer.State{}
			}
			return accessanalyzer.New(s.st.AccessAnalyzer, baselineEnv{s}).Serve(c, op, body, now)
		}},
}

// CloudTrail is awsJson1_1, so it is one more of the router's services.
func init() {
	services["cloudtrail"] = &service{protocol: "json", targetPrefix: "CloudTrail_20131101", known: cloudtrail.Known, faults: true,
		serve: func(s *Sandbox, c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error) {
			if s.st.CloudTrail == nil {
				s.st.CloudTrail = &cloudtrail.State{}
			}
			return asJSON(cloudtrail.New(s.st.CloudTrail, baselineEnv{s}, baselineEnv{s}).Serve(c, op, body, now))
		}}
}

// matchRoute finds the operation of a restJson1 request, with its path
// labels; a label is one path segment, or the rest of the path for {Label+}.
func matchRoute(routes [][3]string, method, path string) (string, map[string]string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, rt := range routes {
		if rt[0] != method {
			continue
		}
		pat := strings.Split(strings.Trim(rt[1], "/"), "/")
		if len(pat) != len(segs) {
			continue
		}
		labels := map[string]string{}
		ok := true
		for i, p := range pat {
			switch {
			case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
				if segs[i] == "" {
					ok = false
				}
				labels[strings.Trim(p, "{}")] = segs[i]
			case p != segs[i]:
				ok = false
			}
		}
		if ok {
			return rt[2], labels, true
		}
	}
	return "", nil, false
}

// restInput merges the path labels and the query parameters into the JSON
// body, so that a service reads one document.
func restInput(body []byte, labels map[string]string, r *http.Request) ([]byte, *core.Error) {
	doc := map[string]any{}
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &doc); err != nil {
			return nil, core.Errf("SerializationException", "The request body is not a JSON object: %v", err)
		}
	}
	for k, vs := range r.URL.Query() {
		if len(vs) > 0 {
			doc[k] = vs[0]
		}
	}
	for k, v := range labels {
		doc[k] = v
	}
	out, _ := json.Marshal(doc)
	return out, nil
}

// writeRESTError answers e as restJson1 services do: the code in
// X-Amzn-ErrorType and __type, the message as both "message" and
// "Message" (GuardDuty and Access Analyzer name it in lower case, Security
// Hub in upper case, and the SDK's decoders match the name exactly).
func writeRESTError(w http.ResponseWriter, service string, e *core.Error) {
	code := core.WireCode(service, e.Code)
	doc := map[string]string{"__type": code, "message": e.Message, "Message": e.Message}
	if e.Reason != "" {
		doc["reason"] = e.Reason // Access Analyzer's ValidationException
	}
	data, _ := json.Marshal(doc)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("X-Amzn-RequestId", core.NewRequestID())
	w.WriteHeader(e.Status)
	w.Write(data)
}

// serveREST answers a signed call to one of the restServices; it reports
// false when auth names another service.
func (s *Sandbox) serveREST(w http.ResponseWriter, r *http.Request, body []byte, auth core.SigV4, now time.Time) bool {
	svc := restServices[auth.Service]
	if svc == nil {
		return false
	}
	op, labels, found := matchRoute(svc.routes, r.Method, r.URL.Path)
	if !found {
		op = r.Method + " " + r.URL.Path
	}
	s.mu.Lock()
	out, aerr := s.restCall(svc, r, body, auth, op, found, labels, now)
	c := aerr.caller
	outcome := "ok"
	if aerr.err != nil {
		outcome = core.WireCode(auth.Service, aerr.err.Code)
	}
	s.record(Call{Time: now, Account: c.AccountID(), Service: auth.Service, Region: auth.Region, Operation: op, Outcome: outcome})
	s.mu.Unlock()
	if aerr.err != nil {
		writeRESTError(w, auth.Service, aerr.err)
		return true
	}
	core.Reply{Status: http.StatusOK, ContentType: "application/json", Body: out}.Write(w)
	return true
}

type restOutcome struct {
	caller *core.Caller
	err    *core.Error
}

// restCall authenticates and runs one restJson1 call. It holds the lock.
func (s *Sandbox) restCall(svc *restService, r *http.Request, body []byte, auth core.SigV4, op string, found bool, labels map[string]string, now time.Time) ([]byte, restOutcome) {
	c, aerr := s.authenticate(r, body, auth, op, now)
	if aerr != nil {
		return nil, restOutcome{c, aerr}
	}
	if !found {
		return nil, restOutcome{c, &core.Error{Status: http.StatusNotFound, Code: "UnknownOperationException",
			Message: "The sandbox does not serve " + r.Method + " " + r.URL.Path + " of " + auth.Service}}
	}
	if s.settle() && !s.save() {
		return nil, restOutcome{c, restServerError()}
	}
	if !s.limiter.Allow(c.Account.ID+"/"+auth.Service+"/"+op, now) {
		return nil, restOutcome{c, &core.Error{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate exceeded"}}
	}
	switch s.st.Faults.Roll(s.rng, op) {
	case core.ThrottleFault:
		return nil, restOutcome{c, &core.Error{Status: http.StatusTooManyRequests, Code: "ThrottlingException", Message: "Rate exceeded (sandbox fault injection)"}}
	case core.ConflictFault, core.ServerErrorFault:
		// These services have no conflict the SDK retries: a server error stands in for it.
		return nil, restOutcome{c, &core.Error{Status: http.StatusInternalServerError, Code: "InternalServerErrorException",
			Message: "The request processing has failed because of an unknown error (sandbox fault injection)."}}
	}
	in, ierr := restInput(body, labels, r)
	if ierr != nil {
		return nil, restOutcome{c, ierr}
	}
	v, changed, serr := svc.serve(s, c, op, in, now)
	if serr != nil {
		return nil, restOutcome{c, serr}
	}
	if changed && !s.save() {
		return nil, restOutcome{c, restServerError()}
	}
	out, _ := json.Marshal(v)
	return out, restOutcome{c, nil}
}

func restServerError() *core.Error {
	return &core.Error{Status: http.StatusInternalServerError, Code: "InternalServerErrorException",
		Message: "The sandbox could not save its state; nothing changed. Try again."}
}

// baselineEnv is what the baseline's services ask of Organizations.
type baselineEnv struct{ s *Sandbox }

func (e baselineEnv) OrgOf(account string) (core.Org, bool) { return e.s.orgs.OrgOf(account) }
func (e baselineEnv) Members(orgID string) []*core.Account  { return e.s.orgs.Members(orgID) }
func (e baselineEnv) OUPath(parent string) string           { return e.s.orgs.OUPath(parent) }

// TrustedAccess says whether the organization trusts principal.
func (e baselineEnv) TrustedAccess(orgID, principal string) bool {
	return e.s.orgs.TrustedAccess(orgID, principal)
}

// DelegatedAdmin says whether account is the organization's delegated
// administrator for principal.
func (e baselineEnv) DelegatedAdmin(orgID, principal, account string) bool {
	return e.s.orgs.DelegatedAdmin(orgID, principal, account)
}

// EnableTrustedAccess makes the organization trust principal.
func (e baselineEnv) EnableTrustedAccess(orgID, principal string, now time.Time) {
	e.s.orgs.EnableTrustedAccess(orgID, principal, now)
}

// RegisterDelegatedAdmin records account as the organization's delegated administrator for principal.
func (e baselineEnv) RegisterDelegatedAdmin(orgID, principal, account string, now time.Time) {
	e.s.orgs.RegisterDelegatedAdmin(orgID, principal, account, now)
}

// DeregisterDelegatedAdmin drops account as the organization's delegated administrator for principal.
func (e baselineEnv) DeregisterDelegatedAdmin(orgID, principal, account string) {
	e.s.orgs.DeregisterDelegatedAdmin(orgID, principal, account)
}

// delivery is CloudTrail's writer as S3 sees it.
func delivery(w cloudtrail.Writer) s3.Delivery {
	return s3.Delivery{Service: w.Service, SourceAccount: w.SourceAccount, SourceArn: w.SourceArn, SourceOrgID: w.SourceOrgID, ACL: w.ACL}
}

// Allows is S3's answer to whether a bucket's policy lets CloudTrail in.
func (e baselineEnv) Allows(w cloudtrail.Writer, bucket, action, key string) *core.Error {
	return e.s.s3.Allows(delivery(w), bucket, action, key)
}

// Deliver writes a trail's log file into its bucket through S3.
func (e baselineEnv) Deliver(w cloudtrail.Writer, bucket, key string, data []byte, now time.Time) *core.Error {
	return e.s.s3.Deliver(delivery(w), bucket, key, data, now)
}
