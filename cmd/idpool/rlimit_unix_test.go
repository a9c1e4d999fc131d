//go:build unix

package main

import "syscall"

// openFileLimit is the hard limit on this process's open files, which Go
// raises the soft limit to at start.
func openFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	return uint64(lim.Max), err
}
