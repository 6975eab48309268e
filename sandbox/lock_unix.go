//go:build unix

package sandbox

import (
	"errors"
	"os"
	"syscall"
)

// lockState takes an exclusive lock beside the state file, so that two
// processes (a `sandbox serve` and an embedded sandbox, say) never both write
// it and lose each other's acknowledged changes. The kernel drops the lock
// when the process dies, so a killed server does not leave it behind.
func lockState(statePath string) (*os.File, error) {
	if err := os.MkdirAll(dirOf(statePath), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(statePath+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &StateInUseError{Path: statePath}
		}
		return nil, err
	}
	return f, nil
}
