package account

import (
	"strings"
	"testing"
)

// TestContactLengthsInCharacters: AWS counts a contact's lengths in
// characters, as orgmodel's checks do, so a name of 64 accented letters
// (128 bytes) is taken and one of 65 is refused.
func TestContactLengthsInCharacters(t *testing.T) {
	str := func(s string) *string { return &s }
	in := func(name, title string) *input {
		return &input{EmailAddress: str("sec@example.com"), Name: str(name), PhoneNumber: str("+1 555 0100"), Title: str(title)}
	}
	if _, err := contactOf(in(strings.Repeat("é", 64), strings.Repeat("ü", 50))); err != nil {
		t.Fatalf("64 accented letters in name and 50 in title: %v", err)
	}
	_, err := contactOf(in(strings.Repeat("é", 65), "CISO"))
	if err == nil || err.Code != "ValidationException" || !strings.Contains(err.Message, "'name'") || !strings.Contains(err.Message, "between 1 and 64") {
		t.Fatalf("65 accented letters in name: %v", err)
	}
	_, err = contactOf(in("Zoë", strings.Repeat("ü", 51)))
	if err == nil || !strings.Contains(err.Message, "'title'") {
		t.Fatalf("51 accented letters in title: %v", err)
	}
}
