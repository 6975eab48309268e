package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/aws/target"
)

// The wizard's suggested commands carry the flags that reach its target.
func TestTargetArgs(t *testing.T) {
	for _, c := range []struct {
		spec target.Spec
		want []string
	}{
		{target.Spec{Speed: 1}, nil},
		{target.Spec{SandboxState: "/tmp/s.json", Speed: 40}, []string{"--sandbox-state", "/tmp/s.json", "--sandbox-speed", "40"}},
		{target.Spec{Profile: "management", Speed: 1}, []string{"--profile", "management"}},
		{target.Spec{EndpointURL: "http://127.0.0.1:5000", Speed: 1}, []string{"--endpoint-url", "http://127.0.0.1:5000"}},
		{target.Spec{AWS: true, Speed: 1}, []string{"--aws"}},
	} {
		if got := targetArgs(c.spec); !slices.Equal(got, c.want) {
			t.Errorf("targetArgs(%+v) = %q, want %q", c.spec, got, c.want)
		}
	}
}

// An interrupted apply says how to go on with the same design and target.
func TestInterruptedApplySaysTheCommandWithItsFlags(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	state := filepath.Join(dir, "my state.json")
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	var errOut bytes.Buffer
	go func() {
		// Stop once the first account creation is under way.
		for !strings.Contains(out.String(), "create account") {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	code := Main(ctx, Build{Version: "test"}, []string{"apply", "--yes", "--design", filepath.Join(examples, "acme.yaml"), "--sandbox-state", state, "--sandbox-speed", "2"},
		strings.NewReader(""), &out, &errOut)
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitInterrupted, out.String(), errOut.String())
	}
	want := "Run orgwizard apply --design " + filepath.Join(examples, "acme.yaml") + " --sandbox-state '" + state + "' --sandbox-speed 2 to finish."
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
}

// lockedBuffer is a bytes.Buffer that the engine's goroutines may write to
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
