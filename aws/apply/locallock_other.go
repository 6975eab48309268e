//go:build !unix

package apply

import (
	"os"
	"path/filepath"
)

// LockLocal opens the lock file without locking it: this platform has no
// flock, so only the organization lease keeps two applies apart.
func LockLocal(dir, accountID string) (*LocalLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "apply-"+accountID+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	return &LocalLock{f: f}, nil
}
