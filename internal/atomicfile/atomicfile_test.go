//go:build unix

package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// withUmask sets the process umask for one test; the tests of this package
// do not run in parallel, so no other file is created meanwhile.
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leftovers lists the temporary files left in dir.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		known := false
		for _, k := range keep {
			known = known || k == name
		}
		if !known {
			out = append(out, name)
		}
	}
	return out
}

func TestNewFileHonoursTheUmask(t *testing.T) {
	for _, c := range []struct {
		umask int
		perm  fs.FileMode
		want  fs.FileMode
	}{
		{0o077, 0o666, 0o600},
		{0o022, 0o666, 0o644},
		{0o027, 0o666, 0o640},
		{0o022, 0o600, 0o600},
		{0o077, 0o600, 0o600},
	} {
		withUmask(t, c.umask)
		dir := t.TempDir()
		path := filepath.Join(dir, "design.yaml")
		if err := WriteFile(path, []byte("version: 1\n"), c.perm); err != nil {
			t.Fatal(err)
		}
		if got := mode(t, path); got != c.want {
			t.Errorf("umask %03o, perm %03o: mode %03o, want %03o", c.umask, c.perm, got, c.want)
		}
		if got := read(t, path); got != "version: 1\n" {
			t.Errorf("content %q", got)
		}
		if l := leftovers(t, dir, "design.yaml"); len(l) > 0 {
			t.Errorf("temporary files left behind: %v", l)
		}
	}
}

func TestExistingFileKeepsItsMode(t *testing.T) {
	withUmask(t, 0o077)
	path := filepath.Join(t.TempDir(), "design.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Chmod is not subject to the umask: the user chose 0664.
	if err := os.Chmod(path, 0o664); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := mode(t, path); got != 0o664 {
		t.Errorf("mode %03o, want the file's own 664", got)
	}
	if got := read(t, path); got != "new" {
		t.Errorf("content %q", got)
	}
}

func TestMakesMissingDirectories(t *testing.T) {
	withUmask(t, 0o022)
	root := t.TempDir()
	path := filepath.Join(root, "state", "orgwizard", "journal.json")
	if err := WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != "{}" {
		t.Errorf("content %q", got)
	}
	// A directory made for a private file is private too.
	if got := mode(t, filepath.Join(root, "state")); got != 0o700 {
		t.Errorf("directory mode %03o, want 700", got)
	}
	shared := filepath.Join(root, "docs", "runbook.md")
	if err := WriteFile(shared, []byte("#"), 0o666); err != nil {
		t.Fatal(err)
	}
	if got := mode(t, filepath.Join(root, "docs")); got != 0o755 {
		t.Errorf("directory mode %03o, want 755 under umask 022", got)
	}
}

func TestSymlinkIsFollowedAndKept(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.yaml")
	link := filepath.Join(dir, "orgwizard.yaml")
	if err := os.WriteFile(real, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.yaml", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new"), 0o666); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if got := read(t, real); got != "new" {
		t.Errorf("the linked file holds %q", got)
	}
	if got := mode(t, real); got != 0o640 {
		t.Errorf("mode %03o, want 640", got)
	}
}

// A pipe cannot be renamed over: the data goes into it.
func TestFIFOIsWrittenInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	if err := WriteFile(path, []byte("graph TD"), 0o666); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "graph TD" {
		t.Errorf("the reader got %q", s)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v", fi.Mode())
	}
}
