package apply

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// fakeBaseline is the baseline's services in memory. Like AWS, it refuses
// a step that comes before what it needs: a delegated administrator before
// trusted access, a trail before its bucket's policy lets CloudTrail write,
// logging before the trail, an administrator's settings before it is the
// administrator. It counts every change, so a re-run that sends one twice
// shows.
type fakeBaseline struct {
	orgID, mgmtID string

	mu        sync.Mutex
	trusted   map[string]bool
	admins    map[string]string // service + "/" + region → account id
	bucket    *orgmodel.ActualBucket
	bucketOwn string
	trail     *orgmodel.ActualTrail
	regional  map[string]*orgmodel.ActualRegionalService // "guardduty/eu-west-1"
	analyzers map[string]orgmodel.ActualAnalyzer         // region → analyzer
	root      []string
	contacts  map[string][]orgmodel.AlternateContact // account id ("" the management account) → contacts
	changes   map[string]int                         // call → times
	// block, when set, is called before a call of that name goes through;
	// it may wait or fail.
	block map[string]func(ctx context.Context) error
}

func newFakeBaseline() *fakeBaseline {
	return &fakeBaseline{orgID: "o-abcdefghij", mgmtID: "111111111111", trusted: map[string]bool{}, admins: map[string]string{},
		regional: map[string]*orgmodel.ActualRegionalService{}, analyzers: map[string]orgmodel.ActualAnalyzer{},
		contacts: map[string][]orgmodel.AlternateContact{}, changes: map[string]int{}, block: map[string]func(context.Context) error{}}
}

// call records a change and runs its block outside the lock.
func (f *fakeBaseline) call(ctx context.Context, name string) error {
	f.mu.Lock()
	f.changes[name]++
	b := f.block[name]
	f.mu.Unlock()
	if b != nil {
		return b(ctx)
	}
	return nil
}

func (f *fakeBaseline) Organization(context.Context) (baseline.Organization, error) {
	return baseline.Organization{ID: f.orgID, ManagementID: f.mgmtID, ManagementEmail: "aws@acme.example"}, nil
}

func (f *fakeBaseline) EnableTrustedAccess(ctx context.Context, service string) error {
	if err := f.call(ctx, "EnableTrustedAccess "+service); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.trusted[service] = true
	return nil
}

func (f *fakeBaseline) RegisterDelegatedAdmin(ctx context.Context, service, region, id string) error {
	if err := f.call(ctx, "RegisterDelegatedAdmin "+service+" "+region); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.trusted[service] {
		return fmt.Errorf("AccessDeniedException: trusted access is not enabled for %s", service)
	}
	f.admins[service+"/"+region] = id
	return nil
}

func (f *fakeBaseline) CreateLogBucket(ctx context.Context, logID, bucket, region string) error {
	if err := f.call(ctx, "CreateLogBucket"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bucket != nil {
		if f.bucketOwn != logID || f.bucket.Name != bucket {
			return errors.New("BucketAlreadyExists")
		}
		return nil // BucketAlreadyOwnedByYou
	}
	f.bucket, f.bucketOwn = &orgmodel.ActualBucket{Name: bucket, Region: region}, logID
	return nil
}

func (f *fakeBaseline) ownBucket(logID, bucket string) error {
	if f.bucket == nil || f.bucket.Name != bucket || f.bucketOwn != logID {
		return fmt.Errorf("NoSuchBucket: %s in %s", bucket, logID)
	}
	return nil
}

func (f *fakeBaseline) ConfigureLogBucket(ctx context.Context, logID, bucket, region string, days int) error {
	if err := f.call(ctx, "ConfigureLogBucket"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.ownBucket(logID, bucket); err != nil {
		return err
	}
	b := f.bucket
	b.Versioning, b.PublicAccessBlocked, b.Encryption, b.ExpirationDays, b.NoncurrentExpirationDays = orgmodel.VersioningOn, true, orgmodel.EncryptionSSES3, days, days
	return nil
}

func (f *fakeBaseline) PutLogBucketPolicy(ctx context.Context, logID, bucket, region, policy string) error {
	if err := f.call(ctx, "PutLogBucketPolicy"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.ownBucket(logID, bucket); err != nil {
		return err
	}
	f.bucket.Policy = policy
	return nil
}

// trailCheck is CloudTrail's check at CreateTrail and UpdateTrail: trusted
// access, and a bucket whose policy lets this trail write.
func (f *fakeBaseline) trailCheck(region, bucket string) error {
	if !f.trusted[orgmodel.ServiceCloudTrail] {
		return errors.New("CloudTrailAccessNotEnabledException")
	}
	if f.bucket == nil || f.bucket.Name != bucket || !strings.Contains(f.bucket.Policy, orgmodel.TrailARN(region, f.mgmtID)) {
		return errors.New("InsufficientS3BucketPolicyException: incorrect S3 bucket policy is detected for bucket " + bucket)
	}
	return nil
}

func (f *fakeBaseline) CreateTrail(ctx context.Context, name, region, bucket string) error {
	if err := f.call(ctx, "CreateTrail"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.trailCheck(region, bucket); err != nil {
		return err
	}
	if f.trail != nil {
		return errors.New("TrailAlreadyExistsException")
	}
	f.trail = &orgmodel.ActualTrail{Name: name, ARN: orgmodel.TrailARN(region, f.mgmtID), HomeRegion: region, S3BucketName: bucket,
		IsOrganizationTrail: true, IsMultiRegionTrail: true, LogFileValidationEnabled: true, IncludeGlobalServiceEvents: true}
	return nil
}

func (f *fakeBaseline) UpdateTrail(ctx context.Context, name, region, bucket string) error {
	if err := f.call(ctx, "UpdateTrail"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.trailCheck(region, bucket); err != nil {
		return err
	}
	if f.trail == nil {
		return errors.New("TrailNotFoundException")
	}
	t := f.trail
	t.S3BucketName, t.IsOrganizationTrail, t.IsMultiRegionTrail, t.LogFileValidationEnabled, t.IncludeGlobalServiceEvents = bucket, true, true, true, true
	return nil
}

func (f *fakeBaseline) StartLogging(ctx context.Context, name, region string) error {
	if err := f.call(ctx, "StartLogging"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.trail == nil {
		return errors.New("TrailNotFoundException")
	}
	f.trail.IsLogging = true
	return nil
}

func (f *fakeBaseline) configure(ctx context.Context, service, toolingID, region, autoEnable string, members []baseline.Account) error {
	if err := f.call(ctx, "Configure "+service+" "+region); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.admins[service+"/"+region] != toolingID {
		return fmt.Errorf("BadRequestException: %s is not %s's administrator in %s", toolingID, service, region)
	}
	r := f.regional[service+"/"+region]
	if r == nil {
		r = &orgmodel.ActualRegionalService{Region: region}
		f.regional[service+"/"+region] = r
	}
	r.Enabled, r.AutoEnable = true, autoEnable
	for _, m := range members {
		if m.ID == "" || (service == orgmodel.ServiceGuardDuty && m.Email == "") {
			return fmt.Errorf("InvalidInputException: member %+v lacks an id or email", m)
		}
		if !slices.Contains(r.MemberIDs, m.ID) {
			r.MemberIDs = append(r.MemberIDs, m.ID)
		}
	}
	return nil
}

func (f *fakeBaseline) ConfigureGuardDuty(ctx context.Context, toolingID, region, autoEnable string, members []baseline.Account) error {
	return f.configure(ctx, orgmodel.ServiceGuardDuty, toolingID, region, autoEnable, members)
}

func (f *fakeBaseline) ConfigureSecurityHub(ctx context.Context, toolingID, region, autoEnable string, members []baseline.Account) error {
	return f.configure(ctx, orgmodel.ServiceSecurityHub, toolingID, region, autoEnable, members)
}

func (f *fakeBaseline) CreateAnalyzer(ctx context.Context, toolingID, region, name string) error {
	if err := f.call(ctx, "CreateAnalyzer "+region); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.admins[orgmodel.ServiceAccessAnalyzer+"/"] != toolingID {
		return errors.New("AccessDeniedException: security-tooling is not Access Analyzer's delegated administrator")
	}
	f.analyzers[region] = orgmodel.ActualAnalyzer{Name: name, Type: orgmodel.AnalyzerTypeOrg, Region: region, AccountID: toolingID}
	return nil
}

func (f *fakeBaseline) EnableRootFeature(ctx context.Context, feature string) error {
	if err := f.call(ctx, "EnableRootFeature "+feature); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.trusted[orgmodel.ServiceIAM] {
		return errors.New("ServiceAccessNotEnabledException")
	}
	if !slices.Contains(f.root, feature) {
		f.root = append(f.root, feature)
	}
	return nil
}

func (f *fakeBaseline) PutAlternateContact(ctx context.Context, id string, c orgmodel.AlternateContact) error {
	if err := f.call(ctx, "PutAlternateContact"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if id != "" && !f.trusted[orgmodel.ServiceAccount] {
		return errors.New("AccessDeniedException: trusted access is not enabled for account.amazonaws.com")
	}
	list := slices.DeleteFunc(f.contacts[id], func(h orgmodel.AlternateContact) bool { return h.Type == c.Type })
	f.contacts[id] = append(list, c)
	return nil
}

// read is what baseline.Client.Read would find.
func (f *fakeBaseline) read() *orgmodel.ActualBaseline {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &orgmodel.ActualBaseline{RootFeatures: slices.Clone(f.root)}
	for s := range f.trusted {
		out.TrustedAccess = append(out.TrustedAccess, s)
	}
	if id := f.admins[orgmodel.ServiceAccessAnalyzer+"/"]; id != "" {
		out.DelegatedAdmins = append(out.DelegatedAdmins, orgmodel.ActualDelegatedAdmin{Service: orgmodel.ServiceAccessAnalyzer, AccountID: id})
	}
	if f.bucket != nil {
		b := *f.bucket
		out.Bucket = &b
	}
	if f.trail != nil {
		t := *f.trail
		out.Trail = &t
	}
	for key, id := range f.admins {
		service, region, _ := strings.Cut(key, "/")
		if region == "" {
			continue
		}
		r := orgmodel.ActualRegionalService{Region: region, AdminAccountID: id}
		if got := f.regional[key]; got != nil {
			r.Enabled, r.AutoEnable, r.MemberIDs = got.Enabled, got.AutoEnable, slices.Clone(got.MemberIDs)
		}
		if service == orgmodel.ServiceGuardDuty {
			out.GuardDuty = append(out.GuardDuty, r)
		} else {
			out.SecurityHub = append(out.SecurityHub, r)
		}
	}
	for _, a := range f.analyzers {
		out.Analyzers = append(out.Analyzers, a)
	}
	for id, list := range f.contacts {
		if id == "" {
			id = f.mgmtID
		}
		out.Contacts = append(out.Contacts, orgmodel.ActualAccountContacts{AccountID: id, Contacts: slices.Clone(list)})
	}
	return out
}

// secureTree is acme-secure with Security Hub on too: every baseline step
// kind is planned.
func secureTree(t *testing.T) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile("../../examples/acme-secure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	b := *d.Baseline
	b.SecurityHub = true
	if err := d.SetBaseline(&b); err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// existing is the organization f and fb hold after an apply: the
// organization, and every account created, under its name and email.
func existing(f *fakeOps, fb *fakeBaseline) *orgmodel.Actual {
	a := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: fb.orgID, ManagementAccountID: fb.mgmtID, ManagementEmail: "aws@acme.example", FeatureSet: "ALL"},
		RootID: "r-fake", Accounts: []orgmodel.ActualAccount{{ID: fb.mgmtID, Name: "acme", Email: "aws@acme.example", ParentID: "r-fake"}}}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.requests {
		if r.reason == "" {
			a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: r.accountID, Name: r.name, Email: r.email, ParentID: "r-fake", Status: "ACTIVE"})
		}
	}
	a.Baseline = fb.read()
	return a
}

func baselineOnly(p *orgmodel.Plan) []orgmodel.Step {
	var out []orgmodel.Step
	for _, s := range p.Steps {
		if isBaseline(s.Kind) {
			out = append(out, s)
		}
	}
	return out
}

// A design with the whole baseline, applied from nothing, on services that
// refuse a step before what it needs: every step succeeds (so the order is
// AWS's), the bucket, its policy and the trail carry the ids the
// organization and log-archive got during the apply, and a second plan has
// no baseline step.
func TestApplyBaselineInAWSOrderAndConverges(t *testing.T) {
	tree := secureTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	if len(baselineOnly(plan)) == 0 {
		t.Fatal("the plan has no baseline step")
	}
	f, fb := newFake(2*time.Millisecond), newFakeBaseline()
	opt := fastOptions()
	opt.Baseline = fb
	var mu sync.Mutex
	var waiting []string
	opt.OnEvent = func(e Event) {
		if e.Kind == Waiting {
			mu.Lock()
			waiting = append(waiting, e.Message)
			mu.Unlock()
		}
	}
	if err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{}); err != nil {
		t.Fatal(err)
	}
	a := existing(f, fb)
	var logID string
	for _, acc := range a.Accounts {
		if acc.Name == orgmodel.LogArchive {
			logID = acc.ID
		}
	}
	if want := orgmodel.LogBucketName(logID, fb.orgID); a.Baseline.Bucket == nil || a.Baseline.Bucket.Name != want || a.Baseline.Trail.S3BucketName != want {
		t.Errorf("bucket %+v, trail %+v; want both on %s", a.Baseline.Bucket, a.Baseline.Trail, want)
	}
	if !strings.Contains(a.Baseline.Bucket.Policy, fb.orgID) || !strings.Contains(a.Baseline.Bucket.Policy, logID) {
		t.Errorf("the bucket policy does not name the organization and log-archive: %s", a.Baseline.Bucket.Policy)
	}
	again := baselineOnly(orgmodel.MakePlan(tree, a))
	for _, s := range again {
		t.Errorf("a second plan still has: %s (%s)", s, s.Why)
	}
	for call, n := range fb.changes {
		if n != 1 && !strings.HasPrefix(call, "PutAlternateContact") {
			t.Errorf("%s sent %d times", call, n)
		}
	}
	// Live progress says which account each cross-account step is in.
	for _, who := range []string{"in log-archive (" + logID + "), eu-west-1, through OrganizationAccountAccessRole", "in security-tooling ("} {
		if !slices.ContainsFunc(waiting, func(m string) bool { return strings.HasPrefix(m, who) }) {
			t.Errorf("no progress event %q among %q", who, waiting)
		}
	}
}

// Each dependency the engine keeps is one AWS enforces: with it dropped,
// the fakes refuse. This shows the test above can fail.
func TestBaselineFakesRefuseWrongOrder(t *testing.T) {
	ctx := context.Background()
	fb := newFakeBaseline()
	if err := fb.RegisterDelegatedAdmin(ctx, orgmodel.ServiceGuardDuty, "eu-west-1", "222222222222"); err == nil {
		t.Error("a delegated administrator before trusted access was accepted")
	}
	fb.trusted[orgmodel.ServiceCloudTrail] = true
	if err := fb.CreateLogBucket(ctx, "333333333333", "b", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	if err := fb.CreateTrail(ctx, orgmodel.TrailName, "eu-west-1", "b"); err == nil {
		t.Error("a trail before its bucket's policy was accepted")
	}
	if err := fb.StartLogging(ctx, orgmodel.TrailName, "eu-west-1"); err == nil {
		t.Error("logging before the trail was accepted")
	}
	if err := fb.CreateAnalyzer(ctx, "222222222222", "eu-west-1", orgmodel.AnalyzerName); err == nil {
		t.Error("an analyzer before its administrator was accepted")
	}
}

// The waves the engine runs the baseline in put every step after what it
// needs, and nothing AWS does not need first holds a step back.
func TestBaselineDeps(t *testing.T) {
	plan := orgmodel.MakePlan(secureTree(t), &orgmodel.Actual{})
	deps := baselineDeps(plan.Steps)
	kindsOf := func(i int) []orgmodel.StepKind {
		var out []orgmodel.StepKind
		for _, d := range deps[i] {
			out = append(out, plan.Steps[d].Kind)
		}
		return out
	}
	seen := map[orgmodel.StepKind]bool{}
	for i, s := range plan.Steps {
		if !isBaseline(s.Kind) {
			continue
		}
		seen[s.Kind] = true
		k := kindsOf(i)
		switch s.Kind {
		case orgmodel.StepCreateTrail:
			if !slices.Contains(k, orgmodel.StepPutBucketPolicy) || !slices.Contains(k, orgmodel.StepEnableTrustedAccess) {
				t.Errorf("%s waits for %v", s, k)
			}
		case orgmodel.StepRegisterAdmin:
			if len(k) != 1 || k[0] != orgmodel.StepEnableTrustedAccess || plan.Steps[deps[i][0]].Baseline.Service != s.Baseline.Service {
				t.Errorf("%s waits for %v", s, k)
			}
		case orgmodel.StepConfigureGuardDuty, orgmodel.StepConfigureSecurityHub:
			d := deps[i]
			if len(d) != 1 || plan.Steps[d[0]].Baseline.Region != s.Baseline.Region || plan.Steps[d[0]].Baseline.Service != s.Baseline.Service {
				t.Errorf("%s waits for %v", s, k)
			}
		case orgmodel.StepEnableTrustedAccess, orgmodel.StepCreateLogBucket:
			if len(k) != 0 {
				t.Errorf("%s waits for %v", s, k)
			}
		}
	}
	if len(seen) != 12 { // every kind but update-trail, which a plan from nothing has not
		t.Errorf("the plan has %d baseline kinds: %v", len(seen), seen)
	}
}

// A failed step holds back what needs it, which fails without a call and
// says why; what does not need it is done.
func TestApplyBaselineFailureHoldsBackDependents(t *testing.T) {
	tree := secureTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f, fb := newFake(0), newFakeBaseline()
	fb.block["PutLogBucketPolicy"] = func(context.Context) error { return errors.New("AccessDenied: s3:PutBucketPolicy") }
	opt := fastOptions()
	opt.Baseline = fb
	err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{})
	var failures Failures
	if !errors.As(err, &failures) {
		t.Fatalf("apply: %v", err)
	}
	var kinds []orgmodel.StepKind
	for _, fl := range failures {
		kinds = append(kinds, fl.Step.Kind)
		if fl.Step.Kind == orgmodel.StepCreateTrail && !strings.Contains(fl.Error(), "it needs set the policy of log bucket") {
			t.Errorf("the held-back trail says: %v", fl)
		}
	}
	slices.Sort(kinds)
	if want := []orgmodel.StepKind{orgmodel.StepCreateTrail, orgmodel.StepPutBucketPolicy, orgmodel.StepStartLogging}; !slices.Equal(kinds, want) {
		t.Errorf("failed: %v, want %v", kinds, want)
	}
	if fb.changes["CreateTrail"] != 0 || fb.changes["StartLogging"] != 0 {
		t.Errorf("a held-back step reached AWS: %v", fb.changes)
	}
	if fb.changes["Configure "+orgmodel.ServiceGuardDuty+" eu-west-1"] != 1 || fb.changes["CreateAnalyzer eu-west-1"] != 1 {
		t.Errorf("steps that do not need the policy were not done: %v", fb.changes)
	}
}

// Interrupted in the middle of the baseline (between the bucket's policy
// and the trail), a re-run of plan and apply finishes it without sending
// any creation twice, and a third plan is empty.
func TestApplyBaselineCrashConverges(t *testing.T) {
	tree := secureTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f, fb := newFake(0), newFakeBaseline()
	ctx, cancel := context.WithCancel(context.Background())
	fb.block["CreateTrail"] = func(context.Context) error {
		cancel()
		return context.Canceled // the crash: the answer never came
	}
	opt := fastOptions()
	opt.Baseline = fb
	if err := New(f, opt).Apply(ctx, plan, &orgmodel.Actual{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted apply: %v", err)
	}
	delete(fb.block, "CreateTrail")

	a := existing(f, fb)
	second := orgmodel.MakePlan(tree, a)
	rest := baselineOnly(second)
	if slices.ContainsFunc(rest, func(s orgmodel.Step) bool { return s.Kind == orgmodel.StepCreateLogBucket }) {
		t.Error("the re-run plans the bucket again")
	}
	if !slices.ContainsFunc(rest, func(s orgmodel.Step) bool { return s.Kind == orgmodel.StepCreateTrail }) {
		t.Fatalf("the re-run does not plan the trail: %v", rest)
	}
	if err := New(newFake(0), opt).Apply(context.Background(), second, a); err != nil {
		t.Fatal(err)
	}
	if again := baselineOnly(orgmodel.MakePlan(tree, existing(f, fb))); len(again) > 0 {
		t.Errorf("a third plan has %d baseline steps, the first %s", len(again), again[0])
	}
	if fb.changes["CreateLogBucket"] != 1 || fb.changes["CreateTrail"] != 2 {
		// The trail's first CreateTrail never reached the fake's state:
		// it is sent again, as AWS would need.
		t.Errorf("creations: bucket %d, trail %d", fb.changes["CreateLogBucket"], fb.changes["CreateTrail"])
	}
	for _, k := range []string{"RegisterDelegatedAdmin " + orgmodel.ServiceAccessAnalyzer + " ", "CreateAnalyzer eu-west-1", "EnableRootFeature " + orgmodel.RootSessions} {
		if fb.changes[k] != 1 {
			t.Errorf("%s sent %d times", k, fb.changes[k])
		}
	}
}

// Without a way to the baseline's services, its steps fail and say so.
func TestApplyBaselineWithoutOps(t *testing.T) {
	plan := orgmodel.MakePlan(secureTree(t), &orgmodel.Actual{})
	err := New(newFake(0), fastOptions()).Apply(context.Background(), plan, &orgmodel.Actual{})
	var failures Failures
	if !errors.As(err, &failures) || len(failures) == 0 {
		t.Fatalf("apply without the baseline's services: %v", err)
	}
	for _, fl := range failures {
		if !isBaseline(fl.Step.Kind) {
			t.Errorf("a step outside the baseline failed: %v", fl)
		}
	}
	if !strings.Contains(failures[0].Error(), "cannot reach the baseline's services") {
		t.Errorf("the first failure: %v", failures[0])
	}
}

// A step of a kind the engine does not know is refused up front: nothing
// is done, where the engine used to pass over it and call the apply done.
func TestApplyRefusesUnknownStepKind(t *testing.T) {
	plan := orgmodel.MakePlan(acmeTree(t), &orgmodel.Actual{})
	plan.Steps = append(plan.Steps, orgmodel.Step{Kind: "launch-rocket", Subject: "moon"})
	f := newFake(0)
	err := New(f, fastOptions()).Apply(context.Background(), plan, &orgmodel.Actual{})
	var unknown *UnknownStepError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "launch-rocket (moon)") || !strings.Contains(err.Error(), "Nothing was changed") {
		t.Fatalf("apply with an unknown step: %v", err)
	}
	if len(f.calls) > 0 {
		t.Errorf("calls were made: %v", f.calls)
	}
}

// Every step kind orgmodel declares is one the engine carries out: a kind
// added there without its code here fails this test, not a user's apply.
func TestEngineKnowsEveryStepKind(t *testing.T) {
	files, err := filepath.Glob("../../orgmodel/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("orgmodel's sources: %v", err)
	}
	fset := token.NewFileSet()
	var declared []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "StepKind" {
					continue
				}
				for i, n := range vs.Names {
					lit := vs.Values[i].(*ast.BasicLit)
					declared = append(declared, n.Name)
					kind := orgmodel.StepKind(strings.Trim(lit.Value, `"`))
					if !handled[kind] && !isBaseline(kind) {
						t.Errorf("orgmodel.%s (%s) is a step kind the engine does not carry out", n.Name, kind)
					}
				}
			}
		}
	}
	if len(declared) < 28 {
		t.Errorf("found only %d step kinds in orgmodel: %v", len(declared), declared)
	}
}

// The events of the steps that name the log bucket carry its real name
// from their first one, made from the ids log-archive and the organization
// got during this apply; a plan made before either existed names it with a
// placeholder. Other steps' events carry none.
func TestApplyEventsNameTheBucket(t *testing.T) {
	tree := secureTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	placeholder := orgmodel.LogBucketName("<log-archive id>", "<organization id>")
	f, fb := newFake(2*time.Millisecond), newFakeBaseline()
	opt := fastOptions()
	opt.Baseline = fb
	var mu sync.Mutex
	var events []Event
	opt.OnEvent = func(e Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}
	if err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{}); err != nil {
		t.Fatal(err)
	}
	var logID string
	for _, acc := range existing(f, fb).Accounts {
		if acc.Name == orgmodel.LogArchive {
			logID = acc.ID
		}
	}
	want := orgmodel.LogBucketName(logID, fb.orgID)
	named := map[orgmodel.StepKind]bool{}
	for _, e := range events {
		switch e.Step.Kind {
		case orgmodel.StepCreateLogBucket, orgmodel.StepConfigureLogBucket, orgmodel.StepPutBucketPolicy, orgmodel.StepCreateTrail:
			if e.Bucket != want {
				t.Errorf("%s %s: Bucket %q, want %q", e.Kind, e.Step, e.Bucket, want)
			}
			if e.Step.Kind == orgmodel.StepCreateLogBucket && !strings.Contains(e.Step.String(), placeholder) {
				t.Errorf("the plan already named the bucket: %s", e.Step)
			}
			named[e.Step.Kind] = true
		default:
			if e.Bucket != "" {
				t.Errorf("%s %s names bucket %q", e.Kind, e.Step, e.Bucket)
			}
		}
	}
	if len(named) != 4 {
		t.Errorf("events of only %v seen", named)
	}
}
