package wizard

import (
	"strings"
	"testing"
)

func TestCommandQuotesWhatTheShellWouldSplit(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tree"}, "orgwizard tree"},
		{[]string{"tree", "--sandbox-state", "/tmp/my state.json"}, "orgwizard tree --sandbox-state '/tmp/my state.json'"},
		{[]string{"--profile", "it's", "--endpoint-url", "http://127.0.0.1:4566"}, `orgwizard --profile 'it'\''s' --endpoint-url http://127.0.0.1:4566`},
		{[]string{"--design", "$HOME/a.yaml"}, "orgwizard --design '$HOME/a.yaml'"},
		{[]string{"--design", ""}, "orgwizard --design ''"},
	} {
		if got := Command(c.args...); got != c.want {
			t.Errorf("Command(%q) = %s, want %s", c.args, got, c.want)
		}
	}
}

// The suggested commands carry the flags in use: a tree of the default
// sandbox would show another organization than the one just built.
func TestNextStepsCarryTheFlagsInUse(t *testing.T) {
	steps := strings.Join(NextSteps(true, "my designs/acme.yaml", []string{"--sandbox-state", "/tmp/s b.json", "--sandbox-speed", "10"}), "\n")
	for _, want := range []string{"orgwizard tree --sandbox-state '/tmp/s b.json' --sandbox-speed 10", "--design 'my designs/acme.yaml'"} {
		if !strings.Contains(steps, want) {
			t.Errorf("next steps lack %q:\n%s", want, steps)
		}
	}
	steps = strings.Join(NextSteps(false, DefaultDesign, []string{"--profile", "management"}), "\n")
	for _, want := range []string{"orgwizard tree --profile management", "orgwizard plan --profile management"} {
		if !strings.Contains(steps, want) {
			t.Errorf("next steps lack %q:\n%s", want, steps)
		}
	}
	if got := RerunCommand("acme.yaml", []string{"--endpoint-url", "http://localhost:5000"}); got != "orgwizard --endpoint-url http://localhost:5000 --design acme.yaml" {
		t.Errorf("RerunCommand = %s", got)
	}
	if got := RerunCommand(DefaultDesign, nil); got != "orgwizard" {
		t.Errorf("RerunCommand of the defaults = %s", got)
	}
}

// The runbook's commands act on the target and design the wizard used:
// "orgwizard audit --runbook orgwizard-runbook.md" audited the default
// target and found no design to compare with.
func TestRunbookCommandsCarryTheFlagsInUse(t *testing.T) {
	args := []string{"--sandbox-state", "/tmp/my state.json"}
	if got, want := RunbookProgressCommand("/d/orgwizard-runbook.md", "/d/acme.yaml", args),
		"orgwizard audit --sandbox-state '/tmp/my state.json' --design /d/acme.yaml --runbook /d/orgwizard-runbook.md"; got != want {
		t.Errorf("RunbookProgressCommand = %q, want %q", got, want)
	}
	if got, want := RunbookProgressCommand(RunbookFile, DefaultDesign, nil), "orgwizard audit --runbook orgwizard-runbook.md"; got != want {
		t.Errorf("RunbookProgressCommand = %q, want %q", got, want)
	}
	if got, want := RunbookCommand("acme.yaml", []string{"--profile", "mgmt"}), "orgwizard migrate runbook --profile mgmt --design acme.yaml --out orgwizard-runbook.md"; got != want {
		t.Errorf("RunbookCommand = %q, want %q", got, want)
	}
}
