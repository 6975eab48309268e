package identitycenter

import (
	"strings"
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

// TestApproveDevice: a code is approved for the named user or the store's only one, in any case, and
// refused once its ten minutes are over, for a user the store lacks, and without a name among several.
func TestApproveDevice(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := &Instance{ARN: "arn:aws:sso:::instance/ssoins-0123456789abcdef", IdentityStoreID: "d-0123456789",
		Users: []*User{{ID: "u-ana", UserName: "ana@acme.example"}}}
	st := &State{Instances: []*Instance{in}}
	device := func(code string) *Device {
		d := &Device{UserCode: code, Instance: in.ARN, ExpiresAt: t0.Add(deviceCodeLife)}
		st.Devices = append(st.Devices, d)
		return d
	}
	d := device("ABCD-0001")
	if user, err := st.Approve("abcd-0001", "", t0.Add(deviceCodeLife-time.Second)); err != nil || user != "ana@acme.example" || d.UserID != "u-ana" {
		t.Fatalf("the only user: %q %v, device %+v", user, err, d)
	}
	late := device("ABCD-0002")
	if _, err := st.Approve("ABCD-0002", "ana@acme.example", t0.Add(deviceCodeLife)); err == nil || late.UserID != "" ||
		err.Error() != `no device authorization waits for the code "ABCD-0002" (it may have expired: codes last 10m0s; run aws sso login again for a new one)` {
		t.Fatalf("after ten minutes: %v", err)
	}
	in.Users = append(in.Users, &User{ID: "u-bob", UserName: "bob@acme.example"})
	d = device("ABCD-0003")
	if _, err := st.Approve("ABCD-0003", "", t0); err == nil || err.Error() != "identity store d-0123456789 has 2 users: name the one who signs in (ana@acme.example, bob@acme.example)" {
		t.Fatalf("two users, none named: %v", err)
	}
	if _, err := st.Approve("ABCD-0003", "carol@acme.example", t0); err == nil || d.UserID != "" {
		t.Fatalf("an unknown user: %v", err)
	}
	if user, err := st.Approve("ABCD-0003", "BOB@acme.example", t0); err != nil || user != "bob@acme.example" || d.UserID != "u-bob" {
		t.Fatalf("bob: %q %v", user, err)
	}
	in.Users = nil
	device("ABCD-0004")
	if _, err := st.Approve("ABCD-0004", "", t0); err == nil || !strings.Contains(err.Error(), "has no user to sign in as") {
		t.Fatalf("no user: %v", err)
	}
}
