package apply

import (
	"strings"
	"testing"
)

// The quota error is one fact and one way out, each on its own line, said
// once: it read as two messages glued together.
func TestQuotaErrorIsOneFactAndTheWayOut(t *testing.T) {
	msg := (&QuotaError{Needed: 10, Limit: 4, Source: "Service Quotas"}).Error()
	lines := strings.Split(msg, "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want the fact and the way out:\n%s", len(lines), msg)
	}
	if !strings.HasPrefix(lines[0], "the design needs 10 accounts, over your quota of 4 (Service Quotas): 6 missing") {
		t.Errorf("the fact: %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "Ask AWS for at least 10: aws service-quotas request-service-quota-increase") || !strings.Contains(lines[1], "--desired-value 10") {
		t.Errorf("the way out: %q", lines[1])
	}
	if n := strings.Count(msg, "Default maximum number of accounts"); n != 1 {
		t.Errorf("the quota is named %d times:\n%s", n, msg)
	}
}
