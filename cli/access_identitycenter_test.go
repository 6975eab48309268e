package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// fakeIC is an Identity Center reader that answers what a test says.
type fakeIC struct {
	access *orgmodel.ActualAccess
	err    error
	home   string
}

func (f *fakeIC) Read(context.Context) (*orgmodel.ActualAccess, error) { return f.access, f.err }

// runAccessWith runs `access args...` with Identity Center read by fake.
func runAccessWith(t *testing.T, fake *fakeIC, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newAccessCommandWith(IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, func(_ *session, home string, _ []string) identityCenterReader {
		fake.home = home
		return fake
	})
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return exitCode(err), out.String(), errOut.String()
}

// TestAccessWhenIdentityCenterCannotBeRead: access still shows the
// break-glass way in, with why Identity Center is missing; aws-config
// refuses to guess which profiles to write, naming the permission.
func TestAccessWhenIdentityCenterCannotBeRead(t *testing.T) {
	_, target := appliedSandbox(t, "fresh")
	denied := &fakeIC{err: &smithy.GenericAPIError{Code: "AccessDeniedException",
		Message: "User: arn:aws:iam::111111111111:user/x is not authorized to perform: sso:ListInstances"}}
	code, out, errOut := runAccessWith(t, denied, append([]string{"-o", "json"}, target...)...)
	var doc struct {
		IdentityCenter struct {
			Enabled bool
			Error   string
		}
		Accounts []struct{ SwitchRoleURL string }
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("access: exit %d\n%s%s", code, out, errOut)
	}
	if doc.IdentityCenter.Enabled || !strings.Contains(doc.IdentityCenter.Error, "AWS denied sso:ListInstances: the credentials lack the permission") || len(doc.Accounts) == 0 || doc.Accounts[0].SwitchRoleURL == "" {
		t.Errorf("view: %+v", doc)
	}
	if denied.home != "us-east-1" {
		t.Errorf("Identity Center looked for first in %q, want the target's region without a design", denied.home)
	}
	code, out, _ = runAccessWith(t, denied, target...)
	if code != ExitOK || !strings.Contains(out, "IAM Identity Center could not be read: ") || !strings.Contains(out, "Break-glass into a member account:") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
	code, out, errOut = runAccessWith(t, denied, append([]string{"aws-config"}, target...)...)
	if code != ExitUser || out != "" || !strings.Contains(errOut, "AWS denied sso:ListInstances") || !strings.Contains(errOut, "orgwizard iam-policy") {
		t.Errorf("aws-config: exit %d, out %q, err %s", code, out, errOut)
	}
}

// TestAccessIdentityCenterEdges: an instance with nothing in it, pending
// assignments, a permission set the read did not list, and an assignment in
// the management account.
func TestAccessIdentityCenterEdges(t *testing.T) {
	_, target := appliedSandbox(t, "fresh")
	code, out, _ := run(t, append([]string{"access", "-o", "json"}, target...)...)
	var doc accessDoc
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("access: %d %s", code, out)
	}
	ids := map[string]string{}
	for _, a := range doc.Accounts {
		ids[a.Name] = a.ID
	}
	mgmt := doc.Management.ID
	inst := "arn:aws:sso:::instance/ssoins-1111111111111111"
	empty := &fakeIC{access: &orgmodel.ActualAccess{InstanceARN: inst, IdentityStoreID: "d-1111111111", Region: "eu-west-1",
		PortalURL: "https://d-1111111111.awsapps.com/start"}}
	code, out, _ = runAccessWith(t, empty, target...)
	if code != ExitOK || !strings.Contains(out, "IAM Identity Center (eu-west-1): people sign in at https://d-1111111111.awsapps.com/start\n  No groups yet") {
		t.Errorf("an empty instance: exit %d\n%s", code, out)
	}
	code, _, errOut := runAccessWith(t, empty, append([]string{"aws-config"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "Identity Center gives nobody any account yet") {
		t.Errorf("aws-config of an empty instance: exit %d, %s", code, errOut)
	}
	code, _, errOut = runAccessWith(t, empty, append([]string{"aws-config", "--group", "ops"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "--group ops: Identity Center has no groups yet") {
		t.Errorf("--group of an empty instance: exit %d, %s", code, errOut)
	}

	admin := inst + "/ps-1111111111111111"
	full := &fakeIC{access: &orgmodel.ActualAccess{InstanceARN: inst, IdentityStoreID: "d-1111111111", Region: "eu-west-1",
		PortalURL:      "https://d-1111111111.awsapps.com/start",
		Groups:         []orgmodel.ActualGroup{{ID: "g-ops", Name: "ops"}},
		PermissionSets: []orgmodel.ActualPermissionSet{{ARN: admin, Name: "admin"}},
		Assignments: []orgmodel.ActualAssignment{
			{AccountID: mgmt, PermissionSetARN: admin, PrincipalType: "GROUP", PrincipalID: "g-ops"},
			{AccountID: ids["payments-dev"], PermissionSetARN: admin, PrincipalType: "GROUP", PrincipalID: "g-ops"},
			{AccountID: ids["payments-dev"], PermissionSetARN: inst + "/ps-unlisted", PrincipalType: "GROUP", PrincipalID: "g-ops"},
		},
		Pending: []orgmodel.PendingAssignment{{RequestID: "r1"}, {RequestID: "r2"}},
	}}
	code, out, _ = runAccessWith(t, full, target...)
	for _, want := range []string{
		"  2 assignment changes are still in progress at AWS; run again to see them.\n",
		"  ops (no members)\n",
		"    acme          " + mgmt + "  admin\n",
		"    payments-dev  " + ids["payments-dev"] + "  " + inst + "/ps-unlisted\n",
	} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	// The management account's profile is written (its assignment works);
	// the permission set without a name has no profile.
	code, out, _ = runAccessWith(t, full, append([]string{"aws-config", "--sso-session", "acme"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "[profile acme-admin]\nsso_session = acme\nsso_account_id = "+mgmt+"\nsso_role_name = admin\nregion = us-east-1\n") ||
		strings.Count(out, "[profile ") != 2 || strings.Contains(out, "ps-unlisted") {
		t.Errorf("aws-config: exit %d\n%s", code, out)
	}
	code, _, errOut = runAccessWith(t, full, append([]string{"aws-config", "--source-profile", "mgmt"}, target...)...)
	if code != ExitOK || !strings.Contains(errOut, "--source-profile is not used: Identity Center is on") {
		t.Errorf("--source-profile with Identity Center: exit %d, %s", code, errOut)
	}
}

// TestEnableHow: at AWS, the console page of the home region with the
// Enable button; on the sandbox, the command.
func TestEnableHow(t *testing.T) {
	var ic accessIC
	ic.setEnableHow("eu-west-1", "")
	if ic.EnableURL != orgmodel.IdentityCenterConsole("eu-west-1") || ic.EnableCommand != "" ||
		!strings.Contains(ic.HowToEnable, "choose Enable (AWS has no API that does it from the management account)") {
		t.Errorf("at AWS: %+v", ic)
	}
	ic = accessIC{}
	ic.setEnableHow("eu-west-1", "orgwizard sandbox enable-identity-center --region eu-west-1")
	if ic.EnableURL != "" || ic.EnableCommand != "orgwizard sandbox enable-identity-center --region eu-west-1" || !strings.Contains(ic.HowToEnable, "On the sandbox") {
		t.Errorf("on the sandbox: %+v", ic)
	}
}

// BenchmarkAWSConfigSSO2000 is `access aws-config` for 2,000 member
// accounts with Identity Center after the reads: the view built from the
// organization and the instance (two groups, each with a permission set in
// every account: 4,000 assignments), the profiles chosen, built and merged
// into a config file that already holds them. Target: under 100 ms.
func BenchmarkAWSConfigSSO2000(b *testing.B) {
	const n = 2000
	actual := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: "o-abc1234567", ManagementAccountID: "100000000000"}, RootID: "r-ab12",
		OUs:      []orgmodel.ActualOU{{ID: "ou-ab12-workloads", ParentID: "r-ab12", Name: "Workloads"}},
		Accounts: []orgmodel.ActualAccount{{ID: "100000000000", Name: "acme", ParentID: "r-ab12", Status: "ACTIVE"}}}
	inst := "arn:aws:sso:::instance/ssoins-1111111111111111"
	admin, readOnly := inst+"/ps-admin", inst+"/ps-read-only"
	ic := &orgmodel.ActualAccess{InstanceARN: inst, IdentityStoreID: "d-1111111111", Region: "eu-west-1", PortalURL: "https://d-1111111111.awsapps.com/start",
		Groups:         []orgmodel.ActualGroup{{ID: "g-admins", Name: "platform-admins"}, {ID: "g-auditors", Name: "auditors"}},
		PermissionSets: []orgmodel.ActualPermissionSet{{ARN: admin, Name: "admin"}, {ARN: readOnly, Name: "read-only"}}}
	for i := range n {
		id := strconv.Itoa(200000000000 + i)
		actual.Accounts = append(actual.Accounts, orgmodel.ActualAccount{ID: id, Name: "workload" + strconv.Itoa(i/10) + "-env" + strconv.Itoa(i%10),
			ParentID: "ou-ab12-workloads", Status: "ACTIVE", JoinedMethod: "CREATED"})
		ic.Assignments = append(ic.Assignments,
			orgmodel.ActualAssignment{AccountID: id, PermissionSetARN: admin, PrincipalType: "GROUP", PrincipalID: "g-admins"},
			orgmodel.ActualAssignment{AccountID: id, PermissionSetARN: readOnly, PrincipalType: "GROUP", PrincipalID: "g-auditors"})
	}
	build := func() []byte {
		v := buildAccessView(actual, nil, "", "eu-west-1")
		addIdentityCenter(&v, ic)
		roles, err := ssoRoles(&v, ic, "")
		if err != nil {
			b.Fatal(err)
		}
		sections, err := access.SSOProfiles(access.SSOSession{Name: "acme", StartURL: ic.PortalURL, Region: ic.Region}, roles)
		if err != nil {
			b.Fatal(err)
		}
		return access.Block{OrganizationID: v.OrganizationID, Rerun: "orgwizard access aws-config --merge ~/.aws/config", Sections: sections}.Render("\n")
	}
	existing := append([]byte("[profile personal]\nregion = us-west-2\n\n"), build()...)
	if got := bytes.Count(existing, []byte("[profile ")); got != 2*n+1 {
		b.Fatalf("%d profiles, want %d", got-1, 2*n)
	}
	b.ReportAllocs()
	for b.Loop() {
		v := buildAccessView(actual, nil, "", "eu-west-1")
		addIdentityCenter(&v, ic)
		roles, err := ssoRoles(&v, ic, "")
		if err != nil {
			b.Fatal(err)
		}
		sections, err := access.SSOProfiles(access.SSOSession{Name: "acme", StartURL: ic.PortalURL, Region: ic.Region}, roles)
		if err != nil {
			b.Fatal(err)
		}
		out, err := access.Merge(existing, access.Block{OrganizationID: v.OrganizationID, Rerun: "orgwizard access aws-config --merge ~/.aws/config", Sections: sections})
		if err != nil || !bytes.Equal(out, existing) {
			b.Fatalf("merge: %v", err)
		}
	}
	if per := b.Elapsed() / time.Duration(b.N); per > 100*time.Millisecond {
		b.Errorf("%v per aws-config of 2,000 accounts with Identity Center, over the 100 ms target", per)
	}
}
