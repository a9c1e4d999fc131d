//go:build !unix

package main

import "errors"

// openFileLimit has no answer where there are no resource limits; the
// tests that need it are skipped there.
func openFileLimit() (uint64, error) {
	return 0, errors.New("no open-file limit on this system")
}
