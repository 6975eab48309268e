package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/identitycenter"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
)

// maxBody bounds a request body, as AWS caps request sizes: the largest
// request a client has reason to send (CreatePolicy with an SCP of 10,240
// characters, every one escaped, and 50 tags) is under 128 KiB. A larger
// body is refused whole with RequestEntityTooLarge, never cut short.
const maxBody = 1 << 20

// inventoryServices is the set of signing names package inventory serves;
// its services register themselves at init, so the set is fixed by then.
var inventoryServices = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, name := range inventory.Services() {
		set[name] = true
	}
	return set
})

// caller is who signed a request and what they asked for.
type caller struct {
	account *account
	session *session // set when the credentials came from AssumeRole
	service string   // SigV4 signing name
	region  string
}

// reply is a finished answer, built under the lock and written after it.
type reply struct {
	status      int
	contentType string
	body        []byte
}

// Handler is the sandbox's HTTP entry point: every AWS call comes through it.
func (s *Sandbox) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Sandbox) serveHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.now()
	auth, ok := parseAuthorization(r.Header.Get("Authorization"))
	body, err := readBody(w, r)
	if err != nil {
		service := guessService(r)
		if ok {
			service = auth.service
		}
		e := &awsError{Status: http.StatusBadRequest, Code: "MalformedInput", Message: "The request body could not be read: " + err.Error()}
		if errors.As(err, new(*http.MaxBytesError)) {
			e = &awsError{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLarge",
				Message: fmt.Sprintf("The request body is larger than %d bytes, the most the sandbox accepts (AWS caps request sizes too).", maxBody)}
		}
		writeProtocolError(w, service, e)
		s.mu.Lock()
		s.record(Call{Time: now, Service: service, Region: auth.region, Operation: targetOperation(r), Outcome: wireCode(service, e.Code)})
		s.mu.Unlock()
		return
	}
	if !ok {
		if service, found := identitycenter.Route(r); found {
			s.serveIdentityCenter(w, r, body, service, nil, now)
			return
		}
		service := guessService(r)
		writeProtocolError(w, service, &awsError{Status: http.StatusForbidden, Code: "MissingAuthenticationToken",
			Message: "Request is missing Authentication Token"})
		s.mu.Lock()
		s.record(Call{Time: now, Service: service, Operation: operationName(service, r, body), Outcome: "MissingAuthenticationToken"})
		s.mu.Unlock()
		return
	}
	if s.serveIAMRole(w, r, body, auth, now) {
		return
	}
	if identityCenterSigned(auth.service) {
		s.serveIdentityCenter(w, r, body, auth.service, &auth, now)
		return
	}
	if service, found := identitycenter.Route(r); found && service == auth.service {
		// The portal and sso-oidc take no signature; a client that signs anyway is answered the same.
		s.serveIdentityCenter(w, r, body, service, nil, now)
		return
	}
	if inventoryServices()[auth.service] {
		s.serveInventory(w, r, body, auth, now)
		return
	}

	s.mu.Lock()
	c, op, rep := s.dispatch(r, body, auth, now)
	outcome := "ok"
	if rep.status >= 300 {
		outcome = errorCodeOf(rep)
	}
	acct := ""
	if c != nil {
		acct = c.account.ID
	}
	s.record(Call{Time: now, Account: acct, Service: auth.service, Region: auth.region, Operation: op, Outcome: outcome})
	s.mu.Unlock()

	w.Header().Set("Content-Type", rep.contentType)
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	w.Write(rep.body)
}

// readBody reads the whole body, or fails with *http.MaxBytesError past
// maxBody; a declared length past it is refused before anything is read.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxBody {
		return nil, &http.MaxBytesError{Limit: maxBody}
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
}

// targetOperation names the operation from the X-Amz-Target header alone,
// for a request whose body is not read.
func targetOperation(r *http.Request) string {
	t := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}

// dispatch authenticates the request and runs the operation. It holds the lock.
func (s *Sandbox) dispatch(r *http.Request, body []byte, auth sigV4, now time.Time) (*caller, string, reply) {
	op := operationName(auth.service, r, body)
	c, aerr := s.authenticate(r, body, auth, now)
	if aerr != nil {
		return nil, op, protocolReply(auth.service, aerr)
	}
	if s.settle() {
		if err := s.store.save(s.st); err != nil {
			s.reloadAfterFailedSave()
			return c, op, protocolReply(auth.service, serviceError())
		}
		s.armTimer()
	}
	if aerr := s.denied(c, op); aerr != nil {
		return c, op, protocolReply(auth.service, aerr)
	}
	if !s.allow(c.account.ID+"/"+auth.service+"/"+op, now) {
		return c, op, protocolReply(auth.service, throttleFor(auth.service, op))
	}
	if aerr := s.injectedFault(auth.service, op); aerr != nil {
		return c, op, protocolReply(auth.service, aerr)
	}

	var (
		out     []byte
		changed bool
	)
	switch auth.service {
	case "organizations":
		var v any
		v, changed, aerr = s.organizations(c, op, body, now)
		if aerr == nil {
			out, _ = json.Marshal(v)
		}
	case "servicequotas":
		var v any
		v, changed, aerr = s.serviceQuotas(c, op, body, now)
		if aerr == nil {
			out, _ = json.Marshal(v)
		}
	case "sts":
		out, changed, aerr = s.sts(c, op, body, now)
	case "ce", "budgets":
		out, changed, aerr = s.billingServe(c, op, body, now)
	case "support":
		// The sandbox's accounts have Basic Support, and AWS answers any
		// Support API call from such an account so; organization tools ask
		// (org-formation, DescribeSeverityLevels) and go on.
		aerr = &awsError{Status: http.StatusBadRequest, Code: "SubscriptionRequiredException",
			Message: "AWS Premium Support Subscription is required to use this service."}
	default:
		aerr = &awsError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
			Message: "The sandbox does not serve the service " + strconv.Quote(auth.service)}
	}
	if aerr != nil {
		return c, op, protocolReply(auth.service, aerr)
	}
	if changed {
		if err := s.store.save(s.st); err != nil {
			// Not durable, so not acknowledged: put memory back to the file.
			s.reloadAfterFailedSave()
			return c, op, protocolReply(auth.service, serviceError())
		}
		s.armTimer()
	}
	if auth.service == "sts" {
		return c, op, reply{status: http.StatusOK, contentType: "text/xml", body: out}
	}
	return c, op, reply{status: http.StatusOK, contentType: "application/x-amz-json-1.1", body: out}
}

// serveInventory hands an inventory service call to package inventory with the
// caller's resources. Serve only reads them, so it runs outside the lock.
func (s *Sandbox) serveInventory(w http.ResponseWriter, r *http.Request, body []byte, auth sigV4, now time.Time) {
	s.mu.Lock()
	c, aerr := s.authenticate(r, body, auth, now)
	if aerr == nil {
		aerr = s.denied(c, operationName(auth.service, r, body))
	}
	if aerr != nil {
		acct := ""
		if c != nil {
			acct = c.account.ID
		}
		s.record(Call{Time: now, Account: acct, Service: auth.service, Region: auth.region, Operation: operationName(auth.service, r, body), Outcome: wireCode(auth.service, aerr.Code)})
		s.mu.Unlock()
		writeProtocolError(w, auth.service, aerr)
		return
	}
	resources := s.ix.resources[c.account.ID]
	s.mu.Unlock()

	r.Body = io.NopCloser(bytes.NewReader(body))
	res := inventory.Serve(w, inventory.Call{Service: auth.service, Region: auth.region, Account: c.account.ID, Request: r, Body: body}, resources)

	s.mu.Lock()
	s.record(Call{Time: now, Account: c.account.ID, Service: auth.service, Region: auth.region, Operation: res.Operation, Outcome: res.Outcome})
	s.mu.Unlock()
}

func (s *Sandbox) authenticate(r *http.Request, body []byte, auth sigV4, now time.Time) (*caller, *awsError) {
	c := &caller{service: auth.service, region: auth.region}
	var secret string
	if a := s.ix.accountByKey[auth.accessKeyID]; a != nil {
		c.account, secret = a, a.SecretAccessKey
	} else if ses := s.ix.sessionByKey[auth.accessKeyID]; ses != nil {
		if r.Header.Get("X-Amz-Security-Token") != ses.SessionToken {
			return nil, &awsError{Status: http.StatusForbidden, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
		}
		if now.After(ses.Expires) {
			return nil, &awsError{Status: http.StatusForbidden, Code: "ExpiredToken", Message: "The security token included in the request is expired"}
		}
		c.account, c.session, secret = s.ix.accountByID[ses.Account], ses, ses.SecretAccessKey
		if c.account == nil {
			return nil, &awsError{Status: http.StatusForbidden, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
		}
	} else {
		return nil, &awsError{Status: http.StatusForbidden, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
	}
	if !auth.verify(r, body, secret) {
		return nil, &awsError{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
			Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}
	}
	return c, nil
}

func (s *Sandbox) denied(c *caller, op string) *awsError {
	for _, d := range s.st.Faults.Deny {
		if (d.Account == "" || d.Account == c.account.ID) && (d.Service == "" || d.Service == c.service) &&
			(d.Region == "" || d.Region == c.region) && (d.Operation == "" || d.Operation == op) {
			if d.Operation != "" {
				// AWS's wording for an action no policy allows.
				action := c.service + ":" + op
				return &awsError{Status: http.StatusForbidden, Code: "AccessDenied",
					Message: "User: arn:aws:iam::" + c.account.ID + ":user/sandbox is not authorized to perform: " + action +
						" because no identity-based policy allows the " + action + " action (sandbox fault injection)"}
			}
			return &awsError{Status: http.StatusForbidden, Code: "AccessDenied",
				Message: "User: arn:aws:iam::" + c.account.ID + ":root is not authorized to perform this operation in " + c.region + " (sandbox fault injection)"}
		}
	}
	return nil
}

func (s *Sandbox) injectedFault(service, op string) *awsError {
	f := s.st.Faults
	if service != "organizations" && service != "sts" && service != "servicequotas" {
		return nil
	}
	if len(f.Operations) > 0 && !slices.Contains(f.Operations, op) {
		return nil
	}
	roll := s.rng.Float64()
	switch {
	case roll < f.ThrottleShare:
		return throttleFor(service, op)
	case roll < f.ThrottleShare+f.ConflictShare && service == "organizations":
		return errf("ConcurrentModificationException", "The target of the operation is currently being modified by a different request. Try again later.")
	case roll < f.ThrottleShare+f.ConflictShare+f.ServerErrorShare:
		return serviceError()
	}
	return nil
}

func throttleFor(service, op string) *awsError {
	if service == "sts" {
		return &awsError{Status: http.StatusBadRequest, Code: "Throttling", Message: "Rate exceeded"}
	}
	return throttled(op)
}

// operationName is what the call record names the request by.
func operationName(service string, r *http.Request, body []byte) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		if i := strings.LastIndexByte(t, '.'); i >= 0 {
			return t[i+1:]
		}
		return t
	}
	if service == "sts" || r.Header.Get("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8" ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(body)); err == nil && v.Get("Action") != "" {
			return v.Get("Action")
		}
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	return r.Method + " " + r.URL.Path
}

func guessService(r *http.Request) string {
	t := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(t, "AWSOrganizations"):
		return "organizations"
	case strings.HasPrefix(t, "ServiceQuotas"):
		return "servicequotas"
	case strings.HasPrefix(t, "AWSInsightsIndexService"):
		return "ce"
	case strings.HasPrefix(t, "AWSBudgetServiceGateway"):
		return "budgets"
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		return "sts"
	}
	return "organizations"
}

func protocolReply(service string, e *awsError) reply {
	rec := &replyRecorder{header: http.Header{}}
	writeProtocolError(rec, service, e)
	return reply{status: rec.status, contentType: rec.header.Get("Content-Type"), body: rec.body.Bytes()}
}

// wireCode is the code a service's protocol uses for one of the sandbox's
// generic refusals (unknown key, bad signature, denial, expired session).
func wireCode(service, code string) string {
	switch service {
	case "sts", "iam", "rds", "cloudfront", "route53":
		return code
	case "ec2":
		switch code {
		case "InvalidClientTokenId", "SignatureDoesNotMatch":
			return "AuthFailure"
		case "AccessDenied":
			return "UnauthorizedOperation"
		}
		return code
	case "s3":
		if code == "InvalidClientTokenId" {
			return "InvalidAccessKeyId"
		}
		return code
	}
	// awsJson and restJson services.
	switch code {
	case "InvalidClientTokenId":
		return "UnrecognizedClientException"
	case "SignatureDoesNotMatch":
		return "InvalidSignatureException"
	case "AccessDenied":
		return "AccessDeniedException"
	case "ExpiredToken":
		return "ExpiredTokenException"
	}
	return code
}

// writeProtocolError answers e in the error shape of the service's protocol,
// so the SDK and the CLI decode it into their typed errors.
func writeProtocolError(w http.ResponseWriter, service string, e *awsError) {
	we := *e
	we.Code = wireCode(service, e.Code)
	switch service {
	case "sts":
		writeQueryError(w, "https://sts.amazonaws.com/doc/2011-06-15/", &we)
	case "iam", "rds", "cloudfront", "route53":
		writeQueryError(w, "", &we)
	case "ec2":
		type ec2Error struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		}
		data, _ := xml.Marshal(struct {
			XMLName   xml.Name   `xml:"Response"`
			Errors    []ec2Error `xml:"Errors>Error"`
			RequestID string     `xml:"RequestID"`
		}{Errors: []ec2Error{{we.Code, we.Message}}, RequestID: newRequestID()})
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(we.Status)
		w.Write(data)
	case "s3":
		data, _ := xml.Marshal(struct {
			XMLName   xml.Name `xml:"Error"`
			Code      string   `xml:"Code"`
			Message   string   `xml:"Message"`
			RequestID string   `xml:"RequestId"`
		}{Code: we.Code, Message: we.Message, RequestID: newRequestID()})
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(we.Status)
		w.Write(data)
	case "dynamodb":
		// DynamoDB's SDK checks X-Amz-Crc32 on errors too, and warns without it.
		rec := &replyRecorder{header: http.Header{}}
		writeJSONError(rec, &we)
		maps.Copy(w.Header(), rec.header)
		w.Header().Set("X-Amzn-ErrorType", we.Code)
		w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(rec.body.Bytes())), 10))
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	default:
		// restJson clients read the X-Amzn-ErrorType header first, awsJson ones __type.
		if service != "organizations" && service != "servicequotas" {
			w.Header().Set("X-Amzn-ErrorType", we.Code)
		}
		writeJSONError(w, &we)
	}
}

type replyRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *replyRecorder) Header() http.Header { return r.header }
func (r *replyRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *replyRecorder) WriteHeader(status int) { r.status = status }

// errorCodeOf extracts the error code of a built error reply for the call record.
func errorCodeOf(rep reply) string {
	var j struct {
		Type string `json:"__type"`
	}
	if json.Unmarshal(rep.body, &j) == nil && j.Type != "" {
		return j.Type
	}
	var x struct {
		Code string `xml:"Error>Code"`
	}
	if xml.Unmarshal(rep.body, &x) == nil && x.Code != "" {
		return x.Code
	}
	return "HTTP" + strconv.Itoa(rep.status)
}

// sigV4 is the parsed Authorization header of a SigV4-signed request.
type sigV4 struct {
	accessKeyID   string
	date          string
	region        string
	service       string
	signedHeaders []string
	signature     string
}

func parseAuthorization(h string) (sigV4, bool) {
	var a sigV4
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return a, false
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != "aws4_request" {
				return a, false
			}
			a.accessKeyID, a.date, a.region, a.service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, a.accessKeyID != "" && a.signature != "" && len(a.signedHeaders) > 0
}

// verify recomputes the SigV4 signature with the account's secret. Services
// other than S3 sign the path escaped once more, S3 signs it as sent; both
// forms are tried so that any client's choice is accepted.
func (a sigV4) verify(r *http.Request, body []byte, secret string) bool {
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	var headers strings.Builder
	for _, name := range a.signedHeaders {
		var value string
		switch name {
		case "host":
			value = r.Host
		case "content-length":
			value = strconv.Itoa(len(body))
		default:
			var vals []string
			for _, v := range r.Header.Values(name) {
				vals = append(vals, strings.Join(strings.Fields(v), " "))
			}
			value = strings.Join(vals, ",")
		}
		headers.WriteString(name + ":" + value + "\n")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	scope := a.date + "/" + a.region + "/" + a.service + "/aws4_request"
	key := hmacSHA256([]byte("AWS4"+secret), a.date)
	key = hmacSHA256(key, a.region)
	key = hmacSHA256(key, a.service)
	key = hmacSHA256(key, "aws4_request")

	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	for _, uri := range []string{escapePath(path), path} {
		canonical := strings.Join([]string{r.Method, uri, canonicalQuery(r.URL.RawQuery), headers.String(),
			strings.Join(a.signedHeaders, ";"), payloadHash}, "\n")
		sum := sha256.Sum256([]byte(canonical))
		toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
		if hmac.Equal([]byte(hex.EncodeToString(hmacSHA256(key, toSign))), []byte(a.signature)) {
			return true
		}
	}
	return false
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// awsEscape percent-encodes everything but RFC 3986's unreserved characters, as SigV4 requires.
func awsEscape(s string, keepSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/') {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

func escapePath(p string) string { return awsEscape(p, true) }

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			dk, dv = k, v
		}
		pairs = append(pairs, kv{awsEscape(dk, false), awsEscape(dv, false)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}
