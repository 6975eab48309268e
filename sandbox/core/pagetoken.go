package core

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// The sandbox's NextTokens are opaque to clients, as AWS's are: the offset
// of the next page, with a scope (the listing, or the operation) so that a
// token from one listing is refused by another. Every service pages with
// this one codec and answers a bad token in its own error.

// EncodePageToken is the token of the page that starts at offset.
func EncodePageToken(scope string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(scope + ":" + strconv.Itoa(offset)))
}

// errPageToken is any token this codec did not make for the scope.
var errPageToken = errors.New("not a page token of this listing")

// DecodePageToken reads the offset of a token EncodePageToken made for scope;
// a token of another scope, or of an offset past n, is an error.
func DecodePageToken(scope, token string, n int) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, errPageToken
	}
	s, off, ok := strings.Cut(string(raw), ":")
	if !ok || s != scope {
		return 0, errPageToken
	}
	o, err := strconv.Atoi(off)
	if err != nil || o < 0 || o > n {
		return 0, errPageToken
	}
	return o, nil
}
