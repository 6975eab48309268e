package sandbox_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/sandbox"
)

// The embedded sandbox's stop closes idle keep-alive connections and
// connections the client opened but never used at once (issue 10: every
// command on the embedded sandbox ended 5 s after its work, in
// http.Server.Shutdown's wait for such connections). Before the fix stop
// returned Shutdown's "context deadline exceeded" and left the connection
// open; the read deadline below only keeps a broken build from hanging.
func TestStopClosesIdleConnectionsAtOnce(t *testing.T) {
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json")})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(endpoint, "http://")

	// A keep-alive connection that has served one request and waits, idle.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if _, err := io.WriteString(idle, "POST / HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the sandbox closed the connection after one request; this test needs it kept alive")
	}
	// A connection opened and never used, as the SDK's transport leaves them.
	fresh, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	// Let the server accept it before it stops.
	time.Sleep(50 * time.Millisecond)

	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for name, r := range map[string]io.Reader{"idle": br, "never used": fresh} {
		c := idle
		if name == "never used" {
			c = fresh
		}
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, err := r.Read(make([]byte, 1))
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("the %s connection is still open after stop", name)
		} else if err == nil {
			t.Errorf("the %s connection got data after stop", name)
		}
	}
}
