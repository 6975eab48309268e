package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// audit reads the baseline of a design that has one, as plan does, and
// shows its five checks; where the target does not serve the reads (the
// sandbox, for now), each says so rather than failing the audit.
func TestAuditReadsTheDesignsBaseline(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if code, out, errOut := run(t, "apply", "--yes", "--design", filepath.Join(examples, "acme.yaml"), "--sandbox-state", state, "--sandbox-speed", "1000"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	code, doc, errOut := runAudit(t, "--design", filepath.Join(examples, "acme-secure.yaml"), "--sandbox-state", state)
	if code != ExitOK {
		t.Fatalf("audit: exit %d\n%s", code, errOut)
	}
	for _, id := range []string{"organization-trail", "log-bucket-protected", "guardduty-coverage", "member-root-credentials", "alternate-contacts"} {
		st, why := status(doc, id)
		if st != "warn" || !strings.HasPrefix(why, "the baseline could not be read: ") || !strings.Contains(why, "does not serve") {
			t.Errorf("%s: %s: %s", id, st, why)
		}
	}
	if st, _ := status(doc, "security-baseline"); st != "" {
		t.Errorf("a design with a baseline is told it has none")
	}
}
