package s3

import (
	"net/http/httptest"
	"testing"
)

func TestOperation(t *testing.T) {
	for _, tc := range []struct{ method, host, target, op, bucket, key string }{
		{"GET", "127.0.0.1:9000", "/", "ListBuckets", "", ""},
		{"PUT", "127.0.0.1:9000", "/logs", "CreateBucket", "logs", ""},
		{"PUT", "logs.localhost:9000", "/", "CreateBucket", "logs", ""},
		{"PUT", "logs.s3.eu-west-1.amazonaws.com", "/?versioning", "PutBucketVersioning", "logs", ""},
		{"DELETE", "127.0.0.1:9000", "/logs?lifecycle", "DeleteBucketLifecycle", "logs", ""},
		{"GET", "127.0.0.1:9000", "/logs?list-type=2&prefix=AWSLogs%2F", "ListObjectsV2", "logs", ""},
		{"PUT", "127.0.0.1:9000", "/logs/AWSLogs/a%20b.gz?x-id=PutObject", "PutObject", "logs", "AWSLogs/a b.gz"},
		{"DELETE", "logs.localhost:9000", "/k?x-id=DeleteObject", "DeleteObject", "logs", "k"},
		// Subresources the sandbox does not serve never read as another operation.
		{"DELETE", "127.0.0.1:9000", "/logs?cors", "DELETE ?cors", "logs", ""},
		{"PUT", "127.0.0.1:9000", "/logs?acl", "PUT ?acl", "logs", ""},
		{"PUT", "127.0.0.1:9000", "/logs/k?versionId=3", "PUT ?versionId", "logs", "k"},
		{"HEAD", "127.0.0.1:9000", "/logs/k?versionId=3", "HEAD ?versionId", "logs", "k"},
		// One version's deletion is IAM's s3:DeleteObjectVersion.
		{"DELETE", "127.0.0.1:9000", "/logs/k?versionId=3", "DeleteObjectVersion", "logs", "k"},
		{"GET", "127.0.0.1:9000", "/logs?versions&prefix=AWSLogs%2F", "ListObjectVersions", "logs", ""},
		// Their reads on a bucket are served (as never set); an object's ACL is not.
		{"GET", "127.0.0.1:9000", "/logs?acl", "GetBucketAcl", "logs", ""},
		{"GET", "logs.localhost:9000", "/?object-lock", "GetObjectLockConfiguration", "logs", ""},
		{"GET", "127.0.0.1:9000", "/logs/k?acl", "GET ?acl", "logs", "k"},
	} {
		r := httptest.NewRequest(tc.method, "http://"+tc.host+tc.target, nil)
		op, bucket, key := Operation(r)
		if op != tc.op || bucket != tc.bucket || key != tc.key {
			t.Errorf("%s %s%s: %q %q %q, want %q %q %q", tc.method, tc.host, tc.target, op, bucket, key, tc.op, tc.bucket, tc.key)
		}
	}
}

// TestActions ties Actions to the operations: every one served has its IAM action.
func TestActions(t *testing.T) {
	for _, op := range Operations() {
		if a := Actions[op]; a == "" || a[:3] != "s3:" {
			t.Errorf("%s has no IAM action (%q)", op, a)
		}
	}
	if len(Actions) != len(Operations()) {
		t.Errorf("Actions names %d operations, the sandbox serves %d", len(Actions), len(Operations()))
	}
}
