package s3

import (
	"net/http"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Delivery is a service principal writing into a bucket on an account's
// behalf, as CloudTrail delivers a trail's log files: the policy is
// evaluated with the principal and the conditions AWS sets on such a
// request (aws:SourceArn, aws:SourceAccount, s3:x-amz-acl).
type Delivery struct {
	// Service is the service principal, such as cloudtrail.amazonaws.com.
	Service string
	// SourceAccount and SourceArn are the account and resource the service
	// acts for (the trail's owner and ARN); SourceOrgID the organization of
	// an organization trail, when there is one.
	SourceAccount string
	SourceArn     string
	SourceOrgID   string
	// ACL is the canned ACL the service sets on what it writes
	// (CloudTrail: bucket-owner-full-control).
	ACL string
}

func (d Delivery) request(action, resource string) request {
	ctx := map[string]string{"aws:securetransport": "true"}
	if d.SourceAccount != "" {
		ctx["aws:sourceaccount"] = d.SourceAccount
	}
	if d.SourceArn != "" {
		ctx["aws:sourcearn"] = d.SourceArn
	}
	if d.SourceOrgID != "" {
		ctx["aws:sourceorgid"] = d.SourceOrgID
	}
	if d.ACL != "" && action == "s3:PutObject" {
		ctx["s3:x-amz-acl"] = d.ACL
	}
	return request{Service: d.Service, Action: action, Resource: resource, Context: ctx}
}

// Allows checks that the bucket policy lets d run action (s3:GetBucketAcl,
// s3:PutObject) on the bucket, or on key in it when key is not empty: a
// service principal needs an explicit Allow and no Deny. It answers
// NoSuchBucket for a bucket that does not exist, AccessDenied when the
// policy does not allow it. CloudTrail's CreateTrail checks this before it
// accepts a bucket (InsufficientS3BucketPolicyException at AWS).
func (s *Service) Allows(d Delivery, bucket, action, key string) *core.Error {
	b := s.byName[bucket]
	if b == nil {
		return noSuchBucket()
	}
	if b.Policy == "" {
		return accessDenied()
	}
	p, err := parsePolicy(b.Policy, b.Name)
	if err != nil {
		return accessDenied()
	}
	resource := "arn:aws:s3:::" + b.Name
	if key != "" {
		resource += "/" + key
	}
	if p.evaluate(d.request(action, resource)) != allowed {
		return accessDenied()
	}
	return nil
}

// Deliver writes an object as d, when the bucket policy allows d
// s3:PutObject on key; it reports the error otherwise. It runs under the
// sandbox's lock; the caller saves the state after it.
func (s *Service) Deliver(d Delivery, bucket, key string, data []byte, now time.Time) *core.Error {
	if len(key) > maxKeyLength {
		return errf(http.StatusBadRequest, "KeyTooLongError", "Your key is too long")
	}
	if err := s.Allows(d, bucket, "s3:PutObject", key); err != nil {
		return err
	}
	b := s.byName[bucket]
	b.put(key, data, now)
	// The write is where the sandbox runs the bucket's lifecycle: a trail
	// that delivers for months keeps what the lifecycle keeps, not more.
	b.expire(now)
	return nil
}
