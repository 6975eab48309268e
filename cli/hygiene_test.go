package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/orgwizard/orgwizard/aws/sandbox"
)

// Files orgwizard writes for the user honour the umask (issue 11: the
// wizard wrote the design 0644 under umask 077, export 0644 under umask 002). No test of
// this package runs in parallel, so the umask changes nothing else.
func TestUserFilesHonourTheUmask(t *testing.T) {
	for _, c := range []struct {
		umask int
		want  os.FileMode
	}{{0o077, 0o600}, {0o022, 0o644}, {0o002, 0o664}} {
		old := syscall.Umask(c.umask)
		dir := t.TempDir()
		out := filepath.Join(dir, "org.tf")
		code, _, errOut := run(t, "export", "--design", filepath.Join(examples, "acme.yaml"), "--format", "terraform", "-o", out)
		// The wizard saves the design with writeUserFile.
		design := filepath.Join(dir, "orgwizard.yaml")
		saveErr := writeUserFile(design, []byte("version: 1\n"))
		syscall.Umask(old)
		if code != ExitOK || saveErr != nil {
			t.Fatalf("umask %03o: export exit %d %s; save %v", c.umask, code, errOut, saveErr)
		}
		for _, p := range []string{out, design} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != c.want {
				t.Errorf("umask %03o: %s has mode %03o, want %03o", c.umask, filepath.Base(p), got, c.want)
			}
		}
	}
}

// A sandbox state that another process holds is the user's to resolve:
// exit 1, not the AWS-failure 3 (issue 10), with what to do.
func TestStateInUseIsAUserError(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	for _, args := range [][]string{
		{"plan", "--design", filepath.Join(examples, "acme.yaml"), "--sandbox-state", state},
		{"tree", "--sandbox-state", state},
		{"apply", "--yes", "--design", filepath.Join(examples, "acme.yaml"), "--sandbox-state", state},
	} {
		code, _, errOut := run(t, args...)
		if code != ExitUser || !strings.Contains(errOut, "in use by another orgwizard process") || !strings.Contains(errOut, "--endpoint-url") {
			t.Errorf("%s: exit %d, want 1 with what to do; stderr %q", args[0], code, errOut)
		}
	}
}

// A --profile that does not exist is the user's to fix: exit 1 and how to
// create it, not exit 3 (issue 10).
func TestMissingProfileIsAUserError(t *testing.T) {
	dir := t.TempDir()
	cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	for _, p := range []string{cfg, creds} {
		if err := os.WriteFile(p, []byte("[profile other]\nregion = eu-west-1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code, _, errOut := run(t, "tree", "--profile", "nosuch")
	if code != ExitUser {
		t.Errorf("exit %d, want 1; stderr %q", code, errOut)
	}
	for _, want := range []string{`no AWS profile "nosuch"`, cfg, "aws configure sso --profile nosuch", "list-profiles"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q: %s", want, errOut)
		}
	}
}
