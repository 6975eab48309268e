package billing

import (
	"slices"
	"strings"
)

// Expression is Cost Explorer's filter and rule expression, field for field
// as AWS names them on the wire.
type Expression struct {
	And            []Expression        `json:"And,omitempty"`
	Or             []Expression        `json:"Or,omitempty"`
	Not            *Expression         `json:"Not,omitempty"`
	Dimensions     *DimensionValues    `json:"Dimensions,omitempty"`
	Tags           *TagValues          `json:"Tags,omitempty"`
	CostCategories *CostCategoryValues `json:"CostCategories,omitempty"`
}

// DimensionValues matches a dimension (LINKED_ACCOUNT ...) against values.
type DimensionValues struct {
	Key          string   `json:"Key,omitempty"`
	Values       []string `json:"Values,omitempty"`
	MatchOptions []string `json:"MatchOptions,omitempty"`
}

// TagValues matches a cost allocation tag; the sandbox's spend carries none.
type TagValues struct {
	Key          string   `json:"Key,omitempty"`
	Values       []string `json:"Values,omitempty"`
	MatchOptions []string `json:"MatchOptions,omitempty"`
}

// CostCategoryValues matches the value a cost category gives.
type CostCategoryValues struct {
	Key          string   `json:"Key,omitempty"`
	Values       []string `json:"Values,omitempty"`
	MatchOptions []string `json:"MatchOptions,omitempty"`
}

// check refuses an expression AWS refuses: exactly one of its members set,
// and a dimension the sandbox can evaluate.
func (e *Expression) check(where string) *Error {
	n := 0
	for _, set := range []bool{len(e.And) > 0, len(e.Or) > 0, e.Not != nil, e.Dimensions != nil, e.Tags != nil, e.CostCategories != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return validation("%s: an Expression must have exactly one of And, Or, Not, Dimensions, Tags or CostCategories; this one has %d", where, n)
	}
	if (len(e.And) == 1) || (len(e.Or) == 1) {
		return validation("%s: And and Or take at least two expressions", where)
	}
	for i := range e.And {
		if err := e.And[i].check(where); err != nil {
			return err
		}
	}
	for i := range e.Or {
		if err := e.Or[i].check(where); err != nil {
			return err
		}
	}
	if e.Not != nil {
		return e.Not.check(where)
	}
	if d := e.Dimensions; d != nil {
		switch d.Key {
		case "LINKED_ACCOUNT", "LINKED_ACCOUNT_NAME":
		case "":
			return validation("%s: Dimensions needs a Key", where)
		default:
			return validation("%s: the sandbox's spend has no dimension %s; it filters by LINKED_ACCOUNT and LINKED_ACCOUNT_NAME", where, d.Key)
		}
	}
	return nil
}

// match evaluates the expression for one account; categories gives the value
// each cost category gives it.
func (e *Expression) match(a Account, categories func(name string) string) bool {
	switch {
	case len(e.And) > 0:
		for i := range e.And {
			if !e.And[i].match(a, categories) {
				return false
			}
		}
		return true
	case len(e.Or) > 0:
		for i := range e.Or {
			if e.Or[i].match(a, categories) {
				return true
			}
		}
		return false
	case e.Not != nil:
		return !e.Not.match(a, categories)
	case e.Dimensions != nil:
		v := a.ID
		if e.Dimensions.Key == "LINKED_ACCOUNT_NAME" {
			v = a.Name
		}
		return matchValues(v, e.Dimensions.Values, e.Dimensions.MatchOptions)
	case e.Tags != nil:
		return matchValues("", e.Tags.Values, e.Tags.MatchOptions)
	case e.CostCategories != nil:
		return categories != nil && matchValues(categories(e.CostCategories.Key), e.CostCategories.Values, e.CostCategories.MatchOptions)
	}
	return false
}

func matchValues(v string, values, options []string) bool {
	if slices.Contains(options, "ABSENT") {
		return v == ""
	}
	fold := slices.Contains(options, "CASE_INSENSITIVE")
	for _, want := range values {
		have, w := v, want
		if fold {
			have, w = strings.ToLower(have), strings.ToLower(w)
		}
		switch {
		case slices.Contains(options, "STARTS_WITH"):
			if strings.HasPrefix(have, w) {
				return true
			}
		case slices.Contains(options, "ENDS_WITH"):
			if strings.HasSuffix(have, w) {
				return true
			}
		case slices.Contains(options, "CONTAINS"):
			if strings.Contains(have, w) {
				return true
			}
		default:
			if have == w {
				return true
			}
		}
	}
	return false
}
