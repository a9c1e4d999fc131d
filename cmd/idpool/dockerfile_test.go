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

// TestGoLineFitsBuilderImage: the Dockerfile builds with whatever patch
// release of its golang:1.N image Docker has cached, as the official
// images set GOTOOLCHAIN=local and so cannot fetch a newer Go: go.mod's go
// line asks for no patch release (1.N.0), and the newest patch is
// go.mod's toolchain line, which only GOTOOLCHAIN=auto follows.
func TestGoLineFitsBuilderImage(t *testing.T) {
	df, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	image := regexp.MustCompile(`(?m)^FROM .*golang:(\d+\.\d+)-`).FindSubmatch(df)
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)(\.\d+)?$`).FindSubmatch(mod)
	if image == nil || goLine == nil {
		t.Fatalf("got builder image %q and go line %q, want both", image, goLine)
	}
	if got, want := string(goLine[1]), string(image[1]); got != want {
		t.Errorf("go.mod's go line: got Go %s, want %s, the builder image's", got, want)
	}
	if p := string(goLine[2]); p != "" && p != ".0" {
		t.Errorf("go.mod's go line: got patch release %s, want .0, which every golang:%s image has", p, image[1])
	}
}
