package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// One question, two renderings: the screen's field and the accessible
// prompt ask the words wizard defines and refuse the same answer with the
// same message.
func TestOneQuestionTwoRenderings(t *testing.T) {
	q := wizard.BasicsQuestions.HomeRegion
	want := q.Check("mars-1").Error()

	v := "mars-1"
	f := field(q, &v)
	f.Blur() // huh validates a field when it loses focus
	if f.Error() == nil || f.Error().Error() != want {
		t.Errorf("the screen's field says %v, want %q", f.Error(), want)
	}
	if !strings.Contains(f.View(), q.Title) {
		t.Errorf("the screen's field does not ask %q:\n%s", q.Title, f.View())
	}

	var out bytes.Buffer
	a := &accessible{in: &lineReader{[]string{"mars-1", "eu-west-1"}}, out: plainWriter{&out}}
	got := ""
	if err := a.answer(wizard.Ask(q, &got)); err != nil {
		t.Fatal(err)
	}
	if got != "eu-west-1" || !strings.Contains(out.String(), want) || !strings.Contains(out.String(), q.Title+" (such as "+q.Example+"). "+strings.TrimSuffix(q.Help, ".")) {
		t.Errorf("accessible mode took %q and said:\n%s", got, out.String())
	}
}

// In accessible mode an empty answer keeps the current one, and "none"
// clears an optional one.
func TestAccessibleAnswerKeepsOrClears(t *testing.T) {
	var out bytes.Buffer
	a := &accessible{in: &lineReader{[]string{"", "none"}}, out: plainWriter{&out}}
	region, tags := "eu-west-1", "team=platform"
	if err := a.answer(wizard.Ask(wizard.BasicsQuestions.HomeRegion, &region), wizard.Ask(wizard.BasicsQuestions.Tags, &tags)); err != nil {
		t.Fatal(err)
	}
	if region != "eu-west-1" || tags != "" {
		t.Errorf("region %q, tags %q; want the region kept and the tags cleared", region, tags)
	}
	if !strings.Contains(out.String(), "(enter keeps team=platform; none removes it)") {
		t.Errorf("the tags prompt does not say how to keep or clear them:\n%s", out.String())
	}
}

// What a step says before its questions is written once and said both
// ways: the screens show it (goldens), and accessible mode says it.
func TestAccessibleSaysEachStepsLead(t *testing.T) {
	var out bytes.Buffer
	opt := Options{Backend: &fakeBackend{}, DesignPath: "acme.yaml", Design: acmeDesign(t), Reached: wizard.Workloads}
	answers := []string{"1", "", "", ""} // the sandbox; workloads and environments as they are
	_, _ = RunAccessible(context.Background(), opt, &lineReader{answers}, &out)
	for _, s := range []wizard.Step{wizard.Workloads, wizard.Environments, wizard.Residency} {
		if lead := s.Info().Lead; lead == "" || !strings.Contains(out.String(), lead) {
			t.Errorf("accessible mode does not say the lead of %s %q:\n%s", s, lead, out.String())
		}
	}
}

// memberBackend signs in to a member account of someone else's organization.
type memberBackend struct{ *fakeBackend }

func (b memberBackend) Preflight(ctx context.Context) (Preflight, error) {
	p, err := b.fakeBackend.Preflight(ctx)
	p.Organization = &orgmodel.ActualOrganization{ID: "o-exampleorg", ManagementAccountID: "999999999999", FeatureSet: "ALL"}
	return p, err
}

// The preflight's findings are written once: the screen marks them, and
// accessible mode says them, a problem as a problem.
func TestPreflightFactsBothWays(t *testing.T) {
	var out bytes.Buffer
	_, err := RunAccessible(context.Background(), Options{Backend: memberBackend{&fakeBackend{}}}, &lineReader{[]string{"1"}}, &out)
	text := strings.Join(strings.Fields(out.String()), " ")
	if err == nil || !strings.Contains(text, "Problem: This account is a member of organization o-exampleorg, whose management account is 999999999999. Sign in to the management account.") {
		t.Errorf("accessible mode: %v\n%s", err, out.String())
	}
	p, _ := memberBackend{&fakeBackend{}}.Preflight(context.Background())
	screen := stripANSI(strings.Join(NewStyles(false).facts(200, preflightFacts(p, nil, nil)...), "\n"))
	if !strings.Contains(screen, "✗ This account is a member of organization o-exampleorg, whose management account is 999999999999. Sign in to the management account (esc, then choose its profile).") {
		t.Errorf("the screen shows:\n%s", screen)
	}
}

// Before anything changes, accessible mode says what the confirm screen
// shows: what the plan creates, moves and attaches, and that nothing is
// deleted.
func TestAccessibleConfirmSaysThePlan(t *testing.T) {
	var out bytes.Buffer
	opt := Options{Backend: &fakeBackend{}, Design: acmeDesign(t), Reached: wizard.Preview, DesignPath: "acme.yaml"}
	res, err := RunAccessible(context.Background(), opt, &lineReader{[]string{"1", "n"}}, &out) // the sandbox; no
	if err != nil || res.Message != "Nothing was changed." {
		t.Fatalf("%v, %+v\n%s", err, res, out.String())
	}
	text := strings.Join(strings.Fields(out.String()), " ")
	if want := "8 OUs and 9 accounts to create, 9 accounts to move, 0 to tag, 5 guardrails to create or update and 6 attachments. " + wizard.ConfirmSafety; !strings.Contains(text, want) {
		t.Errorf("accessible mode does not say %q:\n%s", want, out.String())
	}
}

// A form written once fills the same draft whichever way it is asked: here
// a new environment, with its yes or no, in accessible mode.
func TestFormAskedInAccessibleMode(t *testing.T) {
	d := wizard.NewDesign()
	var e orgmodel.Environment
	var out bytes.Buffer
	a := &accessible{in: &lineReader{[]string{"dev", "qa", "", "y"}}, out: plainWriter{&out}}
	if err := a.answer(wizard.EnvironmentForm(d, -1, &e)...); err != nil {
		t.Fatal(err)
	}
	if e != (orgmodel.Environment{Name: "qa", PerResidency: true}) {
		t.Errorf("environment answered as %+v", e)
	}
	if !strings.Contains(out.String(), "there is already an environment called dev") {
		t.Errorf("the duplicate name is not refused as on the screen:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "One account per residency? Yes for production") {
		t.Errorf("the yes or no is not asked with its help:\n%s", out.String())
	}
}
