//go:build !unix

package sandbox

import "os"

// lockState opens the lock file without locking it: this platform has no
// flock, so two processes sharing one state file are the user's to avoid.
func lockState(statePath string) (*os.File, error) {
	if err := os.MkdirAll(dirOf(statePath), 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(statePath+".lock", os.O_CREATE|os.O_RDWR, 0o600)
}
