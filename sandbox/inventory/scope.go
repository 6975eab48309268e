package inventory

import "strings"

// ParseScope reads the access key id, region and signing name from a SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=..., Signature=...
//
// The sandbox knows the caller by the access key and routes by the signing name, because the SDK signs every
// request with the service's own name even when all services share one endpoint. ok is false for anything
// that is not a well-formed SigV4 header, including SigV4a, whose scope names no region.
func ParseScope(authHeader string) (accessKey, region, service string, ok bool) {
	algorithm, rest, found := strings.Cut(strings.TrimSpace(authHeader), " ")
	if !found || algorithm != "AWS4-HMAC-SHA256" {
		return "", "", "", false
	}
	for _, field := range strings.Split(rest, ",") {
		value, isCredential := strings.CutPrefix(strings.TrimSpace(field), "Credential=")
		if !isCredential {
			continue
		}
		// The access key comes first and never holds a slash; the scope is date/region/service/aws4_request.
		parts := strings.Split(value, "/")
		if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" || parts[2] == "" || parts[3] == "" {
			return "", "", "", false
		}
		return parts[0], parts[2], parts[3], true
	}
	return "", "", "", false
}
