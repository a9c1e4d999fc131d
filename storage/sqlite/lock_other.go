//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import "os"

// lockFile is a no-op here: on systems without flock (Windows, Solaris,
// …) two processes on one database are not detected. SQLite's own locks
// still keep the file consistent; only the Stores' caches may go stale.
type lockFile struct{}

func lock(string) (*lockFile, error) { return nil, nil }

func (l *lockFile) release() error { return nil }

// lockedHere is never true: no lock is refused here.
func lockedHere(string) bool { return false }

// lockShared has no lock to take: see lockFile.
func lockShared(string) (*lockFile, bool) { return nil, false }

// links is unknown here: a database of several names is not refused.
func links(os.FileInfo) (uint64, bool) { return 0, false }

// alive cannot tell here, and says yes.
func alive(int) bool { return true }
