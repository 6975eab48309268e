package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestSandboxEnableIdentityCenter: the command turns on the organization's instance once, says where its
// portal is, and refuses with a way forward where there is no organization or no state.
func TestSandboxEnableIdentityCenter(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	code, _, errOut := runSandboxCLI(t, "sandbox", "enable-identity-center", "--sandbox-state", missing)
	if code != ExitUser || !strings.Contains(errOut, "no sandbox state") {
		t.Fatalf("no state: exit %d, %q", code, errOut)
	}
	fresh := filepath.Join(dir, "fresh.json")
	runSandboxCLI(t, "sandbox", "reset", "--scenario", "fresh", "--sandbox-state", fresh)
	code, _, errOut = runSandboxCLI(t, "sandbox", "enable-identity-center", "--sandbox-state", fresh)
	if code != ExitUser || !strings.Contains(errOut, "no organization yet") {
		t.Fatalf("no organization: exit %d, %q", code, errOut)
	}

	state := filepath.Join(dir, "org.json")
	runSandboxCLI(t, "sandbox", "reset", "--scenario", "existing-org", "--sandbox-state", state)
	code, out, errOut := runSandboxCLI(t, "sandbox", "enable-identity-center", "--region", "eu-central-1", "--sandbox-state", state)
	if code != ExitOK || !strings.Contains(out, "IAM Identity Center enabled") || !strings.Contains(out, "home region     eu-central-1") ||
		!regexp.MustCompile(`access portal   https://d-[0-9a-f]{10}\.awsapps\.com/start`).MatchString(out) {
		t.Fatalf("enable: exit %d, out %q, err %q", code, out, errOut)
	}
	code, again, _ := runSandboxCLI(t, "sandbox", "enable-identity-center", "--sandbox-state", state)
	portal := regexp.MustCompile(`https://\S+`).FindString(out)
	if code != ExitOK || !strings.Contains(again, "was already enabled") || !strings.Contains(again, portal) || !strings.Contains(again, "eu-central-1") {
		t.Fatalf("enabling again: exit %d, %q (first: %q)", code, again, out)
	}

	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	for _, a := range sb.Accounts() {
		if a.Role == "management" {
			if info, ok := sb.IdentityCenter(a.ID); !ok || info.StartURL != portal {
				t.Fatalf("the state has %+v %v, the command said %s", info, ok, portal)
			}
		}
	}
	// While another process holds the state, the command says so.
	code, _, errOut = runSandboxCLI(t, "sandbox", "enable-identity-center", "--sandbox-state", state)
	if code != ExitUser || !strings.Contains(errOut, "in use") {
		t.Fatalf("state in use: exit %d, %q", code, errOut)
	}
}
