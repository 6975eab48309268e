package inventory_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/sandbox"
	simulated "github.com/orgwizard/orgwizard/sandbox/inventory"
)

// Resource Explorer refusing ListIndexes with its UnauthorizedException
// (HTTP 401, "the principal making the request isn't permitted to perform
// the operation") is reported as access denied, as every other service's
// refusal is, not as a failure to retry or look into; the rest of the
// sweep goes on.
func TestResourceExplorerUnauthorizedIsDenied(t *testing.T) {
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: "dirty-management", RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	handler := sb.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, service, _ := simulated.ParseScope(r.Header.Get("Authorization")); service == "resource-explorer-2" && r.URL.Path == "/ListIndexes" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-Errortype", "UnauthorizedException")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"The principal making the request isn't permitted to perform the operation."}`))
			return
		}
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	me := sb.Accounts()[0]
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, "")}
	clients := inventory.NewClients(cfg)
	t.Cleanup(clients.Close)
	res, err := inventory.New(clients, inventory.Options{}).Sweep(context.Background(), me.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 {
		t.Fatalf("problems %+v, want one: resource-explorer-2 refused", res.Problems)
	}
	p := res.Problems[0]
	if p.Service != "resource-explorer-2" || p.Kind != inventory.KindAccessDenied || !strings.Contains(p.Message(), "UnauthorizedException") {
		t.Errorf("problem %s %s %s: %s, want resource-explorer-2's access denied", p.Region, p.Service, p.Kind, p.Message())
	}
	if len(res.Items) != len(seededKeys(me.ID))-1 {
		t.Errorf("found %d items, want %d: a refusing Resource Explorer must not hide the rest", len(res.Items), len(seededKeys(me.ID))-1)
	}
}
