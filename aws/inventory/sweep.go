package inventory

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resourceexplorer2"
	rextypes "github.com/aws/aws-sdk-go-v2/service/resourceexplorer2/types"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// DefaultParallel bounds the calls in flight. A full sweep is ten listings
// per region, 170 for 17 regions; each (region, service) pair is its own AWS
// endpoint with its own rate limit, so even with all of them in flight no
// endpoint sees more than three calls at a time, and the whole sweep takes
// little longer than one region's. The bound is there for the file
// descriptors of a machine with many more regions enabled.
const DefaultParallel = 192

// Progress reports one finished (region, service) listing.
type Progress struct {
	Done, Total int
	Region      string
	Service     string
	Found       int
	Err         error // nil, or the problem this listing became
}

// Options tune a sweep.
type Options struct {
	// Parallel bounds the calls in flight (DefaultParallel when 0); IAM's
	// listing counts as one while it asks for up to keyLookups users' keys
	// at once.
	Parallel int
	// Regions, when set, replaces the enabled regions EC2 DescribeRegions
	// answers (tests and benchmarks; --region independence holds otherwise).
	Regions []string
	// HomeRegion is where the account-wide calls go: DescribeRegions,
	// ListIndexes and the global services. "us-east-1" when empty.
	HomeRegion string
	// Progress, when set, is called after each listing, never concurrently.
	Progress func(Progress)
}

// Inventory reads one account through its clients.
type Inventory struct {
	c   Clients
	opt Options
}

// New returns an Inventory over the clients.
func New(c Clients, opt Options) *Inventory {
	if opt.Parallel <= 0 {
		opt.Parallel = DefaultParallel
	}
	if opt.HomeRegion == "" {
		opt.HomeRegion = "us-east-1"
	}
	return &Inventory{c: c, opt: opt}
}

// task is one listing: a service in a region.
type task struct {
	region, service string
	run             func(ctx context.Context) ([]Item, error)
}

// Sweep lists everything it can find in the account. It fails only when ctx
// ends; every AWS refusal becomes a Problem beside the items that did come back.
//
// Nothing waits for more than it needs: the global services start at once,
// and so do the listings of the regions every account of the partition has
// (AWS's default regions, which cannot be disabled), while EC2 says which
// others are enabled; the opt-in regions start as soon as it has. Each
// region's Resource Explorer search waits for the indexes. So a sweep of
// every region takes about as long as one region's: one round trip for the
// listings, two where a listing needs another's answer (IAM users and their
// keys, indexes and their searches).
func (inv *Inventory) Sweep(ctx context.Context, account string) (*Result, error) {
	res := &Result{Account: account, Discovery: map[string]string{}}
	home := inv.opt.HomeRegion
	var (
		mu    sync.Mutex // guards res, results, done and total
		done  int
		total int
		// results are the listings' answers, kept by task: a region swept
		// before EC2 confirmed it is dropped at the end if EC2 does not
		// list it.
		results []result
	)
	addProblem := func(region, service string, err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Problems = append(res.Problems, Problem{Region: region, Service: service, Err: err, Kind: classify(err)})
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(inv.opt.Parallel)
	schedule := func(tasks []task) {
		mu.Lock()
		total += len(tasks)
		mu.Unlock()
		for _, t := range tasks {
			g.Go(func() error {
				growStack()
				found, err := t.run(gctx)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				mu.Lock()
				defer mu.Unlock()
				results = append(results, result{task: t, items: found, err: err})
				done++
				if inv.opt.Progress != nil {
					inv.opt.Progress(Progress{Done: done, Total: total, Region: t.region, Service: t.service, Found: len(found), Err: err})
				}
				return nil
			})
		}
	}
	// scheduleInOrder schedules the tasks one after another, each once the
	// one before is on the wire (see headStart): scheduled at once, all but
	// the last would start behind whatever the client has queued by then.
	scheduleInOrder := func(tasks []task) {
		for _, t := range tasks {
			h := &headStart{}
			out := h.add()
			run := t.run
			t.run = func(ctx context.Context) ([]Item, error) {
				defer out()
				return run(onTheWire(ctx, out))
			}
			schedule([]task{t})
			h.wait()
		}
	}
	regionTasks := func(regions []string) []task {
		// The tagging API is read in every region at once, without waiting
		// for Resource Explorer's answer: it is the fallback wherever a
		// search cannot be made, and it gives the tags a search leaves out.
		var tasks []task
		for _, r := range regions {
			tasks = append(tasks, inv.regionalTasks(account, r)...)
			tasks = append(tasks, task{region: r, service: "tagging", run: func(ctx context.Context) ([]Item, error) { return inv.tagged(ctx, account, r) }})
		}
		return tasks
	}

	// The region list and Resource Explorer's indexes are account-wide
	// questions asked at once, outside the bound: two calls, on which only
	// the opt-in regions and the searches wait. Every g.Go happens in this
	// function or in the three goroutines below, which end before g.Wait.
	var (
		pre     sync.WaitGroup
		indexed map[string]string // region: LOCAL or AGGREGATOR
		indexes = make(chan struct{})
		// listed is closed once res.Regions is EC2's answer (or the
		// regions asked for).
		listed = make(chan struct{})
		// early are the regions swept before EC2 answered.
		early []string
	)
	if len(inv.opt.Regions) == 0 {
		early = DefaultRegions(Partition(home))
	}
	discovered := func(r, how string) {
		mu.Lock()
		defer mu.Unlock()
		res.Discovery[r] = how
	}
	heads := &headStart{}
	indexesOut, regionsOut, usersOut := heads.add(), heads.add(), heads.add()
	pre.Add(3)
	go func() {
		defer pre.Done()
		defer close(indexes)
		defer indexesOut()
		var err error
		if indexed, err = inv.indexedRegions(onTheWire(gctx, indexesOut)); err != nil {
			addProblem(home, "resource-explorer-2", err)
		}
	}()
	go func() {
		defer pre.Done()
		defer close(listed)
		regions := slices.Clone(inv.opt.Regions)
		if len(regions) == 0 {
			var err error
			regions, err = inv.enabledRegions(onTheWire(gctx, regionsOut))
			regionsOut()
			if err != nil {
				// Without the region list, the default regions (enabled
				// in every account) and the home region still tell
				// something; the problem says the rest is unknown.
				regions = append(slices.Clone(early), home)
				slices.Sort(regions)
				regions = slices.Compact(regions)
				addProblem(home, "ec2", fmt.Errorf("listing the enabled regions (only %s swept; opt-in regions unknown): %w", sweptRegions(regions), err))
			}
		}
		regionsOut()
		slices.Sort(regions)
		mu.Lock()
		res.Regions = regions
		mu.Unlock()
		var late []string
		for _, r := range regions {
			if !slices.Contains(early, r) {
				late = append(late, r)
			}
		}
		schedule(regionTasks(late))
	}()
	// The searches wait for the indexes, and for the region list only in
	// the regions it alone can name: the regions asked for, or the
	// default ones, are known from the start, as for their listings.
	go func() {
		defer pre.Done()
		<-indexes
		// An aggregator index holds every indexed region's resources, and
		// AWS's quick setup gives only its region a default view: search
		// there. Without one, each region's own index answers.
		aggregator := ""
		for r, typ := range indexed {
			if typ == string(rextypes.IndexTypeAggregator) {
				aggregator = r
			}
		}
		searched := map[string]bool{}
		searchIn := func(regions []string) {
			var tasks []task
			for _, r := range regions {
				if indexed[r] == "" || searched[r] {
					continue
				}
				searched[r] = true
				discovered(r, DiscoveryResourceExplorer)
				tasks = append(tasks, inv.searchTask(account, r, aggregator, discovered))
			}
			scheduleInOrder(tasks)
		}
		if len(inv.opt.Regions) > 0 {
			searchIn(inv.opt.Regions)
		} else {
			searchIn(early)
		}
		<-listed
		mu.Lock()
		regions := slices.Clone(res.Regions)
		mu.Unlock()
		searchIn(regions)
		for _, r := range regions {
			if indexed[r] == "" {
				discovered(r, DiscoveryTaggedOnly)
			}
		}
	}()
	globals := inv.globalTasks(account)
	var rest []task
	for _, t := range globals {
		if t.service != "iam" {
			rest = append(rest, t)
			continue
		}
		run := t.run
		t.run = func(ctx context.Context) ([]Item, error) {
			defer usersOut()
			return run(onTheWire(ctx, usersOut))
		}
		schedule([]task{t})
	}
	heads.wait()
	schedule(append(rest, regionTasks(early)...))
	pre.Wait()
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A default region that EC2 does not list (an endpoint that serves
	// fewer regions than AWS) was not asked for: its answers go.
	var items []Item
	for _, r := range results {
		if r.task.region != GlobalRegion && !slices.Contains(res.Regions, r.task.region) {
			continue
		}
		items = append(items, r.items...)
		if r.err != nil {
			res.Problems = append(res.Problems, Problem{Region: r.task.region, Service: r.task.service, Err: r.err, Kind: classify(r.err)})
		}
	}
	for r := range res.Discovery {
		if !slices.Contains(res.Regions, r) {
			delete(res.Discovery, r)
		}
	}
	res.Items = merge(items)
	slices.SortFunc(res.Problems, func(a, b Problem) int {
		return strings.Compare(a.Region+"\x00"+a.Service, b.Region+"\x00"+b.Service)
	})
	return res, nil
}

// headStart holds the bulk of a sweep back until the calls that others
// wait for are on their way: the region list (the opt-in regions wait for
// it), Resource Explorer's indexes (the searches wait for them) and IAM's
// users (their keys wait for them). Each of these chains takes two round
// trips, the rest of the sweep one; started together, the chains' first
// calls are answered among some 170 others, and on a small machine their
// second calls go out only once the client has worked through the answers
// ahead of them. A few hundred microseconds' head start puts their answers
// first, and costs the rest nothing: they have a round trip to spare.
type headStart struct {
	wg sync.WaitGroup
}

// maxHeadStart bounds the wait for a head that does not say it is on the
// wire: an HTTP client other than net/http's says nothing until the call
// returns. Longer than a busy machine takes to write a request, shorter
// than a round trip across the world.
const maxHeadStart = 100 * time.Millisecond

// add counts one more head and returns the function that says it is on its
// way; it may be called any number of times.
func (h *headStart) add() func() {
	h.wg.Add(1)
	return sync.OnceFunc(h.wg.Done)
}

// wait returns once every head is on its way, or after maxHeadStart.
func (h *headStart) wait() {
	out := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(out)
	}()
	t := time.NewTimer(maxHeadStart)
	defer t.Stop()
	select {
	case <-out:
	case <-t.C:
	}
}

// onTheWire calls out once a call made with the returned context has
// written its request, or has to set up a connection first (DNS, dial,
// TLS): the head start is about the order of requests on connections that
// are ready, and a connection takes longer to set up than the rest of the
// sweep would gain by waiting for it.
func onTheWire(ctx context.Context, out func()) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		DNSStart:     func(httptrace.DNSStartInfo) { out() },
		ConnectStart: func(string, string) { out() },
		WroteRequest: func(httptrace.WroteRequestInfo) { out() },
	})
}

// searchTask searches region through Resource Explorer, from the
// aggregator's region when there is one; discovered records how the
// region's resources were found.
func (inv *Inventory) searchTask(account, r, aggregator string, discovered func(region, how string)) task {
	from := r
	if aggregator != "" {
		from = aggregator
	}
	return task{region: r, service: "resource-explorer-2", run: func(ctx context.Context) ([]Item, error) {
		items, complete, err := inv.search(ctx, account, from, r)
		if isUnauthorized(err) || (err != nil && from != r) {
			// An index but no view to search with, or an aggregator in a
			// region that refuses (an SCP's region lock): the region is
			// read with the tagging API only, as if Resource Explorer
			// were off.
			discovered(r, DiscoveryTaggedOnly)
			return nil, nil
		}
		if err == nil && !complete {
			// A search stops at 1,000 resources; beyond them only the
			// tagged ones are known.
			discovered(r, DiscoveryResourceExplorerPartial)
		}
		return items, err
	}}
}

// result is what one task answered.
type result struct {
	task  task
	items []Item
	err   error
}

// sweptRegions names the regions of a problem's message: all of them when
// they are few, else how many.
func sweptRegions(regions []string) string {
	if len(regions) <= 3 {
		return strings.Join(regions, ", ")
	}
	return strconv.Itoa(len(regions)) + " default regions"
}

// merge keeps one item per resource: the sweep's (it carries more detail),
// else Resource Explorer's (it sees untagged resources too), else the
// tagging API's; the kept one gets the tags another source saw when it has
// none (most list calls and searches return no tags). The rest is sorted.
func merge(items []Item) []Item {
	rank := map[string]int{SourceSweep: 0, SourceResourceExplorer: 1, SourceTagging: 2}
	best := map[string]int{} // Key: index into items of the kept item
	tags := map[string]map[string]string{}
	for i, it := range items {
		k := it.Key()
		if len(it.Tags) > 0 && tags[k] == nil {
			tags[k] = it.Tags
		}
		if j, ok := best[k]; !ok || rank[it.Source] < rank[items[j].Source] {
			best[k] = i
		}
	}
	out := make([]Item, 0, len(best))
	for k, i := range best {
		it := items[i]
		if len(it.Tags) == 0 {
			it.Tags = tags[k]
		}
		out = append(out, it)
	}
	sortItems(out)
	return out
}

// enabledRegions asks EC2 for the regions the account can use. Without
// AllRegions, DescribeRegions lists only the enabled ones; the opt-in status
// is checked all the same.
func (inv *Inventory) enabledRegions(ctx context.Context) ([]string, error) {
	out, err := inv.c.EC2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{}, func(o *ec2.Options) { o.Region = inv.opt.HomeRegion })
	if err != nil {
		return nil, fmt.Errorf("ec2 DescribeRegions: %w", err)
	}
	// Credentials belong to one partition: a region of another (cn-*,
	// us-gov-*), which some endpoints list, would only answer "unknown
	// credentials" after the retries.
	part := Partition(inv.opt.HomeRegion)
	var regions []string
	for _, r := range out.Regions {
		if s := aws.ToString(r.OptInStatus); s == "not-opted-in" {
			continue
		}
		if name := aws.ToString(r.RegionName); Partition(name) == part {
			regions = append(regions, name)
		}
	}
	return regions, nil
}

// Partition is the partition a region belongs to: "aws", "aws-cn",
// "aws-us-gov" ...
func Partition(region string) string { return orgmodel.Partition(region) }

// indexedRegions lists the regions where Resource Explorer has an index,
// with the index's type (LOCAL or AGGREGATOR).
func (inv *Inventory) indexedRegions(ctx context.Context) (map[string]string, error) {
	set := map[string]string{}
	p := resourceexplorer2.NewListIndexesPaginator(inv.c.ResourceExplorer, &resourceexplorer2.ListIndexesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, func(o *resourceexplorer2.Options) { o.Region = inv.opt.HomeRegion })
		if err != nil {
			return set, fmt.Errorf("resource-explorer-2 ListIndexes: %w", err)
		}
		for _, ix := range page.Indexes {
			set[aws.ToString(ix.Region)] = string(ix.Type)
		}
	}
	return set, nil
}

// isUnauthorized is Resource Explorer's answer (401) to a search in a region
// that has no default view to search with, or one the caller may not use:
// AWS answers both alike, and either way the region is read with the
// tagging API. The same code elsewhere is a refusal (deniedHere).
func isUnauthorized(err error) bool {
	var u *rextypes.UnauthorizedException
	return errors.As(err, &u)
}

// search lists a region's resources through Resource Explorer, searching
// from the region from (the aggregator's, or the region's own). A search
// answers at most 1,000 resources; complete says whether that was all.
// Resource Explorer's own indexes and views are not workloads and are left
// out.
func (inv *Inventory) search(ctx context.Context, account, from, region string) (items []Item, complete bool, err error) {
	complete = true
	p := resourceexplorer2.NewSearchPaginator(inv.c.ResourceExplorer, &resourceexplorer2.SearchInput{QueryString: aws.String("region:" + region)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, func(o *resourceexplorer2.Options) { o.Region = from })
		if err != nil {
			return items, complete, fmt.Errorf("resource-explorer-2 Search for %s in %s: %w", region, from, err)
		}
		if page.Count != nil && !aws.ToBool(page.Count.Complete) {
			complete = false
		}
		for _, r := range page.Resources {
			it := fromARN(account, aws.ToString(r.Arn), SourceResourceExplorer)
			if it.Service == "resource-explorer-2" {
				continue
			}
			// "sqs:queue": the type an ARN without one ("...:sqs:region:account:name") does not say.
			if _, typ, ok := strings.Cut(aws.ToString(r.ResourceType), ":"); ok && typ != "" {
				it.Type = typ
			}
			if it.Region == GlobalRegion && aws.ToString(r.Region) != "" && aws.ToString(r.Region) != "global" {
				it.Region = aws.ToString(r.Region)
			}
			items = append(items, it)
		}
	}
	return items, complete, nil
}

// tagged lists a region's tagged resources through the tagging API.
func (inv *Inventory) tagged(ctx context.Context, account, region string) ([]Item, error) {
	var items []Item
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(inv.c.Tagging, &resourcegroupstaggingapi.GetResourcesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, func(o *resourcegroupstaggingapi.Options) { o.Region = region })
		if err != nil {
			return items, fmt.Errorf("tagging GetResources in %s: %w", region, err)
		}
		for _, m := range page.ResourceTagMappingList {
			it := fromARN(account, aws.ToString(m.ResourceARN), SourceTagging)
			if it.Service == "s3" {
				// A bucket's ARN names no region; the tagging API lists it
				// where it lives.
				it.Region = region
			}
			it.Tags = map[string]string{}
			for _, t := range m.Tags {
				it.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			if n := it.Tags["Name"]; n != "" {
				it.Name = n
			}
			items = append(items, it)
		}
	}
	return items, nil
}

func (inv *Inventory) regionalTasks(account, r string) []task {
	ec2Opt := func(o *ec2.Options) { o.Region = r }
	arn := func(service, resource string) string {
		return "arn:" + Partition(r) + ":" + service + ":" + r + ":" + account + ":" + resource
	}
	return []task{
		{r, "ec2", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := ec2.NewDescribeInstancesPaginator(inv.c.EC2, &ec2.DescribeInstancesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, ec2Opt)
				if err != nil {
					return items, fmt.Errorf("ec2 DescribeInstances in %s: %w", r, err)
				}
				for _, res := range page.Reservations {
					for _, in := range res.Instances {
						state := ""
						if in.State != nil {
							state = string(in.State.Name)
						}
						if state == "terminated" {
							continue
						}
						id := aws.ToString(in.InstanceId)
						tags := ec2Tags(in.Tags)
						items = append(items, Item{Account: account, Region: r, Service: "ec2", Type: "instance", ID: id,
							Name: nameOr(tags, id), ARN: arn("ec2", "instance/"+id), Tags: tags, Source: SourceSweep,
							Detail: strings.TrimSpace(state + " " + string(in.InstanceType))})
					}
				}
			}
			return items, nil
		}},
		{r, "ec2", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := ec2.NewDescribeVolumesPaginator(inv.c.EC2, &ec2.DescribeVolumesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, ec2Opt)
				if err != nil {
					return items, fmt.Errorf("ec2 DescribeVolumes in %s: %w", r, err)
				}
				for _, v := range page.Volumes {
					id := aws.ToString(v.VolumeId)
					tags := ec2Tags(v.Tags)
					detail := fmt.Sprintf("%d GiB %s", aws.ToInt32(v.Size), v.VolumeType)
					if len(v.Attachments) > 0 {
						detail += ", attached to " + aws.ToString(v.Attachments[0].InstanceId)
					}
					items = append(items, Item{Account: account, Region: r, Service: "ec2", Type: "volume", ID: id,
						Name: nameOr(tags, id), ARN: arn("ec2", "volume/"+id), Tags: tags, Source: SourceSweep, Detail: detail})
				}
			}
			return items, nil
		}},
		{r, "ec2", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := ec2.NewDescribeVpcsPaginator(inv.c.EC2, &ec2.DescribeVpcsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, ec2Opt)
				if err != nil {
					return items, fmt.Errorf("ec2 DescribeVpcs in %s: %w", r, err)
				}
				for _, v := range page.Vpcs {
					// Every region has a default VPC that nobody built:
					// it is not a workload.
					if aws.ToBool(v.IsDefault) {
						continue
					}
					id := aws.ToString(v.VpcId)
					tags := ec2Tags(v.Tags)
					items = append(items, Item{Account: account, Region: r, Service: "ec2", Type: "vpc", ID: id,
						Name: nameOr(tags, id), ARN: arn("ec2", "vpc/"+id), Tags: tags, Source: SourceSweep, Detail: aws.ToString(v.CidrBlock)})
				}
			}
			return items, nil
		}},
		{r, "rds", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := rds.NewDescribeDBInstancesPaginator(inv.c.RDS, &rds.DescribeDBInstancesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *rds.Options) { o.Region = r })
				if err != nil {
					return items, fmt.Errorf("rds DescribeDBInstances in %s: %w", r, err)
				}
				for _, db := range page.DBInstances {
					id := aws.ToString(db.DBInstanceIdentifier)
					a := aws.ToString(db.DBInstanceArn)
					if a == "" {
						a = arn("rds", "db:"+id)
					}
					items = append(items, Item{Account: account, Region: r, Service: "rds", Type: "db-instance", ID: id, Name: id,
						ARN: a, Source: SourceSweep, Detail: strings.TrimSpace(aws.ToString(db.Engine) + " " + aws.ToString(db.DBInstanceClass))})
				}
			}
			return items, nil
		}},
		{r, "rds", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := rds.NewDescribeDBClustersPaginator(inv.c.RDS, &rds.DescribeDBClustersInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *rds.Options) { o.Region = r })
				if err != nil {
					return items, fmt.Errorf("rds DescribeDBClusters in %s: %w", r, err)
				}
				for _, c := range page.DBClusters {
					id := aws.ToString(c.DBClusterIdentifier)
					a := aws.ToString(c.DBClusterArn)
					if a == "" {
						a = arn("rds", "cluster:"+id)
					}
					items = append(items, Item{Account: account, Region: r, Service: "rds", Type: "db-cluster", ID: id, Name: id,
						ARN: a, Source: SourceSweep, Detail: aws.ToString(c.Engine)})
				}
			}
			return items, nil
		}},
		{r, "lambda", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := lambda.NewListFunctionsPaginator(inv.c.Lambda, &lambda.ListFunctionsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *lambda.Options) { o.Region = r })
				if err != nil {
					return items, fmt.Errorf("lambda ListFunctions in %s: %w", r, err)
				}
				for _, f := range page.Functions {
					name := aws.ToString(f.FunctionName)
					a := aws.ToString(f.FunctionArn)
					if a == "" {
						a = arn("lambda", "function:"+name)
					}
					items = append(items, Item{Account: account, Region: r, Service: "lambda", Type: "function", ID: name, Name: name,
						ARN: a, Source: SourceSweep, Detail: string(f.Runtime)})
				}
			}
			return items, nil
		}},
		{r, "dynamodb", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := dynamodb.NewListTablesPaginator(inv.c.DynamoDB, &dynamodb.ListTablesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *dynamodb.Options) { o.Region = r })
				if err != nil {
					return items, fmt.Errorf("dynamodb ListTables in %s: %w", r, err)
				}
				for _, name := range page.TableNames {
					items = append(items, Item{Account: account, Region: r, Service: "dynamodb", Type: "table", ID: name, Name: name,
						ARN: arn("dynamodb", "table/"+name), Source: SourceSweep})
				}
			}
			return items, nil
		}},
		{r, "ecs", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := ecs.NewListClustersPaginator(inv.c.ECS, &ecs.ListClustersInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *ecs.Options) { o.Region = r })
				if err != nil {
					return items, fmt.Errorf("ecs ListClusters in %s: %w", r, err)
				}
				for _, a := range page.ClusterArns {
					name := a[strings.LastIndexByte(a, '/')+1:]
					items = append(items, Item{Account: account, Region: r, Service: "ecs", Type: "cluster", ID: name, Name: name,
						ARN: a, Source: SourceSweep})
				}
			}
			return items, nil
		}},
		{r, "eks", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := eks.NewListClustersPaginator(inv.c.EKS, &eks.ListClustersInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *eks.Options) { o.Region = r })
				if err != nil {
					return items, fmt.Errorf("eks ListClusters in %s: %w", r, err)
				}
				for _, name := range page.Clusters {
					items = append(items, Item{Account: account, Region: r, Service: "eks", Type: "cluster", ID: name, Name: name,
						ARN: arn("eks", "cluster/"+name), Source: SourceSweep})
				}
			}
			return items, nil
		}},
	}
}

func (inv *Inventory) globalTasks(account string) []task {
	home := inv.opt.HomeRegion
	return []task{
		{GlobalRegion, "s3", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := s3.NewListBucketsPaginator(inv.c.S3, &s3.ListBucketsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *s3.Options) { o.Region = home })
				if err != nil {
					return items, fmt.Errorf("s3 ListBuckets: %w", err)
				}
				for _, b := range page.Buckets {
					name := aws.ToString(b.Name)
					region := aws.ToString(b.BucketRegion)
					if region == "" {
						// Older endpoints leave BucketRegion out; ask the bucket.
						loc, err := inv.c.S3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)}, func(o *s3.Options) { o.Region = home })
						if err != nil {
							return items, fmt.Errorf("s3 GetBucketLocation %s: %w", name, err)
						}
						// An empty LocationConstraint is us-east-1, by S3's old rule.
						region = string(loc.LocationConstraint)
						if region == "" {
							region = "us-east-1"
						}
					}
					items = append(items, Item{Account: account, Region: region, Service: "s3", Type: "bucket", ID: name, Name: name,
						ARN: "arn:" + Partition(home) + ":s3:::" + name, Source: SourceSweep})
				}
			}
			return items, nil
		}},
		{GlobalRegion, "cloudfront", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := cloudfront.NewListDistributionsPaginator(inv.c.CloudFront, &cloudfront.ListDistributionsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *cloudfront.Options) { o.Region = home })
				if err != nil {
					return items, fmt.Errorf("cloudfront ListDistributions: %w", err)
				}
				if page.DistributionList == nil {
					continue
				}
				for _, d := range page.DistributionList.Items {
					id := aws.ToString(d.Id)
					name := aws.ToString(d.DomainName)
					if d.Aliases != nil && len(d.Aliases.Items) > 0 {
						name = d.Aliases.Items[0]
					}
					items = append(items, Item{Account: account, Region: GlobalRegion, Service: "cloudfront", Type: "distribution", ID: id,
						Name: name, ARN: aws.ToString(d.ARN), Source: SourceSweep, Detail: aws.ToString(d.Comment)})
				}
			}
			return items, nil
		}},
		{GlobalRegion, "route53", func(ctx context.Context) ([]Item, error) {
			var items []Item
			p := route53.NewListHostedZonesPaginator(inv.c.Route53, &route53.ListHostedZonesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, func(o *route53.Options) { o.Region = home })
				if err != nil {
					return items, fmt.Errorf("route53 ListHostedZones: %w", err)
				}
				for _, z := range page.HostedZones {
					id := strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/")
					detail := strconv.FormatInt(aws.ToInt64(z.ResourceRecordSetCount), 10) + " records"
					if z.Config != nil && z.Config.PrivateZone {
						detail += ", private"
					}
					items = append(items, Item{Account: account, Region: GlobalRegion, Service: "route53", Type: "hostedzone", ID: id,
						Name: strings.TrimSuffix(aws.ToString(z.Name), "."), ARN: "arn:" + Partition(home) + ":route53:::hostedzone/" + id, Source: SourceSweep, Detail: detail})
				}
			}
			return items, nil
		}},
		{GlobalRegion, "iam", func(ctx context.Context) ([]Item, error) { return inv.usersWithKeys(ctx, account) }},
	}
}

// keyLookups bounds the ListAccessKeys calls in flight: IAM is one endpoint
// for the whole account, with one rate limit, however many users it has.
const keyLookups = 8

// usersWithKeys lists the IAM users that have access keys (a user without
// keys is not a long-lived credential). A user's keys are asked for as soon
// as a page of users names the user, keyLookups users at a time, rather than
// one user after another: an account with forty users would otherwise wait
// forty round trips in a row, the slowest listing of the sweep by far.
func (inv *Inventory) usersWithKeys(ctx context.Context, account string) ([]Item, error) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(min(keyLookups, inv.opt.Parallel))
	type user struct {
		u    iamtypes.User
		keys int
		read bool // keys is known
	}
	var pages [][]user // each lookup writes only its own user
	var listErr error
	p := iam.NewListUsersPaginator(inv.c.IAM, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(gctx, func(o *iam.Options) { o.Region = inv.opt.HomeRegion })
		if err != nil {
			listErr = fmt.Errorf("iam ListUsers: %w", err)
			break
		}
		found := make([]user, len(page.Users))
		for i, u := range page.Users {
			found[i].u = u
			g.Go(func() error {
				growStack()
				n, err := inv.accessKeys(gctx, aws.ToString(u.UserName))
				if err != nil {
					return err
				}
				found[i].keys, found[i].read = n, true
				return nil
			})
		}
		pages = append(pages, found)
	}
	// A failed lookup cancels the others and the listing: its error is
	// the one to report, not their "context canceled".
	err := g.Wait()
	if err == nil {
		err = listErr
	}
	var items []Item
	for _, found := range pages {
		for _, f := range found {
			if !f.read || f.keys == 0 {
				continue
			}
			items = append(items, Item{Account: account, Region: GlobalRegion, Service: "iam", Type: "user", ID: aws.ToString(f.u.UserId),
				Name: aws.ToString(f.u.UserName), ARN: aws.ToString(f.u.Arn), Source: SourceSweep, Detail: plural(f.keys, "access key")})
		}
	}
	return items, err
}

func (inv *Inventory) accessKeys(ctx context.Context, user string) (int, error) {
	n := 0
	p := iam.NewListAccessKeysPaginator(inv.c.IAM, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, func(o *iam.Options) { o.Region = inv.opt.HomeRegion })
		if err != nil {
			return 0, fmt.Errorf("iam ListAccessKeys %s: %w", user, err)
		}
		n += len(page.AccessKeyMetadata)
	}
	return n, nil
}

func ec2Tags(tags []ec2types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func nameOr(tags map[string]string, id string) string {
	if n := tags["Name"]; n != "" {
		return n
	}
	return id
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// defaultRegions are, per partition, the regions AWS enables in every
// account and that cannot be disabled: in the aws partition those launched
// before 20 March 2019 (AWS Account Management guide, "Enable or disable
// AWS Regions in your account"); every region of aws-cn and aws-us-gov.
var defaultRegions = map[string][]string{
	"aws": {
		"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
		"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
		"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
}

// DefaultRegions are the regions every account of the partition has
// enabled, sorted; none for a partition orgwizard does not know.
func DefaultRegions(partition string) []string { return slices.Clone(defaultRegions[partition]) }

// stackHint is about the stack an SDK call needs: its middleware is a chain
// of some sixty nested handlers.
const stackHint = 16 << 10

// growStack makes the calling goroutine's stack deep enough for an SDK call
// while it is still shallow. A goroutine starts with a small stack and
// doubles it each time a call runs out: three or four copies of an ever
// deeper stack within each listing, which was a quarter of the client's CPU
// in a sweep (BenchmarkSweepClient: 16.8 ms a sweep without, 12.9 with).
// Growing once, before the call, copies almost nothing.
//
//go:noinline
func growStack() {
	var buf [stackHint]byte
	keep(buf[:])
}

// keep takes buf's address, so that the compiler keeps the array (and the
// frame that holds it) on growStack's stack.
//
//go:noinline
func keep([]byte) {}
