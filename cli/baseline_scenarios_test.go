package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
	seeded "github.com/orgwizard/orgwizard/sandbox/inventory"
)

// TestBaselineKeepsTheDirtyManagementAccountsResources: on the
// dirty-management scenario, the security baseline of acme-secure.yaml is
// applied both ways a user can go: (b) continuing in the account that runs
// the workloads, which becomes the management account, and (a) after
// migrate new-management, around the old account invited as a member. Each
// way the apply converges (a second plan has nothing to do), every resource
// the scenario seeded in the old account (instances, volumes, buckets,
// databases, tables, functions, the IAM user, the queue only Resource
// Explorer finds ...) is still there with the same details and tags, and
// the old account's own CloudTrail bucket, cloudtrail-logs-<id>, keeps its
// settings and is not where the organization trail delivers (the scenario
// seeds that bucket but no trail of its own). Removing a seeded resource
// or changing that bucket between the apply and the checks fails them.
func TestBaselineKeepsTheDirtyManagementAccountsResources(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme-secure on the sandbox twice")
	}
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Run("continue in the dirty account", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "sandbox.json")
		dirty, before := dirtyAccount(t, state)
		args := []string{"--design", filepath.Join(examples, "acme-secure.yaml"), "--sandbox-state", state, "--sandbox-speed", "50"}
		applyAndConverge(t, args)
		checkDirtyAccountKept(t, state, dirty, before)
	})
	t.Run("way out (a), a new management account", func(t *testing.T) {
		dir := t.TempDir()
		state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
		data, err := os.ReadFile(filepath.Join(examples, "acme-secure.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(design, data, 0o600); err != nil {
			t.Fatal(err)
		}
		dirty, before := dirtyAccount(t, state)
		code, out, errOut := run(t, "migrate", "new-management", "--sandbox-state", state, "--design", design)
		newID := regexp.MustCompile(`--new-account (\d{12})`).FindStringSubmatch(out)
		if code != ExitOK || newID == nil {
			t.Fatalf("migrate new-management: exit %d\n%s%s", code, out, errOut)
		}
		if code, out, errOut := run(t, "migrate", "new-management", "--sandbox-state", state, "--design", design, "--new-account", newID[1], "--yes"); code != ExitOK {
			t.Fatalf("migrate new-management --new-account: exit %d\n%s%s", code, out, errOut)
		}
		applyAndConverge(t, []string{"--design", design, "--sandbox-state", state, "--sandbox-speed", "50"})
		checkDirtyAccountKept(t, state, dirty, before)
	})
}

// keptState is what the old account holds before the apply: its inventory
// by key, and its CloudTrail bucket's settings.
type keptState struct {
	items  map[string]inventory.Item
	bucket string
}

// dirtyAccount creates the dirty-management scenario in state and returns
// the old account's id and what it holds.
func dirtyAccount(t *testing.T, state string) (string, keptState) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: state, Scenario: "dirty-management"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	var dirty string
	for _, a := range sb.Accounts() {
		if a.Name == "acme-legacy" {
			dirty = a.ID
		}
	}
	if dirty == "" {
		t.Fatal("the dirty-management scenario has no acme-legacy account")
	}
	items, bucket := readAccount(t, sb, dirty)
	// Every resource the scenario seeds is found before the apply, so that
	// its absence after it would show.
	for _, r := range seeded.DirtyResources(dirty) {
		if _, ok := items[r.ARN]; !ok {
			t.Fatalf("the inventory of %s does not find the seeded %s %s %s (%s) before the apply", dirty, r.Service, r.Type, r.ID, r.ARN)
		}
	}
	if !strings.Contains(bucket, "versioning=") {
		t.Fatalf("the old account's CloudTrail bucket reads as %q", bucket)
	}
	return dirty, keptState{items: items, bucket: bucket}
}

// readAccount sweeps accountID as itself, and describes its CloudTrail
// bucket (cloudtrail-logs-<id>, us-east-1).
func readAccount(t *testing.T, sb *sandbox.Sandbox, accountID string) (map[string]inventory.Item, string) {
	t.Helper()
	tg, err := target.ForSandboxAccount(sb, accountID, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	ctx := context.Background()
	clients := inventory.NewClients(tg.Config)
	defer clients.Close()
	res, err := inventory.New(clients, inventory.Options{Regions: []string{"eu-west-1", "us-east-1"}, HomeRegion: "us-east-1"}).Sweep(ctx, accountID)
	if err != nil {
		t.Fatalf("the inventory of %s: %v", accountID, err)
	}
	if !res.Complete() {
		t.Fatalf("the inventory of %s is incomplete: %+v", accountID, res.Problems)
	}
	items := map[string]inventory.Item{}
	for _, it := range res.Items {
		items[it.Key()] = it
	}

	api := s3.NewFromConfig(tg.Config, func(o *s3.Options) { o.UsePathStyle = true; o.Region = "us-east-1" })
	name := aws.String("cloudtrail-logs-" + accountID)
	var b strings.Builder
	v, err := api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: name})
	if err != nil {
		t.Fatalf("the old account's CloudTrail bucket: %v", err)
	}
	b.WriteString("versioning=" + string(v.Status))
	p, err := api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: name})
	b.WriteString(" policy=" + aws.ToString(policyOf(p)) + answerCode(t, err))
	l, err := api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: name})
	rules := 0
	if err == nil {
		rules = len(l.Rules)
	}
	fmt.Fprintf(&b, " lifecycle-rules=%d%s", rules, answerCode(t, err))
	return items, b.String()
}

func policyOf(p *s3.GetBucketPolicyOutput) *string {
	if p == nil {
		return nil
	}
	return p.Policy
}

// answerCode is "" for success and " (<code>)" for an error AWS answered;
// any other error fails the test.
func answerCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("reading the old account's CloudTrail bucket: %v", err)
	}
	return " (" + ae.ErrorCode() + ")"
}

// applyAndConverge applies with args and checks that a second plan has
// nothing to do.
func applyAndConverge(t *testing.T, args []string) {
	t.Helper()
	if code, out, errOut := run(t, append([]string{"apply", "--yes"}, args...)...); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := run(t, append([]string{"plan", "--detailed-exitcode"}, args...)...); code != ExitOK || !strings.Contains(out, "Nothing to do") {
		t.Fatalf("a second plan: exit %d\n%s\n%s", code, out, errOut)
	}
}

// checkDirtyAccountKept checks that the old account still holds what it
// held, and that the organization trail delivers elsewhere.
func checkDirtyAccountKept(t *testing.T, state, dirty string, before keptState) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	after, bucket := readAccount(t, sb, dirty)
	for _, r := range seeded.DirtyResources(dirty) {
		if _, ok := after[r.ARN]; !ok {
			t.Errorf("the seeded %s %s %s (%s) is gone after the apply", r.Service, r.Type, r.ID, r.ARN)
		}
	}
	for key, it := range before.items {
		got, ok := after[key]
		if !ok {
			t.Errorf("%s %s %s is gone after the apply", it.Service, it.Type, it.ID)
			continue
		}
		if got.Detail != it.Detail || !maps.Equal(got.Tags, it.Tags) {
			t.Errorf("%s %s %s changed: %q %v, was %q %v", it.Service, it.Type, it.ID, got.Detail, got.Tags, it.Detail, it.Tags)
		}
	}
	if bucket != before.bucket {
		t.Errorf("the old account's CloudTrail bucket changed: %s, was %s", bucket, before.bucket)
	}

	// The organization trail, in the management account (whichever it is
	// now), delivers into log-archive's bucket, not the old account's.
	tg, err := target.ForSandbox(sb, target.Spec{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	trails, err := cloudtrail.NewFromConfig(tg.Config).DescribeTrails(context.Background(), &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tr := range trails.TrailList {
		if aws.ToString(tr.Name) != orgmodel.TrailName {
			continue
		}
		found = true
		if b := aws.ToString(tr.S3BucketName); b == "cloudtrail-logs-"+dirty || !strings.HasPrefix(b, orgmodel.LogBucketPrefix) {
			t.Errorf("the organization trail delivers into %s", b)
		}
	}
	if !found {
		t.Errorf("no trail %s in the management account %s: %+v", orgmodel.TrailName, tg.AccountID, trails.TrailList)
	}
}
