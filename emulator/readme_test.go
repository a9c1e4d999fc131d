package emulator_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator"
)

// TestREADMEInGoTests: the code of the README's "In Go tests" section is
// code that compiles and runs in this module's tests: the idpooltest test
// is idpooltest/readme_test.go (but for its package clause), its fixture
// file idpooltest/testdata/pools.json, and the embedding code the body of
// ExampleNew.
func TestREADMEInGoTests(t *testing.T) {
	sec := readmeSection(t, "In Go tests")
	blocks := regexp.MustCompile("(?s)```(go|json)\n(.*?)```").FindAllStringSubmatch(sec, -1)
	if len(blocks) != 3 {
		t.Fatalf("got %d go and json blocks in the README's In Go tests, want 3 (a test, its fixture, ExampleNew)", len(blocks))
	}
	example := exampleBody(t, "example_test.go", "ExampleNew")
	tests := []struct {
		name, block, want string
	}{
		{"the idpooltest test", afterImport(blocks[0][2]), afterImport(readFile(t, "idpooltest/readme_test.go"))},
		{"its fixture file", blocks[1][2], readFile(t, "idpooltest/testdata/pools.json")},
		{"ExampleNew", blocks[2][2], example},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.block != tt.want {
				t.Errorf("README block: got\n%s\nwant (from the source; update both together)\n%s", tt.block, tt.want)
			}
		})
	}
}

// readmeSection returns the text of the README section titled title, up
// to the next section.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	_, sec, found := strings.Cut(readFile(t, "../README.md"), "\n## "+title+"\n")
	if !found {
		t.Fatalf("README.md has no section %q", title)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	return sec
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// afterImport returns Go source from its import declaration on, leaving
// out the package clause, which the README names for a package of yours.
func afterImport(src string) string {
	_, rest, _ := strings.Cut(src, "\nimport ")
	return rest
}

// exampleBody returns the body of the function name in the file at path,
// one tab of indentation removed.
func exampleBody(t *testing.T, path, name string) string {
	t.Helper()
	_, body, found := strings.Cut(readFile(t, path), "\nfunc "+name+"() {\n")
	if !found {
		t.Fatalf("%s has no func %s", path, name)
	}
	body, _, _ = strings.Cut(body, "\n}\n")
	var out strings.Builder
	for l := range strings.Lines(body + "\n") {
		out.WriteString(strings.TrimPrefix(l, "\t"))
	}
	return out.String()
}

// TestREADMEFixturesExample: the README's fixture example loads as
// written, as a file and, beside the key file the SigningKeys bullet's
// command writes (when openssl is at hand), as a directory. Its
// SigningKeys entry once held a shortened key, which stopped a server
// given the example with "is not a PEM private key".
func TestREADMEFixturesExample(t *testing.T) {
	sec := readmeSection(t, "Fixtures")
	example := regexp.MustCompile("(?s)\n```json\n(.*?)```").FindStringSubmatch(sec)
	if example == nil {
		t.Fatal("got no json block in the README's Fixtures, want the example")
	}
	file := filepath.Join(t.TempDir(), "app.json")
	writeFile(t, file, example[1])
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app.json"), example[1])
	tests := []struct {
		name, fixtures string
		// keys is set when the directory needs the key file.
		keys bool
	}{
		{"the example", file, false},
		{"the example beside the key file", dir, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.keys {
				keys := regexp.MustCompile("(?s)\n( *)```sh\n(.*?)```").FindStringSubmatch(sec)
				if keys == nil || !strings.Contains(keys[2], "openssl genpkey") {
					t.Fatal("got no sh block making a key in the README's Fixtures, want the SigningKeys bullet's")
				}
				makeKeyFile(t, dir, keys[1], keys[2])
			}
			s, err := emulator.New(t.Context(), emulator.Config{DB: ":memory:", Fixtures: tt.fixtures}, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("loading %s: got %v, want it loaded", tt.fixtures, err)
			}
			defer s.Close()
			if !tt.keys {
				return
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://localhost:9230/.well-known/jwks.json", nil))
			if !strings.Contains(rec.Body.String(), `"kid":"fixture-1"`) {
				t.Errorf("the key set: got %s, want the key file's key, kid fixture-1", rec.Body)
			}
		})
	}
}

// makeKeyFile runs the README's command that writes keys.json, a block
// indented by indent, in dir; it skips t without openssl or sh.
func makeKeyFile(t *testing.T, dir, indent, block string) {
	t.Helper()
	for _, tool := range []string{"openssl", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s to run the README's key command: %v", tool, err)
		}
	}
	var script strings.Builder
	for l := range strings.Lines(block) {
		script.WriteString(strings.TrimPrefix(l, indent))
	}
	cmd := exec.Command("sh", "-c", script.String())
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README's key command: got %v (%s), want keys.json written", err, out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
