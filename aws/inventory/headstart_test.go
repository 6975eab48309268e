package inventory_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/sandbox"
	simulated "github.com/orgwizard/orgwizard/sandbox/inventory"
)

// sendOrder is a client transport that notes when each call was handed to
// it, and when a head's request was written.
type sendOrder struct {
	next http.RoundTripper

	mu      sync.Mutex
	started []string             // service and operation, in the order handed over
	at      []time.Time          // when each was handed over
	written map[string]time.Time // when a head's request was written
}

// heads are the calls others wait for.
var heads = map[string]bool{"ec2 DescribeRegions": true, "resource-explorer-2 /ListIndexes": true, "iam ListUsers": true}

func (s *sendOrder) RoundTrip(req *http.Request) (*http.Response, error) {
	_, _, service, _ := simulated.ParseScope(req.Header.Get("Authorization"))
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	call := service + " " + operation(req, body)
	now := time.Now()
	s.mu.Lock()
	s.started = append(s.started, call)
	s.at = append(s.at, now)
	s.mu.Unlock()
	if heads[call] {
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.written[call] = time.Now()
		}}))
	}
	return s.next.RoundTrip(req)
}

// The calls others wait for (the region list, Resource Explorer's indexes,
// IAM's users) are written before any other listing of the sweep starts,
// once the connections are open.
func TestTheCallsOthersWaitForGoOutFirst(t *testing.T) {
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: "dirty-management", RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	me := sb.Accounts()[0]
	tr := awshttp.NewBuildableClient().GetTransport()
	tr.MaxIdleConnsPerHost = inventory.DefaultParallel
	order := &sendOrder{next: tr, written: map[string]time.Time{}}
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: &http.Client{Transport: order},
		Credentials: credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, "")}
	clients := inventory.NewClients(cfg)
	defer tr.CloseIdleConnections()
	sweep := func() {
		res, err := inventory.New(clients, inventory.Options{}).Sweep(context.Background(), me.ID)
		if err != nil || !res.Complete() {
			t.Fatalf("sweep: %v %v", err, res.Problems)
		}
	}
	sweep() // opens the connections: a head that has to dial does not hold the rest back
	order.started, order.at, order.written = nil, nil, map[string]time.Time{}
	sweep()
	var lastHead time.Time
	for call := range heads {
		w, ok := order.written[call]
		if !ok {
			t.Fatalf("%s was not written: calls %v", call, order.started)
		}
		if w.After(lastHead) {
			lastHead = w
		}
	}
	for i, call := range order.started {
		// A head's own next call (a user's keys, a region's search)
		// follows its answer, which may come before another head is out.
		if heads[call] || call == "iam ListAccessKeys" || call == "resource-explorer-2 /Search" {
			continue
		}
		if at := order.at[i]; at.Before(lastHead) {
			t.Errorf("call %d, %s, started %v before the last head was written", i, call, lastHead.Sub(at))
		}
	}
}

// The searches of the default regions' indexes do not wait for EC2's region
// list: here DescribeRegions answers only once a search has arrived.
func TestDefaultRegionsAreSearchedWithoutWaitingForTheRegionList(t *testing.T) {
	res, stalled := sweepWithRegionListHeldUntil(t, func(r *http.Request, region, service string) bool {
		return service == "resource-explorer-2" && r.URL.Path == "/Search"
	})
	if stalled {
		t.Error("no search arrived before EC2 listed the regions: the searches waited for the list")
	}
	if !res.Complete() {
		t.Errorf("problems %v", res.Problems)
	}
	for _, r := range []string{"us-east-1", "eu-west-1"} { // the scenario's indexes
		if res.Discovery[r] != inventory.DiscoveryResourceExplorer {
			t.Errorf("discovery in %s: %q, want %q", r, res.Discovery[r], inventory.DiscoveryResourceExplorer)
		}
	}
}
