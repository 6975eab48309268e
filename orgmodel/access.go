package orgmodel

// This file holds the types of the design's access block (IAM Identity
// Center: permission sets, groups, users and the grants that give a group a
// permission set in some accounts), of what it expands into, and of what an
// Identity Center instance holds. Decoding, validation, expansion and the plan
// live beside it (accessdecode.go, accessexpand.go, accessplan.go).

// Access is the design's optional access block. It is nil when the design has
// none; then orgwizard leaves Identity Center alone.
type Access struct {
	PermissionSets []PermissionSetSpec `json:"permissionSets,omitempty" yaml:"permissionSets,omitempty"`
	Groups         []GroupSpec         `json:"groups,omitempty" yaml:"groups,omitempty"`
}

// PermissionSetSpec is a custom permission set of the design. The presets
// (PresetPermissionSets) need no definition.
type PermissionSetSpec struct {
	Name            string   `json:"name" yaml:"name"`
	Description     string   `json:"description,omitempty" yaml:"description,omitempty"`
	ManagedPolicies []string `json:"managedPolicies,omitempty" yaml:"managedPolicies,omitempty"`
	// InlinePolicy is the policy document as compact JSON text ("" for none);
	// the file may write it as a YAML mapping or as a JSON string.
	InlinePolicy string `json:"inlinePolicy,omitempty" yaml:"inlinePolicy,omitempty"`
	// SessionDuration is ISO-8601, PT1H..PT12H; "" means AWS's default, PT1H.
	SessionDuration string `json:"sessionDuration,omitempty" yaml:"sessionDuration,omitempty"`
}

// GroupSpec is a group of people of the design and the grants it has.
type GroupSpec struct {
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Members are email addresses: users orgwizard creates in the Identity
	// Center directory (user name = email) and adds to the group.
	Members []string `json:"members,omitempty" yaml:"members,omitempty"`
	Grants  []Grant  `json:"grants,omitempty" yaml:"grants,omitempty"`
}

// Grant gives a group a permission set in the accounts it selects. Each
// non-empty selector narrows the selection (a list means any of its values);
// an account must match all non-empty selectors. Accounts ["all"] selects
// every member account; the management account is selected only by its name,
// and validation warns when it is.
type Grant struct {
	PermissionSet string   `json:"permissionSet" yaml:"permissionSet"`
	Accounts      []string `json:"accounts,omitempty" yaml:"accounts,omitempty"` // account names, or ["all"]
	Workload      []string `json:"workload,omitempty" yaml:"workload,omitempty"`
	Environment   []string `json:"environment,omitempty" yaml:"environment,omitempty"`
	Residency     []string `json:"residency,omitempty" yaml:"residency,omitempty"`
	OU            []string `json:"ou,omitempty" yaml:"ou,omitempty"` // OU paths: an account in the OU or below it
}

// AllAccounts is the Grant.Accounts value that selects every member account.
const AllAccounts = "all"

// PresetPermissionSets are the permission sets a design may grant without
// defining them, each one AWS managed policy.
var PresetPermissionSets = []PermissionSet{
	{Name: "admin", Description: "Full access (AdministratorAccess)", ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, Preset: true},
	{Name: "power-user", Description: "Everything but IAM and Organizations (PowerUserAccess)", ManagedPolicies: []string{"arn:aws:iam::aws:policy/PowerUserAccess"}, Preset: true},
	{Name: "read-only", Description: "Read everything, change nothing (ReadOnlyAccess)", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, Preset: true},
	{Name: "billing", Description: "Billing and cost management (job-function/Billing)", ManagedPolicies: []string{"arn:aws:iam::aws:policy/job-function/Billing"}, Preset: true},
	{Name: "security-audit", Description: "Read security configuration (SecurityAudit)", ManagedPolicies: []string{"arn:aws:iam::aws:policy/SecurityAudit"}, Preset: true},
}

// AccessTree is what the access block expands into: the permission sets the
// grants use (presets included), the groups and users, and one assignment
// per group, permission set and account. Sorted: permission sets and groups
// by name, users by user name, assignments by account, group, permission set.
type AccessTree struct {
	PermissionSets []PermissionSet `json:"permissionSets"`
	Groups         []Group         `json:"groups"`
	Users          []User          `json:"users"`
	Assignments    []Assignment    `json:"assignments"`
}

// PermissionSet is a permission set orgwizard wants in Identity Center.
type PermissionSet struct {
	Name            string   `json:"name"`
	Description     string   `json:"description,omitempty"`
	ManagedPolicies []string `json:"managedPolicies,omitempty"` // ARNs, sorted
	InlinePolicy    string   `json:"inlinePolicy,omitempty"`    // compact JSON
	SessionDuration string   `json:"sessionDuration"`           // PT1H when the design says nothing
	Preset          bool     `json:"preset,omitempty"`
}

// Group is a group orgwizard wants in the Identity Center directory.
type Group struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Members     []string `json:"members,omitempty"` // user names (emails), sorted
}

// User is a user orgwizard wants in the Identity Center directory. The user
// name is the email; the given and family names AWS requires come from it.
type User struct {
	UserName    string `json:"userName"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	GivenName   string `json:"givenName"`
	FamilyName  string `json:"familyName"`
}

// Assignment gives Group the permission set in the account called Account.
type Assignment struct {
	Account       string `json:"account"`
	Group         string `json:"group"`
	PermissionSet string `json:"permissionSet"`
}

// ActualAccess is what an Identity Center instance holds, as the AWS adapter
// reads it. InstanceARN is "" when the organization has no instance (nothing
// else is read then).
type ActualAccess struct {
	InstanceARN     string `json:"instanceArn,omitempty"`
	IdentityStoreID string `json:"identityStoreId,omitempty"`
	// Region is where the instance lives (Identity Center is regional).
	Region string `json:"region,omitempty"`
	// PortalURL is the AWS access portal's start URL.
	PortalURL      string                `json:"portalUrl,omitempty"`
	Groups         []ActualGroup         `json:"groups,omitempty"`
	Users          []ActualUser          `json:"users,omitempty"`
	PermissionSets []ActualPermissionSet `json:"permissionSets,omitempty"`
	Assignments    []ActualAssignment    `json:"assignments,omitempty"`
	// Pending are assignment operations AWS still has IN_PROGRESS.
	Pending []PendingAssignment `json:"pending,omitempty"`
}

// ActualGroup is a group of the directory and its members' user ids.
type ActualGroup struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"` // DisplayName
	Description string   `json:"description,omitempty"`
	MemberIDs   []string `json:"memberIds,omitempty"`
	// MembershipIDs maps a member's user id to the id of its membership
	// (what Terraform and CloudFormation import a membership by).
	MembershipIDs map[string]string `json:"membershipIds,omitempty"`
}

// ActualUser is a user of the directory.
type ActualUser struct {
	ID       string `json:"id"`
	UserName string `json:"userName"`
	Email    string `json:"email,omitempty"`
}

// ActualPermissionSet is a permission set of the instance.
type ActualPermissionSet struct {
	ARN             string            `json:"arn"`
	Name            string            `json:"name"`
	Description     string            `json:"description,omitempty"`
	SessionDuration string            `json:"sessionDuration,omitempty"`
	ManagedPolicies []string          `json:"managedPolicies,omitempty"`
	InlinePolicy    string            `json:"inlinePolicy,omitempty"`
	Tags            map[string]string `json:"tags,omitempty"`
	// ProvisionedTo are the accounts the permission set is provisioned to;
	// Outdated those where it is provisioned but out of date.
	ProvisionedTo []string `json:"provisionedTo,omitempty"`
	Outdated      []string `json:"outdated,omitempty"`
}

// Managed tells whether orgwizard created the permission set (its tag
// managed-by is orgwizard): only assignments of such a permission set are
// ever removed.
func (p ActualPermissionSet) Managed() bool { return p.Tags[TagManagedBy] == ManagedByValue }

// ActualAssignment is an account assignment of a permission set to a
// principal (GROUP or USER) by id.
type ActualAssignment struct {
	AccountID        string `json:"accountId"`
	PermissionSetARN string `json:"permissionSetArn"`
	PrincipalType    string `json:"principalType"`
	PrincipalID      string `json:"principalId"`
}

// PendingAssignment is an assignment creation or deletion AWS has accepted
// and not finished.
type PendingAssignment struct {
	RequestID string `json:"requestId"`
	ActualAssignment
	Deleting bool `json:"deleting,omitempty"`
}
