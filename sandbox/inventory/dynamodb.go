package inventory

import (
	"fmt"
	"net/http"
	"slices"
)

func init() {
	register(&service{
		name:            "dynamodb",
		protocol:        jsonProtocol{version: "1.0", targetPrefix: "DynamoDB_20120810", crc32: true},
		resourceService: "dynamodb",
		invalidParam:    "ValidationException",
		ops: map[string]operation{
			"ListTables":    listTables,
			"DescribeTable": describeTable,
		},
	})
}

// newTable makes a DynamoDB table. Attrs: hashKey, rangeKey (with hashKeyType, rangeKeyType: S, N or B),
// billingMode (PAY_PER_REQUEST or PROVISIONED, with readCapacity, writeCapacity), itemCount, sizeBytes,
// created.
func newTable(account, region, name string, attrs map[string]string) Resource {
	return Resource{Account: account, Region: region, Service: "dynamodb", Type: "table", ID: name, Name: name,
		ARN: fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, account, name), Attrs: attrs}
}

type listTablesInput struct {
	ExclusiveStartTableName string `json:"ExclusiveStartTableName"`
	Limit                   int    `json:"Limit"`
}

type listTablesOutput struct {
	TableNames             []string `json:"TableNames"`
	LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
}

func listTables(req *request) (any, error) {
	var in listTablesInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	size, err := pageSize(req, "Limit", in.Limit, 100, 1, 100)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, r := range ofType(req.resources, "table") {
		names = append(names, r.ID)
	}
	// DynamoDB lists tables by name and pages by the last name seen, not by an opaque token.
	slices.Sort(names)
	start := 0
	if in.ExclusiveStartTableName != "" {
		start, _ = slices.BinarySearch(names, in.ExclusiveStartTableName)
		if start < len(names) && names[start] == in.ExclusiveStartTableName {
			start++
		}
	}
	end := min(start+size, len(names))
	out := listTablesOutput{TableNames: slices.Clone(names[start:end])}
	if out.TableNames == nil {
		out.TableNames = []string{}
	}
	if end < len(names) {
		out.LastEvaluatedTableName = names[end-1]
	}
	return out, nil
}

type describeTableInput struct {
	TableName string `json:"TableName"`
}

type dynamoKey struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

type dynamoAttribute struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

type dynamoThroughput struct {
	NumberOfDecreasesToday int `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      int `json:"ReadCapacityUnits"`
	WriteCapacityUnits     int `json:"WriteCapacityUnits"`
}

type dynamoBillingMode struct {
	BillingMode string `json:"BillingMode"`
}

type dynamoTable struct {
	TableName             string             `json:"TableName"`
	TableArn              string             `json:"TableArn"`
	TableID               string             `json:"TableId"`
	TableStatus           string             `json:"TableStatus"`
	CreationDateTime      float64            `json:"CreationDateTime"`
	ItemCount             int64              `json:"ItemCount"`
	TableSizeBytes        int64              `json:"TableSizeBytes"`
	KeySchema             []dynamoKey        `json:"KeySchema"`
	AttributeDefinitions  []dynamoAttribute  `json:"AttributeDefinitions"`
	ProvisionedThroughput dynamoThroughput   `json:"ProvisionedThroughput"`
	BillingModeSummary    *dynamoBillingMode `json:"BillingModeSummary,omitempty"`
	DeletionProtection    bool               `json:"DeletionProtectionEnabled"`
}

type describeTableOutput struct {
	Table dynamoTable `json:"Table"`
}

func describeTable(req *request) (any, error) {
	var in describeTableInput
	if err := req.decode(&in); err != nil {
		return nil, err
	}
	if in.TableName == "" {
		return nil, req.invalid("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
	}
	i := slices.IndexFunc(req.resources, func(r Resource) bool { return r.Type == "table" && (r.ID == in.TableName || r.ARN == in.TableName) })
	if i < 0 {
		return nil, &apiError{Status: http.StatusBadRequest, Code: "ResourceNotFoundException",
			Message: fmt.Sprintf("Requested resource not found: Table: %s not found", in.TableName)}
	}
	r := req.resources[i]
	t := dynamoTable{
		TableName:        r.ID,
		TableArn:         r.ARN,
		TableID:          uuidFrom(r.ARN),
		TableStatus:      r.attr("status", "ACTIVE"),
		CreationDateTime: float64(r.created().Unix()),
		ItemCount:        int64(r.intAttr("itemCount", 0)),
		TableSizeBytes:   int64(r.intAttr("sizeBytes", 0)),
	}
	for _, k := range []struct{ name, typ, keyType string }{
		{r.attr("hashKey", "pk"), r.attr("hashKeyType", "S"), "HASH"},
		{r.Attrs["rangeKey"], r.attr("rangeKeyType", "S"), "RANGE"},
	} {
		if k.name != "" {
			t.KeySchema = append(t.KeySchema, dynamoKey{AttributeName: k.name, KeyType: k.keyType})
			t.AttributeDefinitions = append(t.AttributeDefinitions, dynamoAttribute{AttributeName: k.name, AttributeType: k.typ})
		}
	}
	// An on-demand table reports zero provisioned capacity, as DynamoDB does.
	if mode := r.attr("billingMode", "PAY_PER_REQUEST"); mode == "PAY_PER_REQUEST" {
		t.BillingModeSummary = &dynamoBillingMode{BillingMode: mode}
	} else {
		t.ProvisionedThroughput = dynamoThroughput{ReadCapacityUnits: r.intAttr("readCapacity", 5), WriteCapacityUnits: r.intAttr("writeCapacity", 5)}
	}
	return describeTableOutput{Table: t}, nil
}

// uuidFrom derives a stable UUID-shaped id, as DynamoDB gives each table one.
func uuidFrom(seed string) string { return uuidForm(hexID(32, seed, "uuid")) }

// uuidForm lays 32 hex digits out as a UUID.
func uuidForm(h string) string {
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
