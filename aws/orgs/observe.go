package orgs

import (
	"context"
	"errors"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// AttemptHook hears of every failed attempt of a call, before the SDK's
// retryer decides whether to try again. The apply engine uses it to show
// retries as they happen.
type AttemptHook func(operation string, err error)

type attemptHookKey struct{}

// WithAttemptHook returns a context whose AWS calls report failed attempts to hook.
func WithAttemptHook(ctx context.Context, hook AttemptHook) context.Context {
	return context.WithValue(ctx, attemptHookKey{}, hook)
}

// ObserveAttempts is an API option that reports each failed attempt to the
// hook in the call's context. It sits right after the retry middleware, so
// it runs once per attempt.
func ObserveAttempts(stack *middleware.Stack) error {
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("orgwizardObserveAttempts",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleFinalize(ctx, in)
			if err != nil {
				if hook, ok := ctx.Value(attemptHookKey{}).(AttemptHook); ok && hook != nil {
					hook(middleware.GetOperationName(ctx), err)
				}
			}
			return out, md, err
		}), "Retry", middleware.After)
}

// deniedCodes are the error codes AWS answers a call the credentials have
// no permission for with (IAM's, STS's and EC2's spellings): the one set
// every package asks through Denied.
var deniedCodes = map[string]bool{"AccessDenied": true, "AccessDeniedException": true, "AuthorizationError": true, "UnauthorizedOperation": true}

// Denied reports whether AWS refused the call in err for want of permission.
func Denied(err error) bool { return deniedCodes[Code(err)] }

// Code returns the AWS error code in err, or "".
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// RateLimited holds every attempt of every call made through the client to
// the shared token bucket l. Organizations throttles hard; a reader that
// fans out in parallel stays just under the allowed rate instead of bouncing
// off TooManyRequestsException and waiting out backoffs.
func RateLimited(l *rate.Limiter) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("orgwizardRateLimit",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if err := l.Wait(ctx); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				return next.HandleFinalize(ctx, in)
			}), "Retry", middleware.After)
	}
}
