package export

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// The hashicorp/aws resource types of the design's access block (IAM
// Identity Center), and the import id each takes, as the provider documents
// it (and as the round-trip tests run it):
//
//	aws_identitystore_group                   IDENTITY_STORE_ID/GROUP_ID
//	aws_identitystore_user                    IDENTITY_STORE_ID/USER_ID
//	aws_identitystore_group_membership        IDENTITY_STORE_ID/MEMBERSHIP_ID
//	aws_ssoadmin_permission_set               PERMISSION_SET_ARN,INSTANCE_ARN
//	aws_ssoadmin_managed_policy_attachment    POLICY_ARN,PERMISSION_SET_ARN,INSTANCE_ARN
//	aws_ssoadmin_permission_set_inline_policy PERMISSION_SET_ARN,INSTANCE_ARN
//	aws_ssoadmin_account_assignment           PRINCIPAL_ID,PRINCIPAL_TYPE,TARGET_ID,TARGET_TYPE,PERMISSION_SET_ARN,INSTANCE_ARN
const (
	tfGroup        = "aws_identitystore_group"
	tfUser         = "aws_identitystore_user"
	tfMembership   = "aws_identitystore_group_membership"
	tfPermSet      = "aws_ssoadmin_permission_set"
	tfManagedPol   = "aws_ssoadmin_managed_policy_attachment"
	tfInlinePolicy = "aws_ssoadmin_permission_set_inline_policy"
	tfAssignment   = "aws_ssoadmin_account_assignment"
)

// userEmailType is the type apply gives a user's one email address.
const userEmailType = "work"

// access returns what Identity Center holds, when the export is live and
// the organization has an instance; nil otherwise.
func (in Input) access() *orgmodel.ActualAccess {
	if in.Existing == nil || in.Existing.Access == nil || in.Existing.Access.InstanceARN == "" {
		return nil
	}
	return in.Existing.Access
}

// accessRegion is the region Identity Center's resources live in: the
// instance's, or for one to come the home region (where orgwizard tells the
// user to turn it on).
func (in Input) accessRegion() string {
	if a := in.access(); a != nil && a.Region != "" {
		return a.Region
	}
	return firstOf(in.Tree.HomeRegion, "us-east-1")
}

func (in Input) existingGroup(name string) (orgmodel.ActualGroup, bool) {
	if a := in.access(); a != nil {
		for _, g := range a.Groups {
			if g.Name == name {
				return g, true
			}
		}
	}
	return orgmodel.ActualGroup{}, false
}

func (in Input) existingUser(userName string) (orgmodel.ActualUser, bool) {
	if a := in.access(); a != nil {
		for _, u := range a.Users {
			if strings.EqualFold(u.UserName, userName) {
				return u, true
			}
		}
	}
	return orgmodel.ActualUser{}, false
}

func (in Input) existingPermissionSet(name string) (orgmodel.ActualPermissionSet, bool) {
	if a := in.access(); a != nil {
		for _, p := range a.PermissionSets {
			if p.Name == name {
				return p, true
			}
		}
	}
	return orgmodel.ActualPermissionSet{}, false
}

// membershipID returns the id of the membership of the user in the group,
// when both and it exist.
func (in Input) membershipID(group, userName string) string {
	g, ok := in.existingGroup(group)
	u, uok := in.existingUser(userName)
	if !ok || !uok {
		return ""
	}
	return g.MembershipIDs[u.ID]
}

// assignmentExists reports whether the group has the permission set in the
// account, by ids.
func (in Input) assignmentExists(accountID, permissionSetARN, groupID string) bool {
	a := in.access()
	if a == nil || accountID == "" || permissionSetARN == "" || groupID == "" {
		return false
	}
	for _, as := range a.Assignments {
		if as.AccountID == accountID && as.PermissionSetARN == permissionSetARN && as.PrincipalType == "GROUP" && as.PrincipalID == groupID {
			return true
		}
	}
	return false
}

// accountIDByName returns the id of an account a grant names: a member
// account the export matched, or the management account.
func (in Input) accountIDByName(name string) string {
	if a, ok := in.account(name); ok && a.ID != "" {
		return a.ID
	}
	if in.Existing != nil && in.Existing.ManagementAccountID != "" && name == in.Tree.ManagementAccountName() {
		return in.Existing.ManagementAccountID
	}
	return ""
}

// declaredPermissionSet is what the export declares of a permission set:
// the design's, but for one that exists and orgwizard did not make, which
// apply assigns and never changes (so the export says what AWS has).
func (in Input) declaredPermissionSet(ps orgmodel.PermissionSet) (orgmodel.PermissionSet, map[string]string, bool) {
	actual, exists := in.existingPermissionSet(ps.Name)
	tags := map[string]string{orgmodel.TagManagedBy: orgmodel.ManagedByValue}
	if !exists {
		return ps, tags, false
	}
	tags = maps.Clone(actual.Tags)
	if !actual.Managed() {
		ps.Description, ps.SessionDuration = actual.Description, firstOf(actual.SessionDuration, orgmodel.DefaultSessionDuration)
		ps.ManagedPolicies, ps.InlinePolicy = actual.ManagedPolicies, actual.InlinePolicy
	}
	return ps, tags, true
}

// policyName is the last part of a managed policy's ARN (job-function/Billing
// is Billing), for resource names.
func policyName(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}

// writeTerraformAccess declares the design's access block: the groups, the
// users and their memberships, the permission sets with their policies and
// tags, and the account assignments, with import blocks for those that
// exist. accountAddr names the declared accounts. It returns how many
// import blocks it wrote.
func writeTerraformAccess(w tfWriter, in Input, accountAddr map[string]string) int {
	t := in.Tree
	if t.Access == nil {
		return 0
	}
	imports := 0
	importBlock := func(typ, name, id string) {
		w.importBlock(typ, name, id)
		imports++
	}
	live := in.access()
	region := in.accessRegion()
	// Identity Center is regional: its resources go to the instance's
	// region, through a provider of their own when that is not the home
	// region.
	providerAttr := []tfAttr(nil)
	if region != firstOf(t.HomeRegion, "us-east-1") {
		w.comment("", fmt.Sprintf("IAM Identity Center lives in %s, not in the home region.", region))
		fmt.Fprintf(w.b, "provider \"aws\" {\n  alias  = \"identity_center\"\n  region = %s\n}\n\n", hclString(region))
		providerAttr = []tfAttr{{"provider", "aws.identity_center"}}
	}
	if live != nil {
		w.comment("", "The organization's IAM Identity Center instance and its identity store.")
		fmt.Fprintf(w.b, "locals {\n  sso_instance_arn  = %s\n  identity_store_id = %s\n}\n\n", hclString(live.InstanceARN), hclString(live.IdentityStoreID))
	} else {
		w.comment("",
			"IAM Identity Center must be on before this applies: no API or resource turns on an",
			"organization's instance. In the management account, open",
			orgmodel.IdentityCenterConsole(region)+" and choose Enable.")
		w.b.WriteString("data \"aws_ssoadmin_instances\" \"this\" {")
		if providerAttr != nil {
			w.b.WriteString("\n  provider = aws.identity_center\n")
		}
		w.b.WriteString("}\n\n")
		w.b.WriteString("locals {\n  sso_instance_arn  = tolist(data.aws_ssoadmin_instances.this.arns)[0]\n  identity_store_id = tolist(data.aws_ssoadmin_instances.this.identity_store_ids)[0]\n}\n\n")
	}
	with := func(attrs ...tfAttr) []tfAttr { return append(append([]tfAttr{}, providerAttr...), attrs...) }
	storeID := func(id string) string { return live.IdentityStoreID + "/" + id }

	groupAddr := map[string]string{}
	groupNames := newNamer("_")
	for _, g := range t.Access.Groups {
		name := groupNames.unique(tfName(g.Name))
		groupAddr[g.Name] = name
		existing, exists := in.existingGroup(g.Name)
		attrs := with(tfAttr{"identity_store_id", "local.identity_store_id"}, tfAttr{"display_name", hclString(g.Name)})
		// apply sets a description the design gives and leaves one it does not.
		if d := firstOf(g.Description, existing.Description); d != "" {
			attrs = append(attrs, tfAttr{"description", hclString(d)})
		}
		w.resource(tfGroup, name, attrs, nil)
		if exists {
			importBlock(tfGroup, name, storeID(existing.ID))
		}
	}

	userAddr := map[string]string{}
	userNames := newNamer("_")
	for _, u := range t.Access.Users {
		name := userNames.unique(tfName(u.UserName))
		userAddr[u.UserName] = name
		w.resource(tfUser, name, with(
			tfAttr{"identity_store_id", "local.identity_store_id"},
			tfAttr{"user_name", hclString(u.UserName)},
			tfAttr{"display_name", hclString(u.DisplayName)},
		), func() {
			fmt.Fprintf(w.b, "\n  name {\n    given_name  = %s\n    family_name = %s\n  }\n", hclString(u.GivenName), hclString(u.FamilyName))
			fmt.Fprintf(w.b, "\n  emails {\n    value   = %s\n    type    = %q\n    primary = true\n  }\n", hclString(u.Email), userEmailType)
		})
		if existing, ok := in.existingUser(u.UserName); ok {
			importBlock(tfUser, name, storeID(existing.ID))
		}
	}

	memberNames := newNamer("__")
	for _, g := range t.Access.Groups {
		for _, m := range g.Members {
			ua, ok := userAddr[m]
			if !ok {
				continue // expansion makes a user of every member
			}
			name := memberNames.unique(groupAddr[g.Name] + "__" + ua)
			w.resource(tfMembership, name, with(
				tfAttr{"identity_store_id", "local.identity_store_id"},
				tfAttr{"group_id", tfGroup + "." + groupAddr[g.Name] + ".group_id"},
				tfAttr{"member_id", tfUser + "." + ua + ".user_id"},
			), nil)
			if id := in.membershipID(g.Name, m); id != "" {
				importBlock(tfMembership, name, storeID(id))
			}
		}
	}

	psAddr := map[string]string{}
	psARN := map[string]string{}
	psNames := newNamer("_")
	attachNames := newNamer("__")
	for _, spec := range t.Access.PermissionSets {
		ps, tags, exists := in.declaredPermissionSet(spec)
		name := psNames.unique(tfName(ps.Name))
		psAddr[ps.Name] = name
		arn := ""
		if exists {
			actual, _ := in.existingPermissionSet(ps.Name)
			arn = actual.ARN
			psARN[ps.Name] = arn
		}
		attrs := with(tfAttr{"instance_arn", "local.sso_instance_arn"}, tfAttr{"name", hclString(ps.Name)})
		if ps.Description != "" {
			attrs = append(attrs, tfAttr{"description", hclString(ps.Description)})
		}
		attrs = append(attrs, tfAttr{"session_duration", hclString(firstOf(ps.SessionDuration, orgmodel.DefaultSessionDuration))})
		if len(tags) > 0 {
			attrs = append(attrs, tfAttr{"tags", hclMap(tags, "  ")})
		}
		w.resource(tfPermSet, name, attrs, nil)
		if exists {
			importBlock(tfPermSet, name, arn+","+live.InstanceARN)
		}
		actual, _ := in.existingPermissionSet(ps.Name)
		for _, p := range ps.ManagedPolicies {
			aname := attachNames.unique(name + "__" + tfName(policyName(p)))
			w.resource(tfManagedPol, aname, with(
				tfAttr{"instance_arn", "local.sso_instance_arn"},
				tfAttr{"permission_set_arn", tfPermSet + "." + name + ".arn"},
				tfAttr{"managed_policy_arn", hclString(p)},
			), nil)
			if exists && slices.Contains(actual.ManagedPolicies, p) {
				importBlock(tfManagedPol, aname, p+","+arn+","+live.InstanceARN)
			}
		}
		if ps.InlinePolicy != "" {
			w.resource(tfInlinePolicy, name, with(
				tfAttr{"instance_arn", "local.sso_instance_arn"},
				tfAttr{"permission_set_arn", tfPermSet + "." + name + ".arn"},
				tfAttr{"inline_policy", policyContent(ps.InlinePolicy)},
			), nil)
			if exists && actual.InlinePolicy != "" {
				importBlock(tfInlinePolicy, name, arn+","+live.InstanceARN)
			}
		}
	}

	assignNames := newNamer("__")
	for _, as := range t.Access.Assignments {
		var target, targetID string
		targetID = in.accountIDByName(as.Account)
		switch {
		case accountAddr[as.Account] != "":
			target = tfAccount + "." + accountAddr[as.Account] + ".id"
		case targetID != "":
			target = hclString(targetID)
		default:
			w.comment("", fmt.Sprintf("%s has %s in %s, which this export does not declare.", as.Group, as.PermissionSet, as.Account), "")
			continue
		}
		if groupAddr[as.Group] == "" || psAddr[as.PermissionSet] == "" {
			continue // expansion declares every group and permission set it assigns
		}
		name := assignNames.unique(tfName(as.Account) + "__" + groupAddr[as.Group] + "__" + psAddr[as.PermissionSet])
		w.resource(tfAssignment, name, with(
			tfAttr{"instance_arn", "local.sso_instance_arn"},
			tfAttr{"permission_set_arn", tfPermSet + "." + psAddr[as.PermissionSet] + ".arn"},
			tfAttr{"principal_id", tfGroup + "." + groupAddr[as.Group] + ".group_id"},
			tfAttr{"principal_type", `"GROUP"`},
			tfAttr{"target_id", target},
			tfAttr{"target_type", `"AWS_ACCOUNT"`},
		), nil)
		g, _ := in.existingGroup(as.Group)
		if in.assignmentExists(targetID, psARN[as.PermissionSet], g.ID) {
			importBlock(tfAssignment, name, strings.Join([]string{g.ID, "GROUP", targetID, "AWS_ACCOUNT", psARN[as.PermissionSet], live.InstanceARN}, ","))
		}
	}
	return imports
}

// The CloudFormation types of the access block. IAM Identity Center users
// have none: a template cannot create them.
const (
	cfnGroup      = "AWS::IdentityStore::Group"
	cfnMembership = "AWS::IdentityStore::GroupMembership"
	cfnPermSet    = "AWS::SSO::PermissionSet"
	cfnAssignment = "AWS::SSO::Assignment"
)

// The template's parameters for an instance it does not know (a design
// export): CloudFormation has no way to look the instance up.
const (
	cfnInstanceParam = "IdentityCenterInstanceArn"
	cfnStoreParam    = "IdentityStoreId"
)

// addCloudFormationAccess declares the design's access block in a template
// (groups, memberships of users that exist, permission sets, assignments)
// and says in skipped what it leaves out. accountLogical names the declared
// accounts. It returns the template's parameters, nil when it needs none.
func addCloudFormationAccess(in Input, names *namer, accountLogical map[string]string,
	add func(logical, typ string, props *yaml.Node, ident map[string]string, dependsOn ...string), skipped *[]string) *yaml.Node {
	t := in.Tree
	if t.Access == nil {
		return nil
	}
	live := in.access()
	var params *yaml.Node
	instance, store := func() *yaml.Node { return ref(cfnInstanceParam) }, func() *yaml.Node { return ref(cfnStoreParam) }
	if live != nil {
		instance, store = func() *yaml.Node { return scalar(live.InstanceARN) }, func() *yaml.Node { return scalar(live.IdentityStoreID) }
	} else {
		params = mapping()
		for _, p := range []struct{ name, why string }{
			{cfnInstanceParam, "ARN of the organization's IAM Identity Center instance (aws sso-admin list-instances: InstanceArn)"},
			{cfnStoreParam, "its identity store (aws sso-admin list-instances: IdentityStoreId)"},
		} {
			m := mapping()
			put(m, "Type", scalar("String"))
			put(m, "Description", scalar(p.why))
			put(params, p.name, m)
		}
		*skipped = append(*skipped, "IAM Identity Center must be on before the stack deploys (no API or resource turns on an organization's instance: "+
			orgmodel.IdentityCenterConsole(in.accessRegion())+", Enable); pass its instance ARN and identity store id as parameters.")
	}
	if region := in.accessRegion(); region != "us-east-1" {
		*skipped = append(*skipped, fmt.Sprintf("IAM Identity Center resources are regional: deploy the AWS::IdentityStore and AWS::SSO ones in %s, the instance's region (a stack of their own when that is not where the rest goes).", region))
	}

	groupLogical := map[string]string{}
	for _, g := range t.Access.Groups {
		logical := names.unique("Group" + cfnName(g.Name))
		groupLogical[g.Name] = logical
		existing, exists := in.existingGroup(g.Name)
		props := mapping()
		put(props, "IdentityStoreId", store())
		put(props, "DisplayName", scalar(g.Name))
		if d := firstOf(g.Description, existing.Description); d != "" {
			put(props, "Description", scalar(d))
		}
		var ident map[string]string
		if exists {
			ident = map[string]string{"GroupId": existing.ID, "IdentityStoreId": live.IdentityStoreID}
		}
		add(logical, cfnGroup, props, ident)
	}

	var noUser []string
	for _, u := range t.Access.Users {
		if _, ok := in.existingUser(u.UserName); !ok {
			noUser = append(noUser, u.UserName)
		}
	}
	if len(noUser) > 0 {
		*skipped = append(*skipped, fmt.Sprintf("IAM Identity Center users have no CloudFormation type: %s and their group memberships are left out; orgwizard apply creates them (or the Identity Center console), and an export with --live then declares the memberships.", strings.Join(noUser, ", ")))
	}
	for _, g := range t.Access.Groups {
		for _, m := range g.Members {
			u, ok := in.existingUser(m)
			if !ok {
				continue
			}
			props := mapping()
			put(props, "IdentityStoreId", store())
			put(props, "GroupId", getAtt(groupLogical[g.Name], "GroupId"))
			member := mapping()
			put(member, "UserId", scalar(u.ID))
			put(props, "MemberId", member)
			var ident map[string]string
			if id := in.membershipID(g.Name, m); id != "" {
				ident = map[string]string{"MembershipId": id, "IdentityStoreId": live.IdentityStoreID}
			}
			add(names.unique("Membership"+cfnName(g.Name)+cfnName(m)), cfnMembership, props, ident)
		}
	}

	psLogical := map[string]string{}
	for _, spec := range t.Access.PermissionSets {
		ps, tags, exists := in.declaredPermissionSet(spec)
		logical := names.unique("PermissionSet" + cfnName(ps.Name))
		psLogical[ps.Name] = logical
		props := mapping()
		put(props, "InstanceArn", instance())
		put(props, "Name", scalar(ps.Name))
		if ps.Description != "" {
			put(props, "Description", scalar(ps.Description))
		}
		put(props, "SessionDuration", scalar(firstOf(ps.SessionDuration, orgmodel.DefaultSessionDuration)))
		if len(ps.ManagedPolicies) > 0 {
			list := sequence()
			for _, p := range ps.ManagedPolicies {
				list.Content = append(list.Content, scalar(p))
			}
			put(props, "ManagedPolicies", list)
		}
		if ps.InlinePolicy != "" {
			put(props, "InlinePolicy", jsonNode(ps.InlinePolicy))
		}
		if len(tags) > 0 {
			put(props, "Tags", cfnTags(tags))
		}
		var ident map[string]string
		if exists {
			actual, _ := in.existingPermissionSet(ps.Name)
			ident = map[string]string{"InstanceArn": live.InstanceARN, "PermissionSetArn": actual.ARN}
		}
		add(logical, cfnPermSet, props, ident)
	}

	for _, as := range t.Access.Assignments {
		targetID := in.accountIDByName(as.Account)
		var target *yaml.Node
		switch {
		case accountLogical[as.Account] != "":
			target = ref(accountLogical[as.Account])
		case targetID != "":
			target = scalar(targetID)
		default:
			*skipped = append(*skipped, fmt.Sprintf("%s has %s in %s, which this template does not declare.", as.Group, as.PermissionSet, as.Account))
			continue
		}
		if groupLogical[as.Group] == "" || psLogical[as.PermissionSet] == "" {
			continue // expansion declares every group and permission set it assigns
		}
		props := mapping()
		put(props, "InstanceArn", instance())
		put(props, "PermissionSetArn", getAtt(psLogical[as.PermissionSet], "PermissionSetArn"))
		put(props, "PrincipalId", getAtt(groupLogical[as.Group], "GroupId"))
		put(props, "PrincipalType", scalar("GROUP"))
		put(props, "TargetId", target)
		put(props, "TargetType", scalar("AWS_ACCOUNT"))
		g, _ := in.existingGroup(as.Group)
		ps, _ := in.existingPermissionSet(as.PermissionSet)
		var ident map[string]string
		if in.assignmentExists(targetID, ps.ARN, g.ID) {
			ident = map[string]string{"InstanceArn": live.InstanceARN, "TargetId": targetID, "TargetType": "AWS_ACCOUNT",
				"PermissionSetArn": ps.ARN, "PrincipalType": "GROUP", "PrincipalId": g.ID}
		}
		add(names.unique("Assignment"+cfnName(as.Account)+cfnName(as.Group)+cfnName(as.PermissionSet)), cfnAssignment, props, ident)
	}
	return params
}
