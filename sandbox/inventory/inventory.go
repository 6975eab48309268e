// Package inventory simulates the read-only AWS APIs that an inventory of an account calls (Resource Groups
// Tagging, Resource Explorer, EC2, S3, RDS, Lambda, DynamoDB, ECS, EKS, CloudFront, Route 53, IAM), each on
// its own wire protocol, so that the tool's real aws-sdk-go-v2 clients can list a simulated account's
// workloads exactly as they list a real one. The sandbox core routes a signed request here once it knows the
// caller's account; this package owns no state of its own and only reads the resources it is handed.
package inventory

import (
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Resource is one simulated resource in some account and region.
type Resource struct {
	Account string `json:"account"`
	// Region is the resource's region; "us-east-1" for global services (IAM, CloudFront, Route 53); S3
	// buckets have their own region.
	Region string `json:"region"`
	// Service is the resource's service: ec2, s3, rds, lambda, dynamodb, ecs, eks, cloudfront, route53, iam.
	Service string `json:"service"`
	// Type is the resource's type within its service: instance, volume, vpc, bucket, db-instance, db-cluster,
	// function, table, cluster, distribution, hosted-zone, user.
	Type string            `json:"type"`
	ID   string            `json:"id"`
	Name string            `json:"name,omitempty"`
	ARN  string            `json:"arn"`
	Tags map[string]string `json:"tags,omitempty"`
	// Attrs holds the service-specific details the APIs answer with (instance state, engine, runtime,
	// access keys ...); the keys each type uses are listed beside its constructor.
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Call is one HTTP request the sandbox router has identified as an inventory service call.
type Call struct {
	// Service is the SigV4 signing name from the Authorization header's credential scope.
	Service string
	// Region is the region of that credential scope.
	Region string
	// Account is the caller's account.
	Account string
	Request *http.Request
	// Body is the request body, already read.
	Body []byte
}

// Result is what Serve answered, for the call record.
type Result struct {
	Operation string
	// Outcome is "ok" or the AWS error code.
	Outcome string
}

// service is one simulated AWS service: how its protocol names operations and shapes answers, and what each
// operation answers.
type service struct {
	name     string // SigV4 signing name
	protocol protocol
	// resourceService keeps only the resources of that service; empty keeps all of them (the cross-service
	// APIs: tagging, Resource Explorer).
	resourceService string
	// global services see the caller's resources of every region, whatever region signed the call.
	global bool
	// invalidParam is the code the service answers a malformed parameter with, such as a bad page token.
	invalidParam string
	ops          map[string]operation
}

// operation answers one call; it returns the document the protocol encodes, or an *apiError.
type operation func(req *request) (any, error)

// request is one call on its way through a service: the call, the caller's resources that the service can
// see from the call's region, and the parameters the protocol found.
type request struct {
	Call
	svc       *service
	op        string
	id        string
	resources []Resource
	// params holds the path parameters of a REST route, such as the bucket name.
	params map[string]string
	// query holds the form parameters of a query protocol, or the URL query of a REST protocol.
	query url.Values
}

// apiError is an error answered in the service's own error shape.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// invalid answers a malformed parameter with the service's own validation code.
func (req *request) invalid(msg string) error {
	return &apiError{Status: http.StatusBadRequest, Code: req.svc.invalidParam, Message: msg}
}

func notFound(code, msg string) error {
	return &apiError{Status: http.StatusNotFound, Code: code, Message: msg}
}

// registry holds every service by signing name; each service file registers itself from init so that adding
// a service touches only its own file.
var registry = map[string]*service{}

func register(s *service) { registry[s.name] = s }

// Services lists the signing names Serve handles.
func Services() []string {
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Serve answers c on the service's own protocol from the given account's resources. It only reads them: the
// caller's resources in all regions are passed, and Serve keeps those of the call's region where the service
// is regional.
func Serve(w http.ResponseWriter, c Call, resources []Resource) Result {
	svc, ok := registry[c.Service]
	if !ok {
		// The router should never send a service it was not told about; answer as AWS answers a request
		// signed for a service that does not exist at the endpoint.
		return unserved(w, c, &apiError{Status: http.StatusBadRequest, Code: "UnrecognizedClientException",
			Message: "The sandbox inventory does not serve the service " + c.Service + "."})
	}
	req := &request{Call: c, svc: svc, id: core.NewRequestID()}
	op, err := svc.protocol.operation(req)
	req.op = op
	var out any
	if err == nil {
		if handle, ok := svc.ops[op]; ok {
			req.resources = svc.visible(c, resources)
			out, err = handle(req)
		} else {
			err = svc.protocol.unknown(req)
		}
	}
	if err != nil {
		var e *apiError
		if !errors.As(err, &e) {
			e = &apiError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
		}
		svc.protocol.writeError(w, req, e)
		return Result{Operation: op, Outcome: e.Code}
	}
	svc.protocol.writeResult(w, req, out)
	return Result{Operation: op, Outcome: "ok"}
}

// Operation names the operation c asks for without answering it, so that the core can throttle or inject a
// fault per operation before calling Serve. It is "" when the service is not served or the request is too
// malformed to name one; an operation the service does not implement is named all the same.
func Operation(c Call) string {
	svc, ok := registry[c.Service]
	if !ok {
		return ""
	}
	op, err := svc.protocol.operation(&request{Call: c, svc: svc})
	if err != nil {
		return ""
	}
	return op
}

// WriteError answers c with an error in its service's own shape (status, code, message), so that a
// throttling or fault the core injects reaches the SDK as the typed error AWS would send.
func WriteError(w http.ResponseWriter, c Call, status int, code, message string) Result {
	e := &apiError{Status: status, Code: code, Message: message}
	svc, ok := registry[c.Service]
	if !ok {
		return unserved(w, c, e)
	}
	req := &request{Call: c, svc: svc, id: core.NewRequestID()}
	op, _ := svc.protocol.operation(req)
	req.op = op
	svc.protocol.writeError(w, req, e)
	return Result{Operation: op, Outcome: code}
}

// unserved answers a call for a service this package does not serve, in the JSON shape most services share.
func unserved(w http.ResponseWriter, c Call, e *apiError) Result {
	writeJSONError(w, "application/x-amz-json-1.1", core.NewRequestID(), e)
	return Result{Operation: c.Service, Outcome: e.Code}
}

// visible keeps the resources the service can see from the call's region.
func (s *service) visible(c Call, resources []Resource) []Resource {
	var out []Resource
	for _, r := range resources {
		if r.Account != c.Account {
			continue
		}
		if s.resourceService != "" && r.Service != s.resourceService {
			continue
		}
		if !s.global && r.Region != c.Region {
			continue
		}
		out = append(out, r)
	}
	return out
}

// ofType keeps the resources of one type.
func ofType(resources []Resource, typ string) []Resource {
	var out []Resource
	for _, r := range resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Known reports whether op is an operation the service serves, so that the
// call record names only real operations, never what a client made up.
func Known(service, op string) bool {
	svc, ok := registry[service]
	if !ok {
		return false
	}
	_, ok = svc.ops[op]
	return ok
}
