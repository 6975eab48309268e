package inventory

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

const testAccount = "111111111111"

// sandbox is an httptest server that answers as the sandbox router does: it reads the signing name and
// region from the SigV4 scope and hands the call to Serve, and it records what Serve answered.
type sandbox struct {
	url     string
	mu      sync.Mutex
	results []Result
}

func newSandbox(t *testing.T, resources []Resource) *sandbox {
	t.Helper()
	sb := &sandbox{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, region, service, ok := ParseScope(r.Header.Get("Authorization"))
		if !ok {
			http.Error(w, "the request is not signed with SigV4", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res := Serve(w, Call{Service: service, Region: region, Account: testAccount, Request: r, Body: body}, resources)
		sb.mu.Lock()
		sb.results = append(sb.results, res)
		sb.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	sb.url = srv.URL
	return sb
}

// last is the most recent answer Serve gave.
func (sb *sandbox) last() Result {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if len(sb.results) == 0 {
		return Result{}
	}
	return sb.results[len(sb.results)-1]
}

// config is what every test client starts from: static credentials, one attempt (an error answer must
// surface at once, not after retries), and the region the client signs for.
func config(region string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIASANDBOX000000001", "sandbox-secret", ""),
		RetryMaxAttempts: 1,
	}
}

// pageSize32 turns a test's page size into the SDK's optional field; zero leaves the service's default.
func pageSize32(n int32) *int32 {
	if n == 0 {
		return nil
	}
	return &n
}

// ids lists the keys of the resources of one service and type, in one region ("" for all), sorted.
func ids(resources []Resource, service, typ, region string, key func(Resource) string) []string {
	var out []string
	for _, r := range resources {
		if r.Service == service && r.Type == typ && (region == "" || r.Region == region) {
			out = append(out, key(r))
		}
	}
	slices.Sort(out)
	return out
}

func byID(r Resource) string  { return r.ID }
func byARN(r Resource) string { return r.ARN }

// sorted returns a sorted copy, for comparing listings whose order the API does not promise.
func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func assertSame(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = sorted(got), sorted(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %d: %s\n want %d: %s", what, len(got), strings.Join(got, " "), len(want), strings.Join(want, " "))
	}
}

// lister lists one resource type through its service's API with the real SDK client, following every
// page; page is the page size to ask for, zero for the service's default.
type lister struct {
	name    string
	service string
	typ     string
	// global services are listed once from us-east-1; regional ones from each region.
	global bool
	key    func(Resource) string
	// extra is what the API lists beside the scenario's resources, such as the default VPC.
	extra func(region string) []string
	list  func(ctx context.Context, endpoint, region string, page int32) ([]string, error)
}

func (l lister) want(resources []Resource, region string) []string {
	if l.global {
		region = ""
	}
	out := ids(resources, l.service, l.typ, region, l.key)
	if l.extra != nil {
		out = append(out, l.extra(region)...)
	}
	return out
}
