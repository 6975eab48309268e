package sandbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/orgwizard/orgwizard/sandbox"
)

// post sends body to the sandbox as an STS-style form, signed as a when a
// is given, and returns the status and the answer.
func post(t *testing.T, url string, a *sandbox.AccountInfo, contentType string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if a != nil {
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretAccessKey},
			req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// TestOversizedBodies: a body over the sandbox's 1 MiB is refused whole with
// 413 RequestEntityTooLarge in the protocol's own error shape (never cut short
// and served), what the record keeps of any request is bounded, and the
// record stays readable whatever a client sent.
func TestOversizedBodies(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	w := newWorld(t, sandbox.Config{Scenario: "fresh", StatePath: state})
	a := w.account("acme")
	form := "application/x-www-form-urlencoded; charset=utf-8"

	// Unauthenticated, as the report had it: Action=AAAA... of 2 MB.
	big := []byte("Action=" + strings.Repeat("A", 2<<20))
	status, answer := post(t, w.url, nil, form, big)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(answer, "<Code>RequestEntityTooLarge</Code>") {
		t.Fatalf("2 MB unauthenticated: %d %.200s", status, answer)
	}
	// Signed, one byte over: refused, not cut short to the limit and served.
	over := []byte("Action=GetCallerIdentity&Version=2011-06-15&Pad=" + strings.Repeat("x", 1<<20))
	over = over[:1<<20+1]
	if status, answer := post(t, w.url, &a, form, over); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MiB + 1 signed: %d %.200s", status, answer)
	}
	// Exactly at the limit: read and served.
	at := []byte("Action=GetCallerIdentity&Version=2011-06-15&Pad=" + strings.Repeat("x", 1<<20))
	at = at[:1<<20]
	if status, answer := post(t, w.url, &a, form, at); status != http.StatusOK || !strings.Contains(answer, a.ID) {
		t.Fatalf("1 MiB signed: %d %.200s", status, answer)
	}
	// Under the limit but unauthenticated, with an Action nobody serves: the
	// record names no made-up operation.
	if status, _ := post(t, w.url, nil, form, []byte("Action="+strings.Repeat("B", 900<<10))); status != http.StatusForbidden {
		t.Fatalf("900 KiB unauthenticated: %d", status)
	}
	// Twelve requests of 8 MB, as in the report.
	eight := []byte("Action=" + strings.Repeat("C", 8<<20))
	for range 12 {
		if status, _ := post(t, w.url, nil, form, eight); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("8 MB: %d", status)
		}
	}

	calls, err := sandbox.LoadCalls(state)
	if err != nil {
		t.Fatalf("the record is unreadable: %v", err)
	}
	if len(calls) != 16 {
		t.Fatalf("%d calls recorded, want 16: %+v", len(calls), calls)
	}
	outcomes := map[string]int{}
	for _, c := range calls {
		outcomes[c.Operation+" "+c.Outcome]++
	}
	want := map[string]int{"(unknown) RequestEntityTooLarge": 14, "GetCallerIdentity ok": 1, "(unknown) MissingAuthenticationToken": 1}
	for k, n := range want {
		if outcomes[k] != n {
			t.Errorf("record: %v, want %v", outcomes, want)
			break
		}
	}
	info, err := os.Stat(strings.TrimSuffix(state, ".json") + ".calls.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > 16*300 {
		t.Errorf("the record of 16 calls is %d bytes", info.Size())
	}
}

// TestCallRecordToleratesLongLines: a record with a line far longer than any
// the sandbox writes (an older sandbox's, or one edited by hand) still reads:
// that line is skipped, the others are kept.
func TestCallRecordToleratesLongLines(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "sandbox.json")
	line := func(op string) string {
		b, _ := json.Marshal(sandbox.Call{Time: time.Unix(1, 0).UTC(), Account: "111111111111", Service: "sts", Operation: op, Outcome: "ok"})
		return string(b) + "\n"
	}
	long := `{"time":"2026-01-01T00:00:00Z","service":"sts","operation":"` + strings.Repeat("A", 3<<20) + `","outcome":"ok"}` + "\n"
	record := line("GetCallerIdentity") + long + line("AssumeRole") + `{"torn` + "\n" + line("GetCallerIdentity")
	if err := os.WriteFile(filepath.Join(dir, "sandbox.calls.jsonl"), []byte(record), 0o600); err != nil {
		t.Fatal(err)
	}
	calls, err := sandbox.LoadCalls(state)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, c := range calls {
		ops = append(ops, c.Operation)
	}
	if strings.Join(ops, ",") != "GetCallerIdentity,AssumeRole,GetCallerIdentity" {
		t.Errorf("read %v", ops)
	}
}
