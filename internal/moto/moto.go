// Package moto gives tests a moto_server, the third-party AWS emulator, as a
// second and independent AWS: what works against the sandbox should work
// against moto wherever moto implements the operation.
package moto

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EnvURL names the variable through which CI hands tests a running moto_server.
const EnvURL = "ORGWIZARD_MOTO_URL"

var (
	once     sync.Once
	started  string
	startErr error
	proc     *os.Process
)

// Run runs a package's tests and then stops the moto_server they started,
// if any; call it from TestMain: os.Exit(moto.Run(m)).
func Run(m *testing.M) int {
	code := m.Run()
	if proc != nil {
		proc.Kill()
		proc.Wait()
	}
	return code
}

// URL returns the address of a moto_server with a fresh state: the one CI
// started (EnvURL), or one this test binary starts on a free loopback port.
// Without moto the test skips, except when CI says moto is there (EnvURL
// set) or the run is CI's (CI=true): then it fails, so that a broken moto
// cannot pass unnoticed.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		once.Do(func() { started, startErr = start() })
		url = started
		if startErr != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("moto_server is needed in CI: %v", startErr)
			}
			t.Skipf("moto_server is not available: %v", startErr)
		}
	}
	// One moto_server serves every package's tests, and go test runs
	// packages in parallel: a test holds the server, exclusively, from its
	// reset to its end, or another package's reset would wipe what it made.
	lock(t, url)
	if err := reset(url); err != nil {
		t.Fatalf("moto_server at %s does not answer: %v", url, err)
	}
	return url
}

// lock takes an exclusive file lock named after url until the test ends.
func lock(t testing.TB, url string) {
	t.Helper()
	name := strings.NewReplacer(":", "_", "/", "_").Replace(url)
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "orgwizard-moto-"+name+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("locking moto_server: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("locking moto_server: %v", err)
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}

// Env sets the variables an AWS SDK needs to act against moto.
func Env(t testing.TB, url string) {
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_ENDPOINT_URL", url)
}

func start() (string, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return "", err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		return "", err
	}
	proc = cmd.Process
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", fmt.Errorf("moto_server did not answer on %s within 30 s", url)
}

func reset(url string) error {
	resp, err := http.Post(url+"/moto-api/reset", "application/json", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reset answered %s", resp.Status)
	}
	return nil
}
