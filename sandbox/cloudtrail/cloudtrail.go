// Package cloudtrail is the sandbox's AWS CloudTrail (awsJson1_1): trails,
// single- or multi-region, and organization trails, which only the
// management account creates and only once Organizations trusts
// cloudtrail.amazonaws.com. A trail's bucket must exist and its policy must
// let CloudTrail write for this trail, as at AWS; a trail that logs delivers
// log objects into it through S3 (Buckets), about every five minutes.
package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

const (
	servicePrincipal = "cloudtrail.amazonaws.com"
	// ServicePrincipal is the principal an organization trail needs trusted access for.
	ServicePrincipal = servicePrincipal
	// maxTrailsPerRegion is AWS's limit of trails per account and region (a multi-region trail counts in each).
	maxTrailsPerRegion = 5
	// DeliveryInterval is how often a logging trail delivers a log file.
	DeliveryInterval = 5 * time.Minute
)

// State is CloudTrail's part of the sandbox state.
type State struct {
	Trails []*Trail `json:"trails,omitempty"`
}

// Trail is one trail, kept in its home region.
type Trail struct {
	Name                       string            `json:"name"`
	Account                    string            `json:"account"`
	HomeRegion                 string            `json:"homeRegion"`
	S3BucketName               string            `json:"s3BucketName"`
	S3KeyPrefix                string            `json:"s3KeyPrefix,omitempty"`
	IncludeGlobalServiceEvents bool              `json:"includeGlobalServiceEvents"`
	IsMultiRegionTrail         bool              `json:"isMultiRegionTrail"`
	IsOrganizationTrail        bool              `json:"isOrganizationTrail"`
	OrgID                      string            `json:"organizationId,omitempty"`
	LogFileValidationEnabled   bool              `json:"logFileValidationEnabled"`
	Tags                       map[string]string `json:"tags,omitempty"`
	CreatedAt                  time.Time         `json:"createdAt"`

	IsLogging                      bool      `json:"isLogging"`
	StartLoggingTime               time.Time `json:"startLoggingTime,omitzero"`
	StopLoggingTime                time.Time `json:"stopLoggingTime,omitzero"`
	LatestDeliveryTime             time.Time `json:"latestDeliveryTime,omitzero"`
	LatestDeliveryAttemptTime      time.Time `json:"latestDeliveryAttemptTime,omitzero"`
	LatestDeliveryError            string    `json:"latestDeliveryError,omitempty"`
	LatestDigestDeliveryTime       time.Time `json:"latestDigestDeliveryTime,omitzero"`
	LatestDeliveryAttemptSucceeded bool      `json:"latestDeliveryAttemptSucceeded,omitempty"`
}

// ARN is the trail's ARN.
func (t *Trail) ARN() string {
	return "arn:aws:cloudtrail:" + t.HomeRegion + ":" + t.Account + ":trail/" + t.Name
}

// Writer is CloudTrail writing into a bucket on a trail's behalf: S3
// evaluates the bucket policy with this principal and the conditions AWS
// sets on its requests.
type Writer struct {
	Service       string // cloudtrail.amazonaws.com
	SourceAccount string // the trail's owner
	SourceArn     string // the trail
	SourceOrgID   string // the organization of an organization trail
	ACL           string // bucket-owner-full-control
}

// Buckets is what CloudTrail needs of S3.
type Buckets interface {
	// Allows checks that the bucket's policy lets w run action
	// (s3:GetBucketAcl, s3:PutObject) on the bucket, or on key in it: nil,
	// or S3's NoSuchBucket or AccessDenied.
	Allows(w Writer, bucket, action, key string) *core.Error
	// Deliver writes an object as w when the policy allows it.
	Deliver(w Writer, bucket, key string, data []byte, now time.Time) *core.Error
}

// Env is what CloudTrail asks of the rest of the sandbox.
type Env interface {
	OrgOf(account string) (core.Org, bool)
	TrustedAccess(orgID, principal string) bool
}

// Service answers CloudTrail's calls over its state.
type Service struct {
	st      *State
	env     Env
	buckets Buckets
}

// New builds the service over st.
func New(st *State, env Env, buckets Buckets) *Service {
	return &Service{st: st, env: env, buckets: buckets}
}

var ops = []string{"CreateTrail", "DescribeTrails", "GetTrail", "UpdateTrail", "StartLogging", "StopLogging", "GetTrailStatus", "ListTags"}

// Known says whether op is served, for the call record.
func Known(op string) bool { return slices.Contains(ops, op) }

type input struct {
	Name                       string
	S3BucketName               *string
	S3KeyPrefix                *string
	IncludeGlobalServiceEvents *bool
	IsMultiRegionTrail         *bool
	EnableLogFileValidation    *bool
	IsOrganizationTrail        *bool
	TagsList                   []struct{ Key, Value string }
	TrailNameList              []string `json:"trailNameList"`
	IncludeShadowTrails        *bool    `json:"includeShadowTrails"`
	ResourceIDList             []string `json:"ResourceIdList"`
}

func errf(code, format string, args ...any) *core.Error { return core.Errf(code, format, args...) }

// Serve answers one call: the answer, whether the state changed, or an error.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
	var in input
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, false, errf("SerializationException", "The request body is not valid JSON: %v", err)
		}
	}
	switch op {
	case "CreateTrail":
		return s.create(c, &in, now)
	case "UpdateTrail":
		return s.update(c, &in, now)
	case "DescribeTrails":
		return s.describe(c, &in)
	case "GetTrail":
		t, err := s.find(c, in.Name)
		if err != nil {
			return nil, false, err
		}
		return map[string]any{"Trail": s.out(t)}, false, nil
	case "StartLogging":
		return s.setLogging(c, &in, true, now)
	case "StopLogging":
		return s.setLogging(c, &in, false, now)
	case "GetTrailStatus":
		return s.status(c, &in, now)
	case "ListTags":
		return s.listTags(c, &in)
	}
	return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "UnknownOperationException", Message: "The sandbox does not serve CloudTrail's " + op}
}

var (
	namePattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$`)
	adjacentPattern = regexp.MustCompile(`[._-]{2}`)
	ipPattern       = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
	bucketPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

func validName(name string) *core.Error {
	if !namePattern.MatchString(name) || adjacentPattern.MatchString(name) || ipPattern.MatchString(name) {
		return errf("InvalidTrailNameException", "Trail name %q is not valid: use 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit, without two of '.', '_', '-' side by side.", name)
	}
	return nil
}

// owned is the caller's trail named name that applies in region: its home
// region's, or a multi-region trail's.
func (s *Service) owned(account, region, name string) *Trail {
	for _, t := range s.st.Trails {
		if t.Account == account && t.Name == name && (t.HomeRegion == region || t.IsMultiRegionTrail) {
			return t
		}
	}
	return nil
}

// visible is every trail that applies to the caller in its region: its own
// (home here, or multi-region), and its organization's organization trails.
func (s *Service) visible(c *core.Caller) []*Trail {
	o, inOrg := s.env.OrgOf(c.Account.ID)
	var list []*Trail
	for _, t := range s.st.Trails {
		if t.HomeRegion != c.Region && !t.IsMultiRegionTrail {
			continue
		}
		if t.Account == c.Account.ID || (t.IsOrganizationTrail && inOrg && t.OrgID == o.ID) {
			list = append(list, t)
		}
	}
	return list
}

// find resolves a trail name or ARN among the trails the caller sees.
func (s *Service) find(c *core.Caller, name string) (*Trail, *core.Error) {
	if name == "" {
		return nil, errf("InvalidTrailNameException", "Name is required: give the trail's name or ARN.")
	}
	for _, t := range s.visible(c) {
		if t.ARN() == name || (t.Name == name && t.Account == c.Account.ID) {
			return t, nil
		}
	}
	return nil, errf("TrailNotFoundException", "Unknown trail: %s for the user: %s", name, c.Account.ID)
}

// checkOrg refuses an organization trail the caller cannot have.
func (s *Service) checkOrg(c *core.Caller) (core.Org, *core.Error) {
	o, ok := s.env.OrgOf(c.Account.ID)
	if !ok {
		return o, errf("OrganizationsNotInUseException", "Account %s is not in an organization: an organization trail needs AWS Organizations.", c.Account.ID)
	}
	if !o.Manages(c.Account.ID) {
		return o, errf("NotOrganizationMasterAccountException", "Account %s is not the management account of organization %s: only the management account creates or updates an organization trail.", c.Account.ID, o.ID)
	}
	if o.FeatureSet != "ALL" {
		return o, errf("OrganizationNotInAllFeaturesModeException", "Organization %s has only consolidated billing: an organization trail needs all features enabled.", o.ID)
	}
	if !s.env.TrustedAccess(o.ID, servicePrincipal) {
		return o, errf("CloudTrailAccessNotEnabledException", "Trusted access for %s is not enabled for organization %s: enable it first (organizations enable-aws-service-access --service-principal %s).", servicePrincipal, o.ID, servicePrincipal)
	}
	return o, nil
}

// logPrefix is the key prefix of the trail's logs for account:
// [prefix/]AWSLogs/[o-id/]account/.
func (t *Trail) logPrefix(account string) string {
	p := "AWSLogs/"
	if t.IsOrganizationTrail {
		p += t.OrgID + "/"
	}
	p += account + "/"
	if t.S3KeyPrefix != "" {
		p = t.S3KeyPrefix + "/" + p
	}
	return p
}

// writer is CloudTrail acting for t.
func (t *Trail) writer() Writer {
	return Writer{Service: servicePrincipal, SourceAccount: t.Account, SourceArn: t.ARN(), SourceOrgID: t.OrgID, ACL: "bucket-owner-full-control"}
}

// logKey is the key of a log file the trail delivers for account at now.
func (t *Trail) logKey(account string, now time.Time) string {
	return fmt.Sprintf("%sCloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz", t.logPrefix(account), t.HomeRegion,
		now.UTC().Format("2006/01/02"), account, t.HomeRegion, now.UTC().Format("20060102T1504Z"),
		core.RandomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 16))
}

// checkBucket refuses a bucket that does not exist or whose policy does not
// let CloudTrail write this trail's logs: read the bucket's ACL, and put
// objects under AWSLogs/<account>/ (and, for an organization trail, under
// AWSLogs/<organization id>/), as AWS's documented policies grant.
func (s *Service) checkBucket(t *Trail, now time.Time) *core.Error {
	if !bucketPattern.MatchString(t.S3BucketName) {
		return errf("InvalidS3BucketNameException", "Bucket name %q is not valid: 3-63 lower-case letters, digits, '.' and '-'.", t.S3BucketName)
	}
	w := t.writer()
	own := *t
	own.IsOrganizationTrail = false
	checks := [][2]string{{"s3:GetBucketAcl", ""}, {"s3:PutObject", own.logKey(t.Account, now)}}
	if t.IsOrganizationTrail {
		checks = append(checks, [2]string{"s3:PutObject", t.logKey(t.Account, now)})
	}
	for _, c := range checks {
		err := s.buckets.Allows(w, t.S3BucketName, c[0], c[1])
		switch {
		case err == nil:
		case err.Code == "NoSuchBucket":
			return errf("S3BucketDoesNotExistException", "S3 bucket %s does not exist: create it (in the log archive account) before the trail.", t.S3BucketName)
		default:
			target := "arn:aws:s3:::" + t.S3BucketName
			if c[1] != "" {
				target += "/" + c[1][:strings.Index(c[1], "CloudTrail/")] + "*"
			}
			return errf("InsufficientS3BucketPolicyException", "Incorrect S3 bucket policy is detected for bucket: %s. Its policy must allow %s %s on %s for this trail (aws:SourceArn %s).",
				t.S3BucketName, servicePrincipal, c[0], target, t.ARN())
		}
	}
	return nil
}

func (s *Service) create(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	if err := validName(in.Name); err != nil {
		return nil, false, err
	}
	if in.S3BucketName == nil || *in.S3BucketName == "" {
		return nil, false, errf("InvalidParameterCombinationException", "S3BucketName is required: the bucket the trail delivers its logs to.")
	}
	if s.owned(c.Account.ID, c.Region, in.Name) != nil || (boolOr(in.IsMultiRegionTrail, false) && slices.ContainsFunc(s.st.Trails, func(t *Trail) bool { return t.Account == c.Account.ID && t.Name == in.Name })) {
		return nil, false, errf("TrailAlreadyExistsException", "Trail %s already exists for customer: %s", in.Name, c.Account.ID)
	}
	t := &Trail{Name: in.Name, Account: c.Account.ID, HomeRegion: c.Region, S3BucketName: *in.S3BucketName,
		IncludeGlobalServiceEvents: boolOr(in.IncludeGlobalServiceEvents, true), IsMultiRegionTrail: boolOr(in.IsMultiRegionTrail, false),
		LogFileValidationEnabled: boolOr(in.EnableLogFileValidation, false), CreatedAt: now}
	if in.S3KeyPrefix != nil {
		t.S3KeyPrefix = *in.S3KeyPrefix
	}
	if t.IsMultiRegionTrail && !t.IncludeGlobalServiceEvents {
		return nil, false, errf("InvalidParameterCombinationException", "A multi-region trail must include global service events (IncludeGlobalServiceEvents true).")
	}
	if boolOr(in.IsOrganizationTrail, false) {
		o, err := s.checkOrg(c)
		if err != nil {
			return nil, false, err
		}
		t.IsOrganizationTrail, t.OrgID = true, o.ID
	}
	n := 0
	for _, x := range s.st.Trails {
		if x.Account == c.Account.ID && (x.HomeRegion == c.Region || x.IsMultiRegionTrail) {
			n++
		}
	}
	if n >= maxTrailsPerRegion {
		return nil, false, errf("MaximumNumberOfTrailsExceededException", "Account %s already has %d trails in %s, the most AWS allows.", c.Account.ID, n, c.Region)
	}
	if err := s.checkBucket(t, now); err != nil {
		return nil, false, err
	}
	if len(in.TagsList) > 0 {
		t.Tags = map[string]string{}
		for _, tg := range in.TagsList {
			t.Tags[tg.Key] = tg.Value
		}
	}
	s.st.Trails = append(s.st.Trails, t)
	return s.summary(t), true, nil
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// summary is CreateTrail's and UpdateTrail's answer.
func (s *Service) summary(t *Trail) map[string]any {
	m := map[string]any{"Name": t.Name, "S3BucketName": t.S3BucketName, "IncludeGlobalServiceEvents": t.IncludeGlobalServiceEvents,
		"IsMultiRegionTrail": t.IsMultiRegionTrail, "TrailARN": t.ARN(), "LogFileValidationEnabled": t.LogFileValidationEnabled,
		"IsOrganizationTrail": t.IsOrganizationTrail}
	if t.S3KeyPrefix != "" {
		m["S3KeyPrefix"] = t.S3KeyPrefix
	}
	return m
}

func (s *Service) out(t *Trail) map[string]any {
	m := s.summary(t)
	m["HomeRegion"] = t.HomeRegion
	m["HasCustomEventSelectors"] = false
	m["HasInsightSelectors"] = false
	return m
}

func (s *Service) update(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	t, err := s.find(c, in.Name)
	if err != nil {
		return nil, false, err
	}
	if t.Account != c.Account.ID {
		return nil, false, errf("NotOrganizationMasterAccountException", "Trail %s belongs to the management account %s of the organization: only it updates the organization trail.", t.Name, t.Account)
	}
	if t.HomeRegion != c.Region {
		return nil, false, errf("InvalidHomeRegionException", "Trail %s was created in %s: update it from there.", t.Name, t.HomeRegion)
	}
	next := *t
	if in.S3BucketName != nil {
		next.S3BucketName = *in.S3BucketName
	}
	if in.S3KeyPrefix != nil {
		next.S3KeyPrefix = *in.S3KeyPrefix
	}
	next.IncludeGlobalServiceEvents = boolOr(in.IncludeGlobalServiceEvents, t.IncludeGlobalServiceEvents)
	next.IsMultiRegionTrail = boolOr(in.IsMultiRegionTrail, t.IsMultiRegionTrail)
	next.LogFileValidationEnabled = boolOr(in.EnableLogFileValidation, t.LogFileValidationEnabled)
	if next.IsMultiRegionTrail && !next.IncludeGlobalServiceEvents {
		return nil, false, errf("InvalidParameterCombinationException", "A multi-region trail must include global service events (IncludeGlobalServiceEvents true).")
	}
	if org := boolOr(in.IsOrganizationTrail, t.IsOrganizationTrail); org && !t.IsOrganizationTrail {
		o, err := s.checkOrg(c)
		if err != nil {
			return nil, false, err
		}
		next.IsOrganizationTrail, next.OrgID = true, o.ID
	} else if !org {
		next.IsOrganizationTrail, next.OrgID = false, ""
	}
	if next.S3BucketName != t.S3BucketName || next.S3KeyPrefix != t.S3KeyPrefix || next.IsOrganizationTrail != t.IsOrganizationTrail {
		if err := s.checkBucket(&next, now); err != nil {
			return nil, false, err
		}
	}
	before, _ := json.Marshal(t)
	after, _ := json.Marshal(&next)
	changed := !bytes.Equal(before, after)
	*t = next
	return s.summary(t), changed, nil
}

func (s *Service) describe(c *core.Caller, in *input) (any, bool, *core.Error) {
	shadows := boolOr(in.IncludeShadowTrails, true)
	list := []map[string]any{}
	for _, t := range s.visible(c) {
		own := t.Account == c.Account.ID && t.HomeRegion == c.Region
		if !own && !shadows {
			continue
		}
		if len(in.TrailNameList) > 0 && !slices.ContainsFunc(in.TrailNameList, func(n string) bool {
			return n == t.ARN() || (n == t.Name && t.Account == c.Account.ID)
		}) {
			continue
		}
		list = append(list, s.out(t))
	}
	return map[string]any{"trailList": list}, false, nil
}

func (s *Service) setLogging(c *core.Caller, in *input, on bool, now time.Time) (any, bool, *core.Error) {
	t, err := s.find(c, in.Name)
	if err != nil {
		return nil, false, err
	}
	if t.Account != c.Account.ID {
		return nil, false, errf("NotOrganizationMasterAccountException", "Trail %s belongs to the management account %s: only it starts or stops the organization trail.", t.Name, t.Account)
	}
	if t.HomeRegion != c.Region {
		return nil, false, errf("InvalidHomeRegionException", "Trail %s was created in %s: start or stop its logging from there.", t.Name, t.HomeRegion)
	}
	if t.IsLogging == on {
		return struct{}{}, false, nil
	}
	t.IsLogging = on
	if on {
		t.StartLoggingTime = now
		s.deliver(t, "StartLogging", now)
	} else {
		t.StopLoggingTime = now
	}
	return struct{}{}, true, nil
}

// deliver writes one log file of the trail's owner account: its events since
// the last delivery, as CloudTrail's gzipped JSON, under the trail's prefix.
func (s *Service) deliver(t *Trail, event string, now time.Time) {
	record := map[string]any{"eventVersion": "1.09", "eventTime": now.UTC().Format(time.RFC3339), "eventSource": servicePrincipal,
		"eventName": event, "awsRegion": t.HomeRegion, "recipientAccountId": t.Account, "eventID": core.NewUUID(),
		"userIdentity": map[string]string{"type": "Root", "accountId": t.Account}, "requestParameters": map[string]string{"name": t.ARN()}}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	json.NewEncoder(zw).Encode(map[string]any{"Records": []any{record}})
	zw.Close()
	t.LatestDeliveryAttemptTime = now
	if err := s.buckets.Deliver(t.writer(), t.S3BucketName, t.logKey(t.Account, now), buf.Bytes(), now); err != nil {
		t.LatestDeliveryError, t.LatestDeliveryAttemptSucceeded = err.Code, false
		return
	}
	t.LatestDeliveryTime, t.LatestDeliveryError, t.LatestDeliveryAttemptSucceeded = now, "", true
	if t.LogFileValidationEnabled {
		// The digest file of the hour is delivered beside the logs.
		t.LatestDigestDeliveryTime = now
	}
}

func (s *Service) status(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	t, err := s.find(c, in.Name)
	if err != nil {
		return nil, false, err
	}
	changed := false
	if t.IsLogging && !t.LatestDeliveryAttemptTime.IsZero() && now.Sub(t.LatestDeliveryAttemptTime) >= DeliveryInterval {
		// Logs keep coming while the trail logs: the next file is due.
		s.deliver(t, "GetTrailStatus", now)
		changed = true
	}
	m := map[string]any{"IsLogging": t.IsLogging}
	put := func(k string, at time.Time) {
		if !at.IsZero() {
			m[k] = core.TS(at)
		}
	}
	put("StartLoggingTime", t.StartLoggingTime)
	put("StopLoggingTime", t.StopLoggingTime)
	put("LatestDeliveryTime", t.LatestDeliveryTime)
	put("LatestDigestDeliveryTime", t.LatestDigestDeliveryTime)
	if !t.LatestDeliveryAttemptTime.IsZero() {
		m["LatestDeliveryAttemptTime"] = t.LatestDeliveryAttemptTime.UTC().Format(time.RFC3339)
		if t.LatestDeliveryAttemptSucceeded {
			m["LatestDeliveryAttemptSucceeded"] = t.LatestDeliveryTime.UTC().Format(time.RFC3339)
		}
	}
	if t.LatestDeliveryError != "" {
		m["LatestDeliveryError"] = t.LatestDeliveryError
	}
	if !t.StartLoggingTime.IsZero() {
		m["TimeLoggingStarted"] = t.StartLoggingTime.UTC().Format(time.RFC3339)
	}
	if !t.StopLoggingTime.IsZero() {
		m["TimeLoggingStopped"] = t.StopLoggingTime.UTC().Format(time.RFC3339)
	}
	return m, changed, nil
}

var trailARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail/(.+)$`)

// listTags is ListTags' answer: each trail's tags, the trails named by
// ARN among those the caller sees in its region, at most 20.
func (s *Service) listTags(c *core.Caller, in *input) (any, bool, *core.Error) {
	if len(in.ResourceIDList) == 0 {
		return nil, false, errf("ValidationException", "1 validation error detected: Value null at 'resourceIdList' failed to satisfy constraint: Member must not be null")
	}
	if len(in.ResourceIDList) > 20 {
		return nil, false, errf("InvalidParameterException", "ResourceIdList holds %d ARNs; the most ListTags takes is 20.", len(in.ResourceIDList))
	}
	list := []map[string]any{}
	for _, id := range in.ResourceIDList {
		if !trailARNPattern.MatchString(id) {
			return nil, false, errf("CloudTrailARNInvalidException", "%s is not a trail ARN: give arn:aws:cloudtrail:<region>:<account>:trail/<name>.", id)
		}
		var found *Trail
		for _, t := range s.visible(c) {
			if t.ARN() == id {
				found = t
			}
		}
		if found == nil {
			return nil, false, errf("ResourceNotFoundException", "Trail %s does not exist in %s for account %s.", id, c.Region, c.Account.ID)
		}
		keys := make([]string, 0, len(found.Tags))
		for k := range found.Tags {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		tags := []map[string]string{}
		for _, k := range keys {
			tags = append(tags, map[string]string{"Key": k, "Value": found.Tags[k]})
		}
		list = append(list, map[string]any{"ResourceId": id, "TagsList": tags})
	}
	return map[string]any{"ResourceTagList": list}, false, nil
}
