package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/idpool/idpool/storage"
)

// Memory is the path that opens a private in-memory database.
const Memory = ":memory:"

// ErrClosed is returned by Update once Close has been called.
var ErrClosed = errors.New("sqlite: store closed")

// busyTimeoutMillis is how long a connection waits for a lock held by
// another connection before failing with SQLITE_BUSY. Readers never block
// the writer in WAL mode, so this only matters for in-memory databases
// (rollback journal) and for other processes touching the file.
const busyTimeoutMillis = 10000

// pageCacheKiB bounds the page cache of each connection to a database
// file, the writer's and every reader's, in KiB as SQLite counts them; the
// operating system's file cache does the rest. SQLite's allocator in this
// pure-Go build (modernc.org/memory) rounds every allocation up to a power
// of two, so a cached page of 4 KiB and its header takes 8 KiB: a cache
// costs about twice what it holds.
//
// Readers: with a pool of a million identities read at random, 2 MiB each
// cost 9 MiB more resident memory for no measurable gain, and 16 MiB each
// gained 13 % for 100 MiB (idpool-bench -scale). The writer had SQLite's
// default of 2 MB, which the benchmark's writes fill: 1 MiB left 2 MiB
// less resident after idpool-bench -scenarios GetId-guest (31.1–31.6 MiB
// against 33.3–33.7, three runs each, over a pool of 100,000 identities)
// at the same rate of new identities (2,478–2,921/s against 1,935–2,951).
const pageCacheKiB = 1024

// Option configures Open.
type Option func(*options)

type options struct {
	maxBatch int
	existing bool
	readOnly bool
	logger   *slog.Logger // see WithLogger
}

// WithExisting refuses to create the database file: Open of a missing
// file fails with an error wrapping fs.ErrNotExist.
func WithExisting() Option {
	return func(o *options) { o.existing = true }
}

// WithReadOnly opens an existing database only to read it, beside a
// server that writes it or not, with no write access to the file or its
// directory: it takes no lock, migrates nothing, never checkpoints (the
// file and its write-ahead log are left as they are) and creates no file.
// Update returns ErrReadOnly. A database of an older schema is refused,
// as it cannot be migrated.
func WithReadOnly() Option {
	return func(o *options) { o.existing, o.readOnly = true, true }
}

// ErrReadOnly is returned by Update of a Store opened WithReadOnly.
var ErrReadOnly = errors.New("sqlite: store opened read-only")

// WithMaxBatch bounds how many Update calls share one commit (default 256).
// 1 commits every Update on its own.
func WithMaxBatch(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxBatch = n
		}
	}
}

// Store is a storage.Store on one SQLite database. It is safe for
// concurrent use.
type Store struct {
	rdb   *sql.DB // read pool
	read  queries
	wdb   *sql.DB // holds the writer's single connection
	w     *writer
	cache poolCache
	sync  *syncCache
	lock  *lockFile // nil for memory databases and WithoutLock
	// path and file are the database file as opened, "" and nil for a
	// memory database (see Check).
	path string
	file os.FileInfo

	mu     sync.RWMutex // guards closed and sending on reqs
	closed bool
	reqs   chan *request
	done   chan struct{} // closed when the writer goroutine has returned

	stopPurge sync.Once
	stop      chan struct{} // closed by Close: the purger stops
	purged    chan struct{} // closed when the purger has returned
}

var _ storage.Store = (*Store)(nil)

// Open opens the database at path, or a private in-memory database if
// path is ":memory:", creating or migrating its schema, and starts the
// writer. The Store must be closed.
//
// A file database is locked through the file path+".lock" beside it
// (where flock exists): while a Store has it open, Open of the same path
// by any process fails with an error wrapping ErrLocked. Every error names
// the path and, where it is known, the reason: a missing directory, a
// file or directory that is not writable, a file that is not a database.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o := options{maxBatch: 256, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	if o.readOnly {
		return openReadOnly(ctx, path, o)
	}
	writeDSN, readDSN, err := dsns(path)
	if err != nil {
		return nil, err
	}
	var lk *lockFile
	if path != Memory {
		abs, err := checkFile(path, o)
		if err != nil {
			return nil, err
		}
		if lk, err = takeLock(path, abs); err != nil {
			return nil, err
		}
	}

	s := newStore(o, lk)
	wake := make(chan struct{}, 1)
	if err := s.open(ctx, writeDSN, readDSN, o); err != nil {
		s.closeDBs()
		lk.release()
		return nil, describe(path, err)
	}
	if path != Memory {
		if fi, err := os.Stat(path); err == nil {
			s.path, s.file = path, fi
		}
	}
	s.w.purge = wake
	go s.w.loop(s.reqs, s.done)
	wake <- struct{}{} // pools a crash left marked deleted
	go s.purge(wake, s.stop, s.purged)
	return s, nil
}

// Check reports an error when the Store cannot serve: ErrClosed once
// Close has been called, as every read and write fails from then on; or,
// for a database file, when the file at the Store's path is no longer the
// one it opened: deleted or replaced while idpool runs. SQLite keeps
// using the file it has open, so everything written from then on would be
// lost with it. A health check should fail on either.
func (s *Store) Check() error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if s.file == nil {
		return nil
	}
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("sqlite: database %s was deleted while idpool runs: what is written now is lost with it; restart idpool", s.path)
	case err != nil:
		return fmt.Errorf("sqlite: database %s: %w", s.path, err)
	case !os.SameFile(fi, s.file):
		return fmt.Errorf("sqlite: database %s was replaced by another file while idpool runs: idpool still uses the old one; restart idpool", s.path)
	}
	return nil
}

// newStore is a Store without its connections.
func newStore(o options, lk *lockFile) *Store {
	return &Store{
		cache:  poolCache{pools: make(map[string]*storage.Pool)},
		sync:   newSyncCache(),
		reqs:   make(chan *request, o.maxBatch),
		done:   make(chan struct{}),
		stop:   make(chan struct{}),
		purged: make(chan struct{}),
		lock:   lk,
	}
}

// openReadOnly opens the Store of WithReadOnly: readers only, with no
// writer goroutine and no purger.
//
// A database that has a write-ahead log (a server has it open, or one
// stopped without checkpointing) is read with mode=ro, which reads the
// log through the server's shared-memory index and never writes the
// database. One without a log is complete in its file, and no server has
// it open: it is read with immutable=1, which creates no -wal or -shm
// file (a read-only directory could not hold them, and files left by
// another user would keep the server from writing), while a shared lock
// on the lock file keeps a server from starting to write it meanwhile.
func openReadOnly(ctx context.Context, path string, o options) (*Store, error) {
	abs, err := checkFile(path, o)
	if err != nil {
		return nil, err
	}
	lk, serving := lockShared(lockPath(abs))
	immutable := false
	if !serving {
		_, err := os.Lstat(abs + "-wal")
		immutable = errors.Is(err, fs.ErrNotExist)
	}
	_, readDSN, err := dsns(path)
	if err != nil {
		lk.release()
		return nil, err
	}
	readDSN += "&mode=ro"
	if immutable {
		readDSN += "&immutable=1"
	}
	s := newStore(o, lk)
	close(s.done)
	close(s.purged)
	if err := s.openReaders(ctx, readDSN); err != nil {
		s.closeDBs()
		lk.release()
		if _, werr := os.Lstat(abs + "-wal"); werr == nil {
			if _, serr := os.Lstat(abs + "-shm"); errors.Is(serr, fs.ErrNotExist) {
				return nil, fmt.Errorf("sqlite: open %s: its write-ahead log %s-wal has no index %s-shm, and none can be made here: "+
					"start and stop idpool on it once, or copy the database's files to a writable directory: %w", path, path, path, err)
			}
		}
		return nil, describe(path, err)
	}
	return s, nil
}

// walSizeLimit is the size in bytes the write-ahead log is truncated to
// when it restarts after growing larger: 16 MiB, four times what the
// automatic checkpoints (every 1,000 pages) leave it at in steady use.
const walSizeLimit = 16 << 20

// dsns returns the writer's and the readers' data source names for path.
// Pragmas go in the DSN so that every connection the pools open gets them.
func dsns(path string) (write, read string, err error) {
	common := "_pragma=busy_timeout(" + fmt.Sprint(busyTimeoutMillis) + ")&_pragma=foreign_keys(1)&_pragma=temp_store(2)"
	if path == Memory {
		// A memdb name starting with "/" is shared by every connection of
		// this process that opens it, and lives while one is open; the
		// random part keeps Stores apart. memdb has no WAL: readers and
		// the writer take turns under SQLite's locks and busy_timeout.
		name := "file:/idpool-" + rand.Text() + "?vfs=memdb&" + common
		return name, name + "&_pragma=query_only(1)", nil
	}
	if path == "" {
		return "", "", errors.New("sqlite: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", fmt.Errorf("sqlite: %w", err)
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	// The URI form escapes characters such as '?' and '#' in the path.
	u := (&url.URL{Scheme: "file", Path: p}).String()
	cache := fmt.Sprintf("&_pragma=cache_size(%d)", -pageCacheKiB)
	// A reader that holds its snapshot (a long export into a stalled pipe,
	// a database browser left open) keeps the writer from restarting the
	// write-ahead log, which then grows with every write: hundreds of MB
	// in minutes under a test suite's load. SQLite never shrinks it by
	// itself; journal_size_limit truncates it to this size whenever it
	// restarts, once the reader is gone.
	write = u + "?" + common + "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		fmt.Sprintf("&_pragma=journal_size_limit(%d)", walSizeLimit) + cache
	read = u + "?" + common + "&_pragma=query_only(1)" + cache
	return write, read, nil
}

func (s *Store) open(ctx context.Context, writeDSN, readDSN string, o options) error {
	var err error
	if s.wdb, err = sql.Open("sqlite", writeDSN); err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	s.wdb.SetConnMaxIdleTime(0)
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	s.w = &writer{conn: conn, cache: &s.cache, sync: s.sync, maxBatch: o.maxBatch}
	// The statements are prepared inside the migration's transaction: a
	// schema that lacks a table or column they name is rolled back, not
	// committed.
	if err := migrate(ctx, conn, o.logger, s.w.prepare); err != nil {
		return err
	}

	// The readers open after the writer has set WAL mode and migrated.
	return s.openReaders(ctx, readDSN)
}

// openReaders opens the read pool and checks that the schema is the one
// this idpool reads.
func (s *Store) openReaders(ctx context.Context, readDSN string) error {
	var err error
	if s.rdb, err = sql.Open("sqlite", readDSN); err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	// Reads outside Update are served by 2 × GOMAXPROCS connections, at
	// least 4.
	conns := max(4, 2*runtime.GOMAXPROCS(0))
	s.rdb.SetMaxOpenConns(conns)
	s.rdb.SetMaxIdleConns(conns)
	s.rdb.SetConnMaxLifetime(0)
	s.rdb.SetConnMaxIdleTime(0)
	var version int
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("sqlite: read user_version: %w", err)
	}
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	// Only an older database can be upgraded: the server refuses a newer
	// one (see migrate).
	switch want := len(ms); {
	case version > want:
		return fmt.Errorf("the database schema is version %d, newer than this idpool reads (%d): "+
			"open it with the idpool that wrote it, or a newer one", version, want)
	case version < want:
		return fmt.Errorf("the database schema is version %d and this idpool reads version %d: "+
			"open it with the idpool of its version, or start this idpool's server on it once to upgrade it", version, want)
	}
	return s.read.prepare(ctx, s.rdb)
}

// closeDBs closes statements, connections and pools, whichever exist.
func (s *Store) closeDBs() error {
	var errs []error
	errs = append(errs, s.read.close())
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.close())
	}
	if s.wdb != nil {
		errs = append(errs, s.wdb.Close())
	}
	return errors.Join(errs...)
}

// Close stops accepting updates, waits for the queued ones to finish, and
// closes the database. Calling Close again does nothing.
func (s *Store) Close() error {
	s.stopPurge.Do(func() { close(s.stop) })
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.reqs)
	s.mu.Unlock()
	// The purge stops at its next step: a step it asks for from now on
	// is ErrClosed, and one it queued before runs with the others. It is
	// waited for only after the store stops accepting updates: waiting
	// first would wait for its queued step behind every update queued
	// before it, while the store still took new ones.
	<-s.purged
	<-s.done
	err := s.closeDBs()
	// The lock goes last, once nothing of this Store touches the file.
	if lerr := s.lock.release(); err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// Update runs fn in a write transaction, which it may share with other
// concurrent Update calls (group commit): each fn runs alone and in turn,
// inside its own savepoint, and sees the writes of those before it; a fn
// that fails is undone alone; the others commit together, and Update
// returns once the commit is on disk. If ctx is done before fn starts, fn
// is not run and Update returns ctx.Err().
//
// The Tx's methods honour the ctx they are given by refusing to start once
// it is done; a statement once started runs to completion, because
// interrupting one could abort the whole shared transaction.
//
// fn must not call Update (it would wait for itself). If fn panics, the
// panic is re-raised in the caller after its writes are undone.
func (s *Store) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.w == nil {
		return ErrReadOnly
	}
	r := &request{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	err := <-r.done
	if p, ok := err.(*panicError); ok {
		panic(p.value)
	}
	return err
}

// byKey returns the context for a read of one thing by its key (a pool, an
// identity, a dataset, a role…): the read runs to its end even if ctx is
// cancelled meanwhile, as a transaction's reads do. It takes microseconds,
// while a context that can be cancelled makes database/sql and the driver
// each start a goroutine per query to watch it: BenchmarkGetIdentity took
// 18 µs a read with them, 10.6 µs without. Reads of lists keep ctx: they
// can be long.
func byKey(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// GetPool implements storage.Reader.
func (s *Store) GetPool(ctx context.Context, id string) (storage.Pool, error) {
	return s.read.cachedPool(byKey(ctx), &s.cache, id)
}

// ListPools implements storage.Reader. A limit ≤ 0 means no limit.
func (s *Store) ListPools(ctx context.Context, after string, limit int) ([]storage.Pool, error) {
	return s.read.pools(ctx, after, limit)
}

// CountPools implements storage.Reader.
func (s *Store) CountPools(ctx context.Context) (int, error) {
	return s.read.countAllPools(ctx)
}

// GetIdentity implements storage.Reader.
func (s *Store) GetIdentity(ctx context.Context, id string) (storage.Identity, error) {
	return s.read.identity(byKey(ctx), id)
}

// IdentityByLogin implements storage.Reader.
func (s *Store) IdentityByLogin(ctx context.Context, poolID string, login storage.Login) (storage.Identity, error) {
	return s.read.identityWithLogin(byKey(ctx), poolID, login)
}

// ListIdentities implements storage.Reader. A Limit ≤ 0 means no limit.
func (s *Store) ListIdentities(ctx context.Context, poolID string, opts storage.ListIdentitiesOptions) ([]storage.Identity, error) {
	return s.read.identities(ctx, poolID, opts)
}

// CountIdentities implements storage.Reader.
func (s *Store) CountIdentities(ctx context.Context, poolID string) (storage.IdentityCount, error) {
	return s.read.identityCount(byKey(ctx), poolID)
}

// SigningKeys implements storage.Reader.
func (s *Store) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	return s.read.keys(ctx)
}

// Secret implements storage.Reader.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	return s.read.secretValue(byKey(ctx), name)
}

// sentinel maps a SQLite constraint violation to the storage sentinel it
// means; any other error comes back unchanged.
func sentinel(err error) error {
	var e *sqlite.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return storage.ErrAlreadyExists
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return storage.ErrNotFound
		}
	}
	return err
}
