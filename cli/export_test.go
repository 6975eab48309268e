package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestExportNeedsAFormat(t *testing.T) {
	acme := filepath.Join(examples, "acme.yaml")
	for _, args := range [][]string{
		{"export", "--design", acme},
		{"export", "--design", acme, "--format", "hcl"},
	} {
		code, _, errOut := run(t, args...)
		if code != ExitUser || !strings.Contains(errOut, "terraform, cloudformation, mermaid, dot") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
}

// The design export's JSON is preview's JSON with more fields, none changed.
func TestExportJSONExtendsPreview(t *testing.T) {
	acme := filepath.Join(examples, "acme.yaml")
	_, preview, _ := run(t, "preview", "--design", acme, "--output", "json")
	code, exported, errOut := run(t, "export", "--design", acme, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var p, e map[string]any
	if err := json.Unmarshal([]byte(preview), &p); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(exported), &e); err != nil {
		t.Fatal(err)
	}
	for k, v := range p {
		if !reflect.DeepEqual(e[k], v) {
			t.Errorf("field %s differs from preview's", k)
		}
	}
}

func TestExportToFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "org.mmd")
	code, stdout, errOut := run(t, "export", "--design", filepath.Join(examples, "acme.yaml"), "--format", "mermaid", "-o", out)
	if code != ExitOK || stdout != "" || !strings.Contains(errOut, "wrote "+out) {
		t.Fatalf("exit %d, out %q, err %q", code, stdout, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), "flowchart TD") {
		t.Fatalf("%v: %s", err, data)
	}
}

func TestExportLiveWithoutOrganization(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	code, _, errOut := run(t, "export", "--live", "--format", "json", "--sandbox-state", state)
	if code != ExitUser || !strings.Contains(errOut, "no organization") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// After apply, the live export of the design imports every resource it
// declares, with the ids the sandbox gave them; without the design it
// exports what exists.
func TestExportLiveAfterApply(t *testing.T) {
	acme := filepath.Join(examples, "acme.yaml")
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if code, out, errOut := run(t, "apply", "--yes", "--design", acme, "--sandbox-state", state, "--sandbox-speed", "1000"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	code, tf, errOut := run(t, "export", "--live", "--design", acme, "--format", "terraform", "--sandbox-state", state)
	if code != ExitOK || !strings.Contains(errOut, "Target: sandbox") {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	f, diags := hclparse.NewParser().ParseHCL([]byte(tf), "main.tf")
	if diags.HasErrors() {
		t.Fatalf("%s\n%s", diags.Error(), tf)
	}
	var resources, imports []string
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		switch b.Type {
		case "resource":
			resources = append(resources, b.Labels[0]+"."+b.Labels[1])
		case "import":
			imports = append(imports, string(b.Body.Attributes["to"].Expr.Range().SliceBytes([]byte(tf))))
		}
	}
	slices.Sort(resources)
	slices.Sort(imports)
	if len(resources) != 1+8+9+5+6 || !slices.Equal(resources, imports) {
		t.Errorf("resources %v\nimports %v", resources, imports)
	}

	code, js, errOut := run(t, "export", "--live", "--format", "json", "--sandbox-state", state)
	if code != ExitOK {
		t.Fatalf("export live json: exit %d: %s", code, errOut)
	}
	var doc struct {
		OrganizationID string `json:"organizationId"`
		Accounts       []struct{ Name, ID string }
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OrganizationID, "o-") || len(doc.Accounts) != 10 {
		t.Errorf("live json: %+v", doc)
	}
	for _, a := range doc.Accounts {
		if len(a.ID) != 12 {
			t.Errorf("account %s has the id %q", a.Name, a.ID)
		}
	}
}

// An OU that existed before apply (existing-org's Workloads, untagged) is
// declared with the tags it has, none; those apply created carry its tag.
// Declaring the tag on Workloads would make terraform plan show a change.
func TestExportLiveKeepsTagsOfWhatExisted(t *testing.T) {
	acme := filepath.Join(examples, "acme.yaml")
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if code, out, errOut := run(t, "apply", "--yes", "--design", acme, "--sandbox-state", state, "--scenario", "existing-org", "--sandbox-speed", "1000"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	code, tf, errOut := run(t, "export", "--live", "--design", acme, "--format", "terraform", "--sandbox-state", state)
	if code != ExitOK {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	f, diags := hclparse.NewParser().ParseHCL([]byte(tf), "main.tf")
	if diags.HasErrors() {
		t.Fatalf("%s\n%s", diags.Error(), tf)
	}
	tagged := map[string]bool{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "resource" && b.Labels[0] == "aws_organizations_organizational_unit" {
			tagged[b.Labels[1]] = b.Body.Attributes["tags"] != nil
		}
	}
	if tagged["workloads"] || !tagged["security"] || !tagged["workloads_prod_eu"] {
		t.Errorf("OUs declared with tags: %v; want all but workloads, which existed untagged", tagged)
	}
}

func TestIAMPolicyCommand(t *testing.T) {
	code, out, errOut := run(t, "iam-policy")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Version   string
		Statement []struct{ Action []string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, s := range doc.Statement {
		actions = append(actions, s.Action...)
	}
	if doc.Version != "2012-10-17" || !slices.Contains(actions, "organizations:CreateAccount") || slices.Contains(actions, "organizations:*") {
		t.Errorf("policy %s", out)
	}
}
