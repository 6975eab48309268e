package inventory_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/internal/moto"
)

// moto is a second, independent AWS: the sweep must find, through the same
// SDK calls, what was created there with the SDK in two regions.
func TestSweepAgainstMoto(t *testing.T) {
	url := moto.URL(t)
	moto.Env(t, url)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []seeded
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		want = append(want, seed(t, ctx, cfg, region)...)
	}

	clients := inventory.NewClients(cfg)
	t.Cleanup(clients.Close)
	res, err := inventory.New(clients, inventory.Options{}).Sweep(ctx, "123456789012")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Regions) < 2 {
		t.Fatalf("moto's DescribeRegions gave %v", res.Regions)
	}
	// moto lists cn-* and us-gov-* regions too; credentials of the aws
	// partition cannot read them.
	for _, r := range res.Regions {
		if inventory.Partition(r) != "aws" {
			t.Errorf("swept %s, a region of partition %s, with credentials of us-east-1's", r, inventory.Partition(r))
		}
	}
	for _, w := range want {
		found := false
		for _, it := range res.Items {
			if it.Region == w.region && it.Service == w.service && it.Type == w.typ && (it.Name == w.name || it.ID == w.name) && it.Source == inventory.SourceSweep {
				found = true
			}
		}
		if !found {
			t.Errorf("not found: %+v", w)
		}
	}
	for _, p := range res.Problems {
		// moto does not implement every service (Resource Explorer among
		// them); what it lacks is reported, never fatal.
		t.Logf("problem (reported, not fatal): %s/%s %s: %v", p.Region, p.Service, p.Kind, p.Err)
	}
	if t.Failed() {
		for _, it := range res.Items {
			t.Logf("item %+v", it)
		}
	}
}

// seed creates, in one region, an EC2 instance (with its root volume), an S3
// bucket, an RDS instance, a DynamoDB table and a Lambda function.
// seeded is one resource the test created, as the sweep should report it.
type seeded struct{ region, service, typ, name string }

func seed(t *testing.T, ctx context.Context, cfg aws.Config, region string) []seeded {
	t.Helper()
	cfg = cfg.Copy()
	cfg.Region = region
	var out []seeded

	e := ec2.NewFromConfig(cfg)
	images, err := e.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil || len(images.Images) == 0 {
		t.Fatalf("moto has no AMI in %s: %v", region, err)
	}
	name := "web-" + region
	run, err := e.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: images.Images[0].ImageId, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro,
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
			Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}}})
	if err != nil {
		t.Fatalf("RunInstances in %s: %v", region, err)
	}
	out = append(out, seeded{region, "ec2", "instance", name}, seeded{region, "ec2", "instance", aws.ToString(run.Instances[0].InstanceId)})

	bucket := "assets-" + region
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, in); err != nil {
		t.Fatalf("CreateBucket in %s: %v", region, err)
	}
	out = append(out, seeded{region, "s3", "bucket", bucket})

	db := "orders-" + region
	if _, err := rds.NewFromConfig(cfg).CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(db),
		DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"), AllocatedStorage: aws.Int32(20),
		MasterUsername: aws.String("shop"), MasterUserPassword: aws.String("not-a-secret-1")}); err != nil {
		t.Fatalf("CreateDBInstance in %s: %v", region, err)
	}
	out = append(out, seeded{region, "rds", "db-instance", db})

	table := "sessions-" + region
	if _, err := dynamodb.NewFromConfig(cfg).CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest}); err != nil {
		t.Fatalf("CreateTable in %s: %v", region, err)
	}
	out = append(out, seeded{region, "dynamodb", "table", table})

	// Lambda wants an existing role and a zip.
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fn-" + region),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, _ := zw.Create("index.py")
	fmt.Fprint(f, "def handler(event, context):\n    return 'ok'\n")
	zw.Close()
	fn := "resizer-" + region
	if _, err := lambda.NewFromConfig(cfg).CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(fn),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"), Role: role.Role.Arn,
		Code: &lambdatypes.FunctionCode{ZipFile: buf.Bytes()}}); err != nil {
		t.Fatalf("CreateFunction in %s: %v", region, err)
	}
	out = append(out, seeded{region, "lambda", "function", fn})
	return out
}
