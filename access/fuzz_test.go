package access

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzMerge: whatever the file holds, Merge either refuses it or keeps it
// whole before the block it adds, and merging the result again changes
// nothing.
func FuzzMerge(f *testing.F) {
	b := Block{OrganizationID: "o-abc123", Rerun: "orgwizard access aws-config --merge x", Sections: mustProfiles(f)}
	f.Add([]byte(userConfig))
	f.Add([]byte(strings.ReplaceAll(userConfig, "\n", "\r\n")))
	f.Add(b.Render("\n"))
	f.Add(append([]byte("[profile a]\r\n"), b.Render("\r\n")...))
	f.Add([]byte("# >>> orgwizard organization o-x >>>\n[profile q]\n# <<< orgwizard organization o-x <<<"))
	f.Add([]byte("\n\n[default\n"))
	f.Fuzz(func(t *testing.T, existing []byte) {
		out, err := Merge(existing, b)
		if err != nil {
			return
		}
		if !bytes.Contains(existing, []byte(b.begin())) && !bytes.HasPrefix(out, existing) {
			t.Fatalf("the file is not kept whole before the new block:\n%q\n%q", existing, out)
		}
		again, err := Merge(out, b)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("a second merge changed the file (err %v):\n%q\n%q", err, out, again)
		}
	})
}

func mustProfiles(tb testing.TB) []Section {
	s, err := RoleProfiles(acmeAccounts(), OrganizationAccountAccessRole, "mgmt")
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
