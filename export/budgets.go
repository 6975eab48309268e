package export

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgwizard/orgwizard/orgmodel"
)

const (
	tfBudget       = "aws_budgets_budget"
	tfCostCategory = "aws_ce_cost_category"
	cfnBudget      = "AWS::Budgets::Budget"
	cfnCategory    = "AWS::CE::CostCategory"
)

// writeTerraformBudgets declares the budgets and cost categories of the
// tree, with import blocks for those that exist; accountAddr names the
// declared accounts. It returns how many import blocks it wrote.
func writeTerraformBudgets(w tfWriter, in Input, accountAddr map[string]string) int {
	t := in.Tree
	imports := 0
	accountRef := func(name string) (string, bool) {
		if a, ok := accountAddr[name]; ok {
			return tfAccount + "." + a + ".id", true
		}
		if a, ok := in.account(name); ok && a.ID != "" {
			return hclString(a.ID), true
		}
		return "", false
	}
	names := newNamer("_")
	for _, b := range t.Budgets {
		var filter string
		if b.Account != "" {
			ref, ok := accountRef(b.Account)
			if !ok {
				w.comment("", fmt.Sprintf("%s is the budget of %s, which this export does not declare.", b.Name, b.Account), "")
				continue
			}
			filter = ref
		}
		name := names.unique(tfName(b.Name))
		w.resource(tfBudget, name, []tfAttr{
			{"name", hclString(b.Name)},
			{"budget_type", `"COST"`},
			{"limit_amount", hclString(formatAmount(b.Amount))},
			{"limit_unit", hclString(b.Currency)},
			{"time_unit", `"MONTHLY"`},
		}, func() {
			if filter != "" {
				fmt.Fprintf(w.b, "\n  cost_filter {\n    name   = \"LinkedAccount\"\n    values = [%s]\n  }\n", filter)
			}
			for _, n := range b.Notifications() {
				fmt.Fprintf(w.b, "\n  notification {\n    notification_type          = %q\n    comparison_operator        = %q\n    threshold                  = %s\n    threshold_type             = %q\n    subscriber_email_addresses = [%s]\n  }\n",
					n.Type, n.Operator, formatAmount(n.Threshold), n.ThresholdType, hclString(b.Notify))
			}
			w.b.WriteString("\n")
			w.comment("  ", "Budgets name accounts the organization holds: they come after it.")
			fmt.Fprintf(w.b, "  depends_on = [%s.this]\n", tfOrganization)
		})
		if in.Existing != nil && in.Existing.Budgets[b.Name] && in.Existing.ManagementAccountID != "" {
			// The provider's import id is ACCOUNT_ID:BUDGET_NAME.
			w.importBlock(tfBudget, name, in.Existing.ManagementAccountID+":"+b.Name)
			imports++
		}
	}
	for _, c := range t.CostCategories {
		name := names.unique(tfName(c.Name))
		var missing []string
		w.resource(tfCostCategory, name, []tfAttr{
			{"name", hclString(c.Name)},
			{"rule_version", `"CostCategoryExpression.v1"`},
		}, func() {
			for _, v := range slices.Sorted(maps.Keys(c.Values)) {
				var refs []string
				for _, acc := range c.Values[v] {
					ref, ok := accountRef(acc)
					if !ok {
						missing = append(missing, acc)
						continue
					}
					refs = append(refs, ref)
				}
				if len(refs) == 0 {
					continue
				}
				fmt.Fprintf(w.b, "\n  rule {\n    value = %s\n    type  = \"REGULAR\"\n    rule {\n      dimension {\n        key    = \"LINKED_ACCOUNT\"\n        values = [%s]\n      }\n    }\n  }\n",
					hclString(v), strings.Join(refs, ", "))
			}
		})
		if len(missing) > 0 {
			w.comment("", fmt.Sprintf("%s leaves out %s, which this export does not declare.", c.Name, strings.Join(missing, ", ")), "")
		}
		if in.Existing != nil && in.Existing.Categories[c.Name] != "" {
			w.importBlock(tfCostCategory, name, in.Existing.Categories[c.Name])
			imports++
		}
	}
	return imports
}

func formatAmount(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// addCloudFormationBudgets declares the budgets and cost categories in a
// template; accountLogical names the declared accounts.
func addCloudFormationBudgets(in Input, names *namer, accountLogical map[string]string, orgLogical string,
	add func(logical, typ string, props *yaml.Node, id string, dependsOn ...string), skipped *[]string) {
	t := in.Tree
	accountNode := func(name string) (*yaml.Node, string, bool) {
		if l, ok := accountLogical[name]; ok {
			return ref(l), "${" + l + "}", true
		}
		if a, ok := in.account(name); ok && a.ID != "" {
			return scalar(a.ID), a.ID, true
		}
		return nil, "", false
	}
	for _, b := range t.Budgets {
		data := mapping()
		put(data, "BudgetName", scalar(b.Name))
		put(data, "BudgetType", scalar("COST"))
		put(data, "TimeUnit", scalar("MONTHLY"))
		limit := mapping()
		put(limit, "Amount", number(b.Amount))
		put(limit, "Unit", scalar(b.Currency))
		put(data, "BudgetLimit", limit)
		if b.Account != "" {
			n, _, ok := accountNode(b.Account)
			if !ok {
				*skipped = append(*skipped, fmt.Sprintf("%s is the budget of %s, which this template does not declare.", b.Name, b.Account))
				continue
			}
			filters := mapping()
			put(filters, "LinkedAccount", sequence(n))
			put(data, "CostFilters", filters)
		}
		props := mapping()
		put(props, "Budget", data)
		notes := sequence()
		for _, n := range b.Notifications() {
			note := mapping()
			put(note, "NotificationType", scalar(n.Type))
			put(note, "ComparisonOperator", scalar(n.Operator))
			put(note, "Threshold", number(n.Threshold))
			put(note, "ThresholdType", scalar(n.ThresholdType))
			sub := mapping()
			put(sub, "SubscriptionType", scalar("EMAIL"))
			put(sub, "Address", scalar(b.Notify))
			entry := mapping()
			put(entry, "Notification", note)
			put(entry, "Subscribers", sequence(sub))
			notes.Content = append(notes.Content, entry)
		}
		put(props, "NotificationsWithSubscribers", notes)
		// Not in the import list: AWS::Budgets::Budget documents no
		// identifier to import by; one that exists is left out instead.
		if in.Existing != nil && in.Existing.Budgets[b.Name] {
			*skipped = append(*skipped, fmt.Sprintf("%s exists already: it is left out (CloudFormation would create it again); orgwizard apply keeps it as designed.", b.Name))
			continue
		}
		add(names.unique("Budget"+cfnName(strings.TrimPrefix(b.Name, orgmodel.BudgetPrefix))), cfnBudget, props, "", orgLogical)
	}
	for _, c := range t.CostCategories {
		// Rules is a JSON string; account ids come in through Fn::Sub.
		type dim struct {
			Key    string   `json:"Key"`
			Values []string `json:"Values"`
		}
		type rule struct {
			Value string `json:"Value"`
			Rule  struct {
				Dimensions dim `json:"Dimensions"`
			} `json:"Rule"`
		}
		var rules []rule
		var missing []string
		for _, v := range slices.Sorted(maps.Keys(c.Values)) {
			r := rule{Value: v}
			r.Rule.Dimensions.Key = "LINKED_ACCOUNT"
			for _, acc := range c.Values[v] {
				if _, sub, ok := accountNode(acc); ok {
					r.Rule.Dimensions.Values = append(r.Rule.Dimensions.Values, sub)
				} else {
					missing = append(missing, acc)
				}
			}
			if len(r.Rule.Dimensions.Values) > 0 {
				rules = append(rules, r)
			}
		}
		if len(missing) > 0 {
			// As the Terraform export says it in a comment.
			*skipped = append(*skipped, fmt.Sprintf("%s leaves out %s, which this export does not declare.", c.Name, strings.Join(missing, ", ")))
		}
		raw, _ := json.Marshal(rules)
		props := mapping()
		put(props, "Name", scalar(c.Name))
		put(props, "RuleVersion", scalar("CostCategoryExpression.v1"))
		sub := mapping()
		put(sub, "Fn::Sub", scalar(string(raw)))
		put(props, "Rules", sub)
		id := ""
		if in.Existing != nil {
			id = in.Existing.Categories[c.Name]
		}
		add(names.unique("CostCategory"+cfnName(strings.TrimPrefix(c.Name, orgmodel.BudgetPrefix))), cfnCategory, props, id, orgLogical)
	}
}

// number is v as a plain YAML number (CloudFormation reads "Amount: 300").
func number(v float64) *yaml.Node {
	s := formatAmount(v)
	tag := "!!int"
	if strings.Contains(s, ".") {
		tag = "!!float"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s}
}
