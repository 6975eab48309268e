package inventory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// field reads the value of a resource that a filter name compares against.
type field func(Resource) string

func attrField(key string) field { return func(r Resource) string { return r.Attrs[key] } }

func idField(r Resource) string { return r.ID }

// filter is one Name/Values filter of the EC2 and RDS Describe calls.
type filter struct {
	name   string
	values []string
}

// queryFilters reads the filters of a query-protocol request: EC2 sends Filter.N.Name and
// Filter.N.Value.M, RDS Filters.Filter.N.Name and Filters.Filter.N.Values.Value.M.
func (req *request) queryFilters(list, valueList string) []filter {
	var out []filter
	for i := 1; ; i++ {
		prefix := list + "." + strconv.Itoa(i)
		name, ok := req.query[prefix+".Name"]
		if !ok {
			return out
		}
		out = append(out, filter{name: name[0], values: req.memberList(prefix + "." + valueList)})
	}
}

// applyFilters keeps the items that match every filter; within a filter any value may match, with AWS's
// wildcards. Filter names are those of fields plus EC2's tag:<key> and tag-key.
func applyFilters(req *request, items []Resource, filters []filter, fields map[string]field) ([]Resource, error) {
	for _, f := range filters {
		valuesOf, err := filterValues(req, f.name, fields)
		if err != nil {
			return nil, err
		}
		items = slices.DeleteFunc(slices.Clone(items), func(r Resource) bool {
			return !slices.ContainsFunc(valuesOf(r), func(v string) bool {
				return slices.ContainsFunc(f.values, func(p string) bool { return wildcardMatch(p, v) })
			})
		})
	}
	return items, nil
}

// filterValues resolves a filter name to the values of a resource it compares against; a resource matches
// when any of them matches.
func filterValues(req *request, name string, fields map[string]field) (func(Resource) []string, error) {
	if key, ok := strings.CutPrefix(name, "tag:"); ok {
		return func(r Resource) []string {
			if v, has := r.Tags[key]; has {
				return []string{v}
			}
			return nil
		}, nil
	}
	if name == "tag-key" {
		return func(r Resource) []string {
			keys := make([]string, 0, len(r.Tags))
			for k := range r.Tags {
				keys = append(keys, k)
			}
			return keys
		}, nil
	}
	f, ok := fields[name]
	if !ok {
		return nil, req.invalid(fmt.Sprintf("The filter '%s' is invalid", name))
	}
	return func(r Resource) []string { return []string{f(r)} }, nil
}
