// Package atomicfile writes files that must survive a crash or a power cut:
// the design, the sandbox state, the apply journal, the runbook, an export.
// A reader sees the old file or the new one, never a mix or an empty file.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically: a temporary file in the same
// directory, fsync, rename over path, fsync of the directory (without it the
// rename itself may not survive a power cut). Missing directories are made.
//
// The mode follows the umask as any other program's files do: a new file is
// created with perm and the kernel takes the umask off (pass 0o666 for a file
// the user reads and shares, 0o600 for one that holds secrets); a file that
// already exists keeps its mode. A symbolic link is followed, so the file it
// points to is replaced and the link stays. A path that exists and is not a
// regular file (a terminal, a pipe, /dev/stdout) cannot be replaced: data is
// written to it directly.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err == nil {
			path = real
		} else if target, err := os.Readlink(path); err == nil {
			// A dangling link: create the file it names.
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(path), target)
			}
			path = target
		}
	}
	keep := fs.FileMode(0)
	switch fi, err := os.Stat(path); {
	case err == nil && !fi.Mode().IsRegular():
		return writeInPlace(path, data)
	case err == nil:
		keep = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirPerm(perm)); err != nil {
		return err
	}
	f, tmp, err := createTemp(dir, filepath.Base(path), perm)
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if !renamed {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if keep != 0 {
		// Chmod is not subject to the umask: the old mode stays exactly.
		if err := f.Chmod(keep); err != nil {
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// createTemp creates a new file beside the target with mode perm less the
// umask. os.CreateTemp would force 0600 whatever the umask says.
func createTemp(dir, base string, perm fs.FileMode) (*os.File, string, error) {
	for range 100 {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, "", err
		}
		name := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("cannot create a temporary file in %s", dir)
}

// dirPerm is the mode of a directory made for a file of mode perm: searchable
// by whoever may read the file, and always by its owner.
func dirPerm(perm fs.FileMode) fs.FileMode {
	p := perm.Perm() | 0o700
	return p | (p&0o044)>>2
}

func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
