package inventory

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

func init() {
	register(&service{
		name: "resource-explorer-2",
		protocol: restJSONProtocol{router{
			routes: []route{
				{method: http.MethodPost, pattern: "/ListIndexes", op: "ListIndexes"},
				{method: http.MethodPost, pattern: "/GetIndex", op: "GetIndex"},
				{method: http.MethodPost, pattern: "/ListViews", op: "ListViews"},
				{method: http.MethodPost, pattern: "/GetDefaultView", op: "GetDefaultView"},
				{method: http.MethodPost, pattern: "/Search", op: "Search"},
			},
			unknownCode: "UnknownOperationException",
		}},
		// Indexes and views are the account's, in every region; Search picks what the region's view sees.
		global:       true,
		invalidParam: "ValidationException",
		ops: map[string]operation{
			"ListIndexes":    listIndexes,
			"GetIndex":       getIndex,
			"ListViews":      listViews,
			"GetDefaultView": getDefaultView,
			"Search":         search,
		},
	})
}

// Resource Explorer is off in most accounts: no region has an index, and the tool must fall back to the
// tagging API and the per-service listings as it does on AWS. An account that turned it on has an index per
// region it chose (resources of service "resource-explorer-2", type "index", attribute indexType LOCAL or
// AGGREGATOR) and views (type "view", attribute default "true" for its region's default view), made by
// ResourceExplorerSetup as AWS's quick setup makes them.

// Index types, as AWS names them.
const (
	IndexLocal      = "LOCAL"
	IndexAggregator = "AGGREGATOR"
)

// ResourceExplorerSetup is what AWS's Resource Explorer quick setup leaves in an account: an aggregator index
// in one region, a local index in each of the others, and a default view in the aggregator's region, which
// searches every indexed region.
func ResourceExplorerSetup(account, aggregator string, local ...string) []Resource {
	index := func(region, typ string) Resource {
		id := uuidForm(hexID(32, account, region, "index"))
		return Resource{Account: account, Region: region, Service: "resource-explorer-2", Type: "index", ID: id,
			ARN:   fmt.Sprintf("arn:aws:resource-explorer-2:%s:%s:index/%s", region, account, id),
			Attrs: map[string]string{"indexType": typ, "created": "2024-06-11T09:00:00Z"}}
	}
	out := []Resource{index(aggregator, IndexAggregator)}
	for _, r := range local {
		out = append(out, index(r, IndexLocal))
	}
	id := uuidForm(hexID(32, account, aggregator, "view", "all-resources"))
	return append(out, Resource{Account: account, Region: aggregator, Service: "resource-explorer-2", Type: "view", ID: id,
		Name:  "all-resources",
		ARN:   fmt.Sprintf("arn:aws:resource-explorer-2:%s:%s:view/all-resources/%s", aggregator, account, id),
		Attrs: map[string]string{"default": "true", "created": "2024-06-11T09:00:00Z"}})
}

type indexOut struct {
	Arn    string `json:"Arn"`
	Region string `json:"Region"`
	Type   string `json:"Type"`
}

type listIndexesInput struct {
	MaxResults int      `json:"MaxResults"`
	NextToken  string   `json:"NextToken"`
	Regions    []string `json:"Regions"`
	Type       string   `json:"Type"`
}

type listIndexesOutput struct {
	Indexes   []indexOut `json:"Indexes"`
	NextToken *string    `json:"NextToken"`
}

func indexes(req *request) []Resource {
	return ofType(resourcesOf(req, "resource-explorer-2"), "index")
}

// resourcesOf keeps the resources of one service.
func resourcesOf(req *request, service string) []Resource {
	var out []Resource
	for _, r := range req.resources {
		if r.Service == service {
			out = append(out, r)
		}
	}
	return out
}

// indexIn is the region's index, if it has one.
func indexIn(req *request, region string) (Resource, bool) {
	for _, ix := range indexes(req) {
		if ix.Region == region {
			return ix, true
		}
	}
	return Resource{}, false
}

func listIndexes(req *request) (any, error) {
	var in listIndexesInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	if in.Type != "" && in.Type != IndexLocal && in.Type != IndexAggregator {
		return nil, req.invalid("Type must be LOCAL or AGGREGATOR.")
	}
	matches := slices.DeleteFunc(indexes(req), func(ix Resource) bool {
		return (in.Type != "" && ix.Attrs["indexType"] != in.Type) || (len(in.Regions) > 0 && !slices.Contains(in.Regions, ix.Region))
	})
	slices.SortFunc(matches, func(a, b Resource) int { return strings.Compare(a.Region, b.Region) })
	page, next, err := sizedPage(req, matches, "MaxResults", in.MaxResults, in.NextToken, 100, 1, 100)
	if err != nil {
		return nil, err
	}
	out := listIndexesOutput{Indexes: []indexOut{}, NextToken: optional(next)}
	for _, ix := range page {
		out.Indexes = append(out.Indexes, indexOut{Arn: ix.ARN, Region: ix.Region, Type: ix.Attrs["indexType"]})
	}
	return out, nil
}

type getIndexOutput struct {
	Arn             string            `json:"Arn"`
	CreatedAt       string            `json:"CreatedAt"`
	LastUpdatedAt   string            `json:"LastUpdatedAt"`
	ReplicatingFrom []string          `json:"ReplicatingFrom,omitempty"`
	ReplicatingTo   []string          `json:"ReplicatingTo,omitempty"`
	State           string            `json:"State"`
	Tags            map[string]string `json:"Tags"`
	Type            string            `json:"Type"`
}

func getIndex(req *request) (any, error) {
	ix, ok := indexIn(req, req.Region)
	if !ok {
		return nil, notFound("ResourceNotFoundException", "Resource Explorer has no index in the region "+req.Region+".")
	}
	out := getIndexOutput{Arn: ix.ARN, CreatedAt: isoTime(ix.created()), LastUpdatedAt: isoTime(ix.created()), State: "ACTIVE",
		Tags: map[string]string{}, Type: ix.Attrs["indexType"]}
	// An aggregator receives the other indexes' resources; a local index sends its own to the aggregator.
	for _, other := range indexes(req) {
		switch {
		case other.Region == ix.Region:
		case ix.Attrs["indexType"] == IndexAggregator:
			out.ReplicatingFrom = append(out.ReplicatingFrom, other.Region)
		case other.Attrs["indexType"] == IndexAggregator:
			out.ReplicatingTo = append(out.ReplicatingTo, other.Region)
		}
	}
	slices.Sort(out.ReplicatingFrom)
	return out, nil
}

// views are the region's views; a view lives in one region.
func views(req *request) []Resource {
	return slices.DeleteFunc(ofType(resourcesOf(req, "resource-explorer-2"), "view"), func(v Resource) bool { return v.Region != req.Region })
}

type listViewsInput struct {
	MaxResults int    `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

func listViews(req *request) (any, error) {
	var in listViewsInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	arns := []string{}
	for _, v := range views(req) {
		arns = append(arns, v.ARN)
	}
	page, next, err := sizedPage(req, arns, "MaxResults", in.MaxResults, in.NextToken, 50, 1, 50)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Views": page, "NextToken": optional(next)}, nil
}

// defaultView is the region's default view, if it has one.
func defaultView(req *request) (Resource, bool) {
	for _, v := range views(req) {
		if v.Attrs["default"] == "true" {
			return v, true
		}
	}
	return Resource{}, false
}

func getDefaultView(req *request) (any, error) {
	// A region without a default view answers 200 with no ViewArn.
	v, _ := defaultView(req)
	return map[string]*string{"ViewArn": optional(v.ARN)}, nil
}

type searchInput struct {
	QueryString *string `json:"QueryString"`
	MaxResults  int     `json:"MaxResults"`
	NextToken   string  `json:"NextToken"`
	ViewArn     string  `json:"ViewArn"`
}

type searchResource struct {
	Arn             string     `json:"Arn"`
	LastReportedAt  string     `json:"LastReportedAt"`
	OwningAccountId string     `json:"OwningAccountId"`
	Properties      []struct{} `json:"Properties"`
	Region          string     `json:"Region"`
	ResourceType    string     `json:"ResourceType"`
	Service         string     `json:"Service"`
}

type resourceCount struct {
	Complete       bool  `json:"Complete"`
	TotalResources int64 `json:"TotalResources"`
}

type searchOutput struct {
	Count     resourceCount    `json:"Count"`
	NextToken *string          `json:"NextToken"`
	Resources []searchResource `json:"Resources"`
	ViewArn   string           `json:"ViewArn"`
}

// searchLimit is the most results a search returns, over all its pages.
const searchLimit = 1000

// globalServices answer from no region: Resource Explorer reports their resources in the region "global".
var globalServices = map[string]bool{"iam": true, "cloudfront": true, "route53": true}

func search(req *request) (any, error) {
	var in searchInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	if in.QueryString == nil {
		return nil, req.invalid("QueryString is required.")
	}
	if len(*in.QueryString) > 1011 {
		return nil, req.invalid("QueryString must be at most 1011 characters.")
	}
	// The view is the one named, or the region's default; without one AWS refuses the search as
	// unauthorized, as it does a view the caller may not use.
	view, ok := defaultView(req)
	if in.ViewArn != "" {
		i := slices.IndexFunc(views(req), func(v Resource) bool { return v.ARN == in.ViewArn })
		ok = i >= 0
		if ok {
			view = views(req)[i]
		}
	}
	if !ok {
		return nil, &apiError{Status: http.StatusUnauthorized, Code: "UnauthorizedException",
			Message: "Resource Explorer has no default view in the region " + req.Region + ": turn it on, or name a view."}
	}
	local, ok := indexIn(req, req.Region)
	if !ok {
		return nil, &apiError{Status: http.StatusUnauthorized, Code: "UnauthorizedException",
			Message: "Resource Explorer is not turned on in the region " + req.Region + ": it has no index."}
	}
	// What the index holds: its own region, or every indexed region's for an aggregator. Global resources
	// are indexed in us-east-1.
	indexed := map[string]bool{req.Region: true}
	if local.Attrs["indexType"] == IndexAggregator {
		for _, ix := range indexes(req) {
			indexed[ix.Region] = true
		}
	}
	q, err := parseQuery(*in.QueryString)
	if err != nil {
		return nil, req.invalid(err.Error())
	}
	var matches []searchResource
	for _, r := range req.resources {
		region := r.Region
		if !indexed[region] {
			continue
		}
		if globalServices[r.Service] {
			region = "global"
		}
		sr := searchResource{Arn: r.ARN, LastReportedAt: isoTime(r.created()), OwningAccountId: r.Account, Properties: []struct{}{},
			Region: region, ResourceType: taggingType(r), Service: r.Service}
		if q.matches(r, sr) {
			matches = append(matches, sr)
		}
	}
	slices.SortFunc(matches, func(a, b searchResource) int { return strings.Compare(a.Arn, b.Arn) })
	count := resourceCount{Complete: len(matches) <= searchLimit, TotalResources: int64(min(len(matches), searchLimit))}
	matches = matches[:min(len(matches), searchLimit)]
	page, next, err := sizedPage(req, matches, "MaxResults", in.MaxResults, in.NextToken, searchLimit, 1, searchLimit)
	if err != nil {
		return nil, err
	}
	return searchOutput{Count: count, NextToken: optional(next), Resources: append([]searchResource{}, page...), ViewArn: view.ARN}, nil
}

// query is a parsed Resource Explorer query string: filters ("region:eu-west-1", "service:ec2",
// "resourcetype:ec2:instance", "tag.key:Team", "tag:Team=shop"), each optionally negated with a leading "-",
// and free-text keywords. Filters of one name match any of their values; different names must all match, as
// must every keyword.
type query struct {
	filters map[string][]string
	negated map[string][]string
	words   []string
}

var queryFilters = map[string]bool{"region": true, "service": true, "resourcetype": true, "tag.key": true, "tag.value": true, "tag": true, "id": true}

func parseQuery(s string) (query, error) {
	q := query{filters: map[string][]string{}, negated: map[string][]string{}}
	for _, term := range strings.Fields(strings.ToLower(s)) {
		neg := strings.HasPrefix(term, "-")
		term = strings.TrimPrefix(term, "-")
		name, value, isFilter := strings.Cut(term, ":")
		if !isFilter {
			q.words = append(q.words, term)
			continue
		}
		if !queryFilters[name] {
			return q, fmt.Errorf("the query filter %q is not one Resource Explorer knows", name+":")
		}
		if neg {
			q.negated[name] = append(q.negated[name], value)
		} else {
			q.filters[name] = append(q.filters[name], value)
		}
	}
	return q, nil
}

func (q query) matches(r Resource, sr searchResource) bool {
	one := func(name, value string) bool {
		switch name {
		case "region":
			return strings.EqualFold(sr.Region, value)
		case "service":
			return strings.EqualFold(sr.Service, value)
		case "resourcetype":
			return strings.EqualFold(sr.ResourceType, value)
		case "id":
			return strings.EqualFold(r.ID, value)
		case "tag.key":
			for k := range r.Tags {
				if strings.EqualFold(k, value) {
					return true
				}
			}
		case "tag.value":
			for _, v := range r.Tags {
				if strings.EqualFold(v, value) {
					return true
				}
			}
		case "tag":
			k, v, _ := strings.Cut(value, "=")
			for tk, tv := range r.Tags {
				if strings.EqualFold(tk, k) && strings.EqualFold(tv, v) {
					return true
				}
			}
		}
		return false
	}
	for name, values := range q.filters {
		if !slices.ContainsFunc(values, func(v string) bool { return one(name, v) }) {
			return false
		}
	}
	for name, values := range q.negated {
		if slices.ContainsFunc(values, func(v string) bool { return one(name, v) }) {
			return false
		}
	}
	text := strings.ToLower(r.ARN + " " + r.Name)
	for k, v := range r.Tags {
		text += " " + strings.ToLower(k+" "+v)
	}
	for _, w := range q.words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}
