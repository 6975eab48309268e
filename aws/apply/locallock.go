package apply

import (
	"fmt"
	"os"
)

// LocalLockError: another apply on this machine holds the lock.
type LocalLockError struct{ Path, Holder string }

func (e *LocalLockError) Error() string {
	return fmt.Sprintf("another orgwizard apply on this machine (%s) is changing this organization (lock %s). "+
		"Nothing was changed; wait for it to finish and run apply again", e.Holder, e.Path)
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
