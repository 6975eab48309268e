package orgmodel

import "slices"

// commercialRegions are the AWS commercial-partition (aws) region codes, opt-in
// regions included. The GovCloud, China and European Sovereign Cloud
// partitions are separate partitions that an organization in the commercial
// partition cannot span, so they are not valid here.
// Source: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
var commercialRegions = []string{
	"af-south-1",
	"ap-east-1", "ap-east-2",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1",
	"eu-central-1", "eu-central-2",
	"eu-north-1",
	"eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1",
	"me-central-1", "me-south-1",
	"mx-central-1",
	"sa-east-1",
	"us-east-1", "us-east-2",
	"us-west-1", "us-west-2",
}

// Regions returns the commercial region codes the tool accepts, sorted.
func Regions() []string { return slices.Clone(commercialRegions) }

// IsRegion reports whether code is a commercial AWS region code.
func IsRegion(code string) bool {
	_, found := slices.BinarySearch(commercialRegions, code)
	return found
}
