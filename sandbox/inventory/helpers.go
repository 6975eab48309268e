package inventory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// pageOf cuts items to the page that token starts, of at most size items, and gives the token of the next
// page, empty on the last. Tokens are opaque to clients, as AWS's are; they carry the offset, which is
// stable because the caller's resources keep their order between calls.
func pageOf[T any](req *request, items []T, token string, size int) ([]T, string, error) {
	start := 0
	if token != "" {
		n, err := core.DecodePageToken(tokenScope, token, len(items))
		if err != nil {
			return nil, "", req.invalid("The pagination token is invalid: " + token)
		}
		start = n
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = core.EncodePageToken(tokenScope, end)
	}
	return items[start:end], next, nil
}

// tokenScope scopes the inventory services' page tokens (core's codec).
const tokenScope = "sandbox-page"

// pageSize checks a client's page size against the service's bounds; zero means the client gave none.
func pageSize(req *request, name string, n, def, lo, hi int) (int, error) {
	if n == 0 {
		return def, nil
	}
	if n < lo || n > hi {
		return 0, req.invalid(fmt.Sprintf("%s must be between %d and %d.", name, lo, hi))
	}
	return n, nil
}

// queryPage pages items by the page-size and token parameters of a query-protocol form or a REST query.
func queryPage[T any](req *request, items []T, sizeParam, tokenParam string, def, lo, hi int) ([]T, string, error) {
	n, err := req.intParam(sizeParam)
	if err != nil {
		return nil, "", err
	}
	return sizedPage(req, items, sizeParam, n, req.query.Get(tokenParam), def, lo, hi)
}

// sizedPage pages items by the page size a client asked for (zero for the service's default) and the token
// of the page.
func sizedPage[T any](req *request, items []T, sizeName string, n int, token string, def, lo, hi int) ([]T, string, error) {
	size, err := pageSize(req, sizeName, n, def, lo, hi)
	if err != nil {
		return nil, "", err
	}
	return pageOf(req, items, token, size)
}

// optional is the JSON null that some services answer instead of an empty token.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// intParam reads an integer query or form parameter; absent is zero.
func (req *request) intParam(name string) (int, error) {
	s := req.query.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, req.invalid(fmt.Sprintf("Invalid value for parameter %s: %q is not an integer.", name, s))
	}
	return n, nil
}

// memberList reads a query-protocol list: prefix.1, prefix.2 ... up to the first gap.
func (req *request) memberList(prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := req.query[prefix+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// attr reads an attribute, with a default for one the resource does not set.
func (r Resource) attr(key, def string) string {
	if v, ok := r.Attrs[key]; ok && v != "" {
		return v
	}
	return def
}

func (r Resource) intAttr(key string, def int) int {
	if n, err := strconv.Atoi(r.Attrs[key]); err == nil {
		return n
	}
	return def
}

// created is when the resource was made, from its "created" attribute (RFC 3339); resources that lack it
// get a fixed date, so answers stay the same from call to call.
func (r Resource) created() time.Time {
	if t, err := time.Parse(time.RFC3339, r.Attrs["created"]); err == nil {
		return t.UTC()
	}
	return time.Date(2023, 1, 15, 9, 30, 0, 0, time.UTC)
}

// isoTime is the timestamp form AWS's XML protocols answer with.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// sortedTags gives a resource's tags ordered by key, so that answers are deterministic.
func sortedTags(tags map[string]string) []keyValue {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]keyValue, 0, len(keys))
	for _, k := range keys {
		out = append(out, keyValue{Key: k, Value: tags[k]})
	}
	return out
}

// keyValue is a tag in the Key/Value form most services share.
type keyValue struct {
	Key   string `json:"Key" xml:"Key"`
	Value string `json:"Value" xml:"Value"`
}

// wildcardMatch matches a filter value with AWS's * and ? wildcards.
func wildcardMatch(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// hexID derives a stable lowercase hex id of n digits from its seeds, so that the same scenario always has
// the same ids and two accounts never share one.
func hexID(n int, seeds ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(seeds, "\x00")))
	return hex.EncodeToString(sum[:])[:n]
}

// upperID is hexID in the upper-case alphanumerics that IAM, Route 53 and CloudFront ids use.
func upperID(n int, seeds ...string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	sum := sha256.Sum256([]byte(strings.Join(seeds, "\x00")))
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(sum[i%len(sum)]+byte(i/len(sum)))%len(alphabet)]
	}
	return string(out)
}

// decode reads a JSON request body; an empty body is an empty input, as the SDK sends "{}" or nothing for
// operations without parameters.
func (req *request) decode(v any) error {
	if len(bytes.TrimSpace(req.Body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(req.Body, v); err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "SerializationException", Message: "The request body could not be read: " + err.Error()}
	}
	return nil
}
