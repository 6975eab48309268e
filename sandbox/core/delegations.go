package core

// Delegations answers, for the services an organization can delegate
// (the Account service, IAM's root access, the security services), what
// Organizations knows of trusted access and delegated administrators. The
// wiring gives them Organizations' own answers.
type Delegations interface {
	// TrustedAccess says whether principal (account.amazonaws.com) has
	// trusted access to the organization orgID (EnableAWSServiceAccess).
	TrustedAccess(orgID, principal string) bool
	// DelegatedAdmin says whether account is the organization's delegated
	// administrator for principal (RegisterDelegatedAdministrator).
	DelegatedAdmin(orgID, principal, account string) bool
}
