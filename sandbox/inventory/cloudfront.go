package inventory

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

func init() {
	register(&service{
		name: "cloudfront",
		protocol: restXMLProtocol{
			router: router{
				routes:      []route{{method: http.MethodGet, pattern: "/2020-05-31/distribution", op: "ListDistributions"}},
				unknownCode: "InvalidRequest",
			},
			xmlns: "http://cloudfront.amazonaws.com/doc/2020-05-31/",
		},
		resourceService: "cloudfront",
		global:          true,
		invalidParam:    "InvalidArgument",
		ops:             map[string]operation{"ListDistributions": listDistributions},
	})
}

// newDistribution makes a CloudFront distribution, a global resource kept in us-east-1. Attrs: origin (the
// origin's domain name), aliases (comma-separated), comment, enabled, priceClass, created.
func newDistribution(account, name string, attrs map[string]string) Resource {
	id := "E" + upperID(13, account, "distribution", name)
	return Resource{Account: account, Region: "us-east-1", Service: "cloudfront", Type: "distribution", ID: id, Name: name,
		ARN: fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", account, id), Attrs: attrs}
}

// CloudFront's lists carry their count beside their items.
type cfEmptyList struct {
	Quantity int `xml:"Quantity"`
}

type cfAliases struct {
	Quantity int      `xml:"Quantity"`
	Items    []string `xml:"Items>CNAME"`
}

type cfOrigins struct {
	Quantity int        `xml:"Quantity"`
	Items    []cfOrigin `xml:"Items>Origin"`
}

type cfS3OriginConfig struct {
	OriginAccessIdentity string `xml:"OriginAccessIdentity"`
}

type cfOrigin struct {
	XMLName        xml.Name         `xml:"Origin"`
	ID             string           `xml:"Id"`
	DomainName     string           `xml:"DomainName"`
	OriginPath     string           `xml:"OriginPath"`
	CustomHeaders  cfEmptyList      `xml:"CustomHeaders"`
	S3OriginConfig cfS3OriginConfig `xml:"S3OriginConfig"`
}

type cfDefaultCacheBehavior struct {
	TargetOriginID       string `xml:"TargetOriginId"`
	ViewerProtocolPolicy string `xml:"ViewerProtocolPolicy"`
	Compress             bool   `xml:"Compress"`
	CachePolicyID        string `xml:"CachePolicyId"`
}

type cfViewerCertificate struct {
	CloudFrontDefaultCertificate bool `xml:"CloudFrontDefaultCertificate"`
}

type cfGeoRestriction struct {
	RestrictionType string `xml:"RestrictionType"`
	Quantity        int    `xml:"Quantity"`
}

type cfDistributionSummary struct {
	ID                   string                 `xml:"Id"`
	ARN                  string                 `xml:"ARN"`
	Status               string                 `xml:"Status"`
	LastModifiedTime     string                 `xml:"LastModifiedTime"`
	DomainName           string                 `xml:"DomainName"`
	Aliases              cfAliases              `xml:"Aliases"`
	Origins              cfOrigins              `xml:"Origins"`
	DefaultCacheBehavior cfDefaultCacheBehavior `xml:"DefaultCacheBehavior"`
	CacheBehaviors       cfEmptyList            `xml:"CacheBehaviors"`
	CustomErrorResponses cfEmptyList            `xml:"CustomErrorResponses"`
	Comment              string                 `xml:"Comment"`
	PriceClass           string                 `xml:"PriceClass"`
	Enabled              bool                   `xml:"Enabled"`
	ViewerCertificate    cfViewerCertificate    `xml:"ViewerCertificate"`
	GeoRestriction       cfGeoRestriction       `xml:"Restrictions>GeoRestriction"`
	WebACLID             string                 `xml:"WebACLId"`
	HTTPVersion          string                 `xml:"HttpVersion"`
	IsIPV6Enabled        bool                   `xml:"IsIPV6Enabled"`
	Staging              bool                   `xml:"Staging"`
}

type distributionList struct {
	XMLName     xml.Name                `xml:"http://cloudfront.amazonaws.com/doc/2020-05-31/ DistributionList"`
	Marker      string                  `xml:"Marker"`
	NextMarker  string                  `xml:"NextMarker,omitempty"`
	MaxItems    int                     `xml:"MaxItems"`
	IsTruncated bool                    `xml:"IsTruncated"`
	Quantity    int                     `xml:"Quantity"`
	Items       []cfDistributionSummary `xml:"Items>DistributionSummary"`
}

func listDistributions(req *request) (any, error) {
	page, next, err := queryPage(req, ofType(req.resources, "distribution"), "MaxItems", "Marker", 100, 1, 1000)
	if err != nil {
		return nil, err
	}
	maxItems, _ := req.intParam("MaxItems")
	out := distributionList{Marker: req.query.Get("Marker"), NextMarker: next, MaxItems: cmp.Or(maxItems, 100),
		IsTruncated: next != "", Quantity: len(page)}
	for _, r := range page {
		origin := r.attr("origin", r.Name+".s3.amazonaws.com")
		var aliases []string
		if a := r.Attrs["aliases"]; a != "" {
			aliases = strings.Split(a, ",")
		}
		originID := "origin-" + r.Name
		out.Items = append(out.Items, cfDistributionSummary{
			ID:               r.ID,
			ARN:              r.ARN,
			Status:           "Deployed",
			LastModifiedTime: isoTime(r.created()),
			DomainName:       "d" + hexID(13, r.ARN, "domain") + ".cloudfront.net",
			Aliases:          cfAliases{Quantity: len(aliases), Items: aliases},
			Origins:          cfOrigins{Quantity: 1, Items: []cfOrigin{{ID: originID, DomainName: origin}}},
			DefaultCacheBehavior: cfDefaultCacheBehavior{TargetOriginID: originID, ViewerProtocolPolicy: "redirect-to-https", Compress: true,
				// The managed CachingOptimized policy, which the console picks by default.
				CachePolicyID: "658327ea-f89d-4fab-a63d-7e88639e58f6"},
			Comment:           r.Attrs["comment"],
			PriceClass:        r.attr("priceClass", "PriceClass_100"),
			Enabled:           r.attr("enabled", "true") == "true",
			ViewerCertificate: cfViewerCertificate{CloudFrontDefaultCertificate: true},
			GeoRestriction:    cfGeoRestriction{RestrictionType: "none"},
			HTTPVersion:       "http2",
			IsIPV6Enabled:     true,
		})
	}
	return out, nil
}
