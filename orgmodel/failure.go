package orgmodel

// CreationFailureAdvice explains one of AWS's CreateAccount failure reasons
// for the account name <email>, with the fix that works on a re-run. It
// also reports whether the same request is bound to fail again until the
// user acts.
func CreationFailureAdvice(reason, name, email string) (advice string, repeats bool) {
	switch reason {
	case "EMAIL_ALREADY_EXISTS":
		return "EMAIL_ALREADY_EXISTS: " + email + " already belongs to another AWS account, outside this organization (AWS does not say which). " +
			"If that account is yours, invite it into the organization and list it under accounts[] (name " + name + ", email " + email + ") so that apply adopts it; " +
			"otherwise change organization.email or emailTemplate: the accounts already in the organization keep matching by name, and only the missing ones are created with the new address", true
	case "ACCOUNT_LIMIT_EXCEEDED":
		return "ACCOUNT_LIMIT_EXCEEDED: the organization reached its accounts quota; ask for an increase in Service Quotas (AWS Organizations, \"Default maximum number of accounts\"), then run apply again", true
	case "INVALID_EMAIL":
		return "INVALID_EMAIL: AWS refused " + email + "; change organization.email or emailTemplate, then run apply again", true
	case "INVALID_ADDRESS", "INVALID_IDENTITY_FOR_BUSINESS_VALIDATION", "PENDING_BUSINESS_VALIDATION", "MISSING_BUSINESS_VALIDATION", "MISSING_PAYMENT_INSTRUMENT", "INVALID_PAYMENT_INSTRUMENT":
		return reason + ": the management account's billing details need attention in the AWS console; then run apply again", true
	case "CONCURRENT_ACCOUNT_MODIFICATION", "INTERNAL_FAILURE", "":
		if reason == "" {
			reason = "no reason given"
		}
		return reason + ": a passing failure at AWS; run apply again", false
	}
	return reason + "; run apply again, and if it fails the same way, see AWS's CreateAccountStatus documentation for this reason", false
}
