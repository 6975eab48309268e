package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/costview"
	"github.com/orgwizard/orgwizard/sandbox"
)

// TestCostsEndToEnd applies acme.yaml to a sandbox and views its costs: the
// text, the JSON and the CSV carry the same numbers; the first view asks
// Cost Explorer twice (one daily request, one forecast), the next ones come
// from the cache with no request, and --refresh asks again.
func TestCostsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "sandbox.json")
	acme := filepath.Join(examples, "acme.yaml")
	if code, out, errOut := run(t, "apply", "--yes", "--design", acme, "--sandbox-state", state, "--sandbox-speed", "1000"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	costs := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(t, append([]string{"costs", "--design", acme, "--sandbox-state", state}, args...)...)
		if code != ExitOK {
			t.Fatalf("costs %v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out
	}
	text := costs("--by", "environment")
	if !strings.Contains(text, "2 Cost Explorer requests, $0.02 at $0.01 each.") {
		t.Fatalf("the first view does not say it made 2 requests:\n%s", text)
	}
	var doc costview.Document
	if err := json.Unmarshal([]byte(costs("--by", "environment", "-o", "json")), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || !doc.FromCache || doc.Requests != 0 || doc.Forecast == nil {
		t.Errorf("the second view: version %d, from cache %v, %d requests, forecast %v", doc.Version, doc.FromCache, doc.Requests, doc.Forecast)
	}
	rows, err := csv.NewReader(strings.NewReader(costs("--by", "environment", "-o", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for i, g := range doc.Groups {
		order = append(order, g.Name)
		amount := strconv.FormatFloat(g.MonthToDate, 'f', 2, 64)
		if rows[i+1][1] != g.Name || rows[i+1][3] != amount {
			t.Errorf("csv %v; json %s %s", rows[i+1], g.Name, amount)
		}
		m := regexp.MustCompile(`(?m)^  ` + g.Name + ` .*\$([0-9,]+\.[0-9]{2})`).FindStringSubmatch(text)
		if m == nil || strings.ReplaceAll(m[1], ",", "") != amount {
			t.Errorf("text has %v for %s; json %s\n%s", m, g.Name, amount, text)
		}
	}
	if strings.Join(order, ",") != "prod,staging,dev,foundation" {
		t.Errorf("environments by spend: %v; production above staging above dev", order)
	}
	if doc.Management == nil || !doc.Management.Clean || !strings.Contains(text, "costs next to nothing") {
		t.Errorf("the fresh management account is not shown clean: %+v\n%s", doc.Management, text)
	}
	if !strings.Contains(text, "Month to date: $"+money(doc.MonthToDate)) || !strings.Contains(text, "forecast for") {
		t.Errorf("text lacks the month to date %.2f or the forecast:\n%s", doc.MonthToDate, text)
	}
	again := costs("--by", "workload")
	if !strings.Contains(again, "0 Cost Explorer requests: from the cache, fetched") {
		t.Errorf("the third view was not served from the cache:\n%s", again)
	}
	if refreshed := costs("--refresh"); !strings.Contains(refreshed, "2 Cost Explorer requests") {
		t.Errorf("--refresh made no requests:\n%s", refreshed)
	}
	// Accounts created a moment ago have a month of history.
	for _, g := range doc.Groups {
		if g.Last30[0] <= 0 {
			t.Errorf("%s has no spend 30 days ago: %v", g.Name, g.Last30)
		}
	}
	// A past month: one request, no forecast, its own cache.
	last := time.Now().UTC().AddDate(0, 0, -time.Now().UTC().Day()).Format("2006-01")
	var past costview.Document
	if err := json.Unmarshal([]byte(costs("--month", last, "-o", "json")), &past); err != nil {
		t.Fatal(err)
	}
	if past.Month != last || past.Forecast != nil || past.Requests != 1 || past.FromCache || past.MonthToDate <= 0 {
		t.Errorf("--month %s: month %s, forecast %v, %d requests, from cache %v, %.2f", last, past.Month, past.Forecast, past.Requests, past.FromCache, past.MonthToDate)
	}
}

func money(v float64) string { return costview.Money(v, "USD")[1:] }

// TestCostsShowsADirtyManagementAccount: dirty-management's founder
// account runs workloads, and the view says so.
func TestCostsShowsADirtyManagementAccount(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	code, out, errOut := run(t, "costs", "--by", "account", "--scenario", "dirty-management", "--sandbox-state", state)
	if code != ExitOK || !strings.Contains(out, "Not clean") || !strings.Contains(out, "orgwizard migrate runbook") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestCostsShowsTheRunawayAccount: existing-org's payments-dev has climbed
// for days, and its sparkline ends at its peak.
func TestCostsShowsTheRunawayAccount(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	code, out, errOut := run(t, "costs", "--by", "account", "--scenario", "existing-org", "--sandbox-state", state, "-o", "json")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var doc costview.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, g := range doc.Groups {
		if g.Name != "payments-dev" {
			continue
		}
		last := g.Last30[29]
		if last < 10*g.Last30[10] || costview.Sparkline(g.Last30)[len("▁")*29:] != "█" {
			t.Errorf("payments-dev's last 30 days do not climb to today: %v", g.Last30)
		}
		return
	}
	t.Errorf("no payments-dev in %+v", doc.Groups)
}

func TestCostsRefusesBadFlags(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--by", "team"}, `--by "team" is not a dimension; use one of: workload, environment, residency, account`},
		{[]string{"--month", "11/2026"}, "write it YYYY-MM"},
		{[]string{"--month", "2999-01"}, "is in the future"},
		{[]string{"--month", "2001-01"}, "older than Cost Explorer keeps"},
		{[]string{"-o", "yaml"}, "use text, json or csv"},
		{[]string{"--design", filepath.Join(t.TempDir(), "none.yaml")}, "no design file at"},
	} {
		code, _, errOut := run(t, append([]string{"costs", "--sandbox-state", state}, tc.args...)...)
		if code != ExitUser || !strings.Contains(errOut, tc.want) {
			t.Errorf("costs %v: exit %d, %q; want exit %d and %q", tc.args, code, errOut, ExitUser, tc.want)
		}
	}
}

// TestCostsFromAMemberAccount: Cost Explorer refuses a member account; the
// error says to use the management account and which permissions.
func TestCostsFromAMemberAccount(t *testing.T) {
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: "existing-org", RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, a := range sb.Accounts() {
		if a.Name == "payments-dev" {
			t.Setenv("AWS_ACCESS_KEY_ID", a.AccessKeyID)
			t.Setenv("AWS_SECRET_ACCESS_KEY", a.SecretAccessKey)
		}
	}
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	code, out, errOut := run(t, "costs", "--by", "account", "--endpoint-url", endpoint)
	if code != ExitUser || !strings.Contains(errOut, "use its credentials") || !strings.Contains(errOut, "iam-policy --for costs") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
