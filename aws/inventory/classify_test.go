package inventory

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	rextypes "github.com/aws/aws-sdk-go-v2/service/resourceexplorer2/types"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/orgs"
)

// TestClassifyDenied: every spelling of "no permission" the inventory's
// calls meet makes an access-denied problem, however deep the SDK wraps it,
// and the spellings of "not enabled" and of other failures do not.
func TestClassifyDenied(t *testing.T) {
	api := func(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }
	deep := func(err error) error {
		return fmt.Errorf("sweep: %w", &smithy.OperationError{ServiceID: "X", OperationName: "List", Err: err})
	}
	cases := []struct {
		what string
		err  error
		want ProblemKind
	}{
		{"IAM, STS, S3, Route 53", api("AccessDenied", "User is not allowed"), KindAccessDenied},
		{"Lambda, DynamoDB, tagging API, Resource Explorer", api("AccessDeniedException", "User is not allowed"), KindAccessDenied},
		{"ECS (typed)", &ecstypes.AccessDeniedException{Message: aws.String("no")}, KindAccessDenied},
		{"CloudFront (typed)", &cftypes.AccessDenied{Message: aws.String("no")}, KindAccessDenied},
		{"EC2", api("UnauthorizedOperation", "You are not allowed"), KindAccessDenied},
		{"RDS", api("AuthorizationError", "User is not allowed"), KindAccessDenied},
		{"UnauthorizedAccess", api("UnauthorizedAccess", "no"), KindAccessDenied},
		{"S3 403 without a body", api("Forbidden", "Forbidden"), KindAccessDenied},
		{"Resource Explorer 401 (typed)", &rextypes.UnauthorizedException{Message: aws.String("The principal making the request isn't permitted to perform the operation.")}, KindAccessDenied},
		{"an unknown code that says so", api("SomethingElse", "User: x is Not Authorized to perform: y"), KindAccessDenied},
		{"region not enabled", api("InvalidClientTokenId", "The security token included in the request is invalid."), KindDisabled},
		{"service not subscribed", api("OptInRequired", "subscribe first"), KindDisabled},
		{"throttled", api("ThrottlingException", "Rate exceeded"), KindError},
		{"not an AWS answer", errors.New("dial tcp: connection refused"), KindError},
	}
	for _, c := range cases {
		for _, err := range []error{c.err, deep(c.err)} {
			if got := classify(err); got != c.want {
				t.Errorf("%s (%v): %s, want %s", c.what, err, got, c.want)
			}
			// The inventory must agree with the rest of orgwizard: what
			// orgs.Denied calls a refusal is one here too.
			if orgs.Denied(err) && classify(err) != KindAccessDenied {
				t.Errorf("%s: orgs.Denied refuses %v, the inventory says %s", c.what, err, classify(err))
			}
		}
	}
}
