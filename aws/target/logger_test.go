package target

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// fakeAWS answers sts:GetCallerIdentity, and dynamodb:ListTables with a
// CRC32 header that does not match the body: the SDK then logs "failed to
// close HTTP response body ... checksum". Its instance metadata endpoint
// refuses tokens, which makes the SDK log "falling back to IMDSv1".
func fakeAWS(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/latest/api/token":
			http.Error(w, "forbidden", http.StatusForbidden)
		case strings.HasPrefix(r.URL.Path, "/latest/"):
			http.NotFound(w, r)
		case strings.HasPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_"):
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.Header().Set("X-Amz-Crc32", "12345")
			_, _ = io.WriteString(w, `{"TableNames":[]}`)
		default:
			w.Header().Set("Content-Type", "text/xml")
			_, _ = io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/me</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// captureOutput swaps os.Stdout and os.Stderr for pipes while fn runs and
// returns what was written to them.
func captureOutput(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() {
		os.Stdout, os.Stderr = stdout, stderr
	}()
	fn()
	os.Stdout, os.Stderr = stdout, stderr
	w.Close()
	return <-done
}

func isolateAWSEnv(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
		"AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
}

// TestSDKNeverWritesToTheTerminal: a response whose checksum does not match
// and an instance metadata service that refuses IMDSv2 both make the SDK log
// a warning; with the config the target package builds, neither reaches
// stdout or stderr (where they were drawn over the wizard's screen).
func TestSDKNeverWritesToTheTerminal(t *testing.T) {
	srv := fakeAWS(t)
	isolateAWSEnv(t)
	t.Setenv(DebugLogEnv, "")
	ctx := context.Background()

	t.Run("checksum", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
		out := captureOutput(t, func() {
			tg, err := Open(ctx, Spec{EndpointURL: srv.URL, RetryMaxAttempts: 1})
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			defer tg.Close()
			_, _ = dynamodb.NewFromConfig(tg.Config).ListTables(ctx, &dynamodb.ListTablesInput{})
		})
		if out != "" {
			t.Errorf("the SDK wrote to the terminal:\n%s", out)
		}
	})

	t.Run("imds", func(t *testing.T) {
		t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", srv.URL)
		out := captureOutput(t, func() {
			// No credentials anywhere: the chain ends at the instance
			// metadata service, which refuses IMDSv2 tokens.
			tg, err := Open(ctx, Spec{AWS: true, RetryMaxAttempts: 1})
			if err == nil {
				tg.Close()
				t.Error("Open succeeded without credentials")
				return
			}
			// What matters, in orgwizard's words, before the SDK's.
			if !strings.HasPrefix(err.Error(), "no AWS credentials found through the standard credential chain") || !strings.Contains(err.Error(), "--profile NAME") {
				t.Errorf("the error does not say what to do: %v", err)
			}
		})
		if out != "" {
			t.Errorf("the SDK wrote to the terminal:\n%s", out)
		}
	})
}

// TestSDKLogGoesToTheDebugLog: with ORGWIZARD_DEBUG_LOG the SDK's warnings
// are kept in that file, and still not on the terminal.
func TestSDKLogGoesToTheDebugLog(t *testing.T) {
	srv := fakeAWS(t)
	isolateAWSEnv(t)
	logPath := filepath.Join(t.TempDir(), "debug.log")
	t.Setenv(DebugLogEnv, logPath)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := context.Background()
	out := captureOutput(t, func() {
		tg, err := Open(ctx, Spec{EndpointURL: srv.URL, RetryMaxAttempts: 1})
		if err != nil {
			t.Errorf("Open: %v", err)
			return
		}
		defer tg.Close()
		_, _ = dynamodb.NewFromConfig(tg.Config).ListTables(ctx, &dynamodb.ListTablesInput{})
	})
	if out != "" {
		t.Errorf("the SDK wrote to the terminal:\n%s", out)
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "SDK WARN failed to close HTTP response body") || !strings.Contains(string(b), "checksum") {
		t.Errorf("the debug log lacks the SDK's checksum warning:\n%s", b)
	}
}
