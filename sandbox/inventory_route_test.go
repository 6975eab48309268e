package sandbox_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/orgwizard/orgwizard/sandbox"
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

// TestDynamoDBChecksumThroughTheRouter: through the sandbox's own router (as
// `sandbox serve` answers an audit), DynamoDB's answers and its refusals
// carry X-Amz-Crc32, so the SDK logs no checksum warning.
func TestDynamoDBChecksumThroughTheRouter(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "dirty-management"})
	dirty := w.account("acme-legacy")
	var logged strings.Builder
	var mu sync.Mutex
	cfg := w.cfg(dirty.AccessKeyID, dirty.SecretAccessKey, "")
	cfg.Region = "eu-west-1"
	cfg.Logger = logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&logged, "%s "+format+"\n", append([]any{c}, v...)...)
	})
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(w.url) })
	out, err := client.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) == 0 {
		t.Fatalf("ListTables: %v, %d tables", err, len(out.TableNames))
	}
	if err := w.sb.SetFaults(sandbox.Faults{Deny: []sandbox.Denial{{Service: "dynamodb"}}}); err != nil {
		t.Fatal(err)
	}
	_, err = client.ListTables(ctx, &dynamodb.ListTablesInput{})
	wantCode(t, err, "AccessDeniedException")
	mu.Lock()
	defer mu.Unlock()
	if logged.Len() > 0 {
		t.Errorf("the SDK logged:\n%s", logged.String())
	}
}
