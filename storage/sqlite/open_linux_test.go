package sqlite

import (
	"os"
	osexec "os/exec"
	"path/filepath"
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
