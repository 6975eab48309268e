package inventory_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/internal/testenv"
	"github.com/orgwizard/orgwizard/sandbox"
	simulated "github.com/orgwizard/orgwizard/sandbox/inventory"
)

func TestMain(m *testing.M) {
	if latency := os.Getenv(benchServeLatencyEnv); latency != "" {
		// BenchmarkSweepAllRegions's simulated AWS, in a process of its own.
		os.Exit(serveSweepBench(latency, os.Getenv(benchServeStateEnv)))
	}
	os.Exit(testenv.Main(m))
}

// dirtySandbox opens the dirty-management scenario with faults and returns
// a target acting as its dirty account.
func dirtySandbox(t *testing.T, faults *sandbox.Faults) (*sandbox.Sandbox, *target.Target) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: "dirty-management",
		RatePerSecond: -1, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tg.Close() })
	return sb, tg
}

// key is what the test compares: every resource the scenario seeded must be
// found with its region, service, type and id.
type key struct{ region, service, typ, id string }

func seededKeys(account string) map[key]bool {
	want := map[key]bool{}
	for _, r := range simulated.DirtyResources(account) {
		region, typ := r.Region, r.Type
		switch r.Service {
		case "iam", "cloudfront", "route53":
			region = inventory.GlobalRegion
		}
		if typ == "hosted-zone" {
			typ = "hostedzone"
		}
		want[key{region, r.Service, typ, r.ID}] = true
	}
	return want
}

func TestSweepFindsEverySeededResource(t *testing.T) {
	sb, tg := dirtySandbox(t, nil)
	var (
		mu       sync.Mutex
		progress []inventory.Progress
	)
	clients := inventory.NewClients(tg.Config)
	t.Cleanup(clients.Close)
	inv := inventory.New(clients, inventory.Options{Progress: func(p inventory.Progress) {
		mu.Lock()
		defer mu.Unlock()
		progress = append(progress, p)
	}})
	res, err := inv.Sweep(context.Background(), tg.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() {
		t.Fatalf("problems on a sandbox without faults: %+v", res.Problems)
	}
	if len(res.Regions) != len(simulated.EnabledRegions()) {
		t.Errorf("swept %d regions, the account has %d enabled: %v", len(res.Regions), len(simulated.EnabledRegions()), res.Regions)
	}
	got := map[key]bool{}
	for _, it := range res.Items {
		got[key{it.Region, it.Service, it.Type, it.ID}] = true
		// The queue is the one resource no listing of the sweep covers:
		// only Resource Explorer finds it (it has no tags). Everything
		// else the sweep found too, and the merge kept the sweep's.
		want := inventory.SourceSweep
		if it.Service == "sqs" {
			want = inventory.SourceResourceExplorer
		}
		if it.Source != want {
			t.Errorf("%s %s came from %s, want %s: the merge kept a duplicate, or a source missed it", it.Type, it.ID, it.Source, want)
		}
		if it.Service == "resource-explorer-2" {
			t.Errorf("Resource Explorer's own %s is not a workload: %+v", it.Type, it)
		}
	}
	for k := range seededKeys(tg.AccountID) {
		if !got[k] {
			t.Errorf("not found: %+v", k)
		}
	}
	if len(res.Items) != len(seededKeys(tg.AccountID)) {
		t.Errorf("found %d items, seeded %d", len(res.Items), len(seededKeys(tg.AccountID)))
	}
	// The scenario has an aggregator index in eu-west-1 and a local one in
	// us-east-1; every other region falls back to the tagging API.
	for _, r := range res.Regions {
		want := inventory.DiscoveryTaggedOnly
		if r == "eu-west-1" || r == "us-east-1" {
			want = inventory.DiscoveryResourceExplorer
		}
		if res.Discovery[r] != want {
			t.Errorf("region %s discovered by %q, want %q", r, res.Discovery[r], want)
		}
	}
	// Both indexed regions were searched from the aggregator's region,
	// where the default view is.
	searches := map[string]int{}
	for _, c := range sb.Calls() {
		if c.Service == "resource-explorer-2" && c.Operation == "Search" && c.Outcome == "ok" {
			searches[c.Region]++
		}
	}
	if searches["eu-west-1"] != 2 || len(searches) != 1 {
		t.Errorf("successful searches by region: %v, want 2 in eu-west-1", searches)
	}
	// Progress: one report per listing, counting up to the total.
	if len(progress) == 0 || progress[len(progress)-1].Done != progress[len(progress)-1].Total || progress[0].Done != 1 {
		t.Errorf("progress did not count up to its total: first %+v", progress[:min(1, len(progress))])
	}
	// The sweep must not touch the clean account.
	for _, c := range sb.Calls() {
		if c.Account != tg.AccountID {
			t.Errorf("a call from account %s: %+v", c.Account, c)
		}
	}
}

func TestAccessDeniedRegionDoesNotHideTheOthers(t *testing.T) {
	// The first account of the scenario is the dirty one; its id is only
	// known once the sandbox exists, so the denial is set afterwards.
	sb, tg := dirtySandbox(t, nil)
	if err := sb.SetFaults(sandbox.Faults{Deny: []sandbox.Denial{
		{Account: tg.AccountID, Region: "eu-west-1"},                    // a whole region refused (an SCP region lock, say)
		{Account: tg.AccountID, Service: "lambda", Region: "us-east-1"}, // one service refused in another
	}}); err != nil {
		t.Fatal(err)
	}
	clients := inventory.NewClients(tg.Config)
	t.Cleanup(clients.Close)
	res, err := inventory.New(clients, inventory.Options{}).Sweep(context.Background(), tg.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	denied := map[string]bool{}
	for _, p := range res.Problems {
		if p.Kind != inventory.KindAccessDenied {
			t.Errorf("problem %s/%s is %s, want access-denied: %v", p.Region, p.Service, p.Kind, p.Err)
		}
		denied[p.Region+"/"+p.Service] = true
	}
	for _, s := range []string{"eu-west-1/ec2", "eu-west-1/rds", "eu-west-1/dynamodb", "eu-west-1/lambda", "eu-west-1/ecs", "eu-west-1/eks", "eu-west-1/resource-explorer-2", "us-east-1/lambda"} {
		if !denied[s] {
			t.Errorf("no access-denied problem for %s; problems: %v", s, res.Problems)
		}
	}
	if denied["us-east-1/ec2"] {
		t.Error("us-east-1's EC2 was reported denied; only its Lambda is")
	}
	// us-east-1's index is searched through the aggregator in the denied
	// eu-west-1: the region falls back to the tagging API instead.
	if denied["us-east-1/resource-explorer-2"] || res.Discovery["us-east-1"] != inventory.DiscoveryTaggedOnly {
		t.Errorf("us-east-1 with its aggregator refused: discovery %q, problems %v", res.Discovery["us-east-1"], res.Problems)
	}
	var regions []string
	for _, it := range res.Items {
		if it.Region == "eu-west-1" && it.Service != "s3" {
			t.Errorf("an item from the denied region: %+v", it)
		}
		if it.Region == "us-east-1" && it.Service == "lambda" && it.Source == inventory.SourceSweep {
			t.Errorf("the sweep listed a function although Lambda refused: %+v", it)
		}
		regions = append(regions, it.Region)
	}
	// The rest still comes back: us-east-1's instance, database and table,
	// and the global services.
	for k := range seededKeys(tg.AccountID) {
		if k.region == "eu-west-1" && k.service != "s3" || k.region == "us-east-1" && k.service == "lambda" {
			continue
		}
		if !slices.ContainsFunc(res.Items, func(it inventory.Item) bool { return it.ID == k.id && it.Type == k.typ }) {
			t.Errorf("%+v is missing although its region and service answered", k)
		}
	}
	if !slices.Contains(regions, "us-east-1") || !slices.Contains(regions, inventory.GlobalRegion) {
		t.Errorf("regions with items: %v", regions)
	}
}

// A listing that keeps failing (moto has no Resource Explorer and answers
// HTTP 500) is tried MaxAttempts times, then reported as not read; the rest
// of the sweep is unaffected.
func TestFailingListingIsTriedAFewTimesThenReported(t *testing.T) {
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: "dirty-management", RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	handler := sb.Handler()
	var tries atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, service, _ := simulated.ParseScope(r.Header.Get("Authorization")); service == "resource-explorer-2" {
			tries.Add(1)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	me := sb.Accounts()[0]
	// The target's retryer is patient (12 attempts, 20 s backoff); the
	// inventory bounds it.
	patient := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 12; o.MaxBackoff = 20 * time.Second })
	}
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: patient,
		Credentials: credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, "")}
	clients := inventory.NewClients(cfg)
	t.Cleanup(clients.Close)
	start := time.Now()
	res, err := inventory.New(clients, inventory.Options{}).Sweep(context.Background(), me.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := tries.Load(); n != inventory.MaxAttempts {
		t.Errorf("ListIndexes was tried %d times, want %d", n, inventory.MaxAttempts)
	}
	if len(res.Problems) != 1 || res.Problems[0].Service != "resource-explorer-2" || res.Problems[0].Kind != inventory.KindError {
		t.Errorf("problems %+v, want one: resource-explorer-2 not read", res.Problems)
	}
	// All but the untagged queue, which only Resource Explorer sees.
	if len(res.Items) != len(seededKeys(me.ID))-1 {
		t.Errorf("found %d items, want %d: a failing Resource Explorer must not hide the rest", len(res.Items), len(seededKeys(me.ID))-1)
	}
	// Three tries with at most a second between them; the patient retryer
	// would have waited well over a minute.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the sweep took %v", d)
	}
}

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "aws", "eu-west-1": "aws", "il-central-1": "aws",
		"cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b"} {
		if got := inventory.Partition(region); got != want {
			t.Errorf("Partition(%s) = %s, want %s", region, got, want)
		}
	}
}

// Indexes but no view to search with (a view deleted, or never made): AWS
// refuses the search, and the inventory reads those regions with the tagging
// API as if Resource Explorer were off, saying so.
func TestIndexWithoutAViewFallsBackToTagging(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	sb, err := sandbox.Open(sandbox.Config{StatePath: state, Scenario: "dirty-management", RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	sb.Close()
	data, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	var kept []any
	for _, r := range st["resources"].([]any) {
		if r.(map[string]any)["type"] != "view" {
			kept = append(kept, r)
		}
	}
	if len(kept) == len(st["resources"].([]any)) {
		t.Fatal("the scenario has no Resource Explorer view to remove")
	}
	st["resources"] = kept
	data, _ = json.Marshal(st)
	if err := os.WriteFile(state, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sb, err = sandbox.Open(sandbox.Config{StatePath: state, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tg.Close() })
	clients := inventory.NewClients(tg.Config)
	t.Cleanup(clients.Close)
	res, err := inventory.New(clients, inventory.Options{}).Sweep(context.Background(), tg.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() {
		t.Errorf("a refused search became a problem: %v", res.Problems)
	}
	for _, r := range res.Regions {
		if res.Discovery[r] != inventory.DiscoveryTaggedOnly {
			t.Errorf("region %s discovered by %q, want tagged resources only", r, res.Discovery[r])
		}
	}
	for _, it := range res.Items {
		if it.Service == "sqs" {
			t.Errorf("the untagged queue was found without Resource Explorer: %+v", it)
		}
	}
	if len(res.Items) != len(seededKeys(tg.AccountID))-1 {
		t.Errorf("found %d items, want the %d the sweep covers", len(res.Items), len(seededKeys(tg.AccountID))-1)
	}
}
