package cli

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/ui"
)

// The wizard's apply takes the same lease as orgwizard apply: refused while
// another apply holds the organization; and a plan shown before the
// organization changed is not carried out.
func TestWizardApplyTakesTheLease(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	state := filepath.Join(dir, "sandbox.json")
	tree, err := loadTree(filepath.Join(examples, "acme.yaml"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	backend := &wizardBackend{flags: targetFlags{spec: target.Spec{SandboxState: state, Scenario: "existing-org", Speed: 50}}, home: func() string { return "" }}
	defer backend.close()
	if _, err := backend.Connect(ctx, ui.TargetChoice{Sandbox: true}); err != nil {
		t.Fatal(err)
	}
	plan, actual, err := backend.Plan(ctx, tree)
	if err != nil {
		t.Fatal(err)
	}
	s := backend.session()
	root, err := s.orgs.RootID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other, err := apply.AcquireLease(ctx, s.orgs, root, apply.LeaseOptions{Holder: "bob", Host: "elsewhere", PID: 1, Settle: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = backend.Apply(ctx, plan, actual, func(apply.Event) {})
	var held *apply.HeldError
	if !errors.As(err, &held) || held.Lease.Holder != "bob" {
		t.Fatalf("the wizard's apply under another's lease: %v", err)
	}
	if err := other.Release(ctx); err != nil {
		t.Fatal(err)
	}

	// Another apply changes the organization after the plan was shown.
	if _, err := s.orgs.CreateOU(ctx, root, "Security"); err != nil {
		t.Fatal(err)
	}
	err = backend.Apply(ctx, plan, actual, func(apply.Event) {})
	if err == nil || !strings.Contains(err.Error(), "changed since the plan was shown") {
		t.Fatalf("the wizard applied a plan made before the organization changed: %v", err)
	}
}
