package billing

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Category is a Cost Explorer cost category definition, its members named
// as on the wire.
type Category struct {
	Arn            string         `json:"CostCategoryArn"`
	Name           string         `json:"Name"`
	RuleVersion    string         `json:"RuleVersion"`
	Rules          []CategoryRule `json:"Rules"`
	DefaultValue   string         `json:"DefaultValue,omitempty"`
	EffectiveStart string         `json:"EffectiveStart"`
	Payer          string         `json:"payer"`
}

// CategoryRule is one rule: a REGULAR rule gives Value to what Rule matches;
// an INHERITED_VALUE rule takes the value from the account's name or a tag.
type CategoryRule struct {
	Value          string          `json:"Value,omitempty"`
	Rule           *Expression     `json:"Rule,omitempty"`
	InheritedValue *InheritedValue `json:"InheritedValue,omitempty"`
	Type           string          `json:"Type,omitempty"`
}

// InheritedValue names where an INHERITED_VALUE rule takes its value.
type InheritedValue struct {
	DimensionName string `json:"DimensionName,omitempty"`
	DimensionKey  string `json:"DimensionKey,omitempty"`
}

// maxRules is AWS's limit of rules per cost category (API-created).
const maxRules = 500

const ruleVersion = "CostCategoryExpression.v1"

func (st *State) categoryByName(name string) *Category {
	for _, c := range st.Categories {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// categorizer answers the value a payer's cost category gives an account.
func (st *State) categorizer(p *Payer) func(name string, a Account) string {
	return func(name string, a Account) string {
		for _, c := range st.Categories {
			if c.Name == name && c.Payer == p.Caller {
				return c.valueOf(a)
			}
		}
		return ""
	}
}

func (c *Category) valueOf(a Account) string {
	for _, r := range c.Rules {
		switch {
		case r.Type == "INHERITED_VALUE" && r.InheritedValue != nil:
			if r.InheritedValue.DimensionName == "LINKED_ACCOUNT_NAME" {
				return a.Name
			}
		case r.Rule != nil && r.Rule.match(a, nil):
			return r.Value
		}
	}
	return c.DefaultValue
}

func checkRules(rules []CategoryRule, version string) *Error {
	if version != ruleVersion {
		return validation("RuleVersion must be %s", ruleVersion)
	}
	if len(rules) == 0 || len(rules) > maxRules {
		return validation("Rules must hold between 1 and %d rules, not %d", maxRules, len(rules))
	}
	for i, r := range rules {
		where := "Rules[" + strconv.Itoa(i) + "]"
		switch r.Type {
		case "", "REGULAR":
			if r.Value == "" || r.Rule == nil {
				return validation("%s: a REGULAR rule needs a Value and a Rule", where)
			}
			if len(r.Value) > 50 {
				return validation("%s: Value is at most 50 characters", where)
			}
			if err := r.Rule.check(where + ".Rule"); err != nil {
				return err
			}
		case "INHERITED_VALUE":
			if r.InheritedValue == nil || (r.InheritedValue.DimensionName != "LINKED_ACCOUNT_NAME" && r.InheritedValue.DimensionName != "TAG") {
				return validation("%s: an INHERITED_VALUE rule needs InheritedValue with DimensionName LINKED_ACCOUNT_NAME or TAG", where)
			}
		default:
			return validation("%s: Type %q is not one of REGULAR, INHERITED_VALUE", where, r.Type)
		}
	}
	return nil
}

func checkCategoryName(name string) *Error {
	if name == "" || len(name) > 50 || strings.TrimSpace(name) != name {
		return validation("Name must be 1 to 50 characters without leading or trailing spaces, not %q", name)
	}
	return nil
}

func monthStart(now time.Time) string {
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05Z")
}

type categoryInput struct {
	Arn            string         `json:"CostCategoryArn"`
	Name           string         `json:"Name"`
	RuleVersion    string         `json:"RuleVersion"`
	Rules          []CategoryRule `json:"Rules"`
	DefaultValue   string         `json:"DefaultValue"`
	EffectiveStart string         `json:"EffectiveStart"`
	EffectiveOn    string         `json:"EffectiveOn"`
	MaxResults     int            `json:"MaxResults"`
	NextToken      string         `json:"NextToken"`
}

func createCostCategory(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in categoryInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	if err := checkCategoryName(in.Name); err != nil {
		return nil, false, err
	}
	if err := checkRules(in.Rules, in.RuleVersion); err != nil {
		return nil, false, err
	}
	for _, c := range st.Categories {
		if c.Payer == p.Caller && c.Name == in.Name {
			return nil, false, validation("Failed to create Cost Category: Cost category name already exists")
		}
	}
	id := make([]byte, 16)
	rand.Read(id)
	u := hex.EncodeToString(id)
	c := &Category{Arn: "arn:aws:ce::" + p.Caller + ":costcategory/" + u[:8] + "-" + u[8:12] + "-" + u[12:16] + "-" + u[16:20] + "-" + u[20:],
		Name: in.Name, RuleVersion: in.RuleVersion, Rules: in.Rules, DefaultValue: in.DefaultValue, EffectiveStart: monthStart(now), Payer: p.Caller}
	if in.EffectiveStart != "" {
		c.EffectiveStart = in.EffectiveStart
	}
	st.Categories = append(st.Categories, c)
	return map[string]string{"CostCategoryArn": c.Arn, "EffectiveStart": c.EffectiveStart}, true, nil
}

func (st *State) category(p *Payer, arn string) (*Category, *Error) {
	if arn == "" {
		return nil, validation("CostCategoryArn is required")
	}
	for _, c := range st.Categories {
		if c.Arn == arn && c.Payer == p.Caller {
			return c, nil
		}
	}
	return nil, errf("ResourceNotFoundException", "No Cost Categories found with ID %s", arn)
}

func (c *Category) values() []string {
	var vs []string
	for _, r := range c.Rules {
		if r.Value != "" && !slices.Contains(vs, r.Value) {
			vs = append(vs, r.Value)
		}
	}
	return vs
}

var processed = []map[string]string{{"Component": "COST_EXPLORER", "Status": "APPLIED"}}

func describeCostCategory(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in categoryInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	c, err := st.category(p, in.Arn)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"CostCategory": map[string]any{
		"CostCategoryArn": c.Arn, "Name": c.Name, "RuleVersion": c.RuleVersion, "Rules": c.Rules,
		"DefaultValue": c.DefaultValue, "EffectiveStart": c.EffectiveStart, "ProcessingStatus": processed,
	}}, false, nil
}

func listCostCategories(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in categoryInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	max := in.MaxResults
	switch {
	case max == 0:
		max = 100
	case max < 1 || max > 100:
		return nil, false, validation("MaxResults must be between 1 and 100")
	}
	var mine []*Category
	for _, c := range st.Categories {
		if c.Payer == p.Caller {
			mine = append(mine, c)
		}
	}
	start := 0
	if in.NextToken != "" {
		n, err := core.DecodePageToken("cost-categories", in.NextToken, len(mine))
		if err != nil || n == 0 {
			return nil, false, validation("Invalid NextToken")
		}
		start = n
	}
	refs := []map[string]any{}
	end := min(start+max, len(mine))
	for _, c := range mine[start:end] {
		refs = append(refs, map[string]any{"CostCategoryArn": c.Arn, "Name": c.Name, "EffectiveStart": c.EffectiveStart,
			"NumberOfRules": len(c.Rules), "Values": c.values(), "DefaultValue": c.DefaultValue, "ProcessingStatus": processed})
	}
	out := map[string]any{"CostCategoryReferences": refs}
	if end < len(mine) {
		out["NextToken"] = core.EncodePageToken("cost-categories", end)
	}
	return out, false, nil
}

func updateCostCategory(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in categoryInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	c, err := st.category(p, in.Arn)
	if err != nil {
		return nil, false, err
	}
	if err := checkRules(in.Rules, in.RuleVersion); err != nil {
		return nil, false, err
	}
	c.Rules, c.RuleVersion, c.DefaultValue = in.Rules, in.RuleVersion, in.DefaultValue
	c.EffectiveStart = monthStart(now)
	if in.EffectiveStart != "" {
		c.EffectiveStart = in.EffectiveStart
	}
	return map[string]string{"CostCategoryArn": c.Arn, "EffectiveStart": c.EffectiveStart}, true, nil
}

func deleteCostCategory(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in categoryInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	c, err := st.category(p, in.Arn)
	if err != nil {
		return nil, false, err
	}
	st.Categories = slices.DeleteFunc(st.Categories, func(x *Category) bool { return x == c })
	return map[string]string{"CostCategoryArn": c.Arn, "EffectiveEnd": now.Format("2006-01-02T15:04:05Z")}, true, nil
}

// listCategoryTags answers the tags of a cost category: the sandbox keeps none.
func listCategoryTags(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in struct {
		ResourceArn string `json:"ResourceArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	if _, err := st.category(p, in.ResourceArn); err != nil {
		return nil, false, err
	}
	return map[string]any{"ResourceTags": []any{}}, false, nil
}
