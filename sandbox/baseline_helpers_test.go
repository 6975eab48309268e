package sandbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/sandbox"
)

// Clients of the security baseline's services, for one account in one region.

func (w *world) regionCfg(a sandbox.AccountInfo, region string) aws.Config {
	cfg := w.cfg(a.AccessKeyID, a.SecretAccessKey, "")
	cfg.Region = region
	return cfg
}

func (w *world) guardduty(a sandbox.AccountInfo, region string) *guardduty.Client {
	return guardduty.NewFromConfig(w.regionCfg(a, region), func(o *guardduty.Options) { o.BaseEndpoint = aws.String(w.url) })
}

func (w *world) securityhub(a sandbox.AccountInfo, region string) *securityhub.Client {
	return securityhub.NewFromConfig(w.regionCfg(a, region), func(o *securityhub.Options) { o.BaseEndpoint = aws.String(w.url) })
}

func (w *world) analyzer(a sandbox.AccountInfo, region string) *accessanalyzer.Client {
	return accessanalyzer.NewFromConfig(w.regionCfg(a, region), func(o *accessanalyzer.Options) { o.BaseEndpoint = aws.String(w.url) })
}

func (w *world) cloudtrail(a sandbox.AccountInfo, region string) *cloudtrail.Client {
	return cloudtrail.NewFromConfig(w.regionCfg(a, region), func(o *cloudtrail.Options) { o.BaseEndpoint = aws.String(w.url) })
}

// trust gives principal trusted access to the organization acme manages.
func (w *world) trust(principal string) {
	w.t.Helper()
	if _, err := w.org(w.account("acme")).EnableAWSServiceAccess(context.Background(),
		&organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(principal)}); err != nil {
		w.t.Fatalf("EnableAWSServiceAccess %s: %v", principal, err)
	}
}

// wantAPIError fails unless err is the AWS error code whose message holds every one of parts.
func wantAPIError(t *testing.T, what string, err error, code string, parts ...string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: want %s, got %v", what, code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("%s: want %s, got %s: %s", what, code, ae.ErrorCode(), ae.ErrorMessage())
	}
	for _, p := range parts {
		if !strings.Contains(ae.ErrorMessage(), p) {
			t.Errorf("%s: message %q does not say %q", what, ae.ErrorMessage(), p)
		}
	}
}

// recorded says whether the call record holds service's op with outcome.
func (w *world) recorded(service, op, outcome string) bool {
	for _, c := range w.sb.Calls() {
		if c.Service == service && c.Operation == op && c.Outcome == outcome {
			return true
		}
	}
	return false
}

// joinByInvitation brings a standalone account into the organization mgmt manages.
func joinByInvitation(t *testing.T, w *world, mgmt, a sandbox.AccountInfo) {
	t.Helper()
	ctx := context.Background()
	inv, err := w.org(mgmt).InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &orgtypes.HandshakeParty{Id: aws.String(a.ID), Type: orgtypes.HandshakePartyTypeAccount}})
	if err != nil {
		t.Fatalf("InviteAccountToOrganization: %v", err)
	}
	if _, err := w.org(a).AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id}); err != nil {
		t.Fatalf("AcceptHandshake: %v", err)
	}
}
