//go:build !unix

package apply

import (
	"fmt"
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

// LocalLockError: another apply on this machine holds the lock.
type LocalLockError struct{ Path, Holder string }

func (e *LocalLockError) Error() string {
	return fmt.Sprintf("another orgwizard apply on this machine (%s) holds %s", e.Holder, e.Path)
}

// LocalLock is a held local lock.
type LocalLock struct{ f *os.File }

// Unlock releases the lock.
func (l *LocalLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	return l.f.Close()
}
