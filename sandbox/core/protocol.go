package core

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"hash/crc32"
	"net/http"
	"strconv"
	"time"
)

// Reply is a finished answer, built under the sandbox's lock and written after it.
type Reply struct {
	Status      int
	ContentType string
	Body        []byte
}

// Write sends the reply.
func (rep Reply) Write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", rep.ContentType)
	w.Header().Set("X-Amzn-RequestId", NewRequestID())
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.Body)))
	w.WriteHeader(rep.Status)
	w.Write(rep.Body)
}

// SetCRC32 sends X-Amz-Crc32, the CRC-32 (IEEE) of the body in decimal, as
// DynamoDB does on every answer, errors included: its SDK checks it and
// warns without it.
func SetCRC32(h http.Header, body []byte) {
	h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
}

// ProtocolReply is e as a finished answer in the service's error shape.
func ProtocolReply(service string, e *Error) Reply {
	rec := &ReplyRecorder{header: http.Header{}}
	WriteProtocolError(rec, service, e)
	return Reply{Status: rec.status, ContentType: rec.header.Get("Content-Type"), Body: rec.body.Bytes()}
}

// WireCode is the code a service's protocol uses for one of the sandbox's
// generic refusals (unknown key, bad signature, denial, expired session).
func WireCode(service, code string) string {
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

// WriteProtocolError answers e in the error shape of the service's protocol,
// so the SDK and the CLI decode it into their typed errors: STS's awsQuery,
// or the JSON both awsJson and restJson read. The inventory services' own
// protocols (EC2's query, S3's XML, DynamoDB's JSON with its CRC...) write
// their refusals themselves (inventory.WriteError), with WireCode's code.
func WriteProtocolError(w http.ResponseWriter, service string, e *Error) {
	we := *e
	we.Code = WireCode(service, e.Code)
	switch service {
	case "sts":
		WriteQueryError(w, "https://sts.amazonaws.com/doc/2011-06-15/", &we)
	default:
		// restJson clients read the X-Amzn-ErrorType header first, awsJson ones __type.
		if service != "organizations" && service != "servicequotas" {
			w.Header().Set("X-Amzn-ErrorType", we.Code)
		}
		WriteJSONError(w, &we)
	}
}

// ReplyRecorder keeps an answer written to it, to be sent later.
type ReplyRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *ReplyRecorder) Header() http.Header { return r.header }
func (r *ReplyRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *ReplyRecorder) WriteHeader(status int) { r.status = status }

// ErrorCodeOf extracts the error code of a built error reply for the call record.
func ErrorCodeOf(rep Reply) string {
	var j struct {
		Type string `json:"__type"`
	}
	if json.Unmarshal(rep.Body, &j) == nil && j.Type != "" {
		return j.Type
	}
	var x struct {
		Code string `xml:"Error>Code"`
	}
	if xml.Unmarshal(rep.Body, &x) == nil && x.Code != "" {
		return x.Code
	}
	return "HTTP" + strconv.Itoa(rep.Status)
}

// Epoch is a timestamp as awsJson1_1 sends it: seconds since 1970 as a number.
type Epoch time.Time

func (e Epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(e).UnixMilli())/1000, 'f', 3, 64)), nil
}

// TS is t as an awsJson timestamp; nil (left out) for the zero time.
func TS(t time.Time) *Epoch {
	if t.IsZero() {
		return nil
	}
	e := Epoch(t)
	return &e
}
