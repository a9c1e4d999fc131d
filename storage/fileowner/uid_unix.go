//go:build unix

package fileowner

import (
	"io/fs"
	"syscall"
)

// uid returns the user id owning the file st describes.
func uid(st fs.FileInfo) (int, bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(sys.Uid), true
}
