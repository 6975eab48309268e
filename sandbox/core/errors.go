package core

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
)

// Error is an error the sandbox answers in the protocol of the service that
// was called: Code is AWS's error code (the `__type` of awsJson, the <Code> of
// awsQuery), Reason the extra field some Organizations exceptions carry.
type Error struct {
	Status  int
	Code    string
	Message string
	Reason  string
	// Type is TooManyRequestsException's extra field.
	Type string
}

func (e *Error) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Reason, e.Message)
	}
	return e.Code + ": " + e.Message
}

// Errf is a client error (HTTP 400) with code.
func Errf(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ServiceError is the internal error the awsJson services answer when the
// sandbox cannot make a change durable.
func ServiceError() *Error {
	return &Error{Status: http.StatusInternalServerError, Code: "ServiceException",
		Message: "AWS Organizations can't complete your request because of an internal service error. Try again later."}
}

// Throttled is Organizations' and Service Quotas' answer past the request rate.
func Throttled(op string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "TooManyRequestsException", Type: "client",
		Message: "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later. (" + op + ")"}
}

// jsonErrorBody is the awsJson1_1 error document. The member is "Message"
// with a capital M, as Organizations sends it: the SDK's schema decoder
// matches member names exactly.
func jsonErrorBody(e *Error) []byte {
	body := map[string]string{"__type": e.Code, "Message": e.Message}
	if e.Reason != "" {
		body["Reason"] = e.Reason
	}
	if e.Type != "" {
		body["Type"] = e.Type
	}
	data, _ := json.Marshal(body)
	return data
}

// WriteJSONError answers in the awsJson1_1 error shape.
func WriteJSONError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", NewRequestID())
	w.WriteHeader(e.Status)
	w.Write(jsonErrorBody(e))
}

type queryErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// WriteQueryError answers in the awsQuery error shape (STS, IAM).
func WriteQueryError(w http.ResponseWriter, xmlns string, e *Error) {
	kind := "Sender"
	if e.Status >= 500 {
		kind = "Receiver"
	}
	data, _ := xml.Marshal(queryErrorResponse{Xmlns: xmlns, Type: kind, Code: e.Code, Message: e.Message, RequestID: NewRequestID()})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	w.Write(data)
}

// ResponseMetadata is the awsQuery answers' trailer.
type ResponseMetadata struct {
	RequestID string `xml:"RequestId"`
}
