package cli

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/ui"
)

// The wizard asks whether Identity Center is on every few seconds while it
// waits for the click: each check finds the instance (ListInstances, and
// DescribeRegions to look beyond the home region while it is off) and reads
// nothing of the directory, the permission sets or the assignments.
func TestWizardIdentityCenterCheckIsLight(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	backend := &wizardBackend{flags: targetFlags{spec: target.Spec{SandboxState: filepath.Join(dir, "sandbox.json"), Scenario: "existing-org", Speed: 50}}, home: func() string { return "" }}
	defer backend.close()
	if _, err := backend.Connect(ctx, ui.TargetChoice{Sandbox: true}); err != nil {
		t.Fatal(err)
	}
	sb := backend.session().target.Sandbox
	light := map[string]bool{"ListInstances": true, "DescribeRegions": true}
	checkCalls := func(what string, before int) {
		t.Helper()
		calls := sb.Calls()[before:]
		if len(calls) == 0 {
			t.Errorf("%s: no call recorded", what)
		}
		for _, c := range calls {
			if !light[c.Operation] {
				t.Errorf("%s called %s %s: the check reads more than the instance", what, c.Service, c.Operation)
			}
		}
	}

	before := len(sb.Calls())
	ic, err := backend.IdentityCenter(ctx, "eu-west-1")
	if err != nil || ic.Enabled || ic.Region != "eu-west-1" {
		t.Fatalf("before the click: %+v, %v", ic, err)
	}
	checkCalls("the check while off", before)

	info, err := sb.EnableIdentityCenter(backend.session().target.AccountID, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	before = len(sb.Calls())
	ic, err = backend.IdentityCenter(ctx, "eu-west-1")
	if err != nil || !ic.Enabled || ic.Region != "eu-west-1" || ic.InstanceARN != info.InstanceARN || ic.PortalURL != info.StartURL {
		t.Fatalf("after the click: %+v, %v; want %+v", ic, err, info)
	}
	checkCalls("the check once on", before)
}
