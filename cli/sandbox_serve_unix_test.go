//go:build unix

package cli

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ctrl+c stops `sandbox serve` at once even while a client keeps a
// connection open (issue 10: it waited about 5 s in http.Server.Shutdown for
// a connection opened and never used, and then exited 3 with "context
// deadline exceeded"). A command's wall time is its work.
//
// The bound is a comparison, not a tight timer: the same serve is stopped
// once with no client and once with two connections left open (one idle
// after a request, one never used); the connections may add less than half
// of the 5 s they cost before. A loaded machine slows both runs alike, and
// the check is tried three times before it fails.
func TestSandboxServeStopsAtOnceWithConnectionsOpen(t *testing.T) {
	const extra = 2500 * time.Millisecond
	var tries []string
	for try := 0; try < 3; try++ {
		bare := stopServe(t, false)
		held := stopServe(t, true)
		if held < bare+extra {
			return
		}
		tries = append(tries, "with connections "+held.String()+", without "+bare.String())
	}
	t.Fatalf("open connections held sandbox serve's exit after ctrl+c: %s", strings.Join(tries, "; "))
}

// stopServe starts `sandbox serve`, optionally leaves two connections open,
// sends SIGINT and returns how long the process took to exit. It fails the
// test unless serve exits 0 saying it stopped.
func stopServe(t *testing.T, hold bool) time.Duration {
	t.Helper()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMain$", "--", "sandbox", "serve", "--addr", "127.0.0.1:0", "--sandbox-state", state)
	cmd.Env = append(os.Environ(), "ORGWIZARD_HELPER_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var errText strings.Builder
	endpoint := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			errText.WriteString(line + "\n")
			if rest, ok := strings.CutPrefix(line, "sandbox serving on "); ok {
				endpoint <- strings.TrimSuffix(strings.Fields(rest)[0], ",")
			}
		}
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	var addr string
	select {
	case e := <-endpoint:
		addr = strings.TrimPrefix(e, "http://")
	case <-exited:
		t.Fatalf("sandbox serve ended before serving:\n%s", errText.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("sandbox serve did not start:\n%s", errText.String())
	}

	var fresh net.Conn
	if hold {
		// Opened first and never used, as an SDK's transport leaves them;
		// the server accepts connections in order, so it has this one by the
		// time it answers the request on the next.
		fresh, err = net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		idle, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		if _, err := io.WriteString(idle, "POST / HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 0\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.Close {
			t.Fatal("the sandbox closed the connection after one request; this test needs it kept alive")
		}
	}

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("sandbox serve did not exit within a minute of SIGINT:\n%s", errText.String())
	}
	took := time.Since(start)
	if code := cmd.ProcessState.ExitCode(); code != ExitOK {
		t.Fatalf("sandbox serve exited %d after SIGINT, want %d:\n%s", code, ExitOK, errText.String())
	}
	if !strings.Contains(errText.String(), "sandbox stopped; every acknowledged change is in") {
		t.Fatalf("sandbox serve did not say it stopped:\n%s", errText.String())
	}
	if fresh != nil {
		fresh.SetReadDeadline(time.Now().Add(10 * time.Second))
		if n, err := fresh.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("the connection never used read %d bytes, %v after serve exited; want it closed", n, err)
		}
	}
	return took
}
