// Package durable writes small files so that they survive a crash: the
// server's certificate, key files and report keys are read back after a
// kill -9 or a power cut, and half a file there would lock a class out.
package durable

import (
	"os"
	"path/filepath"
)

// WriteFile replaces path atomically and durably: a temporary file in the
// same directory is written with perm, fsynced and renamed over path, and
// the directory is fsynced, so after a crash path holds either the old
// bytes or the new ones, never a mix.
func WriteFile(path string, b []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing to remove
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// SyncDir fsyncs a directory, so a file created or renamed in it keeps
// its name after a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
