package inventory

import "time"

// S3 is not served here: the sandbox's S3 (package s3) answers every S3
// call, and its buckets are the inventory's (BucketResource), so the
// tagging API and Resource Explorer see the buckets S3 has, no others.

// newBucket makes an S3 bucket in its own region. Attrs: created.
func newBucket(account, region, name string, tags map[string]string) Resource {
	return Resource{Account: account, Region: region, Service: "s3", Type: "bucket", ID: name, Name: name,
		ARN: "arn:aws:s3:::" + name, Tags: tags}
}

// BucketResource is an S3 bucket as the inventory lists it, made from S3's
// own state (the one source of truth for buckets).
func BucketResource(account, region, name string, created time.Time, tags map[string]string) Resource {
	r := newBucket(account, region, name, tags)
	r.Attrs = map[string]string{"created": created.UTC().Format(time.RFC3339)}
	return r
}
