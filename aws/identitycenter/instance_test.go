package identitycenter_test

import (
	"context"
	"slices"
	"testing"

	"github.com/orgwizard/orgwizard/aws/identitycenter"
)

// TestInstanceReadsNothingElse: Instance finds the instance where Read
// would, with ListInstances calls only: the directory (a nil StoreAPI) and
// the permission sets (regionalAdmin answers ListInstances alone) are never
// asked, so the wizard's poll stays a handful of calls.
func TestInstanceReadsNothingElse(t *testing.T) {
	admin := &regionalAdmin{region: "eu-west-1"}
	c := identitycenter.New(admin, nil, identitycenter.Options{HomeRegion: "eu-central-1", Regions: regions{"eu-central-1", "eu-west-1"}, Parallel: 1})
	got, err := c.Instance(context.Background())
	check(t, "Instance", err)
	if got.Region != "eu-west-1" || got.InstanceARN == "" || got.IdentityStoreID != "d-0123456789" || got.PortalURL != "https://d-0123456789.awsapps.com/start" {
		t.Errorf("Instance = %+v, want the instance of eu-west-1", got)
	}
	if got.Groups != nil || got.PermissionSets != nil || got.Assignments != nil {
		t.Errorf("Instance read the directory: %+v", got)
	}
	if !slices.Equal(admin.asked, []string{"eu-central-1", "eu-west-1"}) {
		t.Errorf("asked ListInstances in %v, want the home region then eu-west-1", admin.asked)
	}

	// Off: no instance, no error.
	got, err = identitycenter.New(&regionalAdmin{region: "ap-south-1"}, nil, identitycenter.Options{HomeRegion: "us-east-1"}).Instance(context.Background())
	if err != nil || got.InstanceARN != "" {
		t.Errorf("no instance: %+v, %v", got, err)
	}
}
