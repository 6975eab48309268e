package identitycenter

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// call is one awsJson call on its way through sso-admin or identitystore.
type call struct {
	st  *State
	env Env
	op  string
	in  map[string]json.RawMessage
}

type jsonOp func(c *call) (any, bool, error)

func serveJSON(st *State, env Env, r *http.Request, body []byte, prefix string, ops map[string]jsonOp) Result {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, prefix)
	if !ok || ops[op] == nil {
		return jsonErrorResult(op, &apiError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
			Message: "Unknown operation " + strconv.Quote(target) + "."})
	}
	c := &call{st: st, env: env, op: op}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, &c.in); err != nil {
		return jsonErrorResult(op, &apiError{Status: http.StatusBadRequest, Code: "SerializationException",
			Message: "The request body is not a JSON object: " + err.Error()})
	}
	out, changed, err := ops[op](c)
	if err != nil {
		res := jsonErrorResult(op, asAPIError(err))
		res.Changed = changed
		return res
	}
	data, merr := json.Marshal(out)
	if merr != nil {
		return jsonErrorResult(op, &apiError{Status: http.StatusInternalServerError, Code: "InternalServerException", Message: merr.Error()})
	}
	return Result{Status: http.StatusOK, ContentType: "application/x-amz-json-1.1", Body: data, Operation: op, Outcome: "ok", Changed: changed}
}

// apiError is an error answered in the service's own shape.
type apiError struct {
	Status  int
	Code    string
	Message string
	// Fields are the exception's other members (Reason, ResourceType, ResourceId ...).
	Fields map[string]string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func asAPIError(err error) *apiError {
	if e, ok := err.(*apiError); ok {
		return e
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "InternalServerException", Message: err.Error()}
}

func jsonErrorResult(op string, e *apiError) Result {
	body := map[string]string{"__type": e.Code, "Message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	data, _ := json.Marshal(body)
	return Result{Status: e.Status, ContentType: "application/x-amz-json-1.1", Body: data, Operation: op, Outcome: e.Code}
}

func validation(format string, args ...any) error {
	return &apiError{Status: http.StatusBadRequest, Code: "ValidationException", Message: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &apiError{Status: http.StatusConflict, Code: "ConflictException", Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &apiError{Status: http.StatusNotFound, Code: "ResourceNotFoundException", Message: fmt.Sprintf(format, args...)}
}

func quotaExceeded(format string, args ...any) error {
	return &apiError{Status: http.StatusPaymentRequired, Code: "ServiceQuotaExceededException", Message: fmt.Sprintf(format, args...)}
}

func accessDenied(format string, args ...any) error {
	return &apiError{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: fmt.Sprintf(format, args...)}
}

// str reads a string member; a member of another type is a ValidationException.
func (c *call) str(name string) (string, error) {
	raw, ok := c.in[name]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", validation("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must be a string", lowerFirst(name))
	}
	return s, nil
}

// required reads a string member that must be there.
func (c *call) required(name string) (string, error) {
	s, err := c.str(name)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", validation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
	}
	return s, nil
}

// decode reads a structured member into v; absent leaves v as it is.
func (c *call) decode(name string, v any) error {
	raw, ok := c.in[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return validation("1 validation error detected: Value at '%s' is not of the expected shape: %v", lowerFirst(name), err)
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// page cuts one page of n items from NextToken and MaxResults (1..limit, default limit): it returns the
// range to answer and the token of the next page, "" on the last.
func (c *call) page(n, limit int) (from, to int, next string, err error) {
	tok, err := c.str("NextToken")
	if err != nil {
		return 0, 0, "", err
	}
	max := limit
	if raw, ok := c.in["MaxResults"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &max) != nil || max < 1 || max > limit {
			return 0, 0, "", validation("1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", string(raw), limit)
		}
	}
	if tok != "" {
		from, err = decodeToken(tok)
		if err != nil || from > n {
			return 0, 0, "", validation("The NextToken %q is not valid.", tok)
		}
	}
	to = min(from+max, n)
	if to < n {
		next = encodeToken(to)
	}
	return from, to, next, nil
}

// The portal's and the admin APIs' NextTokens are core's, scoped to Identity Center.
const tokenScope = "identitycenter"

func encodeToken(offset int) string { return core.EncodePageToken(tokenScope, offset) }

func decodeToken(tok string) (int, error) { return core.DecodePageToken(tokenScope, tok, math.MaxInt) }

func randomToken(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// epoch is a timestamp as awsJson sends it: seconds since the epoch, with fractions.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func withNext(out map[string]any, next string) map[string]any {
	if next != "" {
		out["NextToken"] = next
	}
	return out
}
