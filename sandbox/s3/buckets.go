package s3

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// maxBuckets is S3's default general purpose buckets quota per account.
const maxBuckets = 10000

var (
	bucketNameChars = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	regionPattern   = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`)
)

// validBucketName applies S3's naming rules for general purpose buckets.
func validBucketName(name string) bool {
	if !bucketNameChars.MatchString(name) || strings.Contains(name, "..") || net.ParseIP(name) != nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, suffix := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, suffix) {
			return false
		}
	}
	return true
}

// regionFree are the operations S3 answers whatever region the request was
// signed for; any other is redirected to the bucket's region.
var regionFree = map[string]bool{"GetBucketLocation": true, "HeadBucket": true}

// ownerOnly are the operations the bucket owner's account may always run,
// whatever the policy says (so a policy cannot lock its owner out).
var ownerOnly = map[string]bool{"PutBucketPolicy": true, "GetBucketPolicy": true, "DeleteBucketPolicy": true}

// Actions is the IAM action each operation the sandbox serves needs, where
// its name differs from the operation's or not: the one table the bucket
// policy is evaluated with, and what a least-privilege policy must allow.
var Actions = map[string]string{
	"CreateBucket":                    "s3:CreateBucket",
	"DeleteBucket":                    "s3:DeleteBucket",
	"DeleteBucketEncryption":          "s3:PutEncryptionConfiguration",
	"DeleteBucketLifecycle":           "s3:PutLifecycleConfiguration",
	"DeleteBucketPolicy":              "s3:DeleteBucketPolicy",
	"DeleteBucketTagging":             "s3:PutBucketTagging",
	"DeleteObject":                    "s3:DeleteObject",
	"DeleteObjectVersion":             "s3:DeleteObjectVersion",
	"ListObjectVersions":              "s3:ListBucketVersions",
	"DeletePublicAccessBlock":         "s3:PutBucketPublicAccessBlock",
	"GetBucketEncryption":             "s3:GetEncryptionConfiguration",
	"GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
	"GetBucketLocation":               "s3:GetBucketLocation",
	"GetBucketPolicy":                 "s3:GetBucketPolicy",
	"GetBucketTagging":                "s3:GetBucketTagging",
	"GetBucketVersioning":             "s3:GetBucketVersioning",
	"GetPublicAccessBlock":            "s3:GetBucketPublicAccessBlock",
	"HeadBucket":                      "s3:ListBucket",
	"HeadObject":                      "s3:GetObject",
	"ListBuckets":                     "s3:ListAllMyBuckets",
	"ListObjectsV2":                   "s3:ListBucket",
	"PutBucketEncryption":             "s3:PutEncryptionConfiguration",
	"PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
	"PutBucketPolicy":                 "s3:PutBucketPolicy",
	"PutBucketTagging":                "s3:PutBucketTagging",
	"PutBucketVersioning":             "s3:PutBucketVersioning",
	"PutObject":                       "s3:PutObject",
	"PutPublicAccessBlock":            "s3:PutBucketPublicAccessBlock",
	// The reads of settings never set (unset.go).
	"GetBucketAcl":                     "s3:GetBucketAcl",
	"GetBucketCors":                    "s3:GetBucketCORS",
	"GetBucketWebsite":                 "s3:GetBucketWebsite",
	"GetBucketLogging":                 "s3:GetBucketLogging",
	"GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
	"GetBucketRequestPayment":          "s3:GetBucketRequestPayment",
	"GetBucketReplication":             "s3:GetReplicationConfiguration",
	"GetObjectLockConfiguration":       "s3:GetBucketObjectLockConfiguration",
}

// callerRequest describes the caller for the policy.
func (s *Service) callerRequest(c *core.Caller, action, resource string) request {
	req := request{Account: c.Account.ID, PrincipalArn: c.Principal(), Action: action, Resource: resource,
		Context: map[string]string{"aws:principalaccount": c.Account.ID, "aws:principalarn": c.Principal(),
			// The sandbox stands in for S3's HTTPS endpoints.
			"aws:securetransport": "true", "aws:principaltype": "Account"}}
	if c.Session != nil {
		req.RoleArn = "arn:aws:iam::" + c.Account.ID + ":role/" + c.Session.RoleName
		req.Context["aws:principaltype"] = "AssumedRole"
	}
	if o, ok := s.orgs.OrgOf(c.Account.ID); ok {
		req.Context["aws:principalorgid"] = o.ID
	}
	return req
}

// bucketFor finds the call's bucket and checks that the caller may run op on
// it: in the bucket's region, and as the bucket policy allows (another
// account needs an Allow; a Deny refuses anyone).
func (s *Service) bucketFor(k *call, op string) (*Bucket, *core.Error) {
	action := Actions[op]
	b := s.byName[k.bucket]
	if b == nil {
		return nil, noSuchBucket()
	}
	if !regionFree[op] && k.c.Region != b.Region {
		e := errf(http.StatusMovedPermanently, "PermanentRedirect",
			"The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.")
		e.Reason = b.Region
		return nil, e
	}
	if ownerOnly[op] && k.c.Account.ID == b.Account {
		return b, nil
	}
	resource := "arn:aws:s3:::" + b.Name
	if k.key != "" {
		resource += "/" + k.key
	}
	verdict := implicitDeny
	if b.Policy != "" {
		if p, err := parsePolicy(b.Policy, b.Name); err == nil {
			verdict = p.evaluate(s.callerRequest(k.c, action, resource))
		}
	}
	if verdict == denied || (verdict != allowed && k.c.Account.ID != b.Account) {
		return nil, accessDenied()
	}
	return b, nil
}

type bucketOut struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
	BucketArn    string `xml:"BucketArn,omitempty"`
}

type owner struct {
	ID string `xml:"ID"`
}

// canonicalUserID is the account's S3 owner id, stable per account.
func canonicalUserID(account string) string {
	a := md5.Sum([]byte(account + "/s3-canonical-user"))
	b := md5.Sum(a[:])
	return hex.EncodeToString(a[:]) + hex.EncodeToString(b[:])
}

func (s *Service) listBuckets(k *call) (any, *core.Error) {
	q := k.r.URL.Query()
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	var mine []*Bucket
	for _, b := range s.st.Buckets {
		if b.Account == k.c.Account.ID && strings.HasPrefix(b.Name, prefix) && (region == "" || b.Region == region) {
			mine = append(mine, b)
		}
	}
	slices.SortFunc(mine, func(a, b *Bucket) int { return strings.Compare(a.Name, b.Name) })
	n := maxBuckets
	if v := q.Get("max-buckets"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 || m > 10000 {
			return nil, errf(http.StatusBadRequest, "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000")
		}
		n = m
	}
	scope := "ListBuckets/" + prefix + "/" + region
	start := 0
	if t := q.Get("continuation-token"); t != "" {
		off, err := core.DecodePageToken(scope, t, len(mine))
		if err != nil {
			return nil, errf(http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect")
		}
		start = off
	}
	end := min(start+n, len(mine))
	out := struct {
		XMLName           xml.Name    `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
		Owner             owner       `xml:"Owner"`
		Buckets           []bucketOut `xml:"Buckets>Bucket"`
		ContinuationToken string      `xml:"ContinuationToken,omitempty"`
		Prefix            string      `xml:"Prefix,omitempty"`
	}{Owner: owner{canonicalUserID(k.c.Account.ID)}, Prefix: prefix}
	if end < len(mine) {
		out.ContinuationToken = core.EncodePageToken(scope, end)
	}
	for _, b := range mine[start:end] {
		out.Buckets = append(out.Buckets, bucketOut{b.Name, isoTime(b.Created), b.Region, "arn:aws:s3:::" + b.Name})
	}
	return out, nil
}

func (s *Service) createBucket(k *call) (any, *core.Error) {
	if !validBucketName(k.bucket) {
		return nil, errf(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.")
	}
	var conf struct {
		LocationConstraint string `xml:"LocationConstraint"`
	}
	if len(strings.TrimSpace(string(k.body))) > 0 {
		if err := xml.Unmarshal(k.body, &conf); err != nil {
			return nil, malformedXML()
		}
	}
	region, lc := k.c.Region, conf.LocationConstraint
	switch {
	case lc == "EU":
		lc = "eu-west-1"
	case lc == "us-east-1" || (lc != "" && !regionPattern.MatchString(lc)):
		// us-east-1 is the region of no constraint: naming it is refused.
		return nil, errf(http.StatusBadRequest, "InvalidLocationConstraint", "The specified location-constraint is not valid")
	}
	switch {
	case lc == "" && region != "us-east-1":
		return nil, errf(http.StatusBadRequest, "IllegalLocationConstraintException",
			"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case lc != "" && region != "us-east-1" && lc != region:
		return nil, errf(http.StatusBadRequest, "IllegalLocationConstraintException",
			"The "+lc+" location constraint is incompatible for the region specific endpoint this request was sent to.")
	case lc != "":
		region = lc
	}
	if b := s.byName[k.bucket]; b != nil {
		if b.Account != k.c.Account.ID {
			return nil, errf(http.StatusConflict, "BucketAlreadyExists",
				"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
		}
		if b.Region == "us-east-1" && region == "us-east-1" {
			// S3 in us-east-1 answers its owner's second CreateBucket with success.
			k.res.Header.Set("Location", "/"+b.Name)
			return nil, nil
		}
		return nil, errf(http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
	}
	count := 0
	for _, b := range s.st.Buckets {
		if b.Account == k.c.Account.ID {
			count++
		}
	}
	if count >= maxBuckets {
		return nil, errf(http.StatusBadRequest, "TooManyBuckets", "You have attempted to create more buckets than allowed")
	}
	b := &Bucket{Name: k.bucket, Account: k.c.Account.ID, Region: region, Created: k.now.UTC()}
	s.st.Buckets = append(s.st.Buckets, b)
	s.byName[b.Name] = b
	k.res.Changed = true
	k.res.Header.Set("Location", "/"+b.Name)
	return nil, nil
}

func (s *Service) headBucket(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "HeadBucket")
	if err != nil {
		return nil, err
	}
	k.res.Header.Set("X-Amz-Bucket-Region", b.Region)
	k.res.Header.Set("X-Amz-Access-Point-Alias", "false")
	return nil, nil
}

func (s *Service) deleteBucket(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "DeleteBucket")
	if err != nil {
		return nil, err
	}
	if !b.empty() {
		return nil, errf(http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	s.st.Buckets = slices.DeleteFunc(s.st.Buckets, func(x *Bucket) bool { return x == b })
	if b.Seed {
		s.st.DeletedSeeds = append(s.st.DeletedSeeds, b.Name)
	}
	delete(s.byName, b.Name)
	k.res.Changed, k.res.Status = true, http.StatusNoContent
	return nil, nil
}

func (s *Service) getBucketLocation(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "GetBucketLocation")
	if err != nil {
		return nil, err
	}
	region := b.Region
	if region == "us-east-1" {
		region = "" // S3 answers its oldest region with an empty constraint
	}
	return struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
		Region  string   `xml:",chardata"`
	}{Region: region}, nil
}

// versioning

type versioningConfiguration struct {
	XMLName   xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ VersioningConfiguration"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

func (s *Service) putVersioning(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "PutBucketVersioning")
	if err != nil {
		return nil, err
	}
	var v versioningConfiguration
	if xml.Unmarshal(k.body, &v) != nil || (v.Status != "Enabled" && v.Status != "Suspended") ||
		(v.MfaDelete != "" && v.MfaDelete != "Enabled" && v.MfaDelete != "Disabled") {
		return nil, malformedXML()
	}
	if v.MfaDelete == "Enabled" && k.r.Header.Get("X-Amz-Mfa") == "" {
		return nil, errf(http.StatusBadRequest, "InvalidRequest", "DevPay and Mfa are mutually exclusive authorization methods.")
	}
	b.Versioning = v.Status
	if v.MfaDelete != "" {
		b.MFADelete = v.MfaDelete
	}
	k.res.Changed = true
	return nil, nil
}

func (s *Service) getVersioning(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "GetBucketVersioning")
	if err != nil {
		return nil, err
	}
	out := versioningConfiguration{Status: b.Versioning}
	if b.Versioning != "" {
		out.MfaDelete = b.MFADelete
		if out.MfaDelete == "" {
			out.MfaDelete = "Disabled"
		}
	}
	return out, nil
}

// public access block

// PublicAccessBlock is a bucket's public access block configuration.
type PublicAccessBlock struct {
	XMLName               xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ PublicAccessBlockConfiguration" json:"-"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls" json:"blockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls" json:"ignorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy" json:"blockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets" json:"restrictPublicBuckets"`
}

func (s *Service) putPublicAccessBlock(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "PutPublicAccessBlock")
	if err != nil {
		return nil, err
	}
	var p PublicAccessBlock
	if xml.Unmarshal(k.body, &p) != nil || p.XMLName.Local != "PublicAccessBlockConfiguration" {
		return nil, malformedXML()
	}
	b.PublicAccessBlock = &p
	k.res.Changed = true
	return nil, nil
}

func (s *Service) getPublicAccessBlock(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "GetPublicAccessBlock")
	if err != nil {
		return nil, err
	}
	if b.PublicAccessBlock == nil {
		return nil, errf(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return b.PublicAccessBlock, nil
}

func (s *Service) deletePublicAccessBlock(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "DeletePublicAccessBlock")
	if err != nil {
		return nil, err
	}
	b.PublicAccessBlock = nil
	k.res.Changed, k.res.Status = true, http.StatusNoContent
	return nil, nil
}

// encryption

// EncryptionConfiguration is a bucket's default encryption.
type EncryptionConfiguration struct {
	XMLName xml.Name         `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ServerSideEncryptionConfiguration" json:"-"`
	Rules   []EncryptionRule `xml:"Rule" json:"rules"`
}

// EncryptionRule is one rule of the default encryption.
type EncryptionRule struct {
	Default struct {
		SSEAlgorithm   string `xml:"SSEAlgorithm" json:"sseAlgorithm"`
		KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty" json:"kmsMasterKeyId,omitempty"`
	} `xml:"ApplyServerSideEncryptionByDefault" json:"default"`
	BucketKeyEnabled *bool `xml:"BucketKeyEnabled,omitempty" json:"bucketKeyEnabled,omitempty"`
}

func (s *Service) putEncryption(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "PutBucketEncryption")
	if err != nil {
		return nil, err
	}
	var e EncryptionConfiguration
	if xml.Unmarshal(k.body, &e) != nil || len(e.Rules) != 1 {
		return nil, malformedXML()
	}
	d := e.Rules[0].Default
	switch d.SSEAlgorithm {
	case "AES256":
		if d.KMSMasterKeyID != "" {
			return nil, errf(http.StatusBadRequest, "InvalidArgument",
				"a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return nil, malformedXML()
	}
	b.Encryption = &e
	k.res.Changed = true
	return nil, nil
}

func (s *Service) getEncryption(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "GetBucketEncryption")
	if err != nil {
		return nil, err
	}
	if b.Encryption != nil {
		return b.Encryption, nil
	}
	// Every bucket has SSE-S3 by default since January 2023.
	var def EncryptionConfiguration
	r := EncryptionRule{}
	r.Default.SSEAlgorithm = "AES256"
	no := false
	r.BucketKeyEnabled = &no
	def.Rules = []EncryptionRule{r}
	return def, nil
}

func (s *Service) deleteEncryption(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "DeleteBucketEncryption")
	if err != nil {
		return nil, err
	}
	b.Encryption = nil
	k.res.Changed, k.res.Status = true, http.StatusNoContent
	return nil, nil
}

// tagging

type tagging struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Tagging"`
	Tags    []struct {
		Key   string `xml:"Key"`
		Value string `xml:"Value"`
	} `xml:"TagSet>Tag"`
}

func (s *Service) putTagging(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "PutBucketTagging")
	if err != nil {
		return nil, err
	}
	var t tagging
	if xml.Unmarshal(k.body, &t) != nil {
		return nil, malformedXML()
	}
	if len(t.Tags) > 50 {
		return nil, errf(http.StatusBadRequest, "InvalidTag", "Object tags cannot be greater than 50")
	}
	tags := map[string]string{}
	for _, tg := range t.Tags {
		if tg.Key == "" || len(tg.Key) > 128 || len(tg.Value) > 256 {
			return nil, errf(http.StatusBadRequest, "InvalidTag", "The TagKey you have provided is invalid")
		}
		if _, dup := tags[tg.Key]; dup {
			return nil, errf(http.StatusBadRequest, "InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		tags[tg.Key] = tg.Value
	}
	b.Tags = tags
	k.res.Changed, k.res.Status = true, http.StatusNoContent
	return nil, nil
}

func (s *Service) getTagging(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "GetBucketTagging")
	if err != nil {
		return nil, err
	}
	if len(b.Tags) == 0 {
		return nil, errf(http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist")
	}
	var t tagging
	keys := make([]string, 0, len(b.Tags))
	for key := range b.Tags {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		t.Tags = append(t.Tags, struct {
			Key   string `xml:"Key"`
			Value string `xml:"Value"`
		}{key, b.Tags[key]})
	}
	return t, nil
}

func (s *Service) deleteTagging(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "DeleteBucketTagging")
	if err != nil {
		return nil, err
	}
	b.Tags = nil
	k.res.Changed, k.res.Status = true, http.StatusNoContent
	return nil, nil
}

// policy

func (s *Service) putPolicy(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "PutBucketPolicy")
	if err != nil {
		return nil, err
	}
	p, perr := parsePolicy(string(k.body), b.Name)
	if perr != nil {
		return nil, perr
	}
	if b.PublicAccessBlock != nil && b.PublicAccessBlock.BlockPublicPolicy && p.public() {
		return nil, accessDenied()
	}
	b.Policy = string(k.body)
	k.res.Changed, k.res.Status = true, http.StatusNoContent
	return nil, nil
}

func (s *Service) getPolicy(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "GetBucketPolicy")
	if err != nil {
		return nil, err
	}
	if b.Policy == "" {
		return nil, errf(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	k.res.Header.Set("Content-Type", "application/json")
	return []byte(b.Policy), nil
}

func (s *Service) deletePolicy(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "DeleteBucketPolicy")
	if err != nil {
		return nil, err
	}
	b.Policy = ""
	k.res.Changed, k.res.Status = true, http.StatusNoContent
	return nil, nil
}
