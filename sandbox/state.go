package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/orgwizard/orgwizard/internal/atomicfile"
	"github.com/orgwizard/orgwizard/sandbox/accessanalyzer"
	"github.com/orgwizard/orgwizard/sandbox/account"
	"github.com/orgwizard/orgwizard/sandbox/billing"
	"github.com/orgwizard/orgwizard/sandbox/cloudtrail"
	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/guardduty"
	"github.com/orgwizard/orgwizard/sandbox/iam"
	"github.com/orgwizard/orgwizard/sandbox/identitycenter"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
	"github.com/orgwizard/orgwizard/sandbox/organizations"
	"github.com/orgwizard/orgwizard/sandbox/s3"
	"github.com/orgwizard/orgwizard/sandbox/securityhub"
	"github.com/orgwizard/orgwizard/sandbox/servicequotas"
)

// stateVersion is written in every state file so that a later sandbox can
// refuse, rather than misread, a file it does not understand.
const stateVersion = 1

// state is everything the simulated AWS knows. It is what the JSON file holds,
// field for field, so that a person can read and even edit it between runs.
type state struct {
	Version  int    `json:"version"`
	Scenario string `json:"scenario"`
	// AccountQuota is the accounts quota a new organization gets (AWS's
	// default is 10, the small-quota scenario sets 4).
	AccountQuota  int                           `json:"accountQuota"`
	Faults        core.Faults                   `json:"faults"`
	Accounts      []*core.Account               `json:"accounts"`
	Organizations []*organizations.Organization `json:"organizations"`
	Sessions      []*core.Session               `json:"sessions,omitempty"`
	QuotaRequests []*servicequotas.Request      `json:"quotaRequests,omitempty"`
	Resources     []inventory.Resource          `json:"resources,omitempty"`
	// IdentityCenter is IAM Identity Center's state; nil until it is first used.
	IdentityCenter *identitycenter.State `json:"identityCenter,omitempty"`
	// Billing holds Cost Explorer's cost categories and the budgets.
	Billing *billing.State `json:"billing,omitempty"`
	// S3 holds every account's buckets; a scenario's buckets join it on load.
	S3 *s3.State `json:"s3,omitempty"`
	// The security baseline's services (baseline.go); nil until first used.
	CloudTrail     *cloudtrail.State     `json:"cloudTrail,omitempty"`
	GuardDuty      *guardduty.State      `json:"guardDuty,omitempty"`
	SecurityHub    *securityhub.State    `json:"securityHub,omitempty"`
	AccessAnalyzer *accessanalyzer.State `json:"accessAnalyzer,omitempty"`
	// Account is the Account service's alternate contacts.
	Account *account.State `json:"account,omitempty"`
	// IAM holds the organization features of centralized root access.
	IAM *iam.State `json:"iam,omitempty"`
}

// store writes the state file the way a crash cannot tear: a temporary file in
// the same directory, fsync, rename over the old one, fsync the directory.
type store struct {
	path string
}

func (s store) load() (*state, error) {
	data, err := os.ReadFile(s.path)
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("sandbox state %s is not valid JSON: %w (run 'orgwizard sandbox reset' to start over)", s.path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("sandbox state %s has version %d, this orgwizard reads version %d (run 'orgwizard sandbox reset')", s.path, st.Version, stateVersion)
	}
	return &st, nil
}

func (s store) save(st *state) error {
	data, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	// 0600: the state holds every simulated account's secret keys.
	return atomicfile.WriteFile(s.path, append(data, '\n'), 0o600)
}

// StateDir is where orgwizard keeps what it must not lose (the sandbox, the
// apply journal): $XDG_STATE_HOME/orgwizard, or ~/.local/state/orgwizard.
func StateDir() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" {
		return filepath.Join(dir, "orgwizard"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory to keep orgwizard's state in (set XDG_STATE_HOME): %w", err)
	}
	return filepath.Join(home, ".local", "state", "orgwizard"), nil
}

// DefaultStatePath is where the sandbox keeps its state when no path is given:
// sandbox.json in StateDir.
func DefaultStatePath() (string, error) {
	dir, err := StateDir()
	if err != nil {
		return "", fmt.Errorf("%w; or pass --sandbox-state", err)
	}
	return filepath.Join(dir, "sandbox.json"), nil
}

func dirOf(path string) string { return filepath.Dir(path) }

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}
