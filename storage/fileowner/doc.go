// Package fileowner explains why idpool may not read or write a file that
// another user owns: the database's files left by a run as root, or a TLS
// key or fixture file mounted into the container, whose user (uid 65532)
// is not the files' owner. Its hints name the owner, the user idpool runs
// as and the command that gives idpool the file, so that the fix needs no
// look at the image's documentation.
//
// It is shared by storage/sqlite, fixtures and cmd/idpool, which meet the
// problem with their own files; it imports nothing of idpool.
package fileowner
