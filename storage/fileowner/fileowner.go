package fileowner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ReadHint returns, for err of opening a file or directory to read, the
// words that say whose it is and how to let idpool read it, starting with
// "; ", to follow the error in a message. It returns "" unless err is a
// permission error of a path (an *fs.PathError) that belongs to another
// user than this process's and that others may not read: a path that
// others may read was refused for one of its directories, which the hint
// would not be about.
func ReadHint(err error) string {
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrPermission) || !errors.As(err, &pe) {
		return ""
	}
	st, err := os.Stat(pe.Path)
	if err != nil {
		return ""
	}
	owner, ok := uid(st)
	if !ok || owner == os.Geteuid() || st.Mode().Perm()&0o004 != 0 {
		return ""
	}
	mode := "644"
	if st.IsDir() {
		mode = "755" // a directory is listed through its x bit too
	}
	return fmt.Sprintf("; it belongs to uid %d and others may not read it (mode %04o), and idpool runs as uid %d: "+
		"let others read it (chmod %s %s) or give it to uid %d (chown %d %s)",
		owner, st.Mode().Perm(), os.Geteuid(), mode, pe.Path, os.Geteuid(), os.Geteuid(), pe.Path)
}

// WriteHint returns, for the file or directory at path that this process
// may not write, the words that say whose it is and how to give it to
// idpool, starting with "; ": "give what to uid U (chown U target)",
// where target may name more files than path (the database's files,
// "idpool.db*"). It returns "" when path belongs to this process's user
// or its owner cannot be known (Windows).
func WriteHint(path, what, target string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	owner, ok := uid(st)
	if !ok || owner == os.Geteuid() {
		return ""
	}
	return fmt.Sprintf("; it belongs to uid %d and idpool runs as uid %d: give %s to uid %d (chown %d %s)",
		owner, os.Geteuid(), what, os.Geteuid(), os.Geteuid(), target)
}
