package sqlite

import (
	"errors"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestOpenErrorsUnprivileged runs the permission cases of TestOpenErrors,
// which root skips, and TestOpenReadOnly, in a copy of this test binary
// running as the user nobody: CI runs as root, and those messages and a
// read-only directory's reads must be shown somewhere.
func TestOpenErrorsUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: TestOpenErrors runs the permission cases itself")
	}
	// A directory nobody may use, outside the test's 0700 temporary
	// directories, holding the binary and the child's TMPDIR.
	dir, err := os.MkdirTemp("", "idpool-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "sqlite.test")
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, run := range []string{"^TestOpenErrors$/^read-only", "^TestOpenReadOnly$"} {
		cmd := osexec.Command(bin, "-test.run", run, "-test.v", "-test.count=1")
		cmd.Dir = dir
		cmd.Env = []string{"TMPDIR=" + dir, "HOME=" + dir, "PATH=" + os.Getenv("PATH")}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		o, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s as nobody: %v\n%s", run, err, o)
		}
		out = append(out, o...)
	}
	for _, name := range []string{"TestOpenErrors/read-only_file", "TestOpenErrors/read-only_directory",
		"TestOpenErrors/read-only_lock_file", "TestOpenErrors/read-only_write-ahead_log",
		"TestOpenReadOnly/read-only_directory", "TestOpenReadOnly/read-only_directory_after_a_crash"} {
		if !strings.Contains(string(out), "--- PASS: "+name+" ") {
			t.Errorf("got no pass of %s as nobody, want one:\n%s", name, out)
		}
	}
}

// TestLockHolder: the message of a refused Open names the holder: a
// Store of this process itself, which another idpool process cannot be
// and no --db flag is about, whatever pid the lock file names; or another
// process, by the pid it wrote, even when that is this process's own (in
// a container every idpool is pid 1), and by the hostname it wrote, which
// tells another container's process from one of this host.
func TestLockHolder(t *testing.T) {
	here, err := os.Hostname()
	if err != nil {
		t.Skipf("no hostname: %v", err)
	}
	tests := []struct {
		name    string
		store   bool // a Store of this process holds the lock, not another "process"
		pid     int
		host    string // the holder's hostname; none in a lock file of an older idpool
		want    []string
		notWant []string
	}{
		{"a Store of this process", true, os.Getppid(), "",
			[]string{"already open in this process", "not closed"},
			[]string{"another idpool process", "--db"}},
		{"another process of this process's pid", false, os.Getpid(), "",
			[]string{"in use by another idpool process", "pid " + strconv.Itoa(os.Getpid()), "--db"},
			[]string{"this process"}},
		{"another process", false, os.Getppid(), "",
			[]string{"in use by another idpool process", "pid " + strconv.Itoa(os.Getppid()), "--db"},
			[]string{"this process", "container"}},
		{"another process of this host", false, os.Getppid(), here,
			[]string{"in use by another idpool process", "pid " + strconv.Itoa(os.Getppid()) + " on host " + here},
			[]string{"this process", "container"}},
		{"pid 1 of another container", false, 1, "3f2a9c1d0b7e",
			[]string{"in use by another idpool process", "pid 1 in another container or machine, hostname 3f2a9c1d0b7e (this one is " + here + ")", "--db"},
			[]string{"this process", "on host"}},
		{"another container's pid that is this process's", false, os.Getpid(), "3f2a9c1d0b7e",
			[]string{"pid " + strconv.Itoa(os.Getpid()) + " in another container or machine, hostname 3f2a9c1d0b7e"},
			[]string{"this process", "on host"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "idpool.db")
			openFile(t, path).Close()
			if tt.store {
				first := openFile(t, path)
				defer first.Close()
			} else {
				// Another process's lock: a flock on another open file
				// of the lock file conflicts as one of another process.
				f, err := os.OpenFile(path+lockSuffix, os.O_RDWR, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
					t.Fatal(err)
				}
			}
			// The holder's pid and hostname as that process would have
			// written them.
			rec := strconv.Itoa(tt.pid) + "\n"
			if tt.host != "" {
				rec += tt.host + "\n"
			}
			if err := os.WriteFile(path+lockSuffix, []byte(rec), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Open(t.Context(), path)
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("second Open: got %v, want ErrLocked", err)
			}
			for _, w := range append(tt.want, path, path+lockSuffix) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("second Open: got %q, want it to contain %q", err, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(err.Error(), w) {
					t.Errorf("second Open: got %q, want no %q", err, w)
				}
			}
		})
	}
}

// TestRefusedOpenKeepsLocks: a second Store of this process, refused by
// the lock, leaves the first Store's SQLite locks in place. Closing any
// descriptor of a file drops every fcntl lock the process holds on it
// (fcntl(2)), so the refused Open must not open, and close, the database
// or its write-ahead index, as its check that they are writable once did:
// without its shared lock on the database and its locks on the index,
// another process would take the server for gone, and reset the index or
// delete the log under it.
func TestRefusedOpenKeepsLocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idpool.db")
	first := openFile(t, path)
	defer first.Close()
	if _, err := first.CountPools(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := map[string]int{"database": fcntlLocks(t, path), "index": fcntlLocks(t, path+"-shm")}
	if before["database"] == 0 || before["index"] == 0 {
		t.Fatalf("fcntl locks of the open Store: got %v, want some on both files", before)
	}
	if s, err := Open(t.Context(), path); !errors.Is(err, ErrLocked) {
		if err == nil {
			s.Close()
		}
		t.Fatalf("second Open: got %v, want ErrLocked", err)
	}
	after := map[string]int{"database": fcntlLocks(t, path), "index": fcntlLocks(t, path+"-shm")}
	for f, n := range after {
		if n == 0 {
			t.Errorf("fcntl locks on the %s after a refused Open: got none, want the first Store's (%d before)", f, before[f])
		}
	}
}

// fcntlLocks counts the POSIX record locks this process holds on the file
// at path, from /proc/locks.
func fcntlLocks(t *testing.T, path string) int {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		t.Skipf("no /proc/locks: %v", err)
	}
	pid := strconv.Itoa(os.Getpid())
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		// 1: POSIX  ADVISORY  READ 1234 08:01:5678 128 128
		f := strings.Fields(line)
		if len(f) < 6 || f[1] != "POSIX" || f[4] != pid {
			continue
		}
		dev := strings.Split(f[5], ":")
		if len(dev) == 3 && dev[2] == strconv.FormatUint(st.Ino, 10) {
			n++
		}
	}
	return n
}

// TestOwnerHints: a database directory or file of another user (root's,
// as a fresh bind mount is, or a file a run as root left) is named with
// its owner, the user idpool runs as and the chown that gives it to that
// user. Run as root, it makes the files and runs itself as the user nobody
// on them, which does the Opens (IDPOOL_OWNER_HINTS_DIR set).
func TestOwnerHints(t *testing.T) {
	const dirEnv = "IDPOOL_OWNER_HINTS_DIR"
	base := os.Getenv(dirEnv)
	if base == "" {
		if os.Geteuid() != 0 {
			t.Skip("not root: cannot make files of another user than this one")
		}
		base = ownerHintFiles(t)
		bin := filepath.Join(base, "sqlite.test")
		cmd := osexec.Command(bin, "-test.run", "^TestOwnerHints$", "-test.v", "-test.count=1")
		cmd.Dir = base
		cmd.Env = []string{dirEnv + "=" + base, "TMPDIR=" + base, "HOME=" + base}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("as nobody: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "--- PASS: TestOwnerHints/") {
			t.Errorf("got no case passed as nobody, want all:\n%s", out)
		}
		return
	}
	const runsAs = "idpool runs as uid 65534"
	dir := filepath.Join(base, "data")
	db := filepath.Join(base, "open", "idpool.db")
	tests := []struct {
		name string
		path string
		want []string
	}{
		{"directory of root", filepath.Join(dir, "idpool.db"),
			[]string{"the directory " + dir + " is not writable", "belongs to uid 0", runsAs, "give the directory to uid 65534", "chown 65534 " + dir + ")"}},
		{"database file of root", db,
			[]string{"the file " + db + " is not writable", "belongs to uid 0", runsAs, "give the database's files to uid 65534", "chown 65534 " + db + "*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(t.Context(), tt.path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q): got nil error, want one", tt.path)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open(%q): got %q, want it to contain %q", tt.path, err, w)
				}
			}
		})
	}
}

// ownerHintFiles makes, as root, what TestOwnerHints opens as nobody, in
// a directory every user may enter, outside the test's 0700 temporary
// directories: this test binary, a directory of root's ("data") and, in a
// directory anyone may write (for the lock file), a database of root's.
func ownerHintFiles(t *testing.T) string {
	t.Helper()
	base, err := os.MkdirTemp("", "idpool-owner-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []error{
		os.Chmod(base, 0o755),
		os.WriteFile(filepath.Join(base, "sqlite.test"), self, 0o755),
		os.Mkdir(filepath.Join(base, "data"), 0o755),
		os.Mkdir(filepath.Join(base, "open"), 0o777),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	if err := os.Chmod(filepath.Join(base, "open"), 0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	db := filepath.Join(base, "open", "idpool.db")
	openFile(t, db).Close()
	// The lock file nobody may make anew, so that the database file is
	// what is refused.
	if err := os.Remove(db + lockSuffix); err != nil {
		t.Fatal(err)
	}
	return base
}

// TestLockRecord: a server writes its pid and hostname in the lock file it
// holds, for the message of a second one (TestLockHolder).
func TestLockRecord(t *testing.T) {
	here, err := os.Hostname()
	if err != nil {
		t.Skipf("no hostname: %v", err)
	}
	path := filepath.Join(t.TempDir(), "idpool.db")
	s := openFile(t, path)
	defer s.Close()
	b, err := os.ReadFile(path + lockSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), strconv.Itoa(os.Getpid())+"\n"+here+"\n"; got != want {
		t.Errorf("lock file: got %q, want %q", got, want)
	}
}
