//go:build unix

package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestHelperMain is not a test: the tests below run it in a child process
// (ORGWIZARD_HELPER_MAIN=1) as the orgwizard command, with the arguments
// after "--", so that they can send it signals.
func TestHelperMain(t *testing.T) {
	if os.Getenv("ORGWIZARD_HELPER_MAIN") != "1" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(Main(context.Background(), Build{Version: "test"}, args, os.Stdin, os.Stdout, os.Stderr))
}

// ctrl+c and SIGTERM interrupt a command that waits for a design on a FIFO
// (issue 11: both were ignored, and the command hung until a writer came):
// it ends with exit 130 and says so.
func TestSignalInterruptsReadingADesignFromAFIFO(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "design.fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMain$", "--", "validate", "--design", fifo)
			cmd.Env = append(os.Environ(), "ORGWIZARD_HELPER_MAIN=1")
			var errOut strings.Builder
			cmd.Stderr = &errOut
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// Opening the FIFO for writing succeeds only once the command
			// has opened it for reading: from then on it waits in read.
			var w *os.File
			for w == nil {
				f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
				if err == nil {
					w = f
					break
				}
				select {
				case err := <-exited:
					t.Fatalf("the command ended before reading: %v\n%s", err, errOut.String())
				case <-time.After(10 * time.Millisecond):
				}
			}
			defer w.Close()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("%v did not interrupt the read of the design", sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
				t.Errorf("exit %d (%v), want %d; stderr %q", code, cmd.ProcessState, ExitInterrupted, errOut.String())
			}
			if !strings.Contains(errOut.String(), "interrupted while reading the design from "+fifo) {
				t.Errorf("stderr %q does not say what was interrupted", errOut.String())
			}
		})
	}
}

// A design may come through a pipe, as the README says: --design /dev/stdin.
func TestDesignFromStandardInput(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(examples, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMain$", "--", "validate", "--design", "/dev/stdin")
	cmd.Env = append(os.Environ(), "ORGWIZARD_HELPER_MAIN=1")
	cmd.Stdin = strings.NewReader(string(data)) // a pipe, not a file
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "/dev/stdin is valid") {
		t.Errorf("validate --design /dev/stdin: %v\n%s", err, out)
	}
}
