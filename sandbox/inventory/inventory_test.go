package inventory

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// regions are the regions a listing is checked in: the scenario's two, and one where it runs nothing.
var regions = []string{"eu-west-1", "us-east-1", "ap-southeast-2"}

func TestParseScope(t *testing.T) {
	tests := []struct {
		header               string
		key, region, service string
		ok                   bool
	}{
		{"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
			"AKIAEXAMPLE", "eu-west-1", "ec2", true},
		{"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/resource-explorer-2/aws4_request,SignedHeaders=host,Signature=abc",
			"AKIAEXAMPLE", "us-east-1", "resource-explorer-2", true},
		{"AWS4-ECDSA-P256-SHA256 Credential=AKIAEXAMPLE/20260101/s3/aws4_request, SignedHeaders=host, Signature=abc", "", "", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/eu-west-1/ec2, Signature=abc", "", "", "", false},
		{"AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc", "", "", "", false},
		{"Bearer token", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tt := range tests {
		key, region, service, ok := ParseScope(tt.header)
		if key != tt.key || region != tt.region || service != tt.service || ok != tt.ok {
			t.Errorf("ParseScope(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tt.header, key, region, service, ok, tt.key, tt.region, tt.service, tt.ok)
		}
	}
}

func TestServicesNamesEverySigningName(t *testing.T) {
	want := []string{"cloudfront", "dynamodb", "ec2", "ecs", "eks", "iam", "lambda", "rds", "resource-explorer-2", "route53", "tagging"}
	if got := Services(); !slices.Equal(got, want) {
		t.Errorf("Services() = %v, want %v", got, want)
	}
}

func TestDirtyResourcesAreWellFormed(t *testing.T) {
	resources := DirtyResources(testAccount)
	seen := map[string]bool{}
	regionsUsed := map[string]bool{}
	types := map[string]bool{}
	for _, r := range resources {
		if r.Account != testAccount || r.ID == "" || r.ARN == "" || r.Region == "" {
			t.Errorf("incomplete resource %+v", r)
		}
		if seen[r.ARN] {
			t.Errorf("duplicate ARN %s", r.ARN)
		}
		seen[r.ARN] = true
		switch r.Service {
		case "iam", "cloudfront", "route53":
			if r.Region != "us-east-1" {
				t.Errorf("global %s %s is in %s, want us-east-1", r.Service, r.ID, r.Region)
			}
		default:
			regionsUsed[r.Region] = true
		}
		types[r.Service+":"+r.Type] = true
	}
	for _, want := range []string{"ec2:instance", "ec2:volume", "ec2:vpc", "s3:bucket", "rds:db-instance", "dynamodb:table",
		"lambda:function", "iam:user", "route53:hosted-zone"} {
		if !types[want] {
			t.Errorf("the dirty set has no %s", want)
		}
	}
	if !regionsUsed["eu-west-1"] || !regionsUsed["us-east-1"] {
		t.Errorf("the dirty set's workloads are in %v, want eu-west-1 and us-east-1", regionsUsed)
	}
	if other := DirtyResources("222222222222"); other[0].ID == resources[0].ID {
		t.Errorf("two accounts share the id %s", other[0].ID)
	}
}

// TestEveryDirtyResourceIsListedInItsRegion lists every resource type through its own service's API in
// each region and expects exactly the scenario's resources of that region (global services: all of them).
func TestEveryDirtyResourceIsListedInItsRegion(t *testing.T) {
	resources := DirtyResources(testAccount)
	sb := newSandbox(t, resources)
	ctx := context.Background()
	for _, l := range listers {
		for _, region := range regions {
			if l.global && region != "us-east-1" {
				continue
			}
			got, err := l.list(ctx, sb.url, region, 0)
			if err != nil {
				t.Errorf("%s in %s: %v", l.name, region, err)
				continue
			}
			assertSame(t, fmt.Sprintf("%s in %s", l.name, region), got, l.want(resources, region))
		}
	}
}

// TestEveryTaggedResourceIsFoundByTheTaggingAPI checks GetResources region by region, whole and narrowed
// by resource type.
func TestEveryTaggedResourceIsFoundByTheTaggingAPI(t *testing.T) {
	resources := DirtyResources(testAccount)
	sb := newSandbox(t, resources)
	ctx := context.Background()
	for _, region := range regions {
		var want []string
		for _, r := range resources {
			if r.Region == region && len(r.Tags) > 0 {
				want = append(want, r.ARN)
			}
		}
		got, err := taggedARNs(ctx, sb.url, region, 0)
		if err != nil {
			t.Fatalf("GetResources in %s: %v", region, err)
		}
		assertSame(t, "GetResources in "+region, got, want)
	}
	filters := []struct {
		filter       string
		service, typ string
	}{
		{"ec2:instance", "ec2", "instance"},
		{"ec2:volume", "ec2", "volume"},
		{"s3", "s3", "bucket"},
		{"rds:db", "rds", "db-instance"},
		{"dynamodb:table", "dynamodb", "table"},
		{"lambda:function", "lambda", "function"},
		{"iam:user", "iam", "user"},
		{"route53:hostedzone", "route53", "hosted-zone"},
	}
	for _, f := range filters {
		for _, region := range regions {
			var want []string
			for _, r := range resources {
				if r.Service == f.service && r.Type == f.typ && r.Region == region && len(r.Tags) > 0 {
					want = append(want, r.ARN)
				}
			}
			got, err := taggedARNs(ctx, sb.url, region, 0, f.filter)
			if err != nil {
				t.Fatalf("GetResources %s in %s: %v", f.filter, region, err)
			}
			assertSame(t, fmt.Sprintf("GetResources %s in %s", f.filter, region), got, want)
		}
	}
}

// generated is a set larger than every service's smallest page: n resources of each type in eu-west-1,
// all tagged, and one of each in us-east-1 that a eu-west-1 listing must not show.
func generated(n int) []Resource {
	var out []Resource
	add := func(region string, i int) {
		name := fmt.Sprintf("gen-%s-%03d", region, i)
		tags := map[string]string{"Generated": "true"}
		for _, r := range []Resource{
			newInstance(testAccount, region, name, map[string]string{"state": "running"}),
			newVolume(testAccount, region, name, map[string]string{"size": "8"}),
			newVPC(testAccount, region, name, "10.0.0.0/16"),
			newBucket(testAccount, region, name, nil),
			newDBInstance(testAccount, region, name, map[string]string{"engine": "postgres", "clusterId": name}),
			newDBCluster(testAccount, region, name, map[string]string{"engine": "aurora-postgresql"}),
			newFunction(testAccount, region, name, nil),
			newTable(testAccount, region, name, nil),
			newECSCluster(testAccount, region, name, nil),
			newEKSCluster(testAccount, region, name, nil),
		} {
			r.Tags = tags
			out = append(out, r)
		}
	}
	for i := range n {
		add("eu-west-1", i)
		out = append(out, newDistribution(testAccount, fmt.Sprintf("gen-%03d", i), nil),
			newHostedZone(testAccount, fmt.Sprintf("gen-%03d.example.com", i), nil),
			newUser(testAccount, fmt.Sprintf("gen-%03d", i), nil))
	}
	add("us-east-1", 0)
	return out
}

// TestListingsPageThroughLargeSets follows every listing page by page with a small page size (RDS's
// smallest is 20, EC2's 5) and expects every resource exactly once.
func TestListingsPageThroughLargeSets(t *testing.T) {
	resources := generated(23)
	sb := newSandbox(t, resources)
	ctx := context.Background()
	for _, l := range listers {
		page := int32(5)
		if l.service == "rds" {
			page = 20
		}
		region := "eu-west-1"
		if l.global {
			region = "us-east-1"
		}
		got, err := l.list(ctx, sb.url, region, page)
		if err != nil {
			t.Errorf("%s: %v", l.name, err)
			continue
		}
		want := l.want(resources, region)
		if len(got) != len(want) {
			t.Errorf("%s listed %d resources, want %d (a page lost or repeated)", l.name, len(got), len(want))
		}
		assertSame(t, l.name, got, want)
	}
	var want []string
	for _, r := range resources {
		if r.Region == "eu-west-1" {
			want = append(want, r.ARN)
		}
	}
	got, err := taggedARNs(ctx, sb.url, "eu-west-1", 7)
	if err != nil {
		t.Fatalf("GetResources: %v", err)
	}
	if len(got) != len(want) {
		t.Errorf("GetResources listed %d resources, want %d", len(got), len(want))
	}
	assertSame(t, "GetResources", got, want)
}
