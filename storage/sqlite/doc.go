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
// wrote. Identities are cached by id and by login, within a byte budget.
//
// Pool usage comes from per-pool totals that triggers keep in the same
// statement as every dataset write. A deleted pool is marked, which hides it
// and its identities at once, and its rows are removed by a background
// purger, a small batch per Update, resumed at Open after a crash.
//
// The Store assumes it is the only writer of its database: several Stores,
// or other programs, may read the same file, but only one may write it.
//
// The schema is created and upgraded by the migrations embedded from
// migrations/*.sql, applied in order at Open inside one transaction and
// tracked with PRAGMA user_version.
package sqlite
