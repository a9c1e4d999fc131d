package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/storagetest"
)

func openFile(t testing.TB, path string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open(%q): got error %v, want nil", path, err)
	}
	return s
}

func TestConformance(t *testing.T) {
	tests := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "idpool.db") }},
		{"memory", func(*testing.T) string { return Memory }},
		{"file with odd name", func(t *testing.T) string { return filepath.Join(t.TempDir(), "a b?c#d%20.db") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			storagetest.Run(t, func(t *testing.T) storage.Store { return openFile(t, tc.path(t)) })
		})
	}
}

// TestConformanceUnbatched runs the suite with group commit off, so that
// every request is alone in its transaction.
func TestConformanceUnbatched(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return openFile(t, Memory, WithMaxBatch(1)) })
}

func testPool(id string) storage.Pool {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC)
	return storage.Pool{ID: id, Name: "pool " + id, AllowUnauthenticated: true, Tags: map[string]string{"k": "v"}, CreatedAt: ts, ModifiedAt: ts}
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "idpool.db")
	s := openFile(t, path)
	l := storage.Login{Provider: "graph.facebook.com", UserID: "u1"}
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, testPool("p1")); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, storage.Identity{ID: "p1:a", PoolID: "p1", Logins: []storage.Login{l}}); err != nil {
			return err
		}
		return tx.CreateSigningKey(ctx, storage.SigningKey{ID: "k1", PrivateKey: []byte{1, 2, 3}, Active: true})
	})
	if err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: got error %v, want nil", err)
	}

	s = openFile(t, path)
	defer s.Close()
	p, err := s.GetPool(ctx, "p1")
	if err != nil || p.Name != "pool p1" || p.Tags["k"] != "v" {
		t.Errorf("GetPool after reopening: got %+v, %v, want pool p1", p, err)
	}
	i, err := s.IdentityByLogin(ctx, "p1", l)
	if err != nil || i.ID != "p1:a" {
		t.Errorf("IdentityByLogin after reopening: got %+v, %v, want p1:a", i, err)
	}
	keys, err := s.SigningKeys(ctx)
	if err != nil || len(keys) != 1 || string(keys[0].PrivateKey) != "\x01\x02\x03" || !keys[0].Active {
		t.Errorf("SigningKeys after reopening: got %+v, %v, want k1", keys, err)
	}
}

// TestPath: the database file is created under exactly the path given,
// however odd its characters.
func TestPath(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"plain.db", "a b?c#d%20&x=y.db", "ünï.db"} {
		path := filepath.Join(dir, name)
		s := openFile(t, path)
		if err := s.Close(); err != nil {
			t.Fatalf("Close: got error %v, want nil", err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("Stat(%q) after Open: got error %v, want nil", path, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), lockSuffix)
		if base, _, _ := strings.Cut(name, "-"); !strings.HasSuffix(base, ".db") && !strings.HasSuffix(name, ".db") {
			t.Errorf("unexpected file %q in the database directory", e.Name())
		}
	}
	if _, err := Open(t.Context(), ""); err == nil {
		t.Errorf("Open(\"\"): got nil error, want one")
	}
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrations(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatalf("migrations: got error %v, want nil", err)
	}
	if len(ms) == 0 {
		t.Fatal("migrations: got none, want at least one")
	}

	path := filepath.Join(t.TempDir(), "idpool.db")
	for round := range 3 {
		s := openFile(t, path)
		if err := s.Close(); err != nil {
			t.Fatalf("round %d: Close: got error %v, want nil", round, err)
		}
		if got := userVersion(t, path); got != len(ms) {
			t.Errorf("round %d: user_version: got %d, want %d", round, got, len(ms))
		}
	}

	// A database from a newer idpool is refused, and left alone.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", len(ms)+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := Open(t.Context(), path); err == nil {
		s.Close()
		t.Errorf("Open of a newer schema: got nil error, want one")
	}
	if got := userVersion(t, path); got != len(ms)+1 {
		t.Errorf("user_version after the refused Open: got %d, want %d", got, len(ms)+1)
	}
}

// TestPragmas checks the durability settings of the writer, its page
// cache and the WAL mode of a file database.
func TestPragmas(t *testing.T) {
	ctx := t.Context()
	s := openFile(t, filepath.Join(t.TempDir(), "idpool.db"))
	defer s.Close()
	err := s.Update(ctx, func(stx storage.Tx) error {
		conn := stx.(*tx).w.conn
		for _, tc := range []struct {
			pragma string
			want   string
		}{
			{"journal_mode", "wal"},
			{"synchronous", "2"}, // FULL
			{"foreign_keys", "1"},
			{"busy_timeout", fmt.Sprint(busyTimeoutMillis)},
			{"cache_size", fmt.Sprint(-pageCacheKiB)},
			{"journal_size_limit", fmt.Sprint(walSizeLimit)},
		} {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				return err
			}
			if got != tc.want {
				t.Errorf("PRAGMA %s: got %s, want %s", tc.pragma, got, tc.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
}

// TestWALShrinks: a reader that holds its snapshot lets the write-ahead
// log grow past walSizeLimit; once it is gone, the log is cut back to the
// limit, not kept at its largest until the server stops.
func TestWALShrinks(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "idpool.db")
	s := openFile(t, path)
	defer s.Close()
	write := func(name string) {
		t.Helper()
		err := s.Update(ctx, func(stx storage.Tx) error {
			_, err := stx.(*tx).w.conn.ExecContext(ctx, `INSERT OR REPLACE INTO secrets (name, value, created) VALUES (?1, randomblob(1048576), 0)`, name)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- s.View(ctx, func(r storage.Reader) error {
			_, err := r.CountPools(ctx) // the snapshot starts here
			close(held)
			<-release
			return err
		})
	}()
	<-held
	for i := range 2 * walSizeLimit >> 20 {
		write(fmt.Sprint("grow", i))
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() <= walSizeLimit {
		t.Fatalf("write-ahead log with a reader holding its snapshot: got %d bytes, want more than %d for this test", fi.Size(), walSizeLimit)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		write(fmt.Sprint("after", i))
	}
	if fi, err = os.Stat(path + "-wal"); err != nil {
		t.Fatal(err)
	}
	if fi.Size() > walSizeLimit {
		t.Errorf("write-ahead log once the reader is gone: got %d bytes, want at most %d", fi.Size(), walSizeLimit)
	}
}

func TestUpdateContext(t *testing.T) {
	s := openFile(t, Memory)
	defer s.Close()

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ran := false
	err := s.Update(ctx, func(storage.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Update with a canceled context: got error %v, ran %v; want context.Canceled, not run", err, ran)
	}

	// A context canceled inside fn stops the Tx's methods, and the
	// request's writes are undone when fn reports it.
	ctx, cancel = context.WithCancel(t.Context())
	err = s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, testPool("p1")); err != nil {
			return err
		}
		cancel()
		return tx.CreatePool(ctx, testPool("p2"))
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update canceled midway: got error %v, want context.Canceled", err)
	}
	if n, err := s.CountPools(t.Context()); err != nil || n != 0 {
		t.Errorf("CountPools: got %d, %v, want 0", n, err)
	}
}

func TestTxAfterUpdate(t *testing.T) {
	ctx := t.Context()
	s := openFile(t, Memory)
	defer s.Close()
	var kept storage.Tx
	if err := s.Update(ctx, func(tx storage.Tx) error { kept = tx; return nil }); err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
	if err := kept.CreatePool(ctx, testPool("p1")); !errors.Is(err, errTxDone) {
		t.Errorf("CreatePool on a finished Tx: got error %v, want %v", err, errTxDone)
	}
}

func TestUpdatePanic(t *testing.T) {
	ctx := t.Context()
	s := openFile(t, Memory)
	defer s.Close()
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("recovered %v, want boom", v)
			}
		}()
		s.Update(ctx, func(tx storage.Tx) error {
			if err := tx.CreatePool(ctx, testPool("p1")); err != nil {
				return err
			}
			panic("boom")
		})
		t.Errorf("Update returned, want a panic")
	}()
	// The store still works, and kept nothing of the panicking update.
	if err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreatePool(ctx, testPool("p2")) }); err != nil {
		t.Fatalf("Update after a panic: got error %v, want nil", err)
	}
	if _, err := s.GetPool(ctx, "p1"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("GetPool of the panicking update's pool: got error %v, want ErrNotFound", err)
	}
}

// TestCloseWithPurgeQueued: Close while the purge's step waits in the
// queue behind a long update stops taking updates at once, and returns
// once the queue, the purge's step included, has run. (Close used to wait
// for the purge first, so a step queued behind an update that waited for
// the store to close deadlocked; CI's race run hit it in TestClose, where
// the purge's wake at Open queued its step behind the held writer.)
func TestCloseWithPurgeQueued(t *testing.T) {
	ctx := t.Context()
	s := openFile(t, filepath.Join(t.TempDir(), "idpool.db"))
	// Let the purge's wake at Open run its step first.
	if err := s.Update(ctx, func(storage.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	running, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- s.Update(ctx, func(storage.Tx) error {
			close(running)
			<-release
			return nil
		})
	}()
	<-running
	s.w.purge <- struct{}{} // the purge queues a step behind the held update
	for len(s.reqs) < 1 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.RLock()
		c := s.closed
		s.mu.RUnlock()
		if c {
			break
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("Close did not stop taking updates while the purge's step was queued")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-held; err != nil {
		t.Errorf("the held update: got %v, want nil", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: got %v, want nil", err)
	}
}

func TestClose(t *testing.T) {
	ctx := t.Context()
	s := openFile(t, filepath.Join(t.TempDir(), "idpool.db"))
	if err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreatePool(ctx, testPool("p1")) }); err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}

	// Hold the writer inside one update while n more queue up behind it.
	var (
		wg       sync.WaitGroup
		running  = make(chan struct{})
		release  = make(chan struct{})
		blockErr error
	)
	wg.Go(func() {
		blockErr = s.Update(ctx, func(tx storage.Tx) error {
			close(running)
			<-release
			return tx.CreateIdentity(ctx, storage.Identity{ID: "p1:first", PoolID: "p1"})
		})
	})
	<-running
	const n = 50
	var errs [n]error
	for g := range n {
		wg.Go(func() {
			errs[g] = s.Update(ctx, func(tx storage.Tx) error {
				return tx.CreateIdentity(ctx, storage.Identity{ID: fmt.Sprintf("p1:%02d", g), PoolID: "p1"})
			})
		})
	}
	for len(s.reqs) < n {
		time.Sleep(time.Millisecond)
	}

	// Close while they are queued: it waits for all of them.
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	for {
		s.mu.RLock()
		c := s.closed
		s.mu.RUnlock()
		if c {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := s.Update(ctx, func(storage.Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Update after Close: got error %v, want ErrClosed", err)
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	wg.Wait()
	if blockErr != nil {
		t.Errorf("the update running at Close: got error %v, want nil", blockErr)
	}
	for g := range n {
		if errs[g] != nil {
			t.Errorf("update %d queued at Close: got error %v, want nil", g, errs[g])
		}
	}
}

// TestCloseDurability: every Update reported committed before Close is in
// the database after reopening.
func TestCloseDurability(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "idpool.db")
	s := openFile(t, path)
	if err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreatePool(ctx, testPool("p1")) }); err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
	const n = 100
	var (
		wg   sync.WaitGroup
		errs [n]error
	)
	for g := range n {
		wg.Go(func() {
			errs[g] = s.Update(ctx, func(tx storage.Tx) error {
				return tx.CreateIdentity(ctx, storage.Identity{ID: fmt.Sprintf("p1:%03d", g), PoolID: "p1"})
			})
		})
	}
	time.Sleep(time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	wg.Wait()

	s = openFile(t, path)
	defer s.Close()
	for g := range n {
		id := fmt.Sprintf("p1:%03d", g)
		_, err := s.GetIdentity(ctx, id)
		switch {
		case errs[g] == nil && err != nil:
			t.Errorf("GetIdentity %s, reported committed: got error %v, want nil", id, err)
		case errs[g] != nil && !errors.Is(errs[g], ErrClosed):
			t.Errorf("Update %d: got error %v, want nil or ErrClosed", g, errs[g])
		case errs[g] != nil && !errors.Is(err, storage.ErrNotFound):
			t.Errorf("GetIdentity %s, refused: got error %v, want ErrNotFound", id, err)
		}
	}
}

// TestPoolCacheConsistency: once UpdatePool has returned, every reader
// sees the new pool, even with readers hammering the cache meanwhile.
func TestPoolCacheConsistency(t *testing.T) {
	for _, path := range []string{Memory, "file"} {
		t.Run(path, func(t *testing.T) {
			ctx := t.Context()
			if path == "file" {
				path = filepath.Join(t.TempDir(), "idpool.db")
			}
			s := openFile(t, path)
			defer s.Close()
			p := testPool("p1")
			if err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreatePool(ctx, p) }); err != nil {
				t.Fatalf("Update: got error %v, want nil", err)
			}

			var (
				version atomic.Int64 // the newest committed version
				stop    = make(chan struct{})
				wg      sync.WaitGroup
				bad     atomic.Value
			)
			for range 4 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						floor := version.Load()
						got, err := s.GetPool(ctx, "p1")
						if err != nil {
							bad.Store(err.Error())
							return
						}
						var v int64
						fmt.Sscanf(got.Name, "v%d", &v)
						if got.Name == p.Name {
							v = 0
						}
						if v < floor {
							bad.Store(fmt.Sprintf("read version %d after version %d was committed", v, floor))
							return
						}
					}
				})
			}
			for v := int64(1); v <= 50; v++ {
				q := p
				q.Name = fmt.Sprintf("v%d", v)
				if err := s.Update(ctx, func(tx storage.Tx) error { return tx.UpdatePool(ctx, q) }); err != nil {
					t.Fatalf("Update: got error %v, want nil", err)
				}
				version.Store(v)
			}
			close(stop)
			wg.Wait()
			if msg := bad.Load(); msg != nil {
				t.Errorf("GetPool: %v", msg)
			}
		})
	}
}

func TestSentinelMessages(t *testing.T) {
	ctx := t.Context()
	s := openFile(t, Memory)
	defer s.Close()
	l := storage.Login{Provider: "graph.facebook.com", UserID: "u1"}
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, testPool("p1")); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, storage.Identity{ID: "p1:a", PoolID: "p1", Logins: []storage.Login{l}}); err != nil {
			return err
		}
		return tx.CreateIdentity(ctx, storage.Identity{ID: "p1:b", PoolID: "p1", Logins: []storage.Login{l}})
	})
	if !errors.Is(err, storage.ErrAlreadyExists) {
		t.Fatalf("CreateIdentity with a taken login: got error %v, want ErrAlreadyExists", err)
	}
	for _, want := range []string{"sqlite: create identity p1:b", "graph.facebook.com/u1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q: want it to mention %q", err, want)
		}
	}
}

// benchStore opens a durable file store with one pool.
func benchStore(b *testing.B) (*Store, storage.Pool) {
	b.Helper()
	ctx := context.Background()
	s := openFile(b, filepath.Join(b.TempDir(), "idpool.db"))
	b.Cleanup(func() { s.Close() })
	p := testPool("us-east-1:00000000-0000-0000-0000-000000000001")
	p.SupportedLoginProviders = map[string]string{"graph.facebook.com": "app", "accounts.google.com": "client"}
	p.Roles = map[string]string{"authenticated": "arn:aws:iam::123456789012:role/a", "unauthenticated": "arn:aws:iam::123456789012:role/u"}
	if err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreatePool(ctx, p) }); err != nil {
		b.Fatal(err)
	}
	return s, p
}

// BenchmarkCreateIdentityParallel measures durable identity creation by many
// concurrent clients: each op is one Update creating one identity with one
// login, committed with fsync (in groups).
func BenchmarkCreateIdentityParallel(b *testing.B) {
	s, p := benchStore(b)
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(32) // 32 × GOMAXPROCS clients, as behind an HTTP server
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			i := storage.Identity{
				ID:     fmt.Sprintf("us-east-1:%036d", n),
				PoolID: p.ID,
				Logins: []storage.Login{{Provider: "graph.facebook.com", UserID: fmt.Sprint(n)}},
			}
			if err := s.Update(ctx, func(tx storage.Tx) error {
				if _, err := tx.IdentityByLogin(ctx, p.ID, i.Logins[0]); !errors.Is(err, storage.ErrNotFound) {
					return fmt.Errorf("IdentityByLogin: got %v, want ErrNotFound", err)
				}
				return tx.CreateIdentity(ctx, i)
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ids/s")
}

func BenchmarkGetPool(b *testing.B) {
	s, p := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.GetPool(ctx, p.ID); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func benchIdentities(b *testing.B, n int) (*Store, storage.Pool) {
	b.Helper()
	s, p := benchStore(b)
	ctx := context.Background()
	err := s.Update(ctx, func(tx storage.Tx) error {
		for k := range n {
			i := storage.Identity{
				ID:     fmt.Sprintf("us-east-1:%036d", k),
				PoolID: p.ID,
				Logins: []storage.Login{{Provider: "graph.facebook.com", UserID: fmt.Sprint(k)}},
			}
			if err := tx.CreateIdentity(ctx, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, p
}

// requestContext is a context that can be cancelled, as an HTTP request's.
func requestContext(b *testing.B) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	return ctx
}

// BenchmarkGetIdentity and BenchmarkIdentityByLogin read n identities in
// turn.
func BenchmarkGetIdentity(b *testing.B) {
	const n = 10000
	s, _ := benchIdentities(b, n)
	ctx := requestContext(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("us-east-1:%036d", next.Add(1)%n)
			if _, err := s.GetIdentity(ctx, id); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkIdentityByLogin(b *testing.B) {
	const n = 10000
	s, p := benchIdentities(b, n)
	ctx := requestContext(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l := storage.Login{Provider: "graph.facebook.com", UserID: fmt.Sprint(next.Add(1) % n)}
			if _, err := s.IdentityByLogin(ctx, p.ID, l); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkMixed runs four GetIdentity reads for each durable
// CreateIdentity, from many clients, on a file and an in-memory store.
func BenchmarkMixed(b *testing.B) {
	for _, name := range []string{"memory", "file"} {
		b.Run(name, func(b *testing.B) {
			path := Memory
			if name == "file" {
				path = filepath.Join(b.TempDir(), "x.db")
			}
			s := openFile(b, path)
			defer s.Close()
			ctx := context.Background()
			p := testPool("p")
			if err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreatePool(ctx, p) }); err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := next.Add(1)
					if n%5 == 0 {
						i := storage.Identity{ID: fmt.Sprint(n), PoolID: "p", Logins: []storage.Login{{Provider: "x", UserID: fmt.Sprint(n)}}}
						if err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreateIdentity(ctx, i) }); err != nil {
							b.Error(err)
							return
						}
					} else {
						// The identity may not be committed yet; either answer is fine.
						_, _ = s.GetIdentity(ctx, fmt.Sprint(n-n%5))
					}
				}
			})
		})
	}
}

// benchDatasets gives n identities of the bench pool one dataset "d" each,
// holding records (keys k00, k01, …, values of 32 bytes) written at sync
// count 1, and returns the identity ids.
func benchDatasets(b *testing.B, s *Store, p storage.Pool, n, records int) []string {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	err := s.Update(ctx, func(tx storage.Tx) error {
		for k := range n {
			ids[k] = fmt.Sprintf("us-east-1:%036d", k)
			if err := tx.CreateIdentity(ctx, storage.Identity{ID: ids[k], PoolID: p.ID}); err != nil {
				return err
			}
			d := storage.Dataset{IdentityID: ids[k], Name: "d", PoolID: p.ID, SyncCount: 1, NumRecords: int64(records)}
			if err := tx.PutDataset(ctx, d, 0); err != nil {
				return err
			}
			rs := make([]storage.Record, records)
			for r := range rs {
				v := strings.Repeat("v", 32)
				rs[r] = storage.Record{Key: fmt.Sprintf("k%02d", r), Value: &v, SyncCount: 1, LastModifiedBy: "device", ModifiedAt: time.Now()}
			}
			if err := tx.PutRecords(ctx, ids[k], "d", rs); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

// BenchmarkListRecords20 measures a full ListRecords of a 20-record
// dataset, the read a device syncing from scratch makes, by concurrent
// clients on different identities: through the Store (served by the sync
// cache once warm); as Cognito Sync's ListRecords reads, with the dataset
// before and the datasets an identity merge stored beside it after; and,
// for comparison, straight from the database.
func BenchmarkListRecords20(b *testing.B) {
	s, p := benchStore(b)
	ids := benchDatasets(b, s, p, 1000, 20)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		list func(id string) ([]storage.Record, error)
	}{
		{"store", func(id string) ([]storage.Record, error) {
			return s.ListRecords(ctx, id, "d", storage.ListRecordsOptions{Limit: 1024})
		}},
		{"sync", func(id string) ([]storage.Record, error) {
			if _, err := s.GetDataset(ctx, id, "d"); err != nil {
				return nil, err
			}
			rs, err := s.ListRecords(ctx, id, "d", storage.ListRecordsOptions{Limit: 1024})
			if err != nil {
				return nil, err
			}
			merged, err := s.ListDatasets(ctx, id, "d.", 64)
			if err != nil || len(merged) != 0 {
				return nil, fmt.Errorf("ListDatasets: got %d datasets, %v, want none", len(merged), err)
			}
			return rs, nil
		}},
		{"query", func(id string) ([]storage.Record, error) {
			return s.read.records(ctx, id, "d", storage.ListRecordsOptions{Limit: 1024})
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rs, err := bc.list(ids[next.Add(1)%int64(len(ids))])
					if err != nil || len(rs) != 20 {
						b.Errorf("ListRecords: got %d records, %v, want 20", len(rs), err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lists/s")
		})
	}
}

// BenchmarkUpdateRecordParallel measures durable single-record
// UpdateRecords by many concurrent clients, each on its own dataset: per
// op one Update reads the dataset and the record, compares and swaps the
// sync count, and writes the record, committed with fsync (in groups).
func BenchmarkUpdateRecordParallel(b *testing.B) {
	s, p := benchStore(b)
	ids := benchDatasets(b, s, p, 1024, 20)
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(32) // 32 × GOMAXPROCS clients, as behind an HTTP server
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := ids[next.Add(1)%int64(len(ids))] // one dataset per client: no conflicts
		for n := 0; pb.Next(); n++ {
			key := fmt.Sprintf("k%02d", n%20)
			value := fmt.Sprint(n)
			err := s.Update(ctx, func(tx storage.Tx) error {
				d, err := tx.GetDataset(ctx, id, "d")
				if err != nil {
					return err
				}
				old, err := tx.GetRecords(ctx, id, "d", []string{key})
				if err != nil {
					return err
				}
				if _, ok := old[key]; !ok {
					return fmt.Errorf("record %s: missing", key)
				}
				now := time.Now()
				next := d
				next.SyncCount++
				next.ModifiedAt = now
				if err := tx.PutDataset(ctx, next, d.SyncCount); err != nil {
					return err
				}
				r := storage.Record{Key: key, Value: &value, SyncCount: next.SyncCount, LastModifiedBy: "device", ModifiedAt: now}
				return tx.PutRecords(ctx, id, "d", []storage.Record{r})
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// syncFixture opens a store with pool p1, identity p1:a and its dataset d
// holding recs, at sync count 1.
func syncFixture(t *testing.T, path string, recs []storage.Record) *Store {
	t.Helper()
	ctx := t.Context()
	s := openFile(t, path)
	t.Cleanup(func() { s.Close() })
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, testPool("p1")); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, storage.Identity{ID: "p1:a", PoolID: "p1"}); err != nil {
			return err
		}
		if err := tx.PutDataset(ctx, storage.Dataset{IdentityID: "p1:a", Name: "d", SyncCount: 1}, 0); err != nil {
			return err
		}
		return tx.PutRecords(ctx, "p1:a", "d", recs)
	})
	if err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
	return s
}

// TestSyncCacheConsistency: once an Update that wrote a dataset has
// returned, every reader sees the new dataset and records, even with
// readers hammering the cache meanwhile.
func TestSyncCacheConsistency(t *testing.T) {
	for _, path := range []string{Memory, "file"} {
		t.Run(path, func(t *testing.T) {
			ctx := t.Context()
			if path == "file" {
				path = filepath.Join(t.TempDir(), "idpool.db")
			}
			v := "1"
			s := syncFixture(t, path, []storage.Record{{Key: "k", Value: &v, SyncCount: 1}})
			var (
				version atomic.Int64 // the newest committed sync count
				stop    = make(chan struct{})
				wg      sync.WaitGroup
				bad     atomic.Value
			)
			for range 4 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						floor := version.Load()
						d, err := s.GetDataset(ctx, "p1:a", "d")
						if err != nil {
							bad.Store(err.Error())
							return
						}
						rs, err := s.ListRecords(ctx, "p1:a", "d", storage.ListRecordsOptions{})
						if err != nil || len(rs) != 1 {
							bad.Store(fmt.Sprintf("ListRecords: got %d records, %v", len(rs), err))
							return
						}
						m, err := s.GetRecords(ctx, "p1:a", "d", []string{"k"})
						if err != nil || len(m) != 1 {
							bad.Store(fmt.Sprintf("GetRecords: got %d records, %v", len(m), err))
							return
						}
						for what, got := range map[string]int64{"dataset": d.SyncCount, "listed record": rs[0].SyncCount, "got record": m["k"].SyncCount} {
							if got < floor {
								bad.Store(fmt.Sprintf("read %s at sync count %d after %d was committed", what, got, floor))
								return
							}
						}
					}
				})
			}
			for n := int64(2); n <= 50; n++ {
				err := s.Update(ctx, func(tx storage.Tx) error {
					if err := tx.PutDataset(ctx, storage.Dataset{IdentityID: "p1:a", Name: "d", SyncCount: n}, n-1); err != nil {
						return err
					}
					v := fmt.Sprint(n)
					return tx.PutRecords(ctx, "p1:a", "d", []storage.Record{{Key: "k", Value: &v, SyncCount: n}})
				})
				if err != nil {
					t.Fatalf("Update: got error %v, want nil", err)
				}
				version.Store(n)
			}
			close(stop)
			wg.Wait()
			if msg := bad.Load(); msg != nil {
				t.Errorf("reader: %v", msg)
			}
		})
	}
}

// TestListCacheConsistency: once an Update that wrote datasets of an
// identity has returned, every ListDatasets of that identity sees it, even
// with readers hammering the cache meanwhile. Round n creates dataset
// cNNN of one identity, deletes c(n-2) of the same identity, and moves
// x(n-1) from the other identity to this one as xNNN, so that every list
// is invalidated by inserts, updates and renames in both directions.
func TestListCacheConsistency(t *testing.T) {
	for _, path := range []string{Memory, "file"} {
		t.Run(path, func(t *testing.T) {
			ctx := t.Context()
			if path == "file" {
				path = filepath.Join(t.TempDir(), "idpool.db")
			}
			s := syncFixture(t, path, nil)
			owner := func(n int64) string { return [...]string{"p1:a", "p1:b"}[n%2] }
			c := func(n int64) string { return fmt.Sprintf("c%03d", n) }
			x := func(n int64) string { return fmt.Sprintf("x%03d", n) }
			err := s.Update(ctx, func(tx storage.Tx) error {
				if err := tx.CreateIdentity(ctx, storage.Identity{ID: "p1:b", PoolID: "p1"}); err != nil {
					return err
				}
				return tx.PutDataset(ctx, storage.Dataset{IdentityID: owner(0), Name: x(0), SyncCount: 1}, 0)
			})
			if err != nil {
				t.Fatalf("Update: got error %v, want nil", err)
			}

			var (
				version atomic.Int64 // the newest round committed
				stop    = make(chan struct{})
				wg      sync.WaitGroup
				bad     atomic.Value
			)
			// check returns what is wrong with lists read while the state
			// committed was at least round f and at most round g+1.
			check := func(f, g int64, lists map[string][]storage.Dataset) string {
				found := false
				for id, ds := range lists {
					for _, d := range ds {
						k, err := strconv.ParseInt(d.Name[1:], 10, 64)
						switch {
						case d.Name == "d":
							continue
						case err != nil:
							return fmt.Sprintf("%s listed %s, which was never written", id, d.Name)
						case d.Name[0] == 'c':
							if k < f-1 {
								return fmt.Sprintf("%s listed %s, deleted in round %d, after round %d was committed", id, d.Name, k+2, f)
							}
							found = found || (k == f && id == owner(f))
						case d.Name[0] == 'x':
							if k < f {
								return fmt.Sprintf("%s listed %s, renamed in round %d, after round %d was committed", id, d.Name, k+1, f)
							}
						}
					}
				}
				if f > 0 && g <= f && !found {
					return fmt.Sprintf("%s did not list %s, created in round %d, which was committed", owner(f), c(f), f)
				}
				return ""
			}
			for range 4 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						f := version.Load()
						lists := make(map[string][]storage.Dataset, 2)
						for _, id := range []string{"p1:a", "p1:b"} {
							ds, err := s.ListDatasets(ctx, id, "", 0)
							if err != nil {
								bad.Store(err.Error())
								return
							}
							lists[id] = ds
						}
						if msg := check(f, version.Load(), lists); msg != "" {
							bad.Store(msg)
							return
						}
					}
				})
			}
			for n := int64(1); n <= 60; n++ {
				err := s.Update(ctx, func(tx storage.Tx) error {
					if err := tx.PutDataset(ctx, storage.Dataset{IdentityID: owner(n), Name: c(n), SyncCount: 1}, 0); err != nil {
						return err
					}
					if n >= 3 {
						gone := storage.Dataset{IdentityID: owner(n), Name: c(n - 2), SyncCount: 2, Deleted: true, DeletedAtSyncCount: 2}
						if err := tx.PutDataset(ctx, gone, 1); err != nil {
							return err
						}
					}
					return tx.RenameDataset(ctx, owner(n-1), x(n-1), owner(n), x(n))
				})
				if err != nil {
					t.Fatalf("round %d: Update: got error %v, want nil", n, err)
				}
				version.Store(n)
			}
			close(stop)
			wg.Wait()
			if msg := bad.Load(); msg != nil {
				t.Errorf("reader: %v", msg)
			}
		})
	}
}

// TestManyDatasets: the datasets of an identity with too many for the sync
// cache are listed from the database, and the listing still sees every
// write.
func TestManyDatasets(t *testing.T) {
	ctx := t.Context()
	s := syncFixture(t, Memory, nil)
	name := func(i int) string { return fmt.Sprintf("n%04d", i) }
	err := s.Update(ctx, func(tx storage.Tx) error {
		for i := range maxCachedDatasets {
			if err := tx.PutDataset(ctx, storage.Dataset{IdentityID: "p1:a", Name: name(i), SyncCount: 1}, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
	names := func(ds []storage.Dataset) string {
		var ns []string
		for _, d := range ds {
			ns = append(ns, d.Name)
		}
		return strings.Join(ns, ",")
	}
	tests := []struct {
		name  string
		after string
		limit int
		want  string
	}{
		{"page", name(10), 3, "n0011,n0012,n0013"},
		{"last page", name(maxCachedDatasets - 3), 0, "n1022,n1023"},
		{"past the last", "d", 2, "n0000,n0001"},
	}
	for round := range 2 { // the second round runs with the cache knowing the list is big
		for _, tc := range tests {
			got, err := s.ListDatasets(ctx, "p1:a", tc.after, tc.limit)
			if err != nil || names(got) != tc.want {
				t.Errorf("round %d, %s: ListDatasets: got %s, %v, want %s", round, tc.name, names(got), err, tc.want)
			}
		}
		if _, big, _, ok := s.sync.list("p1:a"); !ok || !big {
			t.Errorf("round %d: sync cache: got cached %v, big %v, want true, true", round, ok, big)
		}
	}

	err = s.Update(ctx, func(tx storage.Tx) error {
		gone := storage.Dataset{IdentityID: "p1:a", Name: name(1), SyncCount: 2, Deleted: true, DeletedAtSyncCount: 2}
		return tx.PutDataset(ctx, gone, 1)
	})
	if err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
	got, err := s.ListDatasets(ctx, "p1:a", "d", 2)
	if err != nil || names(got) != "n0000,n0002" {
		t.Errorf("ListDatasets after a deletion: got %s, %v, want n0000,n0002", names(got), err)
	}
	// Now exactly at the bound: cached.
	all, err := s.ListDatasets(ctx, "p1:a", "", 0)
	if err != nil || len(all) != maxCachedDatasets {
		t.Errorf("ListDatasets: got %d datasets, %v, want %d", len(all), err, maxCachedDatasets)
	}
	if _, big, _, ok := s.sync.list("p1:a"); !ok || big {
		t.Errorf("sync cache after a deletion: got cached %v, big %v, want true, false", ok, big)
	}
}

// TestBigDataset: a dataset too big for the sync cache is listed and read
// from the database, and still sees every write.
func TestBigDataset(t *testing.T) {
	ctx := t.Context()
	const n = 100
	big := strings.Repeat("x", 2*maxCachedRecordBytes/n)
	recs := make([]storage.Record, n)
	for i := range recs {
		recs[i] = storage.Record{Key: fmt.Sprintf("k%03d", i), Value: &big, SyncCount: 1 + int64(i%2)}
	}
	s := syncFixture(t, Memory, recs)

	keys := func(rs []storage.Record) string {
		var ks []string
		for _, r := range rs {
			ks = append(ks, r.Key)
		}
		return strings.Join(ks, ",")
	}
	tests := []struct {
		name string
		opts storage.ListRecordsOptions
		want string
	}{
		{"page", storage.ListRecordsOptions{After: "k010", Limit: 3}, "k011,k012,k013"},
		{"since", storage.ListRecordsOptions{SinceSyncCount: 1, After: "k090", Limit: 3}, "k091,k093,k095"},
		{"last page", storage.ListRecordsOptions{After: "k097"}, "k098,k099"},
	}
	for round := range 2 { // the second round runs with the cache knowing the dataset is big
		for _, tc := range tests {
			got, err := s.ListRecords(ctx, "p1:a", "d", tc.opts)
			if err != nil || keys(got) != tc.want {
				t.Errorf("round %d, %s: ListRecords: got %s, %v, want %s", round, tc.name, keys(got), err, tc.want)
			}
		}
		if _, _, big, _, ok := s.sync.snapshot(dsKey{"p1:a", "d"}); !ok || !big {
			t.Errorf("round %d: sync cache: got cached %v, big %v, want true, true", round, ok, big)
		}
	}

	v := "small"
	err := s.Update(ctx, func(tx storage.Tx) error {
		return tx.PutRecords(ctx, "p1:a", "d", []storage.Record{{Key: "k050", Value: &v, SyncCount: 3}})
	})
	if err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
	got, err := s.ListRecords(ctx, "p1:a", "d", storage.ListRecordsOptions{SinceSyncCount: 2})
	if err != nil || keys(got) != "k050" || *got[0].Value != "small" {
		t.Errorf("ListRecords after an update: got %s, %v, want k050 = small", keys(got), err)
	}
	m, err := s.GetRecords(ctx, "p1:a", "d", []string{"k050", "k051"})
	if err != nil || len(m) != 2 || *m["k050"].Value != "small" || *m["k051"].Value != big {
		t.Errorf("GetRecords after an update: got %d records, %v, want k050 = small and k051", len(m), err)
	}

	// A write drops the cache's knowledge; the read after it learns that
	// the dataset is big from the dataset's totals, which the write keeps
	// up to date as Cognito Sync does, without reading its records (a
	// device syncing after each write would read them all).
	err = s.Update(ctx, func(tx storage.Tx) error {
		d := storage.Dataset{IdentityID: "p1:a", Name: "d", SyncCount: 4, NumRecords: n, DataStorage: int64(n * (len("k000") + len(big)))}
		if err := tx.PutDataset(ctx, d, 1); err != nil {
			return err
		}
		return tx.PutRecords(ctx, "p1:a", "d", []storage.Record{{Key: "k051", Value: &big, SyncCount: 4}})
	})
	if err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
	if d, all, isBig, err := s.cachedSnapshot(ctx, "p1:a", "d"); err != nil || d == nil || !isBig || all != nil {
		t.Errorf("read after a write: got dataset %v, %d records, big %v, %v, want the dataset, no records, big", d != nil, len(all), isBig, err)
	}
}

// TestIdentityReadsConsistency: readers of an identity, by id and by
// login, never see an older version than the last one committed; a login
// moved to another identity is found on its new owner at once.
func TestIdentityReadsConsistency(t *testing.T) {
	ctx := t.Context()
	s := openFile(t, filepath.Join(t.TempDir(), "idpool.db"))
	defer s.Close()
	at := time.UnixMilli(1_700_000_000_000).UTC()
	base := storage.Identity{ID: "us-east-1:a", PoolID: "p1", Logins: []storage.Login{{Provider: "graph.facebook.com", UserID: "u"}}, CreatedAt: at, ModifiedAt: at}
	other := storage.Identity{ID: "us-east-1:b", PoolID: "p1", CreatedAt: at, ModifiedAt: at}
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, testPool("p1")); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, base); err != nil {
			return err
		}
		return tx.CreateIdentity(ctx, other)
	})
	if err != nil {
		t.Fatal(err)
	}
	login := base.Logins[0]

	var (
		version atomic.Int64 // the newest committed version (ModifiedAt offset)
		stop    = make(chan struct{})
		wg      sync.WaitGroup
		bad     atomic.Value
	)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				floor := version.Load()
				got, err := s.GetIdentity(ctx, base.ID)
				if err != nil {
					bad.Store(err.Error())
					return
				}
				if v := got.ModifiedAt.Sub(at).Milliseconds(); v < floor {
					bad.Store(fmt.Sprintf("GetIdentity read version %d after version %d was committed", v, floor))
					return
				}
				byLogin, err := s.IdentityByLogin(ctx, "p1", login)
				if err != nil {
					bad.Store(err.Error())
					return
				}
				if v := byLogin.ModifiedAt.Sub(at).Milliseconds(); byLogin.ID == base.ID && v < floor {
					bad.Store(fmt.Sprintf("IdentityByLogin read version %d after version %d was committed", v, floor))
					return
				}
			}
		})
	}
	for v := int64(1); v <= 50; v++ {
		i := base
		i.ModifiedAt = at.Add(time.Duration(v) * time.Millisecond)
		if err := s.Update(ctx, func(tx storage.Tx) error { return tx.UpdateIdentity(ctx, i) }); err != nil {
			t.Fatalf("Update: got error %v, want nil", err)
		}
		version.Store(v)
	}
	close(stop)
	wg.Wait()
	if msg := bad.Load(); msg != nil {
		t.Fatal(msg)
	}

	// The login moves to the other identity: the cached owner must go.
	if _, err := s.IdentityByLogin(ctx, "p1", login); err != nil {
		t.Fatal(err)
	}
	moved := other
	moved.Logins = base.Logins
	released := base
	released.Logins = nil
	err = s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.UpdateIdentity(ctx, released); err != nil {
			return err
		}
		return tx.UpdateIdentity(ctx, moved)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.IdentityByLogin(ctx, "p1", login); err != nil || got.ID != other.ID {
		t.Errorf("IdentityByLogin after the login moved: got %s, %v, want %s", got.ID, err, other.ID)
	}
	// Deleting the pool drops everything cached.
	if err := s.Update(ctx, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIdentity(ctx, other.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("GetIdentity after DeletePool: got %v, want ErrNotFound", err)
	}
}

// TestPurgeResumes: a pool left marked deleted by a crash, with its rows
// still there, is invisible at the next Open, which removes the rows.
func TestPurgeResumes(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "idpool.db")
	s := openFile(t, path)
	const n = 3 * purgeSpan / 2
	err := s.Update(ctx, func(tx storage.Tx) error {
		for _, p := range []string{"p1", "p2"} {
			if err := tx.CreatePool(ctx, testPool(p)); err != nil {
				return err
			}
		}
		for i := range n {
			id := fmt.Sprintf("p1:%d", i)
			if err := tx.CreateIdentity(ctx, storage.Identity{ID: id, PoolID: "p1", Logins: []storage.Login{{Provider: "x", UserID: id}}}); err != nil {
				return err
			}
		}
		return tx.CreateIdentity(ctx, storage.Identity{ID: "p2:a", PoolID: "p2"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The crash: the mark committed, nothing removed yet.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE pools SET deleted = 1 WHERE id = 'p1'`); err != nil {
		t.Fatal(err)
	}

	s = openFile(t, path)
	defer s.Close()
	if _, err := s.GetIdentity(ctx, "p1:7"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("GetIdentity in the marked pool: got error %v, want ErrNotFound", err)
	}
	count := func(q string) int {
		var c int
		if err := db.QueryRow(q).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	deadline := time.Now().Add(20 * time.Second)
	for count(`SELECT count(*) FROM identities WHERE pool_id = 'p1'`)+count(`SELECT count(*) FROM pools WHERE id = 'p1'`) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the marked pool still has %d identities after 20 s, want none",
				count(`SELECT count(*) FROM identities WHERE pool_id = 'p1'`))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := count(`SELECT count(*) FROM logins`); got != 0 {
		t.Errorf("logins left after the purge: got %d, want 0", got)
	}
	if _, err := s.GetIdentity(ctx, "p2:a"); err != nil {
		t.Errorf("GetIdentity in the other pool: got error %v, want nil", err)
	}
}

// oldDatabase returns the path of a new database file at schema version,
// as an idpool of that version left it, holding what stmts write.
func oldDatabase(t *testing.T, version int, stmts ...string) string {
	t.Helper()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "idpool.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, m := range ms[:version] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	for _, q := range append([]string{"PRAGMA user_version = " + strconv.Itoa(version)}, stmts...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}

// TestMigrateTotals: a database written before pool totals existed gets
// them from its datasets when it is upgraded, the last change (a deletion
// included) too.
func TestMigrateTotals(t *testing.T) {
	path := oldDatabase(t, 4,
		`INSERT INTO pools (id, name, config, created, modified) VALUES ('p1', 'p1', '{}', 0, 0), ('p2', 'p2', '{}', 0, 0)`,
		`INSERT INTO identities (id, pool_id, created, modified) VALUES ('p1:a', 'p1', 0, 0), ('p2:a', 'p2', 0, 0)`,
		`INSERT INTO datasets (identity_id, name, pool_id, sync_count, deleted, data_storage, created, modified) VALUES
			('p1:a', 'd1', 'p1', 1, 0, 10, 0, 1000), ('p1:a', 'd2', 'p1', 1, 0, 20, 0, 3000),
			('p1:a', 'gone', 'p1', 1, 1, 500, 0, 9000), ('p2:a', 'd1', 'p2', 1, 1, 7, 0, 5000)`)
	s := openFile(t, path)
	defer s.Close()
	tests := []struct {
		pool string
		want storage.Usage
	}{
		{"p1", storage.Usage{DatasetCount: 2, DataStorage: 30, LastModifiedAt: time.UnixMilli(9000).UTC()}},
		{"p2", storage.Usage{LastModifiedAt: time.UnixMilli(5000).UTC()}},
	}
	for _, tc := range tests {
		got, err := s.PoolUsage(t.Context(), tc.pool)
		if err != nil {
			t.Fatalf("PoolUsage %s: got error %v, want nil", tc.pool, err)
		}
		got.LastModifiedAt = got.LastModifiedAt.UTC()
		if got != tc.want {
			t.Errorf("PoolUsage %s after the upgrade: got %+v, want %+v", tc.pool, got, tc.want)
		}
	}
}

// TestMigrateMergedFromName: merged copies written before their origin's
// name was stored get it from their names, whichever suffix the merge gave
// them.
func TestMigrateMergedFromName(t *testing.T) {
	const (
		loser = "us-east-1:0b0b0b0b-1111-4222-8333-444455556666"
		uuid  = "0b0b0b0b-1111-4222-8333-444455556666"
	)
	path := oldDatabase(t, 7,
		`INSERT INTO pools (id, name, config, created, modified) VALUES ('us-east-1:p', 'p', '{}', 0, 0)`,
		`INSERT INTO identities (id, pool_id, created, modified) VALUES ('us-east-1:a', 'us-east-1:p', 0, 0)`,
		`INSERT INTO datasets (identity_id, name, pool_id, sync_count, merged_from, created, modified) VALUES
			('us-east-1:a', 'profile', 'us-east-1:p', 1, '', 0, 0),
			('us-east-1:a', 'profile.`+loser+`', 'us-east-1:p', 1, '`+loser+`', 0, 0),
			('us-east-1:a', 'profile.`+loser+`.2', 'us-east-1:p', 1, '`+loser+`', 0, 0),
			('us-east-1:a', 'long.name.`+uuid+`', 'us-east-1:p', 1, '`+loser+`', 0, 0),
			('us-east-1:a', 'long.name.`+uuid+`.3', 'us-east-1:p', 1, '`+loser+`', 0, 0)`)
	s := openFile(t, path)
	defer s.Close()
	tests := []struct{ name, want string }{
		{"profile", ""},
		{"profile." + loser, "profile"},
		{"profile." + loser + ".2", "profile"},
		{"long.name." + uuid, "long.name"},
		{"long.name." + uuid + ".3", "long.name"},
	}
	for _, tc := range tests {
		d, err := s.GetDataset(t.Context(), "us-east-1:a", tc.name)
		if err != nil {
			t.Fatalf("GetDataset %s: got error %v, want nil", tc.name, err)
		}
		if d.MergedFromName != tc.want {
			t.Errorf("MergedFromName of %s after the upgrade: got %q, want %q", tc.name, d.MergedFromName, tc.want)
		}
	}
}

// TestMigrateIdentityCounts: a database written before identity counts
// existed gets them from its identities when it is upgraded, the merged
// identities are found through the new index, and the triggers go on from
// the counts the upgrade made.
func TestMigrateIdentityCounts(t *testing.T) {
	ctx := t.Context()
	path := oldDatabase(t, 6,
		`INSERT INTO pools (id, name, config, created, modified, deleted) VALUES
			('p1', 'p1', '{}', 0, 0, 0), ('p2', 'p2', '{}', 0, 0, 0), ('p3', 'p3', '{}', 0, 0, 1)`,
		`INSERT INTO identities (id, pool_id, disabled, merged_into, created, modified) VALUES
			('p1:a', 'p1', 0, '', 0, 0), ('p1:b', 'p1', 1, 'p1:a', 0, 0), ('p1:c', 'p1', 1, '', 0, 0),
			('p1:d', 'p1', 1, 'p1:a', 0, 0), ('p3:a', 'p3', 0, '', 0, 0)`)
	s := openFile(t, path)
	defer s.Close()
	tests := []struct {
		pool    string
		want    storage.IdentityCount
		wantErr error
	}{
		{"p1", storage.IdentityCount{All: 4, Disabled: 3}, nil},
		{"p2", storage.IdentityCount{}, nil},
		{"p3", storage.IdentityCount{}, storage.ErrNotFound}, // marked deleted before the upgrade
	}
	for _, tc := range tests {
		got, err := s.CountIdentities(ctx, tc.pool)
		if !errors.Is(err, tc.wantErr) || got != tc.want {
			t.Errorf("CountIdentities %s after the upgrade: got %+v, %v, want %+v, %v", tc.pool, got, err, tc.want, tc.wantErr)
		}
	}
	merged, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{MergedInto: "p1:a"})
	var ids []string
	for _, i := range merged {
		ids = append(ids, i.ID)
	}
	if err != nil || strings.Join(ids, ",") != "p1:b,p1:d" {
		t.Errorf("ListIdentities merged into p1:a after the upgrade: got %v, %v, want p1:b,p1:d", ids, err)
	}
	err = s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreateIdentity(ctx, storage.Identity{ID: "p2:a", PoolID: "p2"}); err != nil {
			return err
		}
		return tx.DeleteIdentity(ctx, "p1:c")
	})
	if err != nil {
		t.Fatal(err)
	}
	for pool, want := range map[string]storage.IdentityCount{"p1": {All: 3, Disabled: 2}, "p2": {All: 1}} {
		if got, err := s.CountIdentities(ctx, pool); err != nil || got != want {
			t.Errorf("CountIdentities %s after writes: got %+v, %v, want %+v", pool, got, err, want)
		}
	}
}

// TestIndexedPlans: counting a pool's identities, paging them, its live
// ones among them, and finding those merged into one read no table from
// end to end and run no subquery per row read, so they cost the same at a
// million identities as at ten, however many are disabled.
func TestIndexedPlans(t *testing.T) {
	db := schemaDB(t)
	tests := []struct {
		name, query string
		args        []any
		index       string // an index the plan must use
	}{
		{"count identities", qCountIdentities, []any{"p1"}, "PRIMARY KEY"},
		{"identities merged into one", qListMerged, []any{"p1", "", 0, 50, "p1:a"}, "identities_merged"},
		{"identities", qListIdentities, []any{"p1", "", 60}, "identities_pool"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkPlan(t, db, tc.query, tc.args, tc.index) })
	}
}
