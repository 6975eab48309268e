package s3

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Both listings take max-keys as S3 does: a page of that many keys, 1000
// when absent or more, and a clear InvalidArgument when it is not a whole
// number from 0 up.
func TestListingsTakeMaxKeys(t *testing.T) {
	s, b := logBucket(30)
	b.Policy = "" // the owner lists; no policy to weigh
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		b.put(fmt.Sprintf("AWSLogs/%d.json.gz", i), []byte("{}"), now)
	}
	owner := &core.Caller{Account: &core.Account{ID: b.Account}, Region: b.Region}
	for _, list := range []struct{ query, item string }{{"list-type=2", "<Contents>"}, {"versions", "<Version>"}} {
		for _, tc := range []struct {
			maxKeys string
			keys    int
			err     string
		}{
			{"", 3, ""}, {"&max-keys=2", 2, ""}, {"&max-keys=0", 0, ""}, {"&max-keys=5000", 3, ""},
			{"&max-keys=two", 0, "InvalidArgument"}, {"&max-keys=-1", 0, "InvalidArgument"},
		} {
			r := httptest.NewRequest("GET", "http://127.0.0.1:9000/logs?"+list.query+tc.maxKeys, nil)
			res := s.Serve(owner, r, nil, now)
			switch {
			case tc.err != "":
				if res.Err == nil || res.Err.Code != tc.err || !strings.Contains(res.Err.Message, "max-keys") {
					t.Errorf("%s%s: %+v, want %s naming max-keys", list.query, tc.maxKeys, res.Err, tc.err)
				}
			case res.Err != nil:
				t.Errorf("%s%s: %v", list.query, tc.maxKeys, res.Err)
			default:
				if got := strings.Count(string(res.Body), list.item); got != tc.keys {
					t.Errorf("%s%s: %d keys, want %d:\n%s", list.query, tc.maxKeys, got, tc.keys, res.Body)
				}
			}
		}
	}
}
