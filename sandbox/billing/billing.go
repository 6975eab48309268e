// Package billing is the sandbox's AWS Cost Explorer ("ce") and AWS Budgets
// ("budgets"), both on awsJson1_1. It holds the cost categories and budgets
// (State, saved in the sandbox's state file) and answers spend from the
// simulated spend model (spend.go), a pure function of the scenario, the
// account and the day, so no spend is ever stored.
//
// Only the payer answers: the management account of an organization, or a
// standalone account (its own payer). A member account gets
// AccessDeniedException, as AWS answers a member whose payer has not opened
// Cost Explorer to members.
package billing

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Account is one account whose spend the caller sees, as the core knows it.
type Account struct {
	ID   string
	Name string
	// OUPath is the account's OU path from the root ("Workloads/prod/eu"),
	// empty in the root or outside an organization.
	OUPath string
	// Management is the organization's management (payer) account.
	Management bool
	// Workloads marks an account that runs workloads in the scenario
	// (dirty-management's founder account): real spend wherever it sits.
	Workloads bool
	// RunawaySince, when set, is the day the account's spend started to
	// climb (existing-org's payments-dev).
	RunawaySince time.Time
}

// Payer is the caller and what its bill covers.
type Payer struct {
	// Scenario seeds the spend model.
	Scenario string
	// Caller is the calling account's id.
	Caller string
	// Member is true when the caller is a member account of an organization
	// (not its payer): Cost Explorer and Budgets refuse it.
	Member bool
	// Accounts are the accounts on the payer's bill: the organization's, or
	// the standalone caller alone.
	Accounts []Account
}

// State is what the billing services keep between runs.
type State struct {
	Budgets    []*Budget   `json:"budgets,omitempty"`
	Categories []*Category `json:"costCategories,omitempty"`
}

// Error is an error in the awsJson1_1 shape: __type Code, Message.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errf(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

func validation(format string, args ...any) *Error {
	return errf("ValidationException", format, args...)
}

// Known reports whether the billing package serves op of service, for the
// call record.
func Known(service, op string) bool {
	switch service {
	case "ce":
		return ceOps[op] != nil
	case "budgets":
		return budgetOps[op] != nil
	}
	return false
}

type handler func(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error)

var ceOps, budgetOps map[string]handler

func init() {
	ceOps = map[string]handler{
		"GetCostAndUsage":                getCostAndUsage,
		"GetCostForecast":                getCostForecast,
		"CreateCostCategoryDefinition":   createCostCategory,
		"DescribeCostCategoryDefinition": describeCostCategory,
		"ListCostCategoryDefinitions":    listCostCategories,
		"UpdateCostCategoryDefinition":   updateCostCategory,
		"DeleteCostCategoryDefinition":   deleteCostCategory,
		"ListTagsForResource":            listCategoryTags,
	}
	budgetOps = map[string]handler{
		"CreateBudget":                   createBudget,
		"DescribeBudget":                 describeBudget,
		"DescribeBudgets":                describeBudgets,
		"UpdateBudget":                   updateBudget,
		"DeleteBudget":                   deleteBudget,
		"CreateNotification":             createNotification,
		"DescribeNotificationsForBudget": describeNotifications,
		"CreateSubscriber":               createSubscriber,
		// What Terraform's hashicorp/aws reads a budget back with.
		"DescribeSubscribersForNotification": describeSubscribers,
		"ListTagsForResource":                listBudgetTags,
	}
}

// Serve runs op of service ("ce" or "budgets") for the payer. The result is
// the response body's value; changed says st changed and must be saved.
func Serve(service, op string, body []byte, p *Payer, st *State, now time.Time) (any, bool, *Error) {
	ops := ceOps
	if service == "budgets" {
		ops = budgetOps
	}
	h := ops[op]
	if h == nil {
		return nil, false, errf("UnknownOperationException", "The sandbox does not serve %s:%s", service, op)
	}
	if p.Member {
		code := "AccessDeniedException"
		return nil, false, &Error{Status: http.StatusBadRequest, Code: code,
			Message: fmt.Sprintf("User: arn:aws:iam::%s:root is not authorized to perform: %s:%s: a member account sees the bill only when the management account allows it; call from the management account", p.Caller, service, op)}
	}
	return h(p, st, body, now.UTC())
}

// decode reads a request body into v, as AWS answers a body it cannot read.
func decode(body []byte, v any) *Error {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errf("SerializationException", "The request body could not be read: %v", err)
	}
	return nil
}
