package wizard

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/orgwizard/orgwizard/costview"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// BudgetsLead is what the budgets' part of the guardrails step says before
// its questions.
const BudgetsLead = "A monthly AWS Budgets cost budget on every member account, in USD, that mails when the month's spend passes each alert's percent (and when the forecast passes 100%). Budgets per workload or account are set in the design file; the wizard keeps them."

// BudgetsChangeQuestion asks, where the budgets are asked in turn
// (accessible mode), whether to change them; no keeps them as they are.
var BudgetsChangeQuestion = Question{Title: "Change the budgets?"}

// BudgetAnswers are the answers of the budgets' questions, as typed.
type BudgetAnswers struct {
	On      bool
	Default string
	// Environments are the amounts of d's environments, in their order;
	// "" leaves an environment at the default.
	Environments   []string
	Alerts, Notify string
}

// BudgetsOf are the answers d holds; a design without budgets gets the
// block's defaults, off.
func BudgetsOf(d *orgmodel.Design) BudgetAnswers {
	b := d.Budgets
	a := BudgetAnswers{On: b != nil, Alerts: "80, 100", Notify: orgmodel.NotifyOwner, Environments: make([]string, len(d.Environments))}
	if b == nil {
		return a
	}
	a.Default = formatNumber(b.Default)
	for i, e := range d.Environments {
		for _, o := range b.Environments {
			if o.Name == e.Name {
				a.Environments[i] = formatNumber(o.Amount)
			}
		}
	}
	var alerts []string
	for _, v := range b.Alerts {
		alerts = append(alerts, strconv.Itoa(v))
	}
	a.Alerts, a.Notify = strings.Join(alerts, ", "), b.Notify
	return a
}

// BudgetQuestions ask d's budgets: on or off, the default, one amount per
// environment of d (in its order), the alerts and who hears them. Each
// answer is checked by orgmodel's checks of the budgets block.
func BudgetQuestions(d *orgmodel.Design) (on, def Question, envs []Question, alerts, notify Question) {
	on = Question{Title: "Budgets on every member account?", Help: "No removes the budgets block, overrides in the file included."}
	def = Question{Title: "Monthly budget per account, in USD", Help: "For every account that no environment, workload or account sets.", Example: "100",
		Check: func(v string) error {
			return probe(d, func(b *orgmodel.Budgets) error { return setAmount(&b.Default, v) })
		}}
	for _, e := range d.Environments {
		envs = append(envs, Question{Title: fmt.Sprintf("Monthly budget per %s account (blank: the default)", e.Name), Example: "1000", Optional: true,
			Check: func(v string) error {
				if strings.TrimSpace(v) == "" {
					return nil
				}
				return probe(d, func(b *orgmodel.Budgets) error {
					b.Environments = []orgmodel.NamedAmount{{Name: e.Name}}
					return setAmount(&b.Environments[0].Amount, v)
				})
			}})
	}
	alerts = Question{Title: "Alerts, percents of the budget, separated by commas", Example: "80, 100",
		Check: func(v string) error {
			return probe(d, func(b *orgmodel.Budgets) (err error) { b.Alerts, err = parseAlerts(v); return err })
		}}
	notify = Question{Title: "Who hears the alerts: owner, or an email", Help: "owner: each workload's owner, else the organization's mailbox.", Example: "finops@acme.example",
		Suggestions: []string{orgmodel.NotifyOwner},
		Check: func(v string) error {
			return probe(d, func(b *orgmodel.Budgets) error { b.Notify = strings.TrimSpace(v); return nil })
		}}
	return
}

// BudgetForm asks d's budgets into a.
func BudgetForm(d *orgmodel.Design, a *BudgetAnswers) []Field {
	on, def, envs, alerts, notify := BudgetQuestions(d)
	if len(a.Environments) != len(envs) {
		a.Environments = make([]string, len(envs))
	}
	fields := []Field{{Question: on, Yes: &a.On}, Ask(def, &a.Default)}
	for i, q := range envs {
		fields = append(fields, Ask(q, &a.Environments[i]))
	}
	return append(fields, Ask(alerts, &a.Alerts), Ask(notify, &a.Notify))
}

// Apply puts the answers into d when orgmodel's checks pass them (off
// removes the block); else d is unchanged and the error says what to fix.
// The workload and account overrides d has are kept.
func (a BudgetAnswers) Apply(d *orgmodel.Design) error {
	if !a.On {
		return d.SetBudgets(nil)
	}
	b := &orgmodel.Budgets{Currency: orgmodel.BudgetCurrency, Notify: strings.TrimSpace(a.Notify)}
	if old := d.Budgets; old != nil {
		b.Currency = old.Currency
		b.Workloads, b.Accounts = slices.Clone(old.Workloads), slices.Clone(old.Accounts)
	}
	var errs []error
	if err := setAmount(&b.Default, a.Default); err != nil {
		errs = append(errs, fmt.Errorf("budget per account: %w", err))
	}
	for i, e := range d.Environments {
		if i >= len(a.Environments) || strings.TrimSpace(a.Environments[i]) == "" {
			continue
		}
		n := orgmodel.NamedAmount{Name: e.Name}
		if err := setAmount(&n.Amount, a.Environments[i]); err != nil {
			errs = append(errs, fmt.Errorf("budget per %s account: %w", e.Name, err))
		}
		b.Environments = append(b.Environments, n)
	}
	var err error
	if b.Alerts, err = parseAlerts(a.Alerts); err != nil {
		errs = append(errs, fmt.Errorf("alerts: %w", err))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return d.SetBudgets(b)
}

// probe checks one answer: set puts it into a budgets block whose other
// values are the defaults, and orgmodel checks that block in d.
func probe(d *orgmodel.Design, set func(*orgmodel.Budgets) error) error {
	b := &orgmodel.Budgets{Currency: orgmodel.BudgetCurrency, Default: 100, Alerts: []int{80, 100}, Notify: orgmodel.NotifyOwner}
	if err := set(b); err != nil {
		return err
	}
	c := *d
	if err := c.SetBudgets(b); err != nil {
		var fe orgmodel.Errors
		if errors.As(err, &fe) && len(fe) > 0 {
			return errors.New(fe[0].Message)
		}
		return err
	}
	return nil
}

// setAmount reads a monthly amount: a number, with or without $ and
// thousands separators.
func setAmount(dst *float64, v string) error {
	s := strings.NewReplacer("$", "", ",", "", "_", "").Replace(strings.TrimSpace(v))
	f, err := strconv.ParseFloat(s, 64)
	if s == "" || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%q is not an amount; give a monthly amount in USD, such as 100", strings.TrimSpace(v))
	}
	*dst = f
	return nil
}

// parseAlerts reads the alerts: whole percents separated by commas or spaces.
func parseAlerts(v string) ([]int, error) {
	list := SplitList(strings.ReplaceAll(v, "%", ""))
	if len(list) == 0 {
		return nil, errors.New("give at least one percent, such as 80, 100")
	}
	var out []int
	for _, s := range list {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole percent; write percents such as 80, 100", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// BudgetsSummary is one line that says d's budgets, such as "Budgets: $100
// a month per account, prod $1,000; alerts at 80%, 100%".
func BudgetsSummary(d *orgmodel.Design) string {
	b := d.Budgets
	if b == nil {
		return "Budgets: none"
	}
	parts := []string{money(b.Default) + " a month per account"}
	for _, o := range b.Environments {
		parts = append(parts, o.Name+" "+money(o.Amount))
	}
	// The overrides the wizard does not ask are counted, to keep one line.
	if n := len(b.Workloads) + len(b.Accounts); n > 0 {
		parts = append(parts, fmt.Sprintf("%d more in the file", n))
	}
	var alerts []string
	for _, v := range b.Alerts {
		alerts = append(alerts, fmt.Sprintf("%d%%", v))
	}
	return "Budgets: " + strings.Join(parts, ", ") + "; alerts at " + strings.Join(alerts, ", ")
}

// money is a USD amount as people write it: $1,000, or $99.50 with cents
// (the cost view's format, less empty cents).
func money(v float64) string { return strings.TrimSuffix(costview.Money(v, "USD"), ".00") }

// formatNumber is an amount as the answer to type it: 1000, 99.5.
func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
