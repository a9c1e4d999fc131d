package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version and commit name the build. A release build sets them with
// -ldflags "-X main.version=v1.2.3 -X main.commit=0123abc" (the Dockerfile
// does, as its build context has no .git); otherwise they come from the
// build information Go records: the module version under `go install
// …@version`, the VCS revision when built in a checkout.
var version, commit string

// versionString is what --version prints: idpool, the version, the
// commit (with "+dirty" for uncommitted changes) and the Go release.
func versionString() string {
	v, c, dirty := version, commit, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.modified" && s.Value == "true" && commit == "":
				dirty = "+dirty"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if c == "" {
		c = "unknown"
	}
	return fmt.Sprintf("idpool %s (commit %s%s, %s)", v, c, dirty, runtime.Version())
}
