package inventory

import (
	"slices"
	"strings"
)

func init() {
	register(&service{
		name:         "tagging",
		protocol:     jsonProtocol{version: "1.1", targetPrefix: "ResourceGroupsTaggingAPI_20170126"},
		invalidParam: "InvalidParameterException",
		ops: map[string]operation{
			"GetResources": getResources,
			"GetTagKeys":   getTagKeys,
			"GetTagValues": getTagValues,
		},
	})
}

// taggingType is the "service:type" a resource has in ResourceTypeFilters, read from its ARN's resource
// part ("instance/i-...", "db:orders", "table/sessions"); S3's ARN names no type, so its type is the
// resource's own.
func taggingType(r Resource) string {
	parts := strings.SplitN(r.ARN, ":", 6)
	if len(parts) < 6 {
		return r.Service + ":" + r.Type
	}
	if i := strings.IndexAny(parts[5], "/:"); i > 0 {
		return parts[2] + ":" + parts[5][:i]
	}
	return parts[2] + ":" + r.Type
}

type tagFilter struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

type getResourcesInput struct {
	PaginationToken     string      `json:"PaginationToken"`
	ResourcesPerPage    int         `json:"ResourcesPerPage"`
	ResourceTypeFilters []string    `json:"ResourceTypeFilters"`
	TagFilters          []tagFilter `json:"TagFilters"`
	ResourceARNList     []string    `json:"ResourceARNList"`
}

type resourceTagMapping struct {
	ResourceARN string     `json:"ResourceARN"`
	Tags        []keyValue `json:"Tags"`
}

type getResourcesOutput struct {
	PaginationToken        string               `json:"PaginationToken"`
	ResourceTagMappingList []resourceTagMapping `json:"ResourceTagMappingList"`
}

// tagged is what the tagging API sees from the call's region: only resources that carry tags, as AWS lists
// only tagged (or once tagged) resources.
func tagged(req *request) []Resource {
	return slices.DeleteFunc(slices.Clone(req.resources), func(r Resource) bool { return len(r.Tags) == 0 })
}

func getResources(req *request) (any, error) {
	var in getResourcesInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	if len(in.ResourceARNList) > 0 && (len(in.ResourceTypeFilters) > 0 || len(in.TagFilters) > 0) {
		return nil, req.invalid("ResourceARNList can't be used with ResourceTypeFilters or TagFilters.")
	}
	for _, f := range in.ResourceTypeFilters {
		if f == "" || strings.Count(f, ":") > 1 {
			return nil, req.invalid("Invalid resource type filter: " + f)
		}
	}
	matches := slices.DeleteFunc(tagged(req), func(r Resource) bool {
		return !matchesTypes(r, in.ResourceTypeFilters) || !matchesTags(r, in.TagFilters) ||
			(len(in.ResourceARNList) > 0 && !slices.Contains(in.ResourceARNList, r.ARN))
	})
	page, next, err := sizedPage(req, matches, "ResourcesPerPage", in.ResourcesPerPage, in.PaginationToken, 50, 1, 100)
	if err != nil {
		return nil, err
	}
	out := getResourcesOutput{PaginationToken: next, ResourceTagMappingList: []resourceTagMapping{}}
	for _, r := range page {
		out.ResourceTagMappingList = append(out.ResourceTagMappingList, resourceTagMapping{ResourceARN: r.ARN, Tags: sortedTags(r.Tags)})
	}
	return out, nil
}

// matchesTypes reports whether a resource is of one of the types ("ec2" or "ec2:instance"); no filter
// matches all.
func matchesTypes(r Resource, filters []string) bool {
	if len(filters) == 0 {
		return true
	}
	typ := taggingType(r)
	service, _, _ := strings.Cut(typ, ":")
	return slices.ContainsFunc(filters, func(f string) bool { return f == typ || f == service })
}

// matchesTags reports whether a resource has every filter's key, with one of its values when the filter
// lists any.
func matchesTags(r Resource, filters []tagFilter) bool {
	for _, f := range filters {
		v, ok := r.Tags[f.Key]
		if !ok || (len(f.Values) > 0 && !slices.Contains(f.Values, v)) {
			return false
		}
	}
	return true
}

type tokenInput struct {
	PaginationToken string `json:"PaginationToken"`
	Key             string `json:"Key"`
}

// tagPage answers the key or value listings: the distinct values, sorted, paged.
func tagPage(req *request, in tokenInput, values map[string]bool, member string) (any, error) {
	list := make([]string, 0, len(values))
	for v := range values {
		list = append(list, v)
	}
	slices.Sort(list)
	page, next, err := pageOf(req, list, in.PaginationToken, 500)
	if err != nil {
		return nil, err
	}
	return map[string]any{member: page, "PaginationToken": next}, nil
}

func getTagKeys(req *request) (any, error) {
	var in tokenInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, r := range tagged(req) {
		for k := range r.Tags {
			keys[k] = true
		}
	}
	return tagPage(req, in, keys, "TagKeys")
}

func getTagValues(req *request) (any, error) {
	var in tokenInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	if in.Key == "" {
		return nil, req.invalid("Key is required.")
	}
	values := map[string]bool{}
	for _, r := range tagged(req) {
		if v, ok := r.Tags[in.Key]; ok {
			values[v] = true
		}
	}
	return tagPage(req, in, values, "TagValues")
}
