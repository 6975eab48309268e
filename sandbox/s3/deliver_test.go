package s3

import (
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

type noOrgs struct{}

func (noOrgs) OrgOf(string) (core.Org, bool)  { return core.Org{}, false }
func (noOrgs) Members(string) []*core.Account { return nil }
func (noOrgs) OUPath(string) string           { return "" }

const cloudTrailPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::logs",
  "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}},
 {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/AWSLogs/*",
  "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}}]}`

func TestDeliver(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(&State{}, noOrgs{}, []SeedBucket{{Name: "logs", Account: "222222222222", Region: "us-east-1", Created: now}})
	trail := Delivery{Service: "cloudtrail.amazonaws.com", SourceAccount: "111111111111",
		SourceArn: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org", ACL: "bucket-owner-full-control"}

	// Without a policy a service may not write.
	if err := s.Allows(trail, "logs", "s3:GetBucketAcl", ""); err == nil || err.Code != "AccessDenied" {
		t.Fatalf("no policy: %v", err)
	}
	if err := s.Deliver(trail, "missing", "AWSLogs/x", nil, now); err == nil || err.Code != "NoSuchBucket" {
		t.Fatalf("missing bucket: %v", err)
	}
	s.byName["logs"].Policy = cloudTrailPolicy
	if err := s.Allows(trail, "logs", "s3:GetBucketAcl", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(trail, "logs", "AWSLogs/o-abc/111111111111/CloudTrail/us-east-1/log.json.gz", []byte("{}"), now); err != nil {
		t.Fatal(err)
	}
	other := trail
	other.SourceArn = "arn:aws:cloudtrail:us-east-1:333333333333:trail/other"
	if err := s.Deliver(other, "logs", "AWSLogs/x", nil, now); err == nil || err.Code != "AccessDenied" {
		t.Fatalf("another trail wrote: %v", err)
	}
	noACL := trail
	noACL.ACL = ""
	if err := s.Deliver(noACL, "logs", "AWSLogs/x", nil, now); err == nil {
		t.Fatal("a write without bucket-owner-full-control was allowed")
	}
	if err := s.Deliver(trail, "logs", "outside/x", nil, now); err == nil {
		t.Fatal("a write outside AWSLogs/ was allowed")
	}
	if err := s.Deliver(Delivery{Service: "config.amazonaws.com", SourceArn: trail.SourceArn, ACL: trail.ACL}, "logs", "AWSLogs/x", nil, now); err == nil {
		t.Fatal("another service wrote")
	}
	if keys := keysUnder(s.byName["logs"], "AWSLogs/"); len(keys) != 1 || !strings.HasSuffix(keys[0], "log.json.gz") {
		t.Fatalf("objects %v", keys)
	}
}

func TestPolicyValidation(t *testing.T) {
	for doc, want := range map[string]string{
		`[]`:               "Policies must be valid JSON and the first byte must be '{'",
		`{"Statement":`:    "Policies must be valid JSON and the first byte must be '{'",
		`{"Statement":[]}`: "Missing required field Statement",
		`{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs"}]}`:                        "Invalid effect: Maybe",
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::logs"}]}`:                                        "Missing required field Principal",
		`{"Statement":[{"Effect":"Allow","Principal":"me","Action":"s3:*","Resource":"arn:aws:s3:::logs"}]}`:                       "Invalid principal in policy",
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ec2:*","Resource":"arn:aws:s3:::logs"}]}`:                       "Policy has invalid action",
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other"}]}`:                       "Policy has invalid resource",
		`{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs"}]}`: "Invalid policy document version: 2020-01-01",
	} {
		_, err := parsePolicy(doc, "logs")
		if err == nil || err.Code != "MalformedPolicy" || err.Message != want {
			t.Errorf("%s: %v, want MalformedPolicy %q", doc, err, want)
		}
	}
	if _, err := parsePolicy(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:Get*","Resource":"arn:aws:s3:::logs/*"}]}`, "logs"); err != nil {
		t.Fatal(err)
	}
}

// TestSeeds: a scenario's bucket lives as long as its resource, and one
// deleted through S3 stays deleted.
func TestSeeds(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := &State{}
	seeds := []SeedBucket{{Name: "shop-assets", Account: "111111111111", Region: "eu-west-1", Created: now},
		{Name: "shop-backups", Account: "111111111111", Region: "eu-west-1", Created: now}}
	s := New(st, noOrgs{}, seeds)
	s.byName["shop-assets"].Versioning = "Enabled"
	if len(st.Buckets) != 2 {
		t.Fatalf("buckets %d", len(st.Buckets))
	}
	s = New(st, noOrgs{}, seeds)
	if s.byName["shop-assets"].Versioning != "Enabled" {
		t.Fatal("a seeded bucket's configuration was lost on load")
	}
	s = New(st, noOrgs{}, seeds[1:])
	if s.byName["shop-assets"] != nil || len(st.Buckets) != 1 {
		t.Fatal("a bucket whose resource is gone is still there")
	}
	st.Buckets, st.DeletedSeeds = nil, []string{"shop-backups"}
	if s = New(st, noOrgs{}, seeds); s.byName["shop-backups"] != nil || s.byName["shop-assets"] == nil {
		t.Fatal("a deleted seed came back, or a live one did not")
	}
}

// keysUnder lists the keys of b's current objects under prefix.
func keysUnder(b *Bucket, prefix string) []string {
	var keys []string
	for _, o := range b.Objects {
		if strings.HasPrefix(o.Key, prefix) {
			keys = append(keys, o.Key)
		}
	}
	return keys
}
