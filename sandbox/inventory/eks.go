package inventory

import (
	"fmt"
	"net/http"
)

func init() {
	register(&service{
		name: "eks",
		protocol: restJSONProtocol{router{
			routes:      []route{{method: http.MethodGet, pattern: "/clusters", op: "ListClusters"}},
			unknownCode: "UnknownOperationException",
		}},
		resourceService: "eks",
		invalidParam:    "InvalidParameterException",
		ops:             map[string]operation{"ListClusters": listEKSClusters},
	})
}

// newEKSCluster makes an EKS cluster. Attrs: version (Kubernetes), created.
func newEKSCluster(account, region, name string, tags map[string]string) Resource {
	return Resource{Account: account, Region: region, Service: "eks", Type: "cluster", ID: name, Name: name,
		ARN: fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", region, account, name), Tags: tags}
}

type listEKSClustersOutput struct {
	Clusters  []string `json:"clusters"`
	NextToken *string  `json:"nextToken"`
}

func listEKSClusters(req *request) (any, error) {
	page, next, err := queryPage(req, ofType(req.resources, "cluster"), "maxResults", "nextToken", 100, 1, 100)
	if err != nil {
		return nil, err
	}
	out := listEKSClustersOutput{Clusters: []string{}, NextToken: optional(next)}
	for _, r := range page {
		out.Clusters = append(out.Clusters, r.ID)
	}
	return out, nil
}
