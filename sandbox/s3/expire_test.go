package s3

import (
	"fmt"
	"testing"
	"time"
)

// logBucket is a versioned bucket with the baseline's lifecycle (both
// stages of days) and a policy that lets CloudTrail deliver.
func logBucket(days int) (*Service, *Bucket) {
	b := &Bucket{Name: "logs", Account: "111111111111", Region: "us-east-1", Versioning: "Enabled",
		Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/AWSLogs/*"}]}`}
	b.Lifecycle = &LifecycleConfiguration{Rules: []LifecycleRule{{ID: "retention", Status: "Enabled", Filter: &rawXML{Inner: "<Prefix></Prefix>"},
		Expiration: &expiration{Days: days}, NoncurrentVersionExpiration: &noncurrent{NoncurrentDays: days}}}}
	st := &State{Buckets: []*Bucket{b}}
	return New(st, nil, nil), b
}

// TestLifecycleBoundsDeliveries: a trail delivering every five minutes for
// months keeps what the bucket's lifecycle keeps (about twice its days of
// logs, as the README says), not every file it ever wrote.
func TestLifecycleBoundsDeliveries(t *testing.T) {
	s, b := logBucket(1)
	d := Delivery{Service: "cloudtrail.amazonaws.com"}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const every = 5 * time.Minute
	n := 0
	for at := start; at.Before(start.Add(8 * day)); at = at.Add(every) {
		if err := s.Deliver(d, "logs", fmt.Sprintf("AWSLogs/o-1/%06d.json.gz", n), []byte("{}"), at); err != nil {
			t.Fatal(err)
		}
		n++
	}
	perDay := int(day / every)
	// Current: the last day's files; noncurrent (each with its marker): the day before's.
	if got := len(b.Objects); got > perDay+1 || got < perDay-1 {
		t.Errorf("current objects after 8 days: %d, want about a day's %d", got, perDay)
	}
	if got := len(b.Versions); got > 2*(perDay+1) {
		t.Errorf("versions and markers after 8 days of %d files: %d, want at most about %d", n, got, 2*perDay)
	}
}

// TestLifecycleStages: Expiration.Days hides a log under a delete marker
// (still there to restore), NoncurrentDays later it is gone for good, and
// its marker with it.
func TestLifecycleStages(t *testing.T) {
	_, b := logBucket(10)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.put("AWSLogs/a", []byte("a"), t0)
	if b.expire(t0.Add(9*day)) || len(b.Objects) != 1 {
		t.Fatalf("expired before its days: %+v", b.Objects)
	}
	if !b.expire(t0.Add(10*day)) || len(b.Objects) != 0 || len(b.Versions) != 2 || !b.Versions[1].DeleteMarker {
		t.Fatalf("after Expiration.Days: objects %+v versions %+v, want the log noncurrent under a marker", b.Objects, b.Versions)
	}
	b.expire(t0.Add(19 * day))
	if len(b.Versions) != 2 {
		t.Fatalf("noncurrent version gone before NoncurrentDays: %+v", b.Versions)
	}
	if !b.expire(t0.Add(20*day)) || len(b.Versions) != 0 {
		t.Fatalf("after NoncurrentDays: %+v, want the version and its marker gone", b.Versions)
	}
	// A rule with a tag filter is not applied: the sandbox does not match tags.
	b.Lifecycle.Rules[0].Filter = &rawXML{Inner: "<Tag><Key>k</Key><Value>v</Value></Tag>"}
	b.put("AWSLogs/b", []byte("b"), t0)
	if b.expire(t0.Add(100*day)) || len(b.Objects) != 1 {
		t.Fatalf("a tag-filtered rule expired %+v", b.Objects)
	}
}
