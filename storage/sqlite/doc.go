// Package sqlite implements storage.Store on SQLite (modernc.org/sqlite, pure
// Go).
//
// A Store owns one database: a file, kept in WAL mode with synchronous=FULL so
// that every Update that returns nil is on disk, or a private in-memory
// database (path ":memory:") that lives as long as the Store.
//
// Writes go through a single writer goroutine that owns the only write
// connection and commits in groups: it begins one transaction, runs every
// Update queued at that moment (up to a bound), each inside its own
// savepoint so that a failing one is undone alone, and commits them with one
// COMMIT, hence one fsync. Reads outside Update run on a separate pool of
// read-only connections beside the writer. Decoded pools are cached in
// memory; the cache is dropped after every commit that wrote a pool. Cognito
// Sync datasets and their records are cached the same way, per dataset, for
// the reads devices make when they sync; a commit drops the datasets it
// wrote. Identities are not cached: every read of one is a query, so that
// its cost stays the same however many identities a pool holds.
//
// Pool usage comes from per-pool totals that triggers keep in the same
// statement as every dataset write. A deleted pool is marked, which hides it
// and its identities at once, and its rows are removed by a background
// purger, a step of at most a few thousand rows per Update, resumed at
// Open after a crash.
//
// The Store assumes it is the only writer of its database, and makes sure
// of it: Open locks the file path+".lock" beside a file database (flock,
// where the system has it), so a second Store on the same database, in
// this process or another, is refused with ErrLocked. The lock is named
// after the database's name (symbolic links followed), so a database file
// of more than one name (hard link), which SQLite would give a write-ahead
// log per name, is refused with ErrLinked. Readers opened WithReadOnly,
// and other programs, may read the file beside the writer.
// Open's errors name the path and the reason (a missing directory, a file
// or directory that is not writable, a file that is not a database).
//
// The schema is upgraded by the migrations embedded from
// migrations/*.sql, applied in order at Open inside one transaction and
// tracked with PRAGMA user_version; a new database gets at once the schema
// they leave, schema.sql, which a test holds equal to theirs. The Store's statements are prepared
// in that transaction before it commits, so an upgrade that leaves a
// table or column they name missing is rolled back and the file left as
// it was (preparing checks names, not constraints). user_version counts
// files, so a file that has run anywhere is never edited or renamed: the
// files' names and hashes are pinned in testdata/migrations.sha256.
package sqlite
