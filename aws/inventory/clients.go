package inventory

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resourceexplorer2"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The interfaces below are the operations the inventory calls, one per
// service. They are exported only so that aws/iampolicy can hold the
// least-privilege policy to them; callers use Clients.

// EC2API lists regions and the EC2 resources a migration must move.
type EC2API interface {
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	DescribeVolumes(context.Context, *ec2.DescribeVolumesInput, ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error)
	DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
}

// S3API lists buckets; ListBuckets answers every region's buckets at once.
type S3API interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
}

// RDSAPI lists database instances and clusters.
type RDSAPI interface {
	DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
	DescribeDBClusters(context.Context, *rds.DescribeDBClustersInput, ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
}

// LambdaAPI lists functions.
type LambdaAPI interface {
	ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
}

// DynamoDBAPI lists tables.
type DynamoDBAPI interface {
	ListTables(context.Context, *dynamodb.ListTablesInput, ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error)
}

// ECSAPI lists ECS clusters.
type ECSAPI interface {
	ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error)
}

// EKSAPI lists EKS clusters.
type EKSAPI interface {
	ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error)
}

// CloudFrontAPI lists distributions (a global service).
type CloudFrontAPI interface {
	ListDistributions(context.Context, *cloudfront.ListDistributionsInput, ...func(*cloudfront.Options)) (*cloudfront.ListDistributionsOutput, error)
}

// Route53API lists hosted zones (a global service).
type Route53API interface {
	ListHostedZones(context.Context, *route53.ListHostedZonesInput, ...func(*route53.Options)) (*route53.ListHostedZonesOutput, error)
}

// IAMAPI lists users and their access keys: long-lived keys in the
// management account are what a migration must retire.
type IAMAPI interface {
	ListUsers(context.Context, *iam.ListUsersInput, ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
}

// TaggingAPI lists tagged resources of one region.
type TaggingAPI interface {
	GetResources(context.Context, *resourcegroupstaggingapi.GetResourcesInput, ...func(*resourcegroupstaggingapi.Options)) (*resourcegroupstaggingapi.GetResourcesOutput, error)
}

// ResourceExplorerAPI finds the regions with an index and searches them.
type ResourceExplorerAPI interface {
	ListIndexes(context.Context, *resourceexplorer2.ListIndexesInput, ...func(*resourceexplorer2.Options)) (*resourceexplorer2.ListIndexesOutput, error)
	Search(context.Context, *resourceexplorer2.SearchInput, ...func(*resourceexplorer2.Options)) (*resourceexplorer2.SearchOutput, error)
}

var (
	_ EC2API              = (*ec2.Client)(nil)
	_ S3API               = (*s3.Client)(nil)
	_ RDSAPI              = (*rds.Client)(nil)
	_ LambdaAPI           = (*lambda.Client)(nil)
	_ DynamoDBAPI         = (*dynamodb.Client)(nil)
	_ ECSAPI              = (*ecs.Client)(nil)
	_ EKSAPI              = (*eks.Client)(nil)
	_ CloudFrontAPI       = (*cloudfront.Client)(nil)
	_ Route53API          = (*route53.Client)(nil)
	_ IAMAPI              = (*iam.Client)(nil)
	_ TaggingAPI          = (*resourcegroupstaggingapi.Client)(nil)
	_ ResourceExplorerAPI = (*resourceexplorer2.Client)(nil)
)

// Clients are the service clients the inventory reads through. One client
// per service serves every region: each call names its region.
type Clients struct {
	EC2              EC2API
	S3               S3API
	RDS              RDSAPI
	Lambda           LambdaAPI
	DynamoDB         DynamoDBAPI
	ECS              ECSAPI
	EKS              EKSAPI
	CloudFront       CloudFrontAPI
	Route53          Route53API
	IAM              IAMAPI
	Tagging          TaggingAPI
	ResourceExplorer ResourceExplorerAPI

	transport *http.Transport
}

// Close drops the idle connections. A sweep opens many at once; one that was
// dialled but never used would keep a local server (the sandbox) waiting
// seconds on shutdown.
func (c Clients) Close() {
	if c.transport != nil {
		c.transport.CloseIdleConnections()
	}
}

// MaxAttempts bounds the tries of one listing. The target's retryer is
// patient, for Organizations' throttling during an apply; an inventory is a
// read that reports what did not answer, so a listing that keeps failing (a
// service the endpoint does not implement answers 500 every time) becomes a
// "not read" problem after a few quick tries instead of a minute of backoff.
const MaxAttempts = 3

// MaxBackoff bounds the wait between two tries of one listing.
const MaxBackoff = time.Second

// NewClients builds the clients from one configuration (the target's), with
// the target's retry rules but at most MaxAttempts tries a call.
func NewClients(cfg aws.Config) Clients {
	base := cfg.Retryer
	cfg.Retryer = func() aws.Retryer {
		var r aws.Retryer
		if base != nil {
			r = base()
		} else {
			r = retry.NewStandard()
		}
		return retry.AddWithMaxBackoffDelay(retry.AddWithMaxAttempts(r, MaxAttempts), MaxBackoff)
	}
	cfg.RetryMaxAttempts = 0 // the retryer above decides; a config value would override it
	var tr *http.Transport
	if cfg.HTTPClient == nil {
		// One pool for all services, keeping as many idle connections as
		// calls may be in flight, so that the sweep reuses them.
		tr = awshttp.NewBuildableClient().GetTransport()
		tr.MaxIdleConns, tr.MaxIdleConnsPerHost = DefaultParallel, DefaultParallel
		cfg.HTTPClient = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // the SDK reads redirects itself
		}}
	}
	return Clients{
		transport: tr,
		EC2:       ec2.NewFromConfig(cfg),
		// Path-style addressing: bucket names as hosts do not resolve on a
		// local endpoint (the sandbox, moto), and AWS serves both styles.
		S3:               s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = cfg.BaseEndpoint != nil }),
		RDS:              rds.NewFromConfig(cfg),
		Lambda:           lambda.NewFromConfig(cfg),
		DynamoDB:         dynamodb.NewFromConfig(cfg),
		ECS:              ecs.NewFromConfig(cfg),
		EKS:              eks.NewFromConfig(cfg),
		CloudFront:       cloudfront.NewFromConfig(cfg),
		Route53:          route53.NewFromConfig(cfg),
		IAM:              iam.NewFromConfig(cfg),
		Tagging:          resourcegroupstaggingapi.NewFromConfig(cfg),
		ResourceExplorer: resourceexplorer2.NewFromConfig(cfg),
	}
}
