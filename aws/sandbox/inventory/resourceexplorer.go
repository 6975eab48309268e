package inventory

import "net/http"

func init() {
	register(&service{
		name: "resource-explorer-2",
		protocol: restJSONProtocol{router{
			routes: []route{
				{method: http.MethodPost, pattern: "/ListIndexes", op: "ListIndexes"},
				{method: http.MethodPost, pattern: "/GetIndex", op: "GetIndex"},
				{method: http.MethodPost, pattern: "/Search", op: "Search"},
			},
			unknownCode: "UnknownOperationException",
		}},
		invalidParam: "ValidationException",
		ops: map[string]operation{
			"ListIndexes": listIndexes,
			"GetIndex":    getIndex,
			"Search":      search,
		},
	})
}

// Resource Explorer is off in every simulated account: no region has an index, which is how most accounts
// are, so the tool must fall back to the tagging API and the per-service listings as it does on AWS.

type listIndexesInput struct {
	MaxResults int    `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

type listIndexesOutput struct {
	Indexes   []struct{} `json:"Indexes"`
	NextToken *string    `json:"NextToken"`
}

func listIndexes(req *request) (any, error) {
	var in listIndexesInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	if _, err := pageSize(req, "MaxResults", in.MaxResults, 100, 1, 100); err != nil {
		return nil, err
	}
	if in.NextToken != "" {
		return nil, req.invalid("The NextToken is not valid.")
	}
	return listIndexesOutput{Indexes: []struct{}{}}, nil
}

func getIndex(req *request) (any, error) {
	return nil, notFound("ResourceNotFoundException", "Resource Explorer has no index in the region "+req.Region+".")
}

func search(req *request) (any, error) {
	// Without an index there is no default view to search, and AWS refuses the search as unauthorized.
	return nil, &apiError{Status: http.StatusUnauthorized, Code: "UnauthorizedException",
		Message: "Resource Explorer is not turned on in the region " + req.Region + ": it has no index and no default view."}
}
