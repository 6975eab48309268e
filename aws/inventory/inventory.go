// Package inventory lists what runs in one AWS account across its enabled
// regions, so that orgwizard can tell whether an account that is, or is about
// to become, the management account is clean, and lead the workloads out.
//
// Three sources are combined. Resource Explorer answers for the regions where
// the account has turned it on (an index exists); elsewhere the Resource
// Groups Tagging API answers, which lists tagged resources only and is
// labelled so. On top of either, a sweep of the resource kinds that matter for
// a migration (EC2 instances and volumes, non-default VPCs, S3 buckets, RDS,
// DynamoDB, Lambda, ECS and EKS clusters, CloudFront, Route 53 hosted zones,
// IAM users with access keys) lists them whether tagged or not. Regions and
// services are read in parallel under one bound; a region or service that
// answers AccessDenied, or is not enabled, becomes a Problem and the rest
// still comes back.
package inventory

import (
	"errors"
	"slices"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/orgs"
)

// Item is one resource found in the account.
type Item struct {
	Account string `json:"account"`
	Region  string `json:"region"` // "global" for CloudFront, Route 53 and IAM
	Service string `json:"service"`
	Type    string `json:"type"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	ARN     string `json:"arn,omitempty"`
	// Detail is a short human description (state, size, engine ...), for the
	// audit and the runbook.
	Detail string            `json:"detail,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
	// Source says who found it: "sweep", "resource-explorer" or "tagging"
	// (the tagging API sees tagged resources only).
	Source string `json:"source"`
}

// Key identifies an item across runs and in runbook assignments.
func (it Item) Key() string {
	if it.ARN != "" {
		return it.ARN
	}
	return it.Service + ":" + it.Region + ":" + it.Type + "/" + it.ID
}

// Sources of items.
const (
	SourceSweep            = "sweep"
	SourceResourceExplorer = "resource-explorer"
	SourceTagging          = "tagging"
)

// GlobalRegion is the Region of items of global services.
const GlobalRegion = "global"

// ProblemKind classifies why a region or service gave no answer.
type ProblemKind string

const (
	KindAccessDenied ProblemKind = "access-denied"
	KindDisabled     ProblemKind = "disabled"
	KindError        ProblemKind = "error"
)

// Problem is a region and service that could not be read.
type Problem struct {
	Region  string      `json:"region"`
	Service string      `json:"service"`
	Err     error       `json:"-"`
	Kind    ProblemKind `json:"kind"`
}

// Message is the error's text, for output.
func (p Problem) Message() string {
	if p.Err == nil {
		return ""
	}
	return p.Err.Error()
}

// Result is an account's inventory.
type Result struct {
	Account string   `json:"account"`
	Regions []string `json:"regions"`
	Items   []Item   `json:"items"`
	// Problems are the regions and services that did not answer; the items
	// are complete only when there are none.
	Problems []Problem `json:"problems"`
	// Discovery says, per region, how resources beyond the sweep were found:
	// "resource-explorer", or "tagged resources only" (the tagging API).
	Discovery map[string]string `json:"discovery"`
}

// Discovery values.
const (
	DiscoveryResourceExplorer = "resource-explorer"
	DiscoveryTaggedOnly       = "tagged resources only"
	// DiscoveryResourceExplorerPartial: a search answers at most 1,000
	// resources; beyond them only the tagging API's are known.
	DiscoveryResourceExplorerPartial = "resource-explorer (first 1,000 resources), then tagged resources only"
)

// Complete reports whether every region and service answered.
func (r *Result) Complete() bool { return len(r.Problems) == 0 }

// deniedHere are the refusals for want of permission that the inventory's
// calls meet beyond orgs.Denied's: UnauthorizedAccess; Forbidden, the code
// the SDK gives S3's 403 answers that carry no error body; and Resource
// Explorer's UnauthorizedException (401), "the principal making the request
// isn't permitted to perform the operation" in its API reference.
//
// Resource Explorer answers two codes for want of permission:
// AccessDeniedException (403, in orgs.Denied) when IAM refuses the action,
// and UnauthorizedException (401). Search also answers 401 when the region
// has no default view to search with (the SDK's SearchInput.ViewArn: "If
// the Region either doesn't have a default view or if you don't have
// permission to use the default view, then the operation fails with a 401
// Unauthorized exception"); AWS does not tell those two apart, so the
// search's own task reads such a region with the tagging API instead
// (isUnauthorized) and never reaches classify with it. Any other 401 from
// Resource Explorer, ListIndexes' included, is a refusal.
var deniedHere = map[string]bool{"UnauthorizedAccess": true, "Forbidden": true, "UnauthorizedException": true}

// classify says what kind of failure err is, by AWS's error codes: each
// service spells "denied" and "not enabled" its own way; the denied
// spellings are orgs.Denied's and deniedHere.
func classify(err error) ProblemKind {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return KindError
	}
	if orgs.Denied(err) || deniedHere[api.ErrorCode()] {
		return KindAccessDenied
	}
	switch api.ErrorCode() {
	case "OptInRequired", "SubscriptionRequiredException",
		// A region the account has not enabled answers as if the
		// credentials did not exist there.
		"InvalidClientTokenId", "UnrecognizedClientException", "AuthFailure":
		return KindDisabled
	}
	if strings.Contains(strings.ToLower(api.ErrorMessage()), "not authorized") {
		return KindAccessDenied
	}
	return KindError
}

// sortItems orders items by region, service, type and name, so that output
// and tests are stable.
func sortItems(items []Item) {
	slices.SortFunc(items, func(a, b Item) int {
		return strings.Compare(a.Region+"\x00"+a.Service+"\x00"+a.Type+"\x00"+a.Name+"\x00"+a.ID,
			b.Region+"\x00"+b.Service+"\x00"+b.Type+"\x00"+b.Name+"\x00"+b.ID)
	})
}

// fromARN makes an item of an ARN the tagging API or Resource Explorer
// returned: arn:partition:service:region:account:resource, where resource is
// "type/id", "type:id" or (S3) the bare name.
func fromARN(account, arn, source string) Item {
	it := Item{Account: account, ARN: arn, Source: source}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		it.ID = arn
		return it
	}
	it.Service, it.Region = parts[2], parts[3]
	if it.Region == "" {
		it.Region = GlobalRegion
	}
	res := parts[5]
	if i := strings.IndexAny(res, "/:"); i > 0 {
		it.Type, it.ID = res[:i], res[i+1:]
	} else {
		it.Type, it.ID = it.Service, res
		if it.Service == "s3" {
			it.Type = "bucket"
		}
	}
	it.Name = it.ID
	return it
}
