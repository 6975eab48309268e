// Package s3 is the sandbox's Amazon S3 on REST-XML, path-style and
// virtual-hosted: buckets with their versioning, public access block,
// default encryption, lifecycle, policy and tags (and the reads of the
// settings it does not let anyone set, as never set), and objects enough for a
// service's log delivery to be seen (PutObject, ListObjectsV2,
// DeleteObject). Bucket names are one namespace across every account, as at
// AWS, and the bucket policy is evaluated where it matters: another
// account's calls need it to allow them, a Deny refuses anyone, and Deliver
// lets a service principal (CloudTrail) write only as the policy allows.
package s3

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Namespace is S3's XML namespace.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// State is S3's part of the sandbox state: every bucket of every account.
type State struct {
	Buckets []*Bucket `json:"buckets,omitempty"`
	// DeletedSeeds are the scenario's buckets deleted through S3, which
	// stay deleted though the scenario still lists them.
	DeletedSeeds []string `json:"deletedSeeds,omitempty"`
}

// Bucket is one bucket as the state file keeps it.
type Bucket struct {
	Name    string `json:"name"`
	Account string `json:"account"`
	// Seed marks a scenario's bucket: it lives as long as the scenario's
	// resource does (a test or a workshop that moves the resource out of
	// the state file moves the bucket with it).
	Seed    bool      `json:"seed,omitempty"`
	Region  string    `json:"region"`
	Created time.Time `json:"created"`
	// Versioning is "", Enabled or Suspended; MFADelete "", Enabled or Disabled.
	Versioning        string             `json:"versioning,omitempty"`
	MFADelete         string             `json:"mfaDelete,omitempty"`
	PublicAccessBlock *PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	// Encryption is the default encryption set by PutBucketEncryption; nil
	// is S3's own default since 2023, SSE-S3 (AES256).
	Encryption *EncryptionConfiguration `json:"encryption,omitempty"`
	Lifecycle  *LifecycleConfiguration  `json:"lifecycle,omitempty"`
	// Policy is the bucket policy as it was put.
	Policy  string            `json:"policy,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Objects []*Object         `json:"objects,omitempty"`
	// Versions are a versioned bucket's noncurrent versions and delete
	// markers (versions.go).
	Versions []*Object `json:"versions,omitempty"`
}

// Object is one object; the sandbox keeps its size and ETag, not its body.
type Object struct {
	Key      string    `json:"key"`
	Size     int       `json:"size"`
	ETag     string    `json:"etag"`
	Modified time.Time `json:"modified"`
	// VersionID is the version's id in a versioned bucket ("" for one
	// written before versioning, which S3 calls "null").
	VersionID string `json:"versionId,omitempty"`
	// DeleteMarker marks a delete marker: a version with no data that hides
	// the key's older versions from a plain read.
	DeleteMarker bool `json:"deleteMarker,omitempty"`
	// NoncurrentSince is when a newer version superseded this one (zero
	// while it is current): lifecycle's NoncurrentDays count from it.
	NoncurrentSince time.Time `json:"noncurrentSince,omitzero"`
}

// SeedBucket is a bucket a scenario starts with (package inventory's
// resources of dirty-management and existing-org).
type SeedBucket struct {
	Name, Account, Region string
	Created               time.Time
	Tags                  map[string]string
}

// Service is S3 over the state's buckets.
type Service struct {
	st     *State
	orgs   core.Organizations
	byName map[string]*Bucket
}

// New serves S3 over st, adding the seed buckets st does not hold yet (a
// scenario's buckets become S3's on first use).
func New(st *State, orgs core.Organizations, seeds []SeedBucket) *Service {
	s := &Service{st: st, orgs: orgs, byName: map[string]*Bucket{}}
	seeded := map[string]SeedBucket{}
	for _, sb := range seeds {
		seeded[sb.Name] = sb
	}
	// A scenario's bucket whose resource is gone is gone.
	st.Buckets = slices.DeleteFunc(st.Buckets, func(b *Bucket) bool {
		sb, ok := seeded[b.Name]
		return b.Seed && (!ok || sb.Account != b.Account)
	})
	for _, b := range st.Buckets {
		s.byName[b.Name] = b
	}
	for _, sb := range seeds {
		if s.byName[sb.Name] == nil && !slices.Contains(st.DeletedSeeds, sb.Name) {
			b := &Bucket{Name: sb.Name, Account: sb.Account, Seed: true, Region: sb.Region, Created: sb.Created, Tags: sb.Tags}
			st.Buckets = append(st.Buckets, b)
			s.byName[b.Name] = b
		}
	}
	return s
}

// Owned lists account's buckets, in the state's order: the sandbox's
// inventory (the tagging API, Resource Explorer) lists these, so a bucket
// made or deleted through S3 shows there as at AWS.
func (s *Service) Owned(account string) []*Bucket {
	var out []*Bucket
	for _, b := range s.st.Buckets {
		if b.Account == account {
			out = append(out, b)
		}
	}
	return out
}

// Result is one answered call: the operation (for the call record), the
// answer, and whether the state changed (to be saved before it goes out).
type Result struct {
	Operation string
	Status    int
	Header    http.Header
	Body      []byte
	Changed   bool
	Err       *core.Error
}

// Known says whether the sandbox serves op of S3.
func Known(op string) bool { return ops[op] != nil }

// Operations lists the S3 operations the sandbox serves.
func Operations() []string {
	list := make([]string, 0, len(ops))
	for op := range ops {
		list = append(list, op)
	}
	slices.Sort(list)
	return list
}

// subresources are the query keys that name a bucket operation.
var subresources = []string{"versioning", "publicAccessBlock", "encryption", "lifecycle", "policy", "tagging", "location"}

// unserved are S3's other subresources: a request naming one is answered
// NotImplemented, whatever its method, but the reads of unsetReads.
var unserved = map[string]bool{"acl": true, "cors": true, "website": true, "logging": true, "notification": true,
	"ownershipControls": true, "object-lock": true, "replication": true, "accelerate": true, "requestPayment": true,
	"intelligent-tiering": true, "inventory": true, "metrics": true, "analytics": true, "uploads": true, "uploadId": true,
	"delete": true, "policyStatus": true, "retention": true, "legal-hold": true, "torrent": true,
	"restore": true, "select": true, "attributes": true, "partNumber": true, "metadataTable": true}

// Operation names the S3 operation of a request (its method, path or host,
// and subresource), and the bucket and key it addresses.
func Operation(r *http.Request) (op, bucket, key string) {
	path := Path(r)
	rest := strings.TrimPrefix(path, "/")
	bucket, key, _ = strings.Cut(rest, "/")
	q := r.URL.Query()
	for name := range q {
		if read := unsetReads[name]; read != "" && r.Method == http.MethodGet && bucket != "" && key == "" {
			return read, bucket, ""
		}
		if unserved[name] {
			// A subresource the sandbox does not serve (DELETE ?cors must
			// never read as DeleteBucket).
			return r.Method + " ?" + name, bucket, key
		}
	}
	sub := ""
	for _, name := range subresources {
		if q.Has(name) {
			sub = name
			break
		}
	}
	m := r.Method
	switch {
	case bucket == "":
		if m == http.MethodGet {
			return "ListBuckets", "", ""
		}
	case key != "":
		switch m {
		case http.MethodDelete:
			if q.Has("versionId") {
				// DeleteObject of one version: S3's IAM action is s3:DeleteObjectVersion.
				return "DeleteObjectVersion", bucket, key
			}
		}
		if q.Has("versionId") {
			return r.Method + " ?versionId", bucket, key
		}
		switch m {
		case http.MethodPut:
			return "PutObject", bucket, key
		case http.MethodDelete:
			return "DeleteObject", bucket, key
		case http.MethodHead:
			return "HeadObject", bucket, key
		}
	case sub != "":
		names := map[string]string{"versioning": "BucketVersioning", "publicAccessBlock": "PublicAccessBlock",
			"encryption": "BucketEncryption", "lifecycle": "BucketLifecycleConfiguration", "policy": "BucketPolicy",
			"tagging": "BucketTagging", "location": "BucketLocation"}
		verb := map[string]string{http.MethodGet: "Get", http.MethodPut: "Put", http.MethodDelete: "Delete"}[m]
		if sub == "lifecycle" && m == http.MethodDelete {
			return "DeleteBucketLifecycle", bucket, ""
		}
		if verb != "" {
			return verb + names[sub], bucket, ""
		}
	default:
		switch m {
		case http.MethodPut:
			return "CreateBucket", bucket, ""
		case http.MethodHead:
			return "HeadBucket", bucket, ""
		case http.MethodDelete:
			return "DeleteBucket", bucket, ""
		case http.MethodGet:
			if q.Has("versions") {
				return "ListObjectVersions", bucket, ""
			}
			if q.Get("list-type") == "2" {
				return "ListObjectsV2", bucket, ""
			}
			return "ListObjects", bucket, ""
		}
	}
	return m + " " + path, bucket, key
}

// Path folds a virtual-hosted request (bucket.s3.region.amazonaws.com,
// bucket.localhost) into the path, so both addressing styles route alike:
// the SDK addresses a custom endpoint path-style when UsePathStyle is set
// or the endpoint's host is an IP address, and virtual-hosted otherwise.
func Path(r *http.Request) string {
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

// call is one request on its way through an operation.
type call struct {
	c      *core.Caller
	r      *http.Request
	body   []byte
	now    time.Time
	bucket string
	key    string
	res    *Result
}

type opFunc func(s *Service, k *call) (any, *core.Error)

var ops map[string]opFunc

func init() {
	ops = map[string]opFunc{
		"ListBuckets":                      (*Service).listBuckets,
		"CreateBucket":                     (*Service).createBucket,
		"HeadBucket":                       (*Service).headBucket,
		"DeleteBucket":                     (*Service).deleteBucket,
		"GetBucketLocation":                (*Service).getBucketLocation,
		"PutBucketVersioning":              (*Service).putVersioning,
		"GetBucketVersioning":              (*Service).getVersioning,
		"PutPublicAccessBlock":             (*Service).putPublicAccessBlock,
		"GetPublicAccessBlock":             (*Service).getPublicAccessBlock,
		"DeletePublicAccessBlock":          (*Service).deletePublicAccessBlock,
		"PutBucketEncryption":              (*Service).putEncryption,
		"GetBucketEncryption":              (*Service).getEncryption,
		"DeleteBucketEncryption":           (*Service).deleteEncryption,
		"PutBucketLifecycleConfiguration":  (*Service).putLifecycle,
		"GetBucketLifecycleConfiguration":  (*Service).getLifecycle,
		"DeleteBucketLifecycle":            (*Service).deleteLifecycle,
		"PutBucketPolicy":                  (*Service).putPolicy,
		"GetBucketPolicy":                  (*Service).getPolicy,
		"DeleteBucketPolicy":               (*Service).deletePolicy,
		"PutBucketTagging":                 (*Service).putTagging,
		"GetBucketTagging":                 (*Service).getTagging,
		"DeleteBucketTagging":              (*Service).deleteTagging,
		"ListObjectsV2":                    (*Service).listObjectsV2,
		"PutObject":                        (*Service).putObject,
		"DeleteObject":                     (*Service).deleteObject,
		"HeadObject":                       (*Service).headObject,
		"GetBucketAcl":                     (*Service).getACL,
		"GetBucketCors":                    (*Service).getCors,
		"GetBucketWebsite":                 (*Service).getWebsite,
		"GetBucketLogging":                 (*Service).getLogging,
		"GetBucketAccelerateConfiguration": (*Service).getAccelerate,
		"GetBucketRequestPayment":          (*Service).getRequestPayment,
		"GetBucketReplication":             (*Service).getReplication,
		"GetObjectLockConfiguration":       (*Service).getObjectLock,
		"ListObjectVersions":               (*Service).listObjectVersions,
		"DeleteObjectVersion":              (*Service).deleteObjectVersion,
	}
}

// Serve answers one S3 call under the sandbox's lock.
func (s *Service) Serve(c *core.Caller, r *http.Request, body []byte, now time.Time) Result {
	op, bucket, key := Operation(r)
	res := Result{Operation: op, Status: http.StatusOK, Header: http.Header{}}
	fn := ops[op]
	if fn == nil {
		res.Err = &core.Error{Status: http.StatusNotImplemented, Code: "NotImplemented",
			Message: "A header you provided implies functionality that is not implemented (the sandbox does not serve " + op + ")."}
		return res
	}
	k := &call{c: c, r: r, body: body, now: now, bucket: bucket, key: key, res: &res}
	out, err := fn(s, k)
	if err != nil {
		res.Err, res.Changed = err, false
		return res
	}
	switch v := out.(type) {
	case nil:
	case []byte:
		res.Body = v
	default:
		data, _ := xml.Marshal(v)
		res.Body = append([]byte(xml.Header), data...)
		res.Header.Set("Content-Type", "application/xml")
	}
	return res
}

// errorDoc is S3's bare <Error> document.
type errorDoc struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string   `xml:"Code"`
	Message    string   `xml:"Message"`
	BucketName string   `xml:"BucketName,omitempty"`
	Region     string   `xml:"Region,omitempty"`
	RequestID  string   `xml:"RequestId"`
	HostID     string   `xml:"HostId"`
}

// WriteError answers e in S3's error shape; a HEAD request's answer has no
// body, as S3's has none (the SDK then names it by its status: NotFound).
func WriteError(w http.ResponseWriter, r *http.Request, e *core.Error, bucket string) {
	id := core.NewRequestID()
	w.Header().Set("X-Amz-Request-Id", id)
	if e.Code == "PermanentRedirect" || e.Code == "AuthorizationHeaderMalformed" {
		w.Header().Set("X-Amz-Bucket-Region", e.Reason)
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	doc := errorDoc{Code: core.WireCode("s3", e.Code), Message: e.Message, RequestID: id, HostID: hostID(id)}
	switch e.Code {
	case "NoSuchBucket", "BucketAlreadyExists", "BucketAlreadyOwnedByYou", "BucketNotEmpty", "NoSuchBucketPolicy",
		"NoSuchLifecycleConfiguration", "NoSuchPublicAccessBlockConfiguration", "NoSuchTagSet", "PermanentRedirect",
		"NoSuchCORSConfiguration", "NoSuchWebsiteConfiguration", "ReplicationConfigurationNotFoundError", "ObjectLockConfigurationNotFoundError":
		doc.BucketName = bucket
	}
	if e.Code == "PermanentRedirect" || e.Code == "AuthorizationHeaderMalformed" {
		doc.Region = e.Reason
	}
	data, _ := xml.Marshal(doc)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.Status)
	w.Write(append([]byte(xml.Header), data...))
}

func hostID(requestID string) string {
	sum := md5.Sum([]byte(requestID))
	return hex.EncodeToString(sum[:])
}

func errf(status int, code, msg string) *core.Error {
	return &core.Error{Status: status, Code: code, Message: msg}
}

func noSuchBucket() *core.Error {
	return errf(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
}

func malformedXML() *core.Error {
	return errf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}

func accessDenied() *core.Error {
	return errf(http.StatusForbidden, "AccessDenied", "Access Denied")
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
