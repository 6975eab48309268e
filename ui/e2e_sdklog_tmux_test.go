package ui

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/sandbox"
)

// badChecksum answers DynamoDB's calls with a CRC32 header that does not
// match the body, as a faulty endpoint would: the SDK then logs "failed to
// close HTTP response body ... checksum".
type badChecksum struct{ http.ResponseWriter }

func (b badChecksum) WriteHeader(code int) {
	b.Header().Set("X-Amz-Crc32", "1")
	b.ResponseWriter.WriteHeader(code)
}

func (b badChecksum) Write(p []byte) (int, error) {
	if b.Header().Get("X-Amz-Crc32") == "" {
		b.WriteHeader(http.StatusOK)
	}
	return b.ResponseWriter.Write(p)
}

// TestEndToEndSDKLogsStayOffTheScreenInTmux runs the wizard against an
// --endpoint-url whose DynamoDB answers carry a bad checksum: the SDK's
// warnings were drawn over the Preflight screen. The inventory reads
// DynamoDB in every region; the screen must show the wizard's words only.
func TestEndToEndSDKLogsStayOffTheScreenInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(dir, "served.json"), Scenario: "fresh", Speed: 40})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	h := sb.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_") {
			w = badChecksum{w}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	me := sb.Accounts()[0]
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := strings.Join([]string{"XDG_STATE_HOME=" + dir, "AWS_ACCESS_KEY_ID=" + me.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + me.SecretAccessKey,
		"AWS_REGION=us-east-1", "AWS_CONFIG_FILE=" + empty, "AWS_SHARED_CREDENTIALS_FILE=" + empty, "AWS_EC2_METADATA_DISABLED=true"}, " ")
	term := startTmux(t, "orgwizard-sdklog-"+filepath.Base(dir),
		env+" "+strings.Join([]string{bin, "--endpoint-url", srv.URL, "--design", filepath.Join(dir, "orgwizard.yaml")}, " "))
	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	screen := term.waitFor("Press enter to design", 30*time.Second)
	for _, bad := range []string{"SDK", "WARN", "checksum"} {
		if strings.Contains(screen, bad) {
			t.Errorf("the screen shows %q, written behind the wizard's back:\n%s", bad, screen)
		}
	}
	if !strings.Contains(screen, "Inventory:") {
		t.Errorf("the preflight took no inventory:\n%s", screen)
	}
}
