package sandbox_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgwizard/orgwizard/aws/sandbox"
)

// TestInventoryRouting: calls signed for an inventory service reach package
// inventory with the caller's own resources, and a denial fault refuses one
// region in that service's own error shape.
func TestInventoryRouting(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "dirty-management"})
	dirty, clean := w.account("acme-legacy"), w.account("acme")
	ec2For := func(a sandbox.AccountInfo, region string) *ec2.Client {
		cfg := w.cfg(a.AccessKeyID, a.SecretAccessKey, "")
		cfg.Region = region
		return ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = aws.String(w.url) })
	}
	out, err := ec2For(dirty, "eu-west-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Reservations) == 0 {
		t.Fatal("the dirty account runs no instance in eu-west-1")
	}
	out, err = ec2For(clean, "eu-west-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil || len(out.Reservations) != 0 {
		t.Fatalf("the clean account sees %d reservations (%v)", len(out.Reservations), err)
	}
	s3c := s3.NewFromConfig(w.cfg(dirty.AccessKeyID, dirty.SecretAccessKey, ""), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(w.url)
		o.UsePathStyle = true
	})
	buckets, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(buckets.Buckets) == 0 {
		t.Fatalf("ListBuckets: %v, %d buckets", err, len(buckets.Buckets))
	}

	if err := w.sb.SetFaults(sandbox.Faults{Deny: []sandbox.Denial{{Account: dirty.ID, Service: "ec2", Region: "us-east-1"}}}); err != nil {
		t.Fatal(err)
	}
	_, err = ec2For(dirty, "us-east-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	wantCode(t, err, "UnauthorizedOperation")
	if _, err := ec2For(dirty, "eu-west-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("eu-west-1 refused though only us-east-1 is: %v", err)
	}
	var denied, served bool
	for _, c := range w.sb.Calls() {
		if c.Service == "ec2" && c.Operation == "DescribeInstances" {
			denied = denied || (c.Region == "us-east-1" && c.Outcome == "UnauthorizedOperation")
			served = served || c.Outcome == "ok"
		}
	}
	if !denied || !served {
		t.Fatalf("call record lacks the denied or the served DescribeInstances: %+v", w.sb.Calls())
	}
}
