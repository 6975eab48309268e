package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/sandbox"
)

// difference is a place where the sandbox and moto answer one step of the
// conformance sequence differently on purpose.
type difference struct {
	step    string
	sandbox string // the sandbox's outcome
	moto    string // moto's outcome
	why     string
}

// differences checks a conformance run against its list of deliberate
// differences: a step both answer alike must not be listed, one they answer
// differently must be, with the outcomes the list gives, and every listed
// step must be run. One checker for the three conformance tests.
type differences struct {
	t     *testing.T
	known map[string]difference
}

func newDifferences(t *testing.T, list []difference) *differences {
	known := map[string]difference{}
	for _, d := range list {
		if _, dup := known[d.step]; dup {
			t.Fatalf("deliberate difference %q is listed twice", d.step)
		}
		known[d.step] = d
	}
	return &differences{t: t, known: known}
}

// check compares one step's outcomes, the sandbox's (got) and moto's (want).
func (k *differences) check(step, got, want string) {
	t := k.t
	t.Helper()
	if strings.HasPrefix(got, "error: setup") || strings.HasPrefix(want, "error: setup") {
		t.Fatalf("%s: setup failed: sandbox %s, moto %s", step, got, want)
	}
	d, listed := k.known[step]
	delete(k.known, step)
	switch {
	case got == want && listed:
		t.Errorf("%s: both answer %s, but the step is listed as a deliberate difference (%s); remove it from the list", step, got, d.why)
	case got != want && !listed:
		t.Errorf("%s: sandbox %s, moto %s; fix the sandbox or list the difference with its reason", step, got, want)
	case listed && (got != d.sandbox || want != d.moto):
		t.Errorf("%s: sandbox %s, moto %s; the list says sandbox %s, moto %s", step, got, want, d.sandbox, d.moto)
	}
}

// unused fails for every listed difference no step checked.
func (k *differences) unused() {
	k.t.Helper()
	for step := range k.known {
		k.t.Errorf("deliberate difference %q names no step of the sequence", step)
	}
}

// deliberateDifferences is the one list of where the sandbox departs from
// moto. In each the sandbox does what AWS does and moto does not; a
// difference that disappears (moto catching up) fails the test, so the list
// stays true.
var deliberateDifferences = []difference{
	{"CreateOrganizationalUnit with a sibling's name", "DuplicateOrganizationalUnitException", "ok",
		"AWS refuses two OUs of one name under one parent; moto accepts the duplicate"},
	{"CreateOrganizationalUnit a sixth level deep", "ConstraintViolationException/OU_DEPTH_LIMIT_EXCEEDED", "ok",
		"AWS allows 5 levels of OUs below the root; moto has no depth limit"},
	{"CreateAccount state after creation", "ok:IN_PROGRESS", "ok:SUCCEEDED",
		"AWS creates accounts asynchronously (IN_PROGRESS for a while); moto answers SUCCEEDED at once"},
	{"CreateAccount with a taken email, final state", "FAILED/EMAIL_ALREADY_EXISTS", "ok:SUCCEEDED",
		"emails are unique across AWS, the duplicate creation FAILS with EMAIL_ALREADY_EXISTS; moto creates a second account"},
	{"CreatePolicy over 10,240 characters", "ConstraintViolationException/POLICY_CONTENT_LIMIT_EXCEEDED", "ok",
		"AWS caps an SCP's size; moto stores any size"},
	{"MoveAccount from a parent it is not in", "AccountNotFoundException", "ok",
		"AWS checks SourceParentId; moto ignores it and moves the account"},
	{"AttachPolicy an eleventh SCP", "ConstraintViolationException/MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "ok",
		"AWS allows 10 SCPs per target, FullAWSAccess included; moto has no limit"},
	{"ListAccounts with MaxResults 21", "InvalidInputException/MAX_VALUE_EXCEEDED", "ok:2",
		"AWS's MaxResults for ListAccounts is 1-20; moto accepts any value"},
	{"DescribeCreateAccountStatus that does not exist", "CreateAccountStatusNotFoundException", "AccountNotFoundException",
		"AWS documents CreateAccountStatusNotFoundException for an unknown request id; moto answers AccountNotFoundException"},
	{"AttachPolicy again", "DuplicatePolicyAttachmentException", "ok",
		"AWS refuses to attach a policy twice to one target; moto accepts it"},
	{"DetachPolicy not attached", "PolicyNotAttachedException", "ok",
		"AWS refuses to detach a policy that is not attached; moto accepts it"},
	{"DeleteOrganizationalUnit with an account in it", "OrganizationalUnitNotEmptyException", "ok",
		"AWS refuses to delete an OU that holds accounts or OUs; moto deletes it"},
}

type confVars struct {
	root, ou, deepest, account, policy, carID string
}

type confStep struct {
	name string
	run  func(ctx context.Context, c *organizations.Client, v *confVars) (string, error)
}

func conformanceSteps() []confStep {
	scpSized := func(n int) string {
		head := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Sid":"`
		tail := `"}]}`
		return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
	}
	return []confStep{
		{"DescribeOrganization without one", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			return "", err
		}},
		{"CreateOrganization", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
			if err != nil {
				return "", err
			}
			return string(out.Organization.FeatureSet), nil
		}},
		{"CreateOrganization again", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{})
			return "", err
		}},
		{"ListRoots", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.ListRoots(ctx, &organizations.ListRootsInput{})
			if err != nil {
				return "", err
			}
			v.root = *out.Roots[0].Id
			return fmt.Sprint(len(out.Roots), " ", *out.Roots[0].Name), nil
		}},
		{"EnablePolicyType SERVICE_CONTROL_POLICY", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: &v.root, PolicyType: orgtypes.PolicyTypeServiceControlPolicy})
			return "", err
		}},
		{"FullAWSAccess on the root", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: &v.root, Filter: orgtypes.PolicyTypeServiceControlPolicy})
			if err != nil {
				return "", err
			}
			var ids []string
			for _, p := range out.Policies {
				ids = append(ids, *p.Id)
			}
			return strings.Join(ids, ","), nil
		}},
		{"CreateOrganizationalUnit", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &v.root, Name: aws.String("Workloads")})
			if err != nil {
				return "", err
			}
			v.ou = *out.OrganizationalUnit.Id
			return *out.OrganizationalUnit.Name, nil
		}},
		{"CreateOrganizationalUnit with a sibling's name", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &v.root, Name: aws.String("Workloads")})
			return "", err
		}},
		{"CreateOrganizationalUnit five levels deep", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			parent := v.ou
			for level := 2; level <= 5; level++ {
				out, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &parent, Name: aws.String(fmt.Sprint("level-", level))})
				if err != nil {
					return "", err
				}
				parent = *out.OrganizationalUnit.Id
			}
			v.deepest = parent
			return "", nil
		}},
		{"CreateOrganizationalUnit a sixth level deep", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &v.deepest, Name: aws.String("level-6")})
			return "", err
		}},
		{"DescribeOrganizationalUnit that does not exist", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String(strings.Replace(v.ou, v.ou[len(v.ou)-8:], "zzzzzzzz", 1))})
			return "", err
		}},
		{"CreateAccount state after creation", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("payments-dev"), Email: aws.String("aws+payments-dev@acme.example")})
			if err != nil {
				return "", err
			}
			v.carID = *out.CreateAccountStatus.Id
			return string(out.CreateAccountStatus.State), nil
		}},
		{"CreateAccount final state", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			st, err := pollCreation(ctx, c, v.carID)
			if err != nil {
				return "", err
			}
			v.account = *st.AccountId
			return string(st.State), nil
		}},
		{"DescribeCreateAccountStatus that does not exist", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String("car-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")})
			return "", err
		}},
		{"CreateAccount with a taken email, final state", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("payments-dev-2"), Email: aws.String("aws+payments-dev@acme.example")})
			if err != nil {
				return "", err
			}
			st, err := pollCreation(ctx, c, *out.CreateAccountStatus.Id)
			if err != nil {
				return "", err
			}
			if st.State == orgtypes.CreateAccountStateFailed {
				return string(st.State) + "/" + string(st.FailureReason), errReported
			}
			return string(st.State), nil
		}},
		{"DescribeAccount", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: &v.account})
			if err != nil {
				return "", err
			}
			return *out.Account.Name + " " + *out.Account.Email + " " + string(out.Account.Status), nil
		}},
		{"DescribeAccount that does not exist", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("999999999999")})
			return "", err
		}},
		{"MoveAccount from a parent it is not in", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &v.account, SourceParentId: &v.deepest, DestinationParentId: &v.ou})
			return "", err
		}},
		{"MoveAccount", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			// After the step above moto has the account in the OU already; move
			// it back to the root first so both sides start this step alike.
			parents, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: &v.account})
			if err != nil {
				return "", err
			}
			if *parents.Parents[0].Id != v.root {
				if _, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &v.account, SourceParentId: parents.Parents[0].Id, DestinationParentId: &v.root}); err != nil {
					return "", err
				}
			}
			_, err = c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &v.account, SourceParentId: &v.root, DestinationParentId: &v.ou})
			return "", err
		}},
		{"ListAccountsForParent", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: &v.ou})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.Accounts)), nil
		}},
		{"ListAccounts with MaxResults 1", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(1)})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.Accounts), " next:", out.NextToken != nil), nil
		}},
		{"ListAccounts with MaxResults 21", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
			if err != nil {
				return "", err
			}
			// Moto created the duplicate-email account too; count only distinct emails.
			emails := map[string]bool{}
			for _, a := range out.Accounts {
				emails[strings.ToLower(*a.Email)] = true
			}
			return fmt.Sprint(len(emails)), nil
		}},
		{"CreatePolicy", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("orgwizard-deny-leave-organization"), Description: aws.String("deny leaving"),
				Content: aws.String(scp), Type: orgtypes.PolicyTypeServiceControlPolicy})
			if err != nil {
				return "", err
			}
			v.policy = *out.Policy.PolicySummary.Id
			return *out.Policy.PolicySummary.Name + " " + *out.Policy.Content, nil
		}},
		{"CreatePolicy with a taken name", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("orgwizard-deny-leave-organization"), Description: aws.String(""),
				Content: aws.String(scp), Type: orgtypes.PolicyTypeServiceControlPolicy})
			return "", err
		}},
		{"CreatePolicy of 10,240 characters", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("max"), Description: aws.String(""),
				Content: aws.String(scpSized(10240)), Type: orgtypes.PolicyTypeServiceControlPolicy})
			return "", err
		}},
		{"CreatePolicy over 10,240 characters", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("too-big"), Description: aws.String(""),
				Content: aws.String(scpSized(10241)), Type: orgtypes.PolicyTypeServiceControlPolicy})
			return "", err
		}},
		{"AttachPolicy", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: &v.policy, TargetId: &v.ou})
			return "", err
		}},
		{"AttachPolicy again", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: &v.policy, TargetId: &v.ou})
			return "", err
		}},
		{"ListPoliciesForTarget", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			out, err := c.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: &v.ou, Filter: orgtypes.PolicyTypeServiceControlPolicy})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.Policies)), nil
		}},
		{"AttachPolicy an eleventh SCP", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			// The OU has FullAWSAccess and one policy: eight more make ten.
			for i := range 9 {
				out, err := c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String(fmt.Sprint("filler-", i)), Description: aws.String(""),
					Content: aws.String(scp), Type: orgtypes.PolicyTypeServiceControlPolicy})
				if err != nil {
					return "", fmt.Errorf("setup: %w", err)
				}
				_, err = c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: out.Policy.PolicySummary.Id, TargetId: &v.ou})
				if i < 8 && err != nil {
					return "", fmt.Errorf("setup, policy %d: %w", i+3, err)
				}
				if i == 8 {
					return "", err
				}
			}
			return "", nil
		}},
		{"DeletePolicy while attached", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: &v.policy})
			return "", err
		}},
		{"DetachPolicy", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: &v.policy, TargetId: &v.ou})
			return "", err
		}},
		{"DetachPolicy not attached", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: &v.policy, TargetId: &v.ou})
			return "", err
		}},
		{"DeletePolicy", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: &v.policy})
			return "", err
		}},
		{"DescribePolicy deleted", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: &v.policy})
			return "", err
		}},
		{"TagResource and ListTagsForResource", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			if _, err := c.TagResource(ctx, &organizations.TagResourceInput{ResourceId: &v.account, Tags: []orgtypes.Tag{{Key: aws.String("managed-by"), Value: aws.String("orgwizard")}}}); err != nil {
				return "", err
			}
			out, err := c.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: &v.account})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.Tags), " ", *out.Tags[0].Key, "=", *out.Tags[0].Value), nil
		}},
		{"DeleteOrganizationalUnit with an account in it", func(ctx context.Context, c *organizations.Client, v *confVars) (string, error) {
			_, err := c.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: &v.ou})
			return "", err
		}},
	}
}

// errReported marks a step whose observation already says how it failed.
var errReported = errors.New("reported")

func pollCreation(ctx context.Context, c *organizations.Client, id string) (*orgtypes.CreateAccountStatus, error) {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		out, err := c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: &id})
		if err != nil {
			return nil, err
		}
		if out.CreateAccountStatus.State != orgtypes.CreateAccountStateInProgress {
			return out.CreateAccountStatus, nil
		}
	}
	return nil, fmt.Errorf("creation %s still in progress", id)
}

// outcome names what a step did: "ok" (with what it observed), or the AWS
// error code, with the Reason of a ConstraintViolationException.
func outcome(observed string, err error) string {
	if errors.Is(err, errReported) {
		return observed
	}
	if err == nil {
		if observed == "" {
			return "ok"
		}
		return "ok:" + observed
	}
	var cv *orgtypes.ConstraintViolationException
	if errors.As(err, &cv) {
		return "ConstraintViolationException/" + string(cv.Reason)
	}
	var ii *orgtypes.InvalidInputException
	if errors.As(err, &ii) {
		return "InvalidInputException/" + string(ii.Reason)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "error: " + err.Error()
}

// TestConformanceWithMoto runs one sequence of Organizations calls against the
// sandbox and against moto and compares the outcomes step by step.
func TestConformanceWithMoto(t *testing.T) {
	url := moto.URL(t) // reset, and held by this test alone

	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	sb := w.org(w.account("acme"))
	moto := organizations.NewFromConfig(aws.Config{Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTOCONFORMANCE0", "secret", ""),
		Retryer:     sandbox.ConnRetryer},
		func(o *organizations.Options) { o.BaseEndpoint = aws.String(url) })

	known := newDifferences(t, deliberateDifferences)
	ctx := context.Background()
	var sv, mv confVars
	for _, step := range conformanceSteps() {
		got := outcome(step.run(ctx, sb, &sv))
		want := outcome(step.run(ctx, moto, &mv))
		known.check(step.name, got, want)
	}
	known.unused()
}
