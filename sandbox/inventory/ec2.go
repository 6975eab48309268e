package inventory

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func init() {
	register(&service{
		name:            "ec2",
		protocol:        queryProtocol{ec2: true, xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/"},
		resourceService: "ec2",
		invalidParam:    "InvalidParameterValue",
		ops: map[string]operation{
			"DescribeRegions":   describeRegions,
			"DescribeInstances": describeInstances,
			"DescribeVolumes":   describeVolumes,
			"DescribeVpcs":      describeVpcs,
		},
	})
}

// enabledRegions are the commercial regions every account has without opting in.
var enabledRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// optInRegions are the commercial regions an account must enable first; DescribeRegions lists them only
// when asked for all regions, as not opted in.
var optInRegions = []string{
	"af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
	"ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1",
	"me-central-1", "me-south-1", "mx-central-1",
}

// EnabledRegions lists the regions enabled in every simulated account: the 17 default-enabled commercial
// regions.
func EnabledRegions() []string { return slices.Clone(enabledRegions) }

// DefaultVPCID is the id of the default VPC that every enabled region of an account has.
func DefaultVPCID(account, region string) string {
	return "vpc-" + hexID(17, account, region, "default-vpc")
}

// newInstance makes an EC2 instance. Attrs: state (running, stopped ...), instanceType, imageId,
// availabilityZone, vpcId, subnetId, privateIp, keyName, created.
func newInstance(account, region, name string, attrs map[string]string) Resource {
	id := "i-" + hexID(17, account, region, "instance", name)
	return Resource{Account: account, Region: region, Service: "ec2", Type: "instance", ID: id, Name: name,
		ARN:   fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", region, account, id),
		Tags:  map[string]string{"Name": name},
		Attrs: attrs}
}

// newVolume makes an EBS volume. Attrs: size (GiB), volumeType, availabilityZone, instanceId and device when
// attached, encrypted, created.
func newVolume(account, region, name string, attrs map[string]string) Resource {
	id := "vol-" + hexID(17, account, region, "volume", name)
	return Resource{Account: account, Region: region, Service: "ec2", Type: "volume", ID: id, Name: name,
		ARN:   fmt.Sprintf("arn:aws:ec2:%s:%s:volume/%s", region, account, id),
		Tags:  map[string]string{"Name": name},
		Attrs: attrs}
}

// newVPC makes a non-default VPC. Attrs: cidr, created.
func newVPC(account, region, name, cidr string) Resource {
	id := "vpc-" + hexID(17, account, region, "vpc", name)
	return Resource{Account: account, Region: region, Service: "ec2", Type: "vpc", ID: id, Name: name,
		ARN:   fmt.Sprintf("arn:aws:ec2:%s:%s:vpc/%s", region, account, id),
		Tags:  map[string]string{"Name": name},
		Attrs: map[string]string{"cidr": cidr}}
}

type ec2Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func ec2Tags(tags map[string]string) []ec2Tag {
	var out []ec2Tag
	for _, kv := range sortedTags(tags) {
		out = append(out, ec2Tag(kv))
	}
	return out
}

type ec2Region struct {
	RegionName  string `xml:"regionName"`
	Endpoint    string `xml:"regionEndpoint"`
	OptInStatus string `xml:"optInStatus"`
}

type describeRegionsOutput struct {
	RequestID string      `xml:"requestId"`
	Regions   []ec2Region `xml:"regionInfo>item"`
}

func describeRegions(req *request) (any, error) {
	status := map[string]string{}
	for _, r := range enabledRegions {
		status[r] = "opt-in-not-required"
	}
	if req.query.Get("AllRegions") == "true" {
		for _, r := range optInRegions {
			status[r] = "not-opted-in"
		}
	}
	names := req.memberList("RegionName")
	if len(names) == 0 {
		for r := range status {
			names = append(names, r)
		}
		slices.Sort(names)
	}
	out := describeRegionsOutput{RequestID: req.id}
	var unknown []string
	for _, name := range names {
		s, ok := status[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		out.Regions = append(out.Regions, ec2Region{RegionName: name, Endpoint: "ec2." + name + ".amazonaws.com", OptInStatus: s})
	}
	if len(unknown) > 0 {
		return nil, req.invalid("Invalid region names: " + strings.Join(unknown, ", "))
	}
	return out, nil
}

var instanceFields = map[string]field{
	"instance-id":         idField,
	"instance-state-name": func(r Resource) string { return r.attr("state", "running") },
	"instance-type":       attrField("instanceType"),
	"image-id":            attrField("imageId"),
	"availability-zone":   attrField("availabilityZone"),
	"vpc-id":              attrField("vpcId"),
	"subnet-id":           attrField("subnetId"),
}

var volumeFields = map[string]field{
	"volume-id":              idField,
	"status":                 volumeStatus,
	"volume-type":            attrField("volumeType"),
	"availability-zone":      attrField("availabilityZone"),
	"attachment.instance-id": attrField("instanceId"),
}

var vpcFields = map[string]field{
	"vpc-id":     idField,
	"cidr":       attrField("cidr"),
	"is-default": func(r Resource) string { return strconv.FormatBool(r.Attrs["isDefault"] == "true") },
	"state":      func(Resource) string { return "available" },
}

// ec2Select narrows items to the ids the request names (the idParam list) and then to its filters, and
// pages the rest when the client asked for pages.
func ec2Select(req *request, items []Resource, idParam, notFoundCode, kind string, fields map[string]field, maxPage int) ([]Resource, string, error) {
	if ids := req.memberList(idParam); len(ids) > 0 {
		var picked []Resource
		for _, id := range ids {
			i := slices.IndexFunc(items, func(r Resource) bool { return r.ID == id })
			if i < 0 {
				return nil, "", &apiError{Status: http.StatusBadRequest, Code: notFoundCode, Message: fmt.Sprintf("The %s '%s' does not exist", kind, id)}
			}
			picked = append(picked, items[i])
		}
		items = picked
	}
	items, err := applyFilters(req, items, req.queryFilters("Filter", "Value"), fields)
	if err != nil {
		return nil, "", err
	}
	// Without MaxResults EC2 answers everything at once.
	return queryPage(req, items, "MaxResults", "NextToken", max(len(items), 1), 5, maxPage)
}

type ec2InstanceState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

// instanceStateCodes are EC2's numeric codes for instance states.
var instanceStateCodes = map[string]int{
	"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80,
}

type ec2EBS struct {
	VolumeID            string `xml:"volumeId"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type ec2BlockDevice struct {
	DeviceName string `xml:"deviceName"`
	EBS        ec2EBS `xml:"ebs"`
}

type ec2Placement struct {
	AvailabilityZone string `xml:"availabilityZone"`
	Tenancy          string `xml:"tenancy"`
}

type ec2Instance struct {
	InstanceID     string           `xml:"instanceId"`
	ImageID        string           `xml:"imageId"`
	State          ec2InstanceState `xml:"instanceState"`
	PrivateDNSName string           `xml:"privateDnsName"`
	KeyName        string           `xml:"keyName,omitempty"`
	InstanceType   string           `xml:"instanceType"`
	LaunchTime     string           `xml:"launchTime"`
	Placement      ec2Placement     `xml:"placement"`
	SubnetID       string           `xml:"subnetId,omitempty"`
	VpcID          string           `xml:"vpcId,omitempty"`
	PrivateIP      string           `xml:"privateIpAddress,omitempty"`
	Architecture   string           `xml:"architecture"`
	RootDeviceType string           `xml:"rootDeviceType"`
	RootDeviceName string           `xml:"rootDeviceName"`
	BlockDevices   []ec2BlockDevice `xml:"blockDeviceMapping>item"`
	Tags           []ec2Tag         `xml:"tagSet>item"`
}

type ec2Reservation struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Instances     []ec2Instance `xml:"instancesSet>item"`
}

type describeInstancesOutput struct {
	RequestID    string           `xml:"requestId"`
	Reservations []ec2Reservation `xml:"reservationSet>item"`
	NextToken    string           `xml:"nextToken,omitempty"`
}

func describeInstances(req *request) (any, error) {
	page, next, err := ec2Select(req, ofType(req.resources, "instance"), "InstanceId", "InvalidInstanceID.NotFound", "instance ID", instanceFields, 1000)
	if err != nil {
		return nil, err
	}
	volumes := ofType(req.resources, "volume")
	out := describeInstancesOutput{RequestID: req.id, NextToken: next}
	for _, r := range page {
		state := r.attr("state", "running")
		inst := ec2Instance{
			InstanceID:     r.ID,
			ImageID:        r.attr("imageId", "ami-0c1bc246476a5572b"),
			State:          ec2InstanceState{Code: instanceStateCodes[state], Name: state},
			KeyName:        r.Attrs["keyName"],
			InstanceType:   r.attr("instanceType", "t3.micro"),
			LaunchTime:     isoTime(r.created()),
			Placement:      ec2Placement{AvailabilityZone: r.attr("availabilityZone", r.Region+"a"), Tenancy: "default"},
			SubnetID:       r.Attrs["subnetId"],
			VpcID:          r.attr("vpcId", DefaultVPCID(r.Account, r.Region)),
			PrivateIP:      r.Attrs["privateIp"],
			Architecture:   "x86_64",
			RootDeviceType: "ebs",
			RootDeviceName: "/dev/xvda",
			Tags:           ec2Tags(r.Tags),
		}
		if inst.PrivateIP != "" {
			inst.PrivateDNSName = "ip-" + strings.ReplaceAll(inst.PrivateIP, ".", "-") + "." + r.Region + ".compute.internal"
		}
		for _, v := range volumes {
			if v.Attrs["instanceId"] == r.ID {
				inst.BlockDevices = append(inst.BlockDevices, ec2BlockDevice{DeviceName: v.attr("device", "/dev/xvda"),
					EBS: ec2EBS{VolumeID: v.ID, Status: "attached", AttachTime: isoTime(r.created()), DeleteOnTermination: v.Attrs["device"] == "/dev/xvda"}})
			}
		}
		// One reservation per instance, as when each was launched by its own RunInstances call.
		out.Reservations = append(out.Reservations, ec2Reservation{
			ReservationID: "r-" + hexID(17, r.ID, "reservation"), OwnerID: r.Account, Instances: []ec2Instance{inst}})
	}
	return out, nil
}

type ec2Attachment struct {
	VolumeID            string `xml:"volumeId"`
	InstanceID          string `xml:"instanceId"`
	Device              string `xml:"device"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type ec2Volume struct {
	VolumeID         string          `xml:"volumeId"`
	Size             int             `xml:"size"`
	SnapshotID       string          `xml:"snapshotId"`
	AvailabilityZone string          `xml:"availabilityZone"`
	Status           string          `xml:"status"`
	CreateTime       string          `xml:"createTime"`
	Attachments      []ec2Attachment `xml:"attachmentSet>item"`
	VolumeType       string          `xml:"volumeType"`
	Encrypted        bool            `xml:"encrypted"`
	Tags             []ec2Tag        `xml:"tagSet>item"`
}

type describeVolumesOutput struct {
	RequestID string      `xml:"requestId"`
	Volumes   []ec2Volume `xml:"volumeSet>item"`
	NextToken string      `xml:"nextToken,omitempty"`
}

func volumeStatus(r Resource) string {
	if r.Attrs["instanceId"] != "" {
		return "in-use"
	}
	return "available"
}

func describeVolumes(req *request) (any, error) {
	page, next, err := ec2Select(req, ofType(req.resources, "volume"), "VolumeId", "InvalidVolume.NotFound", "volume", volumeFields, 500)
	if err != nil {
		return nil, err
	}
	out := describeVolumesOutput{RequestID: req.id, NextToken: next}
	for _, r := range page {
		v := ec2Volume{
			VolumeID:         r.ID,
			Size:             r.intAttr("size", 8),
			AvailabilityZone: r.attr("availabilityZone", r.Region+"a"),
			Status:           volumeStatus(r),
			CreateTime:       isoTime(r.created()),
			VolumeType:       r.attr("volumeType", "gp3"),
			Encrypted:        r.Attrs["encrypted"] == "true",
			Tags:             ec2Tags(r.Tags),
		}
		if id := r.Attrs["instanceId"]; id != "" {
			device := r.attr("device", "/dev/xvda")
			v.Attachments = []ec2Attachment{{VolumeID: r.ID, InstanceID: id, Device: device, Status: "attached",
				AttachTime: v.CreateTime, DeleteOnTermination: device == "/dev/xvda"}}
		}
		out.Volumes = append(out.Volumes, v)
	}
	return out, nil
}

type ec2Vpc struct {
	VpcID           string   `xml:"vpcId"`
	OwnerID         string   `xml:"ownerId"`
	State           string   `xml:"state"`
	CidrBlock       string   `xml:"cidrBlock"`
	DhcpOptionsID   string   `xml:"dhcpOptionsId"`
	InstanceTenancy string   `xml:"instanceTenancy"`
	IsDefault       bool     `xml:"isDefault"`
	Tags            []ec2Tag `xml:"tagSet>item"`
}

type describeVpcsOutput struct {
	RequestID string   `xml:"requestId"`
	Vpcs      []ec2Vpc `xml:"vpcSet>item"`
	NextToken string   `xml:"nextToken,omitempty"`
}

func describeVpcs(req *request) (any, error) {
	vpcs := ofType(req.resources, "vpc")
	// Every enabled region has its default VPC, which the scenario does not list as a workload.
	if slices.Contains(enabledRegions, req.Region) {
		def := Resource{Account: req.Account, Region: req.Region, Service: "ec2", Type: "vpc", ID: DefaultVPCID(req.Account, req.Region),
			Attrs: map[string]string{"cidr": "172.31.0.0/16", "isDefault": "true"}}
		vpcs = append([]Resource{def}, vpcs...)
	}
	page, next, err := ec2Select(req, vpcs, "VpcId", "InvalidVpcID.NotFound", "vpc ID", vpcFields, 1000)
	if err != nil {
		return nil, err
	}
	out := describeVpcsOutput{RequestID: req.id, NextToken: next}
	for _, r := range page {
		out.Vpcs = append(out.Vpcs, ec2Vpc{
			VpcID:           r.ID,
			OwnerID:         r.Account,
			State:           "available",
			CidrBlock:       r.attr("cidr", "10.0.0.0/16"),
			DhcpOptionsID:   "dopt-" + hexID(17, r.Account, r.Region, "dhcp"),
			InstanceTenancy: "default",
			IsDefault:       r.Attrs["isDefault"] == "true",
			Tags:            ec2Tags(r.Tags),
		})
	}
	return out, nil
}
