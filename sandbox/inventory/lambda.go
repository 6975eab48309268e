package inventory

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
)

func init() {
	register(&service{
		name: "lambda",
		protocol: restJSONProtocol{router{
			routes:      []route{{method: http.MethodGet, pattern: "/2015-03-31/functions", op: "ListFunctions"}},
			unknownCode: "UnknownOperationException",
		}},
		resourceService: "lambda",
		invalidParam:    "InvalidParameterValueException",
		ops:             map[string]operation{"ListFunctions": listFunctions},
	})
}

// newFunction makes a Lambda function. Attrs: runtime, handler, memory (MB), timeout (s), codeSize (bytes),
// description, role (the execution role's name), created (last modified).
func newFunction(account, region, name string, attrs map[string]string) Resource {
	return Resource{Account: account, Region: region, Service: "lambda", Type: "function", ID: name, Name: name,
		ARN: fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, account, name), Attrs: attrs}
}

type lambdaFunction struct {
	FunctionName  string   `json:"FunctionName"`
	FunctionArn   string   `json:"FunctionArn"`
	Runtime       string   `json:"Runtime"`
	Role          string   `json:"Role"`
	Handler       string   `json:"Handler"`
	CodeSize      int      `json:"CodeSize"`
	Description   string   `json:"Description"`
	Timeout       int      `json:"Timeout"`
	MemorySize    int      `json:"MemorySize"`
	LastModified  string   `json:"LastModified"`
	CodeSha256    string   `json:"CodeSha256"`
	Version       string   `json:"Version"`
	PackageType   string   `json:"PackageType"`
	Architectures []string `json:"Architectures"`
}

type listFunctionsOutput struct {
	Functions  []lambdaFunction `json:"Functions"`
	NextMarker *string          `json:"NextMarker"`
}

func listFunctions(req *request) (any, error) {
	page, next, err := queryPage(req, ofType(req.resources, "function"), "MaxItems", "Marker", 50, 1, 10000)
	if err != nil {
		return nil, err
	}
	out := listFunctionsOutput{Functions: []lambdaFunction{}, NextMarker: optional(next)}
	for _, r := range page {
		out.Functions = append(out.Functions, lambdaFunction{
			FunctionName:  r.ID,
			FunctionArn:   r.ARN,
			Runtime:       r.attr("runtime", "python3.12"),
			Role:          fmt.Sprintf("arn:aws:iam::%s:role/%s", r.Account, r.attr("role", r.ID+"-role")),
			Handler:       r.attr("handler", "index.handler"),
			CodeSize:      r.intAttr("codeSize", 4096),
			Description:   r.Attrs["description"],
			Timeout:       r.intAttr("timeout", 3),
			MemorySize:    r.intAttr("memory", 128),
			LastModified:  r.created().Format("2006-01-02T15:04:05.000-0700"),
			CodeSha256:    codeSha256(r),
			Version:       "$LATEST",
			PackageType:   "Zip",
			Architectures: []string{"x86_64"},
		})
	}
	return out, nil
}

// codeSha256 is the base64 SHA-256 of the function's deployment package, as Lambda reports it; the
// simulated package is its ARN and last-modified time, so a redeploy changes it.
func codeSha256(r Resource) string {
	sum := sha256.Sum256([]byte(r.ARN + r.Attrs["created"]))
	return base64.StdEncoding.EncodeToString(sum[:])
}
