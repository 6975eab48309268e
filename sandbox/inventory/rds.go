package inventory

import (
	"fmt"
	"strings"
)

func init() {
	register(&service{
		name:            "rds",
		protocol:        queryProtocol{xmlns: "http://rds.amazonaws.com/doc/2014-10-31/"},
		resourceService: "rds",
		invalidParam:    "InvalidParameterValue",
		ops: map[string]operation{
			"DescribeDBInstances": describeDBInstances,
			"DescribeDBClusters":  describeDBClusters,
		},
	})
}

// newDBInstance makes an RDS DB instance. Attrs: engine, engineVersion, instanceClass, status, storage (GiB),
// multiAZ, masterUsername, dbName, clusterId (for a member of an Aurora cluster), availabilityZone,
// encrypted, publiclyAccessible, created.
func newDBInstance(account, region, id string, attrs map[string]string) Resource {
	return Resource{Account: account, Region: region, Service: "rds", Type: "db-instance", ID: id, Name: id,
		ARN: fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, account, id), Attrs: attrs}
}

// newDBCluster makes an Aurora DB cluster. Attrs: engine, engineVersion, status, masterUsername, created.
func newDBCluster(account, region, id string, attrs map[string]string) Resource {
	return Resource{Account: account, Region: region, Service: "rds", Type: "db-cluster", ID: id, Name: id,
		ARN: fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, account, id), Attrs: attrs}
}

var dbInstanceFields = map[string]field{
	"db-instance-id":  idField,
	"db-cluster-id":   attrField("clusterId"),
	"engine":          attrField("engine"),
	"dbi-resource-id": dbiResourceID,
}

var dbClusterFields = map[string]field{
	"db-cluster-id":          idField,
	"engine":                 attrField("engine"),
	"db-cluster-resource-id": func(r Resource) string { return "cluster-" + upperID(26, r.ARN) },
}

func dbiResourceID(r Resource) string { return "db-" + upperID(26, r.ARN) }

// rdsSelect narrows the resources of one type to the identifier the request names (notFound when it names
// one that does not exist), then to its filters, and pages the rest.
func rdsSelect(req *request, typ, idParam string, fields map[string]field, notFound error) ([]Resource, string, error) {
	items := ofType(req.resources, typ)
	if id := req.query.Get(idParam); id != "" {
		var picked []Resource
		for _, r := range items {
			// RDS identifiers are case-insensitive and may also be given as ARNs.
			if strings.EqualFold(r.ID, id) || r.ARN == id {
				picked = append(picked, r)
			}
		}
		if len(picked) == 0 {
			return nil, "", notFound
		}
		items = picked
	}
	items, err := applyFilters(req, items, req.queryFilters("Filters.Filter", "Values.Value"), fields)
	if err != nil {
		return nil, "", err
	}
	return queryPage(req, items, "MaxRecords", "Marker", 100, 20, 100)
}

// rdsPort is the default port of an engine.
func rdsPort(engine string) int {
	switch {
	case strings.Contains(engine, "postgres"):
		return 5432
	case strings.HasPrefix(engine, "sqlserver"):
		return 1433
	case strings.HasPrefix(engine, "oracle"):
		return 1521
	default:
		return 3306
	}
}

// rdsHost is the DNS name RDS gives an instance or cluster: the identifier, the kind of endpoint ("" for an
// instance, "cluster-" or "cluster-ro-"), a per-account-and-region suffix, the region.
func rdsHost(r Resource, kind string) string {
	return r.ID + "." + kind + hexID(12, r.Account, r.Region, "rds-endpoint") + "." + r.Region + ".rds.amazonaws.com"
}

type rdsEndpoint struct {
	Address      string `xml:"Address"`
	Port         int    `xml:"Port"`
	HostedZoneID string `xml:"HostedZoneId"`
}

type rdsInstance struct {
	DBInstanceIdentifier  string      `xml:"DBInstanceIdentifier"`
	DBInstanceClass       string      `xml:"DBInstanceClass"`
	Engine                string      `xml:"Engine"`
	DBInstanceStatus      string      `xml:"DBInstanceStatus"`
	MasterUsername        string      `xml:"MasterUsername"`
	DBName                string      `xml:"DBName,omitempty"`
	Endpoint              rdsEndpoint `xml:"Endpoint"`
	AllocatedStorage      int         `xml:"AllocatedStorage"`
	InstanceCreateTime    string      `xml:"InstanceCreateTime"`
	BackupRetentionPeriod int         `xml:"BackupRetentionPeriod"`
	AvailabilityZone      string      `xml:"AvailabilityZone"`
	MultiAZ               bool        `xml:"MultiAZ"`
	EngineVersion         string      `xml:"EngineVersion"`
	PubliclyAccessible    bool        `xml:"PubliclyAccessible"`
	StorageType           string      `xml:"StorageType"`
	DBClusterIdentifier   string      `xml:"DBClusterIdentifier,omitempty"`
	StorageEncrypted      bool        `xml:"StorageEncrypted"`
	DbiResourceID         string      `xml:"DbiResourceId"`
	DBInstanceArn         string      `xml:"DBInstanceArn"`
	DeletionProtection    bool        `xml:"DeletionProtection"`
	TagList               []keyValue  `xml:"TagList>Tag"`
}

type describeDBInstancesResult struct {
	DBInstances []rdsInstance `xml:"DBInstances>DBInstance"`
	Marker      string        `xml:"Marker,omitempty"`
}

func describeDBInstances(req *request) (any, error) {
	id := req.query.Get("DBInstanceIdentifier")
	page, next, err := rdsSelect(req, "db-instance", "DBInstanceIdentifier", dbInstanceFields,
		notFound("DBInstanceNotFound", fmt.Sprintf("DBInstance %s not found.", id)))
	if err != nil {
		return nil, err
	}
	out := describeDBInstancesResult{Marker: next}
	for _, r := range page {
		engine := r.attr("engine", "postgres")
		out.DBInstances = append(out.DBInstances, rdsInstance{
			DBInstanceIdentifier:  r.ID,
			DBInstanceClass:       r.attr("instanceClass", "db.t3.micro"),
			Engine:                engine,
			DBInstanceStatus:      r.attr("status", "available"),
			MasterUsername:        r.attr("masterUsername", "admin"),
			DBName:                r.Attrs["dbName"],
			Endpoint:              rdsEndpoint{Address: rdsHost(r, ""), Port: rdsPort(engine), HostedZoneID: "Z29XKXDKYMONMX"},
			AllocatedStorage:      r.intAttr("storage", 20),
			InstanceCreateTime:    isoTime(r.created()),
			BackupRetentionPeriod: 7,
			AvailabilityZone:      r.attr("availabilityZone", r.Region+"a"),
			MultiAZ:               r.Attrs["multiAZ"] == "true",
			EngineVersion:         r.attr("engineVersion", "16.4"),
			PubliclyAccessible:    r.Attrs["publiclyAccessible"] == "true",
			StorageType:           "gp3",
			DBClusterIdentifier:   r.Attrs["clusterId"],
			StorageEncrypted:      r.Attrs["encrypted"] == "true",
			DbiResourceID:         dbiResourceID(r),
			DBInstanceArn:         r.ARN,
			TagList:               sortedTags(r.Tags),
		})
	}
	return out, nil
}

type rdsClusterMember struct {
	DBInstanceIdentifier string `xml:"DBInstanceIdentifier"`
	IsClusterWriter      bool   `xml:"IsClusterWriter"`
}

type rdsCluster struct {
	DBClusterIdentifier string             `xml:"DBClusterIdentifier"`
	DBClusterArn        string             `xml:"DBClusterArn"`
	Status              string             `xml:"Status"`
	Engine              string             `xml:"Engine"`
	EngineVersion       string             `xml:"EngineVersion"`
	EngineMode          string             `xml:"EngineMode"`
	Endpoint            string             `xml:"Endpoint"`
	ReaderEndpoint      string             `xml:"ReaderEndpoint"`
	Port                int                `xml:"Port"`
	MasterUsername      string             `xml:"MasterUsername"`
	MultiAZ             bool               `xml:"MultiAZ"`
	ClusterCreateTime   string             `xml:"ClusterCreateTime"`
	DbClusterResourceID string             `xml:"DbClusterResourceId"`
	StorageEncrypted    bool               `xml:"StorageEncrypted"`
	Members             []rdsClusterMember `xml:"DBClusterMembers>DBClusterMember"`
	TagList             []keyValue         `xml:"TagList>Tag"`
}

type describeDBClustersResult struct {
	DBClusters []rdsCluster `xml:"DBClusters>DBCluster"`
	Marker     string       `xml:"Marker,omitempty"`
}

func describeDBClusters(req *request) (any, error) {
	id := req.query.Get("DBClusterIdentifier")
	page, next, err := rdsSelect(req, "db-cluster", "DBClusterIdentifier", dbClusterFields,
		notFound("DBClusterNotFoundFault", fmt.Sprintf("DBCluster %s not found.", id)))
	if err != nil {
		return nil, err
	}
	instances := ofType(req.resources, "db-instance")
	out := describeDBClustersResult{Marker: next}
	for _, r := range page {
		engine := r.attr("engine", "aurora-postgresql")
		c := rdsCluster{
			DBClusterIdentifier: r.ID,
			DBClusterArn:        r.ARN,
			Status:              r.attr("status", "available"),
			Engine:              engine,
			EngineVersion:       r.attr("engineVersion", "16.4"),
			EngineMode:          "provisioned",
			Endpoint:            rdsHost(r, "cluster-"),
			ReaderEndpoint:      rdsHost(r, "cluster-ro-"),
			Port:                rdsPort(engine),
			MasterUsername:      r.attr("masterUsername", "admin"),
			ClusterCreateTime:   isoTime(r.created()),
			DbClusterResourceID: dbClusterFields["db-cluster-resource-id"](r),
			StorageEncrypted:    true,
			TagList:             sortedTags(r.Tags),
		}
		for _, inst := range instances {
			if inst.Attrs["clusterId"] == r.ID {
				// The first member listed is the writer, as after the cluster's first instance was created.
				c.Members = append(c.Members, rdsClusterMember{DBInstanceIdentifier: inst.ID, IsClusterWriter: len(c.Members) == 0})
			}
		}
		c.MultiAZ = len(c.Members) > 1
		out.DBClusters = append(out.DBClusters, c)
	}
	return out, nil
}
