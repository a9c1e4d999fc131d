package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// purgeTables are the tables a pool's rows live in, with the query that
// counts the rows of pool ?1 in each.
var purgeTables = []struct{ name, count string }{
	{"pools", `SELECT count(*) FROM pools WHERE id = ?1`},
	{"pool_totals", `SELECT count(*) FROM pool_totals WHERE pool_id = ?1`},
	{"pool_identities", `SELECT count(*) FROM pool_identities WHERE pool_id = ?1`},
	{"sync_config", `SELECT count(*) FROM sync_config WHERE pool_id = ?1`},
	{"identities", `SELECT count(*) FROM identities WHERE pool_id = ?1`},
	{"logins", `SELECT count(*) FROM logins WHERE pool_id = ?1`},
	{"datasets", `SELECT count(*) FROM datasets WHERE pool_id = ?1`},
	{"records", `SELECT count(*) FROM records AS r JOIN identities AS i ON i.id = r.identity_id WHERE i.pool_id = ?1`},
	{"devices", `SELECT count(*) FROM devices AS d JOIN identities AS i ON i.id = d.identity_id WHERE i.pool_id = ?1`},
	{"subscriptions", `SELECT count(*) FROM subscriptions AS s JOIN devices AS d ON d.id = s.device_id
		JOIN identities AS i ON i.id = d.identity_id WHERE i.pool_id = ?1`},
}

// poolRows counts the rows of pool id in each of purgeTables, read from db
// beside the Store.
func poolRows(t *testing.T, db *sql.DB, id string) map[string]int {
	t.Helper()
	rows := make(map[string]int)
	for _, tb := range purgeTables {
		var n int
		if err := db.QueryRow(tb.count, id).Scan(&n); err != nil {
			t.Fatalf("count %s of %s: %v", tb.name, id, err)
		}
		rows[tb.name] = n
	}
	return rows
}

// removedRows is how many rows went between two counts of poolRows.
func removedRows(before, after map[string]int) int {
	n := 0
	for _, tb := range purgeTables {
		n += before[tb.name] - after[tb.name]
	}
	return n
}

// seedHeavyPool creates pool id with identities identities, each holding
// a login, a device subscribed to a dataset, and datasets datasets of
// records records: Cognito Sync data far beyond what a purge step may
// remove.
func seedHeavyPool(t *testing.T, s *Store, id string, identities, datasets, records int) {
	t.Helper()
	ctx := t.Context()
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, testPool(id)); err != nil {
			return err
		}
		if err := tx.PutSyncConfig(ctx, id, storage.SyncConfig{HasPushSync: true, PushRoleARN: "arn:aws:iam::123456789012:role/push"}); err != nil {
			return err
		}
		for i := range identities {
			iid := fmt.Sprintf("%s:%03d", id, i)
			if err := tx.CreateIdentity(ctx, storage.Identity{ID: iid, PoolID: id, Logins: []storage.Login{{Provider: "x", UserID: iid}}}); err != nil {
				return err
			}
			if err := tx.PutDevice(ctx, storage.Device{ID: iid + "/dev", IdentityID: iid, Platform: "GCM", Token: iid, CreatedAt: ts}); err != nil {
				return err
			}
			for d := range datasets {
				name := fmt.Sprint("d", d)
				if err := tx.PutDataset(ctx, storage.Dataset{IdentityID: iid, Name: name, SyncCount: 1, DataStorage: 10, NumRecords: int64(records), CreatedAt: ts, ModifiedAt: ts}, 0); err != nil {
					return err
				}
				recs := make([]storage.Record, records)
				for r := range recs {
					v := "v"
					recs[r] = storage.Record{Key: fmt.Sprint("k", r), Value: &v, SyncCount: 1, ModifiedAt: ts}
				}
				if err := tx.PutRecords(ctx, iid, name, recs); err != nil {
					return err
				}
			}
			if err := tx.Subscribe(ctx, iid+"/dev", "d0"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed pool %s: %v", id, err)
	}
}

// stopPurger stops the Store's background purger, so that a test runs
// every purge step itself.
func stopPurger(s *Store) {
	s.stopPurge.Do(func() { close(s.stop) })
	<-s.purged
}

// openPurging opens a Store on a new file without its background purger,
// so that a test runs every purge step itself, and a database beside it
// to count rows with.
func openPurging(t *testing.T) (*Store, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "idpool.db")
	s := openFile(t, path)
	t.Cleanup(func() { s.Close() })
	stopPurger(s)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return s, db
}

// TestPurgeStepBound: a purge step removes a bounded number of rows
// whatever the pool's identities hold (an identity of many records
// takes several steps), and the steps leave nothing of the pool and
// everything of the others.
func TestPurgeStepBound(t *testing.T) {
	ctx := t.Context()
	s, db := openPurging(t)

	// 3 identities of 4 datasets of purgeRows/2 records: 6 purgeRows of
	// records, within a single purge window.
	seedHeavyPool(t, s, "p1", 3, 4, purgeRows/2)
	seedHeavyPool(t, s, "p2", 1, 1, 3)
	before2 := poolRows(t, db, "p2")
	usage2, err := s.PoolUsage(ctx, "p2")
	if err != nil {
		t.Fatal(err)
	}

	prev := poolRows(t, db, "p1")
	steps := 0
	step := func(fn func(tx storage.Tx) error) {
		t.Helper()
		if err := s.Update(ctx, fn); err != nil {
			t.Fatalf("step %d: %v", steps, err)
		}
		steps++
		now := poolRows(t, db, "p1")
		removed := removedRows(prev, now)
		// Records, then datasets, up to purgeRows each; identities with
		// a login, a device and a subscription each.
		if limit := 2*purgeRows + 4*purgeSpan + 4; removed > limit {
			t.Errorf("step %d removed %d rows, want at most %d (before %v, after %v)", steps, removed, limit, prev, now)
		}
		prev = now
	}
	// DeletePool runs the first step.
	step(func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })
	for gone := false; !gone; {
		if steps > 100 {
			t.Fatalf("the pool is not gone after %d steps: %v", steps, prev)
		}
		step(func(stx storage.Tx) error {
			var err error
			gone, err = stx.(*tx).purgeStep("p1")
			return err
		})
	}
	if steps < 6 {
		t.Errorf("the pool went in %d steps, want at least 6 (one per purgeRows records)", steps)
	}
	for name, n := range poolRows(t, db, "p1") {
		if n != 0 {
			t.Errorf("%s of p1 after the purge: got %d rows, want 0", name, n)
		}
	}
	if got := poolRows(t, db, "p2"); fmt.Sprint(got) != fmt.Sprint(before2) {
		t.Errorf("rows of p2 after the purge of p1: got %v, want %v", got, before2)
	}
	if got, err := s.PoolUsage(ctx, "p2"); err != nil || got != usage2 {
		t.Errorf("PoolUsage of p2 after the purge of p1: got %+v, %v, want %+v", got, err, usage2)
	}
}

// TestPurgePool: PurgePool removes what is left of a deleted pool, in
// steps, so that CreatePool of its id has nothing left to remove; it
// leaves a live pool alone, and a purge step finds nothing to do in one.
func TestPurgePool(t *testing.T) {
	ctx := t.Context()
	s, db := openPurging(t)
	seedHeavyPool(t, s, "p1", 2, 3, purgeRows)
	seedHeavyPool(t, s, "p2", 2, 3, purgeRows)
	live := poolRows(t, db, "p2")

	if err := s.Update(ctx, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") }); err != nil {
		t.Fatal(err)
	}
	if got := poolRows(t, db, "p1"); got["records"] == 0 {
		t.Fatalf("rows of p1 after DeletePool: got %v, want records left to purge", got)
	}
	for _, id := range []string{"p1", "p2", "nonesuch"} {
		if err := s.PurgePool(ctx, id); err != nil {
			t.Errorf("PurgePool(%s): got error %v, want nil", id, err)
		}
	}
	for name, n := range poolRows(t, db, "p1") {
		if n != 0 {
			t.Errorf("%s of p1 after PurgePool: got %d rows, want 0", name, n)
		}
	}
	err := s.Update(ctx, func(stx storage.Tx) error {
		gone, err := stx.(*tx).purgeStep("p2")
		if err == nil && !gone {
			err = errors.New("purgeStep of a live pool: got gone false, want true")
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
	if got := poolRows(t, db, "p2"); fmt.Sprint(got) != fmt.Sprint(live) {
		t.Errorf("rows of the live p2 after PurgePool and purgeStep: got %v, want %v", got, live)
	}

	// The id is free: the new pool is empty.
	if err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreatePool(ctx, testPool("p1")) }); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountIdentities(ctx, "p1"); err != nil || n != (storage.IdentityCount{}) {
		t.Errorf("CountIdentities of the new p1: got %+v, %v, want zero", n, err)
	}
	if u, err := s.PoolUsage(ctx, "p1"); err != nil || u != (storage.Usage{}) {
		t.Errorf("PoolUsage of the new p1: got %+v, %v, want zero", u, err)
	}
}
