package sandbox_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/sandbox"
)

// s3Client is an S3 client for key in region; pathStyle false addresses
// buckets virtual-hosted (bucket.localhost:port), which the client's dialer
// sends to the sandbox whatever the host.
func (w *world) s3(key, secret, token, region string, pathStyle bool) *s3.Client {
	cfg := w.cfg(key, secret, token)
	cfg.Region = region
	endpoint := w.url
	if !pathStyle {
		u, _ := url.Parse(w.url)
		endpoint = "http://localhost:" + u.Port()
		addr := u.Host
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}}
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = pathStyle
	})
}

// assumeMember assumes OrganizationAccountAccessRole in member from mgmt.
func (w *world) assumeMember(mgmt sandbox.AccountInfo, member string) (*sts.AssumeRoleOutput, error) {
	return w.sts(mgmt.AccessKeyID, mgmt.SecretAccessKey, "").AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("orgwizard")})
}

const trailPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"AclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::BUCKET"},
 {"Sid":"Write","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::BUCKET/AWSLogs/*",
  "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"arn:aws:cloudtrail:eu-west-1:MGMT:trail/org"}}},
 {"Sid":"WorkloadsWrite","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::WORKLOAD:root"},"Action":["s3:PutObject","s3:DeleteObject","s3:ListBucket"],"Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"]},
 {"Sid":"NoDeletes","Effect":"Deny","Principal":"*","Action":["s3:DeleteObject","s3:DeleteBucket"],"Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],
  "Condition":{"StringNotEquals":{"aws:PrincipalAccount":"LOGS"}}},
 {"Sid":"NoBucketDelete","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::BUCKET"}]}`

// TestS3AsMemberThroughAssumeRole drives the log bucket a baseline sets up:
// the management account assumes OrganizationAccountAccessRole in
// log-archive and configures a bucket there with the SDK, the calls acting
// as log-archive; the bucket policy then refuses deletions by others.
func TestS3AsMemberThroughAssumeRole(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt, logs, payments, legacy := w.account("acme"), w.account("log-archive"), w.account("payments-dev"), w.account("legacy-app")

	// An invited account has no OrganizationAccountAccessRole: AssumeRole is refused.
	_, err := w.assumeMember(mgmt, legacy.ID)
	wantCode(t, err, "AccessDenied")
	if !strings.Contains(err.Error(), "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::"+legacy.ID+":role/OrganizationAccountAccessRole") {
		t.Fatalf("AccessDenied message: %v", err)
	}
	// A member cannot assume into another member.
	_, err = w.assumeMember(payments, logs.ID)
	wantCode(t, err, "AccessDenied")

	ar, err := w.assumeMember(mgmt, logs.ID)
	if err != nil {
		t.Fatal(err)
	}
	cr := ar.Credentials
	id, err := w.sts(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Arn != "arn:aws:sts::"+logs.ID+":assumed-role/OrganizationAccountAccessRole/orgwizard" {
		t.Fatalf("GetCallerIdentity as the role: %v %+v", err, id)
	}
	// The session acts as log-archive in the other services too: its own alternate contact.
	asRole := account.NewFromConfig(w.cfg(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken), func(o *account.Options) { o.BaseEndpoint = aws.String(w.url) })
	if _, err := asRole.PutAlternateContact(ctx, &account.PutAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeOperations,
		EmailAddress: aws.String("ops@acme.example"), Name: aws.String("Ops"), PhoneNumber: aws.String("+1 555 0100"), Title: aws.String("SRE")}); err != nil {
		t.Fatal(err)
	}
	if got, err := w.accountSvc(logs).GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeOperations}); err != nil || *got.AlternateContact.Name != "Ops" {
		t.Fatalf("log-archive's own contact, set through the role: %v %+v", err, got)
	}
	for _, pathStyle := range []bool{true, false} {
		bucket := "acme-logs-" + logs.ID
		if !pathStyle {
			bucket += "-vh"
		}
		t.Run(map[bool]string{true: "path-style", false: "virtual-hosted"}[pathStyle], func(t *testing.T) {
			asLogs := w.s3(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken, "eu-west-1", pathStyle)
			if _, err := asLogs.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket,
				CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}}); err != nil {
				t.Fatal(err)
			}
			// The bucket is log-archive's: its own keys see it, the management account's do not.
			list, err := w.s3(logs.AccessKeyID, logs.SecretAccessKey, "", "eu-west-1", pathStyle).ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			for _, b := range list.Buckets {
				listed = listed || (*b.Name == bucket && *b.BucketRegion == "eu-west-1")
			}
			if !listed {
				t.Fatalf("log-archive's buckets miss %s: %+v", bucket, list.Buckets)
			}
			asMgmt := w.s3(mgmt.AccessKeyID, mgmt.SecretAccessKey, "", "eu-west-1", pathStyle)
			mine, err := asMgmt.ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range mine.Buckets {
				if *b.Name == bucket {
					t.Fatal("the management account lists log-archive's bucket")
				}
			}
			if _, err := asLogs.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket}); err != nil {
				t.Fatal(err)
			}
			loc, err := asLogs.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &bucket})
			if err != nil || loc.LocationConstraint != s3types.BucketLocationConstraintEuWest1 {
				t.Fatalf("GetBucketLocation: %v %+v", err, loc)
			}

			if _, err := asLogs.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &bucket,
				VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
				t.Fatal(err)
			}
			v, err := asLogs.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &bucket})
			if err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
				t.Fatalf("GetBucketVersioning: %v %+v", err, v)
			}

			_, err = asLogs.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
			wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
			yes := aws.Bool(true)
			if _, err := asLogs.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &bucket, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: yes, IgnorePublicAcls: yes, BlockPublicPolicy: yes, RestrictPublicBuckets: yes}}); err != nil {
				t.Fatal(err)
			}
			pab, err := asLogs.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
			if err != nil || !*pab.PublicAccessBlockConfiguration.BlockPublicPolicy || !*pab.PublicAccessBlockConfiguration.RestrictPublicBuckets {
				t.Fatalf("GetPublicAccessBlock: %v %+v", err, pab)
			}

			enc, err := asLogs.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bucket})
			if err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
				t.Fatalf("default encryption: %v %+v", err, enc)
			}
			_, err = asLogs.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &bucket, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
					SSEAlgorithm: s3types.ServerSideEncryptionAes256, KMSMasterKeyID: aws.String("alias/logs")}}}}})
			wantCode(t, err, "InvalidArgument")
			if _, err := asLogs.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &bucket, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{BucketKeyEnabled: yes, ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
					SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/logs")}}}}}); err != nil {
				t.Fatal(err)
			}
			enc, err = asLogs.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bucket})
			if err != nil || *enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID != "alias/logs" {
				t.Fatalf("GetBucketEncryption: %v %+v", err, enc)
			}

			_, err = asLogs.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &bucket})
			wantCode(t, err, "NoSuchLifecycleConfiguration")
			_, err = asLogs.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &bucket, LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{
				Rules: []s3types.LifecycleRule{{ID: aws.String("retention"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")}}}}})
			wantCode(t, err, "InvalidRequest")
			if _, err := asLogs.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &bucket, LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{
				Rules: []s3types.LifecycleRule{{ID: aws.String("retention"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
					Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(365)}, NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(365)}}}}}); err != nil {
				t.Fatal(err)
			}
			lc, err := asLogs.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &bucket})
			if err != nil || len(lc.Rules) != 1 || *lc.Rules[0].Expiration.Days != 365 || *lc.Rules[0].ID != "retention" {
				t.Fatalf("GetBucketLifecycleConfiguration: %v %+v", err, lc)
			}

			_, err = asLogs.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: aws.String("not json")})
			wantCode(t, err, "MalformedPolicy")
			_, err = asLogs.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: aws.String(
				`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::someone-else/*"}]}`)})
			wantCode(t, err, "MalformedPolicy")
			// Public access blocked: a policy open to anyone is refused.
			_, err = asLogs.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: aws.String(
				`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`)})
			wantCode(t, err, "AccessDenied")
			_, err = asLogs.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
			wantCode(t, err, "NoSuchBucketPolicy")
			policy := strings.NewReplacer("BUCKET", bucket, "MGMT", mgmt.ID, "WORKLOAD", payments.ID, "LOGS", logs.ID).Replace(trailPolicy)
			if _, err := asLogs.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy}); err != nil {
				t.Fatal(err)
			}
			got, err := asLogs.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
			if err != nil || *got.Policy != policy {
				t.Fatalf("GetBucketPolicy: %v", err)
			}

			// A workload account may write (the policy allows it) but not delete.
			asPayments := w.s3(payments.AccessKeyID, payments.SecretAccessKey, "", "eu-west-1", pathStyle)
			for _, key := range []string{"AWSLogs/a.json.gz", "AWSLogs/b.json.gz", "AWSLogs/sub/c.json.gz", "top.txt"} {
				if _, err := asPayments.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(key), Body: strings.NewReader("{}")}); err != nil {
					t.Fatalf("PutObject %s: %v", key, err)
				}
			}
			_, err = asPayments.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String("top.txt")})
			wantCode(t, err, "AccessDenied")
			_, err = asPayments.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
			wantCode(t, err, "AccessDenied")
			// The management account is another account the policy does not let in.
			_, err = asMgmt.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &bucket})
			wantCode(t, err, "AccessDenied")
			// The owner may delete an object, never the bucket.
			if _, err := asLogs.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String("top.txt")}); err != nil {
				t.Fatal(err)
			}
			_, err = asLogs.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
			wantCode(t, err, "AccessDenied")

			objs, err := asLogs.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("AWSLogs/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)})
			if err != nil || len(objs.Contents) != 1 || *objs.Contents[0].Key != "AWSLogs/a.json.gz" || !*objs.IsTruncated {
				t.Fatalf("ListObjectsV2 first page: %v %+v", err, objs)
			}
			var keys []string
			p := s3.NewListObjectsV2Paginator(asLogs, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("AWSLogs/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range page.Contents {
					keys = append(keys, *o.Key)
				}
				for _, cp := range page.CommonPrefixes {
					keys = append(keys, *cp.Prefix)
				}
			}
			if strings.Join(keys, ",") != "AWSLogs/a.json.gz,AWSLogs/b.json.gz,AWSLogs/sub/" {
				t.Fatalf("listed %v", keys)
			}
			// Another region's endpoint is redirected to the bucket's.
			_, err = w.s3(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken, "us-west-2", pathStyle).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &bucket})
			wantCode(t, err, "PermanentRedirect")
		})
	}
}

// TestS3CreateBucketRules covers the namespace shared by every account,
// AWS's naming rules and the location constraint's.
func TestS3CreateBucketRules(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt, logs := w.account("acme"), w.account("log-archive")
	east := w.s3(logs.AccessKeyID, logs.SecretAccessKey, "", "us-east-1", true)
	if _, err := east.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-shared-name")}); err != nil {
		t.Fatal(err)
	}
	// us-east-1 answers its owner's second CreateBucket with success; elsewhere it is BucketAlreadyOwnedByYou.
	if _, err := east.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-shared-name")}); err != nil {
		t.Fatalf("second CreateBucket in us-east-1: %v", err)
	}
	eu := w.s3(logs.AccessKeyID, logs.SecretAccessKey, "", "eu-west-1", true)
	if _, err := eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-eu-name"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	_, err := eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-eu-name"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	wantErr[*s3types.BucketAlreadyOwnedByYou](t, err)
	_, err = w.s3(mgmt.AccessKeyID, mgmt.SecretAccessKey, "", "us-east-1", true).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-shared-name")})
	wantErr[*s3types.BucketAlreadyExists](t, err)

	for _, name := range []string{"ab", "Upper-case", "-leading", "trailing-", "two..dots", "192.168.5.4", "xn--punycode", "sthree-x", "name-s3alias", "under_score", strings.Repeat("a", 64)} {
		_, err := east.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
		wantCode(t, err, "InvalidBucketName")
	}
	_, err = eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-no-constraint")})
	wantCode(t, err, "IllegalLocationConstraintException")
	_, err = eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-other-constraint"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-central-1"}})
	wantCode(t, err, "IllegalLocationConstraintException")
	_, err = east.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acme-explicit-east"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	wantCode(t, err, "InvalidLocationConstraint")
	_, err = east.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("acme-nobody-has-this")})
	wantErr[*s3types.NotFound](t, err)
	_, err = east.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("acme-nobody-has-this")})
	wantCode(t, err, "NoSuchBucket")

	// The call record names S3's operations.
	found := false
	for _, c := range w.sb.Calls() {
		if c.Service == "s3" && c.Operation == "CreateBucket" && c.Outcome == "BucketAlreadyExists" && c.Account == mgmt.ID {
			found = true
		}
	}
	if !found {
		t.Fatal("the call record has no refused CreateBucket")
	}
}

// TestS3ReadsOfSettingsNeverSet: the settings the sandbox does not let
// anyone set read through the SDK as S3 answers them for a bucket where they
// were never set (the hashicorp/aws provider's aws_s3_bucket reads each):
// the owner's FULL_CONTROL grant, no CORS, website, replication or Object
// Lock configuration, logging off, acceleration never set, the owner
// paying. The bucket's region and policy apply as to every read, and the
// settings themselves still cannot be put.
func TestS3ReadsOfSettingsNeverSet(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt, logs := w.account("acme"), w.account("log-archive")
	eu := w.s3(logs.AccessKeyID, logs.SecretAccessKey, "", "eu-west-1", true)
	const bucket = "acme-never-set"
	b := aws.String(bucket)
	if _, err := eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b,
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	list, err := eu.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	acl, err := eu.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil {
		t.Fatalf("GetBucketAcl: %v", err)
	}
	if acl.Owner == nil || *acl.Owner.ID != *list.Owner.ID || len(acl.Grants) != 1 || acl.Grants[0].Permission != s3types.PermissionFullControl ||
		*acl.Grants[0].Grantee.ID != *list.Owner.ID || acl.Grants[0].Grantee.Type != s3types.TypeCanonicalUser {
		t.Fatalf("GetBucketAcl: owner %+v, grants %+v; want the owner %s with FULL_CONTROL", acl.Owner, acl.Grants, *list.Owner.ID)
	}
	_, err = eu.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	wantCode(t, err, "NoSuchCORSConfiguration")
	_, err = eu.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	wantCode(t, err, "NoSuchWebsiteConfiguration")
	_, err = eu.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
	wantCode(t, err, "ReplicationConfigurationNotFoundError")
	_, err = eu.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
	wantCode(t, err, "ObjectLockConfigurationNotFoundError")
	logging, err := eu.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b})
	if err != nil || logging.LoggingEnabled != nil {
		t.Fatalf("GetBucketLogging: %v %+v", err, logging)
	}
	acc, err := eu.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: b})
	if err != nil || acc.Status != "" {
		t.Fatalf("GetBucketAccelerateConfiguration: %v %+v", err, acc)
	}
	pay, err := eu.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})
	if err != nil || pay.Payer != s3types.PayerBucketOwner {
		t.Fatalf("GetBucketRequestPayment: %v %+v", err, pay)
	}

	// Another account without the policy's Allow, the wrong region, no bucket.
	_, err = w.s3(mgmt.AccessKeyID, mgmt.SecretAccessKey, "", "eu-west-1", true).GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	wantCode(t, err, "AccessDenied")
	_, err = w.s3(logs.AccessKeyID, logs.SecretAccessKey, "", "us-east-1", true).GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})
	wantCode(t, err, "PermanentRedirect")
	_, err = eu.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("acme-nobody-has-this")})
	wantCode(t, err, "NoSuchBucket")
	// Setting them is not served: the reads stay true.
	_, err = eu.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: s3types.BucketCannedACLPublicRead})
	wantCode(t, err, "NotImplemented")
	_, err = eu.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: b,
		RequestPaymentConfiguration: &s3types.RequestPaymentConfiguration{Payer: s3types.PayerRequester}})
	wantCode(t, err, "NotImplemented")
}
