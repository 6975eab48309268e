package inventory_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/sandbox"
	simulated "github.com/orgwizard/orgwizard/sandbox/inventory"
)

// serveDirty serves the dirty-management scenario through wrap, and returns
// clients acting as its dirty account.
func serveDirty(t *testing.T, faults *sandbox.Faults, wrap func(next http.Handler) http.Handler) (inventory.Clients, *sandbox.Sandbox, string) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: "dirty-management",
		RatePerSecond: -1, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	srv := httptest.NewServer(wrap(sb.Handler()))
	t.Cleanup(srv.Close)
	me := sb.Accounts()[0]
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, "")}
	clients := inventory.NewClients(cfg)
	t.Cleanup(clients.Close)
	return clients, sb, me.ID
}

// operation is the EC2 Query action or the JSON target a request names.
func operation(r *http.Request, body []byte) string {
	if m := regexp.MustCompile(`Action=(\w+)`).FindSubmatch(body); m != nil {
		return string(m[1])
	}
	if _, op, ok := strings.Cut(r.Header.Get("X-Amz-Target"), "."); ok {
		return op
	}
	return r.URL.Path
}

func readBody(r *http.Request) []byte {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body
}

// The default regions, enabled in every account, are listed while EC2 is
// still answering which regions are enabled: a sweep of all regions costs
// one round trip, not two. Here DescribeRegions answers only once a default
// region's listing has arrived; a sweep that waited for it would stall.
func TestDefaultRegionsAreSweptWithoutWaitingForTheRegionList(t *testing.T) {
	res, stalled := sweepWithRegionListHeldUntil(t, func(r *http.Request, region, service string) bool { return region == "sa-east-1" })
	if stalled {
		t.Error("no listing of sa-east-1, a default region, arrived before EC2 listed the regions: the sweep waited for the list")
	}
	if !res.Complete() || len(res.Regions) != len(simulated.EnabledRegions()) {
		t.Errorf("regions %v, problems %v", res.Regions, res.Problems)
	}
}

// sweepWithRegionListHeldUntil sweeps the dirty account with EC2's
// DescribeRegions answered only once a request for which arrived holds has
// come in, or after 5 seconds; stalled says it was the 5 seconds.
func sweepWithRegionListHeldUntil(t *testing.T, arrived func(r *http.Request, region, service string) bool) (res *inventory.Result, stalled bool) {
	t.Helper()
	came := make(chan struct{})
	var once sync.Once
	var late atomic.Bool
	clients, _, account := serveDirty(t, nil, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body := readBody(r)
			_, region, service, _ := simulated.ParseScope(r.Header.Get("Authorization"))
			if service == "ec2" && operation(r, body) == "DescribeRegions" {
				select {
				case <-came:
				case <-time.After(5 * time.Second):
					late.Store(true)
				}
			} else if arrived(r, region, service) {
				once.Do(func() { close(came) })
			}
			next.ServeHTTP(w, r)
		})
	})
	res, err := inventory.New(clients, inventory.Options{}).Sweep(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	return res, late.Load()
}

// An endpoint that serves fewer regions than AWS (a local emulator, say)
// does not list every default region: what the early listings of such a
// region found is dropped, as if it had never been asked. eu-west-1 is
// where the scenario's shop runs.
func TestADefaultRegionTheAccountDoesNotListIsDropped(t *testing.T) {
	const gone = "eu-west-1"
	item := regexp.MustCompile(`(?s)<item>\s*<regionName>` + gone + `</regionName>.*?</item>`)
	clients, _, account := serveDirty(t, nil, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body := readBody(r)
			_, _, service, _ := simulated.ParseScope(r.Header.Get("Authorization"))
			if service != "ec2" || operation(r, body) != "DescribeRegions" {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			out := rec.Body.Bytes()
			if !item.Match(out) {
				t.Errorf("DescribeRegions does not list %s as expected: %s", gone, out)
			}
			out = item.ReplaceAll(out, nil)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			w.Write(out)
		})
	})
	res, err := inventory.New(clients, inventory.Options{}).Sweep(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(res.Regions, gone) || len(res.Regions) != len(simulated.EnabledRegions())-1 {
		t.Errorf("regions %v, want all but %s", res.Regions, gone)
	}
	if _, ok := res.Discovery[gone]; ok {
		t.Errorf("a discovery for %s: %q", gone, res.Discovery[gone])
	}
	for _, it := range res.Items {
		if it.Region == gone && it.Service != "s3" { // a bucket's region comes from S3, not from a listing of the region
			t.Errorf("an item of %s, which the account does not list: %+v", gone, it)
		}
	}
	for _, p := range res.Problems {
		t.Errorf("problem %+v", p)
	}
}

// Without the region list, the default regions are still swept (no account
// can disable them) and the problem says that only they were.
func TestWithoutTheRegionListTheDefaultRegionsAreSwept(t *testing.T) {
	clients, sb, account := serveDirty(t, nil, func(next http.Handler) http.Handler { return next })
	if err := sb.SetFaults(sandbox.Faults{Deny: []sandbox.Denial{{Account: account, Service: "ec2", Operation: "DescribeRegions"}}}); err != nil {
		t.Fatal(err)
	}
	res, err := inventory.New(clients, inventory.Options{}).Sweep(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	if want := inventory.DefaultRegions("aws"); !slices.Equal(res.Regions, want) {
		t.Errorf("regions %v, want the default ones %v", res.Regions, want)
	}
	if len(res.Problems) != 1 || res.Problems[0].Service != "ec2" || res.Problems[0].Kind != inventory.KindAccessDenied ||
		!strings.Contains(res.Problems[0].Message(), "only 17 default regions swept; opt-in regions unknown") {
		t.Errorf("problems %+v, want one saying the opt-in regions are unknown", res.Problems)
	}
	// Everything the scenario seeded is in default regions, so all of it
	// is found all the same.
	if len(res.Items) != len(seededKeys(account)) {
		t.Errorf("found %d items, seeded %d", len(res.Items), len(seededKeys(account)))
	}
}

func TestDefaultRegions(t *testing.T) {
	aws := inventory.DefaultRegions("aws")
	if len(aws) != 17 || !slices.IsSorted(aws) || !slices.Equal(aws, simulated.EnabledRegions()) {
		t.Errorf("aws default regions %v", aws)
	}
	for p, want := range map[string]string{"aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"} {
		if got := inventory.DefaultRegions(p); !slices.Contains(got, want) {
			t.Errorf("DefaultRegions(%s) = %v, want %s among them", p, got, want)
		}
		for _, r := range inventory.DefaultRegions(p) {
			if inventory.Partition(r) != p {
				t.Errorf("%s is not of partition %s", r, p)
			}
		}
	}
	if got := inventory.DefaultRegions("aws-iso"); len(got) != 0 {
		t.Errorf("an unknown partition has default regions %v", got)
	}
}
