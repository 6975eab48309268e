package export

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// CloudFormationTypes are the AWS::Organizations resource types AWS documents
// in the CloudFormation template reference, each with its documented
// properties and the property that identifies an existing resource for a
// resource import:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/AWS_Organizations.html
// The export emits nothing else; its test holds it to this table.
var CloudFormationTypes = map[string]CloudFormationType{
	cfnOrganization:                      {Properties: []string{"FeatureSet"}, Identifier: "Id"},
	cfnOU:                                {Properties: []string{"Name", "ParentId", "Tags"}, Identifier: "Id"},
	cfnAccount:                           {Properties: []string{"AccountName", "Email", "ParentIds", "RoleName", "Tags"}, Identifier: "AccountId"},
	cfnPolicy:                            {Properties: []string{"Content", "Description", "Name", "Tags", "TargetIds", "Type"}, Identifier: "Id"},
	"AWS::Organizations::ResourcePolicy": {Properties: []string{"Content", "Tags"}, Identifier: "Id"},
	// A design's budgets: AWS documents these in the Budgets and Cost
	// Explorer references (AWS_Budgets.html, AWS_CE.html).
	cfnBudget:   {Properties: []string{"Budget", "NotificationsWithSubscribers", "ResourceTags"}},
	cfnCategory: {Properties: []string{"DefaultValue", "Name", "RuleVersion", "Rules", "SplitChargeRules", "Tags"}, Identifier: "Arn"},
	// A design's access block, in the IAM Identity Center references
	// (AWS_IdentityStore.html, AWS_SSO.html). Users have no type.
	cfnGroup:      {Properties: []string{"Description", "DisplayName", "IdentityStoreId"}, Identifiers: []string{"GroupId", "IdentityStoreId"}},
	cfnMembership: {Properties: []string{"GroupId", "IdentityStoreId", "MemberId"}, Identifiers: []string{"MembershipId", "IdentityStoreId"}},
	cfnPermSet: {Properties: []string{"CustomerManagedPolicyReferences", "Description", "InlinePolicy", "InstanceArn", "ManagedPolicies", "Name",
		"PermissionsBoundary", "RelayStateType", "SessionDuration", "Tags"}, Identifiers: []string{"InstanceArn", "PermissionSetArn"}},
	cfnAssignment: {Properties: []string{"InstanceArn", "PermissionSetArn", "PrincipalId", "PrincipalType", "TargetId", "TargetType"},
		Identifiers: []string{"InstanceArn", "TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId"}},
}

// CloudFormationType is what AWS documents of one resource type.
type CloudFormationType struct {
	Properties []string
	Identifier string
	// Identifiers replaces Identifier for a type whose primary identifier
	// has several properties.
	Identifiers []string
}

// Keys are the properties that identify a resource of the type to import.
func (c CloudFormationType) Keys() []string {
	if len(c.Identifiers) > 0 {
		return c.Identifiers
	}
	if c.Identifier == "" {
		return nil
	}
	return []string{c.Identifier}
}

const (
	cfnOrganization = "AWS::Organizations::Organization"
	cfnOU           = "AWS::Organizations::OrganizationalUnit"
	cfnAccount      = "AWS::Organizations::Account"
	cfnPolicy       = "AWS::Organizations::Policy"
)

// cfnImport is one entry of the file `aws cloudformation create-change-set
// --change-set-type IMPORT --resources-to-import` reads.
type cfnImport struct {
	ResourceType       string            `yaml:"ResourceType"`
	LogicalResourceID  string            `yaml:"LogicalResourceId"`
	ResourceIdentifier map[string]string `yaml:"ResourceIdentifier"`
}

func writeCloudFormation(b *bytes.Buffer, in Input) error {
	t := in.Tree
	resources := mapping()
	var imports []cfnImport
	names := newNamer("")
	addIdent := func(logical, typ string, props *yaml.Node, ident map[string]string, dependsOn ...string) {
		r := mapping()
		put(r, "Type", scalar(typ))
		if len(dependsOn) > 0 {
			deps := sequence()
			for _, d := range dependsOn {
				deps.Content = append(deps.Content, scalar(d))
			}
			put(r, "DependsOn", deps)
		}
		// Retain: deleting the stack must never close an account or drop a
		// guardrail, and CloudFormation imports only resources that say so.
		put(r, "DeletionPolicy", scalar("Retain"))
		put(r, "UpdateReplacePolicy", scalar("Retain"))
		put(r, "Properties", props)
		put(resources, logical, r)
		if ident != nil {
			imports = append(imports, cfnImport{ResourceType: typ, LogicalResourceID: logical, ResourceIdentifier: ident})
		}
	}
	add := func(logical, typ string, props *yaml.Node, id string, dependsOn ...string) {
		var ident map[string]string
		if id != "" {
			ident = map[string]string{CloudFormationTypes[typ].Identifier: id}
		}
		addIdent(logical, typ, props, ident, dependsOn...)
	}

	orgLogical := names.unique("Organization")
	org := mapping()
	put(org, "FeatureSet", scalar("ALL"))
	orgID := ""
	if in.live() {
		orgID = in.Existing.OrganizationID
	}
	add(orgLogical, cfnOrganization, org, orgID)
	rootRef := getAtt(orgLogical, "RootId")

	ouLogical := map[string]string{}
	for _, o := range t.OUs {
		logical := names.unique("OU" + cfnName(o.Path))
		ouLogical[o.Path] = logical
		props := mapping()
		put(props, "Name", scalar(o.Name))
		parent := rootRef
		if p, ok := ouLogical[o.Parent]; ok && o.Parent != "" {
			parent = ref(p)
		}
		put(props, "ParentId", parent)
		id := ""
		if in.Existing != nil {
			id = in.Existing.OUs[o.Path]
		}
		// apply tags every OU and policy it creates: so does the template;
		// one that exists keeps its own.
		if tags := in.declaredTags(id); len(tags) > 0 {
			put(props, "Tags", cfnTags(tags))
		}
		add(logical, cfnOU, props, id)
	}

	var skipped []string
	accountLogical := map[string]string{}
	var created []string // the accounts to create, in order
	for _, a := range t.Accounts {
		existing, exists := in.account(a.Name)
		if !in.managed(a) {
			skipped = append(skipped, fmt.Sprintf("%s (%s) is the management account: it is the organization's own, not a member to declare.", a.Name, firstOf(existing.ID, a.ID)))
			continue
		}
		if a.Kind == orgmodel.AdoptedKind && !exists {
			skipped = append(skipped, fmt.Sprintf("%s (%s) is to be adopted but is not in the organization yet: invite it, then export with --live.", a.Name, firstOf(a.ID, a.Email)))
			continue
		}
		logical := names.unique("Account" + cfnName(a.Name))
		accountLogical[a.Name] = logical
		name, email, tags := in.accountFields(a)
		props := mapping()
		put(props, "AccountName", scalar(name))
		put(props, "Email", scalar(email))
		parent := rootRef
		if p, ok := ouLogical[a.OU]; ok {
			parent = ref(p)
		}
		put(props, "ParentIds", sequence(parent))
		if len(tags) > 0 {
			put(props, "Tags", cfnTags(tags))
		}
		// AWS runs at most 5 account creations at a time and refuses a sixth:
		// each account to create waits for the one five before it.
		var after []string
		if !exists {
			if len(created) >= maxConcurrentCreations {
				after = append(after, created[len(created)-maxConcurrentCreations])
			}
			created = append(created, logical)
		}
		add(logical, cfnAccount, props, existing.ID, after...)
	}

	for _, p := range t.Policies {
		logical := names.unique("Policy" + cfnName(p.Name))
		props := mapping()
		put(props, "Name", scalar(p.Name))
		if p.Description != "" {
			put(props, "Description", scalar(p.Description))
		}
		put(props, "Type", scalar("SERVICE_CONTROL_POLICY"))
		put(props, "Content", jsonNode(p.Content))
		targets := sequence()
		for _, tg := range p.Targets {
			switch {
			case tg.Type == orgmodel.TargetRoot:
				targets.Content = append(targets.Content, rootRef)
			case tg.Type == orgmodel.TargetOU && ouLogical[tg.Name] != "":
				targets.Content = append(targets.Content, ref(ouLogical[tg.Name]))
			case tg.Type == orgmodel.TargetAccount && accountLogical[tg.Name] != "":
				targets.Content = append(targets.Content, ref(accountLogical[tg.Name]))
			case in.targetID(tg) != "":
				targets.Content = append(targets.Content, scalar(in.targetID(tg)))
			default:
				skipped = append(skipped, fmt.Sprintf("%s is attached to %s, which this template does not declare.", p.Name, tg))
			}
		}
		if len(targets.Content) > 0 {
			put(props, "TargetIds", targets)
		}
		id := ""
		if in.Existing != nil {
			id = in.Existing.Policies[p.Name]
		}
		if tags := in.declaredTags(id); len(tags) > 0 {
			put(props, "Tags", cfnTags(tags))
		}
		// CreatePolicy fails until the organization exists.
		add(logical, cfnPolicy, props, id, orgLogical)
	}

	addCloudFormationBudgets(in, names, accountLogical, orgLogical, add, &skipped)
	params := addCloudFormationAccess(in, names, accountLogical, addIdent, &skipped)
	addCloudFormationBaseline(in, names, accountLogical, orgLogical, add, &skipped)

	doc := mapping()
	put(doc, "AWSTemplateFormatVersion", quoted("2010-09-09"))
	what := "OUs, member accounts and guardrail policies"
	if t.Access != nil {
		what += ", and who works where (IAM Identity Center)"
	}
	put(doc, "Description", scalar(fmt.Sprintf("AWS Organization %s: %s (orgwizard export)", firstOf(t.Organization, "as it exists"), what)))
	if len(imports) > 0 {
		var list yaml.Node
		if err := list.Encode(imports); err != nil {
			return err
		}
		meta := mapping()
		put(meta, "OrgwizardResourcesToImport", &list)
		put(doc, "Metadata", meta)
	}
	if params != nil {
		put(doc, "Parameters", params)
	}
	put(doc, "Resources", resources)

	header := []string{
		"Generated by orgwizard export --format cloudformation from " + in.Source + ".",
		"Deploy it from the management account, in us-east-1 (Organizations is global).",
		"AWS::Organizations::Organization creates the organization only in an account that belongs",
		"to none; for an organization that exists, import the resources into a stack instead",
		"(aws cloudformation create-change-set --change-set-type IMPORT --resources-to-import FILE),",
		"with Metadata.OrgwizardResourcesToImport as FILE's content.",
		"Every resource is retained when the stack is deleted: that never closes an account.",
		"Policies depend on the organization, and each account to create on the one five before it:",
		"AWS runs at most five account creations at a time.",
	}
	header = append(header, skipped...)
	for _, l := range header {
		fmt.Fprintf(b, "# %s\n", l)
	}
	enc := yaml.NewEncoder(b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}

// cfnName makes a logical id part: CloudFormation allows letters and digits
// only, so "Workloads/prod/eu" becomes "WorkloadsProdEu".
func cfnName(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		switch {
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			if upper && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	return b.String()
}

func cfnTags(tags map[string]string) *yaml.Node {
	list := sequence()
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		tag := mapping()
		put(tag, "Key", scalar(k))
		put(tag, "Value", scalar(tags[k]))
		list.Content = append(list.Content, tag)
	}
	return list
}

// jsonNode turns a policy document into YAML, keeping its key order: AWS
// recommends the document as an object, not a string, so that drift
// detection works. JSON is YAML, so the YAML decoder reads it.
func jsonNode(content string) *yaml.Node {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(content), &n); err != nil || len(n.Content) == 0 {
		return scalar(content)
	}
	root := n.Content[0]
	if root.Kind != yaml.MappingNode {
		return scalar(content)
	}
	blockStyle(root)
	return root
}

// blockStyle drops JSON's flow style and quoting so that the encoder writes
// the block style the rest of the template uses; it quotes again whatever a
// plain scalar would misread.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	n.Line, n.Column = 0, 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func sequence(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func quoted(s string) *yaml.Node {
	n := scalar(s)
	n.Style = yaml.DoubleQuotedStyle
	return n
}

func put(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, scalar(key), v)
}

// ref and getAtt use the long forms of the intrinsic functions, which any
// YAML reader reads (the short !Ref tags need CloudFormation's own).
func ref(logical string) *yaml.Node {
	m := mapping()
	put(m, "Ref", scalar(logical))
	return m
}

func getAtt(logical, attr string) *yaml.Node {
	m := mapping()
	put(m, "Fn::GetAtt", sequence(scalar(logical), scalar(attr)))
	return m
}
