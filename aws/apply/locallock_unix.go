//go:build unix

package apply

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockLocal takes this machine's lock for applies to the organization of one
// management account: a file lock in dir, held until Unlock and dropped by
// the kernel when the process dies. It refuses a second apply on the same
// machine at once, before any AWS call, and works where the organization
// lease cannot (before the organization exists).
func LockLocal(dir, accountID string) (*LocalLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "apply-"+accountID+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "another process"
			if b, rerr := os.ReadFile(path); rerr == nil && strings.TrimSpace(string(b)) != "" {
				holder = "process " + strings.TrimSpace(string(b))
			}
			return nil, &LocalLockError{Path: path, Holder: holder}
		}
		return nil, err
	}
	// The holder's pid, for the message the next one shows.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &LocalLock{f: f}, nil
}
