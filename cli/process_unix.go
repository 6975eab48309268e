//go:build unix

package cli

import (
	"errors"
	"syscall"
)

// processRuns reports whether a process of this machine runs (or may run:
// one of another user's answers EPERM, and counts as running).
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
