package baseline

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Each progress message of a step that acts in log-archive or
// security-tooling starts with the account and the region (the live
// progress shows a message's start first), or says the account it enters
// by name; the management account's are said as such.
func TestProgressSaysAccountAndRegionFirst(t *testing.T) {
	tree, a := secure(t)
	w := newWorld()
	c := w.client()
	a.Baseline = &orgmodel.ActualBaseline{}
	for _, acc := range a.Accounts {
		c.Name(acc.ID, acc.Name)
	}
	var mu sync.Mutex
	seen := 0
	for _, s := range orgmodel.MakePlan(tree, a).Steps {
		b := s.Baseline
		if b == nil {
			continue
		}
		var msgs []string
		ctx := WithProgress(context.Background(), func(m string) {
			mu.Lock()
			defer mu.Unlock()
			msgs = append(msgs, m)
		})
		if err := runStep(ctx, c, a, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		for _, m := range msgs {
			seen++
			ok := strings.HasPrefix(m, "in the management account, "+b.Region+": ") ||
				strings.HasPrefix(m, "entering "+b.Account+" (")
			if b.Account != "" && b.Region != "" {
				ok = ok || strings.HasPrefix(m, "in "+b.Account+", "+b.Region+": ")
			}
			if !ok {
				t.Errorf("%s: the message %q does not start with where it acts (%s, %s)", s, m, b.Account, b.Region)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no step reported its progress")
	}
}
