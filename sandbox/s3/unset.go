package s3

import (
	"encoding/xml"
	"net/http"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// The reads of the bucket settings the sandbox does not let anyone set (its
// Put and Delete calls are answered NotImplemented): a bucket's ACL, CORS,
// website, logging, transfer acceleration, requester pays, replication and
// Object Lock. Each is answered as S3 answers it for a bucket where it was
// never set, so that a tool that reads every setting of a bucket (the
// hashicorp/aws provider's aws_s3_bucket reads all of them) sees what it
// would see at AWS.

// unsetReads names the GET of each such subresource on a bucket.
var unsetReads = map[string]string{
	"acl":            "GetBucketAcl",
	"cors":           "GetBucketCors",
	"website":        "GetBucketWebsite",
	"logging":        "GetBucketLogging",
	"accelerate":     "GetBucketAccelerateConfiguration",
	"requestPayment": "GetBucketRequestPayment",
	"replication":    "GetBucketReplication",
	"object-lock":    "GetObjectLockConfiguration",
}

// grantee is a grant's grantee: a canonical user, named by xsi:type.
type grantee struct {
	XMLNSXSI string `xml:"xmlns:xsi,attr"`
	Type     string `xml:"xsi:type,attr"`
	ID       string `xml:"ID"`
}

type accessControlPolicy struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ AccessControlPolicy"`
	Owner   owner    `xml:"Owner"`
	Grants  []struct {
		Grantee    grantee `xml:"Grantee"`
		Permission string  `xml:"Permission"`
	} `xml:"AccessControlList>Grant"`
}

// getACL answers a new bucket's ACL: its owner (the account that created
// it) with FULL_CONTROL, the only grant S3 gives.
func (s *Service) getACL(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "GetBucketAcl")
	if err != nil {
		return nil, err
	}
	id := canonicalUserID(b.Account)
	out := accessControlPolicy{Owner: owner{id}}
	out.Grants = append(out.Grants, struct {
		Grantee    grantee `xml:"Grantee"`
		Permission string  `xml:"Permission"`
	}{grantee{"http://www.w3.org/2001/XMLSchema-instance", "CanonicalUser", id}, "FULL_CONTROL"})
	return out, nil
}

func (s *Service) getCors(k *call) (any, *core.Error) {
	if _, err := s.bucketFor(k, "GetBucketCors"); err != nil {
		return nil, err
	}
	return nil, errf(http.StatusNotFound, "NoSuchCORSConfiguration", "The CORS configuration does not exist")
}

func (s *Service) getWebsite(k *call) (any, *core.Error) {
	if _, err := s.bucketFor(k, "GetBucketWebsite"); err != nil {
		return nil, err
	}
	return nil, errf(http.StatusNotFound, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration")
}

// getLogging answers server access logging off: an empty status.
func (s *Service) getLogging(k *call) (any, *core.Error) {
	if _, err := s.bucketFor(k, "GetBucketLogging"); err != nil {
		return nil, err
	}
	return struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ BucketLoggingStatus"`
	}{}, nil
}

// getAccelerate answers transfer acceleration never set: no Status.
func (s *Service) getAccelerate(k *call) (any, *core.Error) {
	if _, err := s.bucketFor(k, "GetBucketAccelerateConfiguration"); err != nil {
		return nil, err
	}
	return struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ AccelerateConfiguration"`
	}{}, nil
}

// getRequestPayment answers that the bucket owner pays, S3's default.
func (s *Service) getRequestPayment(k *call) (any, *core.Error) {
	if _, err := s.bucketFor(k, "GetBucketRequestPayment"); err != nil {
		return nil, err
	}
	return struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ RequestPaymentConfiguration"`
		Payer   string   `xml:"Payer"`
	}{Payer: "BucketOwner"}, nil
}

func (s *Service) getReplication(k *call) (any, *core.Error) {
	if _, err := s.bucketFor(k, "GetBucketReplication"); err != nil {
		return nil, err
	}
	return nil, errf(http.StatusNotFound, "ReplicationConfigurationNotFoundError", "The replication configuration was not found")
}

func (s *Service) getObjectLock(k *call) (any, *core.Error) {
	if _, err := s.bucketFor(k, "GetObjectLockConfiguration"); err != nil {
		return nil, err
	}
	return nil, errf(http.StatusNotFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
}
