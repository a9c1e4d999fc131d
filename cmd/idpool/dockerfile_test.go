package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfile keeps the image's promises: a static binary, a non-root
// user, the version stamped into the variables this package reads, and a
// health check that finds the server through a writable address file.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, w := range []string{
		"CGO_ENABLED=0",
		"-X main.version=${VERSION} -X main.commit=${COMMIT}",
		"USER 65532:65532",
		"FROM gcr.io/distroless/static-debian12:nonroot",
		`CMD ["/idpool", "health"]`,
		"COPY --from=build --chown=65532:65532 /out/run /run/idpool",
	} {
		if !strings.Contains(df, w) {
			t.Errorf("Dockerfile does not contain %q", w)
		}
	}
	m := regexp.MustCompile(`IDPOOL_ADDR_FILE=(\S+)`).FindStringSubmatch(df)
	if m == nil || !strings.HasPrefix(m[1], "/run/idpool/") {
		t.Errorf("Dockerfile: got IDPOOL_ADDR_FILE %v, want a file in /run/idpool, the directory the image's user owns", m)
	}
	// The linker sets these by name; they must exist.
	_, _ = version, commit
}
