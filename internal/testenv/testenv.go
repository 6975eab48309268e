// Package testenv runs a package's tests in an environment of their own:
// what a command under test keeps in the user's state directory (the apply
// journal, the local apply lock, the cost cache, the default sandbox state)
// goes to a temporary folder, never to the home directory of whoever runs
// the tests, and a moto_server the tests started is stopped at the end.
package testenv

import (
	"fmt"
	"os"
	"testing"

	"github.com/orgwizard/orgwizard/internal/moto"
)

// Main is a package's TestMain: os.Exit(testenv.Main(m)). A test that sets
// XDG_STATE_HOME itself (t.Setenv) still wins for its own duration.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "orgwizard-test-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	os.Setenv("XDG_STATE_HOME", dir)
	return moto.Run(m)
}
