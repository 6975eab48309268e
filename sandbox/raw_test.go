package sandbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

// rawOrgCall sends a signed awsJson1_1 request the SDK would never build, and
// returns the status and the decoded error body.
func rawOrgCall(t *testing.T, w *world, a sandbox.AccountInfo, target, body string, sign bool) (int, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, w.url+"/", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSOrganizationsV20161128."+target)
	if sign {
		sum := sha256.Sum256([]byte(body))
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretAccessKey},
			req, hex.EncodeToString(sum[:]), "organizations", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	out := map[string]string{}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s answered %d %q, not JSON", target, resp.StatusCode, data)
	}
	return resp.StatusCode, out
}

// TestProtocolErrors covers the refusals no SDK call can provoke.
func TestProtocolErrors(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	a := w.account("acme")
	for _, tc := range []struct {
		target, body string
		sign         bool
		status       int
		code         string
	}{
		{"NoSuchOperation", "{}", true, 400, "UnknownOperationException"},
		{"ListAccounts", "{not json", true, 400, "SerializationException"},
		{"ListAccounts", "{}", false, 403, "MissingAuthenticationToken"},
	} {
		status, body := rawOrgCall(t, w, a, tc.target, tc.body, tc.sign)
		if status != tc.status || body["__type"] != tc.code || body["Message"] == "" {
			t.Errorf("%s %q: %d %v, want %d %s", tc.target, tc.body, status, body, tc.status, tc.code)
		}
	}
}

// TestInvitationsCountTowardTheQuota: with the small-quota scenario's 4
// accounts, open invitations and members together may not pass the quota.
func TestInvitationsCountTowardTheQuota(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "small-quota"})
	c := w.org(w.account("acme"))
	if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"111111111111", "222222222222", "333333333333"} {
		if _, err := c.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
			Target: &orgtypes.HandshakeParty{Id: aws.String(id), Type: orgtypes.HandshakePartyTypeAccount}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &orgtypes.HandshakeParty{Id: aws.String("444444444444"), Type: orgtypes.HandshakePartyTypeAccount}})
	e := wantErr[*orgtypes.HandshakeConstraintViolationException](t, err)
	if e.Reason != orgtypes.HandshakeConstraintViolationExceptionReasonAccountNumberLimitExceeded {
		t.Fatalf("reason %s", e.Reason)
	}
}
