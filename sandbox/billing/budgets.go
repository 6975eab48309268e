package billing

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Budget is one AWS Budgets budget of an account, with its notifications.
type Budget struct {
	AccountID     string              `json:"accountId"`
	Name          string              `json:"name"`
	Type          string              `json:"type"`
	TimeUnit      string              `json:"timeUnit"`
	Limit         *Spend              `json:"limit,omitempty"`
	CostFilters   map[string][]string `json:"costFilters,omitempty"`
	Start         float64             `json:"start,omitempty"`
	End           float64             `json:"end,omitempty"`
	LastUpdated   float64             `json:"lastUpdated"`
	Notifications []*Notification     `json:"notifications,omitempty"`
}

// Spend is an amount and its currency, as Budgets sends both as strings.
type Spend struct {
	Amount string `json:"Amount"`
	Unit   string `json:"Unit"`
}

// Notification is a threshold of a budget and who hears when it is crossed.
type Notification struct {
	NotificationType   string       `json:"NotificationType"`
	ComparisonOperator string       `json:"ComparisonOperator"`
	Threshold          float64      `json:"Threshold"`
	ThresholdType      string       `json:"ThresholdType,omitempty"`
	Subscribers        []Subscriber `json:"subscribers,omitempty"`
}

// Subscriber is an email address or an SNS topic.
type Subscriber struct {
	SubscriptionType string `json:"SubscriptionType"`
	Address          string `json:"Address"`
}

// AWS's limits: 10 notifications a budget, 10 email subscribers a notification.
const (
	maxNotifications = 10
	maxSubscribers   = 10
)

var budgetNameRe = regexp.MustCompile(`^[^:\\]{1,100}$`)

type notificationInput struct {
	NotificationType   string  `json:"NotificationType"`
	ComparisonOperator string  `json:"ComparisonOperator"`
	Threshold          float64 `json:"Threshold"`
	ThresholdType      string  `json:"ThresholdType"`
}

type budgetWire struct {
	BudgetName  string              `json:"BudgetName"`
	BudgetType  string              `json:"BudgetType"`
	TimeUnit    string              `json:"TimeUnit"`
	BudgetLimit *Spend              `json:"BudgetLimit,omitempty"`
	CostFilters map[string][]string `json:"CostFilters,omitempty"`
	TimePeriod  *struct {
		Start float64 `json:"Start,omitempty"`
		End   float64 `json:"End,omitempty"`
	} `json:"TimePeriod,omitempty"`
	CalculatedSpend *struct {
		ActualSpend     Spend  `json:"ActualSpend"`
		ForecastedSpend *Spend `json:"ForecastedSpend,omitempty"`
	} `json:"CalculatedSpend,omitempty"`
	LastUpdatedTime float64 `json:"LastUpdatedTime,omitempty"`
}

type budgetsInput struct {
	AccountID                    string      `json:"AccountId"`
	BudgetName                   string      `json:"BudgetName"`
	Budget                       *budgetWire `json:"Budget"`
	NewBudget                    *budgetWire `json:"NewBudget"`
	NotificationsWithSubscribers []struct {
		Notification *notificationInput `json:"Notification"`
		Subscribers  []Subscriber       `json:"Subscribers"`
	} `json:"NotificationsWithSubscribers"`
	Notification *notificationInput `json:"Notification"`
	Subscribers  []Subscriber       `json:"Subscribers"`
	Subscriber   *Subscriber        `json:"Subscriber"`
	MaxResults   int                `json:"MaxResults"`
	NextToken    string             `json:"NextToken"`
}

func notFound(format string, args ...any) *Error { return errf("NotFoundException", format, args...) }
func invalidParameter(format string, args ...any) *Error {
	return errf("InvalidParameterException", format, args...)
}

// account checks AccountId: the caller's own, as Budgets answers only for it.
func (in *budgetsInput) account(p *Payer) *Error {
	if in.AccountID == "" {
		return invalidParameter("AccountId is required")
	}
	if in.AccountID != p.Caller {
		return errf("AccessDeniedException", "Account %s cannot act on the budgets of account %s", p.Caller, in.AccountID)
	}
	return nil
}

func (st *State) budget(account, name string) *Budget {
	for _, b := range st.Budgets {
		if b.AccountID == account && b.Name == name {
			return b
		}
	}
	return nil
}

func checkBudget(w *budgetWire) *Error {
	if w == nil {
		return invalidParameter("Budget is required")
	}
	if !budgetNameRe.MatchString(w.BudgetName) {
		return invalidParameter("BudgetName must be 1 to 100 characters without ':' or '\\', not %q", w.BudgetName)
	}
	switch w.BudgetType {
	case "COST", "USAGE", "RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION", "SAVINGS_PLANS_COVERAGE":
	default:
		return invalidParameter("BudgetType %q is not one of COST, USAGE, RI_UTILIZATION, RI_COVERAGE, SAVINGS_PLANS_UTILIZATION, SAVINGS_PLANS_COVERAGE", w.BudgetType)
	}
	switch w.TimeUnit {
	case "DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY":
	default:
		return invalidParameter("TimeUnit %q is not one of DAILY, MONTHLY, QUARTERLY, ANNUALLY", w.TimeUnit)
	}
	if w.BudgetType == "COST" {
		if w.BudgetLimit == nil {
			return invalidParameter("A COST budget needs a BudgetLimit")
		}
		if v, err := strconv.ParseFloat(w.BudgetLimit.Amount, 64); err != nil || v < 0 {
			return invalidParameter("BudgetLimit.Amount %q is not an amount", w.BudgetLimit.Amount)
		}
		if w.BudgetLimit.Unit == "" {
			return invalidParameter("BudgetLimit.Unit is required, such as USD")
		}
	}
	for k := range w.CostFilters {
		if k != "LinkedAccount" {
			return invalidParameter("the sandbox's spend filters by LinkedAccount only, not %q", k)
		}
	}
	return nil
}

func checkNotification(n *notificationInput) *Error {
	if n == nil {
		return invalidParameter("Notification is required")
	}
	if n.NotificationType != "ACTUAL" && n.NotificationType != "FORECASTED" {
		return invalidParameter("NotificationType %q is not one of ACTUAL, FORECASTED", n.NotificationType)
	}
	if n.ComparisonOperator != "GREATER_THAN" && n.ComparisonOperator != "LESS_THAN" && n.ComparisonOperator != "EQUAL_TO" {
		return invalidParameter("ComparisonOperator %q is not one of GREATER_THAN, LESS_THAN, EQUAL_TO", n.ComparisonOperator)
	}
	if n.Threshold < 0 || (n.ThresholdType != "ABSOLUTE_VALUE" && n.Threshold > 1000000000) {
		return invalidParameter("Threshold %v is out of range", n.Threshold)
	}
	if n.ThresholdType != "" && n.ThresholdType != "PERCENTAGE" && n.ThresholdType != "ABSOLUTE_VALUE" {
		return invalidParameter("ThresholdType %q is not one of PERCENTAGE, ABSOLUTE_VALUE", n.ThresholdType)
	}
	return nil
}

func checkSubscriber(s Subscriber) *Error {
	switch s.SubscriptionType {
	case "EMAIL", "SNS":
	default:
		return invalidParameter("SubscriptionType %q is not one of EMAIL, SNS", s.SubscriptionType)
	}
	if s.Address == "" {
		return invalidParameter("A subscriber needs an Address")
	}
	return nil
}

func (n *Notification) same(in *notificationInput) bool {
	t := in.ThresholdType
	if t == "" {
		t = "PERCENTAGE"
	}
	return n.NotificationType == in.NotificationType && n.ComparisonOperator == in.ComparisonOperator &&
		n.Threshold == in.Threshold && n.ThresholdType == t
}

func (b *Budget) notification(in *notificationInput) *Notification {
	for _, n := range b.Notifications {
		if n.same(in) {
			return n
		}
	}
	return nil
}

func (b *Budget) addNotification(in *notificationInput, subs []Subscriber) *Error {
	if err := checkNotification(in); err != nil {
		return err
	}
	if b.notification(in) != nil {
		return errf("DuplicateRecordException", "Error creating notification: the notification already exists for budget %s", b.Name)
	}
	if len(b.Notifications) >= maxNotifications {
		return invalidParameter("A budget has at most %d notifications", maxNotifications)
	}
	if len(subs) == 0 || len(subs) > maxSubscribers {
		return invalidParameter("A notification has 1 to %d subscribers, not %d", maxSubscribers, len(subs))
	}
	for _, s := range subs {
		if err := checkSubscriber(s); err != nil {
			return err
		}
	}
	t := in.ThresholdType
	if t == "" {
		t = "PERCENTAGE"
	}
	b.Notifications = append(b.Notifications, &Notification{NotificationType: in.NotificationType,
		ComparisonOperator: in.ComparisonOperator, Threshold: in.Threshold, ThresholdType: t, Subscribers: slices.Clone(subs)})
	return nil
}

func epoch(t time.Time) float64 { return float64(t.Unix()) }

func (b *Budget) set(w *budgetWire, now time.Time) {
	b.Name, b.Type, b.TimeUnit, b.Limit, b.CostFilters = w.BudgetName, w.BudgetType, w.TimeUnit, w.BudgetLimit, w.CostFilters
	b.Start, b.End = 0, 0
	if w.TimePeriod != nil {
		b.Start, b.End = w.TimePeriod.Start, w.TimePeriod.End
	}
	b.LastUpdated = epoch(now)
}

// periodOf is the budget's current period: the day, month, quarter or year
// that holds now.
func (b *Budget) periodOf(now time.Time) (time.Time, time.Time) {
	d := now.Truncate(24 * time.Hour)
	switch b.TimeUnit {
	case "DAILY":
		return d, d.AddDate(0, 0, 1)
	case "QUARTERLY":
		s := time.Date(d.Year(), d.Month()-(d.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(0, 3, 0)
	case "ANNUALLY":
		s := time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(1, 0, 0)
	}
	s := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	return s, s.AddDate(0, 1, 0)
}

// spend is the budget's actual spend so far in its period and its forecast
// for the whole period, from the spend model.
func (b *Budget) spend(p *Payer, now time.Time) (actual, forecast float64) {
	start, end := b.periodOf(now)
	today := now.Truncate(24 * time.Hour)
	for _, a := range p.Accounts {
		if ids, ok := b.CostFilters["LinkedAccount"]; ok && !slices.Contains(ids, a.ID) {
			continue
		}
		for d := start; !d.After(today); d = d.AddDate(0, 0, 1) {
			actual += Daily(p.Scenario, a, d)
		}
		for d := today.AddDate(0, 0, 1); d.Before(end); d = d.AddDate(0, 0, 1) {
			forecast += dailyMean(p.Scenario, a, d)
		}
	}
	return actual, actual + forecast
}

func money(v float64, unit string) Spend {
	if unit == "" {
		unit = "USD"
	}
	return Spend{Amount: strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64), Unit: unit}
}

func (b *Budget) wire(p *Payer, now time.Time) budgetWire {
	w := budgetWire{BudgetName: b.Name, BudgetType: b.Type, TimeUnit: b.TimeUnit, BudgetLimit: b.Limit, CostFilters: b.CostFilters, LastUpdatedTime: b.LastUpdated}
	start, end := b.periodOf(now)
	if b.Start != 0 {
		start = time.Unix(int64(b.Start), 0).UTC()
	}
	if b.End != 0 {
		end = time.Unix(int64(b.End), 0).UTC()
	} else {
		// AWS's open end: 2087-06-15.
		end = time.Date(2087, 6, 15, 0, 0, 0, 0, time.UTC)
	}
	w.TimePeriod = &struct {
		Start float64 `json:"Start,omitempty"`
		End   float64 `json:"End,omitempty"`
	}{epoch(start), epoch(end)}
	if b.Type == "COST" {
		unit := ""
		if b.Limit != nil {
			unit = b.Limit.Unit
		}
		actual, forecast := b.spend(p, now)
		fs := money(forecast, unit)
		w.CalculatedSpend = &struct {
			ActualSpend     Spend  `json:"ActualSpend"`
			ForecastedSpend *Spend `json:"ForecastedSpend,omitempty"`
		}{ActualSpend: money(actual, unit), ForecastedSpend: &fs}
	}
	return w
}

func createBudget(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	if err := in.account(p); err != nil {
		return nil, false, err
	}
	if err := checkBudget(in.Budget); err != nil {
		return nil, false, err
	}
	if st.budget(p.Caller, in.Budget.BudgetName) != nil {
		return nil, false, errf("DuplicateRecordException", "Error creating budget: %s - the budget already exists.", in.Budget.BudgetName)
	}
	b := &Budget{AccountID: p.Caller}
	b.set(in.Budget, now)
	for _, n := range in.NotificationsWithSubscribers {
		if err := b.addNotification(n.Notification, n.Subscribers); err != nil {
			return nil, false, err
		}
	}
	st.Budgets = append(st.Budgets, b)
	return struct{}{}, true, nil
}

func (st *State) existing(p *Payer, in *budgetsInput) (*Budget, *Error) {
	if err := in.account(p); err != nil {
		return nil, err
	}
	if in.BudgetName == "" {
		return nil, invalidParameter("BudgetName is required")
	}
	b := st.budget(p.Caller, in.BudgetName)
	if b == nil {
		return nil, notFound("Unable to get budget: %s - the budget doesn't exist.", in.BudgetName)
	}
	return b, nil
}

func describeBudget(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	b, err := st.existing(p, &in)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"Budget": b.wire(p, now)}, false, nil
}

// pageOf cuts a list by MaxResults (1 to 1000, default 100) and NextToken.
func pageOf(n, maxResults int, token string) (int, int, string, *Error) {
	switch {
	case maxResults == 0:
		maxResults = 100
	case maxResults < 1 || maxResults > 1000:
		return 0, 0, "", invalidParameter("MaxResults must be between 1 and 1000")
	}
	start := 0
	if token != "" {
		v, err := core.DecodePageToken("budgets", token, n)
		if err != nil || v == 0 {
			return 0, 0, "", errf("InvalidNextTokenException", "Invalid NextToken")
		}
		start = v
	}
	end := min(start+maxResults, n)
	next := ""
	if end < n {
		next = core.EncodePageToken("budgets", end)
	}
	return start, end, next, nil
}

func describeBudgets(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	if err := in.account(p); err != nil {
		return nil, false, err
	}
	var mine []*Budget
	for _, b := range st.Budgets {
		if b.AccountID == p.Caller {
			mine = append(mine, b)
		}
	}
	start, end, next, err := pageOf(len(mine), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, false, err
	}
	out := map[string]any{}
	budgets := []budgetWire{}
	for _, b := range mine[start:end] {
		budgets = append(budgets, b.wire(p, now))
	}
	out["Budgets"] = budgets
	if next != "" {
		out["NextToken"] = next
	}
	return out, false, nil
}

func updateBudget(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	if err := in.account(p); err != nil {
		return nil, false, err
	}
	if err := checkBudget(in.NewBudget); err != nil {
		return nil, false, err
	}
	b := st.budget(p.Caller, in.NewBudget.BudgetName)
	if b == nil {
		return nil, false, notFound("Unable to update budget: %s - the budget doesn't exist.", in.NewBudget.BudgetName)
	}
	b.set(in.NewBudget, now)
	return struct{}{}, true, nil
}

func deleteBudget(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	b, err := st.existing(p, &in)
	if err != nil {
		return nil, false, err
	}
	st.Budgets = slices.DeleteFunc(st.Budgets, func(x *Budget) bool { return x == b })
	return struct{}{}, true, nil
}

func createNotification(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	b, err := st.existing(p, &in)
	if err != nil {
		return nil, false, err
	}
	if err := b.addNotification(in.Notification, in.Subscribers); err != nil {
		return nil, false, err
	}
	return struct{}{}, true, nil
}

// state says whether the notification's threshold is crossed now: ALARM is
// what makes AWS send the alert.
func (n *Notification) state(b *Budget, p *Payer, now time.Time) string {
	actual, forecast := b.spend(p, now)
	v := actual
	if n.NotificationType == "FORECASTED" {
		v = forecast
	}
	limit := 0.0
	if b.Limit != nil {
		limit, _ = strconv.ParseFloat(b.Limit.Amount, 64)
	}
	threshold := n.Threshold
	if n.ThresholdType == "PERCENTAGE" {
		threshold = limit * n.Threshold / 100
	}
	crossed := false
	switch n.ComparisonOperator {
	case "GREATER_THAN":
		crossed = v > threshold
	case "LESS_THAN":
		crossed = v < threshold
	case "EQUAL_TO":
		crossed = math.Abs(v-threshold) < 0.005
	}
	if crossed {
		return "ALARM"
	}
	return "OK"
}

func describeNotifications(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	b, err := st.existing(p, &in)
	if err != nil {
		return nil, false, err
	}
	start, end, next, err := pageOf(len(b.Notifications), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, false, err
	}
	ns := []map[string]any{}
	for _, n := range b.Notifications[start:end] {
		ns = append(ns, map[string]any{"NotificationType": n.NotificationType, "ComparisonOperator": n.ComparisonOperator,
			"Threshold": n.Threshold, "ThresholdType": n.ThresholdType, "NotificationState": n.state(b, p, now)})
	}
	out := map[string]any{"Notifications": ns}
	if next != "" {
		out["NextToken"] = next
	}
	return out, false, nil
}

func createSubscriber(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	b, err := st.existing(p, &in)
	if err != nil {
		return nil, false, err
	}
	if err := checkNotification(in.Notification); err != nil {
		return nil, false, err
	}
	n := b.notification(in.Notification)
	if n == nil {
		return nil, false, notFound("Unable to create subscriber: the notification doesn't exist for budget %s", b.Name)
	}
	if in.Subscriber == nil {
		return nil, false, invalidParameter("Subscriber is required")
	}
	if err := checkSubscriber(*in.Subscriber); err != nil {
		return nil, false, err
	}
	if slices.Contains(n.Subscribers, *in.Subscriber) {
		return nil, false, errf("DuplicateRecordException", "Error creating subscriber: the subscriber already exists for this notification")
	}
	if len(n.Subscribers) >= maxSubscribers {
		return nil, false, invalidParameter("A notification has at most %d subscribers", maxSubscribers)
	}
	n.Subscribers = append(n.Subscribers, *in.Subscriber)
	return struct{}{}, true, nil
}

// describeSubscribers lists who hears one notification of a budget.
func describeSubscribers(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in budgetsInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	b, err := st.existing(p, &in)
	if err != nil {
		return nil, false, err
	}
	if err := checkNotification(in.Notification); err != nil {
		return nil, false, err
	}
	n := b.notification(in.Notification)
	if n == nil {
		return nil, false, notFound("Unable to describe subscribers: the notification doesn't exist for budget %s", b.Name)
	}
	start, end, next, err := pageOf(len(n.Subscribers), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, false, err
	}
	out := map[string]any{"Subscribers": slices.Clone(n.Subscribers[start:end])}
	if next != "" {
		out["NextToken"] = next
	}
	return out, false, nil
}

// listBudgetTags answers the tags of a budget, by its ARN
// (arn:aws:budgets::ACCOUNT:budget/NAME): the sandbox keeps none.
func listBudgetTags(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in struct {
		ResourceARN string `json:"ResourceARN"`
	}
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	prefix := "arn:aws:budgets::" + p.Caller + ":budget/"
	name, ok := strings.CutPrefix(in.ResourceARN, prefix)
	if !ok || st.budget(p.Caller, name) == nil {
		return nil, false, notFound("Unable to list tags: no budget %s", in.ResourceARN)
	}
	return map[string]any{"ResourceTags": []any{}}, false, nil
}
