package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/internal/moto"
)

// BenchmarkAuditAgainstMoto runs orgwizard audit against moto_server, an
// endpoint that lacks some of the services the inventory reads (Resource
// Explorer answers HTTP 500) and lists regions of other partitions. It took
// 83 s when every failing listing was retried twelve times with backoff and
// cn-* and us-gov-* regions were swept; the bound is 20 s.
//
//	go test ./cli -run '^$' -bench AuditAgainstMoto -benchtime 1x
func BenchmarkAuditAgainstMoto(b *testing.B) {
	url := moto.URL(b)
	moto.Env(b, url)
	b.Chdir(b.TempDir()) // no orgwizard.yaml: the audit runs without a design
	var worst time.Duration
	for range b.N {
		start := time.Now()
		var out, errOut bytes.Buffer
		code := Main(b.Context(), Build{Version: "test"}, []string{"audit", "--endpoint-url", url, "-o", "json"},
			strings.NewReader(""), &out, &errOut)
		took := time.Since(start)
		worst = max(worst, took)
		if code != 0 {
			b.Fatalf("audit exited %d: %s", code, errOut.String())
		}
		var doc auditDoc
		if err := json.Unmarshal([]byte(out.String()), &doc); err != nil {
			b.Fatalf("audit's JSON: %v", err)
		}
		if len(doc.Regions) < 10 {
			b.Fatalf("audit swept %d regions: %v", len(doc.Regions), doc.Regions)
		}
		for _, r := range doc.Regions {
			if inventory.Partition(r) != "aws" {
				b.Errorf("audit swept %s, outside the caller's partition", r)
			}
		}
	}
	b.ReportMetric(worst.Seconds(), "s-worst")
	if worst > 20*time.Second {
		b.Errorf("audit against moto took %v; the bound is 20 s", worst)
	}
}
