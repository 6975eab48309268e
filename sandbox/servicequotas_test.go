package sandbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

var accountsQuota = &servicequotas.RequestServiceQuotaIncreaseInput{ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033")}

func quotaValue(t *testing.T, c *servicequotas.Client) float64 {
	t.Helper()
	out, err := c.GetServiceQuota(context.Background(), &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033")})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Quota.Value
}

// TestQuotaIncrease: on small-quota, the fifth account is refused; an
// increase goes PENDING, CASE_OPENED, APPROVED on the sandbox's clock, and
// then GetServiceQuota reports the new value and CreateAccount honours it.
func TestQuotaIncrease(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)}
	state := filepath.Join(t.TempDir(), "sandbox.json")
	cfg := sandbox.Config{StatePath: state, Scenario: "small-quota", Now: clk.Now}
	w := newWorld(t, cfg)
	mgmt := w.account("acme")
	org, quotas := w.org(mgmt), w.quotas(mgmt)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	delay := sandbox.DefaultQuotaIncreaseDelay / 200 // newWorld's speed
	create := func(name string) (*orgtypes.CreateAccountStatus, error) {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@acme.example")})
		if err != nil {
			return nil, err
		}
		return out.CreateAccountStatus, nil
	}
	for i := range 3 {
		if _, err := create(fmt.Sprint("member-", i)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := create("member-3")
	if e := wantErr[*orgtypes.ConstraintViolationException](t, err); e.Reason != orgtypes.ConstraintViolationExceptionReasonAccountNumberLimitExceeded {
		t.Fatalf("reason %s", e.Reason)
	}
	if v := quotaValue(t, quotas); v != 4 {
		t.Fatalf("quota %v, want 4", v)
	}

	// Refusals, in AWS's error shapes.
	in := *accountsQuota
	in.DesiredValue = aws.Float64(4)
	_, err = quotas.RequestServiceQuotaIncrease(ctx, &in)
	wantErr[*sqtypes.IllegalArgumentException](t, err)
	in.DesiredValue = aws.Float64(6.5)
	_, err = quotas.RequestServiceQuotaIncrease(ctx, &in)
	wantErr[*sqtypes.IllegalArgumentException](t, err)
	in.DesiredValue, in.QuotaCode = aws.Float64(6), aws.String("L-29A0C5DF")
	_, err = quotas.RequestServiceQuotaIncrease(ctx, &in)
	wantErr[*sqtypes.NoSuchResourceException](t, err)

	in.QuotaCode = aws.String("L-E619E033")
	out, err := quotas.RequestServiceQuotaIncrease(ctx, &in)
	if err != nil {
		t.Fatal(err)
	}
	rq := out.RequestedQuota
	if rq.Status != sqtypes.RequestStatusPending || *rq.DesiredValue != 6 || rq.CaseId != nil || *rq.QuotaCode != "L-E619E033" ||
		!rq.Created.Equal(clk.Now()) || rq.QuotaRequestedAtLevel != sqtypes.AppliedLevelEnumAccount {
		t.Fatalf("requested: %+v", rq)
	}
	_, err = quotas.RequestServiceQuotaIncrease(ctx, &in)
	wantErr[*sqtypes.ResourceAlreadyExistsException](t, err)

	status := func() *sqtypes.RequestedServiceQuotaChange {
		t.Helper()
		out, err := quotas.GetRequestedServiceQuotaChange(ctx, &servicequotas.GetRequestedServiceQuotaChangeInput{RequestId: rq.Id})
		if err != nil {
			t.Fatal(err)
		}
		return out.RequestedQuota
	}
	clk.advance(delay/4 - time.Millisecond)
	if s := status(); s.Status != sqtypes.RequestStatusPending {
		t.Fatalf("before the case opens: %s", s.Status)
	}
	clk.advance(time.Millisecond)
	if s := status(); s.Status != sqtypes.RequestStatusCaseOpened || s.CaseId == nil || !s.LastUpdated.Equal(clk.Now()) {
		t.Fatalf("case opened: %+v", s)
	}
	if v := quotaValue(t, quotas); v != 4 {
		t.Fatalf("quota %v before the approval", v)
	}
	_, err = create("member-3")
	wantErr[*orgtypes.ConstraintViolationException](t, err)

	// Stopped and opened again: the request moves on from its timestamps.
	if err := w.sb.Close(); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Hour)
	w = newWorld(t, cfg)
	org, quotas = w.org(mgmt), w.quotas(mgmt)
	if s := status(); s.Status != sqtypes.RequestStatusApproved {
		t.Fatalf("after the delay: %s", s.Status)
	}
	if v := quotaValue(t, quotas); v != 6 {
		t.Fatalf("quota %v after the approval, want 6", v)
	}
	for _, name := range []string{"member-3", "member-4"} {
		if _, err := create(name); err != nil {
			t.Fatalf("%s after the increase: %v", name, err)
		}
	}
	_, err = create("member-5")
	wantErr[*orgtypes.ConstraintViolationException](t, err)

	// The history, by service and by quota.
	hist, err := quotas.ListRequestedServiceQuotaChangeHistory(ctx, &servicequotas.ListRequestedServiceQuotaChangeHistoryInput{ServiceCode: aws.String("organizations")})
	if err != nil || len(hist.RequestedQuotas) != 1 || *hist.RequestedQuotas[0].Id != *rq.Id || hist.RequestedQuotas[0].Status != sqtypes.RequestStatusApproved {
		t.Fatalf("history: %v %+v", err, hist)
	}
	byQuota, err := quotas.ListRequestedServiceQuotaChangeHistoryByQuota(ctx, &servicequotas.ListRequestedServiceQuotaChangeHistoryByQuotaInput{
		ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033"), Status: sqtypes.RequestStatusPending})
	if err != nil || len(byQuota.RequestedQuotas) != 0 {
		t.Fatalf("pending by quota: %v %+v", err, byQuota)
	}
	// A member cannot raise its organization's quota.
	var member sandbox.AccountInfo
	for _, a := range w.sb.Accounts() {
		if a.Name == "member-0" {
			member = a
		}
	}
	in.DesiredValue = aws.Float64(50)
	_, err = w.quotas(member).RequestServiceQuotaIncrease(ctx, &in)
	wantErr[*sqtypes.AccessDeniedException](t, err)
}

// TestQuotaIncreaseOutcomes: before the organization exists the increase
// carries over to it; without a support case it is not approved; above what
// the sandbox grants it is denied; the history pages.
func TestQuotaIncreaseOutcomes(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)}
	w := newWorld(t, sandbox.Config{Scenario: "dirty-management", Now: clk.Now})
	legacy, clean := w.account("acme-legacy"), w.account("acme")
	delay := sandbox.DefaultQuotaIncreaseDelay / 200

	in := *accountsQuota
	in.DesiredValue = aws.Float64(30)
	if _, err := w.quotas(clean).RequestServiceQuotaIncrease(ctx, &in); err != nil {
		t.Fatal(err)
	}
	in.DesiredValue, in.SupportCaseAllowed = aws.Float64(40), aws.Bool(false)
	if _, err := w.quotas(legacy).RequestServiceQuotaIncrease(ctx, &in); err != nil {
		t.Fatal(err)
	}
	clk.advance(delay)
	if v := quotaValue(t, w.quotas(clean)); v != 30 {
		t.Fatalf("standalone account's quota %v, want 30", v)
	}
	if _, err := w.org(clean).CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	if v := quotaValue(t, w.quotas(clean)); v != 30 {
		t.Fatalf("the new organization's quota %v, want the 30 granted before it existed", v)
	}
	hist, err := w.quotas(legacy).ListRequestedServiceQuotaChangeHistory(ctx, &servicequotas.ListRequestedServiceQuotaChangeHistoryInput{})
	if err != nil || len(hist.RequestedQuotas) != 1 || hist.RequestedQuotas[0].Status != sqtypes.RequestStatusNotApproved || hist.RequestedQuotas[0].CaseId != nil {
		t.Fatalf("without a support case: %v %+v", err, hist)
	}
	if v := quotaValue(t, w.quotas(legacy)); v != 12 {
		t.Fatalf("a request not approved changed the quota to %v", v)
	}

	// Denied above 10,000; then three more requests to page through.
	in.SupportCaseAllowed = nil
	in.DesiredValue = aws.Float64(20_000)
	if _, err := w.quotas(clean).RequestServiceQuotaIncrease(ctx, &in); err != nil {
		t.Fatal(err)
	}
	clk.advance(delay)
	for _, v := range []float64{31, 32, 33} {
		in.DesiredValue = aws.Float64(v)
		if _, err := w.quotas(clean).RequestServiceQuotaIncrease(ctx, &in); err != nil {
			t.Fatal(err)
		}
		clk.advance(delay)
	}
	var statuses []string
	p := servicequotas.NewListRequestedServiceQuotaChangeHistoryByQuotaPaginator(w.quotas(clean), &servicequotas.ListRequestedServiceQuotaChangeHistoryByQuotaInput{
		ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033"), MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, q := range page.RequestedQuotas {
			statuses = append(statuses, fmt.Sprint(*q.DesiredValue, " ", q.Status))
		}
	}
	if want := "[30 APPROVED 20000 DENIED 31 APPROVED 32 APPROVED 33 APPROVED]"; fmt.Sprint(statuses) != want || pages != 3 {
		t.Fatalf("history %v in %d pages, want %s in 3", statuses, pages, want)
	}
	if v := quotaValue(t, w.quotas(clean)); v != 33 {
		t.Fatalf("quota %v, want 33", v)
	}
	_, err = w.quotas(clean).ListRequestedServiceQuotaChangeHistory(ctx, &servicequotas.ListRequestedServiceQuotaChangeHistoryInput{NextToken: aws.String("bogus")})
	wantErr[*sqtypes.InvalidPaginationTokenException](t, err)
	_, err = w.quotas(clean).GetRequestedServiceQuotaChange(ctx, &servicequotas.GetRequestedServiceQuotaChangeInput{RequestId: aws.String("0123456789abcdef0123456789abcdef")})
	wantErr[*sqtypes.NoSuchResourceException](t, err)
}
