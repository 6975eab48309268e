package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestSandboxApproveDevice runs the device flow `aws sso login` runs, through the SDK's sso-oidc client
// against a served sandbox, and approves each code with `orgwizard sandbox approve-device`: over HTTP to
// the running serve (by --endpoint-url, then by AWS_ENDPOINT_URL as serve exports it), with --user or the
// store's only user, and in the state file when no serve holds it. The token the login then gets works
// at the access portal. Wrong codes, a missing --user and a held state are refused with what to do.
func TestSandboxApproveDevice(t *testing.T) {
	ctx := context.Background()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	for _, args := range [][]string{{"reset", "--scenario", "existing-org"}, {"enable-identity-center", "--region", "eu-west-1"}} {
		if code, out, errOut := runSandboxCLI(t, append(append([]string{"sandbox"}, args...), "--sandbox-state", state)...); code != ExitOK {
			t.Fatalf("sandbox %s: exit %d %s %s", args[0], code, out, errOut)
		}
	}
	serve := func() (*sandbox.Sandbox, string, func()) {
		t.Helper()
		sb, err := sandbox.Open(sandbox.Config{StatePath: state, Speed: 1000})
		if err != nil {
			t.Fatal(err)
		}
		endpoint, stop, err := sb.Start()
		if err != nil {
			sb.Close()
			t.Fatal(err)
		}
		return sb, endpoint, func() { stop(); sb.Close() }
	}
	sb, endpoint, stop := serve()
	defer func() { stop() }()
	var mgmt sandbox.AccountInfo
	for _, a := range sb.Accounts() {
		if a.Role == "management" {
			mgmt = a
		}
	}
	info, ok := sb.IdentityCenter(mgmt.ID)
	if !ok {
		t.Fatal("enable-identity-center left no instance")
	}
	cfg := aws.Config{Region: info.Region, Credentials: credentials.NewStaticCredentialsProvider(mgmt.AccessKeyID, mgmt.SecretAccessKey, ""),
		HTTPClient: loopbackOnly()}
	addUser := func(endpoint, name string) {
		t.Helper()
		store := identitystore.NewFromConfig(cfg, func(o *identitystore.Options) { o.BaseEndpoint = aws.String(endpoint) })
		if _, err := store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: aws.String(info.IdentityStoreID), UserName: aws.String(name),
			DisplayName: aws.String(name), Name: &idtypes.Name{GivenName: aws.String(strings.Split(name, "@")[0]), FamilyName: aws.String("acme")}}); err != nil {
			t.Fatal(err)
		}
	}
	// login is `aws sso login` up to its wait: a registered client and a device code, not yet approved.
	type login struct {
		reg *ssooidc.RegisterClientOutput
		dev *ssooidc.StartDeviceAuthorizationOutput
	}
	start := func(endpoint string) login {
		t.Helper()
		oidc := ssooidc.New(ssooidc.Options{Region: info.Region, BaseEndpoint: aws.String(endpoint), HTTPClient: loopbackOnly()})
		reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("botocore-client-workshop"), ClientType: aws.String("public")})
		if err != nil {
			t.Fatal(err)
		}
		dev, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			StartUrl: aws.String(info.StartURL)})
		if err != nil {
			t.Fatal(err)
		}
		return login{reg: reg, dev: dev}
	}
	token := func(l login, endpoint string) (*ssooidc.CreateTokenOutput, error) {
		oidc := ssooidc.New(ssooidc.Options{Region: info.Region, BaseEndpoint: aws.String(endpoint), HTTPClient: loopbackOnly()})
		return oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: l.reg.ClientId, ClientSecret: l.reg.ClientSecret,
			GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: l.dev.DeviceCode})
	}
	// signedIn checks that the approved login gets a token the access portal takes.
	signedIn := func(l login, endpoint string) {
		t.Helper()
		tok, err := token(l, endpoint)
		if err != nil || aws.ToString(tok.AccessToken) == "" {
			t.Fatalf("CreateToken after the approval: %+v %v", tok, err)
		}
		portal := sso.New(sso.Options{Region: info.Region, BaseEndpoint: aws.String(endpoint), HTTPClient: loopbackOnly()})
		if _, err := portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken}); err != nil {
			t.Fatalf("the access portal refuses the token: %v", err)
		}
	}
	approve := func(args ...string) (int, string, string) {
		t.Helper()
		return runSandboxCLI(t, append([]string{"sandbox", "approve-device"}, args...)...)
	}

	addUser(endpoint, "ana@acme.example")
	l := start(endpoint)
	if l.dev.ExpiresIn != 600 {
		t.Errorf("the device code lasts %d s, want 600 (10 minutes, as the README says)", l.dev.ExpiresIn)
	}
	var pending *oidctypes.AuthorizationPendingException
	if _, err := token(l, endpoint); !errors.As(err, &pending) {
		t.Fatalf("CreateToken before the approval: %v, want AuthorizationPendingException", err)
	}
	if code, _, errOut := approve("WXYZ-0000", "--endpoint-url", endpoint); code != ExitUser || !strings.Contains(errOut, `no device authorization waits for the code "WXYZ-0000"`) {
		t.Fatalf("an unknown code: exit %d, %q", code, errOut)
	}
	// The store's only user signs in without --user; the code is taken in any case.
	code, out, errOut := approve(strings.ToLower(aws.ToString(l.dev.UserCode)), "--endpoint-url", endpoint)
	if code != ExitOK || !strings.Contains(out, "Approved code "+aws.ToString(l.dev.UserCode)+" for ana@acme.example (the sandbox at "+endpoint+")") {
		t.Fatalf("approve-device: exit %d, out %q, err %q", code, out, errOut)
	}
	signedIn(l, endpoint)

	// Two users: --user says which; AWS_ENDPOINT_URL, as serve's exports set it, finds the serve.
	// (--sandbox-state, below, goes to the state whatever they say.)
	addUser(endpoint, "bob@acme.example")
	l = start(endpoint)
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	if code, _, errOut := approve(aws.ToString(l.dev.UserCode)); code != ExitUser ||
		!strings.Contains(errOut, "has 2 users: name the one who signs in (ana@acme.example, bob@acme.example): give it with --user") {
		t.Fatalf("two users without --user: exit %d, %q", code, errOut)
	}
	if code, _, errOut := approve(aws.ToString(l.dev.UserCode), "--user", "carol@acme.example"); code != ExitUser || !strings.Contains(errOut, `has no user "carol@acme.example"`) {
		t.Fatalf("an unknown user: exit %d, %q", code, errOut)
	}
	// AWS_ENDPOINT_URL_SSO_OIDC, which SSO profiles need exported, comes first.
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", endpoint)
	if code, out, errOut := approve(aws.ToString(l.dev.UserCode), "--user", "bob@acme.example"); code != ExitOK || !strings.Contains(out, "for bob@acme.example") {
		t.Fatalf("approve-device --user bob through AWS_ENDPOINT_URL_SSO_OIDC: exit %d, out %q, err %q", code, out, errOut)
	}
	signedIn(l, endpoint)

	// While the serve holds the state, --sandbox-state cannot approve: it says to go through the serve.
	l = start(endpoint)
	if code, _, errOut := approve(aws.ToString(l.dev.UserCode), "--user", "ana@acme.example", "--sandbox-state", state); code != ExitUser ||
		!strings.Contains(errOut, "approve through it with --endpoint-url") {
		t.Fatalf("a held state: exit %d, %q", code, errOut)
	}
	// Stopped, the state takes the approval; the login goes on once the sandbox serves again.
	stop()
	if code, out, errOut := approve(aws.ToString(l.dev.UserCode), "--user", "ana@acme.example", "--sandbox-state", state); code != ExitOK ||
		!strings.Contains(out, "for ana@acme.example (sandbox "+state+")") {
		t.Fatalf("approve-device in the state: exit %d, out %q, err %q", code, out, errOut)
	}
	_, endpoint, stop = serve()
	signedIn(l, endpoint)

	if code, _, errOut := approve("ABCD-1234", "--endpoint-url", "ftp://127.0.0.1:1"); code != ExitUser || !strings.Contains(errOut, "is not an http(s) address") {
		t.Fatalf("a bad endpoint: exit %d, %q", code, errOut)
	}
	if code, _, errOut := approve(); code != ExitUser || !strings.Contains(errOut, "needs the code") {
		t.Fatalf("no code: exit %d, %q", code, errOut)
	}
}
