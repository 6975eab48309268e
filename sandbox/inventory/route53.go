package inventory

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"net/http"
)

func init() {
	register(&service{
		name: "route53",
		protocol: restXMLProtocol{
			router: router{
				routes:      []route{{method: http.MethodGet, pattern: "/2013-04-01/hostedzone", op: "ListHostedZones"}},
				unknownCode: "InvalidInput",
			},
			xmlns: "https://route53.amazonaws.com/doc/2013-04-01/",
		},
		resourceService: "route53",
		global:          true,
		invalidParam:    "InvalidInput",
		ops:             map[string]operation{"ListHostedZones": listHostedZones},
	})
}

// newHostedZone makes a Route 53 hosted zone, a global resource kept in us-east-1; name is the domain,
// with or without its final dot. Attrs: private, recordCount, comment, created.
func newHostedZone(account, name string, attrs map[string]string) Resource {
	if name != "" && name[len(name)-1] != '.' {
		name += "."
	}
	id := "Z" + upperID(20, account, "hostedzone", name)
	return Resource{Account: account, Region: "us-east-1", Service: "route53", Type: "hosted-zone", ID: id, Name: name,
		ARN: fmt.Sprintf("arn:aws:route53:::hostedzone/%s", id), Attrs: attrs}
}

type r53Config struct {
	Comment     string `xml:"Comment,omitempty"`
	PrivateZone bool   `xml:"PrivateZone"`
}

type r53HostedZone struct {
	ID                     string    `xml:"Id"`
	Name                   string    `xml:"Name"`
	CallerReference        string    `xml:"CallerReference"`
	Config                 r53Config `xml:"Config"`
	ResourceRecordSetCount int       `xml:"ResourceRecordSetCount"`
}

type listHostedZonesResponse struct {
	XMLName     xml.Name        `xml:"https://route53.amazonaws.com/doc/2013-04-01/ ListHostedZonesResponse"`
	HostedZones []r53HostedZone `xml:"HostedZones>HostedZone"`
	Marker      string          `xml:"Marker,omitempty"`
	IsTruncated bool            `xml:"IsTruncated"`
	NextMarker  string          `xml:"NextMarker,omitempty"`
	MaxItems    int             `xml:"MaxItems"`
}

func listHostedZones(req *request) (any, error) {
	page, next, err := queryPage(req, ofType(req.resources, "hosted-zone"), "maxitems", "marker", 100, 1, 100)
	if err != nil {
		return nil, err
	}
	maxItems, _ := req.intParam("maxitems")
	out := listHostedZonesResponse{Marker: req.query.Get("marker"), IsTruncated: next != "", NextMarker: next,
		MaxItems: cmp.Or(maxItems, 100), HostedZones: []r53HostedZone{}}
	for _, r := range page {
		out.HostedZones = append(out.HostedZones, r53HostedZone{
			ID:                     "/hostedzone/" + r.ID,
			Name:                   r.Name,
			CallerReference:        uuidFrom(r.ARN),
			Config:                 r53Config{Comment: r.Attrs["comment"], PrivateZone: r.Attrs["private"] == "true"},
			ResourceRecordSetCount: r.intAttr("recordCount", 2),
		})
	}
	return out, nil
}
