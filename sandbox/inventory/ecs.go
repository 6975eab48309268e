package inventory

import "fmt"

func init() {
	register(&service{
		name:            "ecs",
		protocol:        jsonProtocol{version: "1.1", targetPrefix: "AmazonEC2ContainerServiceV20141113"},
		resourceService: "ecs",
		invalidParam:    "InvalidParameterException",
		ops:             map[string]operation{"ListClusters": listECSClusters},
	})
}

// newECSCluster makes an ECS cluster. Attrs: created.
func newECSCluster(account, region, name string, tags map[string]string) Resource {
	return Resource{Account: account, Region: region, Service: "ecs", Type: "cluster", ID: name, Name: name,
		ARN: fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", region, account, name), Tags: tags}
}

type listPageInput struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

type listECSClustersOutput struct {
	ClusterArns []string `json:"clusterArns"`
	NextToken   string   `json:"nextToken,omitempty"`
}

func listECSClusters(req *request) (any, error) {
	var in listPageInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	page, next, err := sizedPage(req, ofType(req.resources, "cluster"), "maxResults", in.MaxResults, in.NextToken, 100, 1, 100)
	if err != nil {
		return nil, err
	}
	out := listECSClustersOutput{ClusterArns: []string{}, NextToken: next}
	for _, r := range page {
		out.ClusterArns = append(out.ClusterArns, r.ARN)
	}
	return out, nil
}
