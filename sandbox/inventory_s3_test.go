package sandbox_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestInventoryBucketsAreS3s: the tagging API lists the buckets S3 holds,
// its one source of truth: a bucket created and tagged through S3 shows,
// one deleted through S3 no longer does.
func TestInventoryBucketsAreS3s(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "dirty-management"})
	dirty := w.account("acme-legacy")
	cfg := w.cfg(dirty.AccessKeyID, dirty.SecretAccessKey, "")
	cfg.Region = "eu-west-1"
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(w.url)
		o.UsePathStyle = true
	})
	tagging := resourcegroupstaggingapi.NewFromConfig(cfg, func(o *resourcegroupstaggingapi.Options) { o.BaseEndpoint = aws.String(w.url) })
	buckets := func() []string {
		out, err := tagging.GetResources(ctx, &resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"s3"}})
		if err != nil {
			t.Fatal(err)
		}
		var arns []string
		for _, m := range out.ResourceTagMappingList {
			arns = append(arns, aws.ToString(m.ResourceARN))
		}
		return arns
	}
	seed := "arn:aws:s3:::shop-prod-assets-" + dirty.ID
	if got := buckets(); !slices.Contains(got, seed) {
		t.Fatalf("the scenario's bucket is not listed before anything changed: %v", got)
	}

	name := "acme-legacy-new-bucket"
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("Probe"), Value: aws.String("created-through-s3")}}}}); err != nil {
		t.Fatal(err)
	}
	out, err := tagging.GetResources(ctx, &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []taggingtypes.TagFilter{{Key: aws.String("Probe"), Values: []string{"created-through-s3"}}}})
	if err != nil || len(out.ResourceTagMappingList) != 1 || aws.ToString(out.ResourceTagMappingList[0].ResourceARN) != "arn:aws:s3:::"+name {
		t.Fatalf("GetResources Probe=created-through-s3 after tagging through S3: %v %+v", err, out)
	}

	if _, err := s3c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("shop-prod-assets-" + dirty.ID)}); err != nil {
		t.Fatal(err)
	}
	if got := buckets(); slices.Contains(got, seed) || !slices.Contains(got, "arn:aws:s3:::"+name) {
		t.Fatalf("after deleting the scenario's bucket through S3: %v", got)
	}
}
