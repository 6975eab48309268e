package orgs_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/sandbox"
)

// sandboxClient serves a fresh sandbox and returns its first account's
// Organizations client.
func sandboxClient(t *testing.T, scenario string) (*organizations.Client, *sandbox.Sandbox) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: scenario, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	me := sb.Accounts()[0]
	return organizations.New(organizations.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, ""),
		BaseEndpoint: aws.String(endpoint),
	}), sb
}

// The plan's enable step takes PolicyTypeAlreadyEnabledException as done
// (SCPs enabled by hand, by another tool, or by an AWS that enables them with
// the organization, as its CreateOrganization reference says), and a policy
// attaches right away.
func TestEnableSCPsAfterCreateOrganization(t *testing.T) {
	ctx := context.Background()
	api, _ := sandboxClient(t, "fresh")
	c := orgs.New(api, 0)
	root, err := c.CreateOrganization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EnableSCPs(ctx, root); err != nil {
		t.Fatalf("enabling SCPs: %v", err)
	}
	if err := c.EnableSCPs(ctx, root); err != nil {
		t.Fatalf("enabling SCPs already enabled: %v", err)
	}
	id, err := c.CreatePolicy(ctx, "orgwizard-test", "test", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AttachPolicy(ctx, id, root); err != nil {
		t.Fatalf("attaching a policy right after CreateOrganization: %v", err)
	}
}
