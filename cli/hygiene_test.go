package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Files orgwizard writes for the user honour the umask (issue 11: the
// wizard wrote the design 0644 under umask 077, export 0644 under umask 002). No test of
// this package runs in parallel, so the umask changes nothing else.
func TestUserFilesHonourTheUmask(t *testing.T) {
	for _, c := range []struct {
		umask int
		want  os.FileMode
	}{{0o077, 0o600}, {0o022, 0o644}, {0o002, 0o664}} {
		old := syscall.Umask(c.umask)
		dir := t.TempDir()
		out := filepath.Join(dir, "org.tf")
		code, _, errOut := run(t, "export", "--design", filepath.Join(examples, "acme.yaml"), "--format", "terraform", "-o", out)
		// The wizard saves the design with writeUserFile.
		design := filepath.Join(dir, "orgwizard.yaml")
		saveErr := writeUserFile(design, []byte("version: 1\n"))
		syscall.Umask(old)
		if code != ExitOK || saveErr != nil {
			t.Fatalf("umask %03o: export exit %d %s; save %v", c.umask, code, errOut, saveErr)
		}
		for _, p := range []string{out, design} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != c.want {
				t.Errorf("umask %03o: %s has mode %03o, want %03o", c.umask, filepath.Base(p), got, c.want)
			}
		}
	}
}
