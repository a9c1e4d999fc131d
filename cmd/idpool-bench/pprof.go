//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // registers the profiling handlers on http.DefaultServeMux
	"os"
)

// idpool-bench built with -tags pprof serves its own profiles on the address in
// IDPOOL_BENCH_PPROF (for example 127.0.0.1:6060), for performance work. Release
// builds leave the handlers out.
func init() {
	addr := os.Getenv("IDPOOL_BENCH_PPROF")
	if addr == "" {
		return
	}
	go func() { _ = http.ListenAndServe(addr, nil) }()
}
