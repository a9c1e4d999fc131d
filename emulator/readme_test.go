package emulator_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEInGoTests: the code of the README's "In Go tests" section is
// code that compiles and runs in this module's tests: the idpooltest test
// is idpooltest/readme_test.go (but for its package clause), its fixture
// file idpooltest/testdata/pools.json, and the embedding code the body of
// ExampleNew.
func TestREADMEInGoTests(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, found := strings.Cut(string(b), "\n## In Go tests\n")
	if !found {
		t.Fatal(`README.md has no section "In Go tests"`)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
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
