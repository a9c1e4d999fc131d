//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite

import (
	"errors"
	"os"
	"strconv"
	"syscall"
)

// lockFile is a held lock on a database's lock file.
type lockFile struct{ f *os.File }

// lock takes an exclusive, non-blocking flock on the file at path,
// creating it, and writes this process's id into it for the message of
// the next one. The operating system drops the lock when the process
// exits, however it exits, so a crash leaves no stale lock; the file
// itself stays. flock locks belong to the open file, so a second Store of
// the same process is refused too.
func lock(path string) (*lockFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if isLocked(err) {
			return nil, ErrLocked
		}
		return nil, err
	}
	// The pid is for people; a failure to write it costs only the pid in
	// a message.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &lockFile{f: f}, nil
}

// release drops the lock. It may be called on a nil lock.
func (l *lockFile) release() error {
	if l == nil {
		return nil
	}
	return l.f.Close() // closing the last descriptor drops the flock
}

// isLocked reports whether err is the "would block" of a lock another
// holder has.
func isLocked(err error) bool {
	return errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN)
}
