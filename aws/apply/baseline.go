package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// BaselineOps is what the engine asks of AWS for the security baseline's
// steps; *baseline.Client implements it.
type BaselineOps interface {
	// Organization returns the organization's id and its management
	// account's id and email: the log bucket's name and policy hold the
	// ids, GuardDuty's members the email, and a plan made before the
	// organization existed knows none of them.
	Organization(ctx context.Context) (baseline.Organization, error)
	EnableTrustedAccess(ctx context.Context, service string) error
	// RegisterDelegatedAdmin: region is "" for an organization-wide one.
	RegisterDelegatedAdmin(ctx context.Context, service, region, accountID string) error
	CreateLogBucket(ctx context.Context, logArchiveID, bucket, region string) error
	ConfigureLogBucket(ctx context.Context, logArchiveID, bucket, region string, retentionDays int) error
	PutLogBucketPolicy(ctx context.Context, logArchiveID, bucket, region, policy string) error
	CreateTrail(ctx context.Context, name, region, bucket string) error
	UpdateTrail(ctx context.Context, name, region, bucket string) error
	StartLogging(ctx context.Context, name, region string) error
	ConfigureGuardDuty(ctx context.Context, toolingID, region, autoEnable string, members []baseline.Account) error
	ConfigureSecurityHub(ctx context.Context, toolingID, region, autoEnable string, members []baseline.Account) error
	CreateAnalyzer(ctx context.Context, toolingID, region, name string) error
	EnableRootFeature(ctx context.Context, feature string) error
	// PutAlternateContact: accountID "" is the management account.
	PutAlternateContact(ctx context.Context, accountID string, c orgmodel.AlternateContact) error
}

var _ BaselineOps = (*baseline.Client)(nil)

// isBaseline tells the baseline's step kinds.
func isBaseline(k orgmodel.StepKind) bool {
	switch k {
	case orgmodel.StepEnableTrustedAccess, orgmodel.StepRegisterAdmin, orgmodel.StepCreateLogBucket, orgmodel.StepConfigureLogBucket,
		orgmodel.StepPutBucketPolicy, orgmodel.StepCreateTrail, orgmodel.StepUpdateTrail, orgmodel.StepStartLogging,
		orgmodel.StepConfigureGuardDuty, orgmodel.StepConfigureSecurityHub, orgmodel.StepCreateAnalyzer,
		orgmodel.StepEnableRootFeature, orgmodel.StepPutAlternateContact:
		return true
	}
	return false
}

// baselineDeps returns, for each baseline step of the plan, the indices of
// the steps that must succeed before it: AWS refuses a delegated
// administrator before trusted access, a trail before its bucket's policy
// lets CloudTrail write, logging before the trail, and an administrator's
// organization settings before it is the administrator.
func baselineDeps(steps []orgmodel.Step) map[int][]int {
	find := func(kind orgmodel.StepKind, match func(*orgmodel.BaselineStep) bool) []int {
		var out []int
		for i, s := range steps {
			if s.Kind == kind && s.Baseline != nil && (match == nil || match(s.Baseline)) {
				out = append(out, i)
			}
		}
		return out
	}
	trusted := func(service string) []int {
		return find(orgmodel.StepEnableTrustedAccess, func(b *orgmodel.BaselineStep) bool { return b.Service == service })
	}
	deps := map[int][]int{}
	for i, s := range steps {
		if !isBaseline(s.Kind) || s.Baseline == nil {
			continue
		}
		b := s.Baseline
		var d []int
		switch s.Kind {
		case orgmodel.StepRegisterAdmin:
			d = trusted(b.Service)
		case orgmodel.StepEnableRootFeature:
			d = trusted(orgmodel.ServiceIAM)
		case orgmodel.StepPutAlternateContact:
			if !b.Management {
				d = trusted(orgmodel.ServiceAccount)
			}
		case orgmodel.StepConfigureLogBucket, orgmodel.StepPutBucketPolicy:
			d = find(orgmodel.StepCreateLogBucket, nil)
		case orgmodel.StepCreateTrail, orgmodel.StepUpdateTrail:
			d = append(trusted(orgmodel.ServiceCloudTrail), find(orgmodel.StepPutBucketPolicy, nil)...)
		case orgmodel.StepStartLogging:
			d = append(find(orgmodel.StepCreateTrail, nil), find(orgmodel.StepUpdateTrail, nil)...)
		case orgmodel.StepConfigureGuardDuty, orgmodel.StepConfigureSecurityHub:
			region := b.Region
			d = find(orgmodel.StepRegisterAdmin, func(x *orgmodel.BaselineStep) bool { return x.Service == b.Service && x.Region == region })
		case orgmodel.StepCreateAnalyzer:
			d = find(orgmodel.StepRegisterAdmin, func(x *orgmodel.BaselineStep) bool { return x.Service == orgmodel.ServiceAccessAnalyzer })
		}
		deps[i] = d
	}
	return deps
}

// applyBaseline carries out the baseline's steps, wave by wave: a step
// starts once every step it needs has succeeded, and fails, without a call,
// when one of them failed. It runs after every account exists.
func (e *Engine) applyBaseline(ctx context.Context, plan *orgmodel.Plan, actual *orgmodel.Actual) {
	deps := baselineDeps(plan.Steps)
	if len(deps) == 0 {
		return
	}
	e.initBaseline(plan, actual)
	e.nameBucket(ctx, plan)
	wave := map[int]int{}
	var depth func(i int) int
	depth = func(i int) int {
		if w, ok := wave[i]; ok {
			return w
		}
		w := 0
		for _, d := range deps[i] {
			w = max(w, depth(d)+1)
		}
		wave[i] = w
		return w
	}
	var waves [][]int
	for i := range plan.Steps {
		if _, ok := deps[i]; !ok {
			continue
		}
		w := depth(i)
		for len(waves) <= w {
			waves = append(waves, nil)
		}
		waves[w] = append(waves[w], i)
	}
	for _, list := range waves {
		if ctx.Err() != nil {
			return
		}
		e.parallel(ctx, list, e.opt.Parallel, func(i int) {
			s := plan.Steps[i]
			if failed := e.failedAmong(deps[i]); failed != "" {
				if ctx.Err() == nil {
					e.fail(ctx, i, fmt.Errorf("not done: it needs %s, which failed above", failed))
				}
				return
			}
			e.run(ctx, i, func(ctx context.Context) error {
				ctx = baseline.WithProgress(ctx, func(msg string) { e.emit(Waiting, i, msg) })
				return e.baselineStep(ctx, s)
			})
		})
	}
}

// failedAmong names the first of the steps that did not succeed, "" when
// all did.
func (e *Engine) failedAmong(idx []int) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, i := range idx {
		if !e.succeeded[i] {
			return e.plan.Steps[i].String()
		}
	}
	return ""
}

// baselineIDs are what the baseline's steps name and the plan may not have
// known: the organization's ids, and each account's email (GuardDuty's
// members need it).
type baselineIDs struct {
	org baseline.Organization
	// bucket is the log bucket's name once known (Event.Bucket).
	bucket string
	emails map[string]string // account id → email
	byName map[string]string // account name → email, for accounts created by this plan
}

func (e *Engine) initBaseline(plan *orgmodel.Plan, actual *orgmodel.Actual) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.base = baselineIDs{emails: map[string]string{}, byName: map[string]string{}}
	if actual != nil {
		if o := actual.Organization; o != nil {
			e.base.org = baseline.Organization{ID: o.ID, ManagementID: o.ManagementAccountID, ManagementEmail: o.ManagementEmail}
		}
		for _, a := range actual.Accounts {
			e.base.emails[a.ID] = a.Email
		}
	}
	for _, s := range plan.Steps {
		if s.Kind == orgmodel.StepCreateAccount || s.Kind == orgmodel.StepAwaitAccount {
			e.base.byName[s.Subject] = s.Email
		}
	}
}

// organization returns the organization's ids and management email,
// asking AWS once when the plan was made before the organization existed.
func (e *Engine) organization(ctx context.Context) (baseline.Organization, error) {
	e.mu.Lock()
	org := e.base.org
	if org.ManagementEmail == "" {
		org.ManagementEmail = e.base.emails[org.ManagementID]
	}
	e.mu.Unlock()
	if org.ID != "" && org.ManagementID != "" && org.ManagementEmail != "" {
		return org, nil
	}
	org, err := e.opt.Baseline.Organization(ctx)
	if err != nil {
		return org, err
	}
	e.mu.Lock()
	e.base.org = org
	e.mu.Unlock()
	return org, nil
}

// stepAccount is the id of the account a step acts in: the plan's, or the
// one its creation gave.
func (e *Engine) stepAccount(s orgmodel.Step) (string, error) {
	if s.AccountID != "" {
		return s.AccountID, nil
	}
	if s.Baseline.Account == "" {
		return "", errors.New("the step names no account")
	}
	return e.accountID(s.Baseline.Account)
}

// bucketName is the log bucket's name: the plan's, or made now that
// log-archive and the organization exist. The events of the steps that
// name the bucket carry it from then on.
func (e *Engine) bucketName(ctx context.Context, s orgmodel.Step, logID string) (string, error) {
	name := s.Baseline.Bucket
	if name == "" {
		org, err := e.organization(ctx)
		if err != nil {
			return "", err
		}
		name = orgmodel.LogBucketName(logID, org.ID)
	}
	e.mu.Lock()
	e.base.bucket = name
	e.mu.Unlock()
	return name, nil
}

// namesBucket tells the steps that name the log bucket: its own, and the
// trail's that deliver into it.
func namesBucket(s orgmodel.Step) bool {
	switch s.Kind {
	case orgmodel.StepCreateLogBucket, orgmodel.StepConfigureLogBucket, orgmodel.StepPutBucketPolicy,
		orgmodel.StepCreateTrail, orgmodel.StepUpdateTrail:
		return s.Baseline != nil && s.Baseline.Trail != nil
	}
	return false
}

// nameBucket learns the log bucket's name before the baseline's first step,
// now that every account exists, so that the bucket's steps say it from
// their first event on. A name it cannot make yet (log-archive's creation
// failed, the organization did not answer) is left to the steps, which
// report why.
func (e *Engine) nameBucket(ctx context.Context, plan *orgmodel.Plan) {
	if e.opt.Baseline == nil {
		return // the steps fail, and say why
	}
	for _, s := range plan.Steps {
		if !namesBucket(s) {
			continue
		}
		if logID, err := e.accountID(s.Baseline.Trail.Bucket.Account); err == nil {
			_, _ = e.bucketName(ctx, s, logID)
		}
		return
	}
}

// baselineStep carries out one baseline step.
func (e *Engine) baselineStep(ctx context.Context, s orgmodel.Step) error {
	ops := e.opt.Baseline
	if ops == nil {
		return errors.New("this apply cannot reach the baseline's services (CloudTrail, S3, GuardDuty, Security Hub, Access Analyzer, IAM, Account)")
	}
	b := s.Baseline
	if b == nil {
		return errors.New("the step has no baseline details")
	}
	switch s.Kind {
	case orgmodel.StepCreateLogBucket, orgmodel.StepConfigureLogBucket, orgmodel.StepPutBucketPolicy,
		orgmodel.StepConfigureGuardDuty, orgmodel.StepConfigureSecurityHub, orgmodel.StepCreateAnalyzer:
		// These cross into another account: say which, as it starts.
		if id, err := e.stepAccount(s); err == nil {
			// The client's own messages name the account too, created by
			// this apply or not.
			if n, ok := ops.(interface{ Name(id, name string) }); ok {
				n.Name(id, b.Account)
			}
			where := ""
			if b.Region != "" {
				where = ", " + b.Region
			}
			baseline.Report(ctx, "in %s (%s)%s, through %s", b.Account, id, where, access.OrganizationAccountAccessRole)
		}
	}
	switch s.Kind {
	case orgmodel.StepEnableTrustedAccess:
		return ops.EnableTrustedAccess(ctx, b.Service)
	case orgmodel.StepRegisterAdmin:
		id, err := e.stepAccount(s)
		if err != nil {
			return err
		}
		return ops.RegisterDelegatedAdmin(ctx, b.Service, b.Region, id)
	case orgmodel.StepCreateLogBucket, orgmodel.StepConfigureLogBucket, orgmodel.StepPutBucketPolicy:
		logID, err := e.stepAccount(s)
		if err != nil {
			return err
		}
		bucket, err := e.bucketName(ctx, s, logID)
		if err != nil {
			return err
		}
		switch s.Kind {
		case orgmodel.StepCreateLogBucket:
			return ops.CreateLogBucket(ctx, logID, bucket, b.Region)
		case orgmodel.StepConfigureLogBucket:
			if b.Trail == nil {
				return errors.New("the step has no retention")
			}
			return ops.ConfigureLogBucket(ctx, logID, bucket, b.Region, b.Trail.Bucket.RetentionDays)
		}
		policy := b.Policy
		if policy == "" {
			org, err := e.organization(ctx)
			if err != nil {
				return err
			}
			if b.Trail == nil {
				return errors.New("the step names no trail")
			}
			policy = orgmodel.LogBucketPolicy(bucket, org.ID, org.ManagementID, logID, orgmodel.TrailARN(b.Trail.HomeRegion, org.ManagementID), b.Region)
		}
		return ops.PutLogBucketPolicy(ctx, logID, bucket, b.Region, policy)
	case orgmodel.StepCreateTrail, orgmodel.StepUpdateTrail:
		if b.Trail == nil {
			return errors.New("the step names no trail")
		}
		logID, err := e.accountID(b.Trail.Bucket.Account)
		if err != nil {
			return err
		}
		bucket, err := e.bucketName(ctx, s, logID)
		if err != nil {
			return err
		}
		if s.Kind == orgmodel.StepCreateTrail {
			return ops.CreateTrail(ctx, b.Trail.Name, b.Trail.HomeRegion, bucket)
		}
		return ops.UpdateTrail(ctx, b.Trail.Name, b.Trail.HomeRegion, bucket)
	case orgmodel.StepStartLogging:
		if b.Trail == nil {
			return errors.New("the step names no trail")
		}
		return ops.StartLogging(ctx, b.Trail.Name, b.Trail.HomeRegion)
	case orgmodel.StepConfigureGuardDuty, orgmodel.StepConfigureSecurityHub:
		if b.Coverage == nil {
			return errors.New("the step has no coverage")
		}
		toolingID, err := e.stepAccount(s)
		if err != nil {
			return err
		}
		members, err := e.members(ctx, b.Coverage.Members)
		if err != nil {
			return err
		}
		if s.Kind == orgmodel.StepConfigureGuardDuty {
			return ops.ConfigureGuardDuty(ctx, toolingID, b.Region, b.Coverage.AutoEnable, members)
		}
		return ops.ConfigureSecurityHub(ctx, toolingID, b.Region, b.Coverage.AutoEnable, members)
	case orgmodel.StepCreateAnalyzer:
		if b.Analyzer == nil {
			return errors.New("the step has no analyzer")
		}
		toolingID, err := e.stepAccount(s)
		if err != nil {
			return err
		}
		return ops.CreateAnalyzer(ctx, toolingID, b.Analyzer.Region, b.Analyzer.Name)
	case orgmodel.StepEnableRootFeature:
		return ops.EnableRootFeature(ctx, b.Feature)
	case orgmodel.StepPutAlternateContact:
		if b.Contact == nil {
			return errors.New("the step has no contact")
		}
		id := ""
		if !b.Management {
			var err error
			if id, err = e.stepAccount(s); err != nil {
				return err
			}
		}
		return ops.PutAlternateContact(ctx, id, *b.Contact)
	}
	return fmt.Errorf("step kind %s is not a baseline step", s.Kind)
}

// members are the accounts GuardDuty or Security Hub enrols: the management
// account and the named ones, with their emails.
func (e *Engine) members(ctx context.Context, names []string) ([]baseline.Account, error) {
	org, err := e.organization(ctx)
	if err != nil {
		return nil, err
	}
	out := []baseline.Account{{ID: org.ManagementID, Email: org.ManagementEmail}}
	var missing []string
	for _, name := range names {
		id, err := e.accountID(name)
		if err == nil {
			out = append(out, baseline.Account{ID: id, Email: e.email(id, name)})
			continue
		}
		e.mu.Lock()
		_, created := e.base.byName[name]
		e.mu.Unlock()
		if created {
			missing = append(missing, name)
		}
		// Else an account the design adopts that is not in the
		// organization yet: the plan warned, and a later run enrols it.
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("accounts %s do not exist (their creation failed above)", strings.Join(missing, ", "))
	}
	return out, nil
}

func (e *Engine) email(id, name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if m := e.base.emails[id]; m != "" {
		return m
	}
	return e.base.byName[name]
}
