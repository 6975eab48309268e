package cli

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/sandbox"
)

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

// Running migrate new-management again after it succeeded says the
// migration is done and exits 0 (issue 10: it exited 1 with "the new
// management account and the old account are the same account"), and
// leaves the design as it was.
func TestNewManagementRerunAfterSuccess(t *testing.T) {
	dir := t.TempDir()
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	data, err := os.ReadFile(filepath.Join(examples, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "migrate", "new-management", "--scenario", "dirty-management", "--sandbox-state", state, "--design", design)
	newID := regexp.MustCompile(`--new-account (\d{12})`).FindStringSubmatch(out)
	if code != ExitOK || newID == nil {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	args := []string{"migrate", "new-management", "--sandbox-state", state, "--design", design, "--new-account", newID[1], "--yes"}
	code, first, errOut := run(t, args...)
	if code != ExitOK || !strings.Contains(first, "is now the management account") {
		t.Fatalf("the migration: exit %d\n%s\n%s", code, first, errOut)
	}
	recorded, err := os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	oldID := regexp.MustCompile(`Old account: sandbox, account (\d{12})`).FindStringSubmatch(first)
	if oldID == nil {
		t.Fatalf("the first run does not name the old account:\n%s", first)
	}

	code, again, errOut := run(t, args...)
	if code != ExitOK {
		t.Fatalf("the re-run: exit %d\n%s\n%s", code, again, errOut)
	}
	for _, want := range []string{
		"Old account: sandbox, account " + oldID[1],
		"The migration is already done",
		"Nothing changed.",
		"already records account " + oldID[1],
	} {
		if !strings.Contains(again, want) {
			t.Errorf("the re-run does not say %q:\n%s", want, again)
		}
	}
	if after, _ := os.ReadFile(design); string(after) != string(recorded) {
		t.Errorf("the re-run changed the design:\n%s\n---\n%s", recorded, after)
	}
}

func TestBuildFromBuildInfo(t *testing.T) {
	info := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-11-29T18:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	b := Build{}.from(info)
	if b.Version != "dev" || b.Commit != "0123456789abcdef0123456789abcdef01234567" || b.Time != "2026-11-29T18:00:00Z" || !b.Modified {
		t.Errorf("from the build information: %+v", b)
	}
	if got, want := b.commitLine(), "commit 0123456789abcdef0123456789abcdef01234567 (2026-11-29T18:00:00Z, with uncommitted changes)"; got != want {
		t.Errorf("commit line %q, want %q", got, want)
	}
	// A release build's ldflags win over the build information.
	b = Build{Version: "v1.2.0", Commit: "feedface"}.from(info)
	if b.Version != "v1.2.0" || b.Commit != "feedface" || b.Time != "" || b.Modified || b.commitLine() != "commit feedface" {
		t.Errorf("with ldflags: %+v, %q", b, b.commitLine())
	}
	// go install module@version records the module's version.
	if b := (Build{}).from(&debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}); b.Version != "v1.3.0" {
		t.Errorf("go install's version: %+v", b)
	}
	// Without Git information it says why there is no commit.
	if line := (Build{}).from(nil).commitLine(); !strings.Contains(line, "commit unknown: built without Git information") {
		t.Errorf("without Git information: %q", line)
	}
}

// `go build` in a Git clone gives a binary whose version names the commit
// (issue 10: it printed "commit unknown"). The module is copied into a new
// Git repository of its own, so the test needs no clone around it.
func TestVersionOfABinaryBuiltInAGitClone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	src := t.TempDir()
	copyTree(t, "..", src)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
			"GIT_AUTHOR_DATE=2026-11-29T18:00:00Z", "GIT_COMMITTER_DATE=2026-11-29T18:00:00Z")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "test")
	head := git("rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "orgwizard")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = src
	// The README's build, whatever GOFLAGS the machine sets.
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=true")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("version: %v\n%s", err, out)
	}
	if want := "commit " + head + " (2026-11-29T18:00:00Z)"; !strings.Contains(string(out), want) {
		t.Errorf("version says:\n%s\nwant %q", out, want)
	}
}

// copyTree copies the regular files under from to to, leaving out .git.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
