package sandbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"

	"github.com/orgwizard/orgwizard/sandbox"
)

// rawREST sends a restJson1 request signed for service with key and secret,
// and returns the status, the X-Amzn-ErrorType header and the body.
func rawREST(t *testing.T, w *world, service, method, path, body, key, secret string) (int, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, w.url+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s answered %d %q, not JSON", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), out
}

// TestBaselineRESTRefusals: what no SDK call provokes, answered in restJson1's error shape.
func TestBaselineRESTRefusals(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	a := w.account("acme")
	for _, tc := range []struct {
		name, service, method, path, body, key, secret string
		status                                         int
		code                                           string
	}{
		{"unknown key", "guardduty", "GET", "/detector", "", "AKIANOSUCHKEY0000000", "x", 403, "UnrecognizedClientException"},
		{"wrong secret", "securityhub", "GET", "/accounts", "", a.AccessKeyID, "wrong", 403, "InvalidSignatureException"},
		{"a path the service does not serve", "guardduty", "DELETE", "/detector/abc", "", a.AccessKeyID, a.SecretAccessKey, 404, "UnknownOperationException"},
		{"a body that is not JSON", "access-analyzer", "PUT", "/analyzer", "{not json", a.AccessKeyID, a.SecretAccessKey, 400, "SerializationException"},
		{"a body of the wrong shape", "guardduty", "POST", "/detector", `{"enable":"yes"}`, a.AccessKeyID, a.SecretAccessKey, 400, "BadRequestException"},
	} {
		status, errType, body := rawREST(t, w, tc.service, tc.method, tc.path, tc.body, tc.key, tc.secret)
		if status != tc.status || errType != tc.code || body["__type"] != tc.code || body["message"] == "" {
			t.Errorf("%s: %d %s %v, want %d %s with a message", tc.name, status, errType, body, tc.status, tc.code)
		}
	}
	if !w.recorded("guardduty", "(unknown)", "UnknownOperationException") {
		t.Error("the call record does not keep the unserved path as (unknown)")
	}
}

// TestBaselineStateSurvivesReopen: what the services made is in the state file, as every change is.
func TestBaselineStateSurvivesReopen(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	w := newWorld(t, sandbox.Config{Scenario: "fresh", StatePath: state})
	a := w.account("acme")
	out, err := w.guardduty(a, "us-east-1").CreateDetector(context.Background(), &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	w.sb.Close()
	w2 := newWorld(t, sandbox.Config{StatePath: state})
	list, err := w2.guardduty(a, "us-east-1").ListDetectors(context.Background(), &guardduty.ListDetectorsInput{})
	if err != nil || len(list.DetectorIds) != 1 || list.DetectorIds[0] != *out.DetectorId {
		t.Fatalf("ListDetectors after reopening: %v %+v", err, list)
	}
}

// TestBaselineInjectedFaults: the injected shares apply to the baseline's
// services too, in shapes their SDKs retry, so a crash or retry test can
// aim at one of their calls.
func TestBaselineInjectedFaults(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	a := w.account("acme")
	ctx := context.Background()
	if err := w.sb.SetFaults(sandbox.Faults{ServerErrorShare: 1, Operations: []string{"CreateDetector", "CreateTrail"}}); err != nil {
		t.Fatal(err)
	}
	_, err := w.guardduty(a, "us-east-1").CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	wantAPIError(t, "CreateDetector with the server-error share at 1", err, "InternalServerErrorException", "fault injection")
	_, err = w.cloudtrail(a, "us-east-1").CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("t1"), S3BucketName: aws.String("b-1")})
	wantAPIError(t, "CreateTrail with the server-error share at 1", err, "ServiceException")
	// Other operations are not touched.
	if _, err := w.guardduty(a, "us-east-1").ListDetectors(ctx, &guardduty.ListDetectorsInput{}); err != nil {
		t.Fatalf("ListDetectors: %v", err)
	}
	if err := w.sb.SetFaults(sandbox.Faults{ThrottleShare: 1, Operations: []string{"CreateDetector"}}); err != nil {
		t.Fatal(err)
	}
	_, err = w.guardduty(a, "us-east-1").CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	wantAPIError(t, "CreateDetector with the throttle share at 1", err, "ThrottlingException")
	if err := w.sb.SetFaults(sandbox.Faults{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.guardduty(a, "us-east-1").CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}); err != nil {
		t.Fatalf("CreateDetector without faults: %v", err)
	}
}
