//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite

import (
	"errors"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// lockFile is a held lock on a database's lock file; path is set for the
// exclusive lock of a Store (see heldHere).
type lockFile struct {
	f    *os.File
	path string
}

// heldHere is the lock files this process holds exclusively, for its
// Stores. A lock refused on one of them is held by a Store of this very
// process, not by another process: the pid in the file cannot tell, as in
// a container every idpool is pid 1.
var heldHere = struct {
	sync.Mutex
	paths map[string]bool
}{paths: make(map[string]bool)}

// lockedHere reports whether this process holds the exclusive lock on the
// lock file at path.
func lockedHere(path string) bool {
	heldHere.Lock()
	defer heldHere.Unlock()
	return heldHere.paths[path]
}

// lock takes an exclusive, non-blocking flock on the file at path,
// creating it, and writes this process's id and hostname into it for the
// message of the next one (lockRecord). The operating system drops the
// lock when the process exits, however it exits, so a crash leaves no
// stale lock; the file itself stays. flock locks belong to the open file, so a second Store of
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
	// The pid and hostname are for people; a failure to write them costs
	// only their words in a message.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(lockRecord(), 0)
	}
	heldHere.Lock()
	heldHere.paths[path] = true
	heldHere.Unlock()
	return &lockFile{f: f, path: path}, nil
}

// lockRecord is what a server writes in the lock file it holds, for the
// message of the next one (holder, which lockHolder reads it for): its
// process id on the first line and its hostname, when known, on the
// second.
func lockRecord() []byte {
	rec := strconv.Itoa(os.Getpid()) + "\n"
	if host, err := os.Hostname(); err == nil {
		rec += host + "\n"
	}
	return []byte(rec)
}

// release drops the lock. It may be called on a nil lock.
func (l *lockFile) release() error {
	if l == nil {
		return nil
	}
	if l.path != "" {
		heldHere.Lock()
		delete(heldHere.paths, l.path)
		heldHere.Unlock()
	}
	return l.f.Close() // closing the last descriptor drops the flock
}

// isLocked reports whether err is the "would block" of a lock another
// holder has.
func isLocked(err error) bool {
	return errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN)
}

// lockShared takes a shared, non-blocking flock on the existing lock file
// at path, opened read-only, so that no server starts on the database
// while it is held. serving reports that a server holds the lock. With no
// lock file (a database copied without it), or one that cannot be opened,
// it returns a nil lock: creating the file would leave behind a file of
// this user's that a server of another could not lock.
func lockShared(path string) (lk *lockFile, serving bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, isLocked(err)
	}
	return &lockFile{f: f}, false
}

// links returns the number of names (hard links) of the file fi
// describes.
func links(fi os.FileInfo) (uint64, bool) {
	sys, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(sys.Nlink), true
}

// alive reports whether a process of id pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
