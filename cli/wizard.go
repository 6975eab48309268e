package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/ui"
	"github.com/orgwizard/orgwizard/wizard"
)

// wizardOptions are the root command's flags, used when it runs the wizard.
type wizardOptions struct {
	design     string
	accessible bool
	target     targetFlags
	io         IO
}

func (o *wizardOptions) run(ctx context.Context) error {
	if !isTerminalReader(o.io.In) || !isTerminal(o.io.Out) {
		return userError("the wizard needs a terminal. Without one, write a design file (see orgwizard validate --help) and use: orgwizard plan --design %s, then orgwizard apply --design %s", o.design, o.design)
	}
	if err := o.target.check(); err != nil {
		return err
	}
	var design *orgmodel.Design
	reached := wizard.Target
	if _, err := os.Stat(o.design); errors.Is(err, os.ErrNotExist) {
		// A new design: the wizard writes it.
	} else if data, err := readDesign(o.design); err == nil {
		d, step, derr := wizard.Decode(data)
		if d == nil {
			return userError("%s cannot be read as a design: %v\nFix it, or give another file with --design", o.design, derr)
		}
		design, reached = d, step
	} else {
		return err
	}
	backend := &wizardBackend{flags: o.target, home: func() string {
		if design != nil {
			return design.Organization.HomeRegion
		}
		return ""
	}}
	defer backend.close()
	opt := ui.Options{
		Backend:    backend,
		DesignPath: o.design,
		Design:     design,
		Reached:    reached,
		Save:       writeUserFile,
		Dark:       true,
	}
	var res ui.Result
	var err error
	if ui.Accessible(o.accessible) {
		res, err = o.runAccessible(ctx, opt)
	} else {
		res, err = ui.Run(ctx, opt, o.io.In, o.io.Out)
	}
	if err != nil {
		return err
	}
	if res.Message != "" {
		fmt.Fprintln(o.io.Out, res.Message)
	}
	switch {
	case res.Interrupted:
		return reported(ExitInterrupted, errors.New("interrupted"))
	case res.Err != nil:
		var quota *apply.QuotaError
		var ee *ExitError
		switch {
		case errors.As(res.Err, &quota):
			return &ExitError{Code: ExitUser, Err: res.Err}
		case errors.As(res.Err, &ee):
			return res.Err
		}
		if perr := permissionError(res.Err); perr != nil {
			return perr
		}
		if lerr := lockError(res.Err); errors.As(lerr, &ee) && ee.Code == ExitUser {
			return lerr // another apply holds the organization
		}
		return &ExitError{Code: ExitAWS, Err: fmt.Errorf("%w\nWhat succeeded stays; running the wizard again finishes the work", res.Err)}
	}
	return nil
}

// wizardBackend is ui.Backend over a target session.
type wizardBackend struct {
	flags targetFlags
	home  func() string
	mu    sync.Mutex
	s     *session
	mig   *migration
	tree  *orgmodel.Tree // the design of the last plan shown
}

var _ ui.Backend = (*wizardBackend)(nil)

func (b *wizardBackend) close() {
	b.dropMigration()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.s != nil {
		b.s.Close()
		b.s = nil
	}
}

func (b *wizardBackend) session() *session {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.s
}

// Targets offers what the flags chose first, then the sandbox, then every
// profile in the shared AWS configuration.
func (b *wizardBackend) Targets() []ui.TargetChoice {
	sandbox := ui.TargetChoice{Sandbox: true, Label: fmt.Sprintf("The sandbox: a simulated AWS on this machine (scenario %s)", b.flags.spec.Scenario)}
	if b.flags.spec.SandboxState != "" {
		sandbox.Label = fmt.Sprintf("The sandbox: a simulated AWS on this machine (%s)", b.flags.spec.SandboxState)
	}
	var out []ui.TargetChoice
	if b.flags.spec.UsesAWS() {
		label := "Real AWS: the default credentials (environment, SSO)"
		if b.flags.spec.Profile != "" {
			label = "Real AWS: profile " + b.flags.spec.Profile
		}
		if b.flags.spec.EndpointURL != "" {
			label = "AWS-compatible endpoint " + b.flags.spec.EndpointURL
		}
		out = append(out, ui.TargetChoice{Label: label, Profile: b.flags.spec.Profile})
		sandbox.Label = "The sandbox: a simulated AWS on this machine"
	}
	out = append(out, sandbox)
	for _, p := range awsProfiles() {
		if p == b.flags.spec.Profile {
			continue
		}
		out = append(out, ui.TargetChoice{Label: "Real AWS: profile " + p, Profile: p})
	}
	return out
}

// awsProfiles lists the profile names of the shared config and credentials files.
func awsProfiles() []string {
	home, _ := os.UserHomeDir()
	config := os.Getenv("AWS_CONFIG_FILE")
	if config == "" {
		config = filepath.Join(home, ".aws", "config")
	}
	creds := os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	if creds == "" {
		creds = filepath.Join(home, ".aws", "credentials")
	}
	seen := map[string]bool{}
	for _, f := range []struct {
		path   string
		config bool
	}{{config, true}, {creds, false}} {
		file, err := os.Open(f.path)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if !strings.HasPrefix(line, "[") || !strings.HasSuffix(line, "]") {
				continue
			}
			name := strings.TrimSpace(line[1 : len(line)-1])
			if f.config {
				if rest, ok := strings.CutPrefix(name, "profile "); ok {
					name = strings.TrimSpace(rest)
				} else if name != "default" {
					continue // sso-session and services sections
				}
			}
			seen[name] = true
		}
		file.Close()
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (b *wizardBackend) Connect(ctx context.Context, c ui.TargetChoice) (ui.TargetInfo, error) {
	b.close()
	f := b.flags
	if c.Sandbox {
		if f.spec.UsesAWS() {
			f.spec.AWS, f.spec.Profile, f.spec.EndpointURL = false, "", ""
		}
	} else if c.Profile != "" || !f.spec.UsesAWS() {
		// A profile found on the machine: real AWS, none of the sandbox's flags.
		f.spec.AWS, f.spec.Profile = true, c.Profile
		f.spec.SandboxState, f.spec.Scenario = "", "fresh"
	}
	s, err := openSession(ctx, &f)
	if err != nil {
		return ui.TargetInfo{}, err
	}
	b.mu.Lock()
	b.s = s
	b.mu.Unlock()
	return ui.TargetInfo{Describe: s.target.Describe, AccountID: s.target.AccountID, Sandbox: s.target.Sandbox != nil, Args: targetArgs(f.spec)}, nil
}

func (b *wizardBackend) Preflight(ctx context.Context) (ui.Preflight, error) {
	s := b.session()
	p := ui.Preflight{AccountID: s.target.AccountID}
	actual, err := s.orgs.Read(ctx)
	var member *orgs.NotManagementError
	switch {
	case errors.As(err, &member):
		// A member account: the preflight shows whose organization it is.
		org := member.Organization
		p.Organization = &org
	case err != nil:
		return p, err
	default:
		p.Organization = actual.Organization
		p.Accounts = len(actual.Accounts)
		for _, a := range actual.Accounts {
			p.Emails = append(p.Emails, a.Email)
		}
	}
	p.Quota, p.QuotaSource = orgs.AccountQuota(ctx, s.quota, apply.DefaultAccountQuota)
	return p, nil
}

// Inventory sweeps the connected account: every enabled region, the
// services a migration must move, and whatever Resource Explorer or the
// tagging API knows of.
func (b *wizardBackend) Inventory(ctx context.Context, progress func(inventory.Progress)) (*inventory.Result, error) {
	s := b.session()
	if s == nil {
		return nil, errors.New("no target is open")
	}
	return s.sweep(ctx, progress)
}

// NewManagementChoices: on the sandbox, its account that stands for the new
// one (the dirty-management scenario's clean account); on AWS every profile
// but the one in use.
func (b *wizardBackend) NewManagementChoices() []ui.TargetChoice {
	s := b.session()
	if s == nil {
		return nil
	}
	if sb := s.target.Sandbox; sb != nil {
		var out []ui.TargetChoice
		for _, a := range sb.Accounts() {
			if a.ID == s.target.AccountID || a.OrganizationID != "" {
				continue
			}
			if a.Role == "new-management" || a.Role == "standalone" {
				out = append(out, ui.TargetChoice{Sandbox: true, Label: fmt.Sprintf("sandbox account %s (%s)", a.ID, a.Name), Profile: a.ID})
			}
		}
		return out
	}
	var out []ui.TargetChoice
	for _, p := range awsProfiles() {
		if p != s.spec.Profile {
			out = append(out, ui.TargetChoice{Label: "profile " + p, Profile: p})
		}
	}
	return out
}

// PrepareNewManagement opens the new account beside the old one and runs
// way (a)'s own preflight.
func (b *wizardBackend) PrepareNewManagement(ctx context.Context, c ui.TargetChoice) (ui.NewManagement, error) {
	s := b.session()
	if s == nil {
		return ui.NewManagement{}, errors.New("no target is open")
	}
	b.dropMigration()
	var newT *target.Target
	var err error
	if c.Sandbox {
		if s.target.Sandbox == nil {
			return ui.NewManagement{}, errors.New("the sandbox's accounts are for the sandbox target")
		}
		newT, err = target.ForSandboxAccount(s.target.Sandbox, c.Profile, s.spec)
	} else {
		spec := s.spec
		spec.AWS, spec.Profile = true, c.Profile
		newT, err = target.Open(ctx, spec)
	}
	if err != nil {
		return ui.NewManagement{}, err
	}
	name := (&newManagementOptions{}).oldName(s)
	m := migrate.FromConfigs(newT.Config, newT.AccountID, s.target.Config, s.target.AccountID, name)
	nm := ui.NewManagement{NewAccount: newT.AccountID, NewDescribe: newT.Describe, OldAccount: s.target.AccountID, OldName: name, Sandbox: c.Sandbox}
	if err := m.Preflight(ctx); err != nil {
		newT.Close()
		return nm, err
	}
	b.mu.Lock()
	b.mig = &migration{m: m, newT: newT, choice: c}
	b.mu.Unlock()
	return nm, nil
}

// migration is a prepared way (a).
type migration struct {
	m      *migrate.NewManagement
	newT   *target.Target
	choice ui.TargetChoice
}

func (b *wizardBackend) dropMigration() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.mig != nil {
		b.mig.newT.Close()
		b.mig = nil
	}
}

// RunNewManagement carries way (a) out, then acts as the new management
// account: the sandbox target follows the organization its first account
// joined, so reopening it is enough; on AWS the session switches to the new
// profile.
func (b *wizardBackend) RunNewManagement(ctx context.Context, onEvent func(migrate.Event)) (ui.TargetInfo, error) {
	b.mu.Lock()
	mig := b.mig
	b.mu.Unlock()
	if mig == nil {
		return ui.TargetInfo{}, errors.New("way (a) was not prepared")
	}
	if err := mig.m.Run(ctx, onEvent); err != nil {
		return ui.TargetInfo{}, err
	}
	b.dropMigration()
	next := ui.TargetChoice{Sandbox: true}
	if !mig.choice.Sandbox {
		next = ui.TargetChoice{Profile: mig.choice.Profile}
	}
	return b.Connect(ctx, next)
}

func (b *wizardBackend) Plan(ctx context.Context, tree *orgmodel.Tree) (*orgmodel.Plan, *orgmodel.Actual, error) {
	s := b.session()
	actual, err := s.readFor(ctx, tree)
	if err != nil {
		return nil, nil, err
	}
	b.mu.Lock()
	b.tree = tree
	b.mu.Unlock()
	return orgmodel.MakePlan(tree, actual), actual, nil
}

// Apply takes the same lock and lease as orgwizard apply, then reads the
// organization again: a plan shown before another apply changed it is
// never carried out.
func (b *wizardBackend) Apply(ctx context.Context, plan *orgmodel.Plan, actual *orgmodel.Actual, onEvent func(apply.Event)) error {
	s := b.session()
	lock, err := s.lockOrganization(ctx, false, nil)
	if err != nil {
		return err
	}
	defer lock.release()
	b.mu.Lock()
	tree := b.tree
	b.mu.Unlock()
	if tree != nil {
		fresh, err := s.readFor(ctx, tree)
		if err != nil {
			return err
		}
		if now := orgmodel.MakePlan(tree, fresh); !samePlan(now, plan) {
			return userError("the organization changed since the plan was shown (another apply?); nothing was changed. Go back to Preview to see the plan as it is now")
		}
		actual = fresh
	}
	journal, err := s.openJournal()
	if err != nil {
		return err
	}
	opt := s.engineOptions()
	opt.Journal = journal
	opt.OnEvent = onEvent
	err = apply.New(lock.Guard(s.orgs), opt).Apply(lock.ctx, plan, actual)
	if lerr := lock.err(); lerr != nil && err != nil {
		return lerr
	}
	return err
}

// samePlan reports whether two plans have the same steps.
func samePlan(a, b *orgmodel.Plan) bool {
	if len(a.Steps) != len(b.Steps) {
		return false
	}
	for i := range a.Steps {
		if a.Steps[i].String() != b.Steps[i].String() {
			return false
		}
	}
	return true
}

func (b *wizardBackend) Verify(ctx context.Context) (wizard.Verified, error) {
	s := b.session()
	b.mu.Lock()
	tree := b.tree
	b.mu.Unlock()
	// With the design of the last plan, what it has beyond the organization
	// (access, budgets) is read back too, so that Done compares all of it.
	read := s.read
	if tree != nil {
		read = func(ctx context.Context) (*orgmodel.Actual, error) { return s.readFor(ctx, tree) }
	}
	actual, err := read(ctx)
	if err != nil {
		return wizard.Verified{}, err
	}
	// The clean check is ticked from a fresh sweep, never from the preflight's.
	res, err := s.sweep(ctx, nil)
	if err != nil {
		return wizard.Verified{}, err
	}
	return wizard.Verified{Caller: s.target.AccountID, Actual: actual, Inventory: ui.InventoryOf(res)}, nil
}

// Costs loads the month's spend as orgwizard costs does, through the same
// cache, and reads the budgets' use beside it.
func (b *wizardBackend) Costs(ctx context.Context, refresh bool) (ui.CostsReport, error) {
	s := b.session()
	if s == nil {
		return ui.CostsReport{}, errors.New("no target is open")
	}
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	path, err := costsCachePath(s, month)
	if err != nil {
		return ui.CostsReport{}, err
	}
	l, err := costs.Load(ctx, costsClient(s), costs.Query{Account: s.target.AccountID, Month: month, Now: now, CachePath: path, Refresh: refresh})
	if err != nil {
		return ui.CostsReport{}, costsError(err, s)
	}
	r := ui.CostsReport{Input: l.Input(s.target.AccountID, nil), Fetch: l.Fetch, CacheErr: l.CacheErr}
	bs, err := s.billing().Budgets(ctx)
	r.Budgets, r.BudgetsErr = costs.Uses(bs), err
	return r, nil
}

// IdentityCenter reads the organization's Identity Center instance with
// the identity center adapter (ListInstances in region, then in the other
// enabled regions), reading no account's assignments.
func (b *wizardBackend) IdentityCenter(ctx context.Context, region string) (ui.IdentityCenter, error) {
	s := b.session()
	if s == nil {
		return ui.IdentityCenter{}, errors.New("no target is open")
	}
	if region == "" {
		region = s.target.Config.Region
	}
	a, err := identitycenter.NewFromConfig(s.target.Config, identitycenter.Options{HomeRegion: region, Accounts: []string{}}).Read(ctx)
	if err != nil {
		return ui.IdentityCenter{}, awsError(err)
	}
	if a.InstanceARN == "" {
		return ui.IdentityCenter{Region: region}, nil
	}
	return ui.IdentityCenter{Enabled: true, InstanceARN: a.InstanceARN, IdentityStoreID: a.IdentityStoreID, Region: a.Region, PortalURL: a.PortalURL}, nil
}

// EnableIdentityCenter does the console's click on the sandbox, as
// orgwizard sandbox enable-identity-center does.
func (b *wizardBackend) EnableIdentityCenter(ctx context.Context, region string) (ui.IdentityCenter, error) {
	s := b.session()
	if s == nil {
		return ui.IdentityCenter{}, errors.New("no target is open")
	}
	if s.target.Sandbox == nil {
		return ui.IdentityCenter{}, errors.New("AWS has no API that turns on the organization's IAM Identity Center from the management account: enable it in the console")
	}
	info, err := s.target.Sandbox.EnableIdentityCenter(s.target.AccountID, region)
	if err != nil {
		return ui.IdentityCenter{}, err
	}
	return ui.IdentityCenter{Enabled: true, InstanceARN: info.InstanceARN, IdentityStoreID: info.IdentityStoreID, Region: info.Region, PortalURL: info.StartURL}, nil
}
