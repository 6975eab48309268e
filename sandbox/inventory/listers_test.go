package inventory

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

// maxPages bounds a listing, so that a page token that leads back to itself fails the test instead of
// hanging it (most SDK paginators do not stop on a repeated token).
const maxPages = 100

// drain follows a paginator to its end, collecting what each page names.
func drain[O any](ctx context.Context, more func() bool, next func(context.Context) (O, error), names func(O) []string) ([]string, error) {
	var out []string
	for pages := 0; more(); pages++ {
		if pages == maxPages {
			return nil, fmt.Errorf("still paging after %d pages", maxPages)
		}
		page, err := next(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, names(page)...)
	}
	return out, nil
}

func ec2Client(endpoint, region string) *ec2.Client {
	return ec2.NewFromConfig(config(region), func(o *ec2.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func rdsClient(endpoint, region string) *rds.Client {
	return rds.NewFromConfig(config(region), func(o *rds.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func lambdaClient(endpoint, region string) *lambda.Client {
	return lambda.NewFromConfig(config(region), func(o *lambda.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func dynamoClient(endpoint, region string) *dynamodb.Client {
	return dynamodb.NewFromConfig(config(region), func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func taggingClient(endpoint, region string) *resourcegroupstaggingapi.Client {
	return resourcegroupstaggingapi.NewFromConfig(config(region), func(o *resourcegroupstaggingapi.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func ecsClient(endpoint, region string) *ecs.Client {
	return ecs.NewFromConfig(config(region), func(o *ecs.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func eksClient(endpoint, region string) *eks.Client {
	return eks.NewFromConfig(config(region), func(o *eks.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func cloudfrontClient(endpoint string) *cloudfront.Client {
	return cloudfront.NewFromConfig(config("us-east-1"), func(o *cloudfront.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func route53Client(endpoint string) *route53.Client {
	return route53.NewFromConfig(config("us-east-1"), func(o *route53.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func iamClient(endpoint string) *iam.Client {
	return iam.NewFromConfig(config("us-east-1"), func(o *iam.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

// listers covers every listing the inventory serves, one per resource type.
var listers = []lister{
	{name: "ec2 DescribeInstances", service: "ec2", typ: "instance", key: byID,
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := ec2.NewDescribeInstancesPaginator(ec2Client(endpoint, region), &ec2.DescribeInstancesInput{MaxResults: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeInstancesOutput, error) { return p.NextPage(ctx) },
				func(o *ec2.DescribeInstancesOutput) (out []string) {
					for _, r := range o.Reservations {
						for _, i := range r.Instances {
							out = append(out, aws.ToString(i.InstanceId))
						}
					}
					return out
				})
		}},
	{name: "ec2 DescribeVolumes", service: "ec2", typ: "volume", key: byID,
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := ec2.NewDescribeVolumesPaginator(ec2Client(endpoint, region), &ec2.DescribeVolumesInput{MaxResults: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeVolumesOutput, error) { return p.NextPage(ctx) },
				func(o *ec2.DescribeVolumesOutput) (out []string) {
					for _, v := range o.Volumes {
						out = append(out, aws.ToString(v.VolumeId))
					}
					return out
				})
		}},
	{name: "ec2 DescribeVpcs", service: "ec2", typ: "vpc", key: byID,
		extra: func(region string) []string { return []string{DefaultVPCID(testAccount, region)} },
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := ec2.NewDescribeVpcsPaginator(ec2Client(endpoint, region), &ec2.DescribeVpcsInput{MaxResults: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeVpcsOutput, error) { return p.NextPage(ctx) },
				func(o *ec2.DescribeVpcsOutput) (out []string) {
					for _, v := range o.Vpcs {
						out = append(out, aws.ToString(v.VpcId))
					}
					return out
				})
		}},
	{name: "rds DescribeDBInstances", service: "rds", typ: "db-instance", key: byID,
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := rds.NewDescribeDBInstancesPaginator(rdsClient(endpoint, region), &rds.DescribeDBInstancesInput{MaxRecords: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*rds.DescribeDBInstancesOutput, error) { return p.NextPage(ctx) },
				func(o *rds.DescribeDBInstancesOutput) (out []string) {
					for _, d := range o.DBInstances {
						out = append(out, aws.ToString(d.DBInstanceIdentifier))
					}
					return out
				})
		}},
	{name: "rds DescribeDBClusters", service: "rds", typ: "db-cluster", key: byID,
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := rds.NewDescribeDBClustersPaginator(rdsClient(endpoint, region), &rds.DescribeDBClustersInput{MaxRecords: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*rds.DescribeDBClustersOutput, error) { return p.NextPage(ctx) },
				func(o *rds.DescribeDBClustersOutput) (out []string) {
					for _, c := range o.DBClusters {
						out = append(out, aws.ToString(c.DBClusterIdentifier))
					}
					return out
				})
		}},
	{name: "lambda ListFunctions", service: "lambda", typ: "function", key: byID,
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := lambda.NewListFunctionsPaginator(lambdaClient(endpoint, region), &lambda.ListFunctionsInput{MaxItems: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*lambda.ListFunctionsOutput, error) { return p.NextPage(ctx) },
				func(o *lambda.ListFunctionsOutput) (out []string) {
					for _, f := range o.Functions {
						out = append(out, aws.ToString(f.FunctionName))
					}
					return out
				})
		}},
	{name: "dynamodb ListTables", service: "dynamodb", typ: "table", key: byID,
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := dynamodb.NewListTablesPaginator(dynamoClient(endpoint, region), &dynamodb.ListTablesInput{Limit: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*dynamodb.ListTablesOutput, error) { return p.NextPage(ctx) },
				func(o *dynamodb.ListTablesOutput) []string { return o.TableNames })
		}},
	{name: "ecs ListClusters", service: "ecs", typ: "cluster", key: byARN,
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := ecs.NewListClustersPaginator(ecsClient(endpoint, region), &ecs.ListClustersInput{MaxResults: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*ecs.ListClustersOutput, error) { return p.NextPage(ctx) },
				func(o *ecs.ListClustersOutput) []string { return o.ClusterArns })
		}},
	{name: "eks ListClusters", service: "eks", typ: "cluster", key: byID,
		list: func(ctx context.Context, endpoint, region string, page int32) ([]string, error) {
			p := eks.NewListClustersPaginator(eksClient(endpoint, region), &eks.ListClustersInput{MaxResults: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*eks.ListClustersOutput, error) { return p.NextPage(ctx) },
				func(o *eks.ListClustersOutput) []string { return o.Clusters })
		}},
	{name: "cloudfront ListDistributions", service: "cloudfront", typ: "distribution", global: true, key: byID,
		list: func(ctx context.Context, endpoint, _ string, page int32) ([]string, error) {
			p := cloudfront.NewListDistributionsPaginator(cloudfrontClient(endpoint), &cloudfront.ListDistributionsInput{MaxItems: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*cloudfront.ListDistributionsOutput, error) { return p.NextPage(ctx) },
				func(o *cloudfront.ListDistributionsOutput) (out []string) {
					for _, d := range o.DistributionList.Items {
						out = append(out, aws.ToString(d.Id))
					}
					return out
				})
		}},
	{name: "route53 ListHostedZones", service: "route53", typ: "hosted-zone", global: true, key: byID,
		list: func(ctx context.Context, endpoint, _ string, page int32) ([]string, error) {
			p := route53.NewListHostedZonesPaginator(route53Client(endpoint), &route53.ListHostedZonesInput{MaxItems: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*route53.ListHostedZonesOutput, error) { return p.NextPage(ctx) },
				func(o *route53.ListHostedZonesOutput) (out []string) {
					for _, z := range o.HostedZones {
						out = append(out, strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/"))
					}
					return out
				})
		}},
	{name: "iam ListUsers", service: "iam", typ: "user", global: true, key: byARN,
		list: func(ctx context.Context, endpoint, _ string, page int32) ([]string, error) {
			p := iam.NewListUsersPaginator(iamClient(endpoint), &iam.ListUsersInput{MaxItems: pageSize32(page)})
			return drain(ctx, p.HasMorePages, func(ctx context.Context) (*iam.ListUsersOutput, error) { return p.NextPage(ctx) },
				func(o *iam.ListUsersOutput) (out []string) {
					for _, u := range o.Users {
						out = append(out, aws.ToString(u.Arn))
					}
					return out
				})
		}},
}

// taggedARNs lists, through the Resource Groups Tagging API, the ARNs of the tagged resources of one
// region, narrowed to some resource types.
func taggedARNs(ctx context.Context, endpoint, region string, page int32, types ...string) ([]string, error) {
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(taggingClient(endpoint, region),
		&resourcegroupstaggingapi.GetResourcesInput{ResourcesPerPage: pageSize32(page), ResourceTypeFilters: types})
	return drain(ctx, p.HasMorePages, func(ctx context.Context) (*resourcegroupstaggingapi.GetResourcesOutput, error) {
		return p.NextPage(ctx)
	},
		func(o *resourcegroupstaggingapi.GetResourcesOutput) (out []string) {
			for _, m := range o.ResourceTagMappingList {
				out = append(out, aws.ToString(m.ResourceARN))
			}
			return out
		})
}
