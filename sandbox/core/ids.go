package core

import (
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"
)

// Alphabets the ids draw from.
const (
	LowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789"
	Digits      = "0123456789"
	HexDigits   = "0123456789abcdef"
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// RandomFrom draws n characters of alphabet.
func RandomFrom(alphabet string, n int) string {
	var b strings.Builder
	max := big.NewInt(int64(len(alphabet)))
	for range n {
		i, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

// NewUUID is a random id in the 8-4-4-4-12 hex form.
func NewUUID() string {
	var b [16]byte
	rand.Read(b[:])
	s := hex.EncodeToString(b[:])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// NewRequestID is the per-call id AWS returns in X-Amzn-RequestId and in its
// documents, so that a log line from the tool can be matched to the call record.
func NewRequestID() string { return NewUUID() }

// RandomHex is n random lower-case hex digits.
func RandomHex(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// NewAccountID draws a 12-digit id that does not start with 0, so scripts that
// treat it as a number still print it the same.
func NewAccountID() string { return RandomFrom("123456789", 1) + RandomFrom(Digits, 11) }

// NewAccessKeyID is a key id: AKIA for an account's keys, ASIA for a session's.
func NewAccessKeyID(prefix string) string { return prefix + RandomFrom(upperDigits, 16) }

// NewSecret is a secret access key.
func NewSecret() string { return RandomFrom(secretChars, 40) }

// NewSessionToken is a session token, marked as the sandbox's.
func NewSessionToken() string { return "sandbox/" + RandomFrom(secretChars, 120) }

// RoleID is a stable AROA-style id for a role, so that every session of one
// role has the same UserId.
func RoleID(account, role string) string {
	return "AROA" + strings.ToUpper(strconv.FormatUint(hashString(account+"/"+role), 36))
}

func hashString(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
