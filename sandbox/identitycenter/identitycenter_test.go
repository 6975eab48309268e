package identitycenter

import (
	"testing"
	"time"
)

func TestCheckDuration(t *testing.T) {
	for d, ok := range map[string]bool{
		"PT1H": true, "PT12H": true, "PT60M": true, "PT3600S": true, "PT1H30M": true, "P0DT4H": true,
		"PT59M": false, "PT12H1S": false, "P1D": false, "PT": false, "P": false, "4h": false, "PT-1H": false, "": false,
	} {
		if err := checkDuration(d); (err == nil) != ok {
			t.Errorf("checkDuration(%q) = %v, want ok %v", d, err, ok)
		}
	}
	if got := sessionSeconds("PT1H30M"); got != 90*time.Minute {
		t.Errorf("sessionSeconds(PT1H30M) = %s", got)
	}
}

// TestSettleInCompletionOrder: a deletion asked for while the creation of the same assignment is still
// in flight ends after it, so the assignment is gone and the permission set leaves the account, whatever
// order the requests are stored in.
func TestSettleInCompletionOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ps := &PermissionSet{ARN: "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef", Name: "admin"}
	in := &Instance{PermissionSets: []*PermissionSet{ps}, Operations: []*Operation{
		{Kind: "delete", Status: "IN_PROGRESS", TargetID: "111111111111", PermissionSetARN: ps.ARN, PrincipalType: "GROUP", PrincipalID: "g", CompleteAt: t0.Add(3 * time.Second)},
		{Kind: "create", Status: "IN_PROGRESS", TargetID: "111111111111", PermissionSetARN: ps.ARN, PrincipalType: "GROUP", PrincipalID: "g", CompleteAt: t0.Add(2 * time.Second)},
	}}
	st := &State{Instances: []*Instance{in}}
	if st.Settle(t0.Add(time.Second)) {
		t.Fatal("settled before anything was due")
	}
	if !st.Settle(t0.Add(5*time.Second)) || len(in.Assignments) != 0 || len(ps.Provisioned) != 0 {
		t.Fatalf("after both: assignments %v, provisioned %v", in.Assignments, ps.Provisioned)
	}
	for _, op := range in.Operations {
		if op.Status != "SUCCEEDED" {
			t.Errorf("%s ended %s", op.Kind, op.Status)
		}
	}
}

func TestPageTokens(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 250} {
		tok := encodeToken(n)
		if got, err := decodeToken(tok); err != nil || got != n {
			t.Errorf("token of %d decodes to %d, %v", n, got, err)
		}
	}
	for _, bad := range []string{"", "xyz", encodeToken(-1)} {
		if _, err := decodeToken(bad); err == nil {
			t.Errorf("decodeToken(%q) accepted", bad)
		}
	}
}
