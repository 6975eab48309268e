package inventory

import "maps"

// DirtyResources returns the workloads the dirty-management scenario's management account runs: the shop a
// small company built in the account that is about to become its organization's management account, before
// anyone told it not to. EC2 instances with their volumes, a non-default VPC, S3 buckets, RDS instances,
// DynamoDB tables, Lambda functions, an ECS cluster and an SQS queue in eu-west-1 and us-east-1, plus the global ones: an
// IAM user with access keys, a Route 53 hosted zone and a CloudFront distribution. Ids derive from the
// account, so two scenarios never share one and the same scenario always has the same.
func DirtyResources(account string) []Resource {
	const eu, us = "eu-west-1", "us-east-1"
	prod := map[string]string{"Environment": "production", "Team": "shop", "CostCenter": "CC-1042"}
	tags := func(extra ...string) map[string]string {
		t := maps.Clone(prod)
		for i := 0; i+1 < len(extra); i += 2 {
			t[extra[i]] = extra[i+1]
		}
		return t
	}

	vpc := newVPC(account, eu, "shop-prod", "10.20.0.0/16")
	vpc.Tags = tags("Name", "shop-prod")
	vpc.Attrs["created"] = "2023-03-02T10:14:00Z"
	subnet := "subnet-" + hexID(17, account, eu, "subnet", "shop-prod-private-a")

	web1 := newInstance(account, eu, "shop-web-1", map[string]string{"state": "running", "instanceType": "t3.medium",
		"imageId": "ami-0d64bb532e0502c46", "availabilityZone": "eu-west-1a", "vpcId": vpc.ID, "subnetId": subnet,
		"privateIp": "10.20.1.17", "keyName": "shop-deploy", "created": "2023-03-02T11:05:41Z"})
	web2 := newInstance(account, eu, "shop-web-2", map[string]string{"state": "running", "instanceType": "t3.medium",
		"imageId": "ami-0d64bb532e0502c46", "availabilityZone": "eu-west-1a", "vpcId": vpc.ID, "subnetId": subnet,
		"privateIp": "10.20.1.54", "keyName": "shop-deploy", "created": "2023-03-02T11:05:43Z"})
	bastion := newInstance(account, eu, "bastion", map[string]string{"state": "stopped", "instanceType": "t3.micro",
		"imageId": "ami-0d64bb532e0502c46", "availabilityZone": "eu-west-1a", "vpcId": vpc.ID, "subnetId": subnet,
		"privateIp": "10.20.0.9", "keyName": "ops-admin", "created": "2023-02-27T16:22:10Z"})
	reporting := newInstance(account, us, "legacy-reporting", map[string]string{"state": "running", "instanceType": "m5.large",
		"imageId": "ami-0953476d60561c955", "availabilityZone": "us-east-1b", "vpcId": DefaultVPCID(account, us),
		"privateIp": "172.31.18.201", "created": "2021-11-08T08:47:12Z"})
	web1.Tags = tags("Name", "shop-web-1", "Role", "web")
	web2.Tags = tags("Name", "shop-web-2", "Role", "web")
	bastion.Tags = tags("Name", "bastion", "Role", "bastion")
	reporting.Tags = map[string]string{"Name": "legacy-reporting", "Owner": "finance"}

	volume := func(inst Resource, name, size, device string) Resource {
		v := newVolume(account, inst.Region, name, map[string]string{"size": size, "volumeType": "gp3",
			"availabilityZone": inst.Attrs["availabilityZone"], "instanceId": inst.ID, "device": device,
			"encrypted": "true", "created": inst.Attrs["created"]})
		v.Tags = maps.Clone(inst.Tags)
		v.Tags["Name"] = name
		return v
	}

	// The oldest machine predates the account's default EBS encryption.
	reportingRoot := volume(reporting, "legacy-reporting-root", "50", "/dev/xvda")
	reportingRoot.Attrs["encrypted"] = "false"
	resources := []Resource{
		vpc, web1, web2, bastion, reporting, reportingRoot,
		volume(web1, "shop-web-1-root", "20", "/dev/xvda"),
		volume(web1, "shop-web-1-uploads", "100", "/dev/sdf"),
		volume(web2, "shop-web-2-root", "20", "/dev/xvda"),
		volume(bastion, "bastion-root", "8", "/dev/xvda"),
	}

	assets := newBucket(account, eu, "shop-prod-assets-"+account, tags())
	assets.Attrs = map[string]string{"created": "2023-03-01T09:12:00Z"}
	backups := newBucket(account, eu, "shop-db-backups-"+account, tags("Retention", "35d"))
	backups.Attrs = map[string]string{"created": "2023-03-05T14:40:00Z"}
	trail := newBucket(account, us, "cloudtrail-logs-"+account, nil)
	trail.Attrs = map[string]string{"created": "2021-06-14T07:03:00Z"}
	reports := newBucket(account, us, "finance-reports-"+account, map[string]string{"Owner": "finance"})
	reports.Attrs = map[string]string{"created": "2021-11-08T08:30:00Z"}
	resources = append(resources, assets, backups, trail, reports)

	orders := newDBInstance(account, eu, "shop-orders", map[string]string{"engine": "postgres", "engineVersion": "16.4",
		"instanceClass": "db.t3.medium", "storage": "100", "multiAZ": "true", "masterUsername": "shop", "dbName": "orders",
		"availabilityZone": "eu-west-1a", "encrypted": "true", "created": "2023-03-02T10:40:00Z"})
	orders.Tags = tags("Name", "shop-orders")
	analytics := newDBInstance(account, us, "analytics-mysql", map[string]string{"engine": "mysql", "engineVersion": "8.0.39",
		"instanceClass": "db.m5.large", "storage": "200", "masterUsername": "admin", "availabilityZone": "us-east-1b",
		"publiclyAccessible": "true", "created": "2021-11-09T12:00:00Z"})
	analytics.Tags = map[string]string{"Owner": "finance"}
	resources = append(resources, orders, analytics)

	sessions := newTable(account, eu, "shop-sessions", map[string]string{"hashKey": "session_id", "billingMode": "PAY_PER_REQUEST",
		"itemCount": "48211", "sizeBytes": "19284400", "created": "2023-03-03T08:00:00Z"})
	sessions.Tags = tags()
	carts := newTable(account, eu, "shop-carts", map[string]string{"hashKey": "customer_id", "rangeKey": "added_at", "rangeKeyType": "N",
		"billingMode": "PROVISIONED", "readCapacity": "10", "writeCapacity": "5", "itemCount": "9120", "sizeBytes": "2188800",
		"created": "2023-03-03T08:02:00Z"})
	carts.Tags = tags()
	flags := newTable(account, us, "feature-flags", map[string]string{"hashKey": "flag", "billingMode": "PAY_PER_REQUEST",
		"itemCount": "37", "sizeBytes": "5120", "created": "2022-04-19T15:30:00Z"})
	resources = append(resources, sessions, carts, flags)

	thumbs := newFunction(account, eu, "shop-image-resizer", map[string]string{"runtime": "python3.12", "handler": "resize.handler",
		"memory": "1024", "timeout": "30", "codeSize": "5242880", "description": "Makes product thumbnails on upload",
		"created": "2024-02-12T10:21:33Z"})
	thumbs.Tags = tags()
	webhook := newFunction(account, eu, "shop-payment-webhook", map[string]string{"runtime": "nodejs20.x", "handler": "index.handler",
		"memory": "256", "timeout": "10", "codeSize": "830412", "description": "Receives payment provider callbacks",
		"created": "2024-05-28T17:02:09Z"})
	webhook.Tags = tags()
	nightly := newFunction(account, us, "nightly-finance-export", map[string]string{"runtime": "python3.9", "handler": "export.main",
		"memory": "512", "timeout": "900", "codeSize": "120334", "created": "2022-01-10T06:45:00Z"})
	nightly.Tags = map[string]string{"Owner": "finance"}
	resources = append(resources, thumbs, webhook, nightly)

	cluster := newECSCluster(account, eu, "shop-workers", tags())
	cluster.Attrs = map[string]string{"created": "2024-09-03T13:00:00Z"}
	resources = append(resources, cluster)

	// The founder made ci-deployer with console access to try the pipeline out, and rotated its first key
	// out without deleting it: a console password and one active key are still ways in.
	deployer := newUser(account, "ci-deployer", map[string]string{"accessKeys": "2", "keyStatus": "Inactive,Active",
		"password": "2023-02-27T15:58:00Z", "created": "2023-02-27T15:58:00Z"})
	deployer.Tags = map[string]string{"Team": "shop", "Purpose": "deploys from CI"}
	zone := newHostedZone(account, "shop.example.com", map[string]string{"recordCount": "14", "created": "2023-03-01T08:00:00Z"})
	zone.Tags = tags()
	cdn := newDistribution(account, "shop-assets", map[string]string{"origin": assets.ID + ".s3.eu-west-1.amazonaws.com",
		"aliases": "static.shop.example.com", "comment": "Product images and scripts", "created": "2023-03-06T12:00:00Z"})
	cdn.Tags = tags()
	// A queue no listing of the sweep covers, and untagged, so that the tagging API misses it too: only
	// Resource Explorer, where the account has turned it on (see ResourceExplorerSetup), finds it.
	events := Resource{Account: account, Region: eu, Service: "sqs", Type: "queue", ID: "shop-order-events", Name: "shop-order-events",
		ARN: "arn:aws:sqs:" + eu + ":" + account + ":shop-order-events", Attrs: map[string]string{"created": "2024-09-03T13:10:00Z"}}
	return append(resources, events, deployer, zone, cdn)
}
