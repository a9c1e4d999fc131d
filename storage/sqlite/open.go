package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/idpool/idpool/storage/fileowner"
)

// ErrLocked is returned by Open when another Store, in this process or
// another, holds the database's lock file.
var ErrLocked = errors.New("the database is in use by another idpool process")

// ErrLinked is returned by Open when the database file has more than one
// name (hard link). The lock is named after the file's one name; SQLite's
// write-ahead log and index are named after the name it is opened by, so
// two names are two unlocked databases over one file, which SQLite calls
// undefined behaviour (https://www.sqlite.org/howtocorrupt.html, "Multiple
// links to the same file"). A symbolic link is not a second name: it is
// followed to the one name.
var ErrLinked = errors.New("the database file has more than one name (hard link)")

// lockSuffix names the lock file beside a database: "idpool.db" is locked
// through "idpool.db.lock".
const lockSuffix = ".lock"

// checkFile makes sure the database file at path can be opened as o asks,
// and returns errors that name the path and the reason, which SQLite's own
// "unable to open database file" does not. It returns the absolute path.
// It only stats: it opens no file, since closing a descriptor of the
// database would drop the POSIX locks SQLite holds on it in this process
// (see checkWritable).
func checkFile(path string, o options) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", &openError{fmt.Sprintf("sqlite: open %s: the directory %s does not exist", path, dir), fs.ErrNotExist}
	case err != nil:
		return "", fmt.Errorf("sqlite: open %s: %w", path, err)
	case !st.IsDir():
		return "", fmt.Errorf("sqlite: open %s: %s is not a directory", path, dir)
	}
	st, err = os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist) && o.existing:
		return "", &openError{fmt.Sprintf("sqlite: open %s: no such database file", path), fs.ErrNotExist}
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", fmt.Errorf("sqlite: open %s: %w", path, err)
	case st.IsDir():
		return "", fmt.Errorf("sqlite: open %s: it is a directory, not a database file", path)
	default:
		if n, ok := links(st); ok && n > 1 {
			return "", &openError{fmt.Sprintf("sqlite: open %s: the database file has %d names (hard links), "+
				"and SQLite keeps its write-ahead log beside the name it is opened by: another idpool may be using it "+
				"through another name, and two names make two logs over one file, which corrupts it; give it one name "+
				"(remove the others, or cp it to a name of its own; a symbolic link is safe)", path, n), ErrLinked}
		}
	}
	return abs, nil
}

// checkWritable makes sure the database file at abs (given as path), its
// write-ahead log and its index, where they exist, may be written. SQLite
// would silently open a file it may not write read-only, and fail later
// at the first write; a log or index left by a run as another user fails
// the same way.
//
// It opens and closes those files, and closing any descriptor of a file
// drops every POSIX (fcntl) lock this process holds on it, SQLite's
// included: it must run only once this Store holds the database's lock,
// so that no other Store of this process (a writer refused by the lock)
// ever closes a descriptor of a database a Store has open.
func checkWritable(path, abs string) error {
	for _, f := range []string{abs, abs + "-wal", abs + "-shm"} {
		if err := writable(f); err != nil {
			return fmt.Errorf("sqlite: open %s: the file %s is not writable: %w%s", path, f, unwrapPath(err), chownHint(f, abs))
		}
	}
	return nil
}

// writable reports why the file at path, if it exists, cannot be opened
// for writing.
func writable(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// chownHint tells what to do about a file of the database db that this
// process may not write, when its owner is another user: typically one
// left by a run as root before the server ran as its own user.
func chownHint(path, db string) string {
	return fileowner.WriteHint(path, "the database's files", db+"*")
}

// lockPath is the lock file of the database at abs, named after the file
// the path leads to: a symbolic link to a database is the same database,
// and must not get a lock of its own.
func lockPath(abs string) string {
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real + lockSuffix
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs)) + lockSuffix
	}
	return abs + lockSuffix
}

// takeLock takes the lock of the database at abs (given as path), with
// errors that say which process holds it or why it cannot be taken, and
// then makes sure the database's files may be written (checkWritable).
//
// The lock is the file named after the database's name, which follows the
// file itself because checkFile refused a database file of more than one
// name: every path to a file of one name leads, through symbolic links
// (lockPath resolves them), to that one name in one directory, and the
// lock file beside it is one file however the directory is reached (a
// bind mount, a container's volume). Locking the database file itself
// instead would be wrong: on the BSDs and macOS, and over NFS and SMB on
// Linux, flock and SQLite's fcntl locks are one kind of lock, and a flock
// held on the database would keep SQLite, this process's included, from
// locking it (flock(2), NOTES); and a refused second Store of this process
// would have to open and close a descriptor of the database, which drops
// the first Store's fcntl locks on it (fcntl(2): closing any descriptor of
// a file releases all the process's record locks on it).
func takeLock(path, abs string) (*lockFile, error) {
	lp := lockPath(abs)
	lk, err := lock(lp)
	switch {
	case errors.Is(err, ErrLocked):
		if lockedHere(lp) {
			// A Store of this very process holds the lock, one a Go
			// program (a test, above all) opened and has not closed.
			return nil, &openError{fmt.Sprintf("sqlite: open %s: the database is already open in this process (lock file %s): "+
				"a Store on it, or the emulator.Server over it, was not closed; close it first, or open another database", path, lp), ErrLocked}
		}
		return nil, fmt.Errorf("sqlite: open %s: %w%s (lock file %s); stop it, or give this one another --db", path, ErrLocked, holder(lp), lp)
	case err == nil:
		if err := checkWritable(path, abs); err != nil {
			lk.release()
			return nil, err
		}
		return lk, nil
	}
	if _, serr := os.Lstat(lp); serr == nil {
		return nil, fmt.Errorf("sqlite: open %s: the lock file %s is not writable: %w%s", path, lp, unwrapPath(err), chownHint(lp, strings.TrimSuffix(lp, lockSuffix)))
	}
	dir := filepath.Dir(lp)
	return nil, fmt.Errorf("sqlite: open %s: the directory %s is not writable: %w%s", path, dir, unwrapPath(err),
		fileowner.WriteHint(dir, "the directory", dir))
}

// openError is an error whose message says all, wrapping a sentinel for
// errors.Is without repeating its text.
type openError struct {
	msg string
	err error
}

func (e *openError) Error() string { return e.msg }
func (e *openError) Unwrap() error { return e.err }

// holder describes the server named in the lock file at path, if it
// still runs. In a container every idpool is pid 1, so a pid alone would
// name this very process to one refused in another container on a shared
// volume: the hostname, a container's id unless set, tells them apart, and
// a pid of another host's processes cannot be looked up here.
func holder(path string) string {
	pid, host, ok := lockHolder(path)
	if !ok {
		return ""
	}
	if here, err := os.Hostname(); err == nil && host != "" && host != here {
		return fmt.Sprintf(", pid %d in another container or machine, hostname %s (this one is %s)", pid, host, here)
	}
	if !alive(pid) {
		// The pid is of a server that has stopped: the holder is an
		// export, which reads with a shared lock and writes no pid.
		return " (an idpool export reading it?)"
	}
	if host == "" { // written by an idpool before hostnames were
		return fmt.Sprintf(", pid %d", pid)
	}
	return fmt.Sprintf(", pid %d on host %s", pid, host)
}

// lockHolder returns the process id and the hostname (empty when the
// file has none) written in the lock file at path: those of the last
// server that took the lock, which holds it still unless an export holds
// it now (an export writes none).
func lockHolder(path string) (pid int, host string, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, "", false
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	pid, err = strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return 0, "", false
	}
	host, _, _ = strings.Cut(rest, "\n")
	return pid, strings.TrimSpace(host), true
}

// unwrapPath drops the *fs.PathError around err: the messages built here
// name the path themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// describe wraps an error of opening or migrating the database at path
// with the path and, for SQLite's result codes, the reason in words.
//
// Open does not run PRAGMA quick_check to refuse a damaged database at
// start: it reads the whole file, 2 to 3.5 s for one of a million
// identities (590 MB, in the page cache) against half a second for the
// whole start, and more the larger the file and the colder the cache. A
// damaged page is reported as corrupt by the statement that reads it, and
// here when it is one that opening reads.
func describe(path string, err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	var reason string
	switch se.Code() & 0xff { // the primary result code
	case sqlite3.SQLITE_NOTADB:
		reason = "the file is not an SQLite database"
	case sqlite3.SQLITE_CORRUPT:
		reason = "the database file is corrupt"
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		reason = "the database is locked by another process"
	case sqlite3.SQLITE_READONLY:
		reason = "the database is read-only"
	case sqlite3.SQLITE_CANTOPEN:
		reason = "the file cannot be opened (is its directory writable?)"
	case sqlite3.SQLITE_PERM:
		reason = "permission denied"
	case sqlite3.SQLITE_FULL:
		reason = "the disk is full"
	case sqlite3.SQLITE_IOERR:
		reason = "an I/O error"
	default:
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return fmt.Errorf("sqlite: open %s: %s: %w", path, reason, err)
}
