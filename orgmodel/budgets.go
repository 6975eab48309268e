package orgmodel

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Budgets is the design's optional budgets block: a monthly AWS Budgets cost
// budget on every member account, with alerts, and an organization total.
type Budgets struct {
	Currency     string        `json:"currency" yaml:"currency"`
	Default      float64       `json:"default" yaml:"default"`
	Environments []NamedAmount `json:"environments,omitempty" yaml:"environments,omitempty"`
	Workloads    []NamedAmount `json:"workloads,omitempty" yaml:"workloads,omitempty"`
	Accounts     []NamedAmount `json:"accounts,omitempty" yaml:"accounts,omitempty"`
	Alerts       []int         `json:"alerts" yaml:"alerts"`
	Notify       string        `json:"notify" yaml:"notify"`
}

// NamedAmount is one override of the default: an environment, workload or
// account name and its monthly amount, in the file's order.
type NamedAmount struct {
	Name   string  `json:"name"`
	Amount float64 `json:"amount"`
}

// Defaults of the budgets block.
const (
	BudgetCurrency = "USD"
	NotifyOwner    = "owner"
	// ForecastAlert is the percent of the budget that AWS's forecast for the
	// month must pass to alert: always 100.
	ForecastAlert = 100
	// MaxAlert bounds an alert's percent: 1000% is ten times the budget,
	// past which an alert tells nothing an earlier one has not.
	MaxAlert = 1000
	// MaxBudgetAmount bounds one monthly amount: a typing slip (an extra
	// zero or two) is caught, any real monthly budget fits.
	MaxBudgetAmount = 1_000_000_000
)

// Names orgwizard gives what it creates in AWS Budgets and Cost Explorer.
// The prefix marks them as orgwizard's own: only those are ever changed.
const (
	BudgetPrefix           = "orgwizard-"
	OrganizationBudgetName = BudgetPrefix + "organization"
	CategoryWorkload       = BudgetPrefix + TagWorkload
	CategoryEnvironment    = BudgetPrefix + TagEnvironment
	CategoryResidency      = BudgetPrefix + TagResidency
)

// BudgetName is the name of the budget of the account called account.
func BudgetName(account string) string { return BudgetPrefix + account }

func defaultAlerts() []int { return []int{80, 100} }

// notDecoded stands for an alert the decoder could not read (and reported).
const notDecoded = math.MinInt

// budgets decodes the budgets block.
func (dc *decoder) budgets(n *yaml.Node, path string) {
	if isNull(n) {
		return
	}
	b := &Budgets{Currency: BudgetCurrency, Alerts: defaultAlerts(), Notify: NotifyOwner}
	dc.d.Budgets = b
	dc.mapping(n, path, []field{
		{"currency", dc.str(&b.Currency)},
		{"default", dc.amount(&b.Default)},
		{"environments", dc.amounts(&b.Environments)},
		{"workloads", dc.amounts(&b.Workloads)},
		{"accounts", dc.amounts(&b.Accounts)},
		{"alerts", func(n *yaml.Node, path string) {
			b.Alerts = []int{}
			dc.sequence(n, path, func(c *yaml.Node, p string) {
				v, err := strconv.Atoi(c.Value)
				if c.Kind != yaml.ScalarNode || c.Tag != "!!int" || err != nil {
					dc.errs.at(dc.pos(c), p, "expected a whole percent such as 80, found %s", describe(c))
					v = notDecoded
				}
				b.Alerts = append(b.Alerts, v)
			})
		}},
		{"notify", dc.str(&b.Notify)},
	})
}

// amount decodes a number of the currency; a problem leaves 0, which
// validation does not report again.
func (dc *decoder) amount(dst *float64) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
			if v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
				*dst = v
				return
			}
		}
		*dst = math.NaN()
		hint := ""
		if n.Kind == yaml.ScalarNode {
			if _, err := strconv.ParseFloat(strings.TrimPrefix(n.Value, "$"), 64); err == nil {
				hint = fmt.Sprintf("; write the number alone, without quotes or currency sign: %s", strings.TrimPrefix(n.Value, "$"))
			}
		}
		dc.errs.at(dc.pos(n), path, "expected a monthly amount in USD such as 100, found %s%s", describe(n), hint)
	}
}

// amounts decodes a mapping of names to amounts, keeping the file's order.
func (dc *decoder) amounts(dst *[]NamedAmount) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		*dst = []NamedAmount{}
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			dc.errs.at(dc.pos(n), path, "expected a mapping of names to monthly amounts, such as {prod: 1000}, found %s", describe(n))
			return
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := dc.resolve(n.Content[i]), dc.resolve(n.Content[i+1])
			if k == nil || v == nil || !dc.visit() {
				return
			}
			if k.Kind != yaml.ScalarNode || isNull(k) {
				dc.errs.at(dc.pos(k), path, "a key must be a name, found %s", describe(k))
				continue
			}
			kpath := join(path, k.Value)
			dc.d.pos[kpath] = dc.pos(v)
			if seen[k.Value] {
				dc.errs.at(dc.pos(k), kpath, "is set twice; keep one")
				continue
			}
			seen[k.Value] = true
			a := NamedAmount{Name: k.Value}
			dc.amount(&a.Amount)(v, kpath)
			*dst = append(*dst, a)
		}
	}
}

// validateBudgets checks the budgets block's own values and the names it
// gives, all at once; the account names are checked against the expansion
// (validateBudgetAccounts).
func (d *Design) validateBudgets(l *errorList) {
	b := d.Budgets
	if b == nil {
		return
	}
	if b.Currency != BudgetCurrency {
		l.add("budgets.currency", "%q is not supported; AWS Budgets keeps cost budgets in USD (the currency of the bill), so write currency: USD or leave it out", b.Currency)
	}
	switch {
	case !d.written("budgets.default"):
		l.add("budgets.default", "is required: the monthly amount in USD of every member account's budget that no environment, workload or account sets, such as default: 100")
	case !math.IsNaN(b.Default):
		checkAmount(l, "budgets.default", b.Default)
	}
	envs := map[string]bool{}
	for _, e := range d.Environments {
		envs[e.Name] = true
	}
	works := map[string]bool{}
	for _, w := range d.Workloads {
		works[w.Name] = true
	}
	names := func(set map[string]bool) []string {
		var out []string
		for _, e := range d.Environments {
			if set[e.Name] {
				out = append(out, e.Name)
			}
		}
		for _, w := range d.Workloads {
			if set[w.Name] {
				out = append(out, w.Name)
			}
		}
		return out
	}
	for _, o := range []struct {
		key  string
		list []NamedAmount
		set  map[string]bool
		what string
	}{{"environments", b.Environments, envs, "environment"}, {"workloads", b.Workloads, works, "workload"}} {
		for _, a := range o.list {
			p := "budgets." + o.key + "." + a.Name
			if !o.set[a.Name] {
				known := names(o.set)
				msg := fmt.Sprintf("the design has no %s %q; use one of: %s", o.what, a.Name, strings.Join(known, ", "))
				if near := nearest(a.Name, known); near != "" {
					msg = fmt.Sprintf("the design has no %s %q; did you mean %q?", o.what, a.Name, near)
				}
				l.add(p, "%s", msg)
			}
			if !math.IsNaN(a.Amount) {
				checkAmount(l, p, a.Amount)
			}
		}
	}
	for _, a := range b.Accounts {
		if !math.IsNaN(a.Amount) {
			checkAmount(l, "budgets.accounts."+a.Name, a.Amount)
		}
	}
	seen := map[int]bool{}
	for i, v := range b.Alerts {
		p := index("budgets.alerts", i)
		switch {
		case v == notDecoded:
			// already reported by the decoder
		case v < 1 || v > MaxAlert:
			l.add(p, "%d is not a percent from 1 to %d; an alert at 80 mails when the month's actual spend passes 80%% of the budget", v, MaxAlert)
		case seen[v]:
			l.add(p, "%d is listed twice; keep one", v)
		}
		seen[v] = true
	}
	if len(b.Alerts) == 0 && d.written("budgets.alerts") {
		l.add("budgets.alerts", "is empty; list at least one percent, such as [80, 100], or leave alerts out for that default")
	}
	if b.Notify != NotifyOwner {
		if err := CheckEmail(b.Notify); err != nil {
			l.add("budgets.notify", "is neither %q (each workload's owner, else the organization's mailbox) nor an email: %s", NotifyOwner, strings.TrimPrefix(err.Error(), "is "))
		}
	}
	if len(b.Alerts)+1 > maxNotificationsPerBudget {
		l.add("budgets.alerts", "%d alerts and the forecast alert make %d; AWS Budgets allows %d per budget, so remove %d", len(b.Alerts), len(b.Alerts)+1, maxNotificationsPerBudget, len(b.Alerts)+1-maxNotificationsPerBudget)
	}
}

// SetBudgets makes b the design's budgets block (nil: none) when it passes
// the checks Validate makes of the block, as if the file had written it, so
// that an editor (the wizard) checks answers as a file is checked; else d is
// unchanged and the error says what to change.
func (d *Design) SetBudgets(b *Budgets) error {
	if b == nil {
		d.Budgets = nil
		return nil
	}
	c := *d
	c.Budgets = b
	c.pos = maps.Clone(d.pos)
	if c.pos == nil {
		c.pos = map[string]Pos{}
	}
	if _, ok := c.pos["budgets.default"]; !ok {
		c.pos["budgets.default"] = Pos{}
	}
	l := &errorList{d: &c}
	c.validateBudgets(l)
	if err := l.result(); err != nil {
		return err
	}
	*d = c
	return nil
}

// maxNotificationsPerBudget is AWS Budgets' limit of notifications a budget.
const maxNotificationsPerBudget = 10

// written reports whether the file set path.
func (d *Design) written(path string) bool {
	_, ok := d.pos[path]
	return ok
}

func checkAmount(l *errorList, path string, v float64) {
	switch {
	case v <= 0:
		l.add(path, "%s is not a positive amount; a monthly budget is more than 0 USD, such as 100", formatAmount(v))
	case v > MaxBudgetAmount:
		l.add(path, "%s USD a month is more than orgwizard accepts (%d); is there a zero too many?", formatAmount(v), MaxBudgetAmount)
	case math.Round(v*100) != v*100:
		l.add(path, "%s has more than two decimals; AWS Budgets keeps cents, so write %s", formatAmount(v), formatAmount(math.Round(v*100)/100))
	}
}

// validateBudgetAccounts checks that budgets.accounts names accounts of the
// expanded design.
func (d *Design) validateBudgetAccounts(l *errorList, t *Tree) {
	if d.Budgets == nil || len(d.Budgets.Accounts) == 0 {
		return
	}
	var names []string
	for _, a := range t.Accounts {
		names = append(names, a.Name)
	}
	for _, a := range d.Budgets.Accounts {
		if slices.Contains(names, a.Name) {
			continue
		}
		msg := fmt.Sprintf("the design makes no account %q", a.Name)
		if near := nearest(a.Name, names); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
		} else {
			msg += "; name one of the accounts orgwizard preview lists"
		}
		l.add("budgets.accounts."+a.Name, "%s", msg)
	}
}

// formatAmount writes an amount the way AWS Budgets sends it: no trailing zeros.
func formatAmount(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Budget is one AWS Budgets budget the design wants: a monthly cost budget of
// one member account (Account set), or the organization's total (Account
// empty: no filter).
type Budget struct {
	Name     string  `json:"name"`
	Account  string  `json:"account,omitempty"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	// Alerts are percents of the actual spend; the forecast alert is at
	// ForecastAlert.
	Alerts []int  `json:"alerts"`
	Notify string `json:"notify"` // the email that hears the alerts
	// Source is where the amount comes from: default, environments.prod ...
	Source string `json:"source"`
}

// CostCategory is a Cost Explorer cost category the design wants: each value
// and the accounts (by name) that have it.
type CostCategory struct {
	Name   string              `json:"name"`
	Values map[string][]string `json:"values"`
}

// expandBudgets adds to t a budget per member account, the organization's
// total, and the cost categories.
func (d *Design) expandBudgets(t *Tree) {
	b := d.Budgets
	if b == nil {
		return
	}
	owner := map[string]string{}
	for _, w := range d.Workloads {
		owner[w.Name] = w.Owner
	}
	mailbox := d.Organization.Email
	if mailbox == "" {
		mailbox = d.AccountEmail("budgets")
	}
	lookup := func(list []NamedAmount, name string) (float64, bool) {
		for _, a := range list {
			if a.Name == name {
				return a.Amount, true
			}
		}
		return 0, false
	}
	total := 0.0
	cats := map[string]map[string][]string{CategoryWorkload: {}, CategoryEnvironment: {}, CategoryResidency: {}}
	for _, a := range t.Accounts {
		amount, source := b.Default, "default"
		if v, ok := lookup(b.Environments, a.Environment); ok && a.Environment != "" {
			amount, source = v, "environments."+a.Environment
		}
		if v, ok := lookup(b.Workloads, a.Workload); ok && a.Workload != "" {
			amount, source = v, "workloads."+a.Workload
		}
		if v, ok := lookup(b.Accounts, a.Name); ok {
			amount, source = v, "accounts."+a.Name
		}
		notify := b.Notify
		if notify == NotifyOwner {
			notify = mailbox
			if o := owner[a.Workload]; a.Workload != "" && o != "" {
				notify = o
			}
		}
		t.Budgets = append(t.Budgets, Budget{Name: BudgetName(a.Name), Account: a.Name, Amount: amount, Currency: b.Currency,
			Alerts: slices.Clone(b.Alerts), Notify: notify, Source: source})
		total += amount
		for cat, v := range map[string]string{CategoryWorkload: a.Workload, CategoryEnvironment: a.Environment, CategoryResidency: a.Residency} {
			if v != "" {
				cats[cat][v] = append(cats[cat][v], a.Name)
			}
		}
	}
	notify := b.Notify
	if notify == NotifyOwner {
		notify = mailbox
	}
	t.Budgets = append(t.Budgets, Budget{Name: OrganizationBudgetName, Amount: math.Round(total*100) / 100, Currency: b.Currency,
		Alerts: slices.Clone(b.Alerts), Notify: notify, Source: "the sum of the accounts' budgets"})
	for _, name := range []string{CategoryWorkload, CategoryEnvironment, CategoryResidency} {
		if len(cats[name]) > 0 {
			t.CostCategories = append(t.CostCategories, CostCategory{Name: name, Values: cats[name]})
		}
	}
}
