package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// SigV4 is the parsed Authorization header of a SigV4-signed request.
type SigV4 struct {
	AccessKeyID   string
	Date          string
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

// ParseAuthorization reads a SigV4 Authorization header; false when it is not one.
func ParseAuthorization(h string) (SigV4, bool) {
	var a SigV4
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return a, false
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != "aws4_request" {
				return a, false
			}
			a.AccessKeyID, a.Date, a.Region, a.Service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	return a, a.AccessKeyID != "" && a.Signature != "" && len(a.SignedHeaders) > 0
}

// Verify recomputes the SigV4 signature with the account's secret. Services
// other than S3 sign the path escaped once more, S3 signs it as sent; both
// forms are tried so that any client's choice is accepted.
func (a SigV4) Verify(r *http.Request, body []byte, secret string) bool {
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	var headers strings.Builder
	for _, name := range a.SignedHeaders {
		var value string
		switch name {
		case "host":
			value = r.Host
		case "content-length":
			value = strconv.Itoa(len(body))
		default:
			var vals []string
			for _, v := range r.Header.Values(name) {
				vals = append(vals, strings.Join(strings.Fields(v), " "))
			}
			value = strings.Join(vals, ",")
		}
		headers.WriteString(name + ":" + value + "\n")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	scope := a.Date + "/" + a.Region + "/" + a.Service + "/aws4_request"
	key := hmacSHA256([]byte("AWS4"+secret), a.Date)
	key = hmacSHA256(key, a.Region)
	key = hmacSHA256(key, a.Service)
	key = hmacSHA256(key, "aws4_request")

	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	for _, uri := range []string{escapePath(path), path} {
		canonical := strings.Join([]string{r.Method, uri, canonicalQuery(r.URL.RawQuery), headers.String(),
			strings.Join(a.SignedHeaders, ";"), payloadHash}, "\n")
		sum := sha256.Sum256([]byte(canonical))
		toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
		if hmac.Equal([]byte(hex.EncodeToString(hmacSHA256(key, toSign))), []byte(a.Signature)) {
			return true
		}
	}
	return false
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// awsEscape percent-encodes everything but RFC 3986's unreserved characters, as SigV4 requires.
func awsEscape(s string, keepSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/') {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

func escapePath(p string) string { return awsEscape(p, true) }

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			dk, dv = k, v
		}
		pairs = append(pairs, kv{awsEscape(dk, false), awsEscape(dv, false)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}
