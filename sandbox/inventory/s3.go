package inventory

import (
	"encoding/xml"
	"net"
	"net/http"
	"strings"
)

func init() {
	register(&service{
		name: "s3",
		protocol: restXMLProtocol{
			router: router{
				routes: []route{
					{method: http.MethodGet, pattern: "/", op: "ListBuckets"},
					{method: http.MethodGet, pattern: "/{Bucket}", subresource: "location", op: "GetBucketLocation"},
					{method: http.MethodGet, pattern: "/{Bucket}", subresource: "tagging", op: "GetBucketTagging"},
					{method: http.MethodHead, pattern: "/{Bucket}", op: "HeadBucket"},
				},
				unknownCode: "NotImplemented",
				path:        s3Path,
			},
			bareErrors: true,
		},
		resourceService: "s3",
		// The bucket listing is global: every region's endpoint lists every bucket of the account.
		global:       true,
		invalidParam: "InvalidArgument",
		ops: map[string]operation{
			"ListBuckets":       listBuckets,
			"GetBucketLocation": getBucketLocation,
			"GetBucketTagging":  getBucketTagging,
			"HeadBucket":        headBucket,
		},
	})
}

// newBucket makes an S3 bucket in its own region. Attrs: created.
func newBucket(account, region, name string, tags map[string]string) Resource {
	return Resource{Account: account, Region: region, Service: "s3", Type: "bucket", ID: name, Name: name,
		ARN: "arn:aws:s3:::" + name, Tags: tags}
}

// s3Path folds a virtual-hosted bucket (bucket.s3.region.amazonaws.com, bucket.localhost) into the path,
// so that both addressing styles route alike; the SDK uses the path style when UsePathStyle is set or the
// endpoint is an IP address.
func s3Path(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if net.ParseIP(host) != nil {
		return r.URL.Path
	}
	for _, sep := range []string{".s3.", ".s3-"} {
		if i := strings.Index(host, sep); i > 0 {
			return "/" + host[:i] + r.URL.Path
		}
	}
	if bucket, ok := strings.CutSuffix(host, ".localhost"); ok && bucket != "" {
		return "/" + bucket + r.URL.Path
	}
	return r.URL.Path
}

// canonicalUserID is the account's S3 owner id, stable per account.
func canonicalUserID(account string) string { return hexID(64, account, "s3-canonical-user") }

type s3Owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

type s3Bucket struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
	BucketArn    string `xml:"BucketArn,omitempty"`
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name   `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner             s3Owner    `xml:"Owner"`
	Buckets           []s3Bucket `xml:"Buckets>Bucket"`
	ContinuationToken string     `xml:"ContinuationToken,omitempty"`
	Prefix            string     `xml:"Prefix,omitempty"`
}

func listBuckets(req *request) (any, error) {
	prefix := req.query.Get("prefix")
	region := req.query.Get("bucket-region")
	var buckets []Resource
	for _, r := range ofType(req.resources, "bucket") {
		if strings.HasPrefix(r.ID, prefix) && (region == "" || r.Region == region) {
			buckets = append(buckets, r)
		}
	}
	page, next, err := queryPage(req, buckets, "max-buckets", "continuation-token", 10000, 1, 10000)
	if err != nil {
		return nil, err
	}
	out := listAllMyBucketsResult{Owner: s3Owner{ID: canonicalUserID(req.Account)}, ContinuationToken: next, Prefix: prefix}
	for _, r := range page {
		out.Buckets = append(out.Buckets, s3Bucket{Name: r.ID, CreationDate: isoTime(r.created()), BucketRegion: r.Region, BucketArn: r.ARN})
	}
	return out, nil
}

// bucket finds the bucket a path-style or virtual-hosted request names.
func (req *request) bucket() (Resource, error) {
	name := req.params["Bucket"]
	for _, r := range ofType(req.resources, "bucket") {
		if r.ID == name {
			return r, nil
		}
	}
	return Resource{}, notFound("NoSuchBucket", "The specified bucket does not exist")
}

type locationConstraint struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Region  string   `xml:",chardata"`
}

func getBucketLocation(req *request) (any, error) {
	b, err := req.bucket()
	if err != nil {
		return nil, err
	}
	// S3 answers us-east-1, its oldest region, with an empty constraint.
	region := b.Region
	if region == "us-east-1" {
		region = ""
	}
	return locationConstraint{Region: region}, nil
}

type s3Tagging struct {
	XMLName xml.Name   `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Tagging"`
	TagSet  []keyValue `xml:"TagSet>Tag"`
}

func getBucketTagging(req *request) (any, error) {
	b, err := req.bucket()
	if err != nil {
		return nil, err
	}
	if len(b.Tags) == 0 {
		return nil, notFound("NoSuchTagSet", "The TagSet does not exist")
	}
	return s3Tagging{TagSet: sortedTags(b.Tags)}, nil
}

// headBucket answers in headers only: the SDK's manager.GetBucketRegion and many tools find a bucket's
// region from X-Amz-Bucket-Region rather than from GetBucketLocation.
func headBucket(req *request) (any, error) {
	b, err := req.bucket()
	if err != nil {
		return nil, err
	}
	return headersOnly{"X-Amz-Bucket-Region": {b.Region}, "X-Amz-Access-Point-Alias": {"false"}}, nil
}
