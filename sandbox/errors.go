package sandbox

import (
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/big"
	"net/http"
	"strings"
)

// awsError is an error the sandbox answers in the protocol of the service that
// was called: Code is AWS's error code (the `__type` of awsJson, the <Code> of
// awsQuery), Reason the extra field some Organizations exceptions carry.
type awsError struct {
	Status  int
	Code    string
	Message string
	Reason  string
	// Type is TooManyRequestsException's extra field.
	Type string
}

func (e *awsError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Reason, e.Message)
	}
	return e.Code + ": " + e.Message
}

func errf(code, format string, args ...any) *awsError {
	return &awsError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

func constraint(reason, format string, args ...any) *awsError {
	e := errf("ConstraintViolationException", format, args...)
	e.Reason = reason
	return e
}

func invalidInput(reason, format string, args ...any) *awsError {
	e := errf("InvalidInputException", format, args...)
	e.Reason = reason
	return e
}

func serviceError() *awsError {
	return &awsError{Status: http.StatusInternalServerError, Code: "ServiceException",
		Message: "AWS Organizations can't complete your request because of an internal service error. Try again later."}
}

func throttled(op string) *awsError {
	return &awsError{Status: http.StatusBadRequest, Code: "TooManyRequestsException", Type: "client",
		Message: "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later. (" + op + ")"}
}

// writeJSONError answers in the awsJson1_1 error shape. The member is
// "Message" with a capital M, as Organizations sends it: the SDK's schema
// decoder matches member names exactly.
func writeJSONError(w http.ResponseWriter, e *awsError) {
	body := map[string]string{"__type": e.Code, "Message": e.Message}
	if e.Reason != "" {
		body["Reason"] = e.Reason
	}
	if e.Type != "" {
		body["Type"] = e.Type
	}
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.WriteHeader(e.Status)
	w.Write(data)
}

type queryErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// writeQueryError answers in the awsQuery error shape (STS).
func writeQueryError(w http.ResponseWriter, xmlns string, e *awsError) {
	kind := "Sender"
	if e.Status >= 500 {
		kind = "Receiver"
	}
	data, _ := xml.Marshal(queryErrorResponse{Xmlns: xmlns, Type: kind, Code: e.Code, Message: e.Message, RequestID: newRequestID()})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	w.Write(data)
}

const (
	lowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789"
	digits      = "0123456789"
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

func randomFrom(alphabet string, n int) string {
	var b strings.Builder
	max := big.NewInt(int64(len(alphabet)))
	for range n {
		i, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

func newRequestID() string {
	s := randomFrom("0123456789abcdef", 32)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// newAccountID draws a 12-digit id that does not start with 0, so scripts that
// treat it as a number still print it the same.
func newAccountID() string { return randomFrom("123456789", 1) + randomFrom(digits, 11) }

func newOrgID() string    { return "o-" + randomFrom(lowerDigits, 10) }
func newRootID() string   { return "r-" + randomFrom(lowerDigits, 4) }
func newPolicyID() string { return "p-" + randomFrom(lowerDigits, 8) }
func newStatusID() string { return "car-" + randomFrom(lowerDigits, 32) }
func newHandshakeID() string {
	return "h-" + randomFrom(lowerDigits, 10)
}

// newOUID follows AWS's ou-<root suffix>-<8 chars> format.
func newOUID(rootID string) string {
	return "ou-" + strings.TrimPrefix(rootID, "r-") + "-" + randomFrom(lowerDigits, 8)
}

func newAccessKeyID(prefix string) string { return prefix + randomFrom(upperDigits, 16) }
func newSecret() string                   { return randomFrom(secretChars, 40) }
