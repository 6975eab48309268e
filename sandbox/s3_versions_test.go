package sandbox_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestS3DeleteMarkers: in a versioned bucket DeleteObject hides the object
// under a delete marker and keeps it, as S3 does, so a log deleted by hand
// is still there for the bucket's owner (log-archive) to restore by
// deleting the marker; deleting a version is s3:DeleteObjectVersion, which
// the log bucket's policy denies to everyone else.
func TestS3DeleteMarkers(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt, logs := w.account("acme"), w.account("log-archive")
	ar, err := w.assumeMember(mgmt, logs.ID)
	if err != nil {
		t.Fatal(err)
	}
	cr := ar.Credentials
	c := w.s3(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken, "us-east-1", true)
	bucket, key := aws.String("acme-versioned-logs"), aws.String("AWSLogs/o-1/CloudTrail/log1.json.gz")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	// Unversioned, a deleted object is gone.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("plain"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("plain")})
	if err != nil || aws.ToBool(del.DeleteMarker) || del.VersionId != nil {
		t.Fatalf("DeleteObject unversioned: %v %+v", err, del)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader("log")})
	if err != nil || aws.ToString(put.VersionId) == "" {
		t.Fatalf("PutObject versioned: %v %+v", err, put)
	}
	del, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) == "" || *del.VersionId == *put.VersionId {
		t.Fatalf("DeleteObject versioned: %v %+v, want a new delete marker", err, del)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key}); err == nil {
		t.Fatal("HeadObject finds the object under its delete marker")
	}
	if out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket}); err != nil || len(out.Contents) != 0 {
		t.Fatalf("ListObjectsV2 after the delete: %v %+v", err, out)
	}
	vs, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket, Prefix: aws.String("AWSLogs/")})
	if err != nil || len(vs.Versions) != 1 || len(vs.DeleteMarkers) != 1 ||
		*vs.Versions[0].VersionId != *put.VersionId || aws.ToBool(vs.Versions[0].IsLatest) ||
		*vs.DeleteMarkers[0].VersionId != *del.VersionId || !aws.ToBool(vs.DeleteMarkers[0].IsLatest) {
		t.Fatalf("ListObjectVersions: %v %+v", err, vs)
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
	wantCode(t, err, "BucketNotEmpty")

	// The log bucket's policy: nobody but log-archive deletes a version.
	policy := func(allowed string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"NoVersionDeletes","Effect":"Deny","Principal":"*",
 "Action":["s3:DeleteObjectVersion","s3:DeleteBucket"],"Resource":["arn:aws:s3:::acme-versioned-logs","arn:aws:s3:::acme-versioned-logs/*"],
 "Condition":{"StringNotEquals":{"aws:PrincipalAccount":"` + allowed + `"}}}]}`
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(policy(mgmt.ID))}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key, VersionId: del.VersionId})
	wantCode(t, err, "AccessDenied")
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(policy(logs.ID))}); err != nil {
		t.Fatal(err)
	}
	// Removing the delete marker restores the log.
	rm, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key, VersionId: del.VersionId})
	if err != nil || !aws.ToBool(rm.DeleteMarker) || aws.ToString(rm.VersionId) != *del.VersionId {
		t.Fatalf("DeleteObject of the delete marker: %v %+v", err, rm)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key})
	if err != nil || aws.ToInt64(head.ContentLength) != 3 {
		t.Fatalf("HeadObject after the restore: %v %+v", err, head)
	}
	// A second put keeps the first as a noncurrent version.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader("log2")}); err != nil {
		t.Fatal(err)
	}
	vs, err = c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket, MaxKeys: aws.Int32(1)})
	if err != nil || len(vs.Versions) != 1 || !aws.ToBool(vs.IsTruncated) || !aws.ToBool(vs.Versions[0].IsLatest) || aws.ToInt64(vs.Versions[0].Size) != 4 {
		t.Fatalf("ListObjectVersions page 1: %v %+v", err, vs)
	}
	vs, err = c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket, KeyMarker: vs.NextKeyMarker, VersionIdMarker: vs.NextVersionIdMarker})
	if err != nil || len(vs.Versions) != 1 || *vs.Versions[0].VersionId != *put.VersionId || aws.ToBool(vs.IsTruncated) {
		t.Fatalf("ListObjectVersions page 2: %v %+v", err, vs)
	}
}
