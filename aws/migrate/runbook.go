package migrate

import (
	"bufio"
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// Way is AWS's documented way to move one kind of resource to another account.
type Way struct {
	Summary string   // one line
	Steps   []string // in order
	Docs    []string // AWS documentation
}

// wayKey is service/type, as inventory names them.
var ways = map[string]Way{
	"ec2/instance": {
		Summary: "Create an AMI, share it with the member account, launch from it there, then stop and terminate the original.",
		Steps: []string{
			"Create an AMI of the instance (aws ec2 create-image); its EBS snapshots come with it.",
			"Share the AMI with the member account (aws ec2 modify-image-attribute --launch-permission), and its snapshots; with a customer-managed KMS key, share the key too (the default EBS key cannot be shared: copy the snapshot with a key of your own first).",
			"In the member account, launch an instance from the shared AMI in the same region, with the same instance type, security groups and IAM role recreated there.",
			"Switch traffic (DNS, load balancer target), check, then stop and terminate the original.",
		},
		Docs: []string{"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html",
			"https://repost.aws/knowledge-center/account-transfer-ec2-instance"},
	},
	"ec2/volume": {
		Summary: "Snapshot the volume, share the snapshot with the member account, create a volume from it there.",
		Steps: []string{
			"Create a snapshot (aws ec2 create-snapshot); a volume attached to an instance moves with the instance's AMI instead.",
			"Share it (aws ec2 modify-snapshot-attribute --create-volume-permission); an encrypted snapshot needs a customer-managed KMS key shared with the member account.",
			"In the member account, copy the shared snapshot (so it no longer depends on this account) and create the volume from the copy in the right availability zone.",
			"Delete the original volume and snapshot once the copy is in use.",
		},
		Docs: []string{"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html"},
	},
	"ec2/vpc": {
		Summary: "A VPC does not move: recreate it (same CIDR, subnets, routes) in the member account, ideally from infrastructure as code.",
		Steps: []string{
			"Describe the VPC, subnets, route tables, gateways and security groups, or export them to Terraform or CloudFormation.",
			"Recreate them in the member account (or share subnets from a network account with AWS RAM).",
			"Delete the VPC here once nothing uses it.",
		},
		Docs: []string{"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html"},
	},
	"sqs/queue": {
		Summary: "A queue does not move: create it in the member account, switch the producers, drain this one, then delete it.",
		Steps: []string{
			"Create the queue in the member account with the same attributes (visibility timeout, retention, dead-letter queue, encryption).",
			"Point the producers at the new queue; let the consumers read both until this one is empty (a queue policy here can let the member account's consumers in).",
			"Delete this queue once it stays empty.",
		},
		Docs: []string{"https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html"},
	},
	"s3/bucket": {
		Summary: "Create a bucket in the member account and copy the objects with S3 Batch Replication (or Batch Operations copy); bucket names move only by deleting and recreating.",
		Steps: []string{
			"Create the destination bucket in the member account, same region, versioning on.",
			"Set up replication from this bucket to it (with a bucket policy in the destination that allows this account's replication role), and run S3 Batch Replication for the existing objects; or copy them with S3 Batch Operations.",
			"Point the applications at the new bucket; if the name must stay, empty and delete the old bucket, wait, and create it again in the member account.",
		},
		Docs: []string{"https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html",
			"https://repost.aws/knowledge-center/copy-s3-objects-account"},
	},
	"rds/db-instance": {
		Summary: "Take a snapshot, share it with the member account, restore it there.",
		Steps: []string{
			"Take a manual snapshot (aws rds create-db-snapshot). An encrypted snapshot must use a customer-managed KMS key shared with the member account (copy it with one if it uses the default key).",
			"Share it (aws rds modify-db-snapshot-attribute --attribute-name restore --values-to-add MEMBER_ACCOUNT_ID).",
			"In the member account, copy the shared snapshot and restore a DB instance from it; for little downtime, keep it in sync with AWS DMS until the cut-over.",
			"Delete the original once the applications use the new one (keep a final snapshot).",
		},
		Docs: []string{"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html",
			"https://repost.aws/knowledge-center/rds-snapshots-share-account"},
	},
	"rds/db-cluster": {
		Summary: "Share a cluster snapshot with the member account and restore it there (or clone across accounts with AWS RAM for Aurora).",
		Steps: []string{
			"Take a cluster snapshot (aws rds create-db-cluster-snapshot) with a customer-managed KMS key shared with the member account.",
			"Share it (aws rds modify-db-cluster-snapshot-attribute) and restore it in the member account.",
			"Delete the original once the applications use the new one.",
		},
		Docs: []string{"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-share-snapshot.html",
			"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Clone.html#Aurora.Managing.Clone.Cross-Account"},
	},
	"dynamodb/table": {
		Summary: "Export the table to S3, then import it into a new table in the member account.",
		Steps: []string{
			"Turn on point-in-time recovery, and export the table to an S3 bucket the member account can read (aws dynamodb export-table-to-point-in-time, with --s3-bucket-owner for a bucket in the member account).",
			"In the member account, create the table from the export (aws dynamodb import-table).",
			"Replay the writes made since the export (or stop writes during the cut-over), switch the applications, delete the original.",
		},
		Docs: []string{"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.HowItWorks.html",
			"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataImport.HowItWorks.html"},
	},
	"lambda/function": {
		Summary: "Redeploy the function in the member account from its code and configuration (functions do not move between accounts).",
		Steps: []string{
			"Download the code and configuration (aws lambda get-function), or better deploy it from its pipeline or infrastructure as code.",
			"Recreate its execution role, triggers, environment and secrets in the member account, and deploy there.",
			"Move the event sources (API Gateway, S3 notifications, schedules) to the new function, then delete the original.",
		},
		Docs: []string{"https://repost.aws/knowledge-center/lambda-function-migration-aws-sam"},
	},
	"ecs/cluster": {
		Summary: "Recreate the cluster and its services in the member account from their task definitions; share container images through ECR.",
		Steps: []string{
			"Allow the member account to pull from this account's ECR repositories (a repository policy), or replicate them (ECR cross-account replication).",
			"Register the task definitions and create the services in a new cluster in the member account.",
			"Move the traffic, scale the old services to zero, delete the cluster.",
		},
		Docs: []string{"https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html"},
	},
	"eks/cluster": {
		Summary: "Create a new cluster in the member account and redeploy the workloads to it; back up and restore state with a tool such as Velero.",
		Steps: []string{
			"Create the cluster in the member account (from infrastructure as code).",
			"Redeploy the workloads; move persistent volumes through EBS snapshots shared with the member account.",
			"Switch the traffic, then delete the old cluster.",
		},
		Docs: []string{"https://docs.aws.amazon.com/eks/latest/userguide/create-cluster.html"},
	},
	"cloudfront/distribution": {
		Summary: "Create the distribution in the member account and move its alternate domain names to it.",
		Steps: []string{
			"Create a distribution with the same origins and behaviours in the member account (its origins moved first).",
			"Move the alternate domain names (CNAMEs) with CloudFront's associate-alias, proving control through a DNS TXT record.",
			"Disable and delete the original distribution.",
		},
		Docs: []string{"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html"},
	},
	"route53/hostedzone": {
		Summary: "Migrate the hosted zone: create it in the member account, copy the records, then change the registrar's name servers.",
		Steps: []string{
			"List the records (aws route53 list-resource-record-sets) and create a hosted zone of the same name in the member account.",
			"Create the records there (edit the alias targets that point at resources in this account).",
			"Lower the TTL of the NS record, then change the domain's name servers at the registrar to the new zone's; wait for the old TTL to pass, then delete the old zone.",
		},
		Docs: []string{"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zones-migrating.html"},
	},
	"iam/user": {
		Summary: "Replace the IAM user and its long-lived access keys with IAM Identity Center (people) or a role (machines) in the member account.",
		Steps: []string{
			"For a person: create them in IAM Identity Center and give them a permission set on the member accounts they need.",
			"For a machine (CI, an application): create a role in the member account and let it be assumed by OIDC federation (GitHub Actions, GitLab) or the workload's own role.",
			"Switch the user's callers to the new credentials, deactivate the access keys, watch for failures for a while, then delete the keys and the user.",
		},
		Docs: []string{"https://docs.aws.amazon.com/singlesignon/latest/userguide/getting-started.html",
			"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console"},
	},
}

// genericWay is for a resource type without a documented move of its own.
var genericWay = Way{
	Summary: "Recreate the resource in the member account (from infrastructure as code when it exists), move its data and callers, then delete it here.",
	Steps: []string{
		"Find the service's guide for cross-account migration, or recreate the resource from its configuration.",
		"Move its data and callers, then delete the original.",
	},
	Docs: []string{"https://docs.aws.amazon.com/prescriptive-guidance/latest/migration-aws-environment/welcome.html"},
}

// WayFor returns how to move a resource of the item's kind.
func WayFor(it inventory.Item) Way {
	if w, ok := ways[it.Service+"/"+it.Type]; ok {
		return w
	}
	return genericWay
}

// Destination is a member account a resource can move to.
type Destination struct {
	Name string // the account's name in the design
	ID   string // empty while the account does not exist yet
}

func (d Destination) String() string {
	if d.ID == "" {
		return d.Name
	}
	return d.Name + " (" + d.ID + ")"
}

// Suggest proposes a member account for an item from its tags and the
// design: a tag naming a workload or an environment picks the account of that
// workload and environment (production accounts per residency by the item's
// region). It returns false when the tags do not decide.
func Suggest(it inventory.Item, tree *orgmodel.Tree, residencyOf func(region string) string) (string, bool) {
	if tree == nil {
		return "", false
	}
	workload, env := "", ""
	for k, v := range it.Tags {
		lk, lv := strings.ToLower(k), strings.ToLower(v)
		switch lk {
		case "workload", "app", "application", "service", "team", "project":
			if workload == "" {
				workload = lv
			}
		case "environment", "env", "stage":
			env = normalEnv(lv)
		}
	}
	var candidates []orgmodel.Account
	for _, a := range tree.Accounts {
		if a.Kind != orgmodel.WorkloadAccount {
			continue
		}
		if workload != "" && a.Workload != workload {
			continue
		}
		if env != "" && a.Environment != env {
			continue
		}
		if workload == "" && env == "" {
			continue
		}
		candidates = append(candidates, a)
	}
	if len(candidates) > 1 && residencyOf != nil {
		if r := residencyOf(it.Region); r != "" {
			candidates = slices.DeleteFunc(candidates, func(a orgmodel.Account) bool { return a.Residency != "" && a.Residency != r })
		}
	}
	if len(candidates) == 1 {
		return candidates[0].Name, true
	}
	return "", false
}

func normalEnv(v string) string {
	switch v {
	case "production", "prd", "live":
		return "prod"
	case "development":
		return "dev"
	case "stage", "stg":
		return "staging"
	}
	return v
}

// Assignment maps an item's key (Item.Key) or id to the account it moves to.
type Assignment map[string]string

// For returns the account assigned to an item, by key, then id, then name.
func (a Assignment) For(it inventory.Item) string {
	for _, k := range []string{it.Key(), it.ID, it.Name} {
		if v, ok := a[k]; ok && k != "" {
			return v
		}
	}
	return ""
}

// ParseAssignments reads RESOURCE=ACCOUNT lines (# comments and blank lines
// ignored), as --assign and the assignment file give them.
func ParseAssignments(text string) (Assignment, error) {
	a := Assignment{}
	sc := bufio.NewScanner(strings.NewReader(text))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// The resource may be an ARN, full of ':' but never of '='.
		res, acct, ok := strings.Cut(line, "=")
		res, acct = strings.TrimSpace(res), strings.TrimSpace(acct)
		if !ok || res == "" || acct == "" {
			return nil, fmt.Errorf("line %d: %q is not RESOURCE=ACCOUNT", n, line)
		}
		a[res] = acct
	}
	return a, sc.Err()
}

// RunbookInput is what the runbook is written from.
type RunbookInput struct {
	Account   string // the management account the resources leave
	Target    string // where the inventory was taken, for the reader
	Inventory *inventory.Result
	Design    *orgmodel.Tree // may be nil
	Assign    Assignment
	// ResidencyOf maps a region to the design's residency, for suggestions.
	ResidencyOf func(region string) string
}

// RunbookEntry is one resource and where it goes.
type RunbookEntry struct {
	Item      inventory.Item
	To        string // account name or id; empty when undecided
	Suggested bool   // To came from the tags, not from an assignment
	Way       Way
	// Warning says why the destination cannot take the resource as it is
	// (its region is outside what the account's guardrails allow); empty
	// when nothing is wrong.
	Warning string
}

// RegionWarning says when a resource's region is outside what the
// destination account's guardrails (the design's region locks) allow: moved
// there as it is, it could not be recreated or used. Global resources and
// accounts without a region lock never warn.
func RegionWarning(it inventory.Item, to string, tree *orgmodel.Tree) string {
	if to == "" || it.Region == "" || it.Region == inventory.GlobalRegion {
		return ""
	}
	allowed, locked := tree.AllowedRegions(to)
	if !locked || slices.Contains(allowed, it.Region) {
		return ""
	}
	return fmt.Sprintf("%s is outside the regions %s's guardrails allow (%s): move it to one of those regions on the way, or choose an account whose region lock allows %s",
		it.Region, to, strings.Join(allowed, ", "), it.Region)
}

// Entries decides the destination of every item.
func Entries(in RunbookInput) []RunbookEntry {
	var out []RunbookEntry
	if in.Inventory == nil {
		return nil
	}
	for _, it := range in.Inventory.Items {
		e := RunbookEntry{Item: it, Way: WayFor(it)}
		if to := in.Assign.For(it); to != "" {
			e.To = to
		} else if to, ok := Suggest(it, in.Design, in.ResidencyOf); ok {
			e.To, e.Suggested = to, true
		}
		e.Warning = RegionWarning(it, e.To, in.Design)
		out = append(out, e)
	}
	return out
}

// itemMarker tags each resource in the Markdown so that the audit can tell,
// from the runbook alone, which of its resources are gone.
const itemMarker = "<!-- orgwizard:item "

// Runbook writes way (b) as Markdown: each resource, the account it moves
// to, and AWS's documented way to move it, grouped by destination.
func Runbook(in RunbookInput) string {
	entries := Entries(in)
	var b strings.Builder
	fmt.Fprintf(&b, "# Moving the workloads out of the management account %s\n\n", in.Account)
	b.WriteString("The management account should run nothing: service control policies never restrict it, so whatever runs\n")
	b.WriteString("there escapes every guardrail, and anyone who can manage its workloads is close to managing the organization.\n")
	b.WriteString("Move each resource below to the member account named for it, in the order that suits your cut-overs, then\n")
	b.WriteString("run `orgwizard audit --runbook THIS_FILE` again: it shows how many are gone, until the account is clean.\n\n")
	if in.Target != "" {
		fmt.Fprintf(&b, "Inventory taken on: %s\n\n", in.Target)
	}
	if in.Inventory != nil && !in.Inventory.Complete() {
		b.WriteString("**The inventory is incomplete.** These listings did not answer, so resources there are not below:\n\n")
		for _, p := range in.Inventory.Problems {
			fmt.Fprintf(&b, "- %s in %s: %s\n", p.Service, p.Region, p.Kind)
		}
		b.WriteString("\n")
	}
	if len(entries) == 0 {
		b.WriteString("Nothing to move: the inventory found no resource.\n")
		return b.String()
	}
	undecided, outside := 0, 0
	for _, e := range entries {
		if e.To == "" {
			undecided++
		}
		if e.Warning != "" {
			outside++
		}
	}
	fmt.Fprintf(&b, "%d resources to move", len(entries))
	if undecided > 0 {
		fmt.Fprintf(&b, "; %d have no destination yet (choose one with `--assign RESOURCE=ACCOUNT` and write the runbook again)", undecided)
	}
	b.WriteString(".\n")
	if outside > 0 {
		fmt.Fprintf(&b, "\n**Warning: %d resources go to an account whose region lock does not allow their region** (marked ⚠ below):\n"+
			"there they could not be recreated as they are. Choose another account, or plan to move them to an allowed region.\n", outside)
	}
	b.WriteString("\n## Summary\n\n| resource | region | destination | how |\n|---|---|---|---|\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "| %s `%s` | %s | %s | %s |\n", e.Item.Type, mdEscape(e.Item.Name), e.Item.Region, destination(e), mdEscape(e.Way.Summary))
	}
	// Details, grouped by destination, undecided last.
	groups := map[string][]RunbookEntry{}
	var order []string
	for _, e := range entries {
		if _, ok := groups[e.To]; !ok {
			order = append(order, e.To)
		}
		groups[e.To] = append(groups[e.To], e)
	}
	slices.SortFunc(order, func(x, y string) int {
		switch {
		case x == y:
			return 0
		case x == "":
			return 1
		case y == "":
			return -1
		}
		return strings.Compare(x, y)
	})
	for _, to := range order {
		if to == "" {
			b.WriteString("\n## No destination chosen yet\n")
		} else {
			fmt.Fprintf(&b, "\n## To %s\n", to)
		}
		for _, e := range groups[to] {
			it := e.Item
			fmt.Fprintf(&b, "\n### %s %s `%s` (%s)\n%s%s -->\n\n", it.Service, it.Type, mdEscape(it.Name), it.Region, itemMarker, it.Key())
			fmt.Fprintf(&b, "- [ ] moved\n- id: `%s`", it.ID)
			if it.ARN != "" {
				fmt.Fprintf(&b, ", ARN `%s`", it.ARN)
			}
			b.WriteString("\n")
			if it.Detail != "" {
				fmt.Fprintf(&b, "- %s\n", mdEscape(it.Detail))
			}
			if e.Suggested {
				b.WriteString("- destination suggested by its tags; confirm with --assign\n")
			}
			if e.Warning != "" {
				fmt.Fprintf(&b, "- ⚠ **%s**\n", mdEscape(e.Warning))
			}
			fmt.Fprintf(&b, "\n%s\n\n", e.Way.Summary)
			for i, s := range e.Way.Steps {
				fmt.Fprintf(&b, "%d. %s\n", i+1, s)
			}
			b.WriteString("\nAWS documentation: ")
			for i, d := range e.Way.Docs {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "<%s>", d)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func destination(e RunbookEntry) string {
	to := mdEscape(e.To)
	switch {
	case e.To == "":
		return "**to choose**"
	case e.Suggested:
		to += " (suggested)"
	}
	if e.Warning != "" {
		to += " ⚠ region not allowed there"
	}
	return to
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// RunbookKeys reads back the resources a runbook lists.
func RunbookKeys(markdown string) []string {
	var keys []string
	for line := range strings.SplitSeq(markdown, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), itemMarker); ok {
			keys = append(keys, strings.TrimSpace(strings.TrimSuffix(rest, "-->")))
		}
	}
	return keys
}
