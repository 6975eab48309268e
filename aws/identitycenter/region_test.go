package identitycenter_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"

	"github.com/orgwizard/orgwizard/aws/identitycenter"
)

// TestReadFindsInstanceOutsideHomeRegionOnSandbox: the sandbox lists an
// instance only in its region, as AWS does; Read, through the real clients
// and the sandbox's DescribeRegions, finds one enabled outside the home
// region, reports that region, and reads it there.
func TestReadFindsInstanceOutsideHomeRegionOnSandbox(t *testing.T) {
	w := newWorld(t, 100)
	ctx := context.Background()
	info, err := w.sb.EnableIdentityCenter(w.tg.AccountID, "eu-west-1")
	check(t, "enable", err)
	_, err = w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: aws.String(info.IdentityStoreID), DisplayName: aws.String("auditors")},
		func(o *identitystore.Options) { o.Region = "eu-west-1" })
	check(t, "CreateGroup", err)
	// Only the home region asked: nothing there.
	got, err := identitycenter.New(w.admin, w.store, identitycenter.Options{HomeRegion: "us-east-1"}).Read(ctx)
	check(t, "Read in the home region only", err)
	if got.InstanceARN != "" {
		t.Fatalf("us-east-1 alone found %+v, though the instance lives in eu-west-1", got)
	}
	got, err = identitycenter.NewFromConfig(w.tg.Config, identitycenter.Options{HomeRegion: "us-east-1"}).Read(ctx)
	check(t, "Read", err)
	if got.InstanceARN != info.InstanceARN || got.IdentityStoreID != info.IdentityStoreID || got.Region != "eu-west-1" || got.PortalURL != info.StartURL {
		t.Errorf("Read %+v, want the instance %+v of eu-west-1", got, info)
	}
	if len(got.Groups) != 1 || got.Groups[0].Name != "auditors" {
		t.Errorf("the groups read in eu-west-1: %+v", got.Groups)
	}
}
