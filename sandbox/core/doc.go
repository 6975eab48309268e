// Package core is what every simulated service of the sandbox shares: the
// wire protocols' error shapes (awsJson 1.0/1.1, awsQuery and EC2's query,
// restJson, S3's REST-XML), SigV4 verification, ids, the one page-token
// codec, faults (injected errors, denials, the request-rate limit), the call
// record, and the accounts and sessions every service knows, with the caller
// a request authenticated as.
//
// A service package (organizations, sts, iam, servicequotas, identitycenter,
// billing, inventory) imports core and never another service; what it needs
// of another (the organization an account is in, an accounts quota) comes
// through a small interface that package sandbox, the wiring, fills in.
package core
