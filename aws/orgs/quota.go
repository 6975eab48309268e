package orgs

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
)

// Service Quotas' names for the number of accounts an organization may have.
const (
	QuotaServiceCode = "organizations"
	QuotaCode        = "L-E619E033"
)

// QuotaAPI is the part of the Service Quotas client the quota check uses.
type QuotaAPI interface {
	GetServiceQuota(context.Context, *servicequotas.GetServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error)
	GetAWSDefaultServiceQuota(context.Context, *servicequotas.GetAWSDefaultServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetAWSDefaultServiceQuotaOutput, error)
}

var _ QuotaAPI = (*servicequotas.Client)(nil)

// AccountQuota returns how many accounts the organization may have, the
// management account included, and where the number comes from: the applied
// quota where Service Quotas answers, else its default, else AWS's documented
// default of fallback.
func AccountQuota(ctx context.Context, api QuotaAPI, fallback int) (int, string) {
	// The quota only informs a check: a service that does not answer (not
	// every AWS-compatible endpoint has Service Quotas) must not hold the
	// apply up with a full retry cycle.
	few := func(o *servicequotas.Options) { o.RetryMaxAttempts = 2 }
	in := &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String(QuotaServiceCode), QuotaCode: aws.String(QuotaCode)}
	if out, err := api.GetServiceQuota(ctx, in, few); err == nil && out.Quota != nil && out.Quota.Value != nil {
		return int(*out.Quota.Value), "Service Quotas"
	}
	din := &servicequotas.GetAWSDefaultServiceQuotaInput{ServiceCode: aws.String(QuotaServiceCode), QuotaCode: aws.String(QuotaCode)}
	if out, err := api.GetAWSDefaultServiceQuota(ctx, din, few); err == nil && out.Quota != nil && out.Quota.Value != nil {
		return int(*out.Quota.Value), "Service Quotas' default"
	}
	return fallback, fmt.Sprintf("AWS's default of %d; Service Quotas did not answer", fallback)
}
