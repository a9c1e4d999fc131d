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
// which root skips, in a copy of this test binary running as the user
// nobody: CI runs as root, and those messages must be shown somewhere.
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
	cmd := osexec.Command(bin, "-test.run", "^TestOpenErrors$/^read-only", "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = []string{"TMPDIR=" + dir, "HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the permission cases as nobody: %v\n%s", err, out)
	}
	for _, name := range []string{"read-only_file", "read-only_directory"} {
		if !strings.Contains(string(out), "--- PASS: TestOpenErrors/"+name) {
			t.Errorf("got no pass of %s as nobody, want one:\n%s", name, out)
		}
	}
}
