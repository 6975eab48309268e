package sandbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// orgTrailPolicy is AWS's documented bucket policy for an organization trail:
// CloudTrail may read the bucket's ACL and write under AWSLogs/<management
// account>/ and AWSLogs/<organization id>/, for the trail trailARN only.
func orgTrailPolicy(bucket, mgmt, orgID, trailARN string, withOrgPath bool) string {
	resources := fmt.Sprintf(`"arn:aws:s3:::%s/AWSLogs/%s/*"`, bucket, mgmt)
	if withOrgPath {
		resources = fmt.Sprintf(`[%s, "arn:aws:s3:::%s/AWSLogs/%s/*"]`, resources, bucket, orgID)
	}
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
 {"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl",
  "Resource":"arn:aws:s3:::%[1]s","Condition":{"StringEquals":{"aws:SourceArn":"%[2]s"}}},
 {"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
  "Resource":%[3]s,"Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"%[2]s"}}}]}`, bucket, trailARN, resources)
}

// TestCloudTrailOrganizationTrail creates the organization trail the way
// apply does, each step first tried too early, then logs and finds the log
// file in the log archive's bucket.
func TestCloudTrailOrganizationTrail(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	w := newWorld(t, sandbox.Config{Scenario: "existing-org", Now: clk.Now})
	ctx := context.Background()
	mgmt, logs, member := w.account("acme"), w.account("log-archive"), w.account("payments-dev")
	ct := w.cloudtrail(mgmt, "eu-west-1")
	const bucket = "acme-org-trail-logs"
	trailARN := "arn:aws:cloudtrail:eu-west-1:" + mgmt.ID + ":trail/org-trail"
	orgID := mgmt.OrganizationID
	create := func(c *cloudtrail.Client, name string) (*cloudtrail.CreateTrailOutput, error) {
		return c.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String(bucket),
			IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true)})
	}

	_, err := create(w.cloudtrail(member, "eu-west-1"), "org-trail")
	wantAPIError(t, "an organization trail from a member", err, "NotOrganizationMasterAccountException", "management account")
	_, err = create(w.cloudtrail(w.account("acme-partner"), "eu-west-1"), "org-trail")
	wantAPIError(t, "an organization trail outside an organization", err, "OrganizationsNotInUseException", "not in an organization")
	_, err = create(ct, "org-trail")
	wantAPIError(t, "an organization trail before trusted access", err, "CloudTrailAccessNotEnabledException", "cloudtrail.amazonaws.com")
	w.trust("cloudtrail.amazonaws.com")
	_, err = create(ct, "org-trail")
	wantAPIError(t, "a trail before its bucket", err, "S3BucketDoesNotExistException", bucket)

	// The bucket is log-archive's, set up as apply does: through OrganizationAccountAccessRole.
	ar, err := w.assumeMember(mgmt, logs.ID)
	if err != nil {
		t.Fatal(err)
	}
	s3l := w.s3(*ar.Credentials.AccessKeyId, *ar.Credentials.SecretAccessKey, *ar.Credentials.SessionToken, "eu-west-1", true)
	if _, err := s3l.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	_, err = create(ct, "org-trail")
	wantAPIError(t, "a trail before its bucket policy", err, "InsufficientS3BucketPolicyException", bucket, "s3:GetBucketAcl")
	put := func(policy string) {
		t.Helper()
		if _, err := s3l.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
			t.Fatalf("PutBucketPolicy: %v", err)
		}
	}
	put(orgTrailPolicy(bucket, mgmt.ID, orgID, trailARN, false))
	_, err = create(ct, "org-trail")
	wantAPIError(t, "an organization trail whose policy lacks AWSLogs/<organization id>/", err, "InsufficientS3BucketPolicyException", "AWSLogs/"+orgID+"/")
	put(orgTrailPolicy(bucket, mgmt.ID, orgID, trailARN, true))
	_, err = create(ct, "other-trail")
	wantAPIError(t, "a trail the policy's aws:SourceArn does not name", err, "InsufficientS3BucketPolicyException", "other-trail")

	out, err := create(ct, "org-trail")
	if err != nil {
		t.Fatalf("CreateTrail: %v", err)
	}
	if *out.TrailARN != trailARN || !*out.IsOrganizationTrail || !*out.IsMultiRegionTrail || !*out.LogFileValidationEnabled || *out.S3BucketName != bucket {
		t.Fatalf("CreateTrail: %+v", out)
	}
	_, err = create(ct, "org-trail")
	wantAPIError(t, "CreateTrail again", err, "TrailAlreadyExistsException", "org-trail")
	_, err = create(ct, "bad..name")
	wantAPIError(t, "CreateTrail with a bad name", err, "InvalidTrailNameException", "bad..name")

	got, err := ct.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String("org-trail")})
	if err != nil || *got.Trail.HomeRegion != "eu-west-1" || !*got.Trail.IsOrganizationTrail {
		t.Fatalf("GetTrail: %v %+v", err, got)
	}
	_, err = ct.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String("nothing")})
	wantAPIError(t, "GetTrail of no trail", err, "TrailNotFoundException", "nothing")

	// Every member sees the organization trail, in every region (a multi-region trail).
	mct := w.cloudtrail(member, "us-east-1")
	d, err := mct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil || len(d.TrailList) != 1 || *d.TrailList[0].TrailARN != trailARN {
		t.Fatalf("DescribeTrails from a member: %v %+v", err, d)
	}
	d, err = mct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
	if err != nil || len(d.TrailList) != 0 {
		t.Fatalf("DescribeTrails without shadow trails: %v %+v", err, d)
	}
	_, err = mct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(trailARN)})
	wantAPIError(t, "StartLogging from a member", err, "NotOrganizationMasterAccountException", mgmt.ID)

	st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
	if err != nil || *st.IsLogging || st.LatestDeliveryTime != nil {
		t.Fatalf("GetTrailStatus before StartLogging: %v %+v", err, st)
	}
	_, err = w.cloudtrail(mgmt, "us-east-1").StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("org-trail")})
	wantAPIError(t, "StartLogging outside the home region", err, "InvalidHomeRegionException", "eu-west-1")
	if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("org-trail")}); err != nil {
		t.Fatalf("StartLogging: %v", err)
	}
	st, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
	if err != nil || !*st.IsLogging || st.LatestDeliveryTime == nil || !st.LatestDeliveryTime.Equal(clk.Now()) || st.StartLoggingTime == nil {
		t.Fatalf("GetTrailStatus after StartLogging: %v %+v", err, st)
	}
	objects := func() []string {
		t.Helper()
		l, err := s3l.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("AWSLogs/")})
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		var keys []string
		for _, o := range l.Contents {
			keys = append(keys, *o.Key)
		}
		return keys
	}
	keys := objects()
	prefix := "AWSLogs/" + orgID + "/" + mgmt.ID + "/CloudTrail/eu-west-1/2026/03/04/" + mgmt.ID + "_CloudTrail_eu-west-1_20260304T0506Z_"
	if len(keys) != 1 || !strings.HasPrefix(keys[0], prefix) || !strings.HasSuffix(keys[0], ".json.gz") {
		t.Fatalf("log files after StartLogging: %v, want one under %s", keys, prefix)
	}

	// A log file about every five minutes while it logs.
	clk.advance(4 * time.Minute)
	if _, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")}); err != nil || len(objects()) != 1 {
		t.Fatalf("log files after 4 minutes: %v %v", err, objects())
	}
	clk.advance(time.Minute)
	st, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
	if err != nil || len(objects()) != 2 || !st.LatestDeliveryTime.Equal(clk.Now()) {
		t.Fatalf("log files after 5 minutes: %v %v %+v", err, objects(), st)
	}

	// A bucket whose policy no longer lets CloudTrail in: the delivery fails and the status says so.
	if _, err := s3l.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	clk.advance(5 * time.Minute)
	st, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
	if err != nil || st.LatestDeliveryError == nil || *st.LatestDeliveryError != "AccessDenied" || len(objects()) != 2 {
		t.Fatalf("GetTrailStatus after the policy went: %v %+v", err, st)
	}
	_, err = ct.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String("org-trail"), S3KeyPrefix: aws.String("org")})
	wantAPIError(t, "UpdateTrail into a bucket without policy", err, "InsufficientS3BucketPolicyException", bucket)
	up, err := ct.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String("org-trail"), EnableLogFileValidation: aws.Bool(false)})
	if err != nil || *up.LogFileValidationEnabled || !*up.IsOrganizationTrail {
		t.Fatalf("UpdateTrail: %v %+v", err, up)
	}
	_, err = mct.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String(trailARN), EnableLogFileValidation: aws.Bool(true)})
	wantAPIError(t, "UpdateTrail from a member", err, "NotOrganizationMasterAccountException", mgmt.ID)

	if _, err := ct.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("org-trail")}); err != nil {
		t.Fatalf("StopLogging: %v", err)
	}
	st, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
	if err != nil || *st.IsLogging || st.StopLoggingTime == nil {
		t.Fatalf("GetTrailStatus after StopLogging: %v %+v", err, st)
	}
	for _, op := range []string{"CreateTrail", "DescribeTrails", "GetTrail", "UpdateTrail", "StartLogging", "StopLogging", "GetTrailStatus"} {
		if !w.recorded("cloudtrail", op, "ok") {
			t.Errorf("the call record has no successful cloudtrail %s", op)
		}
	}
	if !w.recorded("cloudtrail", "CreateTrail", "InsufficientS3BucketPolicyException") {
		t.Error("the call record has no CreateTrail refused for its bucket policy")
	}
}

// TestCloudTrailAccountTrail: a trail of one account in one region, its limits and names.
func TestCloudTrailAccountTrail(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	ctx := context.Background()
	acme := w.account("acme")
	ct := w.cloudtrail(acme, "us-east-1")
	const bucket = "acme-trail"
	if _, err := w.s3(acme.AccessKeyID, acme.SecretAccessKey, "", "us-east-1", true).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::%[1]s"},
 {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/AWSLogs/%[2]s/*",
  "Condition":{"StringEquals":{"aws:SourceAccount":"%[2]s"}}}]}`, bucket, acme.ID)
	if _, err := w.s3(acme.AccessKeyID, acme.SecretAccessKey, "", "us-east-1", true).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		out, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(fmt.Sprintf("trail-%d", i)), S3BucketName: aws.String(bucket)})
		if err != nil {
			t.Fatalf("CreateTrail %d: %v", i, err)
		}
		if *out.IsMultiRegionTrail || *out.IsOrganizationTrail || *out.LogFileValidationEnabled || !*out.IncludeGlobalServiceEvents {
			t.Fatalf("CreateTrail's defaults: %+v", out)
		}
	}
	_, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("trail-6"), S3BucketName: aws.String(bucket)})
	wantAPIError(t, "a sixth trail in a region", err, "MaximumNumberOfTrailsExceededException", "5 trails")
	// A single-region trail is seen in its home region only.
	d, err := w.cloudtrail(acme, "eu-west-1").DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil || len(d.TrailList) != 0 {
		t.Fatalf("DescribeTrails in another region: %v %+v", err, d)
	}
	d, err = ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{"trail-1", "arn:aws:cloudtrail:us-east-1:" + acme.ID + ":trail/trail-2"}})
	if err != nil || len(d.TrailList) != 2 {
		t.Fatalf("DescribeTrails by name and ARN: %v %+v", err, d)
	}
	_, err = ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("x"), S3BucketName: aws.String(bucket)})
	wantAPIError(t, "CreateTrail with a name too short", err, "InvalidTrailNameException", "3-128")
	_, err = ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("10.0.0.1"), S3BucketName: aws.String(bucket)})
	wantAPIError(t, "CreateTrail named like an IP address", err, "InvalidTrailNameException", "10.0.0.1")
}

// TestCloudTrailAcceptsOrgwizardsBucketPolicy: the log bucket policy apply
// writes (orgmodel.LogBucketPolicy) lets the sandbox's CloudTrail create the
// organization trail and deliver into log-archive's bucket.
func TestCloudTrailAcceptsOrgwizardsBucketPolicy(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, logs := w.account("acme"), w.account("log-archive")
	const region = "eu-west-1"
	bucket := orgmodel.LogBucketName(logs.ID, mgmt.OrganizationID)
	trailARN := orgmodel.TrailARN(region, mgmt.ID)
	w.trust("cloudtrail.amazonaws.com")
	ar, err := w.assumeMember(mgmt, logs.ID)
	if err != nil {
		t.Fatal(err)
	}
	s3l := w.s3(*ar.Credentials.AccessKeyId, *ar.Credentials.SecretAccessKey, *ar.Credentials.SessionToken, region, true)
	// existing-org's partial baseline has the bucket, and a one-account
	// trail of orgwizard's name that is not logging.
	if _, err := s3l.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}}); err == nil || !strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") {
		t.Fatalf("CreateBucket of existing-org's log bucket: %v, want BucketAlreadyOwnedByYou", err)
	}
	policy := orgmodel.LogBucketPolicy(bucket, mgmt.OrganizationID, mgmt.ID, logs.ID, trailARN, region)
	if _, err := s3l.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatalf("PutBucketPolicy: %v", err)
	}
	ct := w.cloudtrail(mgmt, region)
	out, err := ct.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String(orgmodel.TrailName), S3BucketName: aws.String(bucket),
		IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true)})
	if err != nil || *out.TrailARN != trailARN || !*out.IsOrganizationTrail {
		t.Fatalf("UpdateTrail to an organization trail with orgwizard's bucket policy: %v %+v", err, out)
	}
	if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(orgmodel.TrailName)}); err != nil {
		t.Fatal(err)
	}
	st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(orgmodel.TrailName)})
	if err != nil || !*st.IsLogging || st.LatestDeliveryTime == nil || st.LatestDeliveryError != nil {
		t.Fatalf("GetTrailStatus: %v %+v", err, st)
	}
	l, err := s3l.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil || len(l.Contents) != 1 || !strings.HasPrefix(*l.Contents[0].Key, "AWSLogs/"+mgmt.OrganizationID+"/"+mgmt.ID+"/CloudTrail/") {
		t.Fatalf("the log file in log-archive's bucket: %v %+v", err, l)
	}
}

// TestCloudTrailListTags: ListTags answers each trail's tags by ARN (the
// hashicorp/aws provider reads an aws_cloudtrail's tags with it), an empty
// list for a trail without tags, and AWS's errors for what is not a trail's
// ARN or is no trail the caller sees.
func TestCloudTrailListTags(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	acme, other := w.account("acme"), w.account("acme-partner")
	ct := w.cloudtrail(acme, "us-east-1")
	const bucket = "acme-tagged-trail"
	s3c := w.s3(acme.AccessKeyID, acme.SecretAccessKey, "", "us-east-1", true)
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::%[1]s"},
 {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/AWSLogs/%[2]s/*"}]}`, bucket, acme.ID)
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	tagged, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("tagged"), S3BucketName: aws.String(bucket),
		TagsList: []cttypes.Tag{{Key: aws.String("team"), Value: aws.String("security")}, {Key: aws.String("cost-center"), Value: aws.String("sec")}}})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("plain"), S3BucketName: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ct.ListTags(ctx, &cloudtrail.ListTagsInput{ResourceIdList: []string{*tagged.TrailARN, *plain.TrailARN}})
	if err != nil {
		t.Fatalf("ListTags: %v", err)
	}
	var got []string
	for _, r := range out.ResourceTagList {
		var tags []string
		for _, tg := range r.TagsList {
			tags = append(tags, *tg.Key+"="+*tg.Value)
		}
		got = append(got, *r.ResourceId+" ["+strings.Join(tags, " ")+"]")
	}
	want := []string{*tagged.TrailARN + " [cost-center=sec team=security]", *plain.TrailARN + " []"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("ListTags answered\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, err = ct.ListTags(ctx, &cloudtrail.ListTagsInput{ResourceIdList: []string{"tagged"}})
	wantAPIError(t, "ListTags of a name, not an ARN", err, "CloudTrailARNInvalidException", "tagged")
	_, err = ct.ListTags(ctx, &cloudtrail.ListTagsInput{ResourceIdList: []string{"arn:aws:cloudtrail:us-east-1:" + acme.ID + ":trail/nothing"}})
	wantAPIError(t, "ListTags of no trail", err, "ResourceNotFoundException", "trail/nothing")
	_, err = w.cloudtrail(other, "us-east-1").ListTags(ctx, &cloudtrail.ListTagsInput{ResourceIdList: []string{*tagged.TrailARN}})
	wantAPIError(t, "ListTags of another account's trail", err, "ResourceNotFoundException", "trail/tagged")
	if !w.recorded("cloudtrail", "ListTags", "ok") {
		t.Error("the call record has no successful cloudtrail ListTags")
	}
}
