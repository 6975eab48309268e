package sandbox

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// ConnRetryer is the tests' retryer: it retries only connection errors, at
// once, so an AWS error reaches the test exactly as the sandbox sent it. A
// known race between net/http and the SDK sometimes closes a keep-alive
// connection under a response being read (aws/aws-sdk-go-v2#2737); the
// SDK's standard retryer retries that, and so does this one.
func ConnRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.RateLimiter = ratelimit.None
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}
