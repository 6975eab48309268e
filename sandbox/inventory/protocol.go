package inventory

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// protocol is one of AWS's wire protocols: how a request names its operation and how answers and errors are
// shaped. Each is checked against the matching deserializer of aws-sdk-go-v2 (smithy-go's
// transport/http/protocol packages and the generated restXml/ec2Query deserializers).
type protocol interface {
	// operation names the operation the request asks for and reads its parameters into req.
	operation(req *request) (string, error)
	// unknown is the error the service answers an operation it does not know with.
	unknown(req *request) error
	writeResult(w http.ResponseWriter, req *request, out any)
	writeError(w http.ResponseWriter, req *request, e *apiError)
}

// queryProtocol is EC2's query protocol (ec2 = true) or the awsQuery protocol of RDS and IAM: form-encoded
// parameters with an Action, XML answers.
type queryProtocol struct {
	ec2   bool
	xmlns string
}

func (p queryProtocol) operation(req *request) (string, error) {
	form, err := url.ParseQuery(string(req.Body))
	if err != nil {
		return "", &apiError{Status: http.StatusBadRequest, Code: "MalformedQueryString", Message: err.Error()}
	}
	// The SDK posts a form, but AWS also accepts the parameters in the URL, as older tools send them.
	for k, v := range req.Request.URL.Query() {
		form[k] = append(form[k], v...)
	}
	req.query = form
	action := form.Get("Action")
	if action == "" {
		return "", &apiError{Status: http.StatusBadRequest, Code: "MissingAction", Message: "The request must contain the parameter Action."}
	}
	return action, nil
}

func (p queryProtocol) unknown(req *request) error {
	return &apiError{Status: http.StatusBadRequest, Code: "InvalidAction",
		Message: fmt.Sprintf("The action %s is not valid for this web service.", req.op)}
}

type queryResponseMetadata struct {
	RequestID string `xml:"RequestId"`
}

func (p queryProtocol) writeResult(w http.ResponseWriter, req *request, out any) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: req.op + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: p.xmlns}}}
	var err error
	if p.ec2 {
		// EC2 puts the answer's members (and requestId) straight under <OpResponse>; its outputs carry the
		// requestId member themselves.
		err = enc.EncodeElement(out, start)
	} else {
		err = encodeAll(enc, start, func() error {
			if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: req.op + "Result"}}); err != nil {
				return err
			}
			return enc.EncodeElement(queryResponseMetadata{RequestID: req.id}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
		})
	}
	writeEncoded(w, req, "text/xml;charset=UTF-8", buf.Bytes(), err)
}

type queryErrorDetail struct {
	Type    string `xml:"Type,omitempty"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

type ec2ErrorResponse struct {
	XMLName   xml.Name           `xml:"Response"`
	Errors    []queryErrorDetail `xml:"Errors>Error"`
	RequestID string             `xml:"RequestID"`
}

type queryErrorResponse struct {
	XMLName   xml.Name         `xml:"ErrorResponse"`
	Xmlns     string           `xml:"xmlns,attr,omitempty"`
	Error     queryErrorDetail `xml:"Error"`
	RequestID string           `xml:"RequestId"`
}

func (p queryProtocol) writeError(w http.ResponseWriter, req *request, e *apiError) {
	detail := queryErrorDetail{Code: e.Code, Message: e.Message}
	if p.ec2 {
		writeXML(w, req, e.Status, ec2ErrorResponse{Errors: []queryErrorDetail{detail}, RequestID: req.id})
		return
	}
	detail.Type = faultType(e)
	writeXML(w, req, e.Status, queryErrorResponse{Xmlns: p.xmlns, Error: detail, RequestID: req.id})
}

// jsonProtocol is awsJson 1.0 or 1.1: a POST to / naming the operation in X-Amz-Target as
// "<targetPrefix>.<Operation>", JSON in and out.
type jsonProtocol struct {
	version      string // "1.0" or "1.1"
	targetPrefix string
	// crc32 sends X-Amz-Crc32 (core.SetCRC32), as DynamoDB does on every answer.
	crc32 bool
}

func (p jsonProtocol) contentType() string { return "application/x-amz-json-" + p.version }

func (p jsonProtocol) operation(req *request) (string, error) {
	target := req.Request.Header.Get("X-Amz-Target")
	prefix, op, ok := strings.Cut(target, ".")
	if !ok || prefix != p.targetPrefix {
		// A target of another service is an unknown operation here, named in full for the call record.
		return target, nil
	}
	return op, nil
}

func (p jsonProtocol) unknown(req *request) error {
	return &apiError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
		Message: fmt.Sprintf("The operation %s is not supported by this service.", req.op)}
}

func (p jsonProtocol) writeResult(w http.ResponseWriter, req *request, out any) {
	body, err := json.Marshal(out)
	if p.crc32 && err == nil {
		core.SetCRC32(w.Header(), body)
	}
	writeEncoded(w, req, p.contentType(), body, err)
}

func (p jsonProtocol) writeError(w http.ResponseWriter, req *request, e *apiError) {
	if p.crc32 {
		core.SetCRC32(w.Header(), jsonErrorBody(e))
	}
	writeJSONError(w, p.contentType(), req.id, e)
}

func jsonErrorBody(e *apiError) []byte {
	body, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	return body
}

// writeJSONError writes the error shape both awsJson protocols and restJson1 understand: the code in
// X-Amzn-ErrorType and in __type, the text in message.
func writeJSONError(w http.ResponseWriter, contentType, requestID string, e *apiError) {
	body := jsonErrorBody(e)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	if requestID != "" {
		w.Header().Set("X-Amzn-RequestId", requestID)
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// route is one REST operation: method, a path pattern whose "{name}" segments are captured into
// request.params, and the query key (S3's "?location") that some services name an operation by.
type route struct {
	method      string
	pattern     string
	subresource string
	op          string
}

// router finds the operation of a REST request by its routes, most specific first.
type router struct {
	routes      []route
	unknownCode string
}

func (rt router) operation(req *request) (string, error) {
	r := req.Request
	path := r.URL.Path
	req.query = r.URL.Query()
	for _, rte := range rt.routes {
		if rte.method != r.Method || (rte.subresource != "" && !req.query.Has(rte.subresource)) {
			continue
		}
		if params, ok := matchPath(rte.pattern, path); ok {
			req.params = params
			return rte.op, nil
		}
	}
	return r.Method + " " + path, nil
}

func (rt router) unknown(req *request) error {
	return &apiError{Status: http.StatusBadRequest, Code: rt.unknownCode,
		Message: fmt.Sprintf("The sandbox does not implement %s on this service.", req.op)}
}

// matchPath matches a path against a pattern segment by segment; a trailing slash is not significant,
// because SDK versions differ on it (Lambda's ListFunctions was "/functions/" and is now "/functions").
func matchPath(pattern, path string) (map[string]string, bool) {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if xs[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = xs[i]
			continue
		}
		if p != xs[i] {
			return nil, false
		}
	}
	return params, true
}

// restJSONProtocol is restJson1: operations named by method and path, JSON answers, the error code in
// X-Amzn-ErrorType.
type restJSONProtocol struct{ router }

func (p restJSONProtocol) writeResult(w http.ResponseWriter, req *request, out any) {
	body, err := json.Marshal(out)
	writeEncoded(w, req, "application/json", body, err)
}

func (p restJSONProtocol) writeError(w http.ResponseWriter, req *request, e *apiError) {
	writeJSONError(w, "application/json", req.id, e)
}

// restXMLProtocol is restXml: operations named by method and path, XML documents whose root each output
// names itself; CloudFront and Route 53 wrap errors in <ErrorResponse>. (S3 is package s3's.)
type restXMLProtocol struct {
	router
	xmlns string
}

func (p restXMLProtocol) writeResult(w http.ResponseWriter, req *request, out any) {
	writeXML(w, req, http.StatusOK, out)
}

func (p restXMLProtocol) writeError(w http.ResponseWriter, req *request, e *apiError) {
	detail := queryErrorDetail{Type: faultType(e), Code: e.Code, Message: e.Message}
	writeXML(w, req, e.Status, queryErrorResponse{Xmlns: p.xmlns, Error: detail, RequestID: req.id})
}

// faultType is the Type AWS's XML errors carry: whose fault the error is.
func faultType(e *apiError) string {
	if e.Status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

// encodeAll writes start, whatever inner writes, and the matching end element.
func encodeAll(enc *xml.Encoder, start xml.StartElement, inner func() error) error {
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if err := inner(); err != nil {
		return err
	}
	if err := enc.EncodeToken(start.End()); err != nil {
		return err
	}
	return enc.Flush()
}

func writeXML(w http.ResponseWriter, req *request, status int, v any) {
	body, err := xml.Marshal(v)
	if err == nil {
		body = append([]byte(xml.Header), body...)
	}
	if status == http.StatusOK {
		writeEncoded(w, req, "application/xml", body, err)
		return
	}
	setRequestID(w, req)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeEncoded writes a successful answer, or a 500 if it could not be encoded, which is a bug of the
// sandbox rather than something a client could cause.
func writeEncoded(w http.ResponseWriter, req *request, contentType string, body []byte, err error) {
	setRequestID(w, req)
	if err != nil {
		http.Error(w, "sandbox inventory: encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func setRequestID(w http.ResponseWriter, req *request) {
	// S3 names its request id header differently from every other service.
	if req.svc.name == "s3" {
		w.Header().Set("X-Amz-Request-Id", req.id)
		return
	}
	w.Header().Set("X-Amzn-RequestId", req.id)
}
