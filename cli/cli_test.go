package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const examples = "../examples"

// run runs orgwizard in-process and returns its exit code and outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), Build{Version: "test", Commit: "abcdef0123"}, args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "orgwizard.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestValidateExamples(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(examples, "*.yaml"))
	if err != nil || len(paths) < 4 {
		t.Fatalf("examples: %v %v", paths, err)
	}
	for _, path := range paths {
		code, out, errOut := run(t, "validate", "--design", path)
		if code != ExitOK || !strings.Contains(out, "is valid") || errOut != "" {
			t.Errorf("%s: exit %d, out %q, err %q", path, code, out, errOut)
		}
		for _, cmd := range []string{"preview"} {
			if code, _, errOut := run(t, cmd, "--design", path); code != ExitOK {
				t.Errorf("%s %s: exit %d, err %q", cmd, path, code, errOut)
			}
		}
	}
	_, out, _ := run(t, "validate", "--design", filepath.Join(examples, "acme-access.yaml"))
	if want := "\naccess: 4 groups (3 people), 4 permission sets, 28 account assignments\n"; !strings.Contains(out, want) {
		t.Errorf("validate acme-access.yaml says\n%s\nwithout %q", out, want)
	}
}

// A grant of the management account is valid, and validate warns of it with
// its line and field path.
func TestValidateWarnsOfTheManagementAccount(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(examples, "acme-access.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(data), "grants: [{permissionSet: admin, accounts: all}]", "grants: [{permissionSet: admin, accounts: all}, {permissionSet: billing, accounts: acme}]", 1)
	path := writeFile(t, src)
	code, out, errOut := run(t, "validate", "--design", path)
	line := strings.Count(src[:strings.Index(src, "accounts: acme")], "\n") + 1
	want := fmt.Sprintf("%s:%d: access.groups[2].grants[1].accounts: warning: gives group platform-admins billing in the management account (acme)", path, line)
	if code != ExitOK || !strings.Contains(out, "is valid") || !strings.HasPrefix(errOut, want) {
		t.Errorf("exit %d, out %q, err %q; want the warning %q", code, out, errOut, want)
	}
}

func TestValidateListsEveryError(t *testing.T) {
	path := writeFile(t, `version: 1
organization:
  name: Acme
  email: aws@acme.example
  homeRegion: eu-west-9
environments:
  - name: dev
workloads:
  - name: payments
    ownr: team@acme.example
  - name: payments
`)
	code, out, errOut := run(t, "validate", "--design", path)
	if code != ExitUser {
		t.Fatalf("exit %d, want %d", code, ExitUser)
	}
	if out != "" {
		t.Errorf("stdout %q; problems go to stderr", out)
	}
	for _, want := range []string{
		path + ":3: organization.name:",
		path + ":5: organization.homeRegion:",
		`path + ":10: workloads[0].ownr: unknown key "ownr"; did you mean "owner"?`,
		path + ":11: workloads[1].name:",
		// The command to run again names the file: a bare "orgwizard
		// validate" reads orgwizard.yaml, another design.
		"4 problems; fix them and run orgwizard validate --design " + path + " again",
	} {
		want = strings.ReplaceAll(want, `path + "`, path)
		want = strings.TrimSuffix(want, `"`)
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestValidateMissingFile(t *testing.T) {
	code, _, errOut := run(t, "validate", "--design", filepath.Join(t.TempDir(), "nope.yaml"))
	if code != ExitUser || !strings.Contains(errOut, "no design file at") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestValidateHugeFileIsRefusedFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(path, bytes.Repeat([]byte("# padding\n"), 5<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "validate", "--design", path)
	if code != ExitUser || !strings.Contains(errOut, "at most") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestPreviewJSONHasTheSpecTree(t *testing.T) {
	code, out, errOut := run(t, "preview", "--design", filepath.Join(examples, "acme.yaml"), "--output", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Version  int `json:"version"`
		OUs      []struct{ Path string }
		Accounts []struct {
			Name, Email, OU string
			Tags            map[string]string
		}
		Policies []struct {
			Name     string
			Targets  []string
			Document map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Version != 1 {
		t.Errorf("version %d", doc.Version)
	}
	if len(doc.Accounts) != 9 || len(doc.OUs) != 8 {
		t.Errorf("%d accounts and %d OUs, want 9 and 8", len(doc.Accounts), len(doc.OUs))
	}
	attached := map[string][]string{}
	for _, p := range doc.Policies {
		attached[p.Name] = p.Targets
		if p.Document["Version"] != "2012-10-17" {
			t.Errorf("%s document %v", p.Name, p.Document)
		}
	}
	want := map[string][]string{
		"orgwizard-deny-leave-organization": {"Root"},
		"orgwizard-deny-root-user":          {"Root"},
		"orgwizard-region-lock-eu":          {"Workloads/prod/eu"},
		"orgwizard-region-lock-us":          {"Workloads/prod/us"},
		"orgwizard-region-lock-all":         {"Workloads/dev", "Workloads/staging"},
	}
	for name, targets := range want {
		if !slices.Equal(attached[name], targets) {
			t.Errorf("%s on %v, want %v", name, attached[name], targets)
		}
	}
	if len(attached) != len(want) {
		t.Errorf("policies %v", attached)
	}
}

func TestPreviewText(t *testing.T) {
	code, out, errOut := run(t, "preview", "--design", filepath.Join(examples, "acme.yaml"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden := filepath.Join("testdata", "preview-acme.golden.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != out {
		t.Errorf("preview differs from %s (go test ./cli -run TestPreviewText -update after review):\n%s", golden, out)
	}
}

func TestPreviewBadOutput(t *testing.T) {
	code, _, errOut := run(t, "preview", "--design", filepath.Join(examples, "acme.yaml"), "--output", "yaml")
	if code != ExitUser || !strings.Contains(errOut, "use text or json") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestUnknownFlagIsAUserError(t *testing.T) {
	code, _, errOut := run(t, "validate", "--desing", "x.yaml")
	if code != ExitUser || !strings.Contains(errOut, "unknown flag") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "version")
	if code != ExitOK || !strings.Contains(out, "orgwizard test") || !strings.Contains(out, "commit abcdef0123") || !strings.Contains(out, "go1.") {
		t.Errorf("exit %d, out %q", code, out)
	}
	code, out, _ = run(t, "--version")
	if code != ExitOK || !strings.Contains(out, "test") {
		t.Errorf("--version: exit %d, out %q", code, out)
	}
}

// TestHelpListsOnlyWorkingCommands: a feature that is not there yet is
// absent from --help.
func TestHelpListsOnlyWorkingCommands(t *testing.T) {
	root := NewRootCommand(Build{}, IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	var names []string
	for _, c := range root.Commands() {
		if !c.Hidden {
			names = append(names, c.Name())
		}
	}
	for _, c := range root.Commands() {
		if c.RunE == nil && !c.HasSubCommands() {
			t.Errorf("command %s does nothing", c.Name())
		}
	}
	for _, present := range []string{"validate", "preview", "plan", "apply", "tree", "access", "audit", "migrate", "sandbox", "export", "iam-policy", "version"} {
		if !slices.Contains(names, present) {
			t.Errorf("%s is missing from --help", present)
		}
	}
}

// TestValidateReportsTreeProblemsAtOnce: a design with problems in its
// inputs, an adopted account placed in an OU that does not exist, emails
// that the template makes too long and a lookalike character gets them all
// in one run of validate, the lookalike named with its code point.
func TestValidateReportsTreeProblemsAtOnce(t *testing.T) {
	path := writeFile(t, `version: 1
organization:
  name: acme
  emailTemplate: "aws-platform-engineering-team-notices-for-{account}@acme.example"
  homeRegion: eu-west-1
environments:
  - name: Dev
  - name: prod
workloads:
  - name: pаyments
  - name: website
accounts:
  - name: legacy-app
    email: legacy@acme.example
    ou: Transitionl
`)
	code, out, errOut := run(t, "validate", "--design", path)
	if code != ExitUser || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{
		path + `:7: environments[0].name: "Dev" is not a valid name`,
		path + `:10: workloads[0].name: "pаyments" is not a valid name: character 2, 'а' U+0430 CYRILLIC SMALL LETTER A, is not ASCII; type a Latin 'a' (for example "payments")`,
		path + `:11: workloads[1]: account website-prod gets email aws-platform-engineering-team-notices-for-website-prod@acme.example, which AWS refuses`,
		path + `:15: accounts[0].ou: "Transitionl" is not an OU of this design; did you mean "Transitional"?`,
		path + ":4: foundation.security: account log-archive gets email aws-platform-engineering-team-notices-for-log-archive@acme.example, which AWS refuses",
		"6 problems",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}
