package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// imageUID is the user the Docker image runs idpool as.
const imageUID = 65532

// TestPermissionHints: files idpool may not use because another user owns
// them, as files of the host bind-mounted into the container are, stop it
// with a message that names their owner, the user idpool runs as and the
// command that gives idpool the file. It runs idpool as the image's user,
// which needs root to switch to, on files of root.
func TestPermissionHints(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot run idpool as another user than the files' owner")
	}
	// A directory every user may enter, outside the test's 0700
	// temporary directories, holding the binary and the files.
	base, err := os.MkdirTemp("", "idpool-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "idpool")
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	mkdir := func(name string) string {
		t.Helper()
		dir := filepath.Join(base, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	// Files of root, readable by root only, as mkcert and openssl write
	// a key and as a careful user keeps a fixture.
	private := func(dir, name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	data := mkdir("data") // a fresh bind mount: root's, 0755
	certFile, keyFile := selfSigned(t, "localhost")
	tlsDir := mkdir("tls")
	certPEM, _ := os.ReadFile(certFile)
	keyPEM, _ := os.ReadFile(keyFile)
	cert := private(tlsDir, "idpool.pem", certPEM)
	if err := os.Chmod(cert, 0o644); err != nil {
		t.Fatal(err)
	}
	key := private(tlsDir, "idpool-key.pem", keyPEM)
	fixture := private(mkdir("fixtures"), "app.json", []byte(`{"IdentityPools": []}`))
	closed := mkdir("closed")
	private(closed, "app.json", []byte(`{"IdentityPools": []}`))
	if err := os.Chmod(closed, 0o700); err != nil {
		t.Fatal(err)
	}

	const runsAs = "idpool runs as uid 65532"
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"database directory of root", []string{"--db", filepath.Join(data, "idpool.db")},
			[]string{"the directory " + data + " is not writable", "belongs to uid 0", runsAs, "chown 65532 " + data}},
		{"TLS key of root, 0600", []string{"--db", ":memory:", "--tls-cert", cert, "--tls-key", key},
			[]string{"tls-key", key, "permission denied", "belongs to uid 0", "mode 0600", runsAs, "chmod 644 " + key, "chown 65532 " + key}},
		{"fixture file of root, 0600", []string{"--db", ":memory:", "--fixtures", fixture},
			[]string{"fixtures", fixture, "permission denied", "belongs to uid 0", runsAs, "chmod 644 " + fixture, "chown 65532 " + fixture}},
		{"fixtures directory of root, 0700", []string{"--db", ":memory:", "--fixtures", closed},
			[]string{"fixtures", closed, "permission denied", "belongs to uid 0", runsAs, "chmod 755 " + closed, "chown 65532 " + closed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0"}, tt.args...)...)
			cmd.Dir = base
			cmd.Env = []string{"IDPOOL_TEST_MAIN=1", "HOME=" + base, "TMPDIR=" + base}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: imageUID, Gid: imageUID}}
			out, err := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
				t.Fatalf("idpool as uid %d: got %v (exit %d), want exit 1; output:\n%s", imageUID, err, code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("got %q, want it to contain %q", out, w)
				}
			}
		})
	}
}
