package inventory

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dynamotypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/resourceexplorer2"
	rextypes "github.com/aws/aws-sdk-go-v2/service/resourceexplorer2/types"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// dirty finds a resource of the dirty set by name.
func dirty(t *testing.T, name string) Resource {
	t.Helper()
	for _, r := range DirtyResources(testAccount) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("the dirty set has no %s", name)
	return Resource{}
}

// errorCode is the AWS error code of an SDK error, or "" when it is not an API error.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func TestEC2DescribeRegionsListsTheDefaultEnabledRegions(t *testing.T) {
	sb := newSandbox(t, nil)
	client := ec2Client(sb.url, "us-east-1")
	out, err := client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range out.Regions {
		names = append(names, aws.ToString(r.RegionName))
		if aws.ToString(r.OptInStatus) != "opt-in-not-required" {
			t.Errorf("%s: opt-in status %q", aws.ToString(r.RegionName), aws.ToString(r.OptInStatus))
		}
	}
	assertSame(t, "DescribeRegions", names, EnabledRegions())
	if len(names) != 17 {
		t.Errorf("DescribeRegions listed %d regions, want 17", len(names))
	}

	all, err := client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Regions) <= 17 {
		t.Errorf("DescribeRegions with AllRegions listed %d regions, want the opt-in ones too", len(all.Regions))
	}
	_, err = client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{RegionNames: []string{"moon-north-1"}})
	if errorCode(err) != "InvalidParameterValue" {
		t.Errorf("DescribeRegions of an unknown region: %v, want InvalidParameterValue", err)
	}
}

func TestEC2DescribesInstancesVolumesAndVpcsInDetail(t *testing.T) {
	sb := newSandbox(t, DirtyResources(testAccount))
	ctx := context.Background()
	client := ec2Client(sb.url, "eu-west-1")
	web1, bastion, vpc := dirty(t, "shop-web-1"), dirty(t, "bastion"), dirty(t, "shop-prod")

	out, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{web1.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
		t.Fatalf("DescribeInstances of one id: %+v", out.Reservations)
	}
	inst := out.Reservations[0].Instances[0]
	if inst.State.Name != ec2types.InstanceStateNameRunning || aws.ToInt32(inst.State.Code) != 16 ||
		inst.InstanceType != ec2types.InstanceTypeT3Medium || aws.ToString(inst.VpcId) != vpc.ID ||
		aws.ToString(out.Reservations[0].OwnerId) != testAccount || len(inst.BlockDeviceMappings) != 2 {
		t.Errorf("shop-web-1 described as %+v", inst)
	}
	if !slices.ContainsFunc(inst.Tags, func(tag ec2types.Tag) bool {
		return aws.ToString(tag.Key) == "Name" && aws.ToString(tag.Value) == "shop-web-1"
	}) {
		t.Errorf("shop-web-1 tags: %+v", inst.Tags)
	}

	stopped, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"stopped", "stopping"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(stopped.Reservations) != 1 || aws.ToString(stopped.Reservations[0].Instances[0].InstanceId) != bastion.ID {
		t.Errorf("stopped instances: %+v", stopped.Reservations)
	}
	web, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:Role"), Values: []string{"w*"}}, {Name: aws.String("tag-key"), Values: []string{"CostCenter"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(web.Reservations) != 2 {
		t.Errorf("instances tagged Role=w*: %d, want 2", len(web.Reservations))
	}

	_, err = client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	if errorCode(err) != "InvalidInstanceID.NotFound" {
		t.Errorf("DescribeInstances of an unknown id: %v", err)
	}
	_, err = client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"red"}}}})
	if errorCode(err) != "InvalidParameterValue" {
		t.Errorf("DescribeInstances with an unknown filter: %v", err)
	}

	vols, err := client.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{
		{Name: aws.String("attachment.instance-id"), Values: []string{web1.ID}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vols.Volumes) != 2 || vols.Volumes[0].State != ec2types.VolumeStateInUse ||
		aws.ToString(vols.Volumes[0].Attachments[0].InstanceId) != web1.ID {
		t.Errorf("volumes of shop-web-1: %+v", vols.Volumes)
	}

	vpcs, err := client.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vpcs.Vpcs) != 1 || !aws.ToBool(vpcs.Vpcs[0].IsDefault) || aws.ToString(vpcs.Vpcs[0].VpcId) != DefaultVPCID(testAccount, "eu-west-1") {
		t.Errorf("default VPCs of eu-west-1: %+v", vpcs.Vpcs)
	}
	custom, err := client.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpc.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(custom.Vpcs) != 1 || aws.ToBool(custom.Vpcs[0].IsDefault) || aws.ToString(custom.Vpcs[0].CidrBlock) != "10.20.0.0/16" {
		t.Errorf("shop-prod VPC: %+v", custom.Vpcs)
	}
}

func TestRDSDescribesInstancesAndClusters(t *testing.T) {
	resources := append(DirtyResources(testAccount),
		newDBCluster(testAccount, "eu-west-1", "shop-aurora", map[string]string{"engine": "aurora-mysql"}),
		newDBInstance(testAccount, "eu-west-1", "shop-aurora-1", map[string]string{"engine": "aurora-mysql", "clusterId": "shop-aurora"}),
		newDBInstance(testAccount, "eu-west-1", "shop-aurora-2", map[string]string{"engine": "aurora-mysql", "clusterId": "shop-aurora"}))
	sb := newSandbox(t, resources)
	ctx := context.Background()
	eu, us := rdsClient(sb.url, "eu-west-1"), rdsClient(sb.url, "us-east-1")

	out, err := eu.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("shop-orders")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.DBInstances) != 1 {
		t.Fatalf("DescribeDBInstances shop-orders: %+v", out.DBInstances)
	}
	db := out.DBInstances[0]
	if aws.ToString(db.Engine) != "postgres" || aws.ToInt32(db.Endpoint.Port) != 5432 || !aws.ToBool(db.MultiAZ) ||
		aws.ToString(db.DBInstanceArn) != dirty(t, "shop-orders").ARN || aws.ToString(db.DBInstanceStatus) != "available" {
		t.Errorf("shop-orders described as %+v", db)
	}

	_, err = us.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("shop-orders")})
	var notFound *rdstypes.DBInstanceNotFoundFault
	if !errors.As(err, &notFound) {
		t.Errorf("shop-orders from us-east-1: %v, want DBInstanceNotFoundFault", err)
	}
	mysql, err := us.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{{Name: aws.String("engine"), Values: []string{"mysql"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(mysql.DBInstances) != 1 || aws.ToString(mysql.DBInstances[0].DBInstanceIdentifier) != "analytics-mysql" {
		t.Errorf("mysql instances of us-east-1: %+v", mysql.DBInstances)
	}

	clusters, err := eu.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("shop-aurora")})
	if err != nil {
		t.Fatal(err)
	}
	if len(clusters.DBClusters) != 1 || len(clusters.DBClusters[0].DBClusterMembers) != 2 ||
		!aws.ToBool(clusters.DBClusters[0].DBClusterMembers[0].IsClusterWriter) || aws.ToInt32(clusters.DBClusters[0].Port) != 3306 {
		t.Errorf("shop-aurora described as %+v", clusters.DBClusters)
	}
	_, err = us.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("shop-aurora")})
	var clusterNotFound *rdstypes.DBClusterNotFoundFault
	if !errors.As(err, &clusterNotFound) {
		t.Errorf("shop-aurora from us-east-1: %v, want DBClusterNotFoundFault", err)
	}
}

func TestLambdaListsFunctionConfigurations(t *testing.T) {
	sb := newSandbox(t, DirtyResources(testAccount))
	out, err := lambdaClient(sb.url, "eu-west-1").ListFunctions(context.Background(), &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	runtimes := map[string]string{}
	for _, f := range out.Functions {
		runtimes[aws.ToString(f.FunctionName)] = string(f.Runtime)
	}
	if runtimes["shop-image-resizer"] != "python3.12" || runtimes["shop-payment-webhook"] != "nodejs20.x" {
		t.Errorf("runtimes %v", runtimes)
	}
}

func TestDynamoDBDescribesTables(t *testing.T) {
	sb := newSandbox(t, DirtyResources(testAccount))
	ctx := context.Background()
	out, err := dynamoClient(sb.url, "eu-west-1").DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-carts")})
	if err != nil {
		t.Fatal(err)
	}
	tbl := out.Table
	if aws.ToString(tbl.TableArn) != dirty(t, "shop-carts").ARN || tbl.TableStatus != dynamotypes.TableStatusActive ||
		len(tbl.KeySchema) != 2 || aws.ToInt64(tbl.ProvisionedThroughput.ReadCapacityUnits) != 10 ||
		aws.ToInt64(tbl.ItemCount) != 9120 || tbl.CreationDateTime == nil || tbl.CreationDateTime.Year() != 2023 {
		t.Errorf("shop-carts described as %+v", tbl)
	}
	sessions, err := dynamoClient(sb.url, "eu-west-1").DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-sessions")})
	if err != nil {
		t.Fatal(err)
	}
	if sessions.Table.BillingModeSummary == nil || sessions.Table.BillingModeSummary.BillingMode != dynamotypes.BillingModePayPerRequest {
		t.Errorf("shop-sessions billing: %+v", sessions.Table.BillingModeSummary)
	}
	_, err = dynamoClient(sb.url, "us-east-1").DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-carts")})
	var notFound *dynamotypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("shop-carts from us-east-1: %v, want ResourceNotFoundException", err)
	}
}

func TestIAMListsAccessKeys(t *testing.T) {
	sb := newSandbox(t, DirtyResources(testAccount))
	ctx := context.Background()
	client := iamClient(sb.url)
	user := dirty(t, "ci-deployer")
	out, err := client.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("ci-deployer")})
	if err != nil {
		t.Fatal(err)
	}
	// Its first key was rotated out (keyStatus Inactive,Active).
	var keys []string
	want := []iamtypes.StatusType{iamtypes.StatusTypeInactive, iamtypes.StatusTypeActive}
	for i, k := range out.AccessKeyMetadata {
		keys = append(keys, aws.ToString(k.AccessKeyId))
		if i >= len(want) || k.Status != want[i] || aws.ToString(k.UserName) != "ci-deployer" {
			t.Errorf("access key %d %+v, want status %v", i, k, want)
		}
	}
	assertSame(t, "ListAccessKeys ci-deployer", keys, AccessKeyIDs(user))
	if len(keys) != 2 {
		t.Errorf("ci-deployer has %d access keys, want 2", len(keys))
	}
	_, err = client.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("nobody")})
	var noSuchEntity *iamtypes.NoSuchEntityException
	if !errors.As(err, &noSuchEntity) {
		t.Errorf("ListAccessKeys of an unknown user: %v, want NoSuchEntityException", err)
	}
}

func TestTaggingFiltersByTagsAndListsKeysAndValues(t *testing.T) {
	resources := DirtyResources(testAccount)
	sb := newSandbox(t, resources)
	ctx := context.Background()
	client := taggingClient(sb.url, "us-east-1")
	out, err := client.GetResources(ctx, &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters: []taggingtypes.TagFilter{{Key: aws.String("Owner"), Values: []string{"finance"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, m := range out.ResourceTagMappingList {
		got = append(got, aws.ToString(m.ResourceARN))
	}
	for _, r := range resources {
		if r.Region == "us-east-1" && r.Tags["Owner"] == "finance" {
			want = append(want, r.ARN)
		}
	}
	assertSame(t, "resources owned by finance", got, want)

	keys, err := client.GetTagKeys(ctx, &resourcegroupstaggingapi.GetTagKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(keys.TagKeys, "Owner") || !slices.Contains(keys.TagKeys, "Purpose") {
		t.Errorf("tag keys of us-east-1: %v", keys.TagKeys)
	}
	values, err := client.GetTagValues(ctx, &resourcegroupstaggingapi.GetTagValuesInput{Key: aws.String("Owner")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(values.TagValues, []string{"finance"}) {
		t.Errorf("values of Owner: %v", values.TagValues)
	}
	_, err = client.GetResources(ctx, &resourcegroupstaggingapi.GetResourcesInput{PaginationToken: aws.String("not-a-token")})
	var invalid *taggingtypes.InvalidParameterException
	if !errors.As(err, &invalid) {
		t.Errorf("GetResources with a forged token: %v, want InvalidParameterException", err)
	}
}

func TestResourceExplorerHasNoIndex(t *testing.T) {
	sb := newSandbox(t, DirtyResources(testAccount))
	ctx := context.Background()
	client := resourceexplorer2.NewFromConfig(config("eu-west-1"), func(o *resourceexplorer2.Options) { o.BaseEndpoint = aws.String(sb.url) })
	out, err := client.ListIndexes(ctx, &resourceexplorer2.ListIndexesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Indexes) != 0 || out.NextToken != nil {
		t.Errorf("ListIndexes: %+v", out)
	}
	_, err = client.GetIndex(ctx, &resourceexplorer2.GetIndexInput{})
	var notFound *rextypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("GetIndex: %v, want ResourceNotFoundException", err)
	}
	_, err = client.Search(ctx, &resourceexplorer2.SearchInput{QueryString: aws.String("service:ec2")})
	var unauthorized *rextypes.UnauthorizedException
	if !errors.As(err, &unauthorized) {
		t.Errorf("Search: %v, want UnauthorizedException", err)
	}
}

// An account with AWS's quick setup: an aggregator in eu-west-1 with the default view, a local index in
// us-east-1. The SDK reads every answer in its own types.
func TestResourceExplorerWithAnAggregator(t *testing.T) {
	resources := append(DirtyResources(testAccount), ResourceExplorerSetup(testAccount, "eu-west-1", "us-east-1")...)
	resources = append(resources, newTable(testAccount, "ap-south-1", "not-indexed", nil))
	sb := newSandbox(t, resources)
	ctx := context.Background()
	rex := func(region string) *resourceexplorer2.Client {
		return resourceexplorer2.NewFromConfig(config(region), func(o *resourceexplorer2.Options) { o.BaseEndpoint = aws.String(sb.url) })
	}
	// ListIndexes answers the account's indexes from any region, filtered by type.
	out, err := rex("ap-south-1").ListIndexes(ctx, &resourceexplorer2.ListIndexesInput{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]rextypes.IndexType{}
	for _, ix := range out.Indexes {
		got[aws.ToString(ix.Region)] = ix.Type
		if !strings.HasPrefix(aws.ToString(ix.Arn), "arn:aws:resource-explorer-2:"+aws.ToString(ix.Region)+":"+testAccount+":index/") {
			t.Errorf("index ARN %s", aws.ToString(ix.Arn))
		}
	}
	if len(got) != 2 || got["eu-west-1"] != rextypes.IndexTypeAggregator || got["us-east-1"] != rextypes.IndexTypeLocal {
		t.Errorf("ListIndexes: %v", got)
	}
	agg, err := rex("us-east-1").ListIndexes(ctx, &resourceexplorer2.ListIndexesInput{Type: rextypes.IndexTypeAggregator})
	if err != nil || len(agg.Indexes) != 1 || aws.ToString(agg.Indexes[0].Region) != "eu-west-1" {
		t.Errorf("ListIndexes Type=AGGREGATOR: %+v %v", agg, err)
	}
	ix, err := rex("eu-west-1").GetIndex(ctx, &resourceexplorer2.GetIndexInput{})
	if err != nil || ix.Type != rextypes.IndexTypeAggregator || ix.State != rextypes.IndexStateActive || !slices.Equal(ix.ReplicatingFrom, []string{"us-east-1"}) || ix.CreatedAt == nil {
		t.Errorf("GetIndex in the aggregator's region: %+v %v", ix, err)
	}
	view, err := rex("eu-west-1").GetDefaultView(ctx, &resourceexplorer2.GetDefaultViewInput{})
	if err != nil || !strings.Contains(aws.ToString(view.ViewArn), ":view/all-resources/") {
		t.Errorf("GetDefaultView: %+v %v", view, err)
	}

	// The aggregator's view sees both indexed regions, untagged resources included; nothing of ap-south-1,
	// which has no index.
	search := func(region, q string) []rextypes.Resource {
		t.Helper()
		var all []rextypes.Resource
		p := resourceexplorer2.NewSearchPaginator(rex(region), &resourceexplorer2.SearchInput{QueryString: aws.String(q), MaxResults: aws.Int32(5)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("Search %q in %s: %v", q, region, err)
			}
			if page.Count == nil || !aws.ToBool(page.Count.Complete) || aws.ToString(page.ViewArn) != aws.ToString(view.ViewArn) {
				t.Errorf("Search page: count %+v view %s", page.Count, aws.ToString(page.ViewArn))
			}
			all = append(all, page.Resources...)
		}
		return all
	}
	eu := search("eu-west-1", "region:eu-west-1")
	var queue bool
	for _, r := range eu {
		if aws.ToString(r.Region) != "eu-west-1" || aws.ToString(r.OwningAccountId) != testAccount || r.LastReportedAt == nil {
			t.Errorf("a resource of region:eu-west-1: %+v", r)
		}
		if aws.ToString(r.ResourceType) == "sqs:sqs" || strings.HasSuffix(aws.ToString(r.Arn), ":shop-order-events") {
			queue = true
		}
	}
	if !queue {
		t.Error("the untagged queue is missing from the search")
	}
	us := search("eu-west-1", "region:us-east-1 service:ec2")
	if len(us) != 2 { // legacy-reporting and its root volume
		t.Errorf("ec2 in us-east-1 through the aggregator: %d resources", len(us))
	}
	if n := len(search("eu-west-1", "region:ap-south-1")); n != 0 {
		t.Errorf("%d resources of a region without an index", n)
	}
	if n := len(search("eu-west-1", "resourcetype:dynamodb:table -region:us-east-1")); n != 2 {
		t.Errorf("tables outside us-east-1: %d, want 2", n)
	}
	// The local index in us-east-1 has no view: AWS refuses the search there.
	_, err = rex("us-east-1").Search(ctx, &resourceexplorer2.SearchInput{QueryString: aws.String("")})
	var unauthorized *rextypes.UnauthorizedException
	if !errors.As(err, &unauthorized) {
		t.Errorf("Search in a region without a view: %v, want UnauthorizedException", err)
	}
	_, err = rex("eu-west-1").Search(ctx, &resourceexplorer2.SearchInput{QueryString: aws.String("colour:blue")})
	var invalid *rextypes.ValidationException
	if !errors.As(err, &invalid) {
		t.Errorf("Search with an unknown filter: %v, want ValidationException", err)
	}
}

// TestUnknownOperationsAreSDKErrors calls, on every service, an operation the sandbox does not serve, and
// expects the service's own error code, an error from the SDK, and the call recorded with that outcome.
func TestUnknownOperationsAreSDKErrors(t *testing.T) {
	sb := newSandbox(t, DirtyResources(testAccount))
	ctx := context.Background()
	const region = "eu-west-1"
	rex := resourceexplorer2.NewFromConfig(config(region), func(o *resourceexplorer2.Options) { o.BaseEndpoint = aws.String(sb.url) })
	calls := []struct {
		name string
		code string
		call func() error
	}{
		{"ec2 DescribeSnapshots", "InvalidAction", func() error {
			_, err := ec2Client(sb.url, region).DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{})
			return err
		}},
		{"rds DescribeDBSnapshots", "InvalidAction", func() error {
			_, err := rdsClient(sb.url, region).DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{})
			return err
		}},
		{"iam ListRoles", "InvalidAction", func() error {
			_, err := iamClient(sb.url).ListRoles(ctx, &iam.ListRolesInput{})
			return err
		}},
		{"dynamodb Scan", "UnknownOperationException", func() error {
			_, err := dynamoClient(sb.url, region).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("shop-carts")})
			return err
		}},
		{"tagging GetComplianceSummary", "UnknownOperationException", func() error {
			_, err := taggingClient(sb.url, region).GetComplianceSummary(ctx, &resourcegroupstaggingapi.GetComplianceSummaryInput{})
			return err
		}},
		{"ecs DescribeClusters", "UnknownOperationException", func() error {
			_, err := ecsClient(sb.url, region).DescribeClusters(ctx, &ecs.DescribeClustersInput{})
			return err
		}},
		{"lambda GetFunction", "UnknownOperationException", func() error {
			_, err := lambdaClient(sb.url, region).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("shop-image-resizer")})
			return err
		}},
		{"eks DescribeCluster", "UnknownOperationException", func() error {
			_, err := eksClient(sb.url, region).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("x")})
			return err
		}},
		{"resource-explorer-2 CreateView", "UnknownOperationException", func() error {
			_, err := rex.CreateView(ctx, &resourceexplorer2.CreateViewInput{ViewName: aws.String("mine")})
			return err
		}},
		{"cloudfront GetDistribution", "InvalidRequest", func() error {
			_, err := cloudfrontClient(sb.url).GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String("E123")})
			return err
		}},
		{"route53 GetHostedZone", "InvalidInput", func() error {
			_, err := route53Client(sb.url).GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String("Z123")})
			return err
		}},
	}
	for _, c := range calls {
		err := c.call()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if got := errorCode(err); got != c.code {
			t.Errorf("%s: error %v, want code %s", c.name, err, c.code)
		}
		if last := sb.last(); last.Outcome != c.code || last.Operation == "" {
			t.Errorf("%s: recorded as %+v", c.name, last)
		}
	}
}

// TestInjectedErrorsReachTheSDKTyped checks the core's hooks: Operation names the call before it is served,
// and WriteError answers it in the service's own error shape, here as AWS throttles each protocol.
func TestInjectedErrorsReachTheSDKTyped(t *testing.T) {
	var named []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, region, service, _ := ParseScope(r.Header.Get("Authorization"))
		body, _ := io.ReadAll(r.Body)
		c := Call{Service: service, Region: region, Account: testAccount, Request: r, Body: body}
		named = append(named, Operation(c))
		code := "Throttling"
		switch service {
		case "ec2":
			code = "RequestLimitExceeded"
		case "dynamodb":
			code = "ThrottlingException"
		}
		WriteError(w, c, http.StatusBadRequest, code, "Rate exceeded")
	}))
	defer srv.Close()
	ctx := context.Background()

	_, err := ec2Client(srv.URL, "eu-west-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if errorCode(err) != "RequestLimitExceeded" {
		t.Errorf("ec2: %v", err)
	}
	_, err = rdsClient(srv.URL, "eu-west-1").DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
	if errorCode(err) != "Throttling" {
		t.Errorf("rds: %v", err)
	}
	_, err = dynamoClient(srv.URL, "eu-west-1").ListTables(ctx, &dynamodb.ListTablesInput{})
	if errorCode(err) != "ThrottlingException" {
		t.Errorf("dynamodb: %v", err)
	}
	_, err = lambdaClient(srv.URL, "eu-west-1").ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if errorCode(err) != "Throttling" {
		t.Errorf("lambda: %v", err)
	}
	want := []string{"DescribeInstances", "DescribeDBInstances", "ListTables", "ListFunctions"}
	if !slices.Equal(named, want) {
		t.Errorf("Operation named %v, want %v", named, want)
	}
}

// TestDynamoDBSendsCRC32: DynamoDB signs every answer with X-Amz-Crc32 and
// its SDK checks it; without the header the SDK warned "response did not
// match expected checksum" on every audit through `sandbox serve`.
func TestDynamoDBSendsCRC32(t *testing.T) {
	sb := newSandbox(t, DirtyResources(testAccount))
	ctx := context.Background()
	var logged strings.Builder
	var mu sync.Mutex
	cfg := config("eu-west-1")
	cfg.Logger = logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&logged, "%s "+format+"\n", append([]any{c}, v...)...)
	})
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(sb.url) })
	if _, err := client.ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-carts")}); err != nil {
		t.Fatal(err)
	}
	var notFound *dynamotypes.ResourceNotFoundException
	if _, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("nope")}); !errors.As(err, &notFound) {
		t.Fatalf("DescribeTable nope: %v", err)
	}
	mu.Lock()
	if logged.Len() > 0 {
		t.Errorf("the SDK logged:\n%s", logged.String())
	}
	mu.Unlock()

	// The header is the CRC-32 of the body, on answers and errors alike.
	for _, body := range []string{`{}`, `{"TableName":"nope"}`} {
		req, _ := http.NewRequest(http.MethodPost, sb.url, strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
		if body == `{}` {
			req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIASANDBOX000000001/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := resp.Header.Get("X-Amz-Crc32")
		if want := strconv.FormatUint(uint64(crc32.ChecksumIEEE(data)), 10); got != want {
			t.Errorf("%s: X-Amz-Crc32 %q, want %s (status %d)", body, got, want, resp.StatusCode)
		}
	}
}
